""" "In stock" in search reads free stock (on hand minus held), so the checkout's holds and
their release send the product back to the search index on commit."""

from __future__ import annotations

from backend.checkout import services as checkout_services
from search.backends.base import SearchFilters
from search.selectors import search_product_ids
from search.tasks import sync_now
from tests.checkout.factories import ready_checkout, sellable_variant


def _in_stock_ids(text: str) -> list[int]:
    return search_product_ids(text, filters=SearchFilters(in_stock=True))


def test_holding_the_last_units_and_releasing_them_resyncs_in_stock(
    db, django_capture_on_commit_callbacks
):
    variant = sellable_variant(quantity=2, name_vi="Mật ong bạc hà", slug="mat-ong-bac-ha")
    sync_now([variant.product_id])
    assert _in_stock_ids("mat ong") == [variant.product_id]

    with django_capture_on_commit_callbacks(execute=True):
        info = ready_checkout([(variant, 2)])
        checkout_services.stock_reserve(checkout_info=info)
    assert _in_stock_ids("mat ong") == []

    with django_capture_on_commit_callbacks(execute=True):
        checkout_services.reservations_release(checkout_token=info.checkout.token)
    assert _in_stock_ids("mat ong") == [variant.product_id]
