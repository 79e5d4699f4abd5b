"""Writes of the compliance domain: (re)computing the stored verdicts.

Other domains call `product_compliance_changed(product_ids=...)` after a product or a
producer document changes, and `rules_changed()` after a rule or market changes; both queue
the recomputation once the surrounding transaction commits. `verdicts_recompute` does the
work: the rule set is loaded ONCE, facts are read in chunks (two queries per chunk), every
market is evaluated with the pure evaluator and the verdicts are upserted in bulk."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.utils import timezone

from .evaluator import MarketVerdict, RuleSet, evaluate_all
from .facts import load_facts
from .models import ProductMarketVerdict
from .selectors import load_ruleset

CHUNK = 2000


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def verdicts_recompute(
    *,
    product_ids: Iterable[int] | None = None,
    ruleset: RuleSet | None = None,
    on: datetime.date | None = None,
    chunk_size: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recompute and store the verdicts of the given products (all products when None) for
    every active market. Idempotent; each chunk is written in its own transaction, so a
    failure loses nothing already written and a rerun completes the rest. Returns the number
    of products done."""
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
    write = _write_postgres if connection.vendor == "postgresql" else _write_generic
    for part in _chunks(ids, chunk_size):
        rows: list[tuple[int, int, MarketVerdict]] = []
        for facts in load_facts(part):
            assert facts.product_id is not None
            for v in evaluate_all(facts, ruleset):
                rows.append((facts.product_id, market_ids[v.market], v))
            done += 1
        with transaction.atomic():
            changed = write(rows, now)
            _reindex(changed)
        if progress:
            progress(done)
    return done


_COLUMNS = (
    "product_id, market_id, verdict, reasons, documents, country_verdicts, digest, computed_at"
)


def _reindex(product_ids: set[int]) -> None:
    """Search documents carry the markets a product may go to: refresh the changed ones."""
    if product_ids:
        from search.sync import schedule_products

        schedule_products(product_ids)


def _changed_rows(
    rows: list[tuple[int, int, MarketVerdict]],
) -> list[tuple[int, int, MarketVerdict]]:
    """The rows whose digest differs from the stored one (one small query per chunk)."""
    stored = {
        (product_id, market_id): digest
        for product_id, market_id, digest in ProductMarketVerdict.objects.filter(
            product_id__in={product_id for product_id, _, _ in rows}
        ).values_list("product_id", "market_id", "digest")
    }
    return [
        (product_id, market_id, v)
        for product_id, market_id, v in rows
        if stored.get((product_id, market_id)) != v.serialized[3]
    ]


def _write_postgres(rows: list[tuple[int, int, MarketVerdict]], now: datetime.datetime) -> set[int]:
    """Only the verdicts that changed are sent: COPY into a temporary table, then one
    INSERT ... ON CONFLICT DO UPDATE (about four times faster than a bulk INSERT with JSON
    columns). `computed_at` is therefore when the verdict last changed."""
    todo = _changed_rows(rows)
    if not todo:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS compliance_verdict_load ("
            "product_id bigint, market_id bigint, verdict varchar(24), reasons jsonb, "
            "documents jsonb, country_verdicts jsonb, digest varchar(32), computed_at timestamptz"
            ") ON COMMIT DROP"
        )
        raw = cursor.connection  # the psycopg connection
        with raw.cursor().copy(f"COPY compliance_verdict_load ({_COLUMNS}) FROM STDIN") as copy:
            for product_id, market_id, v in todo:
                reasons, documents, countries, digest = v.serialized
                copy.write_row(
                    (product_id, market_id, v.verdict, reasons, documents, countries, digest, now)
                )
        cursor.execute(
            f"INSERT INTO compliance_productmarketverdict AS v ({_COLUMNS}) "
            f"SELECT {_COLUMNS} FROM compliance_verdict_load "
            "ON CONFLICT (product_id, market_id) DO UPDATE SET verdict = EXCLUDED.verdict, "
            "reasons = EXCLUDED.reasons, documents = EXCLUDED.documents, "
            "country_verdicts = EXCLUDED.country_verdicts, digest = EXCLUDED.digest, "
            "computed_at = EXCLUDED.computed_at"
        )
        cursor.execute("TRUNCATE compliance_verdict_load")
    return {product_id for product_id, _, _ in todo}


def _write_generic(rows: list[tuple[int, int, MarketVerdict]], now: datetime.datetime) -> set[int]:
    todo = _changed_rows(rows)
    ProductMarketVerdict.objects.bulk_create(
        [
            ProductMarketVerdict(
                product_id=product_id,
                market_id=market_id,
                verdict=v.verdict,
                reasons=v.reasons,
                documents=v.documents,
                country_verdicts=v.country_verdicts,
                digest=v.serialized[3],
                computed_at=now,
            )
            for product_id, market_id, v in todo
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["product", "market"],
        update_fields=[
            "verdict",
            "reasons",
            "documents",
            "country_verdicts",
            "digest",
            "computed_at",
        ],
    )
    return {product_id for product_id, _, _ in todo}


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
