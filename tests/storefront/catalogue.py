"""A small catalogue for the storefront's page and browser tests, indexed for search."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from backend.catalogue.models import ModerationStatus, Product
from tests.factories import (
    BatchFactory,
    CraftVillageFactory,
    OcopCertificateFactory,
    ProducerFactory,
    ProductFactory,
    ProductVariantFactory,
    product_set,
    province,
)


@dataclass
class Catalogue:
    cha_ca: Product
    nuoc_mam: Product
    gom: Product
    expired: Product
    nem: Product
    draft: Product


def index(*products: Product) -> None:
    """What the catalogue services set off on commit: compliance verdicts, then the index."""
    from backend.compliance.services import verdicts_recompute
    from search import get_backend

    ids = [p.pk for p in products]
    verdicts_recompute(product_ids=ids)
    get_backend().index_products(ids)


def make_catalogue() -> Catalogue:
    hanoi = province("01")
    an_giang = province("91")
    bat_trang = CraftVillageFactory(
        name="Bát Tràng",
        name_en="Bat Trang",
        slug="bat-trang",
        province=hanoi,
        story_vi="Làng gốm năm trăm năm bên sông Hồng.",
        story_en="A 500-year-old pottery village.",
    )
    p_hn = ProducerFactory(
        name="HTX Chả cá Hà Thành",
        province=hanoi,
        story_vi="Ba thế hệ làm chả cá.",
        story_en="Three generations of fish cakes.",
    )
    p_ag = ProducerFactory(name="Công ty Nước mắm Phú Quốc", province=an_giang)
    p_bt = ProducerFactory(name="HTX Gốm Bát Tràng", province=hanoi, craft_village=bat_trang)

    cha_ca = ProductFactory(
        producer=p_hn,
        name_vi="Chả cá Lã Vọng",
        name_en="La Vong fish cake",
        slug="cha-ca-la-vong",
        slug_en="la-vong-fish-cake",
        category=product_set("I-3d"),
        description_vi="Chả cá nướng than hoa theo công thức gia truyền.",
        description_en="Charcoal-grilled fish cake from a family recipe.",
    )
    ProductVariantFactory(
        product=cha_ca,
        sku="CHACA-500",
        name_vi="hộp 500g",
        name_en="500 g box",
        price_amount=Decimal("180000"),
        quantity=12,
    )
    ProductVariantFactory(
        product=cha_ca,
        sku="CHACA-1000",
        name_vi="hộp 1kg",
        name_en="1 kg box",
        price_amount=Decimal("340000"),
        quantity=0,
    )
    OcopCertificateFactory(
        product=cha_ca,
        stars=5,
        number="OCOP-HN-0005",
        issuing_authority="Bộ Nông nghiệp và Môi trường",
        decision_number="2361/QĐ-BNNMT",
    )
    BatchFactory(product=cha_ca, code="lot-chaca-2026-01")

    nuoc_mam = ProductFactory(
        producer=p_ag,
        name_vi="Nước mắm Phú Quốc 40 độ đạm",
        name_en="Phu Quoc fish sauce 40N",
        slug="nuoc-mam-phu-quoc",
        slug_en="phu-quoc-fish-sauce",
        category=product_set("I-4a"),
        is_liquid=True,
        contains_seafood=True,
    )
    ProductVariantFactory(
        product=nuoc_mam, sku="NM-500", price_amount=Decimal("95000"), quantity=40
    )
    OcopCertificateFactory(
        product=nuoc_mam, stars=4, potential_five_star=True, number="OCOP-AG-0104"
    )

    gom = ProductFactory(
        producer=p_bt,
        name_vi="Bình gốm men lam Bát Tràng",
        name_en="Bat Trang blue-glaze vase",
        slug="binh-gom-bat-trang",
        slug_en="bat-trang-vase",
        category=product_set("IV-1"),
        craft_village=bat_trang,
    )
    ProductVariantFactory(product=gom, sku="GOM-01", price_amount=Decimal("650000"), quantity=3)
    OcopCertificateFactory(product=gom, stars=4)

    expired = ProductFactory(
        producer=p_hn,
        name_vi="Chả cá Thăng Long",
        name_en="Thang Long fish cake",
        slug="cha-ca-thang-long",
        slug_en="thang-long-fish-cake",
        category=product_set("I-3d"),
    )
    ProductVariantFactory(product=expired, sku="CCTL-1", price_amount=Decimal("150000"))
    old = timezone.localdate() - datetime.timedelta(days=365 * 4)
    OcopCertificateFactory(product=expired, stars=5, decision_date=old)

    nem = ProductFactory(
        producer=p_hn,
        name_vi="Nem chua Thanh Hóa",
        name_en="Thanh Hoa fermented pork roll",
        slug="nem-chua-thanh-hoa",
        slug_en="thanh-hoa-nem-chua",
        category=product_set("I-3d"),
        contains_pork=True,
        contains_meat=True,
        is_raw_fermented=True,
        storage_class="CHILLED",
        shelf_life_days=5,
        hs_code="1601",
    )
    ProductVariantFactory(product=nem, sku="NEM-10", price_amount=Decimal("60000"), quantity=50)
    OcopCertificateFactory(product=nem, stars=4)

    draft = ProductFactory(
        producer=p_hn,
        name_vi="Chả cá bản nháp",
        slug="cha-ca-ban-nhap",
        slug_en="draft-fish-cake",
        moderation_status=ModerationStatus.DRAFT,
    )
    ProductVariantFactory(product=draft, sku="DRAFT-1")
    for p in (cha_ca, nuoc_mam, gom, expired, nem, draft):
        p.refresh_from_db()
    index(cha_ca, nuoc_mam, gom, expired, nem, draft)
    return Catalogue(
        cha_ca=cha_ca, nuoc_mam=nuoc_mam, gom=gom, expired=expired, nem=nem, draft=draft
    )
