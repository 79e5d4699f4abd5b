"""Reads of accounts."""

from __future__ import annotations

from backend.accounts.models import User
from backend.producers.models import ProducerMember


def user_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def producer_membership_of(*, user: User | None) -> ProducerMember | None:
    """The producer membership of a user (one at most), with its producer loaded."""
    if user is None or not user.is_authenticated:
        return None
    return ProducerMember.objects.select_related("producer").filter(user=user).first()
