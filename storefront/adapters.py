"""The storefront's only doorway into the domain code.

Every page reads products, prices, stock, search results, shipping and compliance through
this module, which calls the selectors and services of the domain apps (catalogue, search,
markets, checkout). Keeping the calls here means the views and templates never grow a second
copy of that logic, and the wiring to each domain is in one place."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from backend.catalogue import selectors as catalogue_selectors
from backend.catalogue.models import Category, Product, ProductMedia
from backend.certification.models import CertificateStatus
from backend.traceability import selectors as trace_selectors

PAGE_SIZE = 24
MAX_PAGE_SIZE = 100


# --- Markets and money ----------------------------------------------------------------------


def market_for_country(country: str) -> tuple[Any | None, str, Any | None]:
    """The market serving `country`, the currency prices show in there, and its rate from VND
    (from the markets domain). A country in no market: (None, "VND", None)."""
    from backend.core.errors import ServiceError
    from backend.markets import selectors as market_selectors

    try:
        market = market_selectors.market_for_country(country)
    except ServiceError:
        return None, "VND", None
    currency = market.currency_for(country)
    try:
        rate = market_selectors.rate_for(currency)
    except ServiceError:
        return market, "VND", None
    return market, currency, rate


def convert_price(amount_vnd: Decimal | None, shop: Any) -> Decimal | None:
    """`amount_vnd` in the shop's currency, converted and rounded by the markets domain."""
    if amount_vnd is None:
        return None
    if shop is None or shop.rate is None:
        return amount_vnd
    return Decimal(shop.rate.from_vnd(amount_vnd).amount)


# --- Catalogue --------------------------------------------------------------------------------


def _media_prefetch() -> Prefetch:
    return Prefetch(
        "media", queryset=ProductMedia.objects.prefetch_related("thumbnails").order_by("sort_order")
    )


def public_products() -> QuerySet[Product]:
    """The catalogue's public products, with what a product card shows joined or prefetched."""
    return catalogue_selectors.with_list_relations(
        catalogue_selectors.public_products()
    ).prefetch_related(_media_prefetch())


def product_stars(product: Product) -> int | None:
    return catalogue_selectors.product_stars(product)


def product_potential_five_star(product: Product) -> bool:
    return catalogue_selectors.product_potential_five_star(product)


def top_products(*, limit: int = 8) -> list[Product]:
    """5-star and potential-5-star products with a certificate in force."""
    qs = public_products().filter(
        catalogue_selectors.in_force_q()
        & (Q(current_certificate__stars=5) | Q(current_certificate__potential_five_star=True))
    )
    return list(qs.order_by("-current_certificate__stars", "name_vi", "pk")[:limit])


def product_groups() -> list[Category]:
    return list(Category.objects.filter(level=Category.Level.GROUP).order_by("sort_order", "code"))


def product_by_slug(slug: str) -> Product | None:
    qs = public_products().prefetch_related("variants")
    return qs.filter(Q(slug=slug) | Q(slug_en=slug)).first()


# --- Search ---------------------------------------------------------------------------------

# URL parameter -> the search domain's facet field. The facet's own value is the parameter name,
# so links and forms keep the whole search state in the query string.
FACET_PARAMS = (
    "category_group",
    "category",
    "stars",
    "province",
    "craft_village",
    "producer_kind",
    "price_range",
)


def facet_label(field_value: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "category_group": _("OCOP group"),
        "category": _("Product set"),
        "stars": _("Stars"),
        "province": _("Province"),
        "craft_village": _("Craft village"),
        "producer_kind": _("Producer"),
        "market": _("Market"),
        "price_range": _("Price"),
    }.get(field_value, field_value)


@dataclass
class FacetView:
    param: str
    label: str
    buckets: list[Any]


@dataclass
class SearchParams:
    query: str = ""
    selected: dict[str, list[str]] = field(default_factory=dict)
    ships_to: str | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = PAGE_SIZE


@dataclass
class SearchPage:
    products: list[Product]
    total: int
    facets: list[FacetView]
    highlights: dict[int, str] = field(default_factory=dict)
    error: str = ""


def sort_choices() -> list[tuple[str, str]]:
    from django.utils.translation import gettext as _

    return [
        ("relevance", _("Relevance")),
        ("stars", _("Stars")),
        ("price_asc", _("Price: low to high")),
        ("price_desc", _("Price: high to low")),
        ("newest", _("Newest")),
    ]


SORTS = {"relevance", "stars", "price_asc", "price_desc", "newest"}


def products_in_order(ids: Sequence[int]) -> list[Product]:
    """Public products for `ids`, in that order, with everything a product card shows (a
    fixed number of queries, whatever the page size)."""
    by_id = {p.pk: p for p in public_products().filter(pk__in=list(ids))}
    return [by_id[i] for i in ids if i in by_id]


def search_products(params: SearchParams, *, shop: Any = None) -> SearchPage:
    from backend.core.errors import ServiceError
    from search import selectors as search_selectors
    from search.backends.base import PRICE_RANGE_BY_KEY, SearchFilters, SearchQuery, SortField

    sel = params.selected
    stars = [int(s) for s in sel.get("stars", []) if s in {"3", "4", "5"}]
    markets: list[str] = []
    if params.ships_to and shop is not None and getattr(shop, "market", None) is not None:
        markets = [str(shop.market.code)]
    filters = SearchFilters(
        categories=[*sel.get("category_group", []), *sel.get("category", [])],
        stars=stars,
        provinces=list(sel.get("province", [])),
        craft_villages=list(sel.get("craft_village", [])),
        producer_kinds=list(sel.get("producer_kind", [])),
        price_ranges=[r for r in sel.get("price_range", []) if r in PRICE_RANGE_BY_KEY],
        markets=markets,
    )
    language = getattr(shop, "language", "vi") or "vi"
    query = SearchQuery(
        text=params.query,
        filters=filters,
        sort=SortField[params.sort.upper()] if params.sort in SORTS else SortField.RELEVANCE,
        offset=(params.page - 1) * params.page_size,
        limit=params.page_size,
        language=language[:2],
    )
    try:
        result = search_selectors.search_products(query)
    except ServiceError as exc:
        return SearchPage(products=[], total=0, facets=[], error=str(exc))
    facets = [
        FacetView(param=f.field.value, label=facet_label(f.field.value), buckets=f.buckets)
        for f in result.facets
        if f.field.value in FACET_PARAMS
    ]
    return SearchPage(
        products=products_in_order(result.product_ids),
        total=result.total,
        facets=facets,
        highlights={h.product_id: h.highlight for h in result.hits if h.highlight},
    )


@dataclass
class SuggestionView:
    text: str
    url: str
    kind: str


def suggest(query: str, *, shop: Any = None, limit: int = 8) -> list[SuggestionView]:
    from django.urls import reverse
    from django.utils.http import urlencode

    from backend.core.errors import ServiceError
    from search import selectors as search_selectors
    from search.backends.base import SuggestionKind

    language = (getattr(shop, "language", "vi") or "vi")[:2]
    try:
        items = search_selectors.suggest(query, limit=limit, language=language)
    except ServiceError:
        return []
    base = reverse("storefront:search")
    param = {
        SuggestionKind.CATEGORY: "category",
        SuggestionKind.PROVINCE: "province",
        SuggestionKind.CRAFT_VILLAGE: "craft_village",
    }
    views = []
    for item in items:
        if item.kind in param:
            url = f"{base}?{urlencode({param[item.kind]: item.value})}"
        else:
            url = f"{base}?{urlencode({'q': item.text})}"
        views.append(SuggestionView(text=item.text, url=url, kind=item.kind.value))
    return views


# --- Pages ------------------------------------------------------------------------------------


@dataclass
class HomeSections:
    top_products: list[Product]
    groups: list[Category]
    provinces: list[tuple[Any, int]]
    craft_villages: list[Any]


def home_sections(*, shop: Any = None) -> HomeSections:
    from django.db.models import Count

    from backend.places.models import CraftVillage, Province

    public_ids = public_products().values("pk")
    counts = dict(
        public_products()
        .order_by()
        .values("province_id")
        .annotate(n=Count("pk"))
        .values_list("province_id", "n")
    )
    provinces = Province.objects.filter(pk__in=list(counts)).order_by("code")
    villages = (
        CraftVillage.objects.filter(products__in=public_ids)
        .select_related("province")
        .distinct()
        .order_by("name")
    )
    return HomeSections(
        top_products=top_products(limit=8),
        groups=product_groups(),
        provinces=[(p, counts.get(p.pk, 0)) for p in provinces],
        craft_villages=list(villages[:24]),
    )


@dataclass
class VariantView:
    variant: Any
    price: Decimal | None
    currency: str
    available: int


@dataclass
class ProductPage:
    product: Product
    stars: int | None
    certificate: Any | None
    certificate_status: str
    variants: list[VariantView]
    price_min: Decimal | None
    price_max: Decimal | None
    currency: str
    media: list[Any]
    batch: Any | None
    trace_url: str | None
    qr_url: str | None
    shipping: list[Any] = field(default_factory=list)
    eligibility: list[Any] = field(default_factory=list)
    my_verdict: Any | None = None
    landed: Any | None = None
    shipping_note: str = ""


def product_page(*, slug: str, shop: Any) -> ProductPage | None:
    product = product_by_slug(slug)
    if product is None:
        return None
    currency = shop.currency if shop is not None else "VND"

    def convert(amount: Decimal | None) -> Decimal | None:
        return convert_price(amount, shop)

    cert = product.current_certificate
    batch = trace_selectors.newest_batches([product.pk]).get(product.pk)
    page = ProductPage(
        product=product,
        stars=product_stars(product),
        certificate=cert,
        certificate_status=cert.display_status if cert is not None else "NONE",
        variants=[
            VariantView(
                variant=v,
                price=convert(v.price_amount),
                currency=currency,
                available=v.quantity_available,
            )
            for v in product.variants.all()
        ],
        price_min=convert(product.price_min),
        price_max=convert(product.price_max),
        currency=currency,
        media=list(product.media.all()),
        batch=batch,
        trace_url=trace_selectors.trace_path(batch.code) if batch else None,
        qr_url=trace_selectors.trace_qr_path(batch.code) if batch else None,
    )
    _add_markets(page, shop)
    return page


@dataclass
class EligibilityRow:
    market: Any
    verdict: str
    reasons: list[str]
    documents: list[dict[str, Any]]
    is_mine: bool


@dataclass
class ShippingOption:
    name: str
    price: Decimal | None
    currency: str
    min_days: int
    max_days: int


def _lang(shop: Any) -> str:
    return "en" if shop is not None and shop.language[:2] == "en" else "vi"


@dataclass
class _VerdictRow:
    market: Any
    verdict: str
    reasons: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    country_verdicts: dict[str, str]

    def for_country(self, country: str) -> str:
        return str(self.country_verdicts.get(country.upper(), self.verdict))


def _verdict_rows(product_id: int) -> list[_VerdictRow]:
    """The product's verdict for every market: the stored ones (compliance recomputes them
    when the product changes), or, until they are stored, the compliance evaluator's."""
    from backend.compliance import selectors as compliance_selectors
    from backend.compliance.evaluator import evaluate
    from backend.compliance.facts import load_facts
    from backend.markets import selectors as market_selectors

    stored = list(compliance_selectors.verdicts_for_product(product_id))
    if stored:
        return [
            _VerdictRow(r.market, r.verdict, r.reasons, r.documents, dict(r.country_verdicts or {}))
            for r in stored
        ]
    ruleset = compliance_selectors.load_ruleset()
    facts = load_facts([product_id])
    if not facts:
        return []
    rows = []
    for market in market_selectors.active_markets():
        if market.code not in ruleset.markets:
            continue
        mv = evaluate(facts[0], ruleset, market.code)
        rows.append(
            _VerdictRow(market, mv.verdict, mv.reasons, mv.documents, dict(mv.country_verdicts))
        )
    return rows


def _reason_text(reason: dict[str, Any], lang: str) -> str:
    return str(reason.get(f"message_{lang}") or reason.get("message_vi") or reason.get("code"))


def _add_markets(page: ProductPage, shop: Any) -> None:
    """The market-eligibility table, and the shipping estimate and landed cost to the
    shopper's country, from the compliance, shipping and markets domains."""
    from backend.compliance import explain
    from backend.compliance.checks import verdicts_for_destination
    from backend.core.errors import ServiceError
    from backend.markets.estimates import estimate_order

    lang = _lang(shop)
    market = getattr(shop, "market", None)
    if market is not None and not market.is_domestic:
        # The verdict for the shopper's own country (stored, or evaluated when not stored yet).
        destination = verdicts_for_destination(
            product_ids=[page.product.pk], market_code=market.code, country=shop.country
        ).get(page.product.pk)
        if destination is not None:
            page.my_verdict = EligibilityRow(
                market=market,
                verdict=destination.verdict,
                reasons=[
                    _reason_text(r, lang)
                    for r in destination.reasons
                    if not r.get("countries") or shop.country in r["countries"]
                ],
                documents=[],
                is_mine=True,
            )
    rows = _verdict_rows(page.product.pk)
    catalog = explain.load_catalog()
    today = timezone.localdate()
    for row in rows:
        mine = market is not None and row.market.pk == market.pk
        verdict = row.for_country(shop.country) if mine else row.verdict
        reasons = [
            _reason_text(r, lang)
            for r in explain.explain_reasons(row.reasons, catalog)
            if not mine or not r.get("countries") or shop.country in r.get("countries", [])
        ]
        page.eligibility.append(
            EligibilityRow(
                market=row.market,
                verdict=verdict,
                reasons=reasons,
                documents=explain.explain_documents(row.documents, catalog, today),
                is_mine=mine,
            )
        )
    if market is None or page.product.category.is_shippable is False:
        return
    variants = [v.variant for v in page.variants]
    variant = next((v for v in variants if v.quantity_available > 0), None) or (
        variants[0] if variants else None
    )
    if variant is None or (page.my_verdict is not None and page.my_verdict.verdict == "BLOCKED"):
        return
    variant.product = page.product  # the estimate reads product, producer and category from it
    try:
        estimate = estimate_order(lines=[(variant, 1)], country=shop.country)
    except ServiceError as exc:
        page.shipping_note = str(exc)
        return
    for method in estimate.shipping.methods:
        page.shipping.append(
            ShippingOption(
                name=method.name_en if lang == "en" else method.name_vi,
                price=convert_price(method.price_vnd, shop),
                currency=page.currency,
                min_days=method.days_min,
                max_days=method.days_max,
            )
        )
    if not shop.is_domestic:
        page.landed = estimate.landed


# --- Producer dashboard -------------------------------------------------------------------------


def producer_of(user: Any) -> Any | None:
    """The producer `user` works for, or None (one membership per user)."""
    if not getattr(user, "is_authenticated", False):
        return None
    from backend.producers.models import ProducerMember

    member = (
        ProducerMember.objects.select_related("producer", "producer__province")
        .filter(user=user)
        .first()
    )
    return member.producer if member is not None else None


@dataclass
class DashboardRow:
    product: Product
    stars: int | None
    variants: list[Any]
    stock: int
    available: int


@dataclass
class Dashboard:
    producer: Any
    rows: list[DashboardRow]
    expiring_certificates: list[Any]
    expiring_documents: list[Any]
    status_counts: dict[str, int]
    today: datetime.date | None = None


EXPIRY_WARNING_DAYS = 60


def producer_dashboard(*, producer: Any) -> Dashboard:
    """The producer's own listings, and the certificates and documents to renew, from the
    producer workspace's selectors."""
    from backend.producers import workspace

    today = timezone.localdate()
    soon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    since = today - datetime.timedelta(days=365)
    products = list(
        workspace.own_products(producer_id=producer.pk)
        .prefetch_related("variants")
        .order_by("name_vi", "pk")
    )
    rows = []
    counts: dict[str, int] = {}
    for p in products:
        variants = list(p.variants.all())
        rows.append(
            DashboardRow(
                product=p,
                stars=product_stars(p),
                variants=variants,
                stock=sum(v.quantity for v in variants),
                available=sum(v.quantity_available for v in variants),
            )
        )
        counts[p.moderation_status] = counts.get(p.moderation_status, 0) + 1
    certificates = list(
        workspace.own_certificates(producer_id=producer.pk)
        .filter(status=CertificateStatus.VERIFIED, expires_on__lte=soon, expires_on__gte=since)
        .select_related("product")
        .order_by("expires_on")
    )
    documents = list(
        workspace.own_documents(producer_id=producer.pk)
        .filter(expires_on__isnull=False, expires_on__lte=soon, expires_on__gte=since)
        .order_by("expires_on")
    )
    return Dashboard(
        producer=producer,
        rows=rows,
        expiring_certificates=certificates,
        expiring_documents=documents,
        status_counts=counts,
        today=today,
    )


def producer_product(*, producer: Any, pk: int) -> Product | None:
    """One of the producer's own products (any moderation status); None for anyone else's."""
    from backend.producers import workspace

    return (
        workspace.own_products(producer_id=producer.pk)
        .filter(pk=pk)
        .prefetch_related("variants")
        .first()
    )


def producer_listing_update(*, product: Any, data: Any) -> Any:
    """A producer's edit of its listing text, through the producer workspace's service (a
    rejected listing goes back to review). Raises ServiceError."""
    from backend.producers.services import listing_update

    fields = ("name_vi", "name_en", "description_vi", "description_en")
    changes = {f: str(data.get(f, "")).strip() for f in fields if f in data}
    return listing_update(product=product, **changes)


def producer_variant_update(*, product: Any, variant_id: int, price: str, quantity: str) -> Any:
    """Price and stock of one of the product's variants (catalogue services: stock never below
    what is reserved). Raises ServiceError."""
    from backend.catalogue.error_codes import CatalogueErrorCode
    from backend.catalogue.services import stock_set, variant_update
    from backend.core.errors import ServiceError

    variant = product.variants.filter(pk=variant_id).first()
    if variant is None:
        raise ServiceError.single(CatalogueErrorCode.INVALID, "No such variant.", "variant")
    try:
        amount = int(str(quantity).strip())
    except ValueError:
        raise ServiceError.single(
            CatalogueErrorCode.INVALID, "Stock must be a whole number.", "quantity"
        ) from None
    if str(price).strip() and Decimal(variant.price_amount) != _as_decimal(price):
        variant = variant_update(variant=variant, price_amount=str(price).strip())
    if amount != variant.quantity:
        variant = stock_set(variant=variant, quantity=amount)
    return variant


def _as_decimal(value: str) -> Decimal | None:
    from decimal import InvalidOperation

    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def producer_import_start(*, producer: Any, user: Any, upload: Any) -> Any:
    from backend.catalogue.bulk_import import import_job_create

    return import_job_create(producer=producer, user=user, file=upload, file_name=upload.name)


def producer_import_job(*, producer: Any, job_id: str) -> Any | None:
    from backend.catalogue.bulk_import import import_job_get

    job = import_job_get(job_id)
    if job is None or job.producer_id != producer.pk:
        return None
    return job


def producer_orders_and_sales(*, producer: Any) -> tuple[list[Any], list[Any]]:
    from backend.orders.models import ProducerOrderStatus
    from backend.producers import workspace

    parts = list(
        workspace.own_order_parts(producer_id=producer.pk, status=ProducerOrderStatus.UNFULFILLED)[
            :50
        ]
    )
    sales = workspace.sales_by_month(producer_id=producer.pk, months=12)
    return parts, sales


def producer_ship(*, producer: Any, user: Any, part_id: int, carrier: str, tracking: str) -> Any:
    """Ship the producer's own part of an order (workspace service). Raises ServiceError;
    another producer's part is not found."""
    from backend.orders.error_codes import OrderErrorCode
    from backend.producers import workspace
    from backend.producers.services import producer_order_ship

    part = workspace.own_order_parts(producer_id=producer.pk).filter(pk=part_id).first()
    if part is None:
        from backend.core.errors import ServiceError

        raise ServiceError.single(OrderErrorCode.NOT_FOUND, "No such order part.", "part")
    return producer_order_ship(
        producer_order=part, user=user, carrier=carrier, tracking_number=tracking
    )
