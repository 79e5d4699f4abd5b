"""Producers and export partners in a real browser."""

from __future__ import annotations

import re

import pytest

from backend.catalogue.models import Product
from tests.factories import ProducerMemberFactory, UserFactory
from tests.storefront.catalogue import make_catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"  # the UserFactory's


def sign_in(page, email):  # type: ignore[no-untyped-def]
    page.goto("/account/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/$"))


def test_producer_edits_a_listing_and_imports_a_csv(page, tmp_path):
    catalogue = make_catalogue()
    member = ProducerMemberFactory(producer=catalogue.cha_ca.producer, user__email="owner@htx.vn")
    sign_in(page, member.user.email)
    page.get_by_role("link", name="Trang chủ thể sản xuất").click()
    page.wait_for_url("**/producer/")
    page.shoot("dashboard")
    page.get_by_role("link", name="Chả cá Lã Vọng").click()
    page.get_by_label("Tên (tiếng Anh)").fill("La Vong grilled fish cake")
    page.locator("form.stack-form").get_by_role("button", name="Lưu").click()
    page.wait_for_selector(".message-success")
    page.get_by_label("Tồn kho của CHACA-1000").fill("25")
    page.get_by_label("Tồn kho của CHACA-1000").press("Enter")
    page.wait_for_selector(".message-success")
    page.shoot("listing-saved")
    catalogue.cha_ca.refresh_from_db()
    assert catalogue.cha_ca.name_en == "La Vong grilled fish cake"
    assert catalogue.cha_ca.variants.get(sku="CHACA-1000").quantity == 25

    csv = tmp_path / "listings.csv"
    csv.write_text(
        "sku,product_name_vi,product_name_en,category,variant_name_vi,price_vnd,weight_grams,quantity\n"
        "CC-NEW-1,Chả cá chiên giòn,Crispy fried fish cake,I-3d,hộp 300g,150000,400,20\n",
        encoding="utf-8",
    )
    page.goto("/producer/import/")
    page.get_by_label("Tệp CSV (UTF-8) hoặc XLSX").set_input_files(str(csv))
    page.get_by_role("button", name="Nhập").click()
    page.wait_for_selector('#import-job[data-status="SUCCESS"]')
    page.shoot("import-done")
    assert Product.objects.filter(
        producer=catalogue.cha_ca.producer, name_vi="Chả cá chiên giòn"
    ).exists()


def test_export_partner_filters_eu_and_downloads_a_feed(page):
    make_catalogue()
    UserFactory(email="buyer@eu-import.example", is_export_partner=True)
    sign_in(page, "buyer@eu-import.example")
    page.goto("/partner/")
    page.get_by_label("Thị trường").select_option("EU")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(re.compile(r"market=EU"))
    names = page.locator(".partner-table tbody th").all_inner_texts()
    assert "Bình gốm men lam Bát Tràng" in names
    assert "Nem chua Thanh Hóa" not in names
    page.shoot("partner-eu")
    page.get_by_role("button", name="Tạo tệp danh mục cho EU").click()
    link = page.get_by_role("link", name="Tải xuống").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    download = info.value
    path = download.path()
    body = open(path, encoding="utf-8").read()  # noqa: SIM115
    assert "Bình gốm men lam Bát Tràng" in body or "binh-gom-bat-trang" in body
    assert "Nem chua" not in body
    page.shoot("partner-feed")
