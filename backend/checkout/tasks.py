"""Background jobs of checkout."""

from __future__ import annotations

from celery import shared_task

from .services import checkouts_delete_stale, reservations_release_expired


@shared_task(name="backend.checkout.tasks.release_expired_reservations")
def release_expired_reservations() -> int:
    """Give back stock held by checkouts whose shoppers stopped paying (every minute)."""
    return reservations_release_expired()


@shared_task(name="backend.checkout.tasks.delete_stale_checkouts")
def delete_stale_checkouts() -> int:
    """Drop checkouts untouched for CHECKOUT_STALE_DAYS (daily)."""
    return checkouts_delete_stale()
