"""Markets API: markets, a product's compliance per market, and order estimates abroad.

For the catalogue API (Product type, products filter), this module offers:
- `product_market_compliance_field()` + `resolve_product_market_compliance` to mount as
  `Product.marketCompliance(market: String)`;
- `filters.filter_products_by_market` for `products(filter: {market, compliance})`.
"""

from __future__ import annotations

from typing import Any

import graphene
from django.utils import timezone

from backend.catalogue.models import ProductVariant
from backend.catalogue.selectors import visible_products
from backend.compliance.evaluator import evaluate
from backend.compliance.facts import load_facts
from backend.compliance.models import ProductMarketVerdict
from backend.compliance.selectors import load_ruleset
from backend.core.errors import ServiceError
from backend.graphql.core.connection import ConnectionField, connection_from_queryset
from backend.graphql.core.dataloaders import get_loader
from backend.graphql.core.mutations import (
    BaseMutation,
    CommonErrorCode,
    current_user,
    decode_global_id,
    error_type,
    global_id,
    require_export_partner,
)
from backend.graphql.core.types import Money, language_of
from backend.markets import selectors as market_selectors
from backend.markets.error_codes import MarketsErrorCode
from backend.markets.estimates import estimate_order
from backend.markets.models import ExportFeed as ExportFeedModel
from backend.markets.services import export_feed_request

from .dataloaders import MarketVerdictsByProductLoader
from .types import (
    ComplianceVerdictEnum,
    ExportFeed,
    FeedFormatEnum,
    IncotermEnum,
    LandedCost,
    Market,
    MarketCompliance,
    MarketCountableConnection,
)


def _live_verdict(product: Any, market: Any) -> ProductMarketVerdict:
    """Not yet stored (a product created moments ago): evaluate without storing."""
    [facts] = load_facts([product.pk])
    v = evaluate(facts, load_ruleset(), market.code)
    return ProductMarketVerdict(
        product=product,
        market=market,
        verdict=v.verdict,
        reasons=v.reasons,
        documents=v.documents,
        country_verdicts=v.country_verdicts,
        computed_at=timezone.now(),
    )


def product_market_compliance_field() -> graphene.List:
    return graphene.List(
        graphene.NonNull(MarketCompliance),
        required=True,
        market=graphene.String(description="Only this market (code)."),
        description="Whether the product may go to each market, and with which documents.",
    )


def resolve_product_market_compliance(root: Any, info: Any, market: str | None = None) -> Any:
    code = market_selectors.market_by_code(market).code if market else None

    def pick(verdicts: list[ProductMarketVerdict]) -> list[ProductMarketVerdict]:
        return [v for v in verdicts if code is None or v.market.code == code]

    return get_loader(info, MarketVerdictsByProductLoader).load(root.pk).then(pick)


class ShippingMethodQuote(graphene.ObjectType):
    service_code = graphene.String(required=True)
    carrier = graphene.String(required=True)
    name = graphene.String(required=True)
    price = graphene.Field(Money, required=True, description="VND, all parcels.")
    parcels = graphene.Int(required=True, description="One parcel per producer.")
    days_min = graphene.Int(required=True)
    days_max = graphene.Int(required=True)
    is_estimate = graphene.Boolean(required=True)

    @staticmethod
    def resolve_name(root: Any, info: Any) -> str:
        return str(root.name_en if language_of(info) == "en" else root.name_vi)

    @staticmethod
    def resolve_price(root: Any, info: Any) -> Money:
        return Money.from_amount(root.price_vnd, "VND")

    @staticmethod
    def resolve_parcels(root: Any, info: Any) -> int:
        return len(root.parcels)


class BlockedLine(graphene.ObjectType):
    variant_id = graphene.ID(required=True)
    reasons = graphene.List(graphene.NonNull(graphene.String), required=True)


class OrderEstimate(graphene.ObjectType):
    market = graphene.String(required=True)
    country = graphene.String(required=True)
    blocked_lines = graphene.List(graphene.NonNull(BlockedLine), required=True)
    shipping_methods = graphene.List(graphene.NonNull(ShippingMethodQuote), required=True)
    landed_cost = graphene.Field(LandedCost, description="With the cheapest shipping method.")


class EstimateLineInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True)
    quantity = graphene.Int(required=True)


class MarketsQueries(graphene.ObjectType):
    markets = ConnectionField(MarketCountableConnection, description="Active markets.")
    market = graphene.Field(Market, code=graphene.String(required=True))
    market_for_country = graphene.Field(
        Market, country=graphene.String(required=True, description="ISO 3166 code, e.g. DE")
    )
    market_compliance = graphene.Field(
        MarketCompliance,
        product_id=graphene.ID(required=True),
        market=graphene.String(required=True),
        description="Whether a product may go to a market, why not, and which documents.",
    )
    export_feed = graphene.Field(
        ExportFeed, id=graphene.ID(required=True), description="A feed you asked for."
    )
    order_estimate = graphene.Field(
        OrderEstimate,
        country=graphene.String(required=True),
        province=graphene.String(description="Province code, for addresses in Vietnam."),
        lines=graphene.List(graphene.NonNull(EstimateLineInput), required=True),
        incoterm=IncotermEnum(),
        description="Compliance, shipping methods and landed cost of some variants abroad.",
    )

    @staticmethod
    def resolve_export_feed(root: Any, info: Any, id: str) -> Any:
        user = require_export_partner(info)
        pk = decode_global_id(id, "ExportFeed", "id")
        feeds = ExportFeedModel.objects.select_related("market")
        if not user.is_staff:
            feeds = feeds.filter(requested_by=user)
        return feeds.filter(pk=pk).first()

    @staticmethod
    def resolve_markets(root: Any, info: Any, **kwargs: Any) -> Any:
        qs = market_selectors.active_markets().prefetch_related(
            "tax_rules", "duty_rules", "required_documents"
        )
        return connection_from_queryset(qs, kwargs, MarketCountableConnection)

    @staticmethod
    def resolve_market(root: Any, info: Any, code: str) -> Any:
        return market_selectors.market_by_code(code)

    @staticmethod
    def resolve_market_for_country(root: Any, info: Any, country: str) -> Any:
        return market_selectors.market_for_country(country)

    @staticmethod
    def resolve_market_compliance(root: Any, info: Any, product_id: str, market: str) -> Any:
        pk = decode_global_id(product_id, "Product", "productId")
        target = market_selectors.market_by_code(market)
        product = visible_products(user=current_user(info)).filter(pk=pk).first()
        if product is None:
            raise ServiceError.single(
                CommonErrorCode.NOT_FOUND,
                "Không tìm thấy sản phẩm / Product not found.",
                "productId",
            )
        stored = (
            ProductMarketVerdict.objects.filter(product=product, market=target)
            .select_related("market")
            .first()
        )
        return stored or _live_verdict(product, target)

    @staticmethod
    def resolve_order_estimate(
        root: Any,
        info: Any,
        country: str,
        lines: list[Any],
        incoterm: Any = None,
        province: str | None = None,
    ) -> Any:
        if not lines or len(lines) > 100:
            raise ServiceError.single(CommonErrorCode.INVALID, "Give 1 to 100 lines.", "lines")
        ids = [decode_global_id(line["variant_id"], "ProductVariant", "lines.variantId")
               for line in lines]  # fmt: skip
        visible = visible_products(user=current_user(info)).values("pk")
        variants = ProductVariant.objects.filter(pk__in=ids, product__in=visible).select_related(
            "product__category", "product__producer__province"
        )
        by_id = {v.pk: v for v in variants}
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise ServiceError.single(
                CommonErrorCode.NOT_FOUND, "Không tìm thấy sản phẩm / Variant not found.",
                "lines.variantId",
            )  # fmt: skip
        pairs = [(by_id[i], int(line["quantity"])) for i, line in zip(ids, lines, strict=True)]
        est = estimate_order(
            lines=pairs,
            country=country,
            province_code=province,
            incoterm=getattr(incoterm, "value", incoterm),
        )
        return OrderEstimate(
            market=est.market,
            country=est.country,
            blocked_lines=[
                BlockedLine(
                    variant_id=global_id("ProductVariant", v.pk),
                    reasons=est.verdicts[v.product_id].reason_codes,
                )
                for v, _ in pairs
                if v.product_id in est.blocked_product_ids
            ],
            shipping_methods=est.shipping.methods,
            landed_cost=est.landed,
        )


MarketsError = error_type("MarketsError", MarketsErrorCode, "An error of the markets API.")


class ExportFeedCreate(BaseMutation):
    """Ask for a catalogue feed of a market (export partners and staff). It is built in the
    background: poll `exportFeed(id)` for its progress and download link."""

    export_feed = graphene.Field(ExportFeed)

    class Arguments:
        market = graphene.String(required=True)
        format = FeedFormatEnum(required=True)
        compliance = graphene.List(
            graphene.NonNull(ComplianceVerdictEnum),
            description="Verdicts to include (default: ELIGIBLE, ELIGIBLE_WITH_DOCUMENTS).",
        )

    class Meta:
        error_type_class = MarketsError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        fmt, compliance = data["format"], data.get("compliance")
        feed = export_feed_request(
            user=current_user(info),
            market_code=data["market"],
            format=str(getattr(fmt, "value", fmt)),
            verdicts=[str(getattr(v, "value", v)) for v in compliance] if compliance else None,
        )
        feed.refresh_from_db()
        return cls(export_feed=feed)


class MarketsMutations(graphene.ObjectType):
    export_feed_create = ExportFeedCreate.Field()


__all__ = [
    "ComplianceVerdictEnum",
    "MarketsMutations",
    "MarketsQueries",
    "product_market_compliance_field",
    "resolve_product_market_compliance",
]
