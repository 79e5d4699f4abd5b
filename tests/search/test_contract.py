"""The search contract: every test runs against the database backend and Elasticsearch
(noida-db) and expects the same answers."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from backend.catalogue.models import Product
from search.backends.base import FacetField, SearchFilters, SearchQuery, SortField

pytestmark = pytest.mark.django_db


def ids(result):
    return result.product_ids


def run(backend, text="", **kwargs):
    filters = kwargs.pop("filters", None) or SearchFilters()
    kwargs.setdefault("limit", 100)
    return backend.search(SearchQuery(text=text, filters=filters, **kwargs))


def facet(result, field):
    found = next(f for f in result.facets if f.field == field)
    return {b.value: b.count for b in found.buckets}


def selected(result, field):
    found = next(f for f in result.facets if f.field == field)
    return {b.value for b in found.buckets if b.selected}


# --- text -------------------------------------------------------------------------------------
def test_folding_finds_diacritics(backend, catalogue):
    assert ids(run(backend, "cha ca")) == [catalogue.cha_ca.pk]
    assert ids(run(backend, "CHẢ CÁ")) == [catalogue.cha_ca.pk]
    found = set(ids(run(backend, "dac san")))
    assert found == {catalogue.cha_ca.pk, catalogue.mat_ong.pk}


def test_short_words_match_whole_words(backend, catalogue):
    # "trà" (tea) is not the start of "Tràng": only the tea is found.
    assert ids(run(backend, "tra")) == [catalogue.tra.pk]


def test_typo_tolerance(backend, catalogue):
    assert catalogue.gom.pk in ids(run(backend, "bat trag"))
    assert ids(run(backend, "bat trag"))[0] == catalogue.gom.pk


def test_english_query(backend, catalogue):
    assert ids(run(backend, "fish sauce")) == [catalogue.nuoc_mam.pk]
    assert ids(run(backend, "silk", language="en")) == [catalogue.lua.pk]


def test_place_names_and_former_province(backend, catalogue):
    # Hà Giang merged into Tuyên Quang (08): its old name still finds those products.
    assert set(ids(run(backend, "Hà Giang"))) == {catalogue.mat_ong.pk, catalogue.tra.pk}
    assert set(ids(run(backend, "tuyen quang"))) == {catalogue.mat_ong.pk, catalogue.tra.pk}
    assert catalogue.gom.pk in ids(run(backend, "ceramics"))  # the craft village's craft


def test_drafts_are_never_found(backend, catalogue):
    assert catalogue.draft.pk not in ids(run(backend, "ban nhap"))
    assert catalogue.draft.pk not in ids(run(backend))


def test_empty_query_browses_everything(backend, catalogue):
    result = run(backend, "")
    assert result.total == len(catalogue.public)
    assert set(ids(result)) == {p.pk for p in catalogue.public}
    assert run(backend, "   ").total == len(catalogue.public)


def test_highlight_marks_the_matching_words(backend, catalogue):
    hit = run(backend, "bat trang").hits[0]
    assert hit.product_id == catalogue.gom.pk
    marked = " ".join(re.findall(r"<em>(.*?)</em>", hit.highlight))
    assert marked.split() == ["Bát", "Tràng"]  # one span or two, the same words
    hit = run(backend, "fish sauce", language="en").hits[0]
    assert " ".join(re.findall(r"<em>(.*?)</em>", hit.highlight)).split() == ["fish", "sauce"]
    assert run(backend, "").hits[0].highlight is None


# --- facets -----------------------------------------------------------------------------------
def test_facet_counts_without_filters(backend, catalogue):
    result = run(backend)
    assert facet(result, FacetField.CATEGORY_GROUP) == {"I": 5, "IV": 2}
    assert facet(result, FacetField.CATEGORY) == {
        "I-3d": 1,
        "IV-1": 1,
        "I-4a": 1,
        "I-2b": 1,
        "I-5a": 1,
        "IV-2": 1,
        "I-3b": 1,
    }
    # The tea's certificate expired: it counts under no star.
    assert facet(result, FacetField.STARS) == {"5": 2, "4": 3}
    assert facet(result, FacetField.PROVINCE) == {"01": 4, "31": 1, "08": 2}
    assert facet(result, FacetField.CRAFT_VILLAGE) == {"bat-trang": 1, "van-phuc": 1}
    assert facet(result, FacetField.PRODUCER_KIND) == {
        "COOPERATIVE": 4,
        "ENTERPRISE": 2,
        "HOUSEHOLD_BUSINESS": 1,
    }
    assert facet(result, FacetField.MARKET) == {}
    assert facet(result, FacetField.PRICE_RANGE) == {
        "0-100000": 2,
        "100000-300000": 2,
        "300000-500000": 1,
        "500000-1000000": 1,
        "1000000-": 1,
    }


def test_facets_are_disjunctive(backend, catalogue):
    result = run(backend, filters=SearchFilters(stars=[5]))
    assert set(ids(result)) == {catalogue.gom.pk, catalogue.lua.pk}
    # Picking 5★ still shows how many 4★ products match the rest of the query ...
    assert facet(result, FacetField.STARS) == {"5": 2, "4": 3}
    assert selected(result, FacetField.STARS) == {"5"}
    # ... while the other facets count only the 5★ products.
    assert facet(result, FacetField.PROVINCE) == {"01": 2}
    assert facet(result, FacetField.CATEGORY_GROUP) == {"IV": 2}

    both = run(backend, filters=SearchFilters(stars=[5, 4], provinces=["01"]))
    assert set(ids(both)) == {catalogue.gom.pk, catalogue.lua.pk, catalogue.cha_ca.pk}
    assert facet(both, FacetField.STARS) == {"5": 2, "4": 1}
    assert facet(both, FacetField.PROVINCE) == {"01": 3, "31": 1, "08": 1}


def test_facets_follow_the_text_query(backend, catalogue):
    result = run(backend, "dac san")
    assert facet(result, FacetField.PROVINCE) == {"01": 1, "08": 1}
    assert facet(result, FacetField.STARS) == {"4": 2}


def test_selected_value_without_matches_shows_with_zero(backend, catalogue):
    result = run(backend, filters=SearchFilters(markets=["EU"]))
    assert result.total == 0
    assert facet(result, FacetField.MARKET) == {"EU": 0}
    assert selected(result, FacetField.MARKET) == {"EU"}


def test_facet_labels_follow_the_language(backend, catalogue):
    vi = next(f for f in run(backend).facets if f.field == FacetField.CATEGORY_GROUP)
    en = next(f for f in run(backend, language="en").facets if f.field == FacetField.CATEGORY_GROUP)
    assert {b.label for b in vi.buckets} == {"Thực phẩm", "Hàng thủ công mỹ nghệ"}
    assert {b.label for b in en.buckets} == {"Food", "Handicrafts"}


# --- filters ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (SearchFilters(categories=["IV"]), {"gom", "lua"}),
        (SearchFilters(categories=["I-4a", "IV-2"]), {"nuoc_mam", "lua"}),
        (SearchFilters(provinces=["08"]), {"mat_ong", "tra"}),
        (SearchFilters(craft_villages=["bat-trang"]), {"gom"}),
        (SearchFilters(producer_kinds=["HOUSEHOLD_BUSINESS"]), {"nuoc_mam"}),
        (SearchFilters(potential_five_star=True), {"mat_ong"}),
        (SearchFilters(certificate_valid=False), {"tra", "com"}),
        (SearchFilters(in_stock=False), {"tra"}),
        (SearchFilters(price_gte=Decimal(300_000), price_lte=Decimal(700_000)), {"mat_ong", "lua"}),
        (SearchFilters(price_ranges=["0-100000", "1000000-"]), {"tra", "com", "gom"}),
        (SearchFilters(stars=[3]), set()),
    ],
)
def test_filters(backend, catalogue, filters, expected):
    result = run(backend, filters=filters)
    assert set(ids(result)) == {getattr(catalogue, name).pk for name in expected}
    assert result.total == len(expected)


def test_filter_by_product_ids(backend, catalogue):
    wanted = [catalogue.gom.pk, catalogue.draft.pk]
    assert ids(run(backend, filters=SearchFilters(product_ids=wanted))) == [catalogue.gom.pk]


# --- sorting and pagination -------------------------------------------------------------------
def test_sort_by_price(backend, catalogue):
    by_price = sorted(catalogue.public, key=lambda p: p.price_min)
    assert ids(run(backend, sort=SortField.PRICE_ASC)) == [p.pk for p in by_price]
    assert ids(run(backend, sort=SortField.PRICE_DESC)) == [p.pk for p in reversed(by_price)]


def test_sort_by_stars_counts_only_valid_certificates(backend, catalogue):
    order = ids(run(backend, sort=SortField.STARS))
    assert set(order[:2]) == {catalogue.gom.pk, catalogue.lua.pk}
    assert order[2] == catalogue.mat_ong.pk  # 4★ and potential 5★ before the other 4★
    assert set(order[3:5]) == {catalogue.cha_ca.pk, catalogue.nuoc_mam.pk}
    assert set(order[5:]) == {catalogue.tra.pk, catalogue.com.pk}  # expired, none


def test_sort_by_newest(backend, catalogue):
    newest = sorted(catalogue.public, key=lambda p: p.created_at, reverse=True)
    assert ids(run(backend, sort=SortField.NEWEST)) == [p.pk for p in newest]


def test_relevance_puts_the_name_match_first(backend, catalogue):
    # "mat ong" is the honey's name; no other product mentions it.
    assert ids(run(backend, "mật ong"))[0] == catalogue.mat_ong.pk
    order = ids(run(backend, "ha noi"))
    assert catalogue.cha_ca.pk in order


@pytest.mark.parametrize("sort", list(SortField))
def test_pagination_walks_every_hit_once(backend, catalogue, sort):
    full = ids(run(backend, sort=sort))
    pages = []
    for offset in range(0, len(full) + 3, 3):
        page = run(backend, sort=sort, offset=offset, limit=3)
        assert page.total == len(full)
        pages.extend(ids(page))
    assert pages == full
    assert ids(run(backend, sort=sort, offset=100, limit=3)) == []


# --- suggestions ------------------------------------------------------------------------------
def test_suggestions_of_products_categories_and_places(backend, catalogue):
    products = [s for s in backend.suggest("gom bat", 10) if s.kind.value == "PRODUCT"]
    assert [s.value for s in products] == [str(catalogue.gom.pk)]
    assert products[0].text == "Gốm Bát Tràng men lam"
    # An inner word of the name starts a suggestion too.
    inner = [s for s in backend.suggest("bát trà", 10) if s.kind.value == "PRODUCT"]
    assert [s.value for s in inner] == [str(catalogue.gom.pk)]

    kinds = {(s.kind.value, s.value) for s in backend.suggest("ha n", 20)}
    assert ("PROVINCE", "01") in kinds
    assert ("CATEGORY", "IV") in {(s.kind.value, s.value) for s in backend.suggest("hang thu", 10)}
    assert ("CRAFT_VILLAGE", "van-phuc") in {
        (s.kind.value, s.value) for s in backend.suggest("van ph", 10)
    }
    assert ("PROVINCE", "08") in {(s.kind.value, s.value) for s in backend.suggest("ha gia", 10)}
    assert backend.suggest("", 10) == []
    assert len(backend.suggest("c", 3)) <= 3


def test_suggestions_in_english(backend, catalogue):
    products = [s for s in backend.suggest("mint", 10, "en") if s.kind.value == "PRODUCT"]
    assert [s.text for s in products] == ["Mint honey"]


# --- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        'a:(b" ~ ^2 [x TO y] {z} / \\ && || ! * ? -',
        "chả cá " * 2000,
        "\x00\x1f\t\n",
        "'; DROP TABLE search_productsearchdocument; --",
        "%_%",
        "🙂🙂",
    ],
)
def test_bad_input_is_safe(backend, catalogue, text):
    result = run(backend, text)
    assert result.total >= 0
    backend.suggest(text, 5)


def test_long_query_still_matches_its_start(backend, catalogue):
    assert catalogue.cha_ca.pk in ids(run(backend, "chả cá " * 2000))


def test_out_of_range_paging_is_clamped(backend, catalogue):
    assert run(backend, offset=-5, limit=-1).hits == []
    assert run(backend, offset=10**9, limit=10).hits == []
    assert len(run(backend, limit=10**6).hits) == len(catalogue.public)


# --- certificate expiry -----------------------------------------------------------------------
def test_expiring_certificate_drops_its_stars_by_date(backend, catalogue):
    cert = catalogue.nuoc_mam.current_certificate
    later = cert.expires_on + datetime.timedelta(days=1)
    on_last_day = run(backend, filters=SearchFilters(stars=[4]), today=cert.expires_on)
    assert catalogue.nuoc_mam.pk in ids(on_last_day)
    after = run(backend, filters=SearchFilters(stars=[4]), today=later)
    assert catalogue.nuoc_mam.pk not in ids(after)
    assert catalogue.nuoc_mam.pk in ids(
        run(backend, filters=SearchFilters(certificate_valid=False), today=later)
    )


def test_product_queryset_untouched(backend, catalogue):
    assert Product.objects.count() == len(catalogue.public) + 1


def test_market_facet_and_filter_follow_compliance_verdicts(backend, catalogue):
    from django.utils import timezone

    from backend.compliance.models import ProductMarketVerdict
    from backend.markets.models import Market

    market = {m.code: m for m in Market.objects.filter(code__in=["EU", "US"])}
    verdicts = [
        (catalogue.cha_ca, "EU", "ELIGIBLE"),
        (catalogue.cha_ca, "US", "BLOCKED"),
        (catalogue.nuoc_mam, "EU", "ELIGIBLE_WITH_DOCUMENTS"),
        (catalogue.nuoc_mam, "US", "ELIGIBLE"),
    ]
    ProductMarketVerdict.objects.bulk_create(
        ProductMarketVerdict(product=p, market=market[code], verdict=v, computed_at=timezone.now())
        for p, code, v in verdicts
    )
    backend.reindex()
    result = run(backend, language="en")
    assert facet(result, FacetField.MARKET) == {"EU": 2, "US": 1}
    labels = {b.label for f in result.facets if f.field == FacetField.MARKET for b in f.buckets}
    assert labels == {market["EU"].name_en, market["US"].name_en}
    us = run(backend, filters=SearchFilters(markets=["US"]))
    assert ids(us) == [catalogue.nuoc_mam.pk]
    assert facet(us, FacetField.MARKET) == {"EU": 2, "US": 1}  # disjunctive
