"""The international delivery provider, the cannot-ship problem checker and the checkout's
landed cost, plugged into checkout through its settings (no change to checkout code)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.checkout import services
from backend.checkout.error_codes import CheckoutProblemCode
from backend.checkout.services import LineInput
from backend.compliance.services import verdicts_recompute
from backend.markets.checkout import checkout_landed_cost
from tests.checkout.factories import sellable_variant, us_address, vn_address
from tests.factories import ProducerFactory, product_set, province

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plugged(settings):
    settings.CHECKOUT_DELIVERY_PROVIDERS = [
        "backend.checkout.delivery.DomesticFlatRateProvider",
        "backend.shipping.providers.InternationalShippingProvider",
    ]
    settings.CHECKOUT_PROBLEM_CHECKERS = [
        "backend.checkout.problems.line_problems",
        "backend.checkout.problems.delivery_problems",
        "backend.compliance.checkout.cannot_ship_problems",
    ]


def de_address():
    return us_address(
        country="DE", city="Berlin", country_area="", postal_code="10115", phone="+49 30 901820"
    )


def test_international_methods_one_parcel_per_producer_and_choosable():
    a = ProducerFactory(province=province("01"))
    b = ProducerFactory(province=province("79"))
    tea = sellable_variant(
        producer=a, category=product_set("I-5a"), hs_code="0902", weight_grams=300
    )
    hat = sellable_variant(
        producer=b, category=product_set("IV-1"), hs_code="6504", weight_grams=400
    )
    info = services.checkout_create(
        user=None, lines=[LineInput(tea.pk, 2), LineInput(hat.pk, 1)], shipping_address=us_address()
    )
    ids = [m.id for m in info.delivery_methods]
    assert ids == ["intl:VTP_INTL_ECONOMY", "intl:VTP_INTL_EXPRESS"]  # cheapest first
    express = info.delivery_methods[1]
    assert {p.producer_id for p in express.parcels} == {a.pk, b.pk}
    assert express.price == sum(p.price for p in express.parcels)
    assert express.min_days is not None and express.max_days >= express.min_days
    info = services.checkout_delivery_method_update(
        token=info.checkout.token, user=None, delivery_method_id="intl:VTP_INTL_EXPRESS"
    )
    assert info.shipping_price == express.price
    assert info.problems == []


def test_domestic_address_gets_no_international_method():
    v = sellable_variant()
    info = services.checkout_create(
        user=None, lines=[LineInput(v.pk, 1)], shipping_address=vn_address()
    )
    assert not [m for m in info.delivery_methods if m.id.startswith("intl:")]


def test_line_that_cannot_go_is_a_blocking_problem_with_reason_codes():
    pork = sellable_variant(
        category=product_set("I-3d"), contains_pork=True, contains_meat=True, name_en="Pork roll"
    )
    tea = sellable_variant(category=product_set("I-5a"))
    verdicts_recompute(product_ids=[pork.product_id])  # stored for one, live for the other
    info = services.checkout_create(
        user=None,
        lines=[LineInput(pork.pk, 1), LineInput(tea.pk, 1)],
        shipping_address=de_address(),
        language_code="en",
    )
    [problem] = [p for p in info.problems if p.code == CheckoutProblemCode.CANNOT_SHIP]
    assert problem.variant_id == pork.pk and problem.is_blocking
    assert "MEAT_IN_PARCEL_BANNED" in problem.message_en
    assert "bưu kiện" in problem.message_vi
    # The blocked line is left out of the parcels the methods are priced on.
    express = next(m for m in info.delivery_methods if m.id == "intl:VTP_INTL_EXPRESS")
    assert [p.producer_id for p in express.parcels] == [tea.product.producer_id]


def test_spirits_problem_depends_on_the_gulf_country():
    spirits = sellable_variant(
        category=product_set("II-1a"), contains_alcohol=True, abv_percent=Decimal("12")
    )
    sa = services.checkout_create(
        user=None,
        lines=[LineInput(spirits.pk, 1)],
        shipping_address=us_address(
            country="SA",
            city="Riyadh",
            country_area="",
            postal_code="12211",
            phone="+966 11 234 5678",
        ),
    )
    assert [p.code for p in sa.problems] == [CheckoutProblemCode.CANNOT_SHIP]
    ae = services.checkout_create(
        user=None,
        lines=[LineInput(spirits.pk, 1)],
        shipping_address=us_address(
            country="AE", city="Dubai", country_area="", postal_code="", phone="+971 2 234 5678"
        ),
    )
    assert ae.problems == []


def test_country_in_no_market_cannot_ship():
    v = sellable_variant()
    info = services.checkout_create(
        user=None,
        lines=[LineInput(v.pk, 1)],
        shipping_address=us_address(
            country="BR",
            city="São Paulo",
            country_area="SP",
            postal_code="01310-100",
            phone="+55 11 2345-6789",
        ),
    )
    assert [p.code for p in info.problems] == [CheckoutProblemCode.CANNOT_SHIP]
    assert "COUNTRY_NOT_SERVED" in info.problems[0].message_en
    assert [m for m in info.delivery_methods if m.id.startswith("intl:")] == []
    assert checkout_landed_cost(info) is None


def test_checkout_landed_cost_ddp_and_ddu():
    tea = sellable_variant(category=product_set("I-5a"), hs_code="0902", price=305_000)
    info = services.checkout_create(
        user=None, lines=[LineInput(tea.pk, 2)], shipping_address=de_address()
    )
    info = services.checkout_delivery_method_update(
        token=info.checkout.token, user=None, delivery_method_id="intl:VTP_INTL_EXPRESS"
    )
    ddp = checkout_landed_cost(info)
    assert ddp.currency == "EUR" and ddp.incoterm == "DDP"
    assert ddp.goods.amount == Decimal("20.00")  # 610,000 VND at 30,500
    assert ddp.shipping.amount == (info.shipping_price / Decimal(30500)).quantize(Decimal("0.01"))
    assert ddp.duty.amount == Decimal("3.00")  # one item category
    assert ddp.paid_now == ddp.total and ddp.due_on_delivery.amount == 0
    ddu = checkout_landed_cost(info, incoterm="DDU")
    from backend.graphql.markets.types import IncotermEnum, resolve_checkout_landed_cost

    assert resolve_checkout_landed_cost(info, IncotermEnum.DDU) == ddu
    assert ddu.due_on_delivery.amount == Decimal("3.00")
    assert ddu.paid_now + ddu.due_on_delivery == ddu.total == ddp.total


def test_provider_queries_do_not_grow_with_lines(django_assert_max_num_queries):
    from backend.checkout.fetch import fetch_checkout_info

    variants = [sellable_variant(category=product_set("I-5a")) for _ in range(6)]
    info = services.checkout_create(
        user=None, lines=[LineInput(variants[0].pk, 1)], shipping_address=us_address()
    )
    few = fetch_checkout_info(info.checkout)
    with django_assert_max_num_queries(16) as few_ctx:
        _ = few.delivery_methods, few.problems
    services.checkout_lines_add(
        token=info.checkout.token, user=None, lines=[LineInput(v.pk, 1) for v in variants[1:]]
    )
    many = fetch_checkout_info(info.checkout)
    with django_assert_max_num_queries(16) as many_ctx:
        _ = many.delivery_methods, many.problems
    assert len(many_ctx.captured_queries) == len(few_ctx.captured_queries)


def test_domestic_zoned_provider_offers_cold_chain_only_for_chilled_goods(settings):
    settings.CHECKOUT_DELIVERY_PROVIDERS = ["backend.shipping.providers.DomesticZonedProvider"]
    hanoi = ProducerFactory(province=province("01"))
    cake = sellable_variant(producer=hanoi, storage_class="AMBIENT", weight_grams=400)
    info = services.checkout_create(
        user=None, lines=[LineInput(cake.pk, 1)], shipping_address=vn_address()
    )
    by_id = {m.id: m for m in info.delivery_methods}
    assert set(by_id) == {"vn-zone:VTP_DOMESTIC", "vn-zone:VTP_COLD"}
    [parcel] = by_id["vn-zone:VTP_DOMESTIC"].parcels
    assert parcel.producer_id == hanoi.pk
    assert parcel.price == 16000 + 750  # in-province base + 0.5% insurance of 150,000
    gio = sellable_variant(producer=hanoi, storage_class="CHILLED", contains_pork=True)
    info = services.checkout_create(
        user=None, lines=[LineInput(gio.pk, 1)], shipping_address=vn_address()
    )
    assert [m.id for m in info.delivery_methods] == ["vn-zone:VTP_COLD"]
