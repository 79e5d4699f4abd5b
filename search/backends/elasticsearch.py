"""The Elasticsearch backend (production). Mappings and queries with `elasticsearch.dsl`.

Searches go to the alias `<prefix>_products`; a full reindex builds a new index
`<prefix>_products_<timestamp>` and swaps the alias in one atomic `update_aliases` call.
Every request carries a short timeout and no retries: when the cluster is down or slow the
caller gets `SearchUnavailable` at once (the selectors turn it into SEARCH_UNAVAILABLE or
the database fallback).
"""

from __future__ import annotations

import datetime
import functools
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, helpers
from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    Integer,
    Keyword,
    Long,
    Mapping,
    Q,
    Search,
    Text,
    analyzer,
)
from elasticsearch.dsl.query import Query

from ..text import clean_query, highlight, query_tokens, suggestion_name
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
    SearchUnavailable,
    SortField,
    Suggestion,
    SuggestionKind,
)
from .facets import resolve_facets

# Vietnamese folding at index and query time: lower case, diacritics off, đ -> d.
vi_fold = analyzer("vi_fold", tokenizer="standard", filter=["lowercase", "asciifolding"])

TEXT_FIELDS = {
    "name_vi": 3,
    "name_en": 3,
    "description_vi": 1,
    "description_en": 1,
    "category_name_vi": 2,
    "category_name_en": 2,
    "group_name_vi": 1,
    "group_name_en": 1,
    "province_name": 2,
    "province_name_en": 1,
    "former_province_names": 2,
    "commune_name": 1,
    "craft_village_name": 2,
    "craft_village_craft": 1,
    "producer_name": 1,
}
# Bulk requests in flight during a full reindex.
BULK_THREADS = 2
# Short Vietnamese syllables are words of their own: no typo allowance below 4 letters.
FUZZINESS = "AUTO:4,7"
HIGHLIGHT_FIELDS = ["name_vi", "name_en", "description_vi", "description_en"]


def product_mapping() -> Mapping:
    m = Mapping()
    m.field("id", Long())
    for name in TEXT_FIELDS:
        m.field(name, Text(analyzer=vi_fold))
    for name in (
        "category_code",
        "group_code",
        "province_code",
        "craft_village_slug",
        "producer_kind",
        "markets",
    ):
        m.field(name, Keyword())
    m.field("stars", Integer())
    m.field("potential_five_star", Boolean())
    m.field("certificate_valid_from", Date())
    m.field("certificate_valid_until", Date())
    m.field("producer_id", Long())
    m.field("price_min", Long())
    m.field("price_max", Long())
    m.field("in_stock", Boolean())
    m.field("created_at", Date())
    m.field("suggest", Completion(analyzer=vi_fold, search_analyzer=vi_fold))
    return m


def index_body() -> dict[str, Any]:
    mapping = product_mapping().to_dict()
    return {
        "settings": {
            "number_of_shards": 1,
            "analysis": {"analyzer": {"vi_fold": vi_fold.get_definition()}},
        },
        "mappings": mapping,
    }


@functools.cache
def _client(url: str, timeout: float) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)


def _unavailable(exc: Exception) -> SearchUnavailable:
    return SearchUnavailable(f"Elasticsearch: {type(exc).__name__}: {str(exc)[:200]}")


def in_force(day: datetime.date) -> Query:
    return Q(
        "bool",
        filter=[
            Q("exists", field="stars"),
            Q("range", certificate_valid_from={"lte": day.isoformat()}),
            Q("range", certificate_valid_until={"gte": day.isoformat()}),
        ],
    )


def _price_range(low: Any, high: Any) -> Query:
    bounds: dict[str, int] = {}
    if low is not None:
        bounds["gte"] = int(low)
    if high is not None:
        bounds["lt"] = int(high)
    return Q("range", price_min=bounds) if bounds else Q("exists", field="price_min")


def _sort_spec(field: str, order: str) -> Any:
    return {field: {"order": order, "missing": "_last"}}


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, url: str, prefix: str = "ocop", timeout: float = 2.0):
        self.url = url
        self.alias = f"{prefix}_products"
        self.timeout = timeout
        self.es = _client(url, timeout)

    @classmethod
    def from_settings(cls) -> ElasticsearchBackend:
        return cls(
            settings.ELASTICSEARCH_URL,
            settings.ELASTICSEARCH_INDEX_PREFIX,
            settings.ELASTICSEARCH_TIMEOUT,
        )

    def _call(self, fn, *args: Any, **kwargs: Any) -> Any:  # type: ignore[no-untyped-def]
        try:
            return fn(*args, **kwargs)
        except (TransportConnectionError, TransportError) as exc:
            raise _unavailable(exc) from exc
        except ApiError as exc:
            if exc.meta.status == 404 or exc.meta.status >= 500:
                raise _unavailable(exc) from exc
            raise

    # --- indexes and aliases ------------------------------------------------------------
    def new_index_name(self) -> str:
        return f"{self.alias}_{datetime.datetime.now(datetime.UTC):%Y%m%d%H%M%S%f}"

    def create_index(self, name: str) -> None:
        self._call(self.es.indices.create, index=name, **index_body())

    def alias_targets(self) -> list[str]:
        found = self._call(self.es.options(ignore_status=404).indices.get_alias, name=self.alias)
        return [] if "error" in found or found.get("status") == 404 else list(found.keys())

    def ensure_index(self) -> None:
        if not self.alias_targets():
            name = self.new_index_name()
            self.create_index(name)
            self._call(
                self.es.indices.update_aliases,
                actions=[{"add": {"index": name, "alias": self.alias}}],
            )

    def swap_alias(self, new_index: str) -> list[str]:
        """Point the alias at `new_index` in one atomic call; returns the old indexes."""
        old = self.alias_targets()
        actions: list[dict[str, Any]] = [{"remove": {"index": i, "alias": self.alias}} for i in old]
        actions.append({"add": {"index": new_index, "alias": self.alias}})
        self._call(self.es.indices.update_aliases, actions=actions)
        return old

    # --- indexing -----------------------------------------------------------------------
    def _actions(self, index: str, documents: Iterable[dict]) -> Iterator[dict]:
        for doc in documents:
            yield {"_index": index, "_id": doc["id"], "_source": doc}

    def index_documents(self, documents: Sequence[dict]) -> None:
        if not documents:
            return
        self.ensure_index()
        self._call(
            helpers.bulk,
            self.es,
            self._actions(self.alias, documents),
            refresh="wait_for",
            request_timeout=max(self.timeout, 30),
        )

    def delete_products(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if not ids or not self.alias_targets():
            return
        self._call(
            helpers.bulk,
            self.es,
            ({"_op_type": "delete", "_index": self.alias, "_id": i} for i in ids),
            raise_on_error=False,
            refresh="wait_for",
        )

    def bulk_load(self, index: str, documents: Iterable[dict], chunk_size: int = 500) -> int:
        done = 0
        for ok, _info in helpers.streaming_bulk(
            self.es.options(request_timeout=120),
            self._actions(index, documents),
            chunk_size=chunk_size,
            raise_on_error=True,
        ):
            done += ok
        return done

    def reindex(self, *, progress: bool = False, batch_size: int = 500) -> int:
        from ..documents import count_public_products, iter_document_batches
        from ..progress import progress_bar

        index = self.new_index_name()
        self.create_index(index)
        self._call(self.es.indices.put_settings, index=index, settings={"refresh_interval": "-1"})
        total = 0
        try:
            with (
                progress_bar(count_public_products(), "elasticsearch", enabled=progress) as adv,
                ThreadPoolExecutor(max_workers=BULK_THREADS) as pool,
            ):
                # Documents are read and built here (the database stays on this thread) while
                # up to BULK_THREADS bulk requests are in flight on the pool.
                pending: deque[tuple[Future[int], int]] = deque()
                for batch in iter_document_batches(batch_size):
                    pending.append(
                        (pool.submit(self.bulk_load, index, batch, batch_size), len(batch))
                    )
                    while len(pending) > BULK_THREADS:
                        future, n = pending.popleft()
                        total += self._call(future.result)
                        adv(n)
                while pending:
                    future, n = pending.popleft()
                    total += self._call(future.result)
                    adv(n)
            self._call(
                self.es.indices.put_settings, index=index, settings={"refresh_interval": "1s"}
            )
            self._call(self.es.indices.refresh, index=index)
        except Exception:
            self.es.options(ignore_status=404).indices.delete(index=index)
            raise
        old = self.swap_alias(index)
        for name in old:
            self.es.options(ignore_status=404).indices.delete(index=name)
        return total

    # --- search -------------------------------------------------------------------------
    def _text_query(self, tokens: list[str], text: str) -> Query:
        fields = [f"{f}^{w}" for f, w in TEXT_FIELDS.items()]
        # Every word must match some field, exactly or within AUTO fuzziness.
        must = [
            Q("multi_match", query=t, fields=fields, fuzziness=FUZZINESS, prefix_length=1)
            for t in tokens
        ]
        should = [
            Q("multi_match", query=" ".join(tokens), fields=fields, operator="and", boost=2),
            Q("match_phrase", name_vi={"query": text, "boost": 5}),
            Q("match_phrase", name_en={"query": text, "boost": 5}),
        ]
        return Q("bool", must=must, should=should)

    def _filters(self, query: SearchQuery) -> dict[FacetField | str, Query]:
        f = query.filters
        force = in_force(query.on_day())
        out: dict[FacetField | str, Query] = {}
        if f.categories:
            out[FacetField.CATEGORY] = Q(
                "bool",
                should=[
                    Q("terms", group_code=f.category_groups),
                    Q("terms", category_code=f.category_sets),
                ],
                minimum_should_match=1,
            )
        if f.stars:
            out[FacetField.STARS] = force & Q("terms", stars=f.stars)
        if f.potential_five_star is not None:
            pot = force & Q("term", potential_five_star=True)
            out["potential"] = pot if f.potential_five_star else ~pot
        if f.certificate_valid is not None:
            out["valid"] = force if f.certificate_valid else ~force
        if f.provinces:
            out[FacetField.PROVINCE] = Q("terms", province_code=f.provinces)
        if f.craft_villages:
            out[FacetField.CRAFT_VILLAGE] = Q("terms", craft_village_slug=f.craft_villages)
        if f.producer_kinds:
            out[FacetField.PRODUCER_KIND] = Q("terms", producer_kind=f.producer_kinds)
        if f.producer_ids:
            out["producer"] = Q("terms", producer_id=f.producer_ids)
        if f.markets:
            out[FacetField.MARKET] = Q("terms", markets=f.markets)
        if f.price_ranges:
            ranges = [PRICE_RANGE_BY_KEY[k] for k in f.price_ranges if k in PRICE_RANGE_BY_KEY]
            out[FacetField.PRICE_RANGE] = Q(
                "bool",
                should=[_price_range(r.low, r.high) for r in ranges] or [Q("terms", id=[])],
                minimum_should_match=1,
            )
        if f.price_gte is not None:
            out["price_gte"] = Q("range", price_max={"gte": int(f.price_gte)})
        if f.price_lte is not None:
            out["price_lte"] = Q("range", price_min={"lte": int(f.price_lte)})
        if f.in_stock is not None:
            out["in_stock"] = Q("term", in_stock=f.in_stock)
        if f.product_ids is not None:
            out["ids"] = Q("terms", id=f.product_ids)
        return out

    def _stars_score(self, inner: Query, day: datetime.date, keep_score: bool) -> Query:
        force = in_force(day)
        functions = [
            {"filter": (force & Q("term", stars=s)).to_dict(), "weight": s * 10} for s in (5, 4, 3)
        ]
        functions.append(
            {"filter": (force & Q("term", potential_five_star=True)).to_dict(), "weight": 5}
        )
        return Q(
            "function_score",
            query=inner,
            functions=functions,
            score_mode="sum",
            boost_mode="sum" if keep_score else "replace",
        )

    def search(self, query: SearchQuery) -> SearchResult:
        text = clean_query(query.text)
        tokens = query_tokens(text)
        day = query.on_day()
        filters = self._filters(query)
        base: Query = self._text_query(tokens, text) if tokens else Q("match_all")

        s = Search(using=self.es, index=self.alias).extra(track_total_hits=True)
        by_id: Any = {"id": "asc"}
        if query.sort == SortField.STARS:
            s = s.query(self._stars_score(base, day, keep_score=False)).sort("_score", by_id)
        elif query.sort == SortField.PRICE_ASC:
            s = s.query(base).sort(_sort_spec("price_min", "asc"), "id")
        elif query.sort == SortField.PRICE_DESC:
            s = s.query(base).sort(_sort_spec("price_min", "desc"), "id")
        elif query.sort == SortField.NEWEST:
            s = s.query(base).sort(_sort_spec("created_at", "desc"), _sort_spec("id", "desc"))
        elif tokens:
            s = s.query(base).sort("_score", _sort_spec("created_at", "desc"), "id")
        else:
            s = s.query(self._stars_score(base, day, keep_score=False)).sort(
                "_score", _sort_spec("created_at", "desc"), "id"
            )
        if filters:
            s = s.post_filter(Q("bool", filter=list(filters.values())))

        if query.with_facets:
            self._add_aggs(s, filters, day)
        if query.with_highlights and tokens:
            s = s.highlight_options(encoder="html", number_of_fragments=1, fragment_size=160)
            s = s.highlight(*HIGHLIGHT_FIELDS)
        offset = max(0, min(query.offset, MAX_OFFSET))
        limit = max(0, min(query.limit, MAX_OFFSET - offset))
        s = s[offset : offset + limit]
        s = s.source(list[Any](HIGHLIGHT_FIELDS))

        try:
            response = self._call(self.es.search, index=self.alias, body=s.to_dict())
        except SearchUnavailable:
            if self.alias_targets():
                raise
            # Nothing indexed yet (no alias): an empty catalogue, not an outage.
            response = {"hits": {"hits": [], "total": {"value": 0}}, "aggregations": {}}
        hits = []
        order = (
            ["name_en", "name_vi", "description_en", "description_vi"]
            if query.language == "en"
            else HIGHLIGHT_FIELDS
        )
        alternatives = [[t] for t in tokens]
        for h in response["hits"]["hits"]:
            hit = SearchHit(product_id=int(h["_id"]), score=h.get("_score"))
            marked = h.get("highlight") or {}
            source = h.get("_source") or {}
            for name in order:
                if marked.get(name):
                    hit.highlight = marked[name][0]
                    break
            if hit.highlight is None and tokens and query.with_highlights:
                for name in order:
                    snippet = highlight(source.get(name) or "", alternatives)
                    if snippet:
                        hit.highlight = snippet
                        break
            hits.append(hit)
        facets: list[Facet] = []
        if query.with_facets:
            facets = resolve_facets(self._read_aggs(response.get("aggregations", {})), query)
        total = response["hits"]["total"]["value"]
        return SearchResult(hits=hits, total=total, facets=facets, backend=self.name)

    @staticmethod
    def _add_aggs(s: Search, filters: dict[FacetField | str, Query], day: datetime.date) -> None:
        def narrowed(own: FacetField, *extra: Query) -> Query:
            parts = [q for key, q in filters.items() if key != own] + list(extra)
            return Q("bool", filter=parts)

        cats = s.aggs.bucket("category", "filter", filter=narrowed(FacetField.CATEGORY))
        cats.bucket("groups", "terms", field="group_code", size=50)
        cats.bucket("sets", "terms", field="category_code", size=100)
        simple = {
            FacetField.PROVINCE: "province_code",
            FacetField.CRAFT_VILLAGE: "craft_village_slug",
            FacetField.PRODUCER_KIND: "producer_kind",
            FacetField.MARKET: "markets",
        }
        for facet, column in simple.items():
            s.aggs.bucket(facet.value, "filter", filter=narrowed(facet)).bucket(
                "values", "terms", field=column, size=200
            )
        s.aggs.bucket("stars", "filter", filter=narrowed(FacetField.STARS, in_force(day))).bucket(
            "values", "terms", field="stars", size=10
        )
        ranges = []
        for r in PRICE_RANGES:
            spec: dict[str, Any] = {"key": r.key}
            if r.low is not None:
                spec["from"] = int(r.low)
            if r.high is not None:
                spec["to"] = int(r.high)
            ranges.append(spec)
        s.aggs.bucket("price", "filter", filter=narrowed(FacetField.PRICE_RANGE)).bucket(
            "values", "range", field="price_min", ranges=ranges
        )

    @staticmethod
    def _read_aggs(aggs: dict[str, Any]) -> dict[FacetField, dict[str, int]]:
        def terms(agg: dict[str, Any]) -> dict[str, int]:
            return {
                str(b.get("key_as_string", b["key"])): b["doc_count"]
                for b in agg.get("buckets", [])
                if b["doc_count"] and b["key"] != ""
            }

        out: dict[FacetField, dict[str, int]] = {}
        if "category" in aggs:
            out[FacetField.CATEGORY_GROUP] = terms(aggs["category"]["groups"])
            out[FacetField.CATEGORY] = terms(aggs["category"]["sets"])
        for facet in (
            FacetField.PROVINCE,
            FacetField.CRAFT_VILLAGE,
            FacetField.PRODUCER_KIND,
            FacetField.MARKET,
        ):
            if facet.value in aggs:
                out[facet] = terms(aggs[facet.value]["values"])
        if "stars" in aggs:
            out[FacetField.STARS] = {
                str(int(float(k))): n for k, n in terms(aggs["stars"]["values"]).items()
            }
        if "price" in aggs:
            out[FacetField.PRICE_RANGE] = {
                b["key"]: b["doc_count"] for b in aggs["price"]["values"]["buckets"]
            }
        return out

    # --- suggestions --------------------------------------------------------------------
    def suggest_products(self, text: str, limit: int, language: str) -> list[Suggestion]:
        prefix = clean_query(text)
        if not query_tokens(prefix):
            return []
        body = {
            "suggest": {
                "products": {
                    "prefix": prefix,
                    "completion": {"field": "suggest", "size": limit, "skip_duplicates": True},
                }
            },
            "_source": ["name_vi", "name_en"],
        }
        if not self.alias_targets():
            return []
        response = self._call(self.es.search, index=self.alias, body=body)
        out: list[Suggestion] = []
        seen: set[str] = set()
        folded = " ".join(query_tokens(prefix))
        for option in response["suggest"]["products"][0]["options"]:
            source = option.get("_source") or {}
            name = suggestion_name(
                folded, source.get("name_vi") or "", source.get("name_en") or "", language
            )
            if option["_id"] in seen:
                continue
            seen.add(option["_id"])
            out.append(Suggestion(kind=SuggestionKind.PRODUCT, text=name, value=option["_id"]))
        return out
