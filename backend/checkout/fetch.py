"""`CheckoutInfo`: a checkout loaded once with everything pricing, delivery, problems and
completion read (Saleor's CheckoutInfo pattern). Build it with `fetch_checkout_info` and pass
it down; nothing downstream queries lines, variants, products, producers or certificates
again."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from backend.catalogue.models import ModerationStatus, Product, ProductVariant
from backend.certification.models import OcopCertificate
from backend.producers.models import Producer, VerificationStatus

from .models import Address, Checkout, CheckoutLine, StockReservation

if TYPE_CHECKING:
    from .delivery import DeliveryMethod
    from .problems import CheckoutProblem


@dataclass
class CheckoutLineInfo:
    line: CheckoutLine
    variant: ProductVariant
    product: Product
    producer: Producer
    certificate: OcopCertificate | None
    reserved_quantity: int = 0

    @property
    def unit_price(self) -> Decimal:
        return self.variant.price_amount

    @property
    def total_price(self) -> Decimal:
        return self.variant.price_amount * self.line.quantity

    @property
    def is_shippable(self) -> bool:
        return bool(self.product.category.is_shippable)

    @property
    def quantity_available(self) -> int:
        """Units this checkout may take: free stock plus what it holds itself."""
        free = self.variant.quantity - self.variant.quantity_allocated
        return max(free + self.reserved_quantity, 0)

    def is_certified_on(self, day: datetime.date) -> bool:
        return self.certificate is not None and self.certificate.is_valid_on(day)

    @property
    def is_available(self) -> bool:
        return (
            self.product.moderation_status == ModerationStatus.APPROVED
            and self.producer.verification_status == VerificationStatus.VERIFIED
        )


@dataclass
class CheckoutInfo:
    checkout: Checkout
    lines: list[CheckoutLineInfo]
    today: datetime.date
    now: datetime.datetime
    # Variants this checkout holds reservations for, live or lapsed (not yet released).
    held_variant_ids: set[int] = field(default_factory=set)
    extra: dict[str, object] = field(default_factory=dict)  # for plug-ins (markets, compliance)

    @property
    def shipping_address(self) -> Address | None:
        return self.checkout.shipping_address

    @property
    def billing_address(self) -> Address | None:
        return self.checkout.billing_address

    @property
    def currency(self) -> str:
        return self.checkout.currency

    @property
    def producers(self) -> list[Producer]:
        seen: dict[int, Producer] = {}
        for info in self.lines:
            seen.setdefault(info.producer.pk, info.producer)
        return list(seen.values())

    @property
    def subtotal(self) -> Decimal:
        return sum((info.total_price for info in self.lines), Decimal(0))

    @cached_property
    def delivery_methods(self) -> list[DeliveryMethod]:
        from .delivery import available_delivery_methods

        return available_delivery_methods(self)

    @property
    def delivery_method(self) -> DeliveryMethod | None:
        wanted = self.checkout.delivery_method_id
        if not wanted:
            return None
        return next((m for m in self.delivery_methods if m.id == wanted), None)

    @property
    def shipping_price(self) -> Decimal:
        method = self.delivery_method
        return method.price if method is not None else Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping_price

    @cached_property
    def problems(self) -> list[CheckoutProblem]:
        from .problems import checkout_problems

        return checkout_problems(self)

    def invalidate(self) -> None:
        """Forget computed delivery methods and problems (after a change to the checkout)."""
        for name in ("delivery_methods", "problems"):
            self.__dict__.pop(name, None)


def checkout_lines_queryset() -> QuerySet[CheckoutLine]:
    return CheckoutLine.objects.select_related(
        "variant__product__producer",
        "variant__product__category",
        "variant__product__current_certificate",
    ).order_by("created_at", "pk")


def fetch_checkout_info(
    checkout: Checkout, *, lines: Sequence[CheckoutLine] | None = None, new: bool = False
) -> CheckoutInfo:
    """Load the checkout's lines (one query) and its reservations (one query; none for a
    checkout created in this transaction, `new`)."""
    now = timezone.now()
    if lines is None:
        lines = list(checkout_lines_queryset().filter(checkout=checkout))
    reserved: dict[int, int] = {}
    held: set[int] = set()
    if not new:
        for variant_id, quantity, expires_at in StockReservation.objects.filter(
            checkout=checkout
        ).values_list("variant_id", "quantity", "expires_at"):
            held.add(variant_id)
            if expires_at > now:
                reserved[variant_id] = quantity
    infos = []
    for line in lines:
        variant = line.variant
        product = variant.product
        infos.append(
            CheckoutLineInfo(
                line=line,
                variant=variant,
                product=product,
                producer=product.producer,
                certificate=product.current_certificate,
                reserved_quantity=reserved.get(variant.pk, 0),
            )
        )
    return CheckoutInfo(
        checkout=checkout,
        lines=infos,
        today=timezone.localdate(now),
        now=now,
        held_variant_ids=held,
    )
