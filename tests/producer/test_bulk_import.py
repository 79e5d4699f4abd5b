"""Bulk import of listings from CSV and XLSX: upsert by SKU, the validation report, all or
nothing, the command line, and a 10,000-row file."""

from __future__ import annotations

import csv
import io
import time
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from backend.catalogue.bulk_import import COLUMNS, import_products, template_csv
from backend.catalogue.models import ModerationStatus, Product, ProductVariant
from tests.factories import ProducerFactory, ProductVariantFactory

HEADER = list(COLUMNS)


def row(sku: str, **values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "sku": sku,
        "product_name_vi": "Trà Tân Cương",
        "product_name_en": "Tan Cuong tea",
        "category": "I-5a",
        "variant_name_vi": "gói 100g",
        "variant_name_en": "100 g pack",
        "price_vnd": "120000",
        "weight_grams": "150",
        "quantity": "40",
    }
    base.update(values)
    return base


def csv_bytes(rows: list[dict[str, object]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, delimiter=delimiter)
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[dict[str, object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for r in rows:
        sheet.append([r.get(c) for c in HEADER])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


GOOD = [
    row("TEA-100"),
    row("TEA-500", variant_name_vi="hộp 500g", price_vnd="450.000", weight_grams="560"),
    row(
        "HAT-1",
        product_name_vi="Nón lá Chuông",
        product_name_en="Chuong conical hat",
        category="IV-1",
        variant_name_vi="chiếc",
        price_vnd="180000",
        weight_grams="300",
        length_cm="45,5",
    ),
]


@pytest.fixture
def producer(db):
    return ProducerFactory()


def snapshot(producer):
    variants = ProductVariant.objects.filter(product__producer=producer).order_by("sku")
    return [
        (v.sku, v.product.name_vi, v.price_amount, v.weight_grams, v.quantity, v.updated_at)
        for v in variants.select_related("product")
    ] + [(p.pk, p.updated_at) for p in Product.objects.filter(producer=producer)]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "csv;"])
def test_good_file_creates_products_and_variants(producer, kind):
    data = (
        xlsx_bytes(GOOD)
        if kind == "xlsx"
        else csv_bytes(GOOD, delimiter=kind[-1] if kind == "csv;" else ",")
    )
    result = import_products(producer=producer, data=data, file_name=f"listings.{kind[:4]}")
    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert result.products_created == 2
    tea = Product.objects.get(producer=producer, name_vi="Trà Tân Cương")
    assert tea.moderation_status == ModerationStatus.PENDING_REVIEW  # waits for staff
    assert tea.category.code == "I-5a"
    assert (tea.price_min, tea.price_max) == (Decimal(120000), Decimal(450000))
    hat = ProductVariant.objects.get(sku="HAT-1")
    assert hat.length_cm == Decimal("45.5")
    assert hat.product.category.code == "IV-1"


def test_reimport_changes_nothing_and_changed_rows_update(producer):
    import_products(producer=producer, data=csv_bytes(GOOD), file_name="a.csv")
    before = snapshot(producer)
    again = import_products(producer=producer, data=csv_bytes(GOOD), file_name="a.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert snapshot(producer) == before

    changed = [row("TEA-100", price_vnd="125000"), *GOOD[1:]]
    third = import_products(producer=producer, data=csv_bytes(changed), file_name="a.csv")
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    assert ProductVariant.objects.get(sku="TEA-100").price_amount == Decimal(125000)
    assert ProductVariant.objects.filter(product__producer=producer).count() == 3


def test_bad_rows_are_all_reported_and_nothing_is_written(producer):
    other = ProductVariantFactory(sku="TAKEN-1")  # another producer's SKU
    rows = [
        row("OK-1"),
        row("OK-2", price_vnd="abc"),
        row("", weight_grams="0"),
        row("OK-3", category="I"),  # a group, not a product set
        row("OK-1"),  # duplicated in the file
        row("TAKEN-1"),
        row("OK-4", category="ZZ-9", province="77"),
        row("OK-5", price_vnd="-5"),
    ]
    result = import_products(producer=producer, data=csv_bytes(rows), file_name="bad.csv")
    found = {(e.row, e.column) for e in result.errors}
    assert (3, "price_vnd") in found
    assert (4, "sku") in found
    assert (5, "category") in found
    assert (6, "sku") in found
    assert (7, "sku") in found
    assert (8, "category") in found and (8, "province") in found
    assert (9, "price_vnd") in found
    assert all(e.message for e in result.errors)
    assert not result.committed
    assert not Product.objects.filter(producer=producer).exists()  # row 2 rolled back too
    assert ProductVariant.objects.filter(sku="TAKEN-1").get().product_id == other.product_id


def test_missing_columns_are_reported_on_row_one(producer):
    data = b"sku,product_name_vi\nA-1,Thing\n"
    result = import_products(producer=producer, data=data, file_name="x.csv")
    assert {(e.row, e.column) for e in result.errors} >= {(1, "category"), (1, "price_vnd")}
    assert not Product.objects.exists()


def test_conflicting_product_values_within_the_file(producer):
    rows = [row("A-1"), row("A-2", category="I-5b")]
    result = import_products(producer=producer, data=csv_bytes(rows), file_name="x.csv")
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "category", "conflicting_values")
    ]


def test_template_is_a_valid_file(producer):
    result = import_products(
        producer=producer, data=template_csv().encode(), file_name="template.csv"
    )
    assert result.errors == [] and result.created == 1


def test_command_line_imports_with_a_progress_bar(producer, tmp_path):
    path = tmp_path / "listings.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    out = io.StringIO()
    call_command("import_products", str(path), producer=producer.slug, stdout=out)
    text = out.getvalue()
    assert "Importing listings.xlsx" in text and "3/3" in text
    assert "3 created" in text
    assert ProductVariant.objects.filter(product__producer=producer).count() == 3

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row("Z-1", price_vnd="x")]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 bad rows"):
        call_command("import_products", str(bad), producer=str(producer.pk), stdout=out)
    assert "price_vnd" in out.getvalue()


def test_ten_thousand_rows(producer, capsys):
    rows = [
        row(
            f"BULK-{i:05d}",
            product_name_vi=f"Sản phẩm số {i // 2}",
            product_name_en=f"Product {i // 2}",
            variant_name_vi=f"gói {i % 2 + 1}",
            price_vnd=str(10000 + i),
        )
        for i in range(10_000)
    ]
    data = csv_bytes(rows)
    calls: list[tuple[int, int]] = []
    started = time.perf_counter()
    result = import_products(
        producer=producer,
        data=data,
        file_name="big.csv",
        progress=lambda d, t: calls.append((d, t)),
    )
    first = time.perf_counter() - started
    assert result.errors == []
    assert (result.created, result.products_created) == (10_000, 5_000)
    assert calls[0] == (0, 10_000) and calls[-1] == (10_000, 10_000) and len(calls) == 101
    started = time.perf_counter()
    again = import_products(producer=producer, data=data, file_name="big.csv")
    second = time.perf_counter() - started
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10_000)
    with capsys.disabled():
        print(f"\n10,000-row import: {first:.1f}s first run, {second:.1f}s re-import")


def test_new_products_get_free_slugs_and_one_search_sync(
    producer, django_capture_on_commit_callbacks
):
    from tests.factories import ProductFactory

    ProductFactory(name_vi="Trà Tân Cương", slug="tra-tan-cuong", slug_en="tan-cuong-tea")
    with django_capture_on_commit_callbacks() as callbacks:
        result = import_products(producer=producer, data=csv_bytes(GOOD), file_name="a.csv")
    assert result.errors == []
    assert len(callbacks) == 1  # one search sync for the whole file, after commit
    tea = Product.objects.get(producer=producer, name_vi="Trà Tân Cương")
    assert (tea.slug, tea.slug_en) == ("tra-tan-cuong-2", "tan-cuong-tea-2")

    # A new SKU of a product that exists: the variant joins it and the price range follows.
    more = [
        *GOOD,
        row("TEA-1K", variant_name_vi="túi 1kg", price_vnd="800000", weight_grams="1100"),
    ]
    again = import_products(producer=producer, data=csv_bytes(more), file_name="a.csv")
    assert (again.created, again.updated, again.unchanged, again.products_created) == (1, 0, 3, 0)
    tea.refresh_from_db()
    assert tea.variants.count() == 3 and tea.price_max == Decimal(800000)


def test_background_job_reports_progress_and_is_safe_to_rerun(producer, monkeypatch):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from backend.catalogue import bulk_import

    rows = [row(f"JOB-{i:03d}", product_name_vi=f"Sản phẩm {i}") for i in range(250)]
    seen: list[tuple[str, int, int]] = []
    original = bulk_import.ImportJob.save

    def record(job):
        seen.append((job.status, job.processed, job.total))
        original(job)

    monkeypatch.setattr(bulk_import.ImportJob, "save", record)
    job = bulk_import.import_job_create(
        producer=producer, user=None, file=ContentFile(csv_bytes(rows), name="job.csv")
    )
    assert job.status == "PENDING"
    assert storages["private"].exists(job.storage_name)
    done = bulk_import.import_job_run(job.id)
    assert done.status == "SUCCESS" and done.created == 250 and done.progress == 1.0
    running = [(p, t) for s, p, t in seen if s == "RUNNING"]
    assert (0, 250) in running and (126, 250) in running and (250, 250) in running
    assert len(running) == 1 + 1 + 125  # started, 0 of 250, then every 2 rows (1%)
    assert not storages["private"].exists(job.storage_name)  # the upload is not kept
    # A redelivered message finds the job done and changes nothing.
    assert bulk_import.import_job_run(job.id).created == 250
    assert ProductVariant.objects.filter(product__producer=producer).count() == 250
