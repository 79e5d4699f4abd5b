"""E-mails of the producer workspace: member invitations, the shopper's "your parcel is on its
way" message, and the digest of certificates and documents that expire soon.

Texts are bilingual where the reader's language is unknown (producers: Vietnamese first, then
English) and in the shopper's language for order e-mails."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import timezone

from backend.producers.models import MemberRole, Producer, ProducerMember

DIGEST_DAYS = 60


def _send(subject: str, body: str, recipients: list[str]) -> int:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


# --- Members ----------------------------------------------------------------------------------


def member_invited_send(*, member: ProducerMember, invited_by: Any = None) -> int:
    producer = member.producer
    inviter = getattr(invited_by, "email", "") or "OCOP Market"
    subject = f"OCOP Market: bạn đã được thêm vào {producer.name} / you joined {producer.name}"
    body = (
        f"{inviter} đã thêm bạn vào chủ thể OCOP {producer.name} với vai trò {member.role}.\n"
        f"Đăng nhập tại {settings.PUBLIC_URL} để quản lý sản phẩm.\n\n"
        f"{inviter} added you to the OCOP producer {producer.name} as {member.role}.\n"
        f"Sign in at {settings.PUBLIC_URL} to manage its listings.\n"
    )
    return _send(subject, body, [member.user.email])


# --- Fulfilment -------------------------------------------------------------------------------


def producer_order_shipped_render(producer_order: Any) -> tuple[str, str]:
    order = producer_order.order
    carrier, tracking = producer_order.carrier, producer_order.tracking_number
    language = order.language_code if order.language_code in ("vi", "en") else "vi"
    lines = list(producer_order.lines.all())
    number = order.number or str(order.token)[:8]
    if language == "en":
        subject = f"OCOP Market: order {number} is on its way"
        items = "\n".join(
            f"- {li.product_name_en or li.product_name_vi} "
            f"({li.variant_name_en or li.variant_name_vi}) x {li.quantity}"
            for li in lines
        )
        body = (
            f"{producer_order.producer.name} has shipped your parcel of order {number}:\n"
            f"{items}\n\nCarrier: {carrier}\nTracking number: {tracking}\n\n"
            f"Thank you for buying OCOP products. {settings.PUBLIC_URL}\n"
        )
    else:
        subject = f"OCOP Market: đơn hàng {number} đang được giao"
        items = "\n".join(
            f"- {li.product_name_vi} ({li.variant_name_vi}) x {li.quantity}" for li in lines
        )
        body = (
            f"{producer_order.producer.name} đã gửi kiện hàng của đơn {number}:\n"
            f"{items}\n\nĐơn vị vận chuyển: {carrier}\nMã vận đơn: {tracking}\n\n"
            f"Cảm ơn bạn đã mua sản phẩm OCOP. {settings.PUBLIC_URL}\n"
        )
    return subject, body


def producer_order_shipped_send(producer_order: Any) -> int:
    subject, body = producer_order_shipped_render(producer_order)
    return _send(subject, body, [producer_order.order.user_email])


# --- Expiry digest ----------------------------------------------------------------------------


@dataclass
class ExpiryDigest:
    producer: Producer
    certificates: list[Any] = field(default_factory=list)
    documents: list[Any] = field(default_factory=list)

    @property
    def recipients(self) -> list[str]:
        emails = [
            m.user.email
            for m in self.producer.members.all()
            if m.role == MemberRole.OWNER and m.user.is_active
        ]
        if self.producer.contact_email:
            emails.append(self.producer.contact_email)
        return sorted(set(emails))


def expiry_digests(
    *, today: datetime.date | None = None, days: int = DIGEST_DAYS
) -> list[ExpiryDigest]:
    """Per producer: its verified OCOP certificates and its documents whose validity ends within
    `days` days from `today` (inclusive), soonest first. Three queries in all."""
    from backend.certification.models import CertificateStatus, OcopCertificate, ProducerDocument

    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=days)
    certificates = (
        OcopCertificate.objects.filter(
            status=CertificateStatus.VERIFIED, expires_on__gte=today, expires_on__lte=until
        )
        .select_related("product")
        .order_by("expires_on", "pk")
    )
    documents = ProducerDocument.objects.filter(
        expires_on__gte=today, expires_on__lte=until
    ).order_by("expires_on", "pk")
    by_producer: dict[int, ExpiryDigest] = {}
    found: dict[int, dict[str, list[Any]]] = defaultdict(lambda: {"c": [], "d": []})
    for certificate in certificates:
        found[certificate.product.producer_id]["c"].append(certificate)
    for document in documents:
        found[document.producer_id]["d"].append(document)
    if not found:
        return []
    producers = Producer.objects.filter(
        Q(pk__in=list(found)) & ~Q(verification_status__in=["REJECTED"])
    ).prefetch_related("members__user")
    for producer in producers:
        by_producer[producer.pk] = ExpiryDigest(
            producer=producer,
            certificates=found[producer.pk]["c"],
            documents=found[producer.pk]["d"],
        )
    return [by_producer[pk] for pk in sorted(by_producer)]


def expiry_digest_render(digest: ExpiryDigest, *, today: datetime.date) -> tuple[str, str]:
    count = len(digest.certificates) + len(digest.documents)
    subject = (
        f"OCOP Market: {count} giấy tờ sắp hết hạn / {count} certificates and documents "
        f"expire soon ({digest.producer.name})"
    )
    rows = []
    for c in digest.certificates:
        left = (c.expires_on - today).days
        rows.append(
            f"- OCOP {c.stars}★ {c.product.name_vi} (QĐ {c.decision_number}): "
            f"hết hạn {c.expires_on:%d/%m/%Y}, còn {left} ngày / expires {c.expires_on}, "
            f"{left} days left"
        )
    for d in digest.documents:
        left = (d.expires_on - today).days
        rows.append(
            f"- {d.get_kind_display()} {d.number or d.title}: hết hạn {d.expires_on:%d/%m/%Y}, "
            f"còn {left} ngày / expires {d.expires_on}, {left} days left"
        )
    body = (
        f"Xin chào {digest.producer.name},\n\n"
        f"Các giấy chứng nhận và tài liệu sau hết hạn trong {DIGEST_DAYS} ngày tới. "
        "Hãy gia hạn hoặc đánh giá lại để sản phẩm giữ huy hiệu OCOP.\n"
        f"These certificates and documents expire within {DIGEST_DAYS} days. Renew them "
        "(or have the product re-rated) to keep the OCOP badge.\n\n"
        + "\n".join(rows)
        + f"\n\n{settings.PUBLIC_URL}\n"
    )
    return subject, body


def expiry_digest_send(digest: ExpiryDigest, *, today: datetime.date) -> int:
    subject, body = expiry_digest_render(digest, today=today)
    return _send(subject, body, digest.recipients)


# --- Staff decisions ----------------------------------------------------------------------------


def owners_emails(producer: Producer) -> list[str]:
    emails = [
        m.user.email
        for m in producer.members.select_related("user")
        if m.role == MemberRole.OWNER and m.user.is_active
    ]
    if producer.contact_email:
        emails.append(producer.contact_email)
    return emails


def decision_send(*, producer: Producer, what_vi: str, what_en: str, note: str = "") -> int:
    """Tells the producer's owners about a staff decision (bilingual), with the reason."""
    subject = f"OCOP Market: {what_vi} / {what_en}"
    reason = f"\nLý do / Reason: {note}\n" if note else "\n"
    body = f"Xin chào {producer.name},\n\n{what_vi}.\n{what_en}.\n{reason}\n{settings.PUBLIC_URL}\n"
    return _send(subject, body, owners_emails(producer))
