"""DataLoaders of the markets API (one set per request, via get_loader)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from backend.compliance.models import ProductMarketVerdict
from backend.graphql.core.dataloaders import DataLoader
from backend.markets.models import ExchangeRate
from backend.markets.money import Rate
from backend.markets.selectors import rate_for


class MarketVerdictsByProductLoader(DataLoader[int, list[ProductMarketVerdict]]):
    """Stored verdicts of many products in one query (with their market)."""

    context_key = "markets_verdicts_by_product"

    def batch_load(self, keys: Sequence[int]) -> list[list[ProductMarketVerdict]]:
        out: dict[int, list[ProductMarketVerdict]] = defaultdict(list)
        rows = (
            ProductMarketVerdict.objects.filter(product_id__in=list(keys))
            .select_related("market")
            .order_by("market__sort_order", "market__code")
        )
        for v in rows:
            out[v.product_id].append(v)
        return [out.get(k, []) for k in keys]


class ExchangeRateByCurrencyLoader(DataLoader[str, Rate | None]):
    """The rate in force today for each currency, in one query for every market of a page."""

    context_key = "markets_rate_by_currency"

    def batch_load(self, keys: Sequence[str]) -> list[Rate | None]:
        from django.utils import timezone

        today = timezone.localdate()
        newest: dict[str, ExchangeRate] = {}
        for row in ExchangeRate.objects.filter(currency__in=list(keys)).order_by("valid_from"):
            if row.valid_from <= today or row.currency not in newest:
                newest[row.currency] = row
        out: list[Rate | None] = []
        for key in keys:
            if key == "VND":
                out.append(rate_for("VND"))
                continue
            found = newest.get(key)
            out.append(
                Rate(key, found.vnd_per_unit, found.valid_from, found.source, found.is_estimate)
                if found
                else None
            )
        return out
