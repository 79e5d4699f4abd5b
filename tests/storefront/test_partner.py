"""The export partner portal."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_client(client):
    client.force_login(UserFactory(is_export_partner=True))
    return client


def test_portal_needs_an_export_partner(client, catalogue):
    assert client.get(reverse("storefront:partner")).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("storefront:partner")).status_code == 403


def test_catalogue_by_market_and_verdict(partner_client, catalogue):
    html = partner_client.get(
        reverse("storefront:partner"),
        {"market": "EU", "verdict": "BLOCKED"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Thanh Hoa fermented pork roll" in html  # raw fermented pork never leaves Vietnam
    assert "Bat Trang blue-glaze vase" not in html
    eligible = partner_client.get(
        reverse("storefront:partner"), {"market": "EU"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Thanh Hoa fermented pork roll" not in eligible
    assert "Bat Trang blue-glaze vase" in eligible
    assert "€" in eligible  # prices in the market's currency


def test_unknown_market_is_a_clear_error(partner_client, catalogue):
    response = partner_client.get(reverse("storefront:partner"), {"market": "XX"})
    assert response.status_code == 200
    assert 'class="form-errors"' in response.content.decode()


def test_compliance_detail_explains_the_verdict(partner_client, catalogue):
    url = reverse("storefront:partner_product", args=[catalogue.nem.pk])
    html = partner_client.get(url, {"market": "EU"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Blocked" in html
    assert "RAW_FERMENTED_MEAT" in html
    assert partner_client.get(url, {"market": "XX"}).status_code == 404
    draft = reverse("storefront:partner_product", args=[catalogue.draft.pk])
    assert partner_client.get(draft, {"market": "EU"}).status_code == 404


def test_feed_is_built_and_downloaded_by_its_partner_only(
    partner_client, client, catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the build is queued on commit
        response = partner_client.post(
            reverse("storefront:partner_feed_request"), {"market": "EU", "format": "CSV"}
        )
    assert response.status_code == 302
    html = partner_client.get(reverse("storefront:partner"), {"market": "EU"}).content.decode()
    link = re.search(r'href="(/partner/feeds/[^"]+/)" download', html).group(1)
    download = partner_client.get(link)
    assert download.status_code == 200
    body = b"".join(download.streaming_content).decode()
    assert "binh-gom-bat-trang" in body or "Bình gốm men lam Bát Tràng" in body
    assert "nem-chua-thanh-hoa" not in body
    other = UserFactory(is_export_partner=True)
    client.force_login(other)
    assert client.get(link).status_code == 404
    assert partner_client.get("/partner/feeds/forged-token/").status_code == 404
