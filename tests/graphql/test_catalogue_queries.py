"""categories, category, provinces, craftVillages, producers, producer, traceabilityBatch,
and who sees a producer's private fields."""

from __future__ import annotations

import pytest
from django.conf import settings
from graphql_relay import to_global_id

from backend.catalogue.models import ModerationStatus
from backend.producers.models import VerificationStatus
from tests.factories import (
    BatchFactory,
    CraftVillageFactory,
    ProducerFactory,
    ProducerMemberFactory,
    ProductFactory,
    UserFactory,
    province,
)

pytestmark = pytest.mark.django_db


def test_category_tree(gql):
    result = gql(
        """{ categories(level: 0, first: 10) { totalCount edges { node {
             code name level parent { code } children { code level parent { code } } } } } }"""
    )
    groups = [e["node"] for e in result.data["categories"]["edges"]]
    assert result.data["categories"]["totalCount"] == 6
    assert [g["code"] for g in groups] == ["I", "II", "III", "IV", "V", "VI"]
    assert all(g["parent"] is None and g["level"] == 0 for g in groups)
    assert sum(len(g["children"]) for g in groups) == 26
    first_set = groups[0]["children"][0]
    assert first_set["level"] == 1 and first_set["parent"] == {"code": "I"}


def test_category_by_code_in_english(gql):
    data = gql('{ category(code: "I-3d", languageCode: EN) { code name level } }').data
    assert data["category"]["code"] == "I-3d"
    assert data["category"]["level"] == 1
    vi = gql('{ category(code: "I-3d") { name } }').data["category"]["name"]
    assert vi != data["category"]["name"]


def test_provinces_with_former_names_and_paginated_communes(gql):
    result = gql(
        """{ provinces(search: "bac giang", first: 5) { totalCount edges { node {
             code shortName formerNames communes(first: 3) { totalCount edges { node { code } } }
        } } } }"""
    )
    assert not result.errors, result.errors
    nodes = [e["node"] for e in result.data["provinces"]["edges"]]
    assert [n["code"] for n in nodes] == ["24"]
    assert "Bắc Giang" in nodes[0]["formerNames"]
    assert len(nodes[0]["communes"]["edges"]) == 3
    assert nodes[0]["communes"]["totalCount"] > 3


def test_all_34_provinces(gql):
    data = gql("{ provinces(first: 100) { totalCount } }").data
    assert data["provinces"]["totalCount"] == 34


def test_craft_villages_by_province_former_name(gql):
    CraftVillageFactory(name="Làng gốm Thổ Hà", province=province("24"))
    CraftVillageFactory(name="Làng gốm Bát Tràng", province=province("01"))
    result = gql(
        """{ craftVillages(provinces: ["Bắc Giang"], first: 10) { edges { node {
             name province { code } } } } }"""
    )
    assert [e["node"]["name"] for e in result.data["craftVillages"]["edges"]] == ["Làng gốm Thổ Hà"]


PRODUCER = """
query($slug: String) {
  producer(slug: $slug) { name kind contactEmail contactPhone address province { code } }
}
"""


@pytest.fixture
def producer():
    return ProducerFactory(
        slug="htx-che",
        contact_email="htx@example.com",
        contact_phone="+84241234567",
        address="Thôn 1",
    )


def test_producer_contacts_are_hidden_from_shoppers(gql, producer):
    anonymous = gql(PRODUCER, {"slug": "htx-che"}).data["producer"]
    assert anonymous["name"] == producer.name
    assert anonymous["contactEmail"] is None
    assert anonymous["contactPhone"] is None
    assert anonymous["address"] is None
    shopper = gql(PRODUCER, {"slug": "htx-che"}, user=UserFactory()).data["producer"]
    assert shopper["contactEmail"] is None
    other_member = ProducerMemberFactory().user
    assert (
        gql(PRODUCER, {"slug": "htx-che"}, user=other_member).data["producer"]["contactEmail"]
        is None
    )


def test_producer_contacts_for_own_members_and_staff(gql, producer):
    member = ProducerMemberFactory(producer=producer, role="STAFF").user
    own = gql(PRODUCER, {"slug": "htx-che"}, user=member).data["producer"]
    assert own["contactEmail"] == "htx@example.com"
    assert own["contactPhone"] == "+84241234567"
    staff = gql(PRODUCER, {"slug": "htx-che"}, user=UserFactory(is_staff=True)).data["producer"]
    assert staff["address"] == "Thôn 1"


def test_rejected_producer_is_hidden_except_for_staff(gql):
    ProducerFactory(slug="bi-tu-choi", verification_status=VerificationStatus.REJECTED)
    assert gql(PRODUCER, {"slug": "bi-tu-choi"}).data["producer"] is None
    staff = UserFactory(is_staff=True)
    assert gql(PRODUCER, {"slug": "bi-tu-choi"}, user=staff).data["producer"] is not None


def test_producers_list_filters(gql):
    ProducerFactory(name="HTX Vải", province=province("24"))
    ProducerFactory(name="HTX Chè", province=province("01"), kind="ENTERPRISE")
    data = gql(
        """{ producers(first: 10, filter: {provinces: ["bac giang"]}) {
             totalCount edges { node { name } } } }"""
    ).data
    assert [e["node"]["name"] for e in data["producers"]["edges"]] == ["HTX Vải"]
    data = gql("{ producers(first: 10, filter: {kinds: [ENTERPRISE]}) { totalCount } }").data
    assert data["producers"]["totalCount"] == 1


def test_producer_by_id(gql, producer):
    pid = to_global_id("Producer", producer.pk)
    data = gql("query($id: ID) { producer(id: $id) { id slug } }", {"id": pid}).data
    assert data["producer"] == {"id": pid, "slug": "htx-che"}


TRACE = """
query($code: String!) {
  traceabilityBatch(code: $code) { code productionDate traceabilityUrl qrCodeUrl
    product { name } }
}
"""


def test_traceability_batch(gql):
    batch = BatchFactory(code="lot-vai-2026-01", product__name_vi="Vải thiều")
    data = gql(TRACE, {"code": "lot-vai-2026-01"}).data["traceabilityBatch"]
    assert data["code"] == batch.code
    assert data["product"]["name"] == "Vải thiều"
    assert data["traceabilityUrl"] == f"{settings.PUBLIC_URL}/trace/lot-vai-2026-01/"
    assert data["qrCodeUrl"] == f"{settings.PUBLIC_URL}/trace/lot-vai-2026-01/qr.svg"
    assert gql(TRACE, {"code": "no-such-lot"}).data["traceabilityBatch"] is None


def test_batch_of_hidden_product_is_not_public(gql):
    product = ProductFactory(moderation_status=ModerationStatus.DRAFT)
    BatchFactory(code="lot-hidden", product=product)
    assert gql(TRACE, {"code": "lot-hidden"}).data["traceabilityBatch"] is None


def test_product_links_to_its_newest_batch(gql):
    import datetime

    product = ProductFactory(slug="vai")
    BatchFactory(product=product, code="old", production_date=datetime.date(2025, 6, 1))
    BatchFactory(product=product, code="new", production_date=datetime.date(2026, 6, 1))
    data = gql('{ product(slug: "vai") { traceabilityUrl qrCodeUrl } }').data["product"]
    assert data["traceabilityUrl"] == f"{settings.PUBLIC_URL}/trace/new/"
    assert data["qrCodeUrl"] == f"{settings.PUBLIC_URL}/trace/new/qr.svg"
    bare = ProductFactory(slug="khong-lo")
    assert bare.batches.count() == 0
    data = gql('{ product(slug: "khong-lo") { traceabilityUrl } }').data["product"]
    assert data["traceabilityUrl"] is None


def test_producer_products_are_paginated_and_public_only(gql, producer):
    ProductFactory(producer=producer, name_vi="B")
    ProductFactory(producer=producer, name_vi="A")
    ProductFactory(producer=producer, name_vi="Nháp", moderation_status=ModerationStatus.DRAFT)
    ProductFactory(name_vi="Của người khác")
    query = """{ producer(slug: "htx-che") {
        products(first: 1) { totalCount edges { node { name } } } } }"""
    data = gql(query).data["producer"]["products"]
    assert data["totalCount"] == 2
    assert [e["node"]["name"] for e in data["edges"]] == ["A"]
    member = ProducerMemberFactory(producer=producer).user
    assert gql(query, user=member).data["producer"]["products"]["totalCount"] == 3
