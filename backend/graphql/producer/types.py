"""GraphQL types of the producer workspace (private to the producer's members, and staff).

`ProducerWorkspace` is what `myProducer` returns: the public `Producer` plus the private parts
(members, documents, certificates, all own listings whatever their moderation status, order
parts, the payout ledger, a monthly sales overview and import jobs)."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay

from backend.catalogue.bulk_import import ImportJob, ImportStatus
from backend.catalogue.models import ModerationStatus
from backend.certification.models import DocumentKind
from backend.graphql.catalogue.types import (
    ModerationStatusEnum,
    OcopCertificate,
    Producer,
    ProducerCountableConnection,
    ProducerMemberRoleEnum,
    Product,
    ProductCountableConnection,
    ProductVariant,
)
from backend.graphql.checkout.types import Address, OrderLine
from backend.graphql.core.connection import (
    ConnectionField,
    CountableConnection,
    connection_from_queryset,
)
from backend.graphql.core.mutations import global_id
from backend.graphql.core.types import Money
from backend.graphql.core.validation import set_list_size_hint
from backend.orders.models import PayoutEntryKind, ProducerOrderStatus
from backend.producers import workspace

DocumentKindEnum = graphene.Enum.from_enum(DocumentKind, name="ProducerDocumentKindEnum")
PayoutEntryKindEnum = graphene.Enum.from_enum(PayoutEntryKind, name="PayoutEntryKindEnum")
ProducerOrderPartStatusEnum = graphene.Enum.from_enum(
    ProducerOrderStatus, name="ProducerOrderPartStatusEnum"
)
ProductImportStatusEnum = graphene.Enum.from_enum(ImportStatus, name="ProductImportStatusEnum")


class ProducerMember(graphene.ObjectType):
    email = graphene.String(required=True)
    full_name = graphene.String(required=True)
    role = graphene.Field(ProducerMemberRoleEnum, required=True)
    created = graphene.DateTime(required=True)

    class Meta:
        interfaces = (relay.Node,)
        description = "A person working for a producer."

    @staticmethod
    def resolve_email(root: Any, info: Any) -> str:
        return str(root.user.email)

    @staticmethod
    def resolve_full_name(root: Any, info: Any) -> str:
        return str(getattr(root.user, "full_name", "") or "")

    @staticmethod
    def resolve_created(root: Any, info: Any) -> Any:
        return root.created_at


class ProducerDocument(graphene.ObjectType):
    kind = graphene.Field(DocumentKindEnum, required=True)
    title = graphene.String(required=True)
    number = graphene.String(required=True)
    issuer = graphene.String(required=True)
    issued_on = graphene.Date()
    expires_on = graphene.Date()
    is_public = graphene.Boolean(required=True)
    is_verified = graphene.Boolean(required=True)
    is_valid = graphene.Boolean(required=True, description="Not expired today.")
    file_url = graphene.String(
        description="A signed link to the file, valid for a few minutes (private documents are "
        "served only to the producer's members, staff and export partners)."
    )
    products = graphene.List(graphene.NonNull(graphene.ID), required=True)

    class Meta:
        interfaces = (relay.Node,)
        description = "A certificate or document a producer holds (Halal, HACCP, lab report ...)."

    @staticmethod
    def resolve_is_valid(root: Any, info: Any) -> bool:
        from django.utils import timezone

        return bool(root.is_valid_on(timezone.localdate()))

    @staticmethod
    def resolve_file_url(root: Any, info: Any) -> str | None:
        from .files import document_file_url

        return document_file_url(info.context, root)

    @staticmethod
    def resolve_products(root: Any, info: Any) -> list[str]:
        return [global_id("Product", p.pk) for p in root.products.all()]


class ProducerDocumentCountableConnection(CountableConnection):
    class Meta:
        node = ProducerDocument


class OcopCertificateCountableConnection(CountableConnection):
    class Meta:
        node = OcopCertificate


class ProducerOrderPart(graphene.ObjectType):
    """The part of a shopper's order this producer ships (its own parcel)."""

    id = graphene.ID(required=True, description="The ProducerOrder ID.")
    order_number = graphene.String(required=True)
    created = graphene.DateTime(required=True)
    status = graphene.Field(ProducerOrderPartStatusEnum, required=True)
    lines = graphene.List(graphene.NonNull(OrderLine), required=True)
    shipping_address = graphene.Field(Address)
    subtotal = graphene.Field(Money, required=True)
    shipping_price = graphene.Field(Money, required=True)
    commission = graphene.Field(Money, required=True)
    payout = graphene.Field(Money, required=True, description="What the producer earns.")
    carrier = graphene.String()
    tracking_number = graphene.String()
    fulfilled_at = graphene.DateTime()

    @staticmethod
    def resolve_id(root: Any, info: Any) -> str:
        return global_id("ProducerOrder", root.pk)

    @staticmethod
    def resolve_order_number(root: Any, info: Any) -> str:
        return str(root.order.number or root.order.token)

    @staticmethod
    def resolve_created(root: Any, info: Any) -> Any:
        return root.order.created_at

    @staticmethod
    def resolve_lines(root: Any, info: Any) -> Any:
        return list(root.lines.all())

    @staticmethod
    def resolve_shipping_address(root: Any, info: Any) -> Any:
        return root.order.shipping_address

    @staticmethod
    def resolve_subtotal(root: Any, info: Any) -> Money:
        return Money.from_amount(root.subtotal_amount, root.order.currency)

    @staticmethod
    def resolve_shipping_price(root: Any, info: Any) -> Money:
        return Money.from_amount(root.shipping_amount, root.order.currency)

    @staticmethod
    def resolve_commission(root: Any, info: Any) -> Money:
        return Money.from_amount(root.commission_amount, root.order.currency)

    @staticmethod
    def resolve_payout(root: Any, info: Any) -> Money:
        return Money.from_amount(root.payout_amount, root.order.currency)

    @staticmethod
    def resolve_carrier(root: Any, info: Any) -> str | None:
        return root.carrier or None

    @staticmethod
    def resolve_tracking_number(root: Any, info: Any) -> str | None:
        return root.tracking_number or None


class ProducerOrderPartCountableConnection(CountableConnection):
    class Meta:
        node = ProducerOrderPart


class PayoutEntry(graphene.ObjectType):
    id = graphene.ID(required=True)
    kind = graphene.Field(PayoutEntryKindEnum, required=True)
    amount = graphene.Field(Money, required=True, description="Signed: + owed, - paid/taken.")
    note = graphene.String(required=True)
    order_number = graphene.String()
    created = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root: Any, info: Any) -> str:
        return global_id("PayoutEntry", root.pk)

    @staticmethod
    def resolve_amount(root: Any, info: Any) -> Money:
        return Money.from_amount(root.amount, root.currency)

    @staticmethod
    def resolve_order_number(root: Any, info: Any) -> str | None:
        part = root.producer_order
        return str(part.order.number) if part is not None and part.order.number else None

    @staticmethod
    def resolve_created(root: Any, info: Any) -> Any:
        return root.created_at


class PayoutEntryCountableConnection(CountableConnection):
    class Meta:
        node = PayoutEntry


class PayoutLedger(graphene.ObjectType):
    owed = graphene.Field(Money, required=True, description="What the platform owes now.")
    paid = graphene.Field(Money, required=True, description="Paid out so far.")
    earned = graphene.Field(Money, required=True, description="Goods and shipping sold.")
    commission = graphene.Field(Money, required=True, description="Net platform commission.")
    refunded = graphene.Field(Money, required=True)
    entries = ConnectionField(PayoutEntryCountableConnection)

    @staticmethod
    def resolve_entries(root: workspace.Ledger, info: Any, **kwargs: Any) -> Any:
        return connection_from_queryset(
            workspace.payout_entries(producer_id=root.producer_id),
            kwargs,
            PayoutEntryCountableConnection,
        )


def _money_fields(root: Any, name: str) -> Money:
    return Money.from_amount(getattr(root, name))


for _name in ("owed", "paid", "earned", "commission", "refunded"):
    setattr(
        PayoutLedger,
        f"resolve_{_name}",
        staticmethod(lambda root, info, _n=_name: _money_fields(root, _n)),
    )


class SalesMonth(graphene.ObjectType):
    month = graphene.String(required=True, description="YYYY-MM.")
    orders = graphene.Int(required=True, description="Order parts placed in the month.")
    units = graphene.Int(required=True)
    gross = graphene.Field(Money, required=True, description="Goods and shipping.")
    commission = graphene.Field(Money, required=True)
    net = graphene.Field(Money, required=True, description="What the producer earns.")

    @staticmethod
    def resolve_gross(root: Any, info: Any) -> Money:
        return Money.from_amount(root.gross)

    @staticmethod
    def resolve_commission(root: Any, info: Any) -> Money:
        return Money.from_amount(root.commission)

    @staticmethod
    def resolve_net(root: Any, info: Any) -> Money:
        return Money.from_amount(root.net)


class ProductImportRowError(graphene.ObjectType):
    row = graphene.Int(description="Spreadsheet row (the header is row 1); null for the file.")
    column = graphene.String()
    message = graphene.String(required=True)
    code = graphene.String(required=True)


class ProductImport(graphene.ObjectType):
    id = graphene.ID(required=True)
    status = graphene.Field(ProductImportStatusEnum, required=True)
    progress = graphene.Float(required=True, description="0 to 1.")
    processed = graphene.Int(required=True)
    total = graphene.Int(required=True)
    created_count = graphene.Int(required=True)
    updated_count = graphene.Int(required=True)
    unchanged_count = graphene.Int(required=True)
    file_name = graphene.String(required=True)
    message = graphene.String(required=True)
    errors = graphene.List(graphene.NonNull(ProductImportRowError), required=True)

    @staticmethod
    def resolve_status(root: ImportJob, info: Any) -> str:
        return root.status

    @staticmethod
    def resolve_created_count(root: ImportJob, info: Any) -> int:
        return root.created

    @staticmethod
    def resolve_updated_count(root: ImportJob, info: Any) -> int:
        return root.updated

    @staticmethod
    def resolve_unchanged_count(root: ImportJob, info: Any) -> int:
        return root.unchanged

    @staticmethod
    def resolve_errors(root: ImportJob, info: Any) -> list[ProductImportRowError]:
        return [
            ProductImportRowError(
                row=e.get("row"),
                column=e.get("column"),
                message=e.get("message", ""),
                code=e.get("code", "invalid"),
            )
            for e in root.errors
        ]


class ListingReview(graphene.ObjectType):
    """Staff's decision on one of your listings, with their note."""

    product = graphene.Field(Product, required=True)
    status = graphene.Field(ModerationStatusEnum, required=True)
    note = graphene.String(required=True, description="Why it was rejected, or staff's note.")
    updated = graphene.DateTime(required=True)

    @staticmethod
    def resolve_product(root: Any, info: Any) -> Any:
        return root

    @staticmethod
    def resolve_status(root: Any, info: Any) -> Any:
        return root.moderation_status

    @staticmethod
    def resolve_note(root: Any, info: Any) -> str:
        return str(root.moderation_note or "")

    @staticmethod
    def resolve_updated(root: Any, info: Any) -> Any:
        return root.updated_at


class ListingReviewCountableConnection(CountableConnection):
    class Meta:
        node = ListingReview


class ModerationQueue(graphene.ObjectType):
    """What waits for staff: new or changed listings, producer applications, certificates."""

    products = ConnectionField(ProductCountableConnection)
    producers = ConnectionField(ProducerCountableConnection)
    certificates = ConnectionField(OcopCertificateCountableConnection)

    @staticmethod
    def resolve_products(root: Any, info: Any, **kwargs: Any) -> Any:
        return connection_from_queryset(
            workspace.pending_products(), kwargs, ProductCountableConnection
        )

    @staticmethod
    def resolve_producers(root: Any, info: Any, **kwargs: Any) -> Any:
        return connection_from_queryset(
            workspace.pending_producers(), kwargs, ProducerCountableConnection
        )

    @staticmethod
    def resolve_certificates(root: Any, info: Any, **kwargs: Any) -> Any:
        return connection_from_queryset(
            workspace.pending_certificates(), kwargs, OcopCertificateCountableConnection
        )


class ProducerWorkspace(graphene.ObjectType):
    """The signed-in member's producer, with its private data."""

    producer = graphene.Field(Producer, required=True)
    role = graphene.Field(ProducerMemberRoleEnum, required=True, description="Your role.")
    members = graphene.List(graphene.NonNull(ProducerMember), required=True)
    products = ConnectionField(
        ProductCountableConnection,
        moderation_status=graphene.Argument(ModerationStatusEnum),
        description="Every own listing, whatever its moderation status.",
    )
    reviews = ConnectionField(
        ListingReviewCountableConnection,
        description="Listings waiting for review or rejected, with staff's notes.",
    )
    certificates = ConnectionField(OcopCertificateCountableConnection)
    documents = ConnectionField(ProducerDocumentCountableConnection)
    orders = ConnectionField(
        ProducerOrderPartCountableConnection,
        status=graphene.Argument(ProducerOrderPartStatusEnum),
    )
    payouts = graphene.Field(PayoutLedger, required=True)
    sales_overview = graphene.List(
        graphene.NonNull(SalesMonth),
        months=graphene.Int(default_value=12, description="How many months back (1-36)."),
        required=True,
        description="Sales per month, oldest first, months without sales included.",
    )
    low_stock = graphene.List(
        graphene.NonNull(ProductVariant),
        threshold=graphene.Int(default_value=5),
        required=True,
        description="Variants with at most `threshold` units available (at most 100).",
    )

    @staticmethod
    def resolve_producer(root: Any, info: Any) -> Any:
        return root.producer

    @staticmethod
    def resolve_members(root: Any, info: Any) -> Any:
        return list(root.producer.members.select_related("user").order_by("role", "pk"))

    @staticmethod
    def resolve_products(root: Any, info: Any, moderation_status: Any = None, **kwargs: Any) -> Any:
        status = getattr(moderation_status, "value", moderation_status)
        queryset = workspace.own_products(producer_id=root.producer_id, status=status)
        return connection_from_queryset(queryset, kwargs, ProductCountableConnection)

    @staticmethod
    def resolve_reviews(root: Any, info: Any, **kwargs: Any) -> Any:
        return connection_from_queryset(
            workspace.own_reviews(producer_id=root.producer_id),
            kwargs,
            ListingReviewCountableConnection,
        )

    @staticmethod
    def resolve_certificates(root: Any, info: Any, **kwargs: Any) -> Any:
        return connection_from_queryset(
            workspace.own_certificates(producer_id=root.producer_id),
            kwargs,
            OcopCertificateCountableConnection,
        )

    @staticmethod
    def resolve_documents(root: Any, info: Any, **kwargs: Any) -> Any:
        return connection_from_queryset(
            workspace.own_documents(producer_id=root.producer_id),
            kwargs,
            ProducerDocumentCountableConnection,
        )

    @staticmethod
    def resolve_orders(root: Any, info: Any, status: Any = None, **kwargs: Any) -> Any:
        status = getattr(status, "value", status)
        return connection_from_queryset(
            workspace.own_order_parts(producer_id=root.producer_id, status=status),
            kwargs,
            ProducerOrderPartCountableConnection,
        )

    @staticmethod
    def resolve_payouts(root: Any, info: Any) -> Any:
        return workspace.payout_ledger(producer_id=root.producer_id)

    @staticmethod
    def resolve_sales_overview(root: Any, info: Any, months: int = 12) -> Any:
        return workspace.sales_by_month(producer_id=root.producer_id, months=months)

    @staticmethod
    def resolve_low_stock(root: Any, info: Any, threshold: int = 5) -> Any:
        return list(workspace.low_stock(producer_id=root.producer_id, threshold=threshold)[:100])


__all__ = [
    "ModerationStatus",
    "ProducerDocument",
    "ProducerMember",
    "ProducerOrderPart",
    "ProducerWorkspace",
    "ProductImport",
]

# Typical lengths of the unpaginated lists, for the query-cost limit.
set_list_size_hint("ProducerWorkspace", "members", 20)
set_list_size_hint("ProducerWorkspace", "salesOverview", 36)
set_list_size_hint("ProducerOrderPart", "lines", 10)
set_list_size_hint("ProducerDocument", "products", 20)
