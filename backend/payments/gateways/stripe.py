"""Stripe PaymentIntents for cards.

checkoutPaymentCreate creates a PaymentIntent (metadata: checkout and payment tokens) with the
client's payment-method token when given; the client may confirm it with Stripe.js using the
client secret. checkoutComplete reads the PaymentIntent back and confirms it only when it
still waits for confirmation, so a retry never charges twice. The webhook
(`backend.payments.webhooks`) reconciles payments whose order was not written.

STRIPE_API_BASE points the client at another API host (localstripe in tests).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings

from ..models import PaymentStatus
from . import GatewayError, GatewayResult, to_minor_units

if TYPE_CHECKING:
    from backend.checkout.fetch import CheckoutInfo

    from ..models import Payment

SUPPORTED_CURRENCIES = frozenset({"VND", "USD", "EUR", "JPY"})


def stripe_client() -> stripe.StripeClient:
    kwargs: dict[str, Any] = {}
    if settings.STRIPE_API_BASE:
        kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT),
        max_network_retries=1,
        **kwargs,
    )


def as_dict(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def intent_result(intent: Any) -> GatewayResult:
    intent = as_dict(intent)
    status = intent["status"]
    error = ""
    mapped: str
    if status in ("succeeded", "requires_capture"):
        mapped = PaymentStatus.CHARGED
    elif status == "requires_action":
        mapped = PaymentStatus.ACTION_REQUIRED
    elif status == "canceled":
        mapped = PaymentStatus.CANCELED
    elif status == "requires_payment_method" and intent.get("last_payment_error"):
        mapped = PaymentStatus.DECLINED
        error = str(intent["last_payment_error"].get("message") or "Card declined.")
    else:  # requires_payment_method (fresh), requires_confirmation, processing
        mapped = PaymentStatus.PENDING
    return GatewayResult(
        status=mapped,
        psp_reference=intent["id"],
        client_secret=intent.get("client_secret") or "",
        error=error,
        raw={"status": status},
    )


class StripeGateway:
    id = "ocop.payments.stripe"
    name_vi = "Thẻ quốc tế (Stripe)"
    name_en = "Card (Stripe)"

    def is_enabled(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY)

    def is_available(self, checkout_info: CheckoutInfo, amount: Decimal) -> bool:
        return checkout_info.currency in SUPPORTED_CURRENCIES and amount > 0

    def config(self) -> dict[str, str]:
        return {"publishableKey": settings.STRIPE_PUBLISHABLE_KEY}

    def create(self, payment: Payment) -> GatewayResult:
        params: dict[str, Any] = {
            "amount": to_minor_units(payment.amount, payment.currency),
            "currency": payment.currency.lower(),
            "payment_method_types": ["card"],
            "metadata": {
                "checkout_token": str(payment.checkout_token or ""),
                "payment_token": str(payment.token),
            },
        }
        if payment.customer_token:
            params["payment_method"] = payment.customer_token
        try:
            intent = stripe_client().v1.payment_intents.create(params=params)  # type: ignore[arg-type]
        except stripe.InvalidRequestError as error:
            raise GatewayError(error.user_message or str(error)) from error
        except stripe.StripeError as error:
            raise GatewayError(f"Stripe is unreachable: {error.user_message or error}") from error
        return intent_result(intent)

    def process(self, payment: Payment) -> GatewayResult:
        if not payment.psp_reference:
            raise GatewayError("The payment has no PaymentIntent.")
        client = stripe_client()
        try:
            intent = client.v1.payment_intents.retrieve(payment.psp_reference)
            if intent["status"] == "requires_confirmation":
                try:
                    intent = client.v1.payment_intents.confirm(payment.psp_reference)
                except stripe.CardError as error:
                    return GatewayResult(
                        status=PaymentStatus.DECLINED,
                        psp_reference=payment.psp_reference,
                        error=error.user_message or "Your card was declined.",
                    )
                except stripe.InvalidRequestError:
                    # Confirmed meanwhile by a concurrent retry: read the outcome.
                    intent = client.v1.payment_intents.retrieve(payment.psp_reference)
        except stripe.StripeError as error:
            raise GatewayError(f"Stripe is unreachable: {error.user_message or error}") from error
        return intent_result(intent)

    def refund(self, payment: Payment, amount: Decimal) -> GatewayResult:
        try:
            refund = stripe_client().v1.refunds.create(
                params={
                    "payment_intent": payment.psp_reference or "",
                    "amount": to_minor_units(amount, payment.currency),
                }
            )
        except stripe.StripeError as error:
            raise GatewayError(error.user_message or str(error)) from error
        return GatewayResult(status=PaymentStatus.REFUNDED, psp_reference=refund["id"])

    def cancel(self, payment: Payment) -> None:
        if not payment.psp_reference:
            return
        try:
            stripe_client().v1.payment_intents.cancel(payment.psp_reference)
        except stripe.StripeError:
            # Already canceled or succeeded: nothing to release at Stripe.
            return
