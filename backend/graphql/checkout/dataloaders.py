"""DataLoaders of orders (one set per request, see backend/graphql/core/dataloaders.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend.catalogue.models import ProductVariant
from backend.checkout.models import Address
from backend.graphql.core.dataloaders import DataLoader, group_by
from backend.orders.models import OrderLine, ProducerOrder
from backend.payments.models import Payment


class OrderLinesByOrderIdLoader(DataLoader[int, list[Any]]):
    context_key = "order_lines_by_order_id"

    def batch_load(self, keys: Sequence[int]) -> list[list[Any]]:
        grouped = group_by(OrderLine.objects.filter(order_id__in=keys), lambda li: li.order_id)
        return [grouped.get(key, []) for key in keys]


class OrderLinesByProducerOrderIdLoader(DataLoader[int, list[Any]]):
    context_key = "order_lines_by_producer_order_id"

    def batch_load(self, keys: Sequence[int]) -> list[list[Any]]:
        grouped = group_by(
            OrderLine.objects.filter(producer_order_id__in=keys), lambda li: li.producer_order_id
        )
        return [grouped.get(key, []) for key in keys]


class ProducerOrdersByOrderIdLoader(DataLoader[int, list[Any]]):
    context_key = "producer_orders_by_order_id"

    def batch_load(self, keys: Sequence[int]) -> list[list[Any]]:
        parts = ProducerOrder.objects.filter(order_id__in=keys).select_related("producer", "order")
        grouped = group_by(parts, lambda p: p.order_id)
        return [grouped.get(key, []) for key in keys]


class PaymentsByOrderIdLoader(DataLoader[int, list[Any]]):
    context_key = "payments_by_order_id"

    def batch_load(self, keys: Sequence[int]) -> list[list[Any]]:
        grouped = group_by(
            Payment.objects.filter(order_id__in=keys).order_by("-pk"), lambda p: p.order_id
        )
        return [grouped.get(key, []) for key in keys]


class AddressByIdLoader(DataLoader[int, Any]):
    context_key = "checkout_address_by_id"

    def batch_load(self, keys: Sequence[int]) -> list[Any]:
        found = Address.objects.select_related("province", "commune").in_bulk(keys)
        return [found.get(key) for key in keys]


class VariantByIdLoader(DataLoader[int, Any]):
    context_key = "checkout_variant_by_id"

    def batch_load(self, keys: Sequence[int]) -> list[Any]:
        found = ProductVariant.objects.select_related("product").in_bulk(keys)
        return [found.get(key) for key in keys]
