"""Problems of a checkout: what changed since the shopper filled it and now stands in the way.

Checkers are functions ``(checkout_info) -> list[CheckoutProblem]`` named in the setting
``CHECKOUT_PROBLEM_CHECKERS`` (dotted paths, run in order). The compliance checker of the
markets helper ("this product cannot ship to that country", code CANNOT_SHIP) plugs in by
adding its path there. Checkers read only the `CheckoutInfo`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string

from .error_codes import CheckoutProblemCode

if TYPE_CHECKING:
    from .fetch import CheckoutInfo


@dataclass(frozen=True)
class CheckoutProblem:
    code: CheckoutProblemCode
    message_vi: str
    message_en: str
    line_id: int | None = None
    variant_id: int | None = None
    # A blocking problem stops checkoutComplete; PRICE_CHANGED only informs the shopper
    # (the order is priced at the current price).
    is_blocking: bool = True

    def message(self, language: str) -> str:
        return self.message_en if language == "en" else self.message_vi


ProblemChecker = Callable[["CheckoutInfo"], list[CheckoutProblem]]


def line_problems(checkout_info: CheckoutInfo) -> list[CheckoutProblem]:
    problems: list[CheckoutProblem] = []
    for info in checkout_info.lines:
        ids: dict[str, Any] = {"line_id": info.line.pk, "variant_id": info.variant.pk}
        name_vi = info.product.name_vi
        name_en = info.product.name_en or name_vi
        if not info.is_available:
            problems.append(
                CheckoutProblem(
                    CheckoutProblemCode.PRODUCT_NOT_AVAILABLE,
                    f"{name_vi} hiện không còn được bán.",
                    f"{name_en} is no longer for sale.",
                    **ids,
                )
            )
            continue
        if not info.is_certified_on(checkout_info.today):
            problems.append(
                CheckoutProblem(
                    CheckoutProblemCode.PRODUCT_NOT_CERTIFIED,
                    f"{name_vi} không còn chứng nhận OCOP còn hiệu lực.",
                    f"{name_en} no longer holds an OCOP certificate in force.",
                    **ids,
                )
            )
        available = info.quantity_available
        if info.line.quantity > available:
            problems.append(
                CheckoutProblem(
                    CheckoutProblemCode.INSUFFICIENT_STOCK,
                    f"{name_vi}: chỉ còn {available} sản phẩm.",
                    f"{name_en}: only {available} left in stock.",
                    **ids,
                )
            )
        if info.line.price_amount != info.variant.price_amount:
            problems.append(
                CheckoutProblem(
                    CheckoutProblemCode.PRICE_CHANGED,
                    f"Giá của {name_vi} đã đổi từ {info.line.price_amount:,.0f} thành "
                    f"{info.variant.price_amount:,.0f} VND.",
                    f"The price of {name_en} changed from {info.line.price_amount:,.0f} to "
                    f"{info.variant.price_amount:,.0f} VND.",
                    is_blocking=False,
                    **ids,
                )
            )
    return problems


def delivery_problems(checkout_info: CheckoutInfo) -> list[CheckoutProblem]:
    if checkout_info.checkout.delivery_method_id and checkout_info.delivery_method is None:
        return [
            CheckoutProblem(
                CheckoutProblemCode.DELIVERY_METHOD_NOT_APPLICABLE,
                "Phương thức giao hàng đã chọn không còn áp dụng cho đơn này.",
                "The chosen delivery method no longer applies to this checkout.",
            )
        ]
    return []


@lru_cache(maxsize=8)
def _checkers(paths: tuple[str, ...]) -> tuple[ProblemChecker, ...]:
    return tuple(import_string(path) for path in paths)


def checkout_problems(checkout_info: CheckoutInfo) -> list[CheckoutProblem]:
    problems: list[CheckoutProblem] = []
    for checker in _checkers(tuple(settings.CHECKOUT_PROBLEM_CHECKERS)):
        problems.extend(checker(checkout_info))
    return problems
