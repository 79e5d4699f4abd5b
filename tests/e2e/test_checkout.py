"""Buying in a real browser: two producers, cash on delivery, an address in Hà Nội."""

from __future__ import annotations

import re

import pytest

from backend.orders.models import Order
from backend.places.models import Commune
from tests.storefront.catalogue import make_catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_buy_from_two_producers_cash_on_delivery_to_hanoi(page):
    make_catalogue()
    commune = Commune.objects.filter(province__code="01").order_by("name").first()

    page.goto("/p/cha-ca-la-vong/")
    page.get_by_label("Số lượng").fill("2")
    page.get_by_role("button", name="Thêm vào giỏ").click()
    # htmx: the page stays, a message appears and the header count updates
    page.locator("#cart-feedback .message-success").wait_for()
    assert page.locator("#cart-link .count").inner_text() == "2"
    page.shoot("added")
    page.goto("/p/nuoc-mam-phu-quoc/")
    page.get_by_role("button", name="Thêm vào giỏ").click()
    page.locator("#cart-feedback .message-success").wait_for()
    page.goto("/cart/")
    assert page.locator("#cart-link .count").inner_text() == "3"
    # change a quantity in place (htmx): the totals and the header count follow
    page.get_by_label("Số lượng Nước mắm Phú Quốc 40 độ đạm").fill("2")
    page.get_by_label("Số lượng Nước mắm Phú Quốc 40 độ đạm").press("Enter")
    page.locator("#cart-link .count", has_text="4").wait_for()
    assert page.url.endswith("/cart/")
    page.shoot("cart")

    page.get_by_role("link", name="Thanh toán").click()
    page.wait_for_url("**/checkout/")
    page.get_by_label("E-mail").fill("lan@example.com")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Lan")
    page.get_by_label("Điện thoại").fill("0912 345 678")
    page.get_by_label("Số nhà, đường").fill("12 Hàng Bạc")
    page.get_by_label("Tỉnh, thành phố").select_option("01")
    # htmx fills the commune select for the chosen province
    page.locator(f'#id_commune_code option[value="{commune.code}"]').wait_for(state="attached")
    page.get_by_label("Xã, phường").select_option(commune.code)
    page.shoot("address")
    page.get_by_role("button", name="Lưu địa chỉ").click()

    page.locator('input[name="delivery_method"]').first.check()
    page.shoot("delivery")
    page.get_by_role("button", name="Chọn cách giao này").click()
    page.get_by_label("Thanh toán khi nhận hàng (COD)").check()
    page.shoot("payment")
    page.get_by_role("button", name="Đặt hàng").click()

    page.wait_for_url(re.compile(r"/orders/[0-9a-f-]+/$"))
    order = Order.objects.get()
    assert order.number in page.locator("h1").inner_text()
    assert order.producer_orders.count() == 2
    text = page.locator("main").inner_text()
    assert "HTX Chả cá Hà Thành" in text and "Công ty Nước mắm Phú Quốc" in text
    assert commune.name in text
    page.shoot("confirmation")
    assert page.locator("#cart-link .count").count() == 0
