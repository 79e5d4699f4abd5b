"""The export partner portal's doorway into the markets and compliance domains."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from backend.core.errors import ServiceError

VERDICTS = ("ELIGIBLE", "ELIGIBLE_WITH_DOCUMENTS", "BLOCKED")
PAGE_SIZE = 50


def is_partner(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_export_partner or user.is_staff))


def markets() -> list[Any]:
    from backend.markets import selectors as market_selectors

    return [m for m in market_selectors.active_markets() if not m.is_domestic]


@dataclass
class PartnerRow:
    product: Any
    verdict: str
    price_min: Any
    price_max: Any


@dataclass
class PartnerPage:
    market: Any
    currency: str
    verdicts: list[str]
    rows: list[PartnerRow]
    total: int
    page: int
    pages: int


def catalogue(*, market_code: str, verdicts: list[str], page: int) -> PartnerPage:
    """Public products of a market's verdicts (the same query as the market's export feed),
    with their verdict and prices in the market's currency. Raises ServiceError."""
    from backend.compliance.models import ProductMarketVerdict
    from backend.markets import selectors as market_selectors
    from backend.markets.feeds import feed_products

    market = market_selectors.market_by_code(market_code)
    chosen = [v for v in verdicts if v in VERDICTS] or ["ELIGIBLE", "ELIGIBLE_WITH_DOCUMENTS"]
    currency = market.currency
    rate = market_selectors.rate_for(currency)
    products: QuerySet[Any] = feed_products(market, chosen).prefetch_related("variants")
    total = products.count()
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 1), pages)
    chunk = list(products[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    verdict_of = dict(
        ProductMarketVerdict.objects.filter(
            market=market, product_id__in=[p.pk for p in chunk]
        ).values_list("product_id", "verdict")
    )
    rows = [
        PartnerRow(
            product=p,
            verdict=verdict_of.get(p.pk, ""),
            price_min=rate.from_vnd(p.price_min).amount if p.price_min is not None else None,
            price_max=rate.from_vnd(p.price_max).amount if p.price_max is not None else None,
        )
        for p in chunk
    ]
    return PartnerPage(
        market=market,
        currency=currency,
        verdicts=chosen,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
    )


@dataclass
class ComplianceDetail:
    product: Any
    market: Any
    verdict: str
    reasons: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    country_verdicts: dict[str, str]


def compliance_detail(*, product_pk: int, market_code: str) -> ComplianceDetail | None:
    from django.utils import timezone

    from backend.catalogue.selectors import public_products
    from backend.compliance import explain
    from backend.compliance import selectors as compliance_selectors
    from backend.markets import selectors as market_selectors

    try:
        market = market_selectors.market_by_code(market_code)
    except ServiceError:
        return None
    product = public_products().filter(pk=product_pk).select_related("producer").first()
    if product is None:
        return None
    row = compliance_selectors.verdict_for(product.pk, market.code)
    if row is None:
        return ComplianceDetail(product, market, "", [], [], {})
    catalog = explain.load_catalog()
    return ComplianceDetail(
        product=product,
        market=market,
        verdict=row.verdict,
        reasons=explain.explain_reasons(row.reasons, catalog),
        documents=explain.explain_documents(row.documents, catalog, timezone.localdate()),
        country_verdicts=dict(row.country_verdicts or {}),
    )


def request_feed(*, user: Any, market_code: str, format: str, verdicts: list[str]) -> Any:
    from backend.markets.services import export_feed_request

    return export_feed_request(
        user=user, market_code=market_code, format=format, verdicts=verdicts or None
    )


@dataclass
class FeedView:
    feed: Any
    token: str | None


def feeds_of(user: Any) -> list[FeedView]:
    from backend.markets.feeds import download_token
    from backend.markets.models import ExportFeed, FeedStatus

    feeds = ExportFeed.objects.filter(requested_by=user).select_related("market")[:20]
    return [
        FeedView(feed=f, token=download_token(f) if f.status == FeedStatus.DONE else None)
        for f in feeds
    ]


def download(request: Any, token: str) -> Any:
    """The markets domain's download, for a feed this partner asked for."""
    from django.http import Http404

    from backend.markets.feeds import feed_uuid_from_token
    from backend.markets.models import ExportFeed
    from backend.markets.views import export_feed_download

    feed_uuid = feed_uuid_from_token(token)
    if feed_uuid is None:
        raise Http404("No such feed, or the link expired.")
    owned = ExportFeed.objects.filter(uuid=feed_uuid)
    if not request.user.is_staff:
        owned = owned.filter(requested_by=request.user)
    if not owned.exists():
        raise Http404("No such feed")
    return export_feed_download(request, token)
