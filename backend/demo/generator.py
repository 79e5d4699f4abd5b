"""A large synthetic OCOP catalogue for benchmarks, written in bulk.

Rows go in with bulk_create in batches (not one service call per row), so 10,000 products
take seconds. The distributions follow the domain brief: producers mostly household
businesses and cooperatives, about 1.8 products per producer, Hanoi with a fifth of the
products, most certificates 3 or 4 stars and few 5 stars, certificates dated from 2019 so
that some have run out their 36 months (no stars), 1-3 variants, some out of stock.

The invariants the services keep are kept here too: price_min/price_max equal the variants'
range, current_certificate is the newest VERIFIED certificate, expires_on is 36 months after
the decision, SKUs and slugs are unique. Search is not synced row by row: run
`manage.py search_reindex` afterwards."""

from __future__ import annotations

import datetime
import math
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection, models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from backend.catalogue.models import (
    Category,
    CriteriaVersion,
    ModerationStatus,
    Product,
    ProductVariant,
    StorageClass,
)
from backend.certification.models import CertificateKind, CertificateStatus, OcopCertificate
from backend.core.text import fold, vi_slugify
from backend.places.models import Commune, Province
from backend.producers.models import Producer, ProducerKind, VerificationStatus

BATCH_SIZE = 2000

# (Vietnamese, English) product bases per OCOP set; the group's list is the fallback.
BASES: dict[str, list[tuple[str, str]]] = {
    "I-1a": [
        ("Bưởi", "pomelo"),
        ("Vải thiều", "lychee"),
        ("Nhãn", "longan"),
        ("Xoài", "mango"),
        ("Cam", "orange"),
        ("Thanh long", "dragon fruit"),
        ("Rau cải", "mustard greens"),
    ],
    "I-1b": [
        ("Trứng gà", "chicken eggs"),
        ("Tôm sú", "tiger prawns"),
        ("Sữa tươi", "fresh milk"),
        ("Thịt lợn", "pork"),
        ("Cá rô đồng", "climbing perch"),
    ],
    "I-2a": [("Gạo", "rice"), ("Gạo nếp", "glutinous rice"), ("Gạo lứt", "brown rice")],
    "I-2b": [
        ("Mật ong", "honey"),
        ("Hạt điều", "cashew nuts"),
        ("Lạc", "peanuts"),
        ("Hạt tiêu", "black pepper"),
    ],
    "I-3a": [("Bánh chưng", "sticky rice cake"), ("Bánh cuốn", "steamed rice rolls")],
    "I-3b": [
        ("Bún khô", "dried rice vermicelli"),
        ("Bánh đa", "rice crackers"),
        ("Miến dong", "arrowroot noodles"),
        ("Bánh tráng", "rice paper"),
    ],
    "I-3c": [
        ("Mứt gừng", "candied ginger"),
        ("Chuối sấy", "dried banana"),
        ("Kẹo lạc", "peanut candy"),
        ("Mít sấy", "dried jackfruit"),
    ],
    "I-3d": [
        ("Chả cá", "fish cake"),
        ("Giò lụa", "pork roll"),
        ("Ruốc", "meat floss"),
        ("Lạp xưởng", "Chinese sausage"),
    ],
    "I-4a": [("Nước mắm", "fish sauce"), ("Tương bần", "fermented soybean sauce")],
    "I-4b": [("Muối tôm", "shrimp salt"), ("Tỏi", "garlic"), ("Ớt bột", "chilli powder")],
    "I-5a": [
        ("Chè xanh", "green tea"),
        ("Trà Shan tuyết", "Shan tuyet tea"),
        ("Chè móc câu", "hook-leaf tea"),
    ],
    "I-5b": [
        ("Trà hoa vàng", "golden camellia tea"),
        ("Trà atiso", "artichoke tea"),
        ("Trà gừng", "ginger tea"),
    ],
    "I-6": [("Cà phê", "coffee"), ("Ca cao", "cocoa")],
    "II-1a": [("Rượu nếp", "glutinous rice spirit"), ("Rượu ngô", "corn spirit")],
    "II-1b": [("Rượu vang sim", "rose myrtle wine"), ("Rượu mơ", "apricot wine")],
    "II-2a": [("Nước khoáng", "mineral water")],
    "II-2b": [("Nước cốt gừng", "ginger drink"), ("Siro chanh leo", "passion fruit syrup")],
    "III-1": [
        ("Cao cà gai leo", "Solanum extract"),
        ("Viên nghệ", "turmeric capsules"),
        ("Đông trùng hạ thảo", "cordyceps"),
    ],
    "III-2": [("Dầu gội bồ kết", "honey locust shampoo"), ("Xà phòng thảo dược", "herbal soap")],
    "III-3": [
        ("Tinh dầu quế", "cinnamon oil"),
        ("Tinh dầu sả", "lemongrass oil"),
        ("Tinh dầu tràm", "cajeput oil"),
    ],
    "IV-1": [
        ("Giỏ mây", "rattan basket"),
        ("Bình gốm", "ceramic vase"),
        ("Hộp sơn mài", "lacquer box"),
        ("Tượng gỗ", "wooden statue"),
        ("Nón lá", "conical hat"),
    ],
    "IV-2": [
        ("Khăn lụa", "silk scarf"),
        ("Vải thổ cẩm", "brocade cloth"),
        ("Túi thêu", "embroidered bag"),
    ],
    "V-1": [("Hoa lan", "orchid"), ("Hoa đào", "peach blossom")],
    "V-2": [("Cây bonsai", "bonsai"), ("Cây quất", "kumquat tree")],
    "V-3": [("Cá cảnh", "ornamental fish"), ("Chim cảnh", "song bird")],
    "VI-1": [
        ("Du lịch làng nghề", "craft village tour"),
        ("Homestay", "homestay"),
        ("Du lịch sinh thái", "eco-tour"),
    ],
}
ADJECTIVES = [
    ("", ""),
    ("đặc sản", "speciality"),
    ("truyền thống", "traditional"),
    ("hữu cơ", "organic"),
    ("thượng hạng", "premium"),
    ("gia truyền", "family-recipe"),
]
# (pack vi, pack en, grams) per group
PACKS: dict[str, list[tuple[str, str, int]]] = {
    "I": [
        ("gói 250g", "250 g pack", 280),
        ("gói 500g", "500 g pack", 540),
        ("hộp 1kg", "1 kg box", 1100),
        ("chai 500ml", "500 ml bottle", 750),
    ],
    "II": [
        ("chai 500ml", "500 ml bottle", 900),
        ("chai 750ml", "750 ml bottle", 1300),
        ("thùng 6 chai", "case of 6 bottles", 5000),
    ],
    "III": [
        ("hộp 30 viên", "box of 30 capsules", 80),
        ("hũ 100g", "100 g jar", 200),
        ("chai 50ml", "50 ml bottle", 120),
    ],
    "IV": [("chiếc", "piece", 800), ("bộ", "set", 2500), ("chiếc cỡ lớn", "large piece", 3000)],
    "V": [("chậu", "pot", 3000), ("cành", "stem", 400)],
    "VI": [("vé/người", "ticket per person", 0), ("đêm/phòng", "night per room", 0)],
}
MEDIAN_PRICE = {
    "I": 150_000,
    "II": 220_000,
    "III": 380_000,
    "IV": 600_000,
    "V": 450_000,
    "VI": 700_000,
}
KINDS = [
    (ProducerKind.HOUSEHOLD_BUSINESS, 0.40, "Hộ kinh doanh"),
    (ProducerKind.COOPERATIVE, 0.33, "HTX"),
    (ProducerKind.ENTERPRISE, 0.22, "Công ty TNHH"),
    (ProducerKind.COOPERATIVE_GROUP, 0.05, "Tổ hợp tác"),
]
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
STARS = [(3, 0.52), (4, 0.44), (5, 0.04)]


@dataclass
class GenerateReport:
    products: int = 0
    producers: int = 0
    variants: int = 0
    certificates: int = 0
    expired_certificates: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def _chunks(total: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(size, total - start)


def _weighted(rng: random.Random, items: list[tuple[Any, float]]) -> Any:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def _decimal_adapter(max_digits: int | None, places: int | None) -> Callable[[Any], Any]:
    def adapt(value: Any) -> Any:
        return connection.ops.adapt_decimalfield_value(value, max_digits, places)

    return adapt


class _Writer:
    """INSERTs plain rows with executemany: Django's bulk_create compiles one statement per
    few dozen rows on SQLite (its 999-parameter cap), which dominated the run time. Fields
    left out of a row take the model field's default, as bulk_create would."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        ops = connection.ops
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        now = timezone.now()
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = now
            else:
                value = f.get_default()
            self.defaults[f.attname] = value
        self.adapters: list[Callable[[Any], Any] | None] = []
        for f in self.fields:
            if isinstance(f, models.DecimalField):
                self.adapters.append(_decimal_adapter(f.max_digits, f.decimal_places))
            elif isinstance(f, models.DateTimeField):
                self.adapters.append(ops.adapt_datetimefield_value)
            elif isinstance(f, models.DateField):
                self.adapters.append(ops.adapt_datefield_value)
            else:
                self.adapters.append(None)
        table = ops.quote_name(model._meta.db_table)
        columns = ", ".join(ops.quote_name(str(f.column)) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"

    def insert(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        names = [f.attname for f in self.fields]
        params = []
        for row in rows:
            values = []
            for name, adapt in zip(names, self.adapters, strict=True):
                value = row[name] if name in row else self.defaults[name]
                values.append(adapt(value) if adapt is not None and value is not None else value)
            params.append(values)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.executemany(self.sql, params)  # in-process: no round trips
                return
            # Over the network, many rows per statement (PostgreSQL takes 65,535 params).
            per_statement = max(1, 60_000 // len(self.fields))
            row_marks = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
            head = self.sql.split(" VALUES ", 1)[0]
            for start in range(0, len(params), per_statement):
                chunk = params[start : start + per_statement]
                sql = f"{head} VALUES " + ", ".join([row_marks] * len(chunk))
                cursor.execute(sql, [value for row in chunk for value in row])


class CatalogueGenerator:
    def __init__(
        self,
        *,
        products: int,
        seed: int = 0,
        batch_size: int = BATCH_SIZE,
        today: datetime.date | None = None,
        progress: Callable[[int], None] = lambda advance: None,
    ) -> None:
        self.total = products
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.today = today or timezone.localdate()
        self.progress = progress
        self.tag = uuid.uuid4().hex[:6]  # keeps slugs and SKUs unique across runs
        self.report = GenerateReport()
        self.provinces = list(Province.objects.order_by("code"))
        hanoi = next(p for p in self.provinces if p.code == "01")
        weight = 0.21 / (1 - 0.21) * (len(self.provinces) - 1)
        self.province_weights = [weight if p == hanoi else 1.0 for p in self.provinces]
        self.communes: dict[int, list[int]] = {}
        for pk, province_id in Commune.objects.values_list("pk", "province_id"):
            self.communes.setdefault(province_id, []).append(pk)
        self.sets = list(
            Category.objects.filter(level=Category.Level.PRODUCT_SET).select_related("parent")
        )
        # Food dominates the real catalogue; services and ornamentals are rare.
        group_weight = {"I": 6.0, "II": 1.0, "III": 1.5, "IV": 2.0, "V": 0.3, "VI": 0.2}
        self.set_weights = [
            group_weight.get(c.parent.code if c.parent else c.code, 1.0)
            / sum(1 for s in self.sets if s.parent_id == c.parent_id)
            for c in self.sets
        ]

    # -- producers ----------------------------------------------------------------------------

    def _producers(self, count: int, offset: int) -> list[dict[str, Any]]:
        rng = self.rng
        rows = []
        for i in range(count):
            n = offset + i
            kind, _, prefix = _weighted(rng, [((k, w, p), w) for k, w, p in KINDS])
            province = rng.choices(self.provinces, weights=self.province_weights)[0]
            communes: list[int | None] = [*self.communes.get(province.pk, [])] or [None]
            family = rng.choice(FAMILY_NAMES)
            name = f"{prefix} {family} {province.short_name} {n + 1}"
            rows.append(
                {
                    "kind": kind,
                    "name": name,
                    "slug": f"{vi_slugify(name)}-{self.tag}",
                    "province_id": province.pk,
                    "commune_id": rng.choice(communes),
                    "address": province.name,
                    "verification_status": VerificationStatus.VERIFIED
                    if rng.random() < 0.97
                    else VerificationStatus.PENDING,
                    "story_vi": f"{name} sản xuất sản phẩm OCOP tại {province.name}.",
                    "story_en": f"{fold(name).title()} makes OCOP products in {province.name_en}.",
                    "_province": province,
                }
            )
        with transaction.atomic():
            _Writer(Producer).insert(rows)
            ids = dict(
                Producer.objects.filter(slug__in=[r["slug"] for r in rows]).values_list(
                    "slug", "pk"
                )
            )
        for row in rows:
            row["id"] = ids[row["slug"]]
        self.report.producers += len(rows)
        return rows

    # -- products, variants, certificates -----------------------------------------------------

    def _price(self, group: str) -> int:
        median = MEDIAN_PRICE.get(group, 200_000)
        value = self.rng.lognormvariate(math.log(median), 0.6)
        return max(5_000, int(round(value, -3)))

    def _facts(self, code: str) -> dict[str, Any]:
        rng = self.rng
        facts: dict[str, Any] = {"storage_class": StorageClass.AMBIENT}
        if code == "I-1a":
            facts.update(
                storage_class=StorageClass.FRESH, is_fresh_produce=True, shelf_life_days=14
            )
        elif code == "I-1b":
            facts.update(storage_class=StorageClass.CHILLED, contains_meat=True, shelf_life_days=7)
        elif code == "I-3d":
            pork = rng.random() < 0.5
            facts.update(
                contains_pork=pork,
                contains_meat=pork,
                contains_seafood=not pork,
                storage_class=StorageClass.CHILLED if rng.random() < 0.3 else "AMBIENT",
                shelf_life_days=rng.choice([7, 30, 180]),
            )
        elif code == "I-4a":
            facts.update(is_liquid=True, contains_seafood=True, shelf_life_days=730)
        elif code.startswith("II-1"):
            abv = Decimal(rng.choice(["12.0", "15.0", "29.5", "35.0", "40.0"]))
            facts.update(
                contains_alcohol=True,
                abv_percent=abv,
                is_liquid=True,
                is_dangerous_goods=abv > 24,
                is_fragile=True,
            )
        elif code.startswith("II"):
            facts.update(is_liquid=True, shelf_life_days=365)
        elif code == "III-1":
            facts.update(
                is_supplement=True, has_health_claim=rng.random() < 0.3, shelf_life_days=730
            )
        elif code == "III-3":
            facts.update(is_liquid=True, is_dangerous_goods=True, shelf_life_days=1095)
        elif code == "IV-1":
            if rng.random() < 0.3:
                facts["wood_species"] = rng.choice(
                    [
                        "jackfruit wood (Artocarpus heterophyllus)",
                        "bamboo (Bambusa)",
                        "rubberwood (Hevea brasiliensis)",
                    ]
                )
            facts["is_fragile"] = rng.random() < 0.3
        elif code.startswith("I"):
            facts["shelf_life_days"] = rng.choice([90, 180, 365, 540])
        return facts

    def _certificate(self, product_id: int, stars: int) -> dict[str, Any]:
        rng = self.rng
        # Most decisions are recent (re-rated or new); about a quarter are older than 36
        # months, so those products show no stars.
        if rng.random() < 0.75:
            decided = self.today - datetime.timedelta(days=rng.randrange(30, 1090))
        else:
            start = datetime.date(2019, 1, 1)
            span = max(1, (self.today - datetime.timedelta(days=1100) - start).days)
            decided = start + datetime.timedelta(days=rng.randrange(span))
        status = CertificateStatus.PENDING if rng.random() < 0.03 else CertificateStatus.VERIFIED
        expires = decided + relativedelta(months=36)
        if status == CertificateStatus.VERIFIED and expires < self.today:
            self.report.expired_certificates += 1
        national = stars == 5
        return {
            "product_id": product_id,
            "number": f"OCOP-{self.tag}-{product_id}",
            "decision_number": f"{rng.randrange(100, 4000)}/"
            + ("QĐ-BNNMT" if national else "QĐ-UBND"),
            "issuing_authority": "Bộ Nông nghiệp và Môi trường" if national else "UBND tỉnh",
            "decision_date": decided,
            "expires_on": expires,
            "stars": stars,
            "potential_five_star": stars == 4 and rng.random() < 0.03,
            "criteria_version": CriteriaVersion.V1048_2019
            if decided < datetime.date(2023, 3, 1)
            else CriteriaVersion.V148_2023,
            "kind": rng.choice([CertificateKind.NEW] * 6 + [CertificateKind.RERATING]),
            "status": status,
            "document": "",
        }

    def _batch(self, start: int, count: int, producers: list[dict[str, Any]]) -> None:
        rng = self.rng
        products: list[dict[str, Any]] = []
        variant_specs: list[list[tuple[str, str, int, int, int]]] = []
        for i in range(count):
            n = start + i
            category = rng.choices(self.sets, weights=self.set_weights)[0]
            group = category.parent.code if category.parent else category.code
            producer = (
                producers[n % len(producers)] if rng.random() < 0.8 else rng.choice(producers)
            )
            base_vi, base_en = rng.choice(BASES.get(category.code) or [("Sản phẩm", "product")])
            adj_vi, adj_en = rng.choice(ADJECTIVES)
            place = producer["_province"].short_name
            name_vi = " ".join(p for p in (base_vi, adj_vi, place) if p)
            name_en = " ".join(p for p in (fold(place).title(), adj_en, base_en) if p)
            specs = []
            packs = PACKS.get(group, PACKS["I"])
            for k in range(rng.choices([1, 2, 3], weights=[0.45, 0.4, 0.15])[0]):
                pack_vi, pack_en, grams = packs[k % len(packs)]
                stock = 0 if rng.random() < 0.1 else rng.randrange(1, 500)
                specs.append((pack_vi, pack_en, grams, self._price(group), stock))
            prices = [spec[3] for spec in specs]
            status = _weighted(
                rng,
                [
                    (ModerationStatus.APPROVED, 0.95),
                    (ModerationStatus.PENDING_REVIEW, 0.03),
                    (ModerationStatus.DRAFT, 0.02),
                ],
            )
            products.append(
                {
                    "producer_id": producer["id"],
                    "category_id": category.pk,
                    "name_vi": name_vi,
                    "name_en": name_en,
                    "slug": f"{vi_slugify(name_vi)}-{self.tag}-{n}",
                    "slug_en": f"{vi_slugify(name_en)}-{self.tag}-{n}",
                    "description_vi": f"{name_vi}: sản phẩm OCOP của {producer['name']}.",
                    "description_en": f"{name_en}: an OCOP product of "
                    f"{fold(producer['name']).title()}.",
                    "province_id": producer["province_id"],
                    "commune_id": producer["commune_id"],
                    "moderation_status": status,
                    "price_min": Decimal(min(prices)),
                    "price_max": Decimal(max(prices)),
                    **self._facts(category.code),
                }
            )
            variant_specs.append(specs)
        with transaction.atomic():
            _Writer(Product).insert(products)
            ids = dict(
                Product.objects.filter(slug__in=[p["slug"] for p in products]).values_list(
                    "slug", "pk"
                )
            )
            product_ids = [ids[p["slug"]] for p in products]
            variants = [
                {
                    "product_id": product_id,
                    "sku": f"G{self.tag}-{start + i:07d}-{k}".upper(),
                    "name_vi": pack_vi,
                    "name_en": pack_en,
                    "price_amount": Decimal(price),
                    "weight_grams": grams,
                    "quantity": stock,
                    "sort_order": k,
                }
                for i, (product_id, specs) in enumerate(
                    zip(product_ids, variant_specs, strict=True)
                )
                for k, (pack_vi, pack_en, grams, price, stock) in enumerate(specs)
            ]
            _Writer(ProductVariant).insert(variants)
            certificates = [
                self._certificate(product_id, _weighted(rng, STARS))
                for product_id in product_ids
                if rng.random() < 0.92
            ]
            _Writer(OcopCertificate).insert(certificates)
            self._set_current_certificates(product_ids)
        self.report.products += len(products)
        self.report.variants += len(variants)
        self.report.certificates += len(certificates)

    def _set_current_certificates(self, product_ids: list[int]) -> None:
        """current_certificate = the newest VERIFIED certificate, one UPDATE per batch."""
        if connection.vendor == "postgresql":
            # A correlated subquery over fresh, unanalysed rows plans badly on PostgreSQL; a
            # join does not. A generated product has at most one certificate, so its verified
            # one is the newest.
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE catalogue_product AS p SET current_certificate_id = c.id "
                    "FROM certification_ocopcertificate AS c "
                    "WHERE c.product_id = p.id AND c.status = %s AND p.id = ANY(%s)",
                    [CertificateStatus.VERIFIED.value, product_ids],
                )
            return
        newest = (
            OcopCertificate.objects.filter(
                product=OuterRef("pk"), status=CertificateStatus.VERIFIED
            )
            .order_by("-decision_date", "-pk")
            .values("pk")[:1]
        )
        Product.objects.filter(pk__in=product_ids).update(current_certificate=Subquery(newest))

    def run(self) -> GenerateReport:
        import time

        started = time.monotonic()
        producer_count = max(1, round(self.total / 1.8))
        producers: list[dict[str, Any]] = []
        for offset, count in _chunks(producer_count, self.batch_size):
            producers.extend(self._producers(count, offset))
        for start, count in _chunks(self.total, self.batch_size):
            self._batch(start, count, producers)
            self.progress(count)
        _refresh_planner_statistics()
        self.report.seconds = time.monotonic() - started
        return self.report


def _refresh_planner_statistics() -> None:
    """A bulk load leaves the planner's statistics stale, and filtered pages then pick bad
    plans (20-90 s instead of 0.5 s on 100k products on PostgreSQL): refresh them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
