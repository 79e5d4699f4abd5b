"""Cash on delivery: for addresses in Vietnam, up to CashOnDeliverySettings.max_amount. The
order is placed unpaid; the courier collects the money."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..models import CashOnDeliverySettings, PaymentStatus
from . import GatewayResult

if TYPE_CHECKING:
    from backend.checkout.fetch import CheckoutInfo

    from ..models import Payment


class CashOnDeliveryGateway:
    id = "ocop.payments.cod"
    name_vi = "Thanh toán khi nhận hàng (COD)"
    name_en = "Cash on delivery"

    def is_enabled(self) -> bool:
        return True

    def is_available(self, checkout_info: CheckoutInfo, amount: Decimal) -> bool:
        address = checkout_info.shipping_address
        if address is None or not address.is_domestic or checkout_info.currency != "VND":
            return False
        limits = checkout_info.extra.get("cod_settings")
        if limits is None:
            limits = CashOnDeliverySettings.load()
            checkout_info.extra["cod_settings"] = limits
        assert isinstance(limits, CashOnDeliverySettings)
        return limits.is_active and amount <= limits.max_amount

    def config(self) -> dict[str, str]:
        return {}

    def create(self, payment: Payment) -> GatewayResult:
        return GatewayResult(status=PaymentStatus.PENDING)

    def process(self, payment: Payment) -> GatewayResult:
        return GatewayResult(status=PaymentStatus.NOT_CHARGED)

    def refund(self, payment: Payment, amount: Decimal) -> GatewayResult:
        # Nothing was collected online; staff return cash by hand and record it here.
        return GatewayResult(status=PaymentStatus.REFUNDED)

    def cancel(self, payment: Payment) -> None:
        return None
