"""The `products` / `product` queries: filters, sorting, visibility, languages, pagination."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from graphql_relay import to_global_id

from backend.catalogue.models import ModerationStatus
from backend.certification.models import CertificateStatus
from backend.places.models import Commune
from backend.producers.models import VerificationStatus
from tests.factories import (
    CraftVillageFactory,
    OcopCertificateFactory,
    ProducerFactory,
    ProductFactory,
    ProductVariantFactory,
    UserFactory,
    product_set,
    province,
)
from tests.graphql.catalogue_data import PRODUCTS_QUERY

pytestmark = pytest.mark.django_db

LIST = """
query($first: Int, $after: String, $last: Int, $before: String, $filter: ProductFilterInput,
      $sortBy: ProductOrder, $lang: LanguageCodeEnum) {
  products(first: $first, after: $after, last: $last, before: $before, filter: $filter,
           sortBy: $sortBy, languageCode: $lang) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name slug stars } }
  }
}
"""


def names(gql, variables=None, user=None):
    result = gql(LIST, {"first": 100, **(variables or {})}, user=user)
    assert result.status_code == 200, result.content
    assert not result.errors, result.errors
    return [e["node"]["name"] for e in result.data["products"]["edges"]]


def gid(obj):
    return to_global_id(type(obj).__name__, obj.pk)


def test_only_approved_products_of_visible_producers_are_public(gql):
    ProductFactory(name_vi="Công khai")
    ProductFactory(name_vi="Nháp", moderation_status=ModerationStatus.DRAFT)
    ProductFactory(name_vi="Chờ duyệt", moderation_status=ModerationStatus.PENDING_REVIEW)
    ProductFactory(
        name_vi="Của HTX bị từ chối",
        producer=ProducerFactory(verification_status=VerificationStatus.REJECTED),
    )
    assert names(gql) == ["Công khai"]
    staff = UserFactory(is_staff=True)
    assert len(names(gql, user=staff)) == 4


def test_stars_filter_follows_the_certificate_dates(gql):
    today = timezone.localdate()
    in_force = ProductFactory(name_vi="Còn hạn")
    OcopCertificateFactory(product=in_force, stars=4)
    expired = ProductFactory(name_vi="Hết hạn")
    OcopCertificateFactory(
        product=expired,
        stars=4,
        decision_date=today - datetime.timedelta(days=1200),
        expires_on=today - datetime.timedelta(days=1),
    )
    pending = ProductFactory(name_vi="Chưa duyệt")
    OcopCertificateFactory(product=pending, stars=4, status=CertificateStatus.PENDING)
    # The pending one is not current; force it to be, to check the status rule in SQL too.
    pending.current_certificate = pending.certificates.get()
    pending.save(update_fields=["current_certificate"])

    assert names(gql, {"filter": {"stars": [4]}}) == ["Còn hạn"]
    assert names(gql, {"filter": {"certificateValid": True}}) == ["Còn hạn"]
    assert sorted(names(gql, {"filter": {"certificateValid": False}})) == [
        "Chưa duyệt",
        "Hết hạn",
    ]
    result = gql(LIST, {"first": 10})
    stars = {e["node"]["name"]: e["node"]["stars"] for e in result.data["products"]["edges"]}
    assert stars == {"Còn hạn": 4, "Hết hạn": None, "Chưa duyệt": None}


def test_expiry_needs_no_job(gql, monkeypatch):
    product = ProductFactory(name_vi="Sắp hết hạn")
    today = timezone.localdate()
    OcopCertificateFactory(
        product=product,
        decision_date=today - datetime.timedelta(days=100),
        expires_on=today,
        stars=5,
    )
    assert names(gql, {"filter": {"stars": [5]}}) == ["Sắp hết hạn"]
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    assert names(gql, {"filter": {"stars": [5]}}) == []
    result = gql(LIST, {"first": 10})
    assert result.data["products"]["edges"][0]["node"]["stars"] is None


def test_potential_five_star_filter(gql):
    OcopCertificateFactory(product__name_vi="Tiềm năng", stars=4, potential_five_star=True)
    OcopCertificateFactory(product__name_vi="Thường", stars=4)
    assert names(gql, {"filter": {"potentialFiveStar": True}}) == ["Tiềm năng"]
    assert names(gql, {"filter": {"potentialFiveStar": False}}) == ["Thường"]


def test_category_filter_by_group_set_code_and_id(gql):
    ProductFactory(name_vi="Chả cá", category=product_set("I-3d"))
    ProductFactory(name_vi="Rượu", category=product_set("I-1a"))
    ProductFactory(name_vi="Gốm", category=_other_group_set())
    assert sorted(names(gql, {"filter": {"categories": ["I"]}})) == ["Chả cá", "Rượu"]
    assert names(gql, {"filter": {"categories": ["I-3d"]}}) == ["Chả cá"]
    set_id = gid(product_set("I-1a"))
    assert names(gql, {"filter": {"categories": [set_id]}}) == ["Rượu"]


def _other_group_set():
    from backend.catalogue.models import Category

    return Category.objects.filter(level=1).exclude(parent__code="I").first()


def test_unknown_category_code_is_a_typed_error(gql):
    result = gql(LIST, {"first": 5, "filter": {"categories": ["XYZ"]}})
    assert result.status_code == 200
    assert result.error_codes == ["INVALID"]
    assert result.errors[0]["extensions"]["field"] == "filter.categories"


@pytest.mark.parametrize("value", ["Bắc Giang", "bac giang", "BẮC GIANG", "Bắc Ninh", "24"])
def test_province_filter_understands_former_names(gql, value):
    ProductFactory(name_vi="Vải thiều Lục Ngạn", producer=ProducerFactory(province=province("24")))
    ProductFactory(name_vi="Chả cá Lã Vọng")  # Hà Nội
    assert names(gql, {"filter": {"provinces": [value]}}) == ["Vải thiều Lục Ngạn"]


def test_province_filter_by_id_and_unknown_name(gql):
    ProductFactory(name_vi="Ở Hà Nội")
    assert names(gql, {"filter": {"provinces": [gid(province("01"))]}}) == ["Ở Hà Nội"]
    result = gql(LIST, {"first": 5, "filter": {"provinces": ["Atlantis"]}})
    assert result.error_codes == ["INVALID"]


def test_commune_craft_village_and_producer_filters(gql):
    village = CraftVillageFactory()
    commune = Commune.objects.filter(province=province("01")).last()
    producer = ProducerFactory()
    ProductFactory(name_vi="Làng", craft_village=village)
    ProductFactory(name_vi="Xã", commune=commune)
    ProductFactory(name_vi="HTX", producer=producer)
    assert names(gql, {"filter": {"craftVillages": [gid(village)]}}) == ["Làng"]
    assert names(gql, {"filter": {"communes": [gid(commune)]}}) == ["Xã"]
    assert names(gql, {"filter": {"producers": [gid(producer)]}}) == ["HTX"]


def test_price_and_stock_filters(gql):
    cheap = ProductFactory(name_vi="Rẻ")
    ProductVariantFactory(product=cheap, price_amount=Decimal("50000"), quantity=0)
    dear = ProductFactory(name_vi="Đắt")
    ProductVariantFactory(product=dear, price_amount=Decimal("900000"), quantity=5)
    assert names(gql, {"filter": {"price": {"gte": 100000}}}) == ["Đắt"]
    assert names(gql, {"filter": {"price": {"lte": 100000}}}) == ["Rẻ"]
    assert names(gql, {"filter": {"price": {"gte": 40000, "lte": 60000}}}) == ["Rẻ"]
    assert names(gql, {"filter": {"inStock": True}}) == ["Đắt"]
    assert names(gql, {"filter": {"inStock": False}}) == ["Rẻ"]


def test_search_matches_with_or_without_diacritics(gql):
    """The `search` filter goes through the search backend (factories skip the services'
    sync, so the test indexes the products itself)."""
    from search.tasks import sync_now

    cha_ca = ProductFactory(name_vi="Chả cá Lã Vọng", slug="cha-ca-la-vong")
    nuoc_mam = ProductFactory(name_vi="Nước mắm", name_en="Fish sauce", slug="nuoc-mam")
    sync_now([cha_ca.pk, nuoc_mam.pk])
    assert names(gql, {"filter": {"search": "chả cá"}}) == ["Chả cá Lã Vọng"]
    assert names(gql, {"filter": {"search": "cha ca"}}) == ["Chả cá Lã Vọng"]
    assert names(gql, {"filter": {"search": "fish sauce"}}) == ["Nước mắm"]
    assert names(gql, {"filter": {"search": "cha vong"}}) == ["Chả cá Lã Vọng"]


def test_sorting_with_deterministic_tie_break(gql):
    a = ProductFactory(name_vi="A")
    ProductVariantFactory(product=a, price_amount=Decimal("300000"))
    OcopCertificateFactory(product=a, stars=3)
    b = ProductFactory(name_vi="B")
    ProductVariantFactory(product=b, price_amount=Decimal("100000"))
    OcopCertificateFactory(product=b, stars=5)
    c = ProductFactory(name_vi="C")
    ProductVariantFactory(product=c, price_amount=Decimal("100000"))
    assert names(gql, {"sortBy": {"field": "NAME", "direction": "DESC"}}) == ["C", "B", "A"]
    assert names(gql, {"sortBy": {"field": "PRICE", "direction": "ASC"}}) == ["B", "C", "A"]
    assert names(gql, {"sortBy": {"field": "PRICE", "direction": "DESC"}}) == ["A", "C", "B"]
    assert names(gql, {"sortBy": {"field": "STARS", "direction": "DESC"}}) == ["B", "A", "C"]
    assert names(gql, {"sortBy": {"field": "NEWEST", "direction": "DESC"}}) == ["C", "B", "A"]


def test_language_code_translates_and_falls_back(gql):
    ProductFactory(name_vi="Trà sen", name_en="Lotus tea", slug="tra-sen", slug_en="lotus-tea")
    ProductFactory(name_vi="Bánh cốm", name_en="", slug="banh-com", slug_en=None)
    result = gql(LIST, {"first": 10, "lang": "EN"})
    nodes = [e["node"] for e in result.data["products"]["edges"]]
    assert {(n["name"], n["slug"]) for n in nodes} == {
        ("Lotus tea", "lotus-tea"),
        ("Bánh cốm", "banh-com"),
    }


def test_pagination_forward_and_backward(gql):
    for i in range(7):
        ProductFactory(name_vi=f"SP {i}")
    page1 = gql(LIST, {"first": 3}).data["products"]
    assert page1["totalCount"] == 7
    assert page1["pageInfo"]["hasNextPage"] is True
    assert page1["pageInfo"]["hasPreviousPage"] is False
    page2 = gql(LIST, {"first": 3, "after": page1["pageInfo"]["endCursor"]}).data["products"]
    assert [e["node"]["name"] for e in page2["edges"]] == ["SP 3", "SP 4", "SP 5"]
    page3 = gql(LIST, {"first": 3, "after": page2["pageInfo"]["endCursor"]}).data["products"]
    assert [e["node"]["name"] for e in page3["edges"]] == ["SP 6"]
    assert page3["pageInfo"]["hasNextPage"] is False
    back = gql(LIST, {"last": 2, "before": page2["pageInfo"]["endCursor"]}, user=None)
    assert [e["node"]["name"] for e in back.data["products"]["edges"]] == ["SP 3", "SP 4"]
    last = gql(LIST, {"last": 2}).data["products"]
    assert [e["node"]["name"] for e in last["edges"]] == ["SP 5", "SP 6"]


PRODUCT = """
query($id: ID, $slug: String, $slugEn: String, $lang: LanguageCodeEnum) {
  product(id: $id, slug: $slug, slugEn: $slugEn, languageCode: $lang) { id name slug }
}
"""


def test_product_by_id_slug_and_english_slug(gql):
    product = ProductFactory(
        name_vi="Trà sen", name_en="Lotus tea", slug="tra-sen", slug_en="lotus-tea"
    )
    expected_id = gid(product)
    by_id = gql(PRODUCT, {"id": expected_id}).data["product"]
    assert by_id == {"id": expected_id, "name": "Trà sen", "slug": "tra-sen"}
    assert gql(PRODUCT, {"slug": "tra-sen"}).data["product"]["id"] == expected_id
    by_en = gql(PRODUCT, {"slugEn": "lotus-tea", "lang": "EN"}).data["product"]
    assert by_en == {"id": expected_id, "name": "Lotus tea", "slug": "lotus-tea"}


def test_hidden_product_is_null_for_shoppers_and_visible_to_its_producer(gql):
    from tests.factories import ProducerMemberFactory

    product = ProductFactory(moderation_status=ModerationStatus.DRAFT)
    assert gql(PRODUCT, {"slug": product.slug}).data["product"] is None
    member = ProducerMemberFactory(producer=product.producer)
    assert gql(PRODUCT, {"slug": product.slug}, user=member.user).data["product"] is not None
    other = ProducerMemberFactory()
    assert gql(PRODUCT, {"slug": product.slug}, user=other.user).data["product"] is None


def test_product_needs_exactly_one_lookup(gql):
    result = gql(PRODUCT, {})
    assert result.error_codes == ["GRAPHQL_ERROR"]
    assert result.data == {"product": None}


def test_full_product_query_resolves(gql):
    from tests.graphql.catalogue_data import full_product

    full_product(name_vi="Đầy đủ")
    result = gql(PRODUCTS_QUERY, {"first": 5, "lang": "EN"})
    assert not result.errors
    node = result.data["products"]["edges"][0]["node"]
    assert node["certificate"]["kind"] == "NEW"
    assert node["storageClass"] == "AMBIENT"
    assert node["variants"][0]["weight"] == {"value": 600.0, "unit": "G"}
    assert node["media"][0]["alt"] == "Photo"
    assert node["traceabilityUrl"].startswith(f"{settings.PUBLIC_URL}/trace/")


def test_accept_language_is_the_default_language(gql):
    ProductFactory(name_vi="Trà sen", name_en="Lotus tea")
    result = gql(LIST, {"first": 5}, headers={"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"})
    assert [e["node"]["name"] for e in result.data["products"]["edges"]] == ["Lotus tea"]
    result = gql(LIST, {"first": 5, "lang": "VI"}, headers={"HTTP_ACCEPT_LANGUAGE": "en"})
    assert [e["node"]["name"] for e in result.data["products"]["edges"]] == ["Trà sen"]


def test_commune_code_craft_village_slug_and_producer_slug_in_filters(gql):
    village = CraftVillageFactory(slug="lang-gom-bat-trang")
    commune = Commune.objects.filter(province=province("01")).last()
    producer = ProducerFactory(slug="htx-gom")
    ProductFactory(name_vi="Làng", craft_village=village)
    ProductFactory(name_vi="Xã", commune=commune)
    ProductFactory(name_vi="HTX", producer=producer)
    assert names(gql, {"filter": {"craftVillages": ["lang-gom-bat-trang"]}}) == ["Làng"]
    assert names(gql, {"filter": {"communes": [commune.code]}}) == ["Xã"]
    assert names(gql, {"filter": {"producers": ["htx-gom"]}}) == ["HTX"]
    result = gql(LIST, {"first": 5, "filter": {"producers": ["no-such-producer"]}})
    assert result.error_codes == ["INVALID"]
    assert result.errors[0]["extensions"]["field"] == "filter.producers"
