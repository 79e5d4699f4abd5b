"""Template helpers: translated model fields, money, stars, URLs that keep the search state."""

from __future__ import annotations

import html
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django import template
from django.http import HttpRequest, QueryDict
from django.utils import translation
from django.utils.safestring import mark_safe

register = template.Library()

ZERO_DECIMAL = {"VND", "JPY", "KRW"}
SYMBOLS = {"VND": "₫", "JPY": "¥", "KRW": "₩", "USD": "US$", "EUR": "€", "GBP": "£"}


@register.filter
def tr(obj: Any, field: str) -> str:
    """`product|tr:"name"` -> name_en in English (when filled), name_vi otherwise."""
    if obj is None:
        return ""
    if isinstance(obj, dict):
        en = obj.get(f"{field}_en")
        return str(en if _lang() == "en" and en else obj.get(f"{field}_vi", obj.get(field, "")))
    lang = (translation.get_language() or "vi")[:2]
    if lang == "en":
        value = getattr(obj, f"{field}_en", "")
        if value:
            return str(value)
    value = getattr(obj, f"{field}_vi", None)
    if value is None:
        value = getattr(obj, field, "")
    return str(value or "")


@register.filter
def money(amount: Any, currency: str = "VND") -> str:
    """Format an amount in its currency: 150.000 ₫, ¥1,234, €12.50."""
    if amount is None or amount == "":
        return ""
    currency = (currency or "VND").upper()
    value = Decimal(str(amount))
    places = 0 if currency in ZERO_DECIMAL else 2
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    lang = (translation.get_language() or "vi")[:2]
    grouped = f"{value:,.{places}f}"  # 1,234.50
    if lang == "vi":
        grouped = grouped.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    text = grouped
    symbol = SYMBOLS.get(currency, currency + " ")
    if currency == "VND":
        return f"{text} {symbol}"
    return f"{symbol}{text}"


@register.filter
def price(amount_vnd: Any, shop: Any) -> str:
    """A VND amount shown in the shopper's currency: `{{ p.price_min|price:shop }}`."""
    if amount_vnd is None or amount_vnd == "":
        return ""
    if shop is None:
        return money(amount_vnd, "VND")
    return money(shop.convert(Decimal(str(amount_vnd))), shop.currency)


STORAGE_LABELS = {
    "AMBIENT": ("Nhiệt độ thường", "Room temperature"),
    "CHILLED": ("Bảo quản lạnh", "Chilled"),
    "FROZEN": ("Đông lạnh", "Frozen"),
    "FRESH": ("Tươi", "Fresh"),
}


@register.filter
def storage_label(value: str) -> str:
    vi, en = STORAGE_LABELS.get(str(value), (str(value), str(value)))
    return en if (translation.get_language() or "vi")[:2] == "en" else vi


MODERATION_LABELS = {
    "DRAFT": ("Bản nháp", "Draft"),
    "PENDING_REVIEW": ("Chờ duyệt", "Waiting for review"),
    "APPROVED": ("Đã duyệt", "Approved"),
    "REJECTED": ("Bị từ chối", "Rejected"),
    "ARCHIVED": ("Đã lưu trữ", "Archived"),
}


ORDER_STATUS_LABELS = {
    "UNCONFIRMED": ("Chưa xác nhận", "Unconfirmed"),
    "UNFULFILLED": ("Đang chuẩn bị", "Being prepared"),
    "PARTIALLY_FULFILLED": ("Đã giao một phần", "Partly shipped"),
    "FULFILLED": ("Đã giao", "Shipped"),
    "CANCELED": ("Đã hủy", "Canceled"),
    "REFUNDED": ("Đã hoàn tiền", "Refunded"),
}


@register.filter
def order_status_label(value: str) -> str:
    vi, en = ORDER_STATUS_LABELS.get(str(value), (str(value), str(value)))
    return en if _lang() == "en" else vi


VERDICT_LABELS = {
    "ELIGIBLE": ("Được phép", "Eligible"),
    "ELIGIBLE_WITH_DOCUMENTS": ("Được phép, cần giấy tờ", "Eligible with documents"),
    "BLOCKED": ("Không được phép", "Blocked"),
}


@register.filter
def verdict_label(value: str) -> str:
    vi, en = VERDICT_LABELS.get(str(value), (str(value), str(value)))
    return en if _lang() == "en" else vi


@register.filter
def moderation_label(value: str) -> str:
    vi, en = MODERATION_LABELS.get(str(value), (str(value), str(value)))
    return en if (translation.get_language() or "vi")[:2] == "en" else vi


def _lang() -> str:
    return (translation.get_language() or "vi")[:2]


@register.filter
def problem_message(problem: Any) -> str:
    """A checkout problem in the shopper's language."""
    return str(problem.message(_lang()))


@register.filter
def method_name(method: Any) -> str:
    """A delivery method's name in the shopper's language."""
    return str(method.name(_lang()))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def snippet(marked: str | None) -> str:
    """A search highlight: the text escaped, with only the <em> marks kept as markup."""
    if not marked:
        return ""
    raw = html.unescape(str(marked))
    escaped = html.escape(raw).replace("&lt;em&gt;", "<em>").replace("&lt;/em&gt;", "</em>")
    return mark_safe(escaped)


@register.filter
def stars_of(product: Any) -> int | None:
    """The product's stars today, by the catalogue's one star rule."""
    from storefront import adapters

    return adapters.product_stars(product)


@register.filter
def star_range(stars: int | None) -> range:
    return range(int(stars or 0))


@register.simple_tag
def url_toggle(request: HttpRequest, key: str, value: Any) -> str:
    """The current query string with `value` added to or removed from the list `key`.
    Changing a filter always goes back to page 1."""
    params: QueryDict = request.GET.copy()
    values = params.getlist(key)
    value = str(value)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    params.setlist(key, values)
    params.pop("page", None)
    return "?" + params.urlencode()


@register.simple_tag
def url_set(request: HttpRequest, **kwargs: Any) -> str:
    """The current query string with single values replaced (None removes the key)."""
    params: QueryDict = request.GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return "?" + params.urlencode()


@register.simple_tag
def qs(**kwargs: Any) -> str:
    return urlencode({k: v for k, v in kwargs.items() if v not in (None, "")})


@register.filter
def thumbnail_url(product: Any, size: int = 256) -> str:
    """URL of the product's first image, the smallest thumbnail at least `size` px when one
    exists. Uses the prefetched media, so it costs no query."""
    media = list(product.media.all())
    if not media:
        return ""
    first = media[0]
    thumbs = sorted(first.thumbnails.all(), key=lambda t: t.size)
    for thumb in thumbs:
        if thumb.size >= int(size):
            return str(thumb.image.url)
    if thumbs:
        return str(thumbs[-1].image.url)
    return str(first.image.url)


def _cart_count(request: HttpRequest | None) -> int:
    if request is None or not hasattr(request, "session"):
        return 0
    from storefront import commerce

    return commerce.cart_count(request)


@register.inclusion_tag("storefront/includes/header.html", takes_context=True)
def site_header(context: template.Context) -> dict[str, Any]:
    from django_countries import countries

    from storefront import adapters
    from storefront.shop import get_shop

    request = context.get("request")
    shop = get_shop(request) if request is not None else None
    user = context.get("user")
    is_producer = adapters.producer_of(user) is not None if user is not None else False
    country_choices = [("VN", str(dict(countries)["VN"]))] + [
        (code, str(name)) for code, name in countries if code != "VN"
    ]
    return {
        "request": request,
        "shop": shop,
        "country_choices": country_choices,
        "user": user,
        "is_producer": is_producer,
        "csrf_token": context.get("csrf_token"),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
        "query": request.GET.get("q", "") if request is not None else "",
        "cart_count": _cart_count(request),
    }
