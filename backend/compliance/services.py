"""Writes of the compliance domain: (re)computing the stored verdicts.

Other domains call `product_compliance_changed(product_ids=...)` after a product or a
producer document changes, and `rules_changed()` after a rule or market changes; both queue
the recomputation once the surrounding transaction commits. `verdicts_recompute` does the
work: the rule set is loaded ONCE, facts are read in chunks (two queries per chunk), every
market is evaluated with the pure evaluator and the verdicts are upserted in bulk."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from .evaluator import RuleSet, evaluate_all
from .facts import load_facts
from .models import ProductMarketVerdict
from .selectors import load_ruleset

CHUNK = 2000


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


@transaction.atomic
def verdicts_recompute(
    *,
    product_ids: Iterable[int] | None = None,
    ruleset: RuleSet | None = None,
    on: datetime.date | None = None,
    chunk_size: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recompute and store the verdicts of the given products (all products when None) for
    every active market. Idempotent. Returns the number of products done."""
    from backend.catalogue.models import Product
    from backend.markets.models import Market

    ruleset = ruleset or load_ruleset(on)
    market_ids = dict(Market.objects.filter(code__in=ruleset.markets).values_list("code", "id"))
    if product_ids is None:
        ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(product_ids))
    now = timezone.now()
    done = 0
    for part in _chunks(ids, chunk_size):
        rows = []
        for facts in load_facts(part):
            assert facts.product_id is not None
            for v in evaluate_all(facts, ruleset):
                rows.append(
                    ProductMarketVerdict(
                        product_id=facts.product_id,
                        market_id=market_ids[v.market],
                        verdict=v.verdict,
                        reasons=v.reasons,
                        documents=v.documents,
                        country_verdicts=v.country_verdicts,
                        computed_at=now,
                    )
                )
            done += 1
        ProductMarketVerdict.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["product", "market"],
            update_fields=["verdict", "reasons", "documents", "country_verdicts", "computed_at"],
        )
        if progress:
            progress(done)
    return done


def product_compliance_changed(*, product_ids: Iterable[int]) -> None:
    """Queue the recomputation of these products' verdicts after the transaction commits.
    Call it when a product's facts, its set, or its producer's documents change."""
    ids = sorted({int(i) for i in product_ids})
    if not ids:
        return
    from .tasks import recompute_verdicts

    transaction.on_commit(lambda: recompute_verdicts.delay(product_ids=ids))


def producer_documents_changed(*, producer_id: int) -> None:
    """A producer's document was added, changed or removed: recompute its products."""
    from backend.catalogue.models import Product

    product_compliance_changed(
        product_ids=Product.objects.filter(producer_id=producer_id).values_list("pk", flat=True)
    )


def rules_changed() -> None:
    """A rule, a document type or a market changed: recompute every product."""
    from .tasks import recompute_verdicts

    transaction.on_commit(lambda: recompute_verdicts.delay(product_ids=None))
