"""Shopper journeys in a real browser (chromium via Playwright)."""

from __future__ import annotations

import re

import pytest

from tests.storefront.catalogue import make_catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def card_names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.strip() for t in page.locator(".product-card .card-title").all_inner_texts()]


def test_search_cha_ca_and_narrow_by_stars_and_province(page):
    make_catalogue()
    page.goto("/")
    page.shoot("home")
    box = page.get_by_label("Tìm sản phẩm")
    box.fill("cha ca")
    # suggestions come while typing (htmx)
    page.locator("#suggestions a", has_text="Chả cá Lã Vọng").first.wait_for()
    page.shoot("suggestions")
    # the keyboard reaches the suggestions and Escape comes back to the box
    box.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('#suggestions') !== null")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "site-search"
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=cha\+ca"))
    names = card_names(page)
    # both fish cakes, first by relevance (typo tolerance may add near matches after them)
    assert set(names[:2]) == {"Chả cá Lã Vọng", "Chả cá Thăng Long"}
    assert "Bình gốm men lam Bát Tràng" not in names
    page.shoot("search")

    page.locator('input[name="stars"][value="5"]').check()
    page.wait_for_url(re.compile(r"stars=5"))
    page.locator('input[name="province"][value="01"]').check()
    page.wait_for_url(re.compile(r"province=01"))
    assert card_names(page) == ["Chả cá Lã Vọng"]
    assert "1 sản phẩm" in page.locator(".result-count").inner_text()
    page.shoot("narrowed")
    # The URL holds the state: reloading shows the same narrowed page.
    page.reload()
    assert card_names(page) == ["Chả cá Lã Vọng"]
    assert page.locator('input[name="stars"][value="5"]').is_checked()


def test_open_a_product_and_read_its_certificate_and_qr(page):
    catalogue = make_catalogue()
    page.goto("/search/?q=cha+ca+la+vong")
    page.get_by_role("link", name="Chả cá Lã Vọng").first.click()
    page.wait_for_url("**/p/cha-ca-la-vong/")
    cert = page.locator("#certificate")
    assert "OCOP-HN-0005" in cert.inner_text()
    assert "2361/QĐ-BNNMT" in cert.inner_text()
    expires = catalogue.cha_ca.current_certificate.expires_on.strftime("%d/%m/%Y")
    assert expires in cert.inner_text()
    qr = page.locator(".trace-box img")
    assert qr.get_attribute("src") == "/trace/lot-chaca-2026-01/qr.svg"
    assert page.locator(".trace-box a").get_attribute("href") == "/trace/lot-chaca-2026-01/"
    qr.scroll_into_view_if_needed()
    page.wait_for_load_state("load")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the QR image really loads
    page.shoot("product")
    page.locator(".trace-box a").click()
    page.wait_for_url("**/trace/lot-chaca-2026-01/")
    assert "lot-chaca-2026-01" in page.locator("body").inner_text()
    assert "OCOP-HN-0005" in page.locator("body").inner_text()
    page.shoot("trace")


def test_switch_language_to_english_and_back(page):
    make_catalogue()
    page.goto("/p/cha-ca-la-vong/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_label("Ngôn ngữ").select_option("en")
    page.wait_for_selector("html[lang='en']", state="attached")
    page.wait_for_url("**/p/la-vong-fish-cake/")
    assert page.locator("h1").inner_text() == "La Vong fish cake"
    assert page.get_by_text("Valid until").is_visible()
    page.shoot("product-en")
    page.get_by_label("Language").select_option("vi")
    page.wait_for_selector("html[lang='vi']", state="attached")
    assert page.locator("h1").inner_text() == "Chả cá Lã Vọng"


def test_keyboard_user_can_skip_to_content(page):
    make_catalogue()
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # every image has an alt text
    assert page.locator("img:not([alt])").count() == 0


def test_phone_layout_has_no_horizontal_scroll(page):
    make_catalogue()
    page.set_viewport_size({"width": 390, "height": 844})
    for url, name in (
        ("/", "home-phone"),
        ("/search/?q=cha+ca", "search-phone"),
        ("/p/cha-ca-la-vong/", "product-phone"),
    ):
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
        page.shoot(name)


def test_switch_to_japan_yen_prices_blocked_product_and_landed_cost(page):
    make_catalogue()
    page.goto("/p/binh-gom-bat-trang/")
    page.locator("#country-select").select_option("JP")
    page.locator(".currency-note", has_text="JPY").wait_for()
    assert "¥" in page.locator(".price-large").inner_text()
    landed = page.locator("#landed-cost")
    assert landed.is_visible()
    assert "¥" in landed.inner_text()
    page.shoot("japan-vase")
    page.goto("/p/nem-chua-thanh-hoa/")
    verdict = page.locator("#my-market-verdict")
    assert verdict.is_visible()
    assert "Nhật Bản" in verdict.inner_text()
    assert page.locator("tr.mine.verdict-blocked").count() == 1
    page.shoot("japan-blocked")


UNLABELLED_CONTROLS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.outerHTML.slice(0, 120))
"""


def test_pages_have_labels_alt_texts_a_language_and_one_heading(page):
    make_catalogue()
    page.goto("/p/nuoc-mam-phu-quoc/")
    page.get_by_role("button", name="Thêm vào giỏ").click()
    page.locator("#cart-feedback .message-success").wait_for()
    for url in (
        "/",
        "/search/?q=cha+ca",
        "/p/cha-ca-la-vong/",
        "/cart/",
        "/checkout/",
        "/account/login/",
        "/account/signup/",
        "/no-such-page/",
    ):
        page.goto(url)
        assert page.evaluate(UNLABELLED_CONTROLS) == [], url
        assert page.locator("img:not([alt])").count() == 0, url
        assert page.locator("html").get_attribute("lang") in ("vi", "en"), url
        assert page.locator("h1").count() == 1, url
        assert page.locator("a.skip-link").count() == 1, url
