"""Export catalogue feeds: requested by partners, built in the background with progress,
stored in the private storage, downloaded through a signed link."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.test import RequestFactory

from backend.compliance.services import verdicts_recompute
from backend.core.errors import ServiceError
from backend.markets.error_codes import MarketsErrorCode
from backend.markets.feeds import download_token
from backend.markets.models import ExportFeed
from backend.markets.services import export_feed_request
from backend.markets.views import export_feed_download
from tests.factories import (
    OcopCertificateFactory,
    ProducerDocumentFactory,
    ProductFactory,
    UserFactory,
    product_set,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    tea = ProductFactory(
        category=product_set("I-5a"),
        hs_code="0902",
        name_vi="Trà xanh",
        price_min=Decimal("305000"),
        price_max=Decimal("610000"),
    )
    OcopCertificateFactory(product=tea, stars=5)
    ProducerDocumentFactory(producer=tea.producer, kind="LAB_REPORT")
    nest = ProductFactory(category=product_set("I-3d"), contains_birds_nest=True)
    hat = ProductFactory(
        category=product_set("IV-1"),
        hs_code="6504",
        price_min=Decimal("61000"),
        price_max=Decimal("61000"),
    )
    verdicts_recompute(product_ids=[tea.pk, nest.pk, hat.pk])
    return tea, nest, hat


def read(feed: ExportFeed) -> bytes:
    with feed.file.open("rb") as fh:
        return fh.read()


def test_only_partners_and_staff_may_ask():
    with pytest.raises(ServiceError) as err:
        export_feed_request(user=UserFactory(), market_code="EU", format="CSV")
    assert err.value.errors[0].code == MarketsErrorCode.PERMISSION_DENIED
    partner = UserFactory(is_export_partner=True)
    with pytest.raises(ServiceError) as err:
        export_feed_request(user=partner, market_code="NOPE", format="CSV")
    assert err.value.errors[0].code == MarketsErrorCode.UNKNOWN_MARKET
    with pytest.raises(ServiceError) as err:
        export_feed_request(user=partner, market_code="EU", format="XML")
    assert err.value.errors[0].field == "format"


def test_csv_feed_for_the_eu(catalogue, django_capture_on_commit_callbacks):
    tea, _nest, hat = catalogue
    partner = UserFactory(is_export_partner=True)
    with django_capture_on_commit_callbacks(execute=True):
        feed = export_feed_request(user=partner, market_code="EU", format="CSV")
    feed.refresh_from_db()
    assert feed.status == "DONE" and feed.total == feed.done == 2
    rows = list(csv.DictReader(io.StringIO(read(feed).decode("utf-8"))))
    by_id = {int(r["product_id"]): r for r in rows}
    assert set(by_id) == {tea.pk, hat.pk}  # bird's nest is blocked for the EU
    t = by_id[tea.pk]
    assert t["hs_code"] == "0902" and t["stars"] == "5" and t["currency"] == "EUR"
    assert t["verdict"] == "ELIGIBLE_WITH_DOCUMENTS"
    assert t["required_documents"] == "LAB_REPORT" and t["held_documents"] == "LAB_REPORT"
    assert t["price_min"] == "10.00" and t["price_max"] == "20.00"  # at 30,500 VND
    assert t["price_min_vnd"] == "305000"
    assert by_id[hat.pk]["stars"] == ""  # no certificate in force
    assert feed.file.name.startswith("export-feeds/eu-")


def test_json_feed_with_blocked_products(catalogue, django_capture_on_commit_callbacks):
    _, nest, _ = catalogue
    staff = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        feed = export_feed_request(
            user=staff, market_code="US", format="JSON", verdicts=["BLOCKED"]
        )
    feed.refresh_from_db()
    data = json.loads(read(feed))
    assert data["market"] == "US" and data["currency"] == "USD"
    assert [p["product_id"] for p in data["products"]] == [nest.pk]
    assert data["products"][0]["reasons"] == ["BIRDS_NEST_NOT_PERMITTED"]


CREATE = """
mutation ($market: String!, $format: FeedFormatEnum!) {
  exportFeedCreate(market: $market, format: $format) {
    exportFeed { id status progress total downloadUrl }
    errors { field code message }
  }
}
"""
FEED = "query ($id: ID!) { exportFeed(id: $id) { status progress market downloadUrl } }"


def test_graphql_create_poll_and_download(gql, catalogue, django_capture_on_commit_callbacks):
    partner = UserFactory(is_export_partner=True)
    with django_capture_on_commit_callbacks(execute=True):
        result = gql(CREATE, {"market": "EU", "format": "CSV"}, user=partner)
    payload = result.data["exportFeedCreate"]
    assert payload["errors"] == []
    feed_id = payload["exportFeed"]["id"]
    data = gql(FEED, {"id": feed_id}, user=partner).data["exportFeed"]
    assert data["status"] == "DONE" and data["progress"] == 1.0 and data["market"] == "EU"
    token = data["downloadUrl"].rstrip("/").rsplit("/", 1)[-1]
    response = export_feed_download(RequestFactory().get("/"), token)
    body = b"".join(response.streaming_content)
    assert body.startswith(b"product_id,slug,")
    # Another partner cannot see it; a shopper cannot ask.
    other = UserFactory(is_export_partner=True)
    assert gql(FEED, {"id": feed_id}, user=other).data["exportFeed"] is None
    assert gql(FEED, {"id": feed_id}).error_codes == ["PERMISSION_DENIED"]  # anonymous
    shopper = gql(CREATE, {"market": "EU", "format": "CSV"}, user=UserFactory())
    assert shopper.data["exportFeedCreate"]["errors"][0]["code"] == "PERMISSION_DENIED"


def test_bad_or_tampered_link_is_404(catalogue, django_capture_on_commit_callbacks):
    from django.http import Http404

    with django_capture_on_commit_callbacks(execute=True):
        feed = export_feed_request(user=UserFactory(is_staff=True), market_code="JP", format="CSV")
    good = download_token(feed)
    with pytest.raises(Http404):
        export_feed_download(RequestFactory().get("/"), good[:-2] + "xx")
    with pytest.raises(Http404):
        export_feed_download(RequestFactory().get("/"), "garbage")
