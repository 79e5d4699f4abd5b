"""Bulk import of a producer's listings from CSV or XLSX (template: docs/product-import.md).

One row is one variant (SKU). Rows with the same `product_name_vi` make one product.

- Upsert by SKU: a known SKU updates its variant and product, a new SKU creates them; a field
  that already has the file's value is not written, so importing a file twice changes nothing.
- Validation: every bad row is reported as (row, column, message); the rules are those of the
  catalogue services (each row goes through `product_create/product_update/variant_create/
  variant_update`), plus parsing.
- All or nothing: the whole file is imported in ONE transaction; when any row is bad the
  transaction is rolled back and nothing is written (the report lists every bad row).
- Progress: `progress(done, total)` is called while rows are processed (the command line
  draws a rich progress bar; the background job keeps it in the cache for the API).

Background jobs (`import_job_create` / `import_job_run` / `import_job_get`) keep their state in
the cache (status, progress, counts, errors) and the uploaded file in the private storage; the
Celery task `backend.producers.tasks.run_product_import` runs them (eagerly by default). A
re-run of a job (worker lost) is safe: the import is idempotent.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime
import enum
import io
import re
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.db.models.functions import Lower
from django.utils import timezone

from backend.catalogue import services
from backend.catalogue.models import Category, Product, ProductVariant, StorageClass
from backend.core.errors import ServiceError
from backend.places.models import Province
from backend.producers.models import Producer

MAX_ROWS = 50_000
MAX_FILE_BYTES = 20 * 1024 * 1024

# Column -> (what it is, required). The order is the template's.
COLUMNS: dict[str, tuple[str, bool]] = {
    "sku": ("Stock keeping unit, unique across the marketplace (the upsert key).", True),
    "product_name_vi": (
        "Product name in Vietnamese; rows with the same name are one product.",
        True,
    ),
    "product_name_en": ("Product name in English.", False),
    "category": ("OCOP product set code, e.g. I-3d, II-1a, IV-1.", True),
    "variant_name_vi": ("Pack size or unit in Vietnamese, e.g. 'hộp 500g'.", True),
    "variant_name_en": ("Pack size or unit in English.", False),
    "price_vnd": ("Price in VND, a whole number (120000 or 120.000).", True),
    "weight_grams": ("Packed shipping weight in grams.", True),
    "quantity": ("Units on hand (default 0).", False),
    "length_cm": ("Parcel length in cm (decimal point or comma).", False),
    "width_cm": ("Parcel width in cm.", False),
    "height_cm": ("Parcel height in cm.", False),
    "description_vi": ("The product's story in Vietnamese.", False),
    "description_en": ("The product's story in English.", False),
    "province": ("Origin province code (2 digits); default: the producer's province.", False),
    "hs_code": ("HS code.", False),
    "storage_class": ("AMBIENT, CHILLED, FROZEN or FRESH (default AMBIENT).", False),
    "shelf_life_days": ("Shelf life in days.", False),
}
REQUIRED = [name for name, (_, required) in COLUMNS.items() if required]

# Service field names -> columns, for the errors of the services.
PRODUCT_FIELD_COLUMNS = {
    "name_vi": "product_name_vi",
    "name_en": "product_name_en",
    "category": "category",
    "description_vi": "description_vi",
    "description_en": "description_en",
    "province": "province",
    "hs_code": "hs_code",
    "storage_class": "storage_class",
    "shelf_life_days": "shelf_life_days",
    "slug": "product_name_vi",
    "slug_en": "product_name_en",
}
VARIANT_FIELD_COLUMNS = {
    "sku": "sku",
    "name_vi": "variant_name_vi",
    "name_en": "variant_name_en",
    "price_amount": "price_vnd",
    "weight_grams": "weight_grams",
    "quantity": "quantity",
    "length_cm": "length_cm",
    "width_cm": "width_cm",
    "height_cm": "height_cm",
}


class ImportErrorCode(enum.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    REQUIRED = "required"
    UNSUPPORTED_FORMAT = "unsupported_format"
    FILE_TOO_LARGE = "file_too_large"
    MISSING_COLUMN = "missing_column"
    TOO_MANY_ROWS = "too_many_rows"
    DUPLICATED_SKU = "duplicated_sku"
    SKU_OF_OTHER_PRODUCER = "sku_of_other_producer"
    CONFLICTING_VALUES = "conflicting_values"
    ROW_INVALID = "row_invalid"


@dataclasses.dataclass
class RowError:
    row: int
    column: str | None
    message: str
    code: str = "invalid"


@dataclasses.dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    products_created: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading files ----------------------------------------------------------------------------


def _header(name: Any) -> str:
    return re.sub(r"[\s-]+", "_", str(name or "").strip().lower())


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value


def detect_format(name: str, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if name.lower().endswith((".xlsx", ".xlsm")):
        return "xlsx"
    return "csv"


def read_rows(
    data: bytes, *, file_format: str
) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]], int]:
    """(headers, rows as (row number, {column: value}), row count). Row numbers are those a
    spreadsheet shows: the header is row 1."""
    if file_format == "xlsx":
        return _read_xlsx(data)
    return _read_csv(data)


def _read_csv(data: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]], int]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError.single(
            ImportErrorCode.UNSUPPORTED_FORMAT,
            "CSV files are read as UTF-8; save it as UTF-8.",
            "file",
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise ServiceError.single(ImportErrorCode.REQUIRED, "The file is empty.", "file")
    headers = [_header(h) for h in rows[0]]
    body = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]

    def iterate() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, raw in body:
            yield number, {h: _cell(v) for h, v in zip(headers, raw, strict=False) if h}

    return headers, iterate(), len(body)


def _read_xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]], int]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ServiceError.single(
            ImportErrorCode.UNSUPPORTED_FORMAT, "Not a readable XLSX workbook.", "file"
        ) from None
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    workbook.close()
    if not rows:
        raise ServiceError.single(ImportErrorCode.REQUIRED, "The first sheet is empty.", "file")
    headers = [_header(h) for h in rows[0]]
    body = [
        (i, r)
        for i, r in enumerate(rows[1:], start=2)
        if any(c is not None and str(c).strip() for c in r)
    ]

    def iterate() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, raw in body:
            yield number, {h: _cell(v) for h, v in zip(headers, raw, strict=False) if h}

    return headers, iterate(), len(body)


# --- Parsing values ---------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column, self.message = column, message


def _text(row: dict[str, Any], column: str) -> str:
    value = row.get(column, "")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole(row: dict[str, Any], column: str, *, required: bool = False) -> int | None:
    value = row.get(column, "")
    if value in ("", None):
        if required:
            raise _Bad(column, "This column is required.")
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if value != int(value):
            raise _Bad(column, f"'{value}' is not a whole number.")
        return int(value)
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):  # 120.000 / 1,200,000
        text = text.replace(".", "").replace(",", "")
    if not re.fullmatch(r"-?\d+", text):
        raise _Bad(column, f"'{value}' is not a whole number.")
    return int(text)


def _decimal(row: dict[str, Any], column: str) -> Decimal | None:
    value = row.get(column, "")
    if value in ("", None):
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise _Bad(column, f"'{value}' is not a number.") from None
    if not amount.is_finite():
        raise _Bad(column, f"'{value}' is not a number.")
    return amount


@dataclasses.dataclass
class _Context:
    producer: Producer
    categories: dict[str, Category]
    provinces: dict[str, Province]
    variants: dict[str, ProductVariant]
    products: dict[str, Product]
    seen_skus: dict[str, int] = dataclasses.field(default_factory=dict)
    product_rows: dict[str, tuple[int, dict[str, Any]]] = dataclasses.field(default_factory=dict)
    new_products: dict[str, Any] = dataclasses.field(default_factory=dict)
    new_variants: list[tuple[Product, dict[str, Any]]] = dataclasses.field(default_factory=list)
    touched: set[int] = dataclasses.field(default_factory=set)


def _parse(row: dict[str, Any], ctx: _Context) -> tuple[dict[str, Any], dict[str, Any], list[_Bad]]:
    """(product fields, variant fields, parse errors) of one row, in the services' terms."""
    bad: list[_Bad] = []
    product: dict[str, Any] = {}
    variant: dict[str, Any] = {}

    def attempt(fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except _Bad as error:
            bad.append(error)
            return None

    for column in ("sku", "product_name_vi", "variant_name_vi", "category"):
        if not _text(row, column):
            bad.append(_Bad(column, "This column is required."))
    variant["sku"] = _text(row, "sku")
    product["name_vi"] = _text(row, "product_name_vi")
    product["name_en"] = _text(row, "product_name_en")
    product["description_vi"] = _text(row, "description_vi")
    product["description_en"] = _text(row, "description_en")
    product["hs_code"] = _text(row, "hs_code")
    code = _text(row, "category")
    if code:
        category = ctx.categories.get(code.lower())
        if category is None:
            bad.append(_Bad("category", f"Unknown product set '{code}' (e.g. I-3d, IV-1)."))
        product["category"] = category
    province_code = _text(row, "province")
    if province_code:
        province = ctx.provinces.get(province_code.zfill(2))
        if province is None:
            bad.append(_Bad("province", f"Unknown province code '{province_code}'."))
        product["province"] = province
    else:
        product["province"] = ctx.producer.province
    storage = _text(row, "storage_class").upper() or StorageClass.AMBIENT
    if storage not in StorageClass.values:
        bad.append(_Bad("storage_class", f"Use one of {', '.join(StorageClass.values)}."))
    product["storage_class"] = storage
    product["shelf_life_days"] = attempt(lambda: _whole(row, "shelf_life_days"))
    variant["name_vi"] = _text(row, "variant_name_vi")
    variant["name_en"] = _text(row, "variant_name_en")
    variant["price_amount"] = attempt(lambda: _whole(row, "price_vnd", required=True))
    variant["weight_grams"] = attempt(lambda: _whole(row, "weight_grams", required=True))
    quantity = attempt(lambda: _whole(row, "quantity"))
    variant["quantity"] = quantity if quantity is not None else 0
    for dim in ("length_cm", "width_cm", "height_cm"):
        value = attempt(lambda dim=dim: _decimal(row, dim))  # type: ignore[misc]
        variant[dim] = value.quantize(Decimal("0.1")) if value is not None else None
    if variant["price_amount"] is not None:
        variant["price_amount"] = Decimal(variant["price_amount"])
    return product, variant, bad


def _differs(instance: Any, key: str, value: Any) -> bool:
    if key in ("category", "province"):
        return getattr(instance, f"{key}_id") != (value.pk if value is not None else None)
    current = getattr(instance, key)
    if isinstance(current, Decimal) or isinstance(value, Decimal):
        if current is None or value is None:
            return current != value
        return Decimal(current) != Decimal(value)
    return bool(current != value)


def _service_errors(number: int, error: ServiceError, columns: dict[str, str]) -> list[RowError]:
    return [
        RowError(
            row=number,
            column=columns.get(e.field or "", e.field),
            message=e.message,
            code=str(getattr(e.code, "value", e.code)),
        )
        for e in error.errors
    ]


def _import_row(number: int, row: dict[str, Any], ctx: _Context, result: ImportResult) -> None:
    product_data, variant_data, bad = _parse(row, ctx)
    errors = [RowError(number, b.column, b.message, "invalid") for b in bad]
    sku_key = variant_data["sku"].lower()
    if sku_key:
        if sku_key in ctx.seen_skus:
            errors.append(
                RowError(
                    number,
                    "sku",
                    f"SKU '{variant_data['sku']}' is already on row {ctx.seen_skus[sku_key]}.",
                    ImportErrorCode.DUPLICATED_SKU.value,
                )
            )
        else:
            ctx.seen_skus[sku_key] = number
    existing = ctx.variants.get(sku_key)
    if existing is not None and existing.product.producer_id != ctx.producer.pk:
        errors.append(
            RowError(
                number,
                "sku",
                f"SKU '{variant_data['sku']}' is taken (SKUs are unique in the marketplace).",
                ImportErrorCode.SKU_OF_OTHER_PRODUCER.value,
            )
        )
    name_key = product_data["name_vi"]
    if name_key and not bad:
        first = ctx.product_rows.get(name_key)
        if first is None:
            ctx.product_rows[name_key] = (number, product_data)
        else:
            for key, value in product_data.items():
                if _differs_value(first[1].get(key), value):
                    column = PRODUCT_FIELD_COLUMNS.get(key, key)
                    errors.append(
                        RowError(
                            number,
                            column,
                            f"'{column}' differs from row {first[0]} of the same product.",
                            ImportErrorCode.CONFLICTING_VALUES.value,
                        )
                    )
    if errors:
        result.errors.extend(errors)
        return
    product = existing.product if existing is not None else ctx.products.get(name_key)
    changed_product = False
    if product is not None:
        changes = {k: v for k, v in product_data.items() if _differs(product, k, v)}
        if changes:
            try:
                with transaction.atomic():
                    services.product_update(product=product, **changes)
            except ServiceError as error:
                result.errors.extend(_service_errors(number, error, PRODUCT_FIELD_COLUMNS))
                return
            changed_product = True
            ctx.touched.add(product.pk)
    if existing is None:
        _queue_new_variant(number, product, product_data, variant_data, ctx, result)
        return
    changes = {k: v for k, v in variant_data.items() if _differs(existing, k, v)}
    changes.pop("sku", None)  # same SKU, maybe in another letter case: keep the stored one
    if changes:
        try:
            with transaction.atomic():
                services.variant_update(variant=existing, **changes)
        except ServiceError as error:
            result.errors.extend(_service_errors(number, error, VARIANT_FIELD_COLUMNS))
            return
        result.updated += 1
    elif changed_product:
        result.updated += 1
    else:
        result.unchanged += 1


# New rows are checked by the catalogue services' own rules (`_clean_product`,
# `_clean_variant`) row by row, then written in bulk once the whole file is known to be good:
# a few queries per 500 rows instead of a dozen per row, and one search sync for the import.


@dataclasses.dataclass
class _NewProduct:
    data: dict[str, Any]
    variants: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def _queue_new_variant(
    number: int,
    product: Product | None,
    product_data: dict[str, Any],
    variant_data: dict[str, Any],
    ctx: _Context,
    result: ImportResult,
) -> None:
    pending = None
    if product is None:
        pending = ctx.new_products.get(product_data["name_vi"])
        if pending is None:
            try:
                cleaned = services._clean_product(dict(product_data), instance=None)
            except ServiceError as error:
                result.errors.extend(_service_errors(number, error, PRODUCT_FIELD_COLUMNS))
                return
            pending = _NewProduct(data=cleaned)
    data = dict(variant_data)
    sku = data.pop("sku")
    max_length = ProductVariant._meta.get_field("sku").max_length or 64
    try:
        if len(sku) > max_length:
            raise ServiceError.single(
                services.Code.TOO_LONG, f"At most {max_length} characters.", "sku"
            )
        cleaned_variant = services._clean_variant(data, instance=None)
    except ServiceError as error:
        result.errors.extend(_service_errors(number, error, VARIANT_FIELD_COLUMNS))
        return
    cleaned_variant["sku"] = sku
    if pending is not None:
        if product_data["name_vi"] not in ctx.new_products:
            ctx.new_products[product_data["name_vi"]] = pending
            result.products_created += 1
        pending.variants.append(cleaned_variant)
    elif product is not None:
        ctx.new_variants.append((product, cleaned_variant))
    result.created += 1


def _free_slug(base: str, taken: set[str], max_length: int = 250) -> str:
    base = (base or "item")[:max_length].strip("-") or "item"
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        n += 1
    taken.add(candidate)
    return candidate


def _write_new_rows(ctx: _Context, result: ImportResult) -> None:
    from backend.core.text import vi_slugify

    variants: list[ProductVariant] = []
    created: list[Product] = []
    if ctx.new_products:
        taken = set(Product.objects.values_list("slug", flat=True))
        taken_en = {
            str(slug)
            for slug in Product.objects.filter(slug_en__isnull=False).values_list(
                "slug_en", flat=True
            )
        }
        pairs = []
        for pending in ctx.new_products.values():
            data = pending.data
            prices = [v["price_amount"] for v in pending.variants]
            product = Product(
                producer=ctx.producer,
                slug=_free_slug(vi_slugify(data["name_vi"]), taken),
                slug_en=_free_slug(vi_slugify(data["name_en"]), taken_en)
                if data.get("name_en")
                else None,
                price_min=min(prices),
                price_max=max(prices),
                **data,
            )
            pairs.append((product, pending))
        created = Product.objects.bulk_create([p for p, _ in pairs], batch_size=500)
        for product, pending in pairs:
            variants.extend(ProductVariant(product=product, **v) for v in pending.variants)
    variants.extend(ProductVariant(product=p, **v) for p, v in ctx.new_variants)
    ProductVariant.objects.bulk_create(variants, batch_size=500)
    grown = {p.pk: p for p, _ in ctx.new_variants}
    for product in grown.values():
        services.product_update_price_range(product=product)
    ctx.touched.update(grown)
    ctx.touched.update(p.pk for p in created)


def _differs_value(a: Any, b: Any) -> bool:
    if isinstance(a, Model) or isinstance(b, Model):
        return getattr(a, "pk", None) != getattr(b, "pk", None)
    return bool(a != b)


def _context(producer: Producer, skus: list[str]) -> _Context:
    lowered = sorted({s.lower() for s in skus if s})
    variants: dict[str, ProductVariant] = {}
    for start in range(0, len(lowered), 900):
        chunk = lowered[start : start + 900]
        for variant in (
            ProductVariant.objects.annotate(sku_lower=Lower("sku"))
            .filter(sku_lower__in=chunk)
            .select_related("product")
        ):
            variants[variant.sku.lower()] = variant
    products = {p.name_vi: p for p in Product.objects.filter(producer=producer)}
    return _Context(
        producer=producer,
        categories={c.code.lower(): c for c in Category.objects.all()},
        provinces={p.code: p for p in Province.objects.all()},
        variants=variants,
        products=products,
    )


def import_products(
    *,
    producer: Producer,
    data: bytes,
    file_name: str = "",
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Imports the file for `producer` in one transaction; rolls everything back when a row is
    bad (or with `dry_run`). `progress(done, total)` is called every 1% of the rows."""
    if len(data) > MAX_FILE_BYTES:
        raise ServiceError.single(
            ImportErrorCode.FILE_TOO_LARGE,
            f"The file has {len(data)} bytes; at most {MAX_FILE_BYTES} are allowed.",
            "file",
        )
    file_format = detect_format(file_name, data[:8])
    headers, rows, total = read_rows(data, file_format=file_format)
    result = ImportResult(total=total)
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        result.errors.extend(
            RowError(1, c, f"The column '{c}' is missing.", ImportErrorCode.MISSING_COLUMN.value)
            for c in missing
        )
        return result
    if total > MAX_ROWS:
        result.errors.append(
            RowError(1, None, f"{total} rows; at most {MAX_ROWS} per file.", "too_many_rows")
        )
        return result
    materialised = list(rows)
    ctx = _context(producer, [_text(r, "sku") for _, r in materialised])
    step = max(1, total // 100)
    if progress:
        progress(0, total)
    try:
        with transaction.atomic():
            for done, (number, row) in enumerate(materialised, start=1):
                _import_row(number, row, ctx, result)
                if progress and (done % step == 0 or done == total):
                    progress(done, total)
            if not result.errors:
                try:
                    with transaction.atomic():
                        _write_new_rows(ctx, result)
                except IntegrityError:  # a concurrent write took a SKU or slug meanwhile
                    result.errors.append(
                        RowError(
                            1,
                            "sku",
                            "Another change took one of these SKUs meanwhile; import again.",
                            ImportErrorCode.DUPLICATED_SKU.value,
                        )
                    )
            if result.errors or dry_run:
                raise _Rollback
            result.committed = True
            if ctx.touched:
                from search.sync import schedule_products

                schedule_products(ctx.touched)  # one search sync for the whole import
    except _Rollback:
        if result.errors:  # a dry run keeps its counts: what an import would do
            result.created = result.updated = result.unchanged = result.products_created = 0
    return result


class _Rollback(Exception):
    pass


# --- Background jobs --------------------------------------------------------------------------


class ImportStatus(enum.Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"


JOB_KEY = "catalogue:import:{id}"
JOB_TTL = 7 * 24 * 3600


@dataclasses.dataclass
class ImportJob:
    id: str
    producer_id: int
    user_id: int | None
    file_name: str
    storage_name: str
    status: str = ImportStatus.PENDING.value
    processed: int = 0
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    message: str = ""
    created_at: str = ""
    finished_at: str = ""

    @property
    def progress(self) -> float:
        if self.status == ImportStatus.SUCCESS.value:
            return 1.0
        return round(self.processed / self.total, 4) if self.total else 0.0

    def save(self) -> None:
        cache.set(JOB_KEY.format(id=self.id), dataclasses.asdict(self), timeout=JOB_TTL)


def import_job_get(job_id: str) -> ImportJob | None:
    raw = cache.get(JOB_KEY.format(id=job_id))
    return ImportJob(**raw) if raw else None


def import_job_create(
    *, producer: Producer, user: Any, file: IO[bytes] | Any, file_name: str = ""
) -> ImportJob:
    """Stores the upload privately and queues the import (after the request's commit)."""
    name = file_name or getattr(file, "name", "") or "import.csv"
    data = file.read()
    if not data:
        raise ServiceError.single(ImportErrorCode.REQUIRED, "The file is empty.", "file")
    if len(data) > MAX_FILE_BYTES:
        raise ServiceError.single(
            ImportErrorCode.FILE_TOO_LARGE, f"At most {MAX_FILE_BYTES} bytes.", "file"
        )
    file_format = detect_format(name, data[:8])
    if file_format == "csv" and b"\x00" in data[:4096]:
        raise ServiceError.single(
            ImportErrorCode.UNSUPPORTED_FORMAT, "Upload a CSV (UTF-8) or XLSX file.", "file"
        )
    job_id = uuid.uuid4().hex
    stored = storages["private"].save(f"imports/{job_id}.{file_format}", ContentFile(data))
    job = ImportJob(
        id=job_id,
        producer_id=producer.pk,
        user_id=getattr(user, "pk", None),
        file_name=name[:200],
        storage_name=stored,
        created_at=timezone.now().isoformat(),
    )
    job.save()

    def enqueue() -> None:
        from backend.producers.tasks import run_product_import

        run_product_import.delay(job_id)

    transaction.on_commit(enqueue)
    return job


def import_job_run(job_id: str) -> ImportJob:
    job = import_job_get(job_id)
    if job is None:
        raise LookupError(f"No import job {job_id}")
    if job.status in (ImportStatus.SUCCESS.value, ImportStatus.FAILED.value):
        return job  # a redelivered message: the job is done
    producer = Producer.objects.get(pk=job.producer_id)
    job.status = ImportStatus.RUNNING.value
    job.save()

    def progress(done: int, total: int) -> None:
        job.processed, job.total = done, total
        job.save()

    try:
        with storages["private"].open(job.storage_name, "rb") as fh:
            data = fh.read()
        result = import_products(
            producer=producer, data=data, file_name=job.file_name, progress=progress
        )
    except ServiceError as error:
        job.status = ImportStatus.FAILED.value
        job.errors = [
            {"row": None, "column": e.field, "message": e.message, "code": e.code.value}
            for e in error.errors
        ]
    else:
        job.total = result.total
        job.processed = result.total
        job.created, job.updated, job.unchanged = result.created, result.updated, result.unchanged
        job.errors = [dataclasses.asdict(e) for e in result.errors[:1000]]
        job.status = ImportStatus.SUCCESS.value if result.committed else ImportStatus.FAILED.value
        if result.errors:
            job.message = f"{len(result.errors)} errors; nothing was imported."
    job.finished_at = datetime.datetime.now(datetime.UTC).isoformat()
    job.save()
    with contextlib.suppress(Exception):  # the upload is not kept once the job is done
        storages["private"].delete(job.storage_name)
    return job


def template_csv() -> str:
    """The header row and one example row of the import template."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(COLUMNS))
    writer.writerow(
        [
            "CHE-TN-100",
            "Trà Tân Cương Thái Nguyên",
            "Tan Cuong green tea",
            "I-5a",
            "gói 100g",
            "100 g pack",
            "120000",
            "150",
            "40",
            "15",
            "8",
            "4",
            "Chè búp Tân Cương sao tay.",
            "Hand-roasted Tan Cuong tea buds.",
            "19",
            "0902.10",
            "AMBIENT",
            "365",
        ]
    )
    return out.getvalue()
