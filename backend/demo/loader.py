"""Loads the demo catalogue (data/demo-catalogue.csv + data/enrichment.yaml) through the
domain services. Idempotent: a product already present (by its slug) is left alone, and so
are existing producers, craft villages and users, so a second run changes nothing.

Each CSV row is loaded in its own transaction: a failure leaves no half-made product, and
the next run picks the row up again."""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.files.base import ContentFile
from django.db import transaction

from backend.accounts.models import User
from backend.catalogue.models import Category, CriteriaVersion, Product, StorageClass
from backend.catalogue.services import (
    product_approve,
    product_create,
    product_media_create,
    variant_create,
)
from backend.catalogue.taxonomy import set_code_for
from backend.certification.models import CertificateKind, CertificateStatus
from backend.certification.services import (
    ocop_certificate_create,
    ocop_certificate_reject,
    ocop_certificate_verify,
    producer_document_create,
)
from backend.core.text import fold, vi_slugify
from backend.demo.images import product_card
from backend.places.models import Commune, CraftVillage, Province, ProvinceAlias
from backend.places.services import craft_village_create
from backend.producers.models import MemberRole, Producer, ProducerKind, ProducerMember
from backend.producers.services import producer_create, producer_verify
from backend.traceability.models import Batch
from backend.traceability.services import batch_create

DATA_DIR = Path(__file__).resolve().parent / "data"
CSV_PATH = DATA_DIR / "demo-catalogue.csv"
ENRICHMENT_PATH = DATA_DIR / "enrichment.yaml"
ADMIN_EMAIL = "admin@ocop.local"
DEMO_USERS = {
    "shopper": "shopper@ocop.local",
    "producer": "producer@ocop.local",
    "partner": "partner@ocop.local",
}
# The (demo) producer whose owner account is producer@ocop.local.
DEMO_PRODUCER_ROW = 5

# storage column -> (storage class, default shelf life in days, fresh produce)
STORAGE: dict[str, tuple[str, int | None, bool]] = {
    "ambient": (StorageClass.AMBIENT, None, False),
    "ambient_short": (StorageClass.AMBIENT, 3, False),
    "ambient_vacuum": (StorageClass.AMBIENT, None, False),
    "ambient_fresh": (StorageClass.FRESH, None, True),
    "chilled_fresh": (StorageClass.CHILLED, None, True),
    "chilled": (StorageClass.CHILLED, None, False),
    "frozen": (StorageClass.FROZEN, None, False),
    "service": (StorageClass.AMBIENT, None, False),
}

# flags column -> product fields set to True
FLAG_FACTS: dict[str, tuple[str, ...]] = {
    "pork": ("contains_pork", "contains_meat"),
    "meat": ("contains_meat",),
    "fish": ("contains_seafood",),
    "alcohol": ("contains_alcohol",),
    "birds_nest": ("contains_birds_nest",),
    "liquid": ("is_liquid",),
    "flammable_DG": ("is_dangerous_goods",),
    "fresh_fruit": ("is_fresh_produce",),
    "ceramic_food_contact": ("is_food_contact", "is_fragile"),
    "fragile": ("is_fragile",),
    "supplement": ("is_supplement",),
    "claims_check": ("has_health_claim",),
    "raw_fermented": ("is_raw_fermented",),
}
DG_ABV_LIMIT = Decimal("24")


@dataclass
class Row:
    id: int
    product_vi: str
    producer: str
    province: str
    old_province: str
    group_code: str
    stars: int
    star_source: str
    unit: str
    price_min: int
    price_max: int
    storage: str
    flags: list[str]

    @property
    def is_demo(self) -> bool:
        return "(demo)" in self.producer

    @property
    def producer_name(self) -> str:
        name = self.producer.replace("(demo)", "").strip()
        if name in ("HTX", "DN", "Cty", "Hộ", "Cơ sở"):  # only the kind is given
            name = f"{name} {self.product_vi}"
        return name


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    skipped_products: int = 0
    admin_password: str | None = None

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def read_rows(path: Path = CSV_PATH) -> list[Row]:
    with path.open(encoding="utf-8") as fh:
        return [
            Row(
                id=int(r["id"]),
                product_vi=r["product_vi"].strip(),
                producer=r["producer"].strip(),
                province=r["province_2025"].strip(),
                old_province=r["old_province"].strip(),
                group_code=r["group_code"].strip(),
                stars=int(r["stars"]),
                star_source=r["star_source"].strip(),
                unit=r["unit"].strip(),
                price_min=int(r["price_vnd_min"]),
                price_max=int(r["price_vnd_max"]),
                storage=r["storage"].strip(),
                flags=[f.strip() for f in (r["flags"] or "").split(";") if f.strip()],
            )
            for r in csv.DictReader(fh)
        ]


def read_enrichment(path: Path = ENRICHMENT_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


# --- Derivations from a CSV row ---------------------------------------------------------------


def producer_kind(name: str) -> str:
    """HTX -> cooperative, Cty/DN/Nhà máy -> enterprise, Hộ/Cơ sở -> household business."""
    folded = fold(name)
    if folded.startswith(("htx", "hop tac xa")):
        return ProducerKind.COOPERATIVE
    if folded.startswith(("to hop tac",)):
        return ProducerKind.COOPERATIVE_GROUP
    if folded.startswith(("cty", "cong ty", "dn", "doanh nghiep", "nha may")):
        return ProducerKind.ENTERPRISE
    return ProducerKind.HOUSEHOLD_BUSINESS


def find_province(name: str) -> Province:
    folded = fold(name)
    for province in Province.objects.all():
        if fold(province.short_name) == folded or province.folded_name == folded:
            return province
    alias = ProvinceAlias.objects.filter(folded_name=folded).select_related("province").first()
    if alias is not None:
        return alias.province
    raise LookupError(f"Unknown province {name!r}")


def find_commune(province: Province, name: str | None) -> Commune | None:
    if not name:
        return None
    commune = Commune.objects.filter(province=province, folded_name=fold(name)).first()
    if commune is None:
        commune = Commune.objects.filter(province=province, name=name).first()
    if commune is None:
        raise LookupError(f"No commune {name!r} in {province.short_name}")
    return commune


def product_facts(row: Row, extra: dict[str, Any]) -> dict[str, Any]:
    storage_class, shelf_life, fresh = STORAGE[row.storage]
    facts: dict[str, Any] = {"storage_class": storage_class}
    if shelf_life:
        facts["shelf_life_days"] = shelf_life
    if fresh:
        facts["is_fresh_produce"] = True
    for flag in row.flags:
        for name in FLAG_FACTS.get(flag, ()):
            facts[name] = True
    if "shelf_life_days" in extra:
        if extra["shelf_life_days"]:
            facts["shelf_life_days"] = int(extra["shelf_life_days"])
        else:
            facts.pop("shelf_life_days", None)
    overrides = dict(extra.get("facts") or {})
    if "abv_percent" in overrides:
        overrides["abv_percent"] = Decimal(str(overrides["abv_percent"]))
    facts.update(overrides)
    abv = facts.get("abv_percent")
    if "flammable_if_>24pct" in row.flags and abv is not None and abv > DG_ABV_LIMIT:
        facts["is_dangerous_goods"] = True
    if "CITES_Aquilaria" in row.flags:
        facts.setdefault("cites_status", "APPENDIX_II")
    return facts


def _year_in(text: str) -> int | None:
    match = re.search(r"\b(20\d\d)\b", text)
    return int(match.group(1)) if match else None


def certificate_plans(
    row: Row, extra: dict[str, Any], province: Province, today: datetime.date
) -> list[dict[str, Any]]:
    """The certificates of a row, oldest first, as keyword arguments plus `status`."""
    items = extra.get("certificates")
    if not items:
        base = dict(extra.get("certificate") or {})
        base.setdefault("stars", row.stars)
        if row.star_source.startswith("unverified"):
            base.setdefault("status", CertificateStatus.PENDING)
        if "(4★; nominated 5★" in row.star_source:
            base.setdefault("potential_five_star", True)
        items = [base]
    plans = []
    for n, item in enumerate(items):
        year = _year_in(row.star_source)
        default = datetime.date(
            year or 2024 + row.id % 2, 1 + (row.id * 5) % 12, 1 + (row.id * 7) % 27
        )
        decision_date = item.get("date") or default
        decision_date = min(decision_date, today - datetime.timedelta(days=30))
        stars = int(item.get("stars", row.stars))
        national = stars == 5
        number = 100 + (row.id * 37 + n * 11) % 2900
        if national and decision_date >= datetime.date(2025, 3, 1):
            authority, suffix = "Bộ Nông nghiệp và Môi trường", "QĐ-BNNMT"
        elif national:
            authority, suffix = "Bộ Nông nghiệp và Phát triển nông thôn", "QĐ-BNN-VPĐP"
        else:
            authority, suffix = f"UBND {province.name}", "QĐ-UBND"
        certificate_number = f"OCOP-{province.code}-{decision_date.year}-{row.id:04d}"
        if n:
            certificate_number += f"-{n}"
        criteria = item.get("criteria") or (
            CriteriaVersion.V1048_2019
            if decision_date < datetime.date(2023, 3, 1)
            else CriteriaVersion.V148_2023
        )
        plans.append(
            {
                "decision_number": item.get("decision_number") or f"{number}/{suffix}",
                "number": item.get("number") or certificate_number,
                "issuing_authority": item.get("authority") or authority,
                "decision_date": decision_date,
                "stars": stars,
                "potential_five_star": bool(item.get("potential_five_star", False)),
                "criteria_version": criteria,
                "kind": item.get("kind")
                or (CertificateKind.NEW if n == 0 else CertificateKind.RERATING),
                "evaluation_round": f"Đợt {1 + row.id % 2}/{decision_date.year}",
                "status": item.get("status") or CertificateStatus.VERIFIED,
            }
        )
    return plans


def _dims(text: Any) -> dict[str, Decimal | None]:
    if not text:
        return {"length_cm": None, "width_cm": None, "height_cm": None}
    length, width, height = (Decimal(p) for p in str(text).lower().split("x"))
    return {"length_cm": length, "width_cm": width, "height_cm": height}


def _tiny_pdf(title: str) -> bytes:
    """A one-page PDF naming the document (enough for the demo's public file link)."""
    text = fold(title)[:80].replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 40 780 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


# --- Loading ----------------------------------------------------------------------------------


class DemoLoader:
    def __init__(
        self,
        *,
        today: datetime.date | None = None,
        admin_password: str | None = None,
        user_password: str | None = None,
        with_images: bool = True,
        log: Callable[[str], None] = lambda message: None,
    ) -> None:
        from django.utils import timezone

        self.today = today or timezone.localdate()
        self.admin_password = (
            admin_password or os.environ.get("DEMO_ADMIN_PASSWORD") or "ocop-admin"
        )
        self.user_password = (
            user_password or os.environ.get("DEMO_USER_PASSWORD") or "ocop-demo-2026"
        )
        self.with_images = with_images
        self.log = log
        self.report = LoadReport()
        self.enrichment = read_enrichment()
        self.rows = read_rows()
        self.staff: User | None = None

    def run(self) -> LoadReport:
        self.staff = self.load_admin()
        villages = self.load_craft_villages()
        for row in self.rows:
            self.load_row(row, villages)
        self.load_demo_users()
        return self.report

    # Users ------------------------------------------------------------------------------------

    def load_admin(self) -> User:
        admin = User.objects.filter(email=ADMIN_EMAIL).first()
        if admin is None:
            admin = User.objects.create_superuser(
                ADMIN_EMAIL, self.admin_password, full_name="OCOP Market staff"
            )
            self.report.admin_password = self.admin_password
            self.report.add("users")
        return admin

    def load_demo_users(self) -> None:
        from backend.accounts.services import user_register

        for role, email in DEMO_USERS.items():
            if User.objects.filter(email=email).exists():
                continue
            with transaction.atomic():
                user = user_register(
                    email=email,
                    password=self.user_password,
                    full_name=f"Demo {role}",
                    language_code="vi" if role != "partner" else "en",
                )
                if role == "partner":
                    user.is_export_partner = True
                    user.save(update_fields=["is_export_partner"])
                if role == "producer":
                    producer = self._demo_producer()
                    if producer is not None:
                        ProducerMember.objects.create(
                            user=user, producer=producer, role=MemberRole.OWNER
                        )
            self.report.add("users")

    def _demo_producer(self) -> Producer | None:
        row = next(r for r in self.rows if r.id == DEMO_PRODUCER_ROW)
        return Producer.objects.filter(slug=vi_slugify(row.producer_name)).first()

    # Craft villages ---------------------------------------------------------------------------

    def load_craft_villages(self) -> dict[str, CraftVillage]:
        villages: dict[str, CraftVillage] = {}
        for key, data in (self.enrichment.get("craft_villages") or {}).items():
            existing = CraftVillage.objects.filter(slug=key).first()
            if existing is None:
                province = Province.objects.get(code=data["province"])
                existing = craft_village_create(
                    name=data["name"],
                    province=province,
                    slug=key,
                    name_en=data.get("name_en", ""),
                    commune=find_commune(province, data.get("commune")),
                    craft_vi=data.get("craft_vi", ""),
                    craft_en=data.get("craft_en", ""),
                    story_vi=data.get("story_vi", ""),
                    story_en=data.get("story_en", ""),
                )
                self.report.add("craft_villages")
            villages[key] = existing
        return villages

    # Products ---------------------------------------------------------------------------------

    def load_row(self, row: Row, villages: dict[str, CraftVillage]) -> None:
        extra = (self.enrichment.get("products") or {}).get(row.id)
        if extra is None:
            raise LookupError(f"enrichment.yaml has no entry for row {row.id}")
        slug = vi_slugify(row.product_vi)
        if Product.objects.filter(slug=slug).exists():
            self.report.skipped_products += 1
            return
        with transaction.atomic():
            self._load_row(row, extra, slug, villages)
        self.log(f"  {row.id:>2} {row.product_vi}")

    def _producer(self, row: Row, extra: dict[str, Any], province: Province) -> Producer:
        name = row.producer_name
        existing = Producer.objects.filter(slug=vi_slugify(name)).first()
        if existing is not None:
            return existing
        info = dict(extra.get("producer") or {})
        commune = find_commune(province, info.pop("commune", None) or extra.get("commune"))
        village_key = extra.get("craft_village")
        village = CraftVillage.objects.filter(slug=village_key).first() if village_key else None
        address = info.pop("address", "") or ", ".join(
            p for p in (commune.name if commune else "", province.name) if p
        )
        producer = producer_create(
            name=name,
            kind=producer_kind(name),
            province=province,
            commune=commune,
            craft_village=village,
            address=address,
            is_demo=row.is_demo,
            **info,
        )
        producer_verify(producer=producer)
        self.report.add("producers")
        return producer

    def _load_row(
        self, row: Row, extra: dict[str, Any], slug: str, villages: dict[str, CraftVillage]
    ) -> None:
        province = find_province(row.province)
        category = Category.objects.get(code=set_code_for(row.group_code))
        producer = self._producer(row, extra, province)
        village_key = extra.get("craft_village")
        product = product_create(
            producer=producer,
            category=category,
            name_vi=row.product_vi,
            province=province,
            slug=slug,
            name_en=extra["name_en"],
            description_vi=extra["description_vi"].strip(),
            description_en=extra["description_en"].strip(),
            hs_code=str(extra.get("hs_code") or ""),
            commune=find_commune(province, extra.get("commune")),
            craft_village=villages[village_key] if village_key else None,
            **product_facts(row, extra),
        )
        self.report.add("products")
        variants = []
        for position, (sku, name_vi, name_en, price, grams, dims, stock) in enumerate(
            extra["variants"]
        ):
            variants.append(
                variant_create(
                    product=product,
                    sku=sku,
                    name_vi=name_vi,
                    name_en=name_en,
                    price_amount=Decimal(price),
                    weight_grams=int(grams),
                    quantity=int(stock),
                    sort_order=position,
                    **_dims(dims),
                )
            )
        self.report.add("variants", len(variants))
        for plan in certificate_plans(row, extra, province, self.today):
            status = plan.pop("status")
            certificate = ocop_certificate_create(product=product, today=self.today, **plan)
            if status == CertificateStatus.VERIFIED:
                ocop_certificate_verify(certificate=certificate, by=self.staff)
            elif status == CertificateStatus.REJECTED:
                ocop_certificate_reject(certificate=certificate, note="Demo", by=self.staff)
            self.report.add("certificates")
        if self.with_images:
            product_media_create(
                product=product,
                file=product_card(
                    row.product_vi, row.group_code.split("-")[0], f"OCOP {category.code}"
                ),
                alt_vi=row.product_vi,
                alt_en=extra["name_en"],
            )
            self.report.add("images")
        documents = []
        for doc in extra.get("documents") or []:
            doc = dict(doc)
            link_batch = doc.pop("batch", False)
            file = None
            if doc.get("is_public"):
                file = ContentFile(
                    _tiny_pdf(doc.get("title", "")), name=f"{vi_slugify(doc['number'])}.pdf"
                )
            document = producer_document_create(
                producer=producer,
                products=[product],
                is_verified=True,
                file=file,
                **doc,
            )
            self.report.add("documents")
            if link_batch:
                documents.append(document)
        if category.is_shippable:
            self._batch(row, extra, product, variants, documents)
        product_approve(product=product)

    def _batch(
        self,
        row: Row,
        extra: dict[str, Any],
        product: Product,
        variants: list[Any],
        documents: list[Any],
    ) -> Batch:
        spec = dict(extra.get("batch") or {})
        produced = spec.get("produced") or datetime.date(2026, 10, 1 + row.id % 27)
        produced = min(produced, self.today)
        if product.shelf_life_days:
            expiry = produced + datetime.timedelta(days=product.shelf_life_days)
        elif product.category.code.startswith("IV"):
            expiry = None  # handicrafts do not expire
        else:
            expiry = produced + datetime.timedelta(days=365)
        batch = batch_create(
            product=product,
            code=spec.get("code") or f"lot-{row.id:02d}-{produced:%Y%m}",
            production_date=produced,
            expiry_date=expiry,
            quantity=int(spec.get("quantity") or 100 + row.id * 10),
            variant=variants[0] if variants else None,
            documents=documents,
            notes_vi=f"Lô sản xuất của {product.producer.name}.",
            notes_en=f"Production lot of {product.producer.name}.",
        )
        self.report.add("batches")
        return batch


def load_demo_catalogue(**kwargs: Any) -> LoadReport:
    return DemoLoader(**kwargs).run()
