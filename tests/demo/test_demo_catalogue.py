"""The demo catalogue: loaded through the services, idempotent, with the facts the brief
asks for (expired certificate without stars, old province in the new one, potential 5-star,
alcohol ABV, CITES wood, batches, images)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from backend.accounts.models import User
from backend.catalogue.models import Product, ProductMedia, ProductVariant, StorageClass, Thumbnail
from backend.catalogue.selectors import product_potential_five_star, product_stars
from backend.certification.models import CertificateStatus, OcopCertificate, ProducerDocument
from backend.demo.loader import (
    certificate_plans,
    producer_kind,
    read_enrichment,
    read_rows,
)
from backend.places.models import CraftVillage, ProvinceAlias
from backend.producers.models import Producer, ProducerKind, ProducerMember
from backend.traceability.models import Batch

pytestmark = pytest.mark.django_db

MODELS = [
    Product,
    ProductVariant,
    ProductMedia,
    Thumbnail,
    Producer,
    CraftVillage,
    OcopCertificate,
    ProducerDocument,
    Batch,
    User,
    ProducerMember,
]


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def by_row(row_id: int) -> Product:
    row = next(r for r in read_rows() if r.id == row_id)
    return Product.objects.select_related("current_certificate", "province", "producer").get(
        name_vi=row.product_vi
    )


def test_data_files_cover_every_row():
    rows = read_rows()
    enrichment = read_enrichment()["products"]
    assert len(rows) == 50
    assert sorted(enrichment) == [r.id for r in rows]
    for row in rows:
        extra = enrichment[row.id]
        assert extra["name_en"] and extra["description_vi"] and extra["description_en"]
        assert 1 <= len(extra["variants"]) <= 3
        for sku, _vi, _en, price, _g, _dims, stock in extra["variants"]:
            assert row.price_min <= price <= row.price_max, sku
            assert stock >= 0


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("HTX Vĩnh Thịnh (Đại Áng)", ProducerKind.COOPERATIVE),
        ("Cty TNHH Gốm sứ Quang Vinh", ProducerKind.ENTERPRISE),
        ("DN yến sào", ProducerKind.ENTERPRISE),
        ("Nhà máy mạch nha Quảng Ngãi", ProducerKind.ENTERPRISE),
        ("Hộ nghệ nhân Xuân La", ProducerKind.HOUSEHOLD_BUSINESS),
        ("Cơ sở Huệ Dương", ProducerKind.HOUSEHOLD_BUSINESS),
    ],
)
def test_producer_kind_from_name(name, kind):
    assert producer_kind(name) == kind


def test_certificate_plans_follow_the_star_source():
    rows = {r.id: r for r in read_rows()}
    enrichment = read_enrichment()["products"]
    from tests.factories import province

    today = datetime.date(2026, 11, 29)
    expired = certificate_plans(rows[31], enrichment[31], province("46"), today)
    assert expired[0]["decision_date"].year == 2020
    assert expired[0]["status"] == CertificateStatus.VERIFIED
    pending = certificate_plans(rows[7], enrichment[7], province("01"), today)
    assert pending[0]["status"] == CertificateStatus.PENDING
    official = certificate_plans(rows[14], enrichment[14], province("19"), today)
    assert official[0]["decision_number"] == "2361/QĐ-BNNMT"
    assert official[0]["issuing_authority"] == "Bộ Nông nghiệp và Môi trường"


def test_load_twice_is_idempotent_and_has_the_demo_facts(settings):
    settings.PUBLIC_URL = "http://testserver"
    out = StringIO()
    call_command("load_demo_catalogue", stdout=out)
    assert "admin@ocop.local / ocop-admin" in out.getvalue()
    first = counts()
    assert first["Product"] == 50
    assert first["Producer"] == 50
    assert 100 <= first["ProductVariant"] <= 150
    assert first["ProductMedia"] == 50 and first["Thumbnail"] == 150
    assert first["Batch"] == 48  # every physical product; the two services have none

    again = StringIO()
    call_command("load_demo_catalogue", stdout=again)
    assert counts() == first
    assert "nothing to do" in again.getvalue()

    # Every product is public and priced inside its row's range.
    rows = {r.id: r for r in read_rows()}
    for row in rows.values():
        product = by_row(row.id)
        assert product.moderation_status == "APPROVED"
        assert row.price_min <= product.price_min <= product.price_max <= row.price_max

    # Expired certificate (An Lỗ rice, 2020): no stars, history kept.
    an_lo = by_row(31)
    assert an_lo.current_certificate is not None
    assert an_lo.current_certificate.expires_on < datetime.date.today()
    assert product_stars(an_lo) is None
    # Unverified (tò he): a pending certificate, no stars.
    to_he = by_row(7)
    assert to_he.current_certificate is None
    assert to_he.certificates.get().status == CertificateStatus.PENDING
    # In force, 5 stars, the real decision number.
    tea = by_row(14)
    assert product_stars(tea) == 5
    assert tea.current_certificate.decision_number == "2361/QĐ-BNNMT"
    # Rong nho: 4 stars, potential 5-star, with its older certificate kept.
    rong_nho = by_row(36)
    assert product_stars(rong_nho) == 4 and product_potential_five_star(rong_nho)
    assert rong_nho.certificates.count() == 2

    # Old province rows sit in the new province; the old name is an alias of it.
    lychee = by_row(41)
    assert lychee.province.code == "24"
    assert ProvinceAlias.objects.get(name="Bắc Giang").province_id == lychee.province_id
    assert lychee.is_fresh_produce and lychee.storage_class == StorageClass.CHILLED
    assert lychee.variants.filter(quantity=0).exists()  # out of season
    assert by_row(19).province.code == "91"  # Phú Quốc, former Kiên Giang

    # Compliance facts from the flags.
    spirit = by_row(33)
    assert spirit.contains_alcohol and spirit.abv_percent == Decimal("29.5")
    assert spirit.is_dangerous_goods  # above 24 % ABV
    statue = by_row(12)
    assert "jackfruit" in statue.wood_species.lower()
    bracelet = by_row(48)
    assert bracelet.cites_status == "APPENDIX_II" and "Aquilaria" in bracelet.wood_species
    assert by_row(10).shelf_life_days == 3  # cốm
    assert by_row(35).contains_pork and by_row(35).is_raw_fermented
    assert by_row(19).contains_seafood and by_row(19).is_liquid
    assert by_row(40).contains_birds_nest
    assert by_row(22).storage_class == StorageClass.FRESH
    assert by_row(1).is_food_contact and by_row(1).is_fragile
    assert by_row(32).is_dangerous_goods
    assert ProductVariant.objects.filter(quantity=0).count() >= 2

    # Producers, craft villages, demo flag.
    silk = by_row(5)
    assert silk.producer.is_demo and silk.producer.kind == ProducerKind.COOPERATIVE
    assert silk.craft_village.slug == "van-phuc"
    assert silk.producer.contact_phone.startswith("+84")
    assert not by_row(1).producer.is_demo
    bat_trang = CraftVillage.objects.get(slug="bat-trang")
    assert bat_trang.commune.name == "Xã Bát Tràng" and bat_trang.province.code == "01"

    # Users.
    assert User.objects.get(email="admin@ocop.local").is_superuser
    assert User.objects.get(email="partner@ocop.local").is_export_partner
    owner = ProducerMember.objects.get(user__email="producer@ocop.local")
    assert owner.producer == silk.producer and owner.role == "OWNER"

    # Rows the brief marks domestic-only never leave Vietnam once their verdicts are computed.
    from backend.compliance.models import ProductMarketVerdict
    from backend.compliance.services import verdicts_recompute

    verdicts_recompute()
    domestic_only = [r.id for r in rows.values() if "domestic_only" in r.flags]
    assert len(domestic_only) == 7
    for row_id in domestic_only:
        eu = ProductMarketVerdict.objects.get(product=by_row(row_id), market__code="EU")
        assert eu.verdict == "BLOCKED", (row_id, eu.reasons)

    # Images and thumbnails are stored.
    media = by_row(1).media.get()
    assert default_storage.exists(media.image.name)
    assert sorted(media.thumbnails.values_list("size", flat=True)) == [128, 256, 512]


def test_demo_trace_page_shows_the_lab_report(client):
    call_command("load_demo_catalogue", "--no-images", stdout=StringIO())
    batch = Batch.objects.get(code="lot-traphuluong-2609")
    html = client.get(f"/trace/{batch.code}/").content.decode()
    assert "QUATEST 1" in html and "2361/QĐ-BNNMT" in html
    document = batch.documents.get()
    assert document.is_public
    response = client.get(f"/trace/{batch.code}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
