"""Database backend specifics: query counts, typo expansion, the document rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.backends.base import SearchFilters, SearchQuery
from search.backends.database import MIN_SIMILARITY, DatabaseBackend
from search.documents import build_documents
from search.models import ProductSearchDocument, SearchTerm
from search.text import similarity
from tests.factories import OcopCertificateFactory, ProductFactory, ProductVariantFactory

pytestmark = pytest.mark.django_db


def _queries(backend, query):
    with CaptureQueriesContext(connection) as ctx:
        backend.search(query)
    return len(ctx.captured_queries)


def test_search_with_all_facets_takes_constant_queries():
    backend = DatabaseBackend()
    for _ in range(3):
        OcopCertificateFactory(product=ProductVariantFactory(product__name_vi="Chè Thái").product)
    backend.reindex()
    query = SearchQuery(text="che thai", filters=SearchFilters(stars=[4], provinces=["01"]))
    few = _queries(backend, query)
    for _ in range(20):
        OcopCertificateFactory(product=ProductVariantFactory(product__name_vi="Chè Thái").product)
    backend.reindex()
    assert backend.search(query).total == 23
    assert _queries(backend, query) == few


def test_building_documents_takes_constant_queries(django_assert_num_queries):
    products = [ProductVariantFactory().product for _ in range(5)]
    # rows with joins, stock, former province names, market verdicts
    with django_assert_num_queries(4):
        documents = build_documents([p.pk for p in products])
    assert len(documents) == 5
    assert documents[0]["former_province_names"] == []  # Hà Nội has none


def test_typo_expands_to_similar_known_words():
    backend = DatabaseBackend()
    ProductFactory(name_vi="Gốm Bát Tràng")
    backend.reindex()
    assert SearchTerm.objects.filter(term="trang").exists()
    assert backend.expand_tokens(["bat", "trag"]) == [["bat"], ["trang"]]
    # A short word is taken as it is (Vietnamese syllables differ by one letter).
    assert backend.expand_tokens(["ba"]) == [["ba"]]
    assert similarity("trag", "trang") >= MIN_SIMILARITY > similarity("trag", "gom")


def test_typo_expansion_keeps_every_word_within_the_edit_allowance():
    backend = DatabaseBackend()
    # Many one-edit neighbours of "trag" that are closer by trigrams than "trang".
    ProductFactory(name_vi="tra trai tram tran trau trac trach trang")
    backend.reindex()
    [expanded] = backend.expand_tokens(["trag"])
    assert "trang" in expanded and "tra" in expanded
    assert "trach" not in expanded  # two edits away: too many for a four-letter word


def test_edit_distance_counts_like_elasticsearch():
    from search.text import edit_distance

    assert edit_distance("trag", "trang", 2) == 1
    assert edit_distance("trag", "targ", 2) == 1  # a swap of neighbours is one edit
    assert edit_distance("trag", "trach", 1) == 2  # capped at limit + 1
    assert edit_distance("a", "abcd", 1) == 2


def test_document_row_is_folded():
    backend = DatabaseBackend()
    product = ProductFactory(name_vi="Đặc sản Chả cá", name_en="Fish cake")
    backend.index_products([product.pk])
    row = ProductSearchDocument.objects.get(product=product)
    assert row.name_text == " dac san cha ca fish cake "
    assert " ha noi " in row.body_text


def test_pg_trgm_serves_typos_on_postgresql(requires_postgres):
    from search.backends.database import _has_pg_trgm

    assert _has_pg_trgm(), "migration search.0002 enables pg_trgm when allowed"
    backend = DatabaseBackend()
    ProductFactory(name_vi="Gốm Bát Tràng")
    backend.reindex()
    assert backend.expand_tokens(["bat", "trag"]) == [["bat"], ["trang"]]


def test_filters_from_a_catalogue_product_filter():
    from types import SimpleNamespace

    from backend.catalogue.models import Category
    from backend.places.models import Province
    from search.selectors import filters_from_product_filter

    spec = SimpleNamespace(
        category_ids=[Category.objects.get(code="IV").pk],
        province_ids=[Province.objects.get(code="24").pk],
        craft_village_ids=None,
        producer_ids=None,
        product_ids=None,
        commune_ids=None,
        stars=[5],
        potential_five_star=None,
        certificate_valid=True,
        in_stock=None,
        price_gte=None,
        price_lte=None,
    )
    filters = filters_from_product_filter(spec)
    assert (filters.categories, filters.provinces, filters.stars) == (["IV"], ["24"], [5])
    assert filters.product_ids is None
    spec.producer_ids = []  # an empty list matches nothing, as in the catalogue
    assert filters_from_product_filter(spec).product_ids == []


def test_fast_fold_is_fold():
    import random

    from backend.core.text import fold
    from search.text import fast_fold

    samples = ["Đặc sản ĐÀ LẠT – “quà” 1½kg ﬁne ÆØÅ Ωmega", "cha\u0309 ca\u0301", "ǅ\u00a0x"]
    rng = random.Random(7)
    blocks = [(0x20, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x370, 0x500)]
    for _ in range(2000):
        samples.append(
            "".join(chr(rng.randrange(*rng.choice(blocks))) for _ in range(rng.randrange(1, 20)))
        )
    assert [fast_fold(s) for s in samples] == [fold(s) for s in samples]


def test_text_columns_have_trigram_indexes_on_postgresql(requires_postgres):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'search_productsearchdocument'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"search_doc_name_text_trgm", "search_doc_body_text_trgm"} <= names


def test_an_unknown_price_range_matches_nothing_and_does_not_crash(db):
    from search.backends.base import SearchFilters, SearchQuery
    from search.selectors import search_products

    result = search_products(SearchQuery(text="", filters=SearchFilters(price_ranges=["bogus"])))
    assert result.total == 0
    price = next(f for f in result.facets if f.field.name == "PRICE_RANGE")
    assert [b.value for b in price.buckets if b.selected] == ["bogus"]
