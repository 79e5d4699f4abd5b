"""The "cannot ship" problem checker for checkout (plug point: the setting
CHECKOUT_PROBLEM_CHECKERS, see backend/checkout/problems.py).

A line whose product may not go to the shipping country (stored verdict, or evaluated on the
spot) is a blocking CANNOT_SHIP problem naming the reason codes; so is every shippable line
when the country is in no market."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backend.checkout.fetch import CheckoutInfo


def cannot_ship_problems(checkout_info: CheckoutInfo) -> list[Any]:
    from backend.checkout.error_codes import CheckoutProblemCode
    from backend.checkout.problems import CheckoutProblem
    from backend.shipping.providers import destination_verdicts

    address = checkout_info.shipping_address
    if address is None:
        return []
    market, verdicts = destination_verdicts(checkout_info)
    country = address.country_code
    problems = []
    for info in checkout_info.lines:
        if not info.is_shippable:
            continue  # services are not shipped at all; checkout handles them
        name_vi = info.product.name_vi
        name_en = info.product.name_en or name_vi
        if market is None:
            problems.append(
                CheckoutProblem(
                    CheckoutProblemCode.CANNOT_SHIP,
                    f"Chưa giao hàng tới {country} (COUNTRY_NOT_SERVED).",
                    f"We do not ship to {country} yet (COUNTRY_NOT_SERVED).",
                    line_id=info.line.pk,
                    variant_id=info.variant.pk,
                )
            )
            continue
        verdict = verdicts.get(info.product.pk)
        if verdict is None or not verdict.blocked:
            continue
        codes = ", ".join(verdict.reason_codes) or "BLOCKED"
        reasons = [r for r in verdict.reasons if not r["countries"] or country in r["countries"]]
        why_vi = " ".join(r["message_vi"] for r in reasons)
        why_en = " ".join(r["message_en"] for r in reasons)
        problems.append(
            CheckoutProblem(
                CheckoutProblemCode.CANNOT_SHIP,
                f"{name_vi} không thể gửi tới {country}: {why_vi} ({codes})",
                f"{name_en} cannot ship to {country}: {why_en} ({codes})",
                line_id=info.line.pk,
                variant_id=info.variant.pk,
            )
        )
    return problems
