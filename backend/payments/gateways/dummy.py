"""The demo gateway: no money moves. Token "declined" declines, anything else is charged.
Enabled by DEMO_PAYMENT_GATEWAY_ENABLED."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings

from ..models import PaymentStatus
from . import GatewayResult

if TYPE_CHECKING:
    from backend.checkout.fetch import CheckoutInfo

    from ..models import Payment

DECLINE_TOKEN = "declined"


class DemoGateway:
    id = "ocop.payments.demo"
    name_vi = "Thanh toán thử (demo)"
    name_en = "Demo payment (no money moves)"

    def is_enabled(self) -> bool:
        return bool(settings.DEMO_PAYMENT_GATEWAY_ENABLED)

    def is_available(self, checkout_info: CheckoutInfo, amount: Decimal) -> bool:
        return True

    def config(self) -> dict[str, str]:
        return {"declineToken": DECLINE_TOKEN}

    def create(self, payment: Payment) -> GatewayResult:
        return GatewayResult(status=PaymentStatus.PENDING, psp_reference=f"demo_{uuid.uuid4().hex}")

    def process(self, payment: Payment) -> GatewayResult:
        if payment.status == PaymentStatus.CHARGED:
            return GatewayResult(status=PaymentStatus.CHARGED, psp_reference=payment.psp_reference)
        if payment.customer_token == DECLINE_TOKEN:
            return GatewayResult(status=PaymentStatus.DECLINED, error="The demo card was declined.")
        return GatewayResult(status=PaymentStatus.CHARGED, psp_reference=payment.psp_reference)

    def refund(self, payment: Payment, amount: Decimal) -> GatewayResult:
        return GatewayResult(
            status=PaymentStatus.REFUNDED, psp_reference=f"demo_re_{uuid.uuid4().hex}"
        )

    def cancel(self, payment: Payment) -> None:
        return None
