"""Cart, checkout, order confirmation and order history, on the checkout domain's services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backend.core.errors import ServiceError
from storefront import commerce
from storefront.shop import get_shop
from storefront.views.common import render_page
from storefront.views.preferences import safe_next

ADDRESS_FIELDS = (
    "full_name",
    "phone",
    "street_address_1",
    "street_address_2",
    "company_name",
    "province_code",
    "commune_code",
    "city",
    "country_area",
    "postal_code",
)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _error_messages(exc: ServiceError) -> list[str]:
    return [e.message for e in exc.errors]


def _field_errors(exc: ServiceError) -> dict[str, list[str]]:
    """Service errors by form field ('shipping_address.city' -> 'city')."""
    result: dict[str, list[str]] = {}
    for e in exc.errors:
        field = (e.field or "general").split(".")[-1]
        result.setdefault(field, []).append(e.message)
    return result


# --- Cart ---------------------------------------------------------------------------------------


def cart(request: HttpRequest) -> HttpResponse:
    info = commerce.current_checkout(request)
    return render_page(request, "storefront/checkout/cart.html", {"info": info})


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    variant_id = _int(request.POST.get("variant"))
    quantity = _int(request.POST.get("quantity"), 1)
    back = safe_next(request, reverse("storefront:cart"))
    try:
        commerce.cart_add(request, variant_id=variant_id, quantity=quantity)
    except ServiceError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
        if request.headers.get("HX-Request"):
            return _cart_feedback(request, ok=False)
        return HttpResponseRedirect(back)
    messages.success(request, _("Added to your cart."))
    if request.headers.get("HX-Request"):
        return _cart_feedback(request, ok=True)
    return HttpResponseRedirect(reverse("storefront:cart"))


def _cart_feedback(request: HttpRequest, *, ok: bool) -> HttpResponse:
    """htmx: the message where the form is, and the header's cart count swapped out of band.
    (Errors answer 200 too, so that htmx swaps them in.)"""
    context = {"ok": ok, "cart_count": commerce.cart_count(request)}
    return render(request, "storefront/includes/cart_feedback.html", context)


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    try:
        if "remove" in request.POST:
            commerce.cart_remove(request, line_id=_int(request.POST.get("line")))
        else:
            commerce.cart_update(
                request,
                variant_id=_int(request.POST.get("variant")),
                quantity=_int(request.POST.get("quantity"), -1),
            )
    except ServiceError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    return HttpResponseRedirect(reverse("storefront:cart"))


# --- Checkout -----------------------------------------------------------------------------------


def _address_values(info: Any) -> dict[str, str]:
    address = info.shipping_address if info is not None else None
    if address is None:
        return {}
    return {
        "full_name": address.full_name,
        "phone": address.phone,
        "street_address_1": address.street_address_1,
        "street_address_2": address.street_address_2,
        "company_name": address.company_name,
        "province_code": address.province.code if address.province_id else "",
        "commune_code": address.commune.code if address.commune_id else "",
        "city": address.city,
        "country_area": address.country_area,
        "postal_code": address.postal_code,
        "country": str(address.country),
    }


def checkout(request: HttpRequest) -> HttpResponse:
    shop = get_shop(request)
    info = commerce.current_checkout(request)
    if info is None or not info.lines:
        messages.info(request, _("Your cart is empty."))
        return HttpResponseRedirect(reverse("storefront:cart"))
    errors: dict[str, list[str]] = {}
    values = _address_values(info)
    email = info.checkout.email
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "address":
                values = {k: request.POST.get(k, "")[:256] for k in ADDRESS_FIELDS}
                email = request.POST.get("email", "")[:254]
                if request.POST.get("reload") == "1":  # no-JS: show the province's communes
                    raise _Reload()
                commerce.set_contact_and_address(
                    request, email=email, data=values, country=shop.country
                )
            elif action == "delivery":
                commerce.set_delivery(request, method_id=request.POST.get("delivery_method", ""))
            elif action == "pay":
                order = commerce.pay_and_complete(
                    request,
                    gateway_id=request.POST.get("gateway", ""),
                    customer_token=request.POST.get("payment_token", "")[:255],
                )
                return HttpResponseRedirect(
                    reverse("storefront:order", kwargs={"token": order.token})
                )
            else:
                raise Http404("Unknown checkout step")
        except _Reload:
            pass
        except ServiceError as exc:
            errors = _field_errors(exc)
        else:
            return HttpResponseRedirect(reverse("storefront:checkout") + _anchor(action))
        info = commerce.current_checkout(request) or info
    return render_page(
        request,
        "storefront/checkout/checkout.html",
        {
            "info": info,
            "values": values,
            "email": email,
            "errors": errors,
            "address_country_mismatch": bool(
                info.shipping_address is not None
                and str(info.shipping_address.country) != shop.country
            ),
            "landed": commerce.landed_cost(info),
            "provinces": commerce.provinces(),
            "communes": commerce.communes(values.get("province_code", "")),
            "gateways": commerce.payment_choices(info, shop.language[:2])
            if info.delivery_method is not None
            else [],
        },
        status=422 if errors else 200,
    )


class _Reload(Exception):
    pass


def _anchor(action: str) -> str:
    return {"address": "#delivery", "delivery": "#payment"}.get(action, "")


@require_GET
def communes(request: HttpRequest) -> HttpResponse:
    """<option>s of a province's communes (the address form asks for them with htmx)."""
    return render(
        request,
        "storefront/checkout/commune_options.html",
        {"communes": commerce.communes(request.GET.get("province_code", "")), "selected": ""},
    )


# --- Orders -------------------------------------------------------------------------------------


def order_detail(request: HttpRequest, token: str) -> HttpResponse:
    order = commerce.order_for_viewer(request, token=token)
    if order is None:
        raise Http404("No such order")
    return render_page(request, "storefront/checkout/order.html", {"order": order})


def orders(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("storefront:login"))
    return render_page(
        request, "storefront/account/orders.html", {"orders": commerce.orders_of(request)}
    )
