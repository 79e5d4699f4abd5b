from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from backend.catalogue.models import ModerationStatus, Product, ProductVariant
from backend.certification.models import OcopCertificate
from backend.checkout import services
from backend.checkout.error_codes import CheckoutErrorCode, CheckoutProblemCode
from backend.checkout.fetch import fetch_checkout_info
from backend.checkout.models import Checkout, DomesticShippingRate, StockReservation
from backend.checkout.services import LineInput
from backend.core.errors import ServiceError
from tests.checkout.factories import (
    ready_checkout,
    sellable_variant,
    standard_rate,
    us_address,
    vn_address,
)
from tests.factories import ProducerFactory, ProductFactory, ProductVariantFactory, UserFactory

pytestmark = pytest.mark.django_db


def error_codes(excinfo) -> list[CheckoutErrorCode]:
    return [e.code for e in excinfo.value.errors]


def test_create_with_lines_prices_and_domestic_delivery():
    producer_a, producer_b = ProducerFactory(), ProducerFactory()
    a1 = sellable_variant(producer=producer_a, price=100_000)
    a2 = sellable_variant(producer=producer_a, price=50_000)
    b1 = sellable_variant(producer=producer_b, price=200_000)
    info = ready_checkout([(a1, 2), (a2, 1), (b1, 1)])
    assert info.subtotal == Decimal(450_000)
    rate = standard_rate()
    # One parcel per producer: two parcels.
    assert info.shipping_price == rate.price_per_parcel * 2
    assert info.total == Decimal(450_000) + rate.price_per_parcel * 2
    method = info.delivery_method
    assert {p.producer_id for p in method.parcels} == {producer_a.pk, producer_b.pk}
    assert info.problems == []


def test_same_variant_twice_is_one_line_and_lines_add_merges():
    variant = sellable_variant()
    info = services.checkout_create(
        user=None, lines=[LineInput(variant.pk, 1), LineInput(variant.pk, 2)]
    )
    assert [li.line.quantity for li in info.lines] == [3]
    info = services.checkout_lines_add(
        token=info.checkout.token, user=None, lines=[LineInput(variant.pk, 4)]
    )
    assert [li.line.quantity for li in info.lines] == [7]


def test_lines_update_to_zero_removes_and_delete_by_id():
    v1, v2 = sellable_variant(), sellable_variant()
    info = services.checkout_create(user=None, lines=[LineInput(v1.pk, 1), LineInput(v2.pk, 1)])
    token = info.checkout.token
    info = services.checkout_lines_update(token=token, user=None, lines=[LineInput(v1.pk, 0)])
    assert [li.variant.pk for li in info.lines] == [v2.pk]
    info = services.checkout_lines_delete(token=token, user=None, line_ids=[info.lines[0].line.pk])
    assert info.lines == []
    with pytest.raises(ServiceError) as excinfo:
        services.checkout_lines_delete(token=token, user=None, line_ids=[999999])
    assert error_codes(excinfo) == [CheckoutErrorCode.LINE_NOT_FOUND]


@pytest.mark.parametrize(
    ("quantity", "code"),
    [
        (0, CheckoutErrorCode.INVALID_QUANTITY),
        (-3, CheckoutErrorCode.INVALID_QUANTITY),
        (10**9, CheckoutErrorCode.QUANTITY_GREATER_THAN_LIMIT),
    ],
)
def test_bad_quantities(quantity, code):
    variant = sellable_variant()
    with pytest.raises(ServiceError) as excinfo:
        services.checkout_create(user=None, lines=[LineInput(variant.pk, quantity)])
    assert error_codes(excinfo) == [code]
    assert not Checkout.objects.exists()


def test_unknown_variant_and_unsellable_products():
    draft = ProductVariantFactory(product=ProductFactory(moderation_status=ModerationStatus.DRAFT))
    uncertified = ProductVariantFactory()  # approved but no certificate
    with pytest.raises(ServiceError) as excinfo:
        services.checkout_create(
            user=None,
            lines=[LineInput(987654, 1), LineInput(draft.pk, 1), LineInput(uncertified.pk, 1)],
        )
    assert error_codes(excinfo) == [
        CheckoutErrorCode.VARIANT_NOT_FOUND,
        CheckoutErrorCode.PRODUCT_NOT_AVAILABLE,
        CheckoutErrorCode.PRODUCT_NOT_CERTIFIED,
    ]


def test_more_than_in_stock_is_refused():
    variant = sellable_variant(quantity=3)
    with pytest.raises(ServiceError) as excinfo:
        services.checkout_create(user=None, lines=[LineInput(variant.pk, 4)])
    assert error_codes(excinfo) == [CheckoutErrorCode.INSUFFICIENT_STOCK]


def test_problems_price_changed_expired_certificate_out_of_stock():
    v1, v2, v3 = sellable_variant(), sellable_variant(), sellable_variant(quantity=5)
    info = ready_checkout([(v1, 1), (v2, 1), (v3, 5)])
    ProductVariant.objects.filter(pk=v1.pk).update(price_amount=Decimal(175_000))
    OcopCertificate.objects.filter(product=v2.product).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    ProductVariant.objects.filter(pk=v3.pk).update(quantity=2)
    info = fetch_checkout_info(info.checkout)
    found = {(p.code, p.variant_id, p.is_blocking) for p in info.problems}
    assert found == {
        (CheckoutProblemCode.PRICE_CHANGED, v1.pk, False),
        (CheckoutProblemCode.PRODUCT_NOT_CERTIFIED, v2.pk, True),
        (CheckoutProblemCode.INSUFFICIENT_STOCK, v3.pk, True),
    }
    # The order is priced at today's price.
    assert info.subtotal == Decimal(175_000 + 150_000 + 5 * 150_000)
    problem = next(p for p in info.problems if p.code == CheckoutProblemCode.PRICE_CHANGED)
    assert "175,000" in problem.message("en") and "Giá" in problem.message("vi")


def test_product_withdrawn_after_adding_is_a_problem():
    variant = sellable_variant()
    info = ready_checkout([(variant, 1)])
    Product.objects.filter(pk=variant.product_id).update(
        moderation_status=ModerationStatus.ARCHIVED
    )
    info = fetch_checkout_info(info.checkout)
    assert [p.code for p in info.problems] == [CheckoutProblemCode.PRODUCT_NOT_AVAILABLE]


def test_foreign_address_gets_no_domestic_method_and_clears_choice():
    variant = sellable_variant()
    info = ready_checkout([(variant, 1)])
    assert info.delivery_method is not None
    info = services.checkout_shipping_address_update(
        token=info.checkout.token, user=None, address=us_address()
    )
    # Abroad: no domestic rate; what is offered comes from the plugged-in providers.
    assert not [m for m in info.delivery_methods if m.id.startswith("domestic-flat:")]
    assert info.checkout.delivery_method_id == ""
    with pytest.raises(ServiceError) as excinfo:
        services.checkout_delivery_method_update(
            token=info.checkout.token,
            user=None,
            delivery_method_id=f"domestic-flat:{standard_rate().pk}",
        )
    assert error_codes(excinfo) == [CheckoutErrorCode.DELIVERY_METHOD_NOT_APPLICABLE]


def test_flat_rate_is_data():
    variant = sellable_variant()
    DomesticShippingRate.objects.filter(name_en="Standard delivery").update(price_per_parcel=12_345)
    DomesticShippingRate.objects.filter(name_en="Express delivery").update(is_active=False)
    info = services.checkout_create(
        user=None, lines=[LineInput(variant.pk, 1)], shipping_address=vn_address()
    )
    assert [(m.name_en, m.price) for m in info.delivery_methods] == [
        ("Standard delivery", Decimal(12_345))
    ]


class FixedProvider:
    """A stand-in for another helper's provider: proves the plug point needs no change here."""

    def methods(self, checkout_info):
        from backend.checkout.delivery import DeliveryMethod, Parcel

        if checkout_info.shipping_address is None or checkout_info.shipping_address.is_domestic:
            return []
        parcels = tuple(Parcel(p.pk, Decimal(400_000)) for p in checkout_info.producers)
        return [
            DeliveryMethod(
                "intl-test:1",
                "Quốc tế",
                "International",
                Decimal(400_000) * len(parcels),
                parcels=parcels,
            )
        ]


def cannot_ship_pork(checkout_info):
    from backend.checkout.problems import CheckoutProblem

    return [
        CheckoutProblem(
            CheckoutProblemCode.CANNOT_SHIP,
            "Không gửi được",
            "Cannot ship",
            variant_id=li.variant.pk,
        )
        for li in checkout_info.lines
        if li.product.contains_pork and not checkout_info.shipping_address.is_domestic
    ]


def test_delivery_providers_and_problem_checkers_plug_in_by_setting(settings):
    settings.CHECKOUT_DELIVERY_PROVIDERS = [
        "backend.checkout.delivery.DomesticFlatRateProvider",
        "tests.checkout.test_checkout_services.FixedProvider",
    ]
    settings.CHECKOUT_PROBLEM_CHECKERS = [
        "backend.checkout.problems.line_problems",
        "tests.checkout.test_checkout_services.cannot_ship_pork",
    ]
    pork = sellable_variant(contains_pork=True)
    info = services.checkout_create(
        user=None, lines=[LineInput(pork.pk, 1)], shipping_address=us_address()
    )
    assert [m.id for m in info.delivery_methods] == ["intl-test:1"]
    assert [p.code for p in info.problems] == [CheckoutProblemCode.CANNOT_SHIP]
    info = services.checkout_delivery_method_update(
        token=info.checkout.token, user=None, delivery_method_id="intl-test:1"
    )
    assert info.shipping_price == Decimal(400_000)


def test_signed_in_checkout_is_private_and_deleted_checkout_is_not_found():
    owner, other = UserFactory(), UserFactory()
    variant = sellable_variant()
    info = services.checkout_create(user=owner, lines=[LineInput(variant.pk, 1)])
    assert info.checkout.email == owner.email
    for user in (None, other):
        with pytest.raises(ServiceError) as excinfo:
            services.checkout_email_update(
                token=info.checkout.token, user=user, email="x@example.com"
            )
        assert error_codes(excinfo) == [CheckoutErrorCode.CHECKOUT_NOT_FOUND]
    services.checkout_delete(token=info.checkout.token, user=owner)
    with pytest.raises(ServiceError) as excinfo:
        services.checkout_lines_add(
            token=info.checkout.token, user=owner, lines=[LineInput(variant.pk, 1)]
        )
    assert error_codes(excinfo) == [CheckoutErrorCode.CHECKOUT_NOT_FOUND]


def test_invalid_email():
    info = services.checkout_create(user=None, lines=[LineInput(sellable_variant().pk, 1)])
    with pytest.raises(ServiceError) as excinfo:
        services.checkout_email_update(token=info.checkout.token, user=None, email="not-an-email")
    assert error_codes(excinfo) == [CheckoutErrorCode.INVALID]


def test_reservation_holds_stock_and_expiry_releases_it():
    variant = sellable_variant(quantity=5)
    info = ready_checkout([(variant, 3)])
    services.stock_reserve(checkout_info=info)
    variant.refresh_from_db()
    assert variant.quantity_allocated == 3
    # Renewing the hold does not allocate twice.
    services.stock_reserve(checkout_info=fetch_checkout_info(info.checkout))
    variant.refresh_from_db()
    assert variant.quantity_allocated == 3
    # Another shopper cannot take more than the 2 free units.
    with pytest.raises(ServiceError) as excinfo:
        ready_checkout([(variant, 3)])
    assert error_codes(excinfo) == [CheckoutErrorCode.INSUFFICIENT_STOCK]
    # Not expired yet: nothing released.
    assert services.reservations_release_expired() == 0
    later = timezone.now() + datetime.timedelta(minutes=16)
    assert services.reservations_release_expired(now=later) == 3
    variant.refresh_from_db()
    assert variant.quantity_allocated == 0
    assert not StockReservation.objects.exists()


def test_release_task_and_cancellation(settings):
    from backend.checkout.tasks import release_expired_reservations

    variant = sellable_variant(quantity=5)
    info = ready_checkout([(variant, 2)])
    services.stock_reserve(checkout_info=info)
    StockReservation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert release_expired_reservations.delay().get() == 2
    info = ready_checkout([(variant, 4)])
    services.stock_reserve(checkout_info=info)
    services.checkout_delete(token=info.checkout.token, user=None)
    variant.refresh_from_db()
    assert variant.quantity_allocated == 0


def test_stale_checkouts_are_deleted_with_their_holds():
    from backend.checkout.models import Address
    from backend.checkout.tasks import delete_stale_checkouts

    variant = sellable_variant(quantity=5)
    old = ready_checkout([(variant, 2)])
    services.stock_reserve(checkout_info=old)
    fresh = ready_checkout([(variant, 1)])
    Checkout.objects.filter(token=old.checkout.token).update(
        updated_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert delete_stale_checkouts.delay().get() == 1
    assert list(Checkout.objects.values_list("token", flat=True)) == [fresh.checkout.token]
    assert not Address.objects.filter(pk=old.checkout.shipping_address_id).exists()
    variant.refresh_from_db()
    assert variant.quantity_allocated == 0


def test_errors_name_the_input_line_and_the_product():
    good, uncertified = sellable_variant(quantity=1), ProductVariantFactory()
    info = services.checkout_create(user=None, lines=[LineInput(good.pk, 1)])
    with pytest.raises(ServiceError) as excinfo:
        services.checkout_lines_add(
            token=info.checkout.token,
            user=None,
            lines=[LineInput(good.pk, 0 + 1), LineInput(uncertified.pk, 1)],
        )
    assert [(e.code, e.field) for e in excinfo.value.errors] == [
        (CheckoutErrorCode.PRODUCT_NOT_CERTIFIED, "lines.1.variant_id")
    ]
    services.checkout_email_update(token=info.checkout.token, user=None, email="a@example.com")
    other = ready_checkout([(good, 1)])
    services.stock_reserve(checkout_info=other)
    with pytest.raises(ServiceError) as excinfo:
        services.stock_reserve(checkout_info=fetch_checkout_info(info.checkout))
    assert excinfo.value.errors[0].message == f"{good.product.name_vi}: chỉ còn 0."
