"""The storefront's doorway into checkout, payments and orders.

The cart is a checkout of the checkout domain; its token lives in the session (a signed-in
shopper's newest checkout follows the account). Every change goes through the checkout
services; prices, stock, problems, delivery methods and totals are read from the one
`CheckoutInfo` they return."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from backend.checkout import selectors as checkout_selectors
from backend.checkout import services as checkout_services
from backend.checkout.addresses import AddressInput
from backend.checkout.error_codes import CheckoutErrorCode
from backend.checkout.fetch import CheckoutInfo, fetch_checkout_info
from backend.checkout.services import LineInput
from backend.core.errors import ServiceError

SESSION_KEY = "checkout_token"
ORDERS_SESSION_KEY = "storefront_orders"


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _token(request: HttpRequest) -> uuid.UUID | None:
    raw = request.session.get(SESSION_KEY)
    if raw:
        try:
            return uuid.UUID(str(raw))
        except ValueError:
            request.session.pop(SESSION_KEY, None)
    latest = checkout_selectors.checkout_latest_for_user(user=_user(request))
    if latest is not None:  # the cart follows the account
        request.session[SESSION_KEY] = str(latest.token)
        return latest.token
    return None


def current_checkout(request: HttpRequest) -> CheckoutInfo | None:
    """The shopper's cart, loaded once; None when there is none (or it is gone)."""
    token = _token(request)
    if token is None:
        return None
    try:
        checkout = checkout_selectors.checkout_get(token=token, user=_user(request))
    except ServiceError:
        request.session.pop(SESSION_KEY, None)
        return None
    return fetch_checkout_info(checkout)


def _not_found(exc: ServiceError) -> bool:
    return any(e.code == CheckoutErrorCode.CHECKOUT_NOT_FOUND for e in exc.errors)


def cart_add(request: HttpRequest, *, variant_id: int, quantity: int) -> CheckoutInfo:
    """Add to the cart, creating it on first use. Raises ServiceError."""
    lines = [LineInput(variant_id=variant_id, quantity=quantity)]
    token = _token(request)
    if token is not None:
        try:
            return checkout_services.checkout_lines_add(
                token=token, user=_user(request), lines=lines
            )
        except ServiceError as exc:
            if not _not_found(exc):
                raise
            request.session.pop(SESSION_KEY, None)
    user = _user(request)
    info = checkout_services.checkout_create(
        user=user,
        lines=lines,
        email=user.email if user is not None else "",
        language_code=(getattr(request, "LANGUAGE_CODE", "vi") or "vi")[:2],
    )
    request.session[SESSION_KEY] = str(info.checkout.token)
    return info


def cart_update(request: HttpRequest, *, variant_id: int, quantity: int) -> CheckoutInfo:
    token = _require_token(request)
    return checkout_services.checkout_lines_update(
        token=token,
        user=_user(request),
        lines=[LineInput(variant_id=variant_id, quantity=quantity)],
    )


def cart_remove(request: HttpRequest, *, line_id: int) -> CheckoutInfo:
    token = _require_token(request)
    return checkout_services.checkout_lines_delete(
        token=token, user=_user(request), line_ids=[line_id]
    )


def _require_token(request: HttpRequest) -> uuid.UUID:
    token = _token(request)
    if token is None:
        raise ServiceError.single(CheckoutErrorCode.CHECKOUT_NOT_FOUND, "Your cart is empty.", "id")
    return token


def set_contact_and_address(
    request: HttpRequest, *, email: str, data: Any, country: str
) -> CheckoutInfo:
    """E-mail and shipping address in one step; errors of both are raised together."""
    token = _require_token(request)
    user = _user(request)
    errors = []
    try:
        checkout_services.checkout_email_update(token=token, user=user, email=email)
    except ServiceError as exc:
        errors.extend(exc.errors)
    address = AddressInput.from_mapping(data)
    address.country = country
    try:
        info = checkout_services.checkout_shipping_address_update(
            token=token, user=user, address=address
        )
    except ServiceError as exc:
        errors.extend(exc.errors)
    if errors:
        raise ServiceError(errors)
    return info


def set_delivery(request: HttpRequest, *, method_id: str) -> CheckoutInfo:
    return checkout_services.checkout_delivery_method_update(
        token=_require_token(request), user=_user(request), delivery_method_id=method_id
    )


@dataclass
class GatewayChoice:
    id: str
    name: str
    config: dict[str, str]


def payment_choices(info: CheckoutInfo, language: str) -> list[GatewayChoice]:
    from backend.payments.gateways import enabled_gateways

    return [
        GatewayChoice(
            id=g.id,
            name=g.name_en if language == "en" else g.name_vi,
            config=g.config(),
        )
        for g in enabled_gateways()
        if g.is_available(info, info.total)
    ]


def pay_and_complete(request: HttpRequest, *, gateway_id: str, customer_token: str = "") -> Any:
    """Open a payment for the checkout's total and complete the checkout into an order. A
    repeated submit returns the same order (the checkout services are idempotent) and never
    charges twice. Raises ServiceError."""
    from backend.orders.selectors import order_for_checkout
    from backend.payments import services as payment_services

    token = _require_token(request)
    user = _user(request)
    if order_for_checkout(checkout_token=token) is None:
        payment = payment_services.payment_active_for_checkout(checkout_token=token)
        if payment is None or payment.gateway != gateway_id or customer_token:
            _create_payment(token, user, gateway_id, customer_token)
    try:
        order = checkout_services.checkout_complete(token=token, user=user)
    except ServiceError as exc:
        if not any(e.code == CheckoutErrorCode.PAYMENT_AMOUNT_MISMATCH for e in exc.errors):
            raise
        # The cart changed since the payment was opened: open it again for the new total.
        _create_payment(token, user, gateway_id, customer_token)
        order = checkout_services.checkout_complete(token=token, user=user)
    request.session.pop(SESSION_KEY, None)
    remember_order(request, order)
    return order


def _create_payment(token: uuid.UUID, user: Any, gateway_id: str, customer_token: str) -> None:
    from backend.payments import services as payment_services

    payment_services.payment_create_for_checkout(
        token=token, user=user, gateway_id=gateway_id, customer_token=customer_token, amount=None
    )


def remember_order(request: HttpRequest, order: Any) -> None:
    """Anonymous shoppers may see the orders they placed in this session."""
    tokens = list(request.session.get(ORDERS_SESSION_KEY, []))[-19:]
    tokens.append(str(order.token))
    request.session[ORDERS_SESSION_KEY] = tokens


def order_for_viewer(request: HttpRequest, *, token: str) -> Any | None:
    """An order the visitor may see: their own (signed in), or one placed in this session."""
    from backend.orders.models import Order

    try:
        wanted = uuid.UUID(str(token))
    except ValueError:
        return None
    order = (
        Order.objects.select_related("shipping_address__province", "shipping_address__commune")
        .prefetch_related("lines", "producer_orders__producer")
        .filter(token=wanted)
        .first()
    )
    if order is None:
        return None
    user = _user(request)
    if user is not None and (order.user_id == user.pk or user.is_staff):
        return order
    if str(order.token) in request.session.get(ORDERS_SESSION_KEY, []):
        return order
    return None


def orders_of(request: HttpRequest) -> list[Any]:
    from backend.orders import selectors as order_selectors

    return list(order_selectors.orders_of_user(user=_user(request))[:100])


def cart_count(request: HttpRequest) -> int:
    """Units in the cart, for the header (one small query, no CheckoutInfo)."""
    from django.db.models import Sum

    from backend.checkout.models import CheckoutLine

    token = request.session.get(SESSION_KEY)
    if not token:
        return 0
    try:
        wanted = uuid.UUID(str(token))
    except ValueError:
        return 0
    total = CheckoutLine.objects.filter(checkout_id=wanted).aggregate(n=Sum("quantity"))["n"]
    return int(total or 0)


def provinces() -> list[Any]:
    from backend.places import selectors as place_selectors

    return list(place_selectors.provinces())


def communes(province_code: str) -> list[Any]:
    from backend.places import selectors as place_selectors
    from backend.places.models import Province

    if not province_code:
        return []
    province = Province.objects.filter(code=province_code[:2]).first()
    if province is None:
        return []
    return list(place_selectors.communes(province_id=province.pk))


def landed_cost(info: CheckoutInfo) -> Any | None:
    """The markets domain's landed cost of the checkout abroad (None at home or without an
    address in a served country)."""
    from backend.markets.checkout import checkout_landed_cost

    address = info.shipping_address
    if address is None or address.is_domestic:
        return None
    try:
        return checkout_landed_cost(info)
    except ServiceError:
        return None
