"""GraphQL types of checkout, orders and payments (Saleor's names and shapes).

A `Checkout` resolves from a `CheckoutInfo` loaded once per request: lines, prices, delivery
methods, gateways and problems all read from it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import graphene
from django.conf import settings
from graphql_relay import from_global_id, to_global_id

from backend.checkout.error_codes import CheckoutProblemCode
from backend.checkout.fetch import CheckoutInfo, CheckoutLineInfo
from backend.graphql.catalogue.types import ProductVariant
from backend.graphql.core.connection import (
    ConnectionField,
    CountableConnection,
    connection_from_queryset,
)
from backend.graphql.core.dataloaders import get_loader
from backend.graphql.core.mutations import can_see_private_producer_data, current_user
from backend.graphql.core.types import LanguageCodeEnum, Money, language_of
from backend.graphql.core.validation import set_list_size_hint
from backend.graphql.markets.types import landed_cost_field, resolve_checkout_landed_cost
from backend.orders.models import Order as OrderModel
from backend.orders.models import OrderStatus, ProducerOrderStatus
from backend.orders.selectors import orders_of_user
from backend.payments.gateways import enabled_gateways
from backend.payments.models import PaymentStatus

from . import dataloaders as loaders

OrderStatusEnum = graphene.Enum.from_enum(OrderStatus, name="OrderStatus")
ProducerOrderStatusEnum = graphene.Enum.from_enum(ProducerOrderStatus, name="ProducerOrderStatus")
PaymentChargeStatusEnum = graphene.Enum.from_enum(PaymentStatus, name="PaymentChargeStatusEnum")
CheckoutProblemCodeEnum = graphene.Enum.from_enum(CheckoutProblemCode, name="CheckoutProblemCode")


def global_id(type_name: str, pk: Any) -> str:
    return to_global_id(type_name, str(pk))


def decode_checkout_token(value: Any) -> str:
    """A Checkout global ID (`Checkout:<uuid>`) or the bare token, as the token string."""
    text = str(value or "")
    try:
        type_name, raw = from_global_id(text)
        if type_name == "Checkout" and raw:
            return raw
    except Exception:
        pass
    return text


class TaxedMoney(graphene.ObjectType):
    """Prices include Vietnamese VAT; `net` and `gross` are equal, `tax` is zero."""

    net = graphene.Field(Money, required=True)
    gross = graphene.Field(Money, required=True)
    tax = graphene.Field(Money, required=True)
    currency = graphene.String(required=True)

    @staticmethod
    def of(amount: Decimal, currency: str) -> TaxedMoney:
        money = Money.from_amount(amount, currency)
        return TaxedMoney(
            net=money, gross=money, tax=Money.from_amount(0, currency), currency=currency
        )


class Address(graphene.ObjectType):
    id = graphene.ID(required=True)
    full_name = graphene.String(required=True)
    company_name = graphene.String(required=True)
    phone = graphene.String(required=True)
    country = graphene.String(required=True, description="ISO 3166-1 alpha-2 code.")
    country_name = graphene.String(required=True)
    province_code = graphene.String(description="Vietnamese addresses: the province code.")
    province_name = graphene.String()
    commune_code = graphene.String(description="Vietnamese addresses: the commune code.")
    commune_name = graphene.String()
    street_address_1 = graphene.String(required=True)
    street_address_2 = graphene.String(required=True)
    city = graphene.String(required=True)
    country_area = graphene.String(required=True)
    postal_code = graphene.String(required=True)

    @staticmethod
    def resolve_id(root: Any, info: Any) -> str:
        return global_id("Address", root.pk)

    @staticmethod
    def resolve_country(root: Any, info: Any) -> str:
        return str(root.country_code)

    @staticmethod
    def resolve_country_name(root: Any, info: Any) -> str:
        return str(root.country.name)

    @staticmethod
    def resolve_province_code(root: Any, info: Any) -> str | None:
        return root.province.code if root.province_id else None

    @staticmethod
    def resolve_province_name(root: Any, info: Any) -> str | None:
        return root.province.short_name if root.province_id else None

    @staticmethod
    def resolve_commune_code(root: Any, info: Any) -> str | None:
        return root.commune.code if root.commune_id else None

    @staticmethod
    def resolve_commune_name(root: Any, info: Any) -> str | None:
        return root.commune.name if root.commune_id else None


class ShippingMethod(graphene.ObjectType):
    """A delivery method offered to the checkout (one parcel per producer)."""

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    price = graphene.Field(Money, required=True)
    minimum_delivery_days = graphene.Int()
    maximum_delivery_days = graphene.Int()
    parcel_count = graphene.Int(required=True)

    @staticmethod
    def resolve_name(root: Any, info: Any) -> str:
        return str(root.name(language_of(info)))

    @staticmethod
    def resolve_price(root: Any, info: Any) -> Money:
        return Money.from_amount(root.price, root.currency)

    @staticmethod
    def resolve_minimum_delivery_days(root: Any, info: Any) -> int | None:
        return root.min_days

    @staticmethod
    def resolve_maximum_delivery_days(root: Any, info: Any) -> int | None:
        return root.max_days

    @staticmethod
    def resolve_parcel_count(root: Any, info: Any) -> int:
        return len(root.parcels)


class GatewayConfigLine(graphene.ObjectType):
    field = graphene.String(required=True)
    value = graphene.String()


class PaymentGateway(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    config = graphene.List(graphene.NonNull(GatewayConfigLine), required=True)
    currencies = graphene.List(graphene.NonNull(graphene.String), required=True)


class CheckoutLine(graphene.ObjectType):
    id = graphene.ID(required=True)
    variant = graphene.Field(ProductVariant, required=True)
    quantity = graphene.Int(required=True)
    unit_price = graphene.Field(TaxedMoney, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)
    requires_shipping = graphene.Boolean(required=True)

    @staticmethod
    def resolve_id(root: CheckoutLineInfo, info: Any) -> str:
        return global_id("CheckoutLine", root.line.pk)

    @staticmethod
    def resolve_variant(root: CheckoutLineInfo, info: Any) -> Any:
        return root.variant

    @staticmethod
    def resolve_quantity(root: CheckoutLineInfo, info: Any) -> int:
        return root.line.quantity

    @staticmethod
    def resolve_unit_price(root: CheckoutLineInfo, info: Any) -> TaxedMoney:
        return TaxedMoney.of(root.unit_price, root.variant.currency)

    @staticmethod
    def resolve_total_price(root: CheckoutLineInfo, info: Any) -> TaxedMoney:
        return TaxedMoney.of(root.total_price, root.variant.currency)

    @staticmethod
    def resolve_requires_shipping(root: CheckoutLineInfo, info: Any) -> bool:
        return root.is_shippable


class CheckoutProblem(graphene.ObjectType):
    code = graphene.Field(CheckoutProblemCodeEnum, required=True)
    message = graphene.String(required=True)
    is_blocking = graphene.Boolean(
        required=True, description="True when it stops checkoutComplete."
    )
    line_id = graphene.ID()
    variant_id = graphene.ID()

    @staticmethod
    def resolve_message(root: Any, info: Any) -> str:
        return str(root.message(language_of(info)))

    @staticmethod
    def resolve_line_id(root: Any, info: Any) -> str | None:
        return global_id("CheckoutLine", root.line_id) if root.line_id else None

    @staticmethod
    def resolve_variant_id(root: Any, info: Any) -> str | None:
        return global_id("ProductVariant", root.variant_id) if root.variant_id else None


class Checkout(graphene.ObjectType):
    id = graphene.ID(required=True)
    token = graphene.UUID(required=True)
    email = graphene.String()
    language_code = graphene.Field(LanguageCodeEnum, required=True)
    currency = graphene.String(required=True)
    created = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    lines = graphene.List(graphene.NonNull(CheckoutLine), required=True)
    quantity = graphene.Int(required=True)
    is_shipping_required = graphene.Boolean(required=True)
    shipping_address = graphene.Field(Address)
    billing_address = graphene.Field(Address)
    delivery_method = graphene.Field(ShippingMethod)
    available_shipping_methods = graphene.List(graphene.NonNull(ShippingMethod), required=True)
    available_payment_gateways = graphene.List(graphene.NonNull(PaymentGateway), required=True)
    subtotal_price = graphene.Field(TaxedMoney, required=True)
    shipping_price = graphene.Field(TaxedMoney, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)
    problems = graphene.List(graphene.NonNull(CheckoutProblem), required=True)
    landed_cost = landed_cost_field()

    @staticmethod
    def resolve_id(root: CheckoutInfo, info: Any) -> str:
        return global_id("Checkout", root.checkout.token)

    @staticmethod
    def resolve_token(root: CheckoutInfo, info: Any) -> Any:
        return root.checkout.token

    @staticmethod
    def resolve_email(root: CheckoutInfo, info: Any) -> str | None:
        return root.checkout.email or None

    @staticmethod
    def resolve_language_code(root: CheckoutInfo, info: Any) -> str:
        return root.checkout.language_code

    @staticmethod
    def resolve_currency(root: CheckoutInfo, info: Any) -> str:
        return root.currency

    @staticmethod
    def resolve_created(root: CheckoutInfo, info: Any) -> Any:
        return root.checkout.created_at

    @staticmethod
    def resolve_updated_at(root: CheckoutInfo, info: Any) -> Any:
        return root.checkout.updated_at

    @staticmethod
    def resolve_lines(root: CheckoutInfo, info: Any) -> list[CheckoutLineInfo]:
        return root.lines

    @staticmethod
    def resolve_quantity(root: CheckoutInfo, info: Any) -> int:
        return sum(li.line.quantity for li in root.lines)

    @staticmethod
    def resolve_is_shipping_required(root: CheckoutInfo, info: Any) -> bool:
        return any(li.is_shippable for li in root.lines)

    @staticmethod
    def resolve_shipping_address(root: CheckoutInfo, info: Any) -> Any:
        return root.shipping_address

    @staticmethod
    def resolve_billing_address(root: CheckoutInfo, info: Any) -> Any:
        return root.billing_address

    @staticmethod
    def resolve_delivery_method(root: CheckoutInfo, info: Any) -> Any:
        return root.delivery_method

    @staticmethod
    def resolve_available_shipping_methods(root: CheckoutInfo, info: Any) -> list[Any]:
        return root.delivery_methods

    @staticmethod
    def resolve_available_payment_gateways(root: CheckoutInfo, info: Any) -> list[PaymentGateway]:
        language = language_of(info)
        total = root.total
        return [
            PaymentGateway(
                id=gateway.id,
                name=gateway.name_en if language == "en" else gateway.name_vi,
                config=[GatewayConfigLine(field=k, value=v) for k, v in gateway.config().items()],
                currencies=[root.currency],
            )
            for gateway in enabled_gateways()
            if gateway.is_available(root, total)
        ]

    @staticmethod
    def resolve_subtotal_price(root: CheckoutInfo, info: Any) -> TaxedMoney:
        return TaxedMoney.of(root.subtotal, root.currency)

    @staticmethod
    def resolve_shipping_price(root: CheckoutInfo, info: Any) -> TaxedMoney:
        return TaxedMoney.of(root.shipping_price, root.currency)

    @staticmethod
    def resolve_total_price(root: CheckoutInfo, info: Any) -> TaxedMoney:
        return TaxedMoney.of(root.total, root.currency)

    @staticmethod
    def resolve_problems(root: CheckoutInfo, info: Any) -> list[Any]:
        return root.problems

    @staticmethod
    def resolve_landed_cost(root: CheckoutInfo, info: Any, incoterm: Any = None) -> Any:
        return resolve_checkout_landed_cost(root, incoterm)


class Payment(graphene.ObjectType):
    id = graphene.ID(required=True)
    gateway = graphene.String(required=True)
    charge_status = graphene.Field(PaymentChargeStatusEnum, required=True)
    total = graphene.Field(Money, required=True)
    captured_amount = graphene.Field(Money, required=True)
    psp_reference = graphene.String()
    client_secret = graphene.String(
        description="Stripe: confirm the PaymentIntent with Stripe.js when 3-D Secure is needed."
    )

    @staticmethod
    def resolve_id(root: Any, info: Any) -> str:
        return global_id("Payment", root.token)

    @staticmethod
    def resolve_charge_status(root: Any, info: Any) -> str:
        return str(root.status)

    @staticmethod
    def resolve_total(root: Any, info: Any) -> Money:
        return Money.from_amount(root.amount, root.currency)

    @staticmethod
    def resolve_captured_amount(root: Any, info: Any) -> Money:
        return Money.from_amount(root.captured_amount, root.currency)

    @staticmethod
    def resolve_client_secret(root: Any, info: Any) -> str | None:
        return root.client_secret or None


class OrderLine(graphene.ObjectType):
    id = graphene.ID(required=True)
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    product_sku = graphene.String(required=True)
    producer_name = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    quantity_fulfilled = graphene.Int(required=True)
    unit_price = graphene.Field(TaxedMoney, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)
    variant = graphene.Field(ProductVariant, description="Null when the variant was deleted.")

    @staticmethod
    def resolve_id(root: Any, info: Any) -> str:
        return global_id("OrderLine", root.pk)

    @staticmethod
    def resolve_product_name(root: Any, info: Any) -> str:
        if language_of(info) == "en" and root.product_name_en:
            return str(root.product_name_en)
        return str(root.product_name_vi)

    @staticmethod
    def resolve_variant_name(root: Any, info: Any) -> str:
        if language_of(info) == "en" and root.variant_name_en:
            return str(root.variant_name_en)
        return str(root.variant_name_vi)

    @staticmethod
    def resolve_product_sku(root: Any, info: Any) -> str:
        return str(root.sku)

    @staticmethod
    def resolve_unit_price(root: Any, info: Any) -> TaxedMoney:
        return TaxedMoney.of(root.unit_price_amount, root.currency)

    @staticmethod
    def resolve_total_price(root: Any, info: Any) -> TaxedMoney:
        return TaxedMoney.of(root.total_price_amount, root.currency)

    @staticmethod
    def resolve_variant(root: Any, info: Any) -> Any:
        if root.variant_id is None:
            return None
        return get_loader(info, loaders.VariantByIdLoader).load(root.variant_id)


class ProducerOrder(graphene.ObjectType):
    """The part of the order one producer ships. Commission and payout are visible to that
    producer's members and staff only; the shipping address to them and the shopper."""

    id = graphene.ID(required=True)
    order_number = graphene.String(required=True)
    created = graphene.DateTime(required=True)
    producer_name = graphene.String(required=True)
    status = graphene.Field(ProducerOrderStatusEnum, required=True)
    subtotal = graphene.Field(Money, required=True)
    shipping_price = graphene.Field(Money, required=True)
    tracking_number = graphene.String()
    lines = graphene.List(graphene.NonNull(OrderLine), required=True)
    shipping_address = graphene.Field(Address)
    commission_rate = graphene.Float(description="Producer members and staff only.")
    commission = graphene.Field(Money, description="Producer members and staff only.")
    payout = graphene.Field(
        Money, description="What the producer is owed for this part (members and staff)."
    )

    @staticmethod
    def _private(root: Any, info: Any) -> bool:
        return can_see_private_producer_data(current_user(info), root.producer_id)

    @staticmethod
    def resolve_id(root: Any, info: Any) -> str:
        return global_id("ProducerOrder", root.pk)

    @staticmethod
    def resolve_order_number(root: Any, info: Any) -> str:
        return str(root.order.number or root.order_id)

    @staticmethod
    def resolve_created(root: Any, info: Any) -> Any:
        return root.order.created_at

    @staticmethod
    def resolve_producer_name(root: Any, info: Any) -> str:
        return str(root.producer.name)

    @staticmethod
    def resolve_subtotal(root: Any, info: Any) -> Money:
        return Money.from_amount(root.subtotal_amount, root.order.currency)

    @staticmethod
    def resolve_shipping_price(root: Any, info: Any) -> Money:
        return Money.from_amount(root.shipping_amount, root.order.currency)

    @staticmethod
    def resolve_tracking_number(root: Any, info: Any) -> str | None:
        return root.tracking_number or None

    @staticmethod
    def resolve_lines(root: Any, info: Any) -> Any:
        return get_loader(info, loaders.OrderLinesByProducerOrderIdLoader).load(root.pk)

    @staticmethod
    def resolve_shipping_address(root: Any, info: Any) -> Any:
        if root.order.shipping_address_id is None:
            return None
        return get_loader(info, loaders.AddressByIdLoader).load(root.order.shipping_address_id)

    @staticmethod
    def resolve_commission_rate(root: Any, info: Any) -> float | None:
        return float(root.commission_rate) if ProducerOrder._private(root, info) else None

    @staticmethod
    def resolve_commission(root: Any, info: Any) -> Money | None:
        if not ProducerOrder._private(root, info):
            return None
        return Money.from_amount(root.commission_amount, root.order.currency)

    @staticmethod
    def resolve_payout(root: Any, info: Any) -> Money | None:
        if not ProducerOrder._private(root, info):
            return None
        return Money.from_amount(root.payout_amount, root.order.currency)


class Order(graphene.ObjectType):
    id = graphene.ID(required=True)
    token = graphene.UUID(required=True)
    number = graphene.String(required=True)
    created = graphene.DateTime(required=True)
    status = graphene.Field(OrderStatusEnum, required=True)
    user_email = graphene.String(required=True)
    language_code = graphene.Field(LanguageCodeEnum, required=True)
    lines = graphene.List(graphene.NonNull(OrderLine), required=True)
    producer_orders = graphene.List(graphene.NonNull(ProducerOrder), required=True)
    shipping_address = graphene.Field(Address)
    billing_address = graphene.Field(Address)
    shipping_method_name = graphene.String()
    subtotal = graphene.Field(TaxedMoney, required=True)
    shipping_price = graphene.Field(TaxedMoney, required=True)
    total = graphene.Field(TaxedMoney, required=True)
    payment_status = graphene.Field(PaymentChargeStatusEnum)

    @staticmethod
    def resolve_id(root: Any, info: Any) -> str:
        return global_id("Order", root.token)

    @staticmethod
    def resolve_number(root: Any, info: Any) -> str:
        return str(root.number or root.pk)

    @staticmethod
    def resolve_created(root: Any, info: Any) -> Any:
        return root.created_at

    @staticmethod
    def resolve_lines(root: Any, info: Any) -> Any:
        return get_loader(info, loaders.OrderLinesByOrderIdLoader).load(root.pk)

    @staticmethod
    def resolve_producer_orders(root: Any, info: Any) -> Any:
        return get_loader(info, loaders.ProducerOrdersByOrderIdLoader).load(root.pk)

    @staticmethod
    def resolve_shipping_address(root: Any, info: Any) -> Any:
        if root.shipping_address_id is None:
            return None
        return get_loader(info, loaders.AddressByIdLoader).load(root.shipping_address_id)

    @staticmethod
    def resolve_billing_address(root: Any, info: Any) -> Any:
        if root.billing_address_id is None:
            return None
        return get_loader(info, loaders.AddressByIdLoader).load(root.billing_address_id)

    @staticmethod
    def resolve_shipping_method_name(root: Any, info: Any) -> str | None:
        return root.delivery_method_name or None

    @staticmethod
    def resolve_subtotal(root: Any, info: Any) -> TaxedMoney:
        return TaxedMoney.of(root.subtotal_amount, root.currency)

    @staticmethod
    def resolve_shipping_price(root: Any, info: Any) -> TaxedMoney:
        return TaxedMoney.of(root.shipping_amount, root.currency)

    @staticmethod
    def resolve_total(root: Any, info: Any) -> TaxedMoney:
        return TaxedMoney.of(root.total_amount, root.currency)

    @staticmethod
    def resolve_payment_status(root: Any, info: Any) -> Any:
        from backend.graphql.core.dataloaders import then

        return then(
            get_loader(info, loaders.PaymentsByOrderIdLoader).load(root.pk),
            lambda payments: str(payments[0].status) if payments else None,
        )


class OrderCountableConnection(CountableConnection):
    class Meta:
        node = Order


def user_orders_field() -> ConnectionField:
    return ConnectionField(
        OrderCountableConnection, description="The shopper's orders, newest first."
    )


def resolve_user_orders(root: Any, info: Any, **kwargs: Any) -> Any:
    """Orders of the user `root`; only that user (or staff) may read them."""
    user = current_user(info)
    if user is None or (user.pk != root.pk and not user.is_staff):
        return connection_from_queryset(OrderModel.objects.none(), kwargs, OrderCountableConnection)
    return connection_from_queryset(orders_of_user(user=root), kwargs, OrderCountableConnection)


set_list_size_hint("Checkout", "lines", settings.CHECKOUT_MAX_LINES)
set_list_size_hint("Checkout", "availableShippingMethods", 5)
set_list_size_hint("Checkout", "availablePaymentGateways", 3)
set_list_size_hint("Checkout", "problems", 10)
set_list_size_hint("Order", "lines", 20)
set_list_size_hint("Order", "producerOrders", 5)
set_list_size_hint("ProducerOrder", "lines", 20)
