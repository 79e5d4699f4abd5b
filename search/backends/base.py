"""The one search interface and the result shape both backends return."""

from __future__ import annotations

import abc
import datetime
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

MAX_QUERY_LENGTH = 200
MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000


class SortField(enum.Enum):
    RELEVANCE = "RELEVANCE"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    STARS = "STARS"
    NEWEST = "NEWEST"


class FacetField(enum.Enum):
    CATEGORY_GROUP = "category_group"
    CATEGORY = "category"
    STARS = "stars"
    PROVINCE = "province"
    CRAFT_VILLAGE = "craft_village"
    PRODUCER_KIND = "producer_kind"
    MARKET = "market"
    PRICE_RANGE = "price_range"


@dataclass(frozen=True)
class PriceRange:
    key: str
    low: Decimal | None
    high: Decimal | None  # exclusive


# Price-range buckets on the product's lowest price, in VND.
PRICE_RANGES: tuple[PriceRange, ...] = (
    PriceRange("0-100000", None, Decimal(100_000)),
    PriceRange("100000-300000", Decimal(100_000), Decimal(300_000)),
    PriceRange("300000-500000", Decimal(300_000), Decimal(500_000)),
    PriceRange("500000-1000000", Decimal(500_000), Decimal(1_000_000)),
    PriceRange("1000000-", Decimal(1_000_000), None),
)
PRICE_RANGE_BY_KEY = {r.key: r for r in PRICE_RANGES}


@dataclass
class SearchFilters:
    """Every list is OR within itself (disjunctive); the lists are AND together.
    `categories` takes set codes ('I-3d') or group codes ('I')."""

    categories: list[str] = field(default_factory=list)
    stars: list[int] = field(default_factory=list)
    potential_five_star: bool | None = None
    certificate_valid: bool | None = None
    provinces: list[str] = field(default_factory=list)
    craft_villages: list[str] = field(default_factory=list)
    producer_kinds: list[str] = field(default_factory=list)
    producer_ids: list[int] = field(default_factory=list)
    markets: list[str] = field(default_factory=list)
    price_ranges: list[str] = field(default_factory=list)
    price_gte: Decimal | None = None
    price_lte: Decimal | None = None
    in_stock: bool | None = None
    product_ids: list[int] | None = None

    @property
    def category_groups(self) -> list[str]:
        return [c for c in self.categories if "-" not in c]

    @property
    def category_sets(self) -> list[str]:
        return [c for c in self.categories if "-" in c]


@dataclass
class SearchQuery:
    text: str = ""
    filters: SearchFilters = field(default_factory=SearchFilters)
    sort: SortField = SortField.RELEVANCE
    offset: int = 0
    limit: int = 20
    language: str = "vi"
    with_facets: bool = True
    with_highlights: bool = True
    today: datetime.date | None = None

    def on_day(self) -> datetime.date:
        return self.today or timezone.localdate()


@dataclass
class SearchHit:
    product_id: int
    score: float | None = None
    highlight: str | None = None


@dataclass
class FacetBucket:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    field: FacetField
    buckets: list[FacetBucket]


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int
    facets: list[Facet] = field(default_factory=list)
    backend: str = ""

    @property
    def product_ids(self) -> list[int]:
        return [h.product_id for h in self.hits]


class SuggestionKind(enum.Enum):
    PRODUCT = "PRODUCT"
    CATEGORY = "CATEGORY"
    PROVINCE = "PROVINCE"
    CRAFT_VILLAGE = "CRAFT_VILLAGE"


@dataclass
class Suggestion:
    kind: SuggestionKind
    text: str
    value: str


class SearchUnavailable(Exception):
    """The search engine cannot be reached or did not answer in time."""


class SearchBackend(abc.ABC):
    name: str = ""

    @abc.abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abc.abstractmethod
    def suggest_products(self, text: str, limit: int, language: str) -> list[Suggestion]: ...

    @abc.abstractmethod
    def index_documents(self, documents: Sequence[dict]) -> None: ...

    @abc.abstractmethod
    def delete_products(self, ids: Iterable[int]) -> None: ...

    @abc.abstractmethod
    def reindex(self, *, progress: bool = False, batch_size: int = 500) -> int:
        """Rebuild everything; returns the number of documents indexed."""

    def suggest(self, text: str, limit: int = 10, language: str = "vi") -> list[Suggestion]:
        from search.suggestions import suggest_places_and_categories

        products = self.suggest_products(text, limit, language)
        others = suggest_places_and_categories(text, limit, language)
        # Interleave so that places and categories show even when products fill the list.
        merged: list[Suggestion] = []
        for i in range(max(len(products), len(others))):
            if i < len(products):
                merged.append(products[i])
            if i < len(others):
                merged.append(others[i])
        return merged[:limit]

    def index_products(self, ids: Iterable[int]) -> None:
        """Index the given products; those that are gone or not public are deleted."""
        from search.documents import build_documents

        ids = list(dict.fromkeys(ids))
        documents = build_documents(ids)
        self.index_documents(documents)
        found = {d["id"] for d in documents}
        missing = [i for i in ids if i not in found]
        if missing:
            self.delete_products(missing)
