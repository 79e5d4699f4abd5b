"""GraphQL types of markets, export compliance, shipping quotes and landed cost."""

from __future__ import annotations

import datetime
from typing import Any

import graphene
from django.utils import timezone

from backend.compliance.explain import (
    RuleCatalog,
    explain_documents,
    explain_reasons,
    load_catalog,
)
from backend.graphql.core.connection import CountableConnection
from backend.graphql.core.dataloaders import get_loader
from backend.graphql.core.types import Money, language_of, translated
from backend.graphql.core.validation import set_list_size_hint

from .dataloaders import ExchangeRateByCurrencyLoader


def rule_catalog(info: Any) -> RuleCatalog:
    """Rules and document types, loaded once per request (two queries)."""
    catalog = getattr(info.context, "markets_rule_catalog", None)
    if catalog is None:
        catalog = load_catalog()
        info.context.markets_rule_catalog = catalog
    return catalog


class ComplianceVerdictEnum(graphene.Enum):
    ELIGIBLE = "ELIGIBLE"
    ELIGIBLE_WITH_DOCUMENTS = "ELIGIBLE_WITH_DOCUMENTS"
    BLOCKED = "BLOCKED"


class IncotermEnum(graphene.Enum):
    DDP = "DDP"
    DDU = "DDU"


def _money(amount: Any, currency: str | None) -> Money | None:
    if amount is None or not currency:
        return None
    return Money.from_amount(amount, currency)


class ExchangeRate(graphene.ObjectType):
    currency = graphene.String(required=True)
    vnd_per_unit = graphene.Float(required=True, description="VND for one unit of currency.")
    valid_from = graphene.Date()
    source = graphene.String(required=True)
    is_estimate = graphene.Boolean(required=True)


class MarketTaxRule(graphene.ObjectType):
    country = graphene.String(description="Null when it applies to the whole market.")
    name = graphene.String(required=True)
    standard_rate = graphene.Float(required=True, description="Percent.")
    food_rate = graphene.Float(required=True, description="Percent.")
    collection = graphene.String(required=True, description="INCLUDED, AT_SALE or ON_IMPORT.")
    source = graphene.String(required=True)
    valid_from = graphene.Date(required=True)
    valid_to = graphene.Date()
    is_estimate = graphene.Boolean(required=True)

    @staticmethod
    def resolve_country(root: Any, info: Any) -> str | None:
        return str(root.country) or None


class MarketDutyRule(graphene.ObjectType):
    country = graphene.String()
    de_minimis = graphene.Field(Money, description="No duty up to this value; null = none.")
    flat_duty_per_category = graphene.Field(Money)
    flat_duty_max_value = graphene.Field(Money)
    duty_rate = graphene.Float(required=True, description="Percent, above the threshold.")
    tax_exempt_below_threshold = graphene.Boolean(required=True)
    alcohol_always_dutiable = graphene.Boolean(required=True)
    source = graphene.String(required=True)
    valid_from = graphene.Date(required=True)
    valid_to = graphene.Date()
    is_estimate = graphene.Boolean(required=True)

    @staticmethod
    def resolve_country(root: Any, info: Any) -> str | None:
        return str(root.country) or None

    @staticmethod
    def resolve_de_minimis(root: Any, info: Any) -> Money | None:
        return _money(root.de_minimis_amount, root.de_minimis_currency)

    @staticmethod
    def resolve_flat_duty_per_category(root: Any, info: Any) -> Money | None:
        return _money(root.flat_duty_per_category, root.flat_duty_currency)

    @staticmethod
    def resolve_flat_duty_max_value(root: Any, info: Any) -> Money | None:
        return _money(root.flat_duty_max_value, root.flat_duty_currency)


class MarketRequiredDocument(graphene.ObjectType):
    kind = graphene.String(required=True)
    name = graphene.String(required=True)
    applies_to = graphene.String(required=True, description="ALL or FOOD.")
    is_mandatory = graphene.Boolean(required=True)
    source = graphene.String(required=True)

    @staticmethod
    def resolve_name(root: Any, info: Any) -> str:
        return translated(root, "name", language_of(info))


class Market(graphene.ObjectType):
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    countries = graphene.List(graphene.NonNull(graphene.String), required=True)
    currency = graphene.String(required=True)
    country_currencies = graphene.JSONString(description="Countries with their own currency.")
    default_incoterm = graphene.Field(IncotermEnum, required=True)
    is_domestic = graphene.Boolean(required=True)
    exchange_rate = graphene.Field(ExchangeRate, description="Rate in force today.")
    tax_rules = graphene.List(graphene.NonNull(MarketTaxRule), required=True)
    duty_rules = graphene.List(graphene.NonNull(MarketDutyRule), required=True)
    required_documents = graphene.List(graphene.NonNull(MarketRequiredDocument), required=True)

    @staticmethod
    def resolve_name(root: Any, info: Any) -> str:
        return translated(root, "name", language_of(info))

    @staticmethod
    def resolve_countries(root: Any, info: Any) -> list[str]:
        return list(root.country_codes)

    @staticmethod
    def resolve_country_currencies(root: Any, info: Any) -> dict[str, str]:
        return dict(root.currency_overrides)

    @staticmethod
    def resolve_exchange_rate(root: Any, info: Any) -> Any:
        return get_loader(info, ExchangeRateByCurrencyLoader).load(root.currency)

    @staticmethod
    def resolve_tax_rules(root: Any, info: Any) -> Any:
        return root.tax_rules.all()

    @staticmethod
    def resolve_duty_rules(root: Any, info: Any) -> Any:
        return root.duty_rules.all()

    @staticmethod
    def resolve_required_documents(root: Any, info: Any) -> Any:
        return root.required_documents.all()


class MarketCountableConnection(CountableConnection):
    class Meta:
        node = Market


def _dict_resolver(attname: str, default: Any, root: Any, info: Any, **args: Any) -> Any:
    return root.get(attname, default) if isinstance(root, dict) else getattr(root, attname)


class ComplianceReason(graphene.ObjectType):
    class Meta:
        default_resolver = _dict_resolver

    code = graphene.String(required=True)
    message = graphene.String(required=True)
    message_vi = graphene.String(required=True)
    message_en = graphene.String(required=True)
    countries = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Countries it applies to; empty = the whole market.",
    )
    rule = graphene.String(required=True)
    source = graphene.String(required=True)
    valid_from = graphene.Date(required=True)
    is_estimate = graphene.Boolean(required=True)

    @staticmethod
    def resolve_message(root: Any, info: Any) -> str:
        lang = language_of(info)
        return str(root.get(f"message_{lang}") or root["message_vi"])

    @staticmethod
    def resolve_valid_from(root: Any, info: Any) -> datetime.date:
        return datetime.date.fromisoformat(root["valid_from"])


class ComplianceRuleRef(graphene.ObjectType):
    class Meta:
        default_resolver = _dict_resolver

    rule = graphene.String(required=True)
    reason_code = graphene.String()
    source = graphene.String(required=True)
    valid_from = graphene.Date(required=True)
    is_estimate = graphene.Boolean(required=True)

    @staticmethod
    def resolve_valid_from(root: Any, info: Any) -> datetime.date:
        return datetime.date.fromisoformat(root["valid_from"])


class RequiredDocumentStatus(graphene.ObjectType):
    class Meta:
        default_resolver = _dict_resolver

    kind = graphene.String(required=True)
    name = graphene.String(required=True)
    per_shipment = graphene.Boolean(
        required=True, description="Arranged with each shipment, never held in advance."
    )
    held = graphene.Boolean(
        required=True, description="The producer holds one and it is still valid today."
    )
    valid_until = graphene.Date(description="Expiry of the held document; null = none.")
    verified = graphene.Boolean(
        required=True, description="The held document was checked by staff."
    )
    countries = graphene.List(graphene.NonNull(graphene.String), required=True)
    rules = graphene.List(graphene.NonNull(ComplianceRuleRef), required=True)

    @staticmethod
    def resolve_name(root: Any, info: Any) -> str:
        lang = language_of(info)
        return str(root.get(f"name_{lang}") or root.get("name_vi") or root["kind"])

    @staticmethod
    def resolve_valid_until(root: Any, info: Any) -> datetime.date | None:
        value = root.get("valid_until")
        return datetime.date.fromisoformat(value) if value else None


class CountryVerdict(graphene.ObjectType):
    country = graphene.String(required=True)
    verdict = graphene.Field(ComplianceVerdictEnum, required=True)


class MarketCompliance(graphene.ObjectType):
    """Whether a product may go to a market, why not, and which documents it needs."""

    market = graphene.String(required=True, description="Market code.")
    market_name = graphene.String(required=True)
    verdict = graphene.Field(
        ComplianceVerdictEnum, required=True, description="The strictest over its countries."
    )
    reasons = graphene.List(graphene.NonNull(ComplianceReason), required=True)
    required_documents = graphene.List(graphene.NonNull(RequiredDocumentStatus), required=True)
    countries = graphene.List(
        graphene.NonNull(CountryVerdict),
        required=True,
        description="Per-country verdicts, when they differ within the market.",
    )
    computed_at = graphene.DateTime()

    @staticmethod
    def resolve_market(root: Any, info: Any) -> str:
        return str(root.market.code)

    @staticmethod
    def resolve_market_name(root: Any, info: Any) -> str:
        return translated(root.market, "name", language_of(info))

    @staticmethod
    def resolve_reasons(root: Any, info: Any) -> Any:
        return explain_reasons(root.reasons, rule_catalog(info))

    @staticmethod
    def resolve_required_documents(root: Any, info: Any) -> Any:
        return explain_documents(root.documents, rule_catalog(info), timezone.localdate())

    @staticmethod
    def resolve_countries(root: Any, info: Any) -> list[CountryVerdict]:
        return [CountryVerdict(country=c, verdict=v) for c, v in root.country_verdicts.items()]


class FeedFormatEnum(graphene.Enum):
    CSV = "CSV"
    JSON = "JSON"


class FeedStatusEnum(graphene.Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


class ExportFeed(graphene.ObjectType):
    """A catalogue feed for a market, built in the background."""

    id = graphene.ID(required=True)
    market = graphene.String(required=True)
    format = graphene.Field(FeedFormatEnum, required=True)
    compliance = graphene.List(graphene.NonNull(ComplianceVerdictEnum), required=True)
    status = graphene.Field(FeedStatusEnum, required=True)
    total = graphene.Int(required=True, description="Products in the feed.")
    done = graphene.Int(required=True, description="Products written so far.")
    progress = graphene.Float(required=True, description="0 to 1.")
    error = graphene.String()
    created_at = graphene.DateTime(required=True)
    finished_at = graphene.DateTime()
    download_url = graphene.String(description="Signed link valid one hour, once DONE.")

    @staticmethod
    def resolve_id(root: Any, info: Any) -> str:
        from backend.graphql.core.mutations import global_id

        return global_id("ExportFeed", root.pk)

    @staticmethod
    def resolve_market(root: Any, info: Any) -> str:
        return str(root.market.code)

    @staticmethod
    def resolve_compliance(root: Any, info: Any) -> list[str]:
        return list(root.verdicts)

    @staticmethod
    def resolve_progress(root: Any, info: Any) -> float:
        if root.status == "DONE":
            return 1.0
        return round(root.done / root.total, 4) if root.total else 0.0

    @staticmethod
    def resolve_error(root: Any, info: Any) -> str | None:
        return root.error or None

    @staticmethod
    def resolve_download_url(root: Any, info: Any) -> str | None:
        if root.status != "DONE" or not root.file:
            return None
        from django.urls import NoReverseMatch, reverse

        from backend.markets.feeds import download_token

        token = download_token(root)
        # The token alone opens the markets route; the storefront's partner route also
        # checks the signed-in partner. The first one wired in the URL map is used.
        for name in ("markets:export-feed-download", "storefront:partner_feed"):
            try:
                return str(info.context.build_absolute_uri(reverse(name, args=[token])))
            except NoReverseMatch:
                continue
        return None


class LandedCost(graphene.ObjectType):
    currency = graphene.String(required=True)
    incoterm = graphene.Field(IncotermEnum, required=True)
    goods = graphene.Field(Money, required=True)
    shipping = graphene.Field(Money, required=True)
    duty = graphene.Field(Money, required=True)
    tax = graphene.Field(Money, required=True)
    tax_name = graphene.String(required=True)
    tax_collection = graphene.String(required=True)
    total = graphene.Field(Money, required=True)
    paid_now = graphene.Field(Money, required=True)
    due_on_delivery = graphene.Field(Money, required=True)
    is_estimate = graphene.Boolean(required=True)
    notes = graphene.List(graphene.NonNull(graphene.String), required=True)
    sources = graphene.List(graphene.NonNull(graphene.String), required=True)

    @staticmethod
    def _m(value: Any) -> Money:
        return Money.from_amount(value.amount, value.currency)


for _name in ("goods", "shipping", "duty", "tax", "total", "paid_now", "due_on_delivery"):
    setattr(
        LandedCost,
        f"resolve_{_name}",
        staticmethod(lambda root, info, _n=_name: LandedCost._m(getattr(root, _n))),
    )


def landed_cost_field() -> graphene.Field:
    """For `Checkout.landedCost`: mount this and resolve with `resolve_checkout_landed_cost`."""
    return graphene.Field(
        LandedCost,
        incoterm=IncotermEnum(description="Default: the market's incoterm."),
        description="Goods, shipping, duty estimate and VAT in the market's currency; what is "
        "paid now and what is due on delivery. Null without an address abroad we serve.",
    )


def resolve_checkout_landed_cost(checkout_info: Any, incoterm: Any = None) -> Any:
    from backend.markets.checkout import checkout_landed_cost

    return checkout_landed_cost(checkout_info, incoterm=getattr(incoterm, "value", incoterm))


# Bounded lists, for the query-cost limit (unhinted lists count as a full page of 100).
set_list_size_hint("Product", "marketCompliance", 12)
set_list_size_hint("MarketCompliance", "reasons", 8)
set_list_size_hint("MarketCompliance", "requiredDocuments", 8)
set_list_size_hint("MarketCompliance", "countries", 6)
set_list_size_hint("ComplianceReason", "countries", 6)
set_list_size_hint("RequiredDocumentStatus", "countries", 6)
set_list_size_hint("RequiredDocumentStatus", "rules", 5)
set_list_size_hint("Market", "countries", 30)
set_list_size_hint("Market", "taxRules", 10)
set_list_size_hint("Market", "dutyRules", 10)
set_list_size_hint("Market", "requiredDocuments", 15)
set_list_size_hint("LandedCost", "notes", 10)
set_list_size_hint("LandedCost", "sources", 10)
