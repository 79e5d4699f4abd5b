"""The markets API: markets, marketCompliance, the product field and filter helpers, order
estimates, and bad input with typed errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from backend.catalogue.models import ModerationStatus, Product
from backend.compliance.services import verdicts_recompute
from backend.core.errors import ServiceError
from backend.graphql.markets.filters import filter_products_by_market
from tests.factories import (
    ProducerDocumentFactory,
    ProducerFactory,
    ProductFactory,
    ProductVariantFactory,
    product_set,
    province,
)

pytestmark = pytest.mark.django_db

MARKETS = """
query ($first: Int) { markets(first: $first) { totalCount edges { node {
  code name countries currency defaultIncoterm isDomestic
  exchangeRate { currency vndPerUnit isEstimate }
  taxRules { country name standardRate foodRate collection source validFrom isEstimate }
  dutyRules { deMinimis { amount currency } flatDutyPerCategory { amount currency }
              dutyRate source validFrom validTo isEstimate }
  requiredDocuments { kind name appliesTo isMandatory }
} } } }
"""

COMPLIANCE = """
query ($id: ID!, $market: String!) { marketCompliance(productId: $id, market: $market) {
  market marketName verdict
  reasons { code message countries rule source validFrom }
  requiredDocuments { kind name held validUntil verified perShipment
                      rules { rule source validFrom } }
  countries { country verdict }
} }
"""


def test_markets_list_with_rules_in_constant_queries(gql, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # markets, count, 3 prefetches, rates
        result = gql(MARKETS, {"first": 20})
    assert not result.errors
    nodes = {e["node"]["code"]: e["node"] for e in result.data["markets"]["edges"]}
    assert result.data["markets"]["totalCount"] == 9
    eu = nodes["EU"]
    assert eu["currency"] == "EUR" and len(eu["countries"]) == 27
    flat = [d for d in eu["dutyRules"] if d["flatDutyPerCategory"]]
    assert flat[0]["flatDutyPerCategory"] == {"amount": 3.0, "currency": "EUR"}
    assert flat[0]["validFrom"] == "2026-07-01"
    assert nodes["JP"]["exchangeRate"]["isEstimate"] is True
    assert nodes["VN"]["isDomestic"] and nodes["VN"]["defaultIncoterm"] == "DDP"


def test_market_by_code_and_for_country(gql):
    data = gql(
        '{ market(code: "gcc") { code name } marketForCountry(country: "OM") { code } }',
        headers={"HTTP_ACCEPT_LANGUAGE": "en"},
    ).data
    assert data["market"] == {"code": "GCC", "name": "Gulf (GCC)"}
    assert data["marketForCountry"]["code"] == "GCC"


def test_unknown_market_and_country_are_typed_errors(gql):
    result = gql('{ market(code: "MARS") { code } }')
    assert result.error_codes == ["UNKNOWN_MARKET"]
    result = gql('{ marketForCountry(country: "BR") { code } }')
    assert result.error_codes == ["COUNTRY_NOT_SERVED"]
    product = ProductFactory()
    result = gql(COMPLIANCE, {"id": to_global_id("Product", product.pk), "market": "XX"})
    assert result.error_codes == ["UNKNOWN_MARKET"]
    assert result.status_code == 200


def test_spirits_to_the_gulf_explained_per_country(gql):
    spirits = ProductFactory(
        category=product_set("II-1a"), contains_alcohol=True, abv_percent=Decimal("29.5")
    )
    verdicts_recompute(product_ids=[spirits.pk])
    data = gql(
        COMPLIANCE,
        {"id": to_global_id("Product", spirits.pk), "market": "GCC"},
        headers={"HTTP_ACCEPT_LANGUAGE": "en"},
    ).data["marketCompliance"]
    assert data["verdict"] == "BLOCKED"
    [reason] = data["reasons"]
    assert reason["code"] == "ALCOHOL_BANNED" and reason["countries"] == ["KW", "QA", "SA"]
    assert reason["message"].startswith("Alcohol may not")
    assert reason["rule"] == "gcc-alcohol-banned" and reason["validFrom"] == "2020-01-01"
    countries = {c["country"]: c["verdict"] for c in data["countries"]}
    assert countries["SA"] == "BLOCKED" and countries["AE"] == "ELIGIBLE_WITH_DOCUMENTS"


def test_documents_held_in_vietnamese(gql):
    sauce = ProductFactory(category=product_set("I-4a"), contains_seafood=True)
    doc = ProducerDocumentFactory(producer=sauce.producer, kind="FDA_REGISTRATION")
    verdicts_recompute(product_ids=[sauce.pk])
    data = gql(
        COMPLIANCE,
        {"id": to_global_id("Product", sauce.pk), "market": "US"},
        headers={"HTTP_ACCEPT_LANGUAGE": "vi"},
    ).data["marketCompliance"]
    assert data["verdict"] == "ELIGIBLE_WITH_DOCUMENTS"
    docs = {d["kind"]: d for d in data["requiredDocuments"]}
    assert docs["FDA_REGISTRATION"]["held"] is True
    assert docs["FDA_REGISTRATION"]["verified"] is True
    assert docs["FDA_REGISTRATION"]["validUntil"] == doc.expires_on.isoformat()
    assert docs["PRIOR_NOTICE"]["held"] is False and docs["PRIOR_NOTICE"]["perShipment"]
    assert docs["HACCP"]["held"] is False
    assert docs["PRIOR_NOTICE"]["name"].startswith("Thông báo trước")
    assert docs["FDA_REGISTRATION"]["rules"][0]["source"]


def test_not_yet_stored_verdict_is_evaluated_live(gql):
    nest = ProductFactory(category=product_set("I-3d"), contains_birds_nest=True)
    data = gql(COMPLIANCE, {"id": to_global_id("Product", nest.pk), "market": "EU"}).data
    assert data["marketCompliance"]["verdict"] == "BLOCKED"
    assert data["marketCompliance"]["reasons"][0]["code"] == "BIRDS_NEST_NOT_PERMITTED"


def test_hidden_products_are_not_found(gql):
    draft = ProductFactory(moderation_status=ModerationStatus.DRAFT)
    result = gql(COMPLIANCE, {"id": to_global_id("Product", draft.pk), "market": "EU"})
    assert result.error_codes == ["NOT_FOUND"]
    result = gql(COMPLIANCE, {"id": "not-an-id", "market": "EU"})
    assert result.error_codes == ["GRAPHQL_ERROR"]


def test_market_filter_helper():
    ok = ProductFactory(category=product_set("IV-1"))
    nest = ProductFactory(category=product_set("I-3d"), contains_birds_nest=True)
    verdicts_recompute(product_ids=[ok.pk, nest.pk])
    qs = Product.objects.all()
    assert list(filter_products_by_market(qs, "EU").values_list("pk", flat=True)) == [ok.pk]
    blocked = filter_products_by_market(qs, "EU", ["BLOCKED"])
    assert list(blocked.values_list("pk", flat=True)) == [nest.pk]
    assert filter_products_by_market(qs, None).count() == 2
    with pytest.raises(ServiceError) as err:
        filter_products_by_market(qs, None, ["ELIGIBLE"])
    assert err.value.errors[0].field == "filter.market"
    with pytest.raises(ServiceError):
        filter_products_by_market(qs, "ATLANTIS")


ESTIMATE = """
query ($country: String!, $lines: [EstimateLineInput!]!, $incoterm: IncotermEnum) {
  orderEstimate(country: $country, lines: $lines, incoterm: $incoterm) {
    market country blockedLines { variantId reasons }
    shippingMethods { serviceCode price { amount currency } parcels daysMin daysMax }
    landedCost { currency incoterm goods { amount currency } shipping { amount }
                 duty { amount } tax { amount } total { amount } paidNow { amount }
                 dueOnDelivery { amount } taxCollection isEstimate }
  }
}
"""


def test_order_estimate_abroad_two_producers_one_blocked_line(gql):
    a = ProducerFactory(province=province("01"))
    b = ProducerFactory(province=province("79"))
    tea = ProductVariantFactory(
        product=ProductFactory(producer=a, category=product_set("I-5a"), hs_code="0902"),
        price_amount=Decimal("305000"),
        weight_grams=300,
    )
    hat = ProductVariantFactory(
        product=ProductFactory(producer=b, category=product_set("IV-1"), hs_code="6504"),
        price_amount=Decimal("610000"),
        weight_grams=400,
    )
    pork = ProductVariantFactory(
        product=ProductFactory(producer=b, contains_pork=True, contains_meat=True)
    )
    lines = [
        {"variantId": to_global_id("ProductVariant", v.pk), "quantity": 1} for v in (tea, hat, pork)
    ]
    data = gql(ESTIMATE, {"country": "DE", "lines": lines, "incoterm": "DDU"}).data
    est = data["orderEstimate"]
    assert est["market"] == "EU" and est["country"] == "DE"
    assert est["blockedLines"] == [
        {"variantId": lines[2]["variantId"], "reasons": ["MEAT_IN_PARCEL_BANNED"]}
    ]
    express = next(m for m in est["shippingMethods"] if m["serviceCode"] == "VTP_INTL_EXPRESS")
    assert express["parcels"] == 2  # one per producer
    lc = est["landedCost"]
    assert lc["currency"] == "EUR" and lc["incoterm"] == "DDU"
    assert lc["goods"] == {"amount": 30.0, "currency": "EUR"}  # 915,000 VND at 30,500
    assert lc["duty"]["amount"] == 6.0  # two item categories x EUR 3 (from 2026-07-01)
    assert lc["taxCollection"] == "AT_SALE"
    total = (
        lc["goods"]["amount"]
        + lc["shipping"]["amount"]
        + lc["duty"]["amount"]
        + lc["tax"]["amount"]
    )
    assert lc["total"]["amount"] == pytest.approx(total)
    assert lc["paidNow"]["amount"] + lc["dueOnDelivery"]["amount"] == pytest.approx(total)
    assert lc["dueOnDelivery"]["amount"] == 6.0


def test_order_estimate_bad_input(gql):
    v = ProductVariantFactory()
    line = [{"variantId": to_global_id("ProductVariant", v.pk), "quantity": 1}]
    assert gql(ESTIMATE, {"country": "BR", "lines": line}).error_codes == ["COUNTRY_NOT_SERVED"]
    zero = [{"variantId": line[0]["variantId"], "quantity": 0}]
    assert gql(ESTIMATE, {"country": "DE", "lines": zero}).error_codes == ["INVALID_AMOUNT"]
    assert gql(ESTIMATE, {"country": "DE", "lines": []}).error_codes == ["INVALID"]
    ghost = [{"variantId": to_global_id("ProductVariant", 999999), "quantity": 1}]
    assert gql(ESTIMATE, {"country": "DE", "lines": ghost}).error_codes == ["NOT_FOUND"]


def test_order_estimate_in_vietnam_by_province(gql):
    producer = ProducerFactory(province=province("01"))
    v = ProductVariantFactory(
        product=ProductFactory(producer=producer), weight_grams=400, price_amount=Decimal("100000")
    )
    line = [{"variantId": to_global_id("ProductVariant", v.pk), "quantity": 1}]
    query = """query ($lines: [EstimateLineInput!]!, $p: String) {
      orderEstimate(country: "VN", province: $p, lines: $lines) {
        market shippingMethods { serviceCode price { amount } daysMax }
        landedCost { currency total { amount } duty { amount } tax { amount } incoterm } } }"""
    same = gql(query, {"lines": line, "p": "01"}).data["orderEstimate"]
    far = gql(query, {"lines": line, "p": "79"}).data["orderEstimate"]
    assert same["market"] == "VN"
    price = {m["serviceCode"]: m["price"]["amount"] for m in same["shippingMethods"]}
    far_price = {m["serviceCode"]: m["price"]["amount"] for m in far["shippingMethods"]}
    assert price["VTP_DOMESTIC"] == 16000 + 500  # in-province + 0.5% insurance
    assert far_price["VTP_DOMESTIC"] == 30000 + 500  # inter-region
    lc = same["landedCost"]
    assert lc["currency"] == "VND" and lc["duty"]["amount"] == 0 and lc["tax"]["amount"] == 0
    assert lc["total"]["amount"] == 100000 + min(price.values())
