"""Ship-to country: prices in the market's currency, eligibility, shipping and landed cost,
all from the markets, compliance and shipping domains."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from backend.markets.selectors import rate_for

pytestmark = pytest.mark.django_db


def ship_to(client, country):
    client.post(reverse("storefront:ship_to"), {"country": country, "next": "/"})


def test_japan_shows_yen_prices_converted_by_the_markets_rate(client, catalogue):
    ship_to(client, "JP")
    html = client.get("/p/cha-ca-la-vong/", HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    yen = rate_for("JPY").from_vnd(Decimal("180000")).amount
    assert f"¥{int(yen):,}" in html
    assert "Prices in JPY" in html
    search = client.get(
        "/search/?q=cha+ca", HTTP_ACCEPT_LANGUAGE="en", follow=True
    ).content.decode()
    assert f"¥{int(yen):,}" in search


def test_vietnam_keeps_dong(client, catalogue):
    html = client.get("/p/cha-ca-la-vong/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "180.000 ₫" in html
    assert "Giá tính bằng VND" in html


def test_eligibility_table_and_blocked_product_for_japan(client, catalogue):
    ship_to(client, "JP")
    html = client.get(
        "/p/nem-chua-thanh-hoa/", HTTP_ACCEPT_LANGUAGE="en", follow=True
    ).content.decode()
    assert 'id="my-market-verdict"' in html
    assert "cannot be shipped to Japan" in html
    table = html[html.index('class="table eligibility"') :]
    assert re.search(r'class="verdict-blocked mine"', table)
    assert "Blocked" in table
    assert 'id="landed-cost"' not in html  # nothing to land when it cannot go


def test_landed_cost_and_shipping_estimate_abroad(client, catalogue):
    ship_to(client, "JP")
    html = client.get(
        "/p/binh-gom-bat-trang/", HTTP_ACCEPT_LANGUAGE="en", follow=True
    ).content.decode()
    assert 'id="my-market-verdict"' not in html
    assert 'id="landed-cost"' in html
    assert "Landed cost estimate" in html
    assert "Due on delivery" in html
    assert "Shipping to Japan" in html


def test_a_country_in_no_market_falls_back_to_dong(client, catalogue):
    ship_to(client, "AQ")  # Antarctica: a valid country that no market serves
    html = client.get("/p/cha-ca-la-vong/", HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "Prices in VND" in html


def test_can_ship_to_my_market_filter(client, catalogue):
    ship_to(client, "JP")
    html = client.get("/search/", {"q": "cha"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="ships" value="1"' in html
    everything = client.get("/search/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Thanh Hoa fermented pork roll" in everything
    shippable = client.get("/search/", {"ships": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    names = shippable.content.decode()
    assert "Thanh Hoa fermented pork roll" not in names  # blocked for Japan
    assert "Bat Trang blue-glaze vase" in names


def test_eligibility_before_verdicts_are_stored_comes_from_the_evaluator(client, db):
    from backend.compliance.models import ProductMarketVerdict
    from tests.factories import OcopCertificateFactory, ProductFactory, ProductVariantFactory

    product = ProductFactory(
        slug="nem-moi", name_vi="Nem chua mới", contains_pork=True, contains_meat=True,
        is_raw_fermented=True, storage_class="CHILLED", shelf_life_days=5,
    )  # fmt: skip
    ProductVariantFactory(product=product)
    OcopCertificateFactory(product=product)
    assert not ProductMarketVerdict.objects.filter(product=product).exists()
    html = client.get("/p/nem-moi/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    table = html[html.index('class="table eligibility"') :]
    assert table.count("verdict-blocked") >= 7  # every market abroad
