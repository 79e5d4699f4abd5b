"""The embedded search backend: folded text in `search.ProductSearchDocument` rows.

Works on SQLite and PostgreSQL alike. A query word matches a whole folded word (" cha " in
" cha ca ", as Elasticsearch matches tokens: "tra" (tea) does not find "trang"); a word
missing from the vocabulary (`search.SearchTerm`) is replaced by the vocabulary words most
similar to it by trigrams (typo tolerance). Suggestions match word starts (as-you-type).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from backend.catalogue.models import Product

from ..models import ProductSearchDocument, SearchTerm
from ..text import (
    edit_distance,
    fast_fold,
    highlight,
    max_edits,
    query_tokens,
    similarity,
    suggestion_name,
)
from .base import (
    MAX_OFFSET,
    PRICE_RANGE_BY_KEY,
    PRICE_RANGES,
    Facet,
    FacetField,
    SearchBackend,
    SearchHit,
    SearchQuery,
    SearchResult,
    SortField,
    Suggestion,
    SuggestionKind,
)
from .facets import resolve_facets

# A misspelt word expands to at most this many known words within its edit allowance
# (Elasticsearch's fuzzy query allows 50); trigram similarity only preselects candidates.
MAX_EXPANSIONS = 20
MIN_SIMILARITY = 0.15
MAX_CANDIDATES = 300
_ROW_FIELDS = [
    "name_text",
    "body_text",
    "category_code",
    "group_code",
    "stars",
    "potential_five_star",
    "certificate_valid_from",
    "certificate_valid_until",
    "province_code",
    "craft_village_slug",
    "producer_id",
    "producer_kind",
    "price_min",
    "price_max",
    "in_stock",
    "created_at",
    "markets",
    "suggest_text",
    "indexed_at",
]


def _padded(*parts: str | None) -> str:
    return f" {fast_fold(' '.join(p for p in parts if p))} "


@functools.lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    return fast_fold(text)


def _padded_repeated(*parts: str | None) -> str:
    """Like `_padded` for names repeated across products (categories, places, producers)."""
    return " " + " ".join(f for f in (_fold_cached(p) for p in parts if p) if f) + " "


def document_row(doc: dict[str, Any]) -> ProductSearchDocument:
    return ProductSearchDocument(
        product_id=doc["id"],
        name_text=_padded(doc["name_vi"], doc["name_en"]),
        body_text=_padded(doc["description_vi"], doc["description_en"])
        + _padded_repeated(
            doc["category_name_vi"],
            doc["category_name_en"],
            doc["group_name_vi"],
            doc["group_name_en"],
            doc["province_name"],
            doc["province_name_en"],
            " ".join(doc["former_province_names"]),
            doc["commune_name"],
            doc["craft_village_name"],
            doc["craft_village_craft"],
            doc["producer_name"],
        ).lstrip(),
        category_code=doc["category_code"],
        group_code=doc["group_code"],
        stars=doc["stars"],
        potential_five_star=doc["potential_five_star"],
        certificate_valid_from=doc["certificate_valid_from"],
        certificate_valid_until=doc["certificate_valid_until"],
        province_code=doc["province_code"],
        craft_village_slug=doc["craft_village_slug"],
        producer_id=doc["producer_id"],
        producer_kind=doc["producer_kind"],
        price_min=doc["price_min"],
        price_max=doc["price_max"],
        in_stock=doc["in_stock"],
        created_at=doc["created_at"],
        markets=f" {' '.join(doc['markets'])} " if doc["markets"] else "",
        suggest_text=f"{_padded(doc['name_vi'])}|{_padded(doc['name_en'])}",
    )


def certificate_in_force(day: datetime.date) -> Q:
    return Q(
        stars__isnull=False,
        certificate_valid_from__lte=day,
        certificate_valid_until__gte=day,
    )


class DatabaseBackend(SearchBackend):
    name = "database"

    def __init__(self) -> None:
        # Words this instance has written already (a full reindex sees the same ones often).
        self._known_terms: set[str] = set()

    # --- indexing -----------------------------------------------------------------------
    @transaction.atomic
    def index_documents(self, documents: Sequence[dict]) -> None:
        if not documents:
            return
        rows = [document_row(d) for d in documents]
        ProductSearchDocument.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["product"],
            update_fields=_ROW_FIELDS,
            batch_size=500,
        )
        words: set[str] = set()
        for row in rows:
            # Numbers (sizes, years) get no typo tolerance: they stay out of the vocabulary.
            words.update(
                w
                for w in (row.name_text + row.body_text).split()
                if len(w) <= 64 and not w.isdigit()
            )
        words -= self._known_terms
        self._known_terms |= words
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=w, length=len(w)) for w in sorted(words)],
            ignore_conflicts=True,
            batch_size=1000,
        )

    def delete_products(self, ids: Iterable[int]) -> None:
        ProductSearchDocument.objects.filter(product_id__in=list(ids)).delete()

    def reindex(self, *, progress: bool = False, batch_size: int = 500) -> int:
        from ..documents import count_public_products, iter_document_batches
        from ..progress import progress_bar

        total = 0
        # One transaction: readers keep seeing the old rows until it commits (search never
        # goes down), and writing into an emptied table is a plain insert, not an update.
        with (
            transaction.atomic(),
            progress_bar(count_public_products(), "database", enabled=progress) as advance,
        ):
            ProductSearchDocument.objects.all().delete()
            SearchTerm.objects.all().delete()  # the vocabulary is rebuilt exactly
            self._known_terms = set()
            for batch in iter_document_batches(batch_size):
                self.index_documents(batch)
                total += len(batch)
                advance(len(batch))
        return total

    # --- query building -----------------------------------------------------------------
    def expand_tokens(self, tokens: list[str]) -> list[list[str]]:
        """For each query word, the word itself when it is a known word (or too short for
        typos), else the known words most similar to it (typo tolerance)."""
        expanded: list[list[str]] = []
        for token in tokens:
            edits = max_edits(token)
            if edits == 0 or SearchTerm.objects.filter(term=token).exists():
                expanded.append([token])
                continue
            if _has_pg_trgm():
                candidates = self._similar_terms_pg(token, edits)
            else:
                band = SearchTerm.objects.filter(
                    length__gte=len(token) - edits, length__lte=len(token) + edits
                ).values_list("term", flat=True)
                scored = sorted(
                    ((similarity(token, c), c) for c in band.iterator(chunk_size=5000)),
                    reverse=True,
                )
                candidates = [c for sim, c in scored[:MAX_CANDIDATES] if sim >= MIN_SIMILARITY]
            close = sorted(
                (distance, -similarity(token, c), c)
                for c in candidates
                if (distance := edit_distance(token, c, edits)) <= edits
            )
            expanded.append([c for _, _, c in close[:MAX_EXPANSIONS]] or [token])
        return expanded

    @staticmethod
    def _similar_terms_pg(token: str, edits: int) -> list[str]:
        """Candidates by pg_trgm's similarity, served by the trigram index on the vocabulary."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
                [str(MIN_SIMILARITY)],
            )
            cursor.execute(
                "SELECT term FROM search_searchterm "
                "WHERE term %% %s AND length BETWEEN %s AND %s "
                "ORDER BY similarity(term, %s) DESC, term LIMIT %s",
                [token, len(token) - edits, len(token) + edits, token, MAX_CANDIDATES],
            )
            return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def _text_filter(alternatives: list[list[str]]) -> Q:
        q = Q()
        for alts in alternatives:
            any_alt = Q()
            for alt in alts:
                any_alt |= Q(name_text__contains=f" {alt} ") | Q(body_text__contains=f" {alt} ")
            q &= any_alt
        return q

    @staticmethod
    def _filters(query: SearchQuery) -> dict[FacetField | str, Q]:
        """One Q per filter, keyed by the facet it narrows (so that facet can leave it out)."""
        f = query.filters
        day = query.on_day()
        in_force = certificate_in_force(day)
        qs: dict[FacetField | str, Q] = {}
        if f.categories:
            qs[FacetField.CATEGORY] = Q(group_code__in=f.category_groups) | Q(
                category_code__in=f.category_sets
            )
        if f.stars:
            qs[FacetField.STARS] = in_force & Q(stars__in=f.stars)
        if f.potential_five_star is not None:
            pot = in_force & Q(potential_five_star=True)
            qs["potential"] = pot if f.potential_five_star else ~pot
        if f.certificate_valid is not None:
            qs["valid"] = in_force if f.certificate_valid else ~in_force
        if f.provinces:
            qs[FacetField.PROVINCE] = Q(province_code__in=f.provinces)
        if f.craft_villages:
            qs[FacetField.CRAFT_VILLAGE] = Q(craft_village_slug__in=f.craft_villages)
        if f.producer_kinds:
            qs[FacetField.PRODUCER_KIND] = Q(producer_kind__in=f.producer_kinds)
        if f.producer_ids:
            qs["producer"] = Q(producer_id__in=f.producer_ids)
        if f.markets:
            market_q = Q()
            for m in f.markets:
                market_q |= Q(markets__contains=f" {m} ")
            qs[FacetField.MARKET] = market_q
        if f.price_ranges:
            price_q = Q(pk__isnull=True)  # matches nothing, and compiles inside GROUPING SETS
            for key in f.price_ranges:
                r = PRICE_RANGE_BY_KEY.get(key)
                if r is not None:
                    price_q |= _price_range_q(r.low, r.high)
            qs[FacetField.PRICE_RANGE] = price_q
        if f.price_gte is not None:
            qs["price_gte"] = Q(price_max__gte=f.price_gte)
        if f.price_lte is not None:
            qs["price_lte"] = Q(price_min__lte=f.price_lte)
        if f.in_stock is not None:
            qs["in_stock"] = Q(in_stock=f.in_stock)
        if f.product_ids is not None:
            qs["ids"] = Q(product_id__in=f.product_ids)
        return qs

    # --- search -------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        tokens = query_tokens(query.text)
        alternatives = self.expand_tokens(tokens) if tokens else []
        base = ProductSearchDocument.objects.all()
        if alternatives:
            base = base.filter(self._text_filter(alternatives))
        filters = self._filters(query)
        matching = base
        for q in filters.values():
            matching = matching.filter(q)

        total = matching.count()
        offset = max(0, min(query.offset, MAX_OFFSET))
        limit = max(0, min(query.limit, MAX_OFFSET - offset))
        ordered = self._order(matching, query, alternatives)
        rows = list(ordered.values_list("product_id", "score")[offset : offset + limit])
        hits = [SearchHit(product_id=pid, score=float(score)) for pid, score in rows]
        if query.with_highlights and alternatives and hits:
            self._highlight(hits, alternatives, query.language)
        facets: list[Facet] = []
        if query.with_facets:
            facets = resolve_facets(self._facets(base, filters, query), query)
        return SearchResult(hits=hits, total=total, facets=facets, backend=self.name)

    @staticmethod
    def _order(qs: QuerySet, query: SearchQuery, alternatives: list[list[str]]) -> QuerySet:
        day = query.on_day()
        score: Any = Value(0, output_field=IntegerField())
        for alts in alternatives:
            in_name = Q()
            for alt in alts:
                in_name |= Q(name_text__contains=f" {alt} ")
            score = score + Case(
                When(in_name, then=Value(3)), default=Value(1), output_field=IntegerField()
            )
        if len(alternatives) > 1 and all(len(a) == 1 for a in alternatives):
            phrase = " ".join(a[0] for a in alternatives)
            score = score + Case(
                When(name_text__contains=f" {phrase} ", then=Value(5)),
                default=Value(0),
                output_field=IntegerField(),
            )
        qs = qs.annotate(
            score=score,
            effective_stars=Case(
                When(certificate_in_force(day), then=F("stars")),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        order: list[Any]
        if query.sort == SortField.PRICE_ASC:
            order = [F("price_min").asc(nulls_last=True), "product_id"]
        elif query.sort == SortField.PRICE_DESC:
            order = [F("price_min").desc(nulls_last=True), "product_id"]
        elif query.sort == SortField.STARS:
            order = ["-effective_stars", "-potential_five_star", "-score", "product_id"]
        elif query.sort == SortField.NEWEST:
            order = ["-created_at", "-product_id"]
        else:
            order = ["-score", "-effective_stars", "-created_at", "product_id"]
        return qs.order_by(*order)

    def _highlight(self, hits: list[SearchHit], alternatives: list[list[str]], lang: str) -> None:
        texts: dict[int, dict[str, Any]] = {
            p["pk"]: dict(p)
            for p in Product.objects.filter(pk__in=[h.product_id for h in hits]).values(
                "pk", "name_vi", "name_en", "description_vi", "description_en"
            )
        }
        order = (
            ["name_en", "name_vi", "description_en", "description_vi"]
            if lang == "en"
            else ["name_vi", "name_en", "description_vi", "description_en"]
        )
        for hit in hits:
            row = texts.get(hit.product_id)
            if not row:
                continue
            for field_name in order:
                snippet = highlight(row[field_name], alternatives)
                if snippet:
                    hit.highlight = snippet
                    break

    def _facets(
        self, base: QuerySet, filters: dict[FacetField | str, Q], query: SearchQuery
    ) -> dict[FacetField, dict[str, int]]:
        """Counts per facet, each ignoring the facet's own filter (disjunctive). On
        PostgreSQL the facets without a filter of their own share one GROUPING SETS scan."""
        day = query.on_day()
        columns = {
            "f_stars": Case(
                When(certificate_in_force(day), then=F("stars")),
                default=None,
                output_field=IntegerField(),
            ),
            "f_price": Case(
                *[
                    When(_price_range_q(r.low, r.high), then=Value(i))
                    for i, r in enumerate(PRICE_RANGES)
                ],
                default=None,
                output_field=IntegerField(),
            ),
        }
        specs = [
            (FacetField.CATEGORY_GROUP, FacetField.CATEGORY, "group_code"),
            (FacetField.CATEGORY, FacetField.CATEGORY, "category_code"),
            (FacetField.STARS, FacetField.STARS, "f_stars"),
            (FacetField.PROVINCE, FacetField.PROVINCE, "province_code"),
            (FacetField.CRAFT_VILLAGE, FacetField.CRAFT_VILLAGE, "craft_village_slug"),
            (FacetField.PRODUCER_KIND, FacetField.PRODUCER_KIND, "producer_kind"),
            (FacetField.MARKET, FacetField.MARKET, "markets"),
            (FacetField.PRICE_RANGE, FacetField.PRICE_RANGE, "f_price"),
        ]

        def narrowed(own: FacetField | None) -> QuerySet:
            qs = base
            for key, q in filters.items():
                if key != own:
                    qs = qs.filter(q)
            return qs.annotate(**columns)

        raw: dict[FacetField, dict[Any, int]] = {}
        shared = [spec for spec in specs if spec[1] not in filters]
        if connection.vendor == "postgresql" and len(shared) > 1:
            raw.update(_grouping_sets(narrowed(None), [(f, c) for f, _, c in shared]))
            todo = [spec for spec in specs if spec[1] in filters]
        else:
            todo = specs
        for facet, own, column in todo:
            rows = narrowed(own).values(column).annotate(n=Count("pk")).order_by()
            raw[facet] = {r[column]: r["n"] for r in rows}

        result: dict[FacetField, dict[str, int]] = {}
        for facet, values in raw.items():
            clean = {v: n for v, n in values.items() if v not in ("", None)}
            if facet == FacetField.MARKET:
                markets: dict[str, int] = {}
                for value, n in clean.items():
                    for code in str(value).split():
                        markets[code] = markets.get(code, 0) + n
                result[facet] = markets
            elif facet == FacetField.PRICE_RANGE:
                result[facet] = {r.key: clean.get(i, 0) for i, r in enumerate(PRICE_RANGES)}
            else:
                result[facet] = {str(v): n for v, n in clean.items()}
        return result

    # --- suggestions --------------------------------------------------------------------
    def suggest_products(self, text: str, limit: int, language: str) -> list[Suggestion]:
        prefix = " ".join(query_tokens(text))
        if not prefix:
            return []
        rows = (
            ProductSearchDocument.objects.filter(suggest_text__contains=f" {prefix}")
            .annotate(name_len=Length("product__name_vi"))
            .order_by("name_len", "product_id")
            .values_list("product_id", "product__name_vi", "product__name_en")[:limit]
        )
        return [
            Suggestion(
                kind=SuggestionKind.PRODUCT,
                text=suggestion_name(prefix, name_vi, name_en, language),
                value=str(pid),
            )
            for pid, name_vi, name_en in rows
        ]


def _grouping_sets(
    qs: QuerySet, facets: list[tuple[FacetField, str]]
) -> dict[FacetField, dict[Any, int]]:
    """Counts of several columns of `qs` in one scan (PostgreSQL GROUPING SETS)."""
    names = [column for _, column in facets]
    inner, params = qs.values(*names).query.sql_with_params()
    quoted = [connection.ops.quote_name(n) for n in names]
    sql = (
        f"SELECT {', '.join(quoted)}, GROUPING({', '.join(quoted)}), COUNT(*) "
        f"FROM ({inner}) AS m GROUP BY GROUPING SETS ({', '.join(f'({q})' for q in quoted)})"
    )
    full = (1 << len(names)) - 1
    out: dict[FacetField, dict[Any, int]] = {facet: {} for facet, _ in facets}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            *values, grouping, n = row
            for i, (facet, _) in enumerate(facets):
                if grouping == full - (1 << (len(names) - 1 - i)):
                    out[facet][values[i]] = n
    return out


def _has_pg_trgm() -> bool:
    """Whether pg_trgm is enabled in this database (checked once per connection)."""
    if connection.vendor != "postgresql":
        return False
    cached = getattr(connection, "_search_pg_trgm", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            cached = cursor.fetchone() is not None
        connection._search_pg_trgm = cached  # type: ignore[attr-defined]
    return bool(cached)


def _price_range_q(low: Decimal | None, high: Decimal | None) -> Q:
    q = Q(price_min__isnull=False)
    if low is not None:
        q &= Q(price_min__gte=low)
    if high is not None:
        q &= Q(price_min__lt=high)
    return q
