"""Writes of checkouts: create, lines, e-mail, addresses, delivery, stock reservations and
completion."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from backend.catalogue.models import ModerationStatus, ProductVariant
from backend.core.errors import FieldError, ServiceError

from .addresses import AddressInput, address_validate
from .error_codes import CheckoutErrorCode, CheckoutProblemCode
from .fetch import CheckoutInfo, checkout_lines_queryset, fetch_checkout_info
from .messages import t
from .models import Address, Checkout, CheckoutLine, StockReservation
from .selectors import checkout_get

if TYPE_CHECKING:
    from backend.orders.models import Order

logger = logging.getLogger(__name__)


@dataclass
class LineInput:
    variant_id: int
    quantity: int


# --- Helpers ------------------------------------------------------------------------------------


def _validate_quantities(lines: Sequence[LineInput], *, allow_zero: bool) -> None:
    errors = []
    limit = settings.CHECKOUT_MAX_LINE_QUANTITY
    if len(lines) > settings.CHECKOUT_MAX_LINES:
        raise ServiceError.single(
            CheckoutErrorCode.QUANTITY_GREATER_THAN_LIMIT,
            t(
                f"Một giỏ hàng có tối đa {settings.CHECKOUT_MAX_LINES} dòng.",
                f"A checkout holds at most {settings.CHECKOUT_MAX_LINES} lines.",
            ),
            "lines",
        )
    for i, line in enumerate(lines):
        if line.quantity < 0 or (line.quantity == 0 and not allow_zero):
            errors.append(
                FieldError(
                    CheckoutErrorCode.INVALID_QUANTITY,
                    t(
                        f"Số lượng phải {'từ 0 trở lên' if allow_zero else 'ít nhất là 1'}.",
                        f"The quantity must be {'0 or more' if allow_zero else 'at least 1'}.",
                    ),
                    f"lines.{i}.quantity",
                )
            )
        elif line.quantity > limit:
            errors.append(
                FieldError(
                    CheckoutErrorCode.QUANTITY_GREATER_THAN_LIMIT,
                    t(
                        f"Mỗi lần chỉ mua được tối đa {limit} sản phẩm cùng loại.",
                        f"You can buy at most {limit} of one item at a time.",
                    ),
                    f"lines.{i}.quantity",
                )
            )
    if errors:
        raise ServiceError(errors)


def _load_variants(variant_ids: Iterable[int]) -> dict[int, ProductVariant]:
    return {
        v.pk: v
        for v in ProductVariant.objects.select_related(
            "product__producer", "product__category", "product__current_certificate"
        ).filter(pk__in=set(variant_ids))
    }


def _check_variants_sellable(
    lines: Sequence[LineInput],
    variants: dict[int, ProductVariant],
    today: datetime.date,
    indices: Sequence[int] | None = None,
) -> None:
    """`indices`: each line's position in the caller's input (for the error's field)."""
    errors = []
    for position, line in enumerate(lines):
        i = indices[position] if indices is not None else position
        variant = variants.get(line.variant_id)
        field = f"lines.{i}.variant_id"
        if variant is None:
            errors.append(
                FieldError(
                    CheckoutErrorCode.VARIANT_NOT_FOUND,
                    t("Không có phiên bản sản phẩm này.", "There is no such variant."),
                    field,
                )
            )
            continue
        product = variant.product
        if (
            product.moderation_status != ModerationStatus.APPROVED
            or not product.producer.is_verified
        ):
            errors.append(
                FieldError(
                    CheckoutErrorCode.PRODUCT_NOT_AVAILABLE,
                    t(
                        f"{product.name_vi} hiện không được bán.",
                        f"{product.name_en or product.name_vi} is not for sale.",
                    ),
                    field,
                )
            )
            continue
        certificate = product.current_certificate
        if certificate is None or not certificate.is_valid_on(today):
            errors.append(
                FieldError(
                    CheckoutErrorCode.PRODUCT_NOT_CERTIFIED,
                    t(
                        f"{product.name_vi} không có chứng nhận OCOP còn hiệu lực.",
                        f"{product.name_en or product.name_vi} holds no OCOP certificate in force.",
                    ),
                    field,
                )
            )
    if errors:
        raise ServiceError(errors)


def _check_stock(info: CheckoutInfo) -> None:
    problems = [p for p in info.problems if p.code == CheckoutProblemCode.INSUFFICIENT_STOCK]
    if problems:
        raise ServiceError(
            [
                FieldError(
                    CheckoutErrorCode.INSUFFICIENT_STOCK, t(p.message_vi, p.message_en), "quantity"
                )
                for p in problems
            ]
        )


def _touch(checkout: Checkout, *fields: str) -> None:
    checkout.save(update_fields=[*fields, "updated_at"])


def _refetch(checkout: Checkout) -> CheckoutInfo:
    return fetch_checkout_info(checkout)


# --- Create and lines -----------------------------------------------------------------------


@transaction.atomic
def checkout_create(
    *,
    user: Any,
    lines: Sequence[LineInput],
    email: str = "",
    language_code: str = "vi",
    shipping_address: AddressInput | None = None,
    billing_address: AddressInput | None = None,
) -> CheckoutInfo:
    _validate_quantities(lines, allow_zero=False)
    merged = _merge_lines(lines)
    variants = _load_variants(line.variant_id for line in merged)
    today = timezone.localdate()
    _check_variants_sellable(merged, variants, today)
    shipping = (
        address_validate(data=shipping_address, field_prefix="shipping_address")
        if shipping_address
        else None
    )
    billing = (
        address_validate(data=billing_address, field_prefix="billing_address")
        if billing_address
        else None
    )
    if user is not None and not email:
        email = user.email
    if shipping is not None:
        shipping.save()
    if billing is not None:
        billing.save()
    checkout = Checkout.objects.create(
        user=user,
        email=email,
        language_code=language_code if language_code in ("vi", "en") else "vi",
        currency=settings.DEFAULT_CURRENCY,
        shipping_address=shipping,
        billing_address=billing,
    )
    created = CheckoutLine.objects.bulk_create(
        [
            CheckoutLine(
                checkout=checkout,
                variant=variants[line.variant_id],
                quantity=line.quantity,
                price_amount=variants[line.variant_id].price_amount,
            )
            for line in merged
        ]
    )
    info = fetch_checkout_info(checkout, lines=created, new=True)
    _check_stock(info)
    return info


def _merge_lines(lines: Sequence[LineInput]) -> list[LineInput]:
    merged: dict[int, LineInput] = {}
    for line in lines:
        if line.variant_id in merged:
            merged[line.variant_id].quantity += line.quantity
        else:
            merged[line.variant_id] = LineInput(line.variant_id, line.quantity)
    return list(merged.values())


@transaction.atomic
def checkout_lines_add(*, token: uuid.UUID, user: Any, lines: Sequence[LineInput]) -> CheckoutInfo:
    """Add quantities to the checkout (a variant already there gets more)."""
    return _change_lines(token=token, user=user, lines=lines, replace=False)


@transaction.atomic
def checkout_lines_update(
    *, token: uuid.UUID, user: Any, lines: Sequence[LineInput]
) -> CheckoutInfo:
    """Set quantities (0 removes the line); the line takes the current price."""
    return _change_lines(token=token, user=user, lines=lines, replace=True)


def _change_lines(
    *, token: uuid.UUID, user: Any, lines: Sequence[LineInput], replace: bool
) -> CheckoutInfo:
    _validate_quantities(lines, allow_zero=replace)
    merged = (
        _merge_lines(lines) if not replace else list({li.variant_id: li for li in lines}.values())
    )
    checkout = checkout_get(token=token, user=user, for_update=True)
    variants = _load_variants(line.variant_id for line in merged)
    wanted = [line for line in merged if line.quantity > 0]
    first_index: dict[int, int] = {}
    for i, line in enumerate(lines):
        first_index.setdefault(line.variant_id, i)
    _check_variants_sellable(
        wanted,
        variants,
        timezone.localdate(),
        indices=[first_index[line.variant_id] for line in wanted],
    )
    for line in merged:
        if line.variant_id not in variants:
            raise ServiceError.single(
                CheckoutErrorCode.VARIANT_NOT_FOUND,
                t("Không có phiên bản sản phẩm này.", "There is no such variant."),
                "lines",
            )
    existing = {
        line.variant_id: line for line in checkout_lines_queryset().filter(checkout=checkout)
    }
    to_create: list[CheckoutLine] = []
    to_update: list[CheckoutLine] = []
    to_delete: list[int] = []
    for line in merged:
        variant = variants[line.variant_id]
        current = existing.get(line.variant_id)
        quantity = (
            line.quantity if replace else line.quantity + (current.quantity if current else 0)
        )
        if quantity > (limit := settings.CHECKOUT_MAX_LINE_QUANTITY):
            raise ServiceError.single(
                CheckoutErrorCode.QUANTITY_GREATER_THAN_LIMIT,
                t(
                    f"Mỗi lần chỉ mua được tối đa {limit} sản phẩm cùng loại.",
                    f"You can buy at most {limit} of one item at a time.",
                ),
                "lines",
            )
        if current is None:
            if quantity > 0:
                to_create.append(
                    CheckoutLine(
                        checkout=checkout,
                        variant=variant,
                        quantity=quantity,
                        price_amount=variant.price_amount,
                    )
                )
        elif quantity == 0:
            to_delete.append(current.pk)
        else:
            current.quantity = quantity
            current.price_amount = variant.price_amount
            current.variant = variant
            to_update.append(current)
    if len(existing) + len(to_create) - len(to_delete) > settings.CHECKOUT_MAX_LINES:
        raise ServiceError.single(
            CheckoutErrorCode.QUANTITY_GREATER_THAN_LIMIT,
            t(
                f"Một giỏ hàng có tối đa {settings.CHECKOUT_MAX_LINES} dòng.",
                f"A checkout holds at most {settings.CHECKOUT_MAX_LINES} lines.",
            ),
            "lines",
        )
    if to_create:
        CheckoutLine.objects.bulk_create(to_create)
    if to_update:
        CheckoutLine.objects.bulk_update(to_update, ["quantity", "price_amount"])
    if to_delete:
        CheckoutLine.objects.filter(pk__in=to_delete).delete()
    _touch(checkout)
    kept = [line for vid, line in existing.items() if line.pk not in to_delete]
    all_lines = sorted([*kept, *to_create], key=lambda li: (li.created_at, li.pk))
    info = fetch_checkout_info(checkout, lines=all_lines)
    _check_stock(info)
    return info


@transaction.atomic
def checkout_lines_delete(*, token: uuid.UUID, user: Any, line_ids: Sequence[int]) -> CheckoutInfo:
    checkout = checkout_get(token=token, user=user, for_update=True)
    found = set(
        CheckoutLine.objects.filter(checkout=checkout, pk__in=line_ids).values_list("pk", flat=True)
    )
    missing = [pk for pk in line_ids if pk not in found]
    if missing:
        raise ServiceError.single(
            CheckoutErrorCode.LINE_NOT_FOUND,
            t("Giỏ hàng không có dòng này.", "This checkout has no such line."),
            "line_ids",
        )
    CheckoutLine.objects.filter(pk__in=found).delete()
    _touch(checkout)
    return _refetch(checkout)


@transaction.atomic
def checkout_customer_attach(*, token: uuid.UUID, user: Any) -> CheckoutInfo:
    """Give an anonymous checkout to the shopper who just signed in: from now on it follows
    the account (and only they can reach it)."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise ServiceError.single(
            CheckoutErrorCode.PERMISSION_DENIED,
            t(
                "Hãy đăng nhập để lưu giỏ hàng vào tài khoản.",
                "Sign in to keep this checkout in your account.",
            ),
        )
    checkout = checkout_get(token=token, user=user, for_update=True)
    if checkout.user_id != user.pk:
        checkout.user = user
        if not checkout.email:
            checkout.email = user.email
        _touch(checkout, "user", "email")
    return _refetch(checkout)


# --- E-mail, addresses, delivery --------------------------------------------------------------


@transaction.atomic
def checkout_email_update(*, token: uuid.UUID, user: Any, email: str) -> CheckoutInfo:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError.single(
            CheckoutErrorCode.INVALID,
            t("Hãy nhập địa chỉ e-mail hợp lệ.", "Enter a valid e-mail address."),
            "email",
        ) from None
    checkout = checkout_get(token=token, user=user, for_update=True)
    checkout.email = email.lower()
    _touch(checkout, "email")
    return _refetch(checkout)


@transaction.atomic
def checkout_shipping_address_update(
    *, token: uuid.UUID, user: Any, address: AddressInput
) -> CheckoutInfo:
    validated = address_validate(data=address, field_prefix="shipping_address")
    checkout = checkout_get(token=token, user=user, for_update=True)
    old = checkout.shipping_address_id
    validated.save()
    checkout.shipping_address = validated
    _touch(checkout, "shipping_address")
    _delete_orphan_addresses([old], checkout)
    info = _refetch(checkout)
    # A method chosen for the old address may not apply any more: forget it.
    if checkout.delivery_method_id and info.delivery_method is None:
        checkout.delivery_method_id = ""
        _touch(checkout, "delivery_method_id")
        info.invalidate()
    return info


@transaction.atomic
def checkout_billing_address_update(
    *, token: uuid.UUID, user: Any, address: AddressInput
) -> CheckoutInfo:
    validated = address_validate(data=address, field_prefix="billing_address")
    checkout = checkout_get(token=token, user=user, for_update=True)
    old = checkout.billing_address_id
    validated.save()
    checkout.billing_address = validated
    _touch(checkout, "billing_address")
    _delete_orphan_addresses([old], checkout)
    return _refetch(checkout)


def _delete_orphan_addresses(ids: Iterable[int | None], checkout: Checkout) -> None:
    keep = {checkout.shipping_address_id, checkout.billing_address_id}
    doomed = [pk for pk in ids if pk and pk not in keep]
    if doomed:
        Address.objects.filter(pk__in=doomed).delete()


@transaction.atomic
def checkout_delivery_method_update(
    *, token: uuid.UUID, user: Any, delivery_method_id: str
) -> CheckoutInfo:
    checkout = checkout_get(token=token, user=user, for_update=True)
    if checkout.shipping_address_id is None:
        raise ServiceError.single(
            CheckoutErrorCode.SHIPPING_ADDRESS_NOT_SET,
            t(
                "Hãy nhập địa chỉ giao hàng trước khi chọn cách giao.",
                "Set a shipping address before choosing how to deliver.",
            ),
            "delivery_method_id",
        )
    info = _refetch(checkout)
    if not any(m.id == delivery_method_id for m in info.delivery_methods):
        raise ServiceError.single(
            CheckoutErrorCode.DELIVERY_METHOD_NOT_APPLICABLE,
            t(
                "Phương thức giao hàng này không áp dụng cho giỏ hàng.",
                "This delivery method is not offered for this checkout.",
            ),
            "delivery_method_id",
        )
    checkout.delivery_method_id = delivery_method_id
    _touch(checkout, "delivery_method_id")
    info.invalidate()
    return info


@transaction.atomic
def checkout_delete(*, token: uuid.UUID, user: Any) -> None:
    """Drop a checkout (the shopper empties it): reserved stock goes back."""
    checkout = checkout_get(token=token, user=user, for_update=True)
    reservations_release(checkout_token=checkout.token)
    _delete_checkout(checkout)


def _delete_checkout(checkout: Checkout) -> None:
    address_ids = [checkout.shipping_address_id, checkout.billing_address_id]
    checkout.delete()
    Address.objects.filter(pk__in=[pk for pk in address_ids if pk]).delete()


# --- Stock reservations -----------------------------------------------------------------------


def _lock_variants(variant_ids: Iterable[int]) -> dict[int, ProductVariant]:
    """Lock the variants' rows in a fixed order (by primary key): no deadlocks between
    checkouts sharing variants."""
    return {
        v.pk: v
        for v in ProductVariant.objects.select_for_update()
        .filter(pk__in=sorted(set(variant_ids)))
        .order_by("pk")
        .only("pk", "product_id", "quantity", "quantity_allocated")
    }


def _apply_allocation(deltas: dict[int, int], locked: dict[int, ProductVariant]) -> None:
    """quantity_allocated += delta per variant, in one UPDATE with F(). The products go back
    to search on commit, since "in stock" reads free stock."""
    from search.sync import schedule_products

    deltas = {pk: d for pk, d in deltas.items() if d}
    if not deltas:
        return
    schedule_products(locked[pk].product_id for pk in deltas if pk in locked)
    ProductVariant.objects.filter(pk__in=deltas).update(
        quantity_allocated=F("quantity_allocated")
        + Case(
            *[When(pk=pk, then=Value(d)) for pk, d in deltas.items()],
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def _allocate(info: CheckoutInfo, *, for_order: bool) -> None:
    """Make the checkout hold exactly its lines' quantities, under row locks. Raises
    INSUFFICIENT_STOCK when free stock is short. With `for_order`, the holding passes to
    the order (the reservation rows go, the allocation stays)."""
    token = info.checkout.token
    wanted = {li.variant.pk: li.line.quantity for li in info.lines}
    names = {
        li.variant.pk: (li.product.name_vi, li.product.name_en or li.product.name_vi)
        for li in info.lines
    }
    # Lock order everywhere: variants (by pk), then reservation rows, as `_release` does.
    locked = _lock_variants({*wanted, *info.held_variant_ids})
    existing = {
        r.variant_id: r
        for r in StockReservation.objects.select_for_update().filter(checkout_id=token)
    }
    if set(existing) - set(locked):  # a hold appeared meanwhile for another variant
        locked.update(_lock_variants(set(existing) - set(locked)))
    deltas: dict[int, int] = {}
    errors: list[FieldError] = []
    for variant_id in sorted({*wanted, *existing}):
        held = existing[variant_id].quantity if variant_id in existing else 0
        delta = wanted.get(variant_id, 0) - held
        variant = locked.get(variant_id)
        if variant is None:
            continue
        free = variant.quantity - variant.quantity_allocated
        if delta > 0 and delta > free:
            errors.append(
                FieldError(
                    CheckoutErrorCode.INSUFFICIENT_STOCK,
                    t(
                        f"{names.get(variant_id, ('', ''))[0]}: chỉ còn {max(free + held, 0)}.",
                        f"{names.get(variant_id, ('', ''))[1]}: only {max(free + held, 0)} left.",
                    ),
                    "lines",
                )
            )
        deltas[variant_id] = delta
    if errors:
        raise ServiceError(errors)
    _apply_allocation(deltas, locked)
    if existing:
        StockReservation.objects.filter(checkout_id=token).delete()
    if not for_order:
        expires = timezone.now() + datetime.timedelta(minutes=settings.CHECKOUT_RESERVATION_MINUTES)
        StockReservation.objects.bulk_create(
            [
                StockReservation(checkout_id=token, variant_id=vid, quantity=q, expires_at=expires)
                for vid, q in wanted.items()
            ]
        )
    for li in info.lines:
        li.reserved_quantity = 0 if for_order else li.line.quantity
    info.held_variant_ids = set() if for_order else set(wanted)


@transaction.atomic
def stock_reserve(*, checkout_info: CheckoutInfo) -> None:
    """Hold the checkout's quantities for CHECKOUT_RESERVATION_MINUTES (renews a hold)."""
    _allocate(checkout_info, for_order=False)


@transaction.atomic
def reservations_release(*, checkout_token: uuid.UUID) -> int:
    """Give back what a checkout holds (payment failed, checkout dropped). Returns units."""
    reservations = list(StockReservation.objects.filter(checkout_id=checkout_token))
    if not reservations:
        return 0
    return _release(reservations)


def _release(reservations: list[StockReservation]) -> int:
    locked = _lock_variants(r.variant_id for r in reservations)
    # Re-read under the variant locks: an order may have taken them over meanwhile.
    live = list(
        StockReservation.objects.select_for_update().filter(pk__in=[r.pk for r in reservations])
    )
    deltas: dict[int, int] = {}
    for r in live:
        deltas[r.variant_id] = deltas.get(r.variant_id, 0) - r.quantity
    _apply_allocation(deltas, locked)
    StockReservation.objects.filter(pk__in=[r.pk for r in live]).delete()
    return -sum(deltas.values())


def reservations_release_expired(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Release every reservation past its expiry (periodic task). Returns units released."""
    now = now or timezone.now()
    released = 0
    while True:
        with transaction.atomic():
            expired = list(
                StockReservation.objects.filter(expires_at__lte=now).order_by("pk")[:batch]
            )
            if not expired:
                return released
            released += _release(expired)


def checkouts_delete_stale(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Delete checkouts nobody touched for CHECKOUT_STALE_DAYS (daily task), giving back any
    stock they still hold, and their addresses. Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.CHECKOUT_STALE_DAYS)
    deleted = 0
    while True:
        tokens = list(
            Checkout.objects.filter(updated_at__lt=cutoff)
            .order_by("updated_at")
            .values_list("token", flat=True)[:batch]
        )
        if not tokens:
            return deleted
        for token in tokens:
            with transaction.atomic():
                checkout = (
                    Checkout.objects.select_for_update().filter(token=token, updated_at__lt=cutoff)
                ).first()
                if checkout is None:
                    continue
                reservations_release(checkout_token=token)
                _delete_checkout(checkout)
                deleted += 1


# --- Completion ---------------------------------------------------------------------------------


def validate_for_payment(info: CheckoutInfo) -> None:
    """Everything an order needs, except payment: lines, e-mail, address, delivery, and no
    blocking problem other than stock (stock is checked under lock when reserving)."""
    errors: list[FieldError] = []
    checkout = info.checkout
    if not info.lines:
        errors.append(
            FieldError(
                CheckoutErrorCode.EMPTY_CHECKOUT,
                t("Giỏ hàng đang trống.", "The checkout is empty."),
                "lines",
            )
        )
    if not checkout.email:
        errors.append(
            FieldError(
                CheckoutErrorCode.EMAIL_NOT_SET,
                t("Hãy nhập địa chỉ e-mail.", "Enter an e-mail address."),
                "email",
            )
        )
    if checkout.shipping_address_id is None:
        errors.append(
            FieldError(
                CheckoutErrorCode.SHIPPING_ADDRESS_NOT_SET,
                t("Hãy nhập địa chỉ giao hàng.", "Enter a shipping address."),
                "shipping_address",
            )
        )
    elif info.delivery_method is None:
        errors.append(
            FieldError(
                CheckoutErrorCode.DELIVERY_METHOD_NOT_SET,
                t("Hãy chọn phương thức giao hàng.", "Choose a delivery method."),
                "delivery_method",
            )
        )
    for problem in info.problems:
        if problem.is_blocking and problem.code != CheckoutProblemCode.INSUFFICIENT_STOCK:
            code = {
                CheckoutProblemCode.PRODUCT_NOT_AVAILABLE: CheckoutErrorCode.PRODUCT_NOT_AVAILABLE,
                CheckoutProblemCode.PRODUCT_NOT_CERTIFIED: CheckoutErrorCode.PRODUCT_NOT_CERTIFIED,
                CheckoutProblemCode.CANNOT_SHIP: CheckoutErrorCode.CANNOT_SHIP,
                CheckoutProblemCode.DELIVERY_METHOD_NOT_APPLICABLE: (
                    CheckoutErrorCode.DELIVERY_METHOD_NOT_APPLICABLE
                ),
            }.get(problem.code, CheckoutErrorCode.CHECKOUT_HAS_PROBLEMS)
            errors.append(FieldError(code, t(problem.message_vi, problem.message_en), "lines"))
    if errors:
        raise ServiceError(errors)


def checkout_complete(*, token: uuid.UUID, user: Any) -> Order:
    """Turn the checkout into an order. Safe to retry: a retry (after a timeout, or running
    concurrently) returns the same order and never charges again.

    1. An order already made from this checkout is returned as is.
    2. The stock is reserved (row locks in pk order, F() updates).
    3. The active payment is processed by its gateway (outside any transaction). A decline
       releases the reservation and leaves the checkout intact.
    4. The order is written in one transaction; the reservation becomes the order's
       allocation and the checkout is deleted.
    """
    from backend.orders.selectors import order_for_checkout
    from backend.payments import services as payment_services
    from backend.payments.models import PaymentStatus

    existing = order_for_checkout(checkout_token=token)
    if existing is not None:
        _check_order_owner(existing, user)
        return existing
    checkout = checkout_get(token=token, user=user)
    info = fetch_checkout_info(checkout)
    validate_for_payment(info)
    payment = payment_services.payment_active_for_checkout(checkout_token=token)
    if payment is None:
        raise ServiceError.single(
            CheckoutErrorCode.PAYMENT_NOT_SET,
            t("Hãy chọn cách thanh toán trước khi đặt hàng.", "Add a payment before completing."),
            "payment",
        )
    if payment.amount != info.total or payment.currency != info.currency:
        raise ServiceError.single(
            CheckoutErrorCode.PAYMENT_AMOUNT_MISMATCH,
            t(
                f"Khoản thanh toán là {payment.amount} {payment.currency} nhưng giỏ hàng "
                f"có tổng {info.total} {info.currency}: hãy tạo lại thanh toán.",
                f"The payment covers {payment.amount} {payment.currency} but the checkout "
                f"totals {info.total} {info.currency}: create the payment again.",
            ),
            "payment",
        )
    held = all(li.reserved_quantity == li.line.quantity for li in info.lines)
    if payment.status not in (PaymentStatus.CHARGED, PaymentStatus.NOT_CHARGED) and not held:
        # The hold of checkoutPaymentCreate lapsed or the lines changed: hold again before
        # charging. (The order's transaction checks stock under lock in any case.)
        stock_reserve(checkout_info=info)
    payment = payment_services.payment_process(payment=payment)
    if payment.status == PaymentStatus.DECLINED:
        reservations_release(checkout_token=token)
        raise ServiceError.single(
            CheckoutErrorCode.PAYMENT_DECLINED,
            payment.error or t("Thanh toán bị từ chối.", "The payment was declined."),
            "payment",
        )
    if payment.status == PaymentStatus.ACTION_REQUIRED:
        raise ServiceError.single(
            CheckoutErrorCode.PAYMENT_ACTION_REQUIRED,
            t(
                "Thẻ cần được xác thực (3-D Secure) trước khi đặt hàng.",
                "The card needs confirming (3-D Secure) before the order can be placed.",
            ),
            "payment",
        )
    if payment.status not in (PaymentStatus.CHARGED, PaymentStatus.NOT_CHARGED):
        raise ServiceError.single(
            CheckoutErrorCode.PAYMENT_ERROR,
            payment.error
            or t(
                "Thanh toán chưa thành công, hãy thử lại.",
                "The payment did not go through; try again.",
            ),
            "payment",
        )
    try:
        return checkout_order_create(checkout_info=info, payment=payment)
    except ServiceError:
        # Charged but no order can be written (stock gone after the hold expired): the
        # money goes back and the checkout stays for the shopper to change.
        payment_services.payment_void_or_refund(payment=payment, reason="order could not be placed")
        raise


def _check_order_owner(order: Order, user: Any) -> None:
    if order.user_id is not None and (
        user is None
        or not user.is_authenticated
        or (user.pk != order.user_id and not user.is_staff)
    ):
        raise ServiceError.single(
            CheckoutErrorCode.CHECKOUT_NOT_FOUND,
            t("Không có giỏ hàng với mã này.", "There is no checkout with this id."),
            "id",
        )


@transaction.atomic
def checkout_order_create(*, checkout_info: CheckoutInfo, payment: Any) -> Order:
    """Write the order of a paid (or cash-on-delivery) checkout. Locks the checkout row, so
    concurrent completions of one checkout make one order; the second gets the first's."""
    from backend.orders.selectors import order_for_checkout
    from backend.orders.services import order_create_from_checkout

    token = checkout_info.checkout.token
    locked = (
        Checkout.objects.select_for_update().filter(token=token).values_list("token", flat=True)
    )
    if not list(locked):
        existing = order_for_checkout(checkout_token=token)
        if existing is not None:
            return existing
        raise ServiceError.single(
            CheckoutErrorCode.CHECKOUT_NOT_FOUND,
            t("Giỏ hàng không còn tồn tại.", "The checkout no longer exists."),
            "id",
        )
    existing = order_for_checkout(checkout_token=token)
    if existing is not None:
        return existing
    _allocate(checkout_info, for_order=True)
    order = order_create_from_checkout(checkout_info=checkout_info, payment=payment)
    # The order now owns the checkout's addresses: delete the checkout only.
    checkout_info.checkout.delete()
    return order
