"""Batch services, the public trace page, its QR code and public document files."""

from __future__ import annotations

import datetime
import io

import pytest
import segno
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from backend.catalogue.models import ModerationStatus
from backend.certification.services import producer_document_create
from backend.core.errors import ServiceError
from backend.traceability.error_codes import TraceabilityErrorCode as Code
from backend.traceability.links import batch_public_url, batch_qr_url
from backend.traceability.services import batch_create, batch_update
from tests.factories import (
    BatchFactory,
    OcopCertificateFactory,
    ProducerDocumentFactory,
    ProductFactory,
    ProductVariantFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def codes(exc) -> set:
    return {e.code for e in exc.value.errors}


# --- Services --------------------------------------------------------------------------------


def test_batch_create_normalises_code_and_links_own_documents():
    product = ProductFactory()
    variant = ProductVariantFactory(product=product)
    doc = ProducerDocumentFactory(producer=product.producer)
    batch = batch_create(
        product=product,
        code=" LOT-2026-01 ",
        production_date=TODAY,
        expiry_date=TODAY + datetime.timedelta(days=90),
        quantity=300,
        variant=variant,
        documents=[doc],
    )
    assert batch.code == "lot-2026-01"
    assert list(batch.documents.all()) == [doc]


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"code": ""}, Code.REQUIRED),
        ({"code": "lot 1"}, Code.INVALID_CODE),
        ({"code": "lô-1"}, Code.INVALID_CODE),
        ({"code": "lot/1"}, Code.INVALID_CODE),
        ({"code": "-lot"}, Code.INVALID_CODE),
        ({"code": "x" * 65}, Code.TOO_LONG),
        ({"code": "TAKEN"}, Code.DUPLICATED_CODE),
        ({"expiry_date": TODAY - datetime.timedelta(days=1)}, Code.EXPIRY_BEFORE_PRODUCTION),
        ({"quantity": -1}, Code.NEGATIVE_QUANTITY),
    ],
)
def test_batch_create_rejects_bad_input(kw, code):
    BatchFactory(code="taken")
    data = {"code": "new-lot", "production_date": TODAY}
    data.update(kw)
    with pytest.raises(ServiceError) as exc:
        batch_create(product=ProductFactory(), **data)
    assert codes(exc) == {code}


def test_batch_links_only_its_producer_documents_and_variants():
    batch = BatchFactory()
    foreign_doc = ProducerDocumentFactory()
    with pytest.raises(ServiceError) as exc:
        batch_update(batch=batch, documents=[foreign_doc])
    assert codes(exc) == {Code.DOCUMENT_OF_OTHER_PRODUCER}
    with pytest.raises(ServiceError) as exc:
        batch_update(batch=batch, variant=ProductVariantFactory())
    assert codes(exc) == {Code.VARIANT_OF_OTHER_PRODUCT}
    with pytest.raises(ServiceError) as exc:
        batch_update(batch=batch, production_date=batch.expiry_date + datetime.timedelta(days=1))
    assert codes(exc) == {Code.EXPIRY_BEFORE_PRODUCTION}
    batch_update(batch=batch, quantity=42, code=batch.code)  # its own code is fine
    batch.refresh_from_db()
    assert batch.quantity == 42


# --- Trace page and QR -----------------------------------------------------------------------


@pytest.fixture
def traced(settings):
    settings.PUBLIC_URL = "https://ocop.example"
    product = ProductFactory(name_vi="Chả cá thát lát", name_en="Clown knifefish cake")
    OcopCertificateFactory(
        product=product, number="OCOP-HN-123", decision_number="1234/QĐ-UBND", stars=4
    )
    public = producer_document_create(
        producer=product.producer,
        kind="LAB_REPORT",
        title="Kết quả kiểm nghiệm",
        issuer="QUATEST 1",
        file=ContentFile(b"%PDF-1.4 public", name="lab.pdf"),
        is_public=True,
    )
    private = producer_document_create(
        producer=product.producer,
        kind="HACCP",
        title="Chứng nhận HACCP",
        issuer="Bureau Veritas",
        expires_on=TODAY - datetime.timedelta(days=3),
        file=ContentFile(b"%PDF-1.4 private", name="haccp.pdf"),
    )
    batch = batch_create(
        product=product,
        code="lot-chaca-2026-01",
        production_date=datetime.date(2026, 1, 5),
        expiry_date=datetime.date(2026, 7, 5),
        quantity=400,
        documents=[public, private],
    )
    return batch, public, private


def test_trace_page_shows_batch_origin_certificate_and_documents(client, traced):
    batch, public, private = traced
    response = client.get("/trace/lot-chaca-2026-01/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Chả cá thát lát",
        "Clown knifefish cake",
        "05/01/2026",
        "05/07/2026",
        "400",
        batch.product.producer.name,
        batch.product.province.name,
        "OCOP-HN-123",
        "1234/QĐ-UBND",
        "4 sao",
        "Kết quả kiểm nghiệm",
        "QUATEST 1",
        "Chứng nhận HACCP",
        "Ngày sản xuất",
        "Produced on",
        "https://ocop.example/trace/lot-chaca-2026-01/",
    ):
        assert text in html, text
    assert f"/trace/lot-chaca-2026-01/documents/{public.pk}/" in html
    assert f"/documents/{private.pk}/" not in html  # private file never linked
    assert private.file.name not in html and public.file.name not in html
    assert "max-age" in response["Cache-Control"]


def test_trace_page_shows_expired_certificate_without_stars(client, traced):
    batch, _, _ = traced
    OcopCertificateFactory(product=batch.product, decision_date=datetime.date(2020, 1, 2))
    html = client.get("/trace/lot-chaca-2026-01/").content.decode()
    assert "Expired" in html
    assert "4 sao" not in html


def test_trace_page_404_for_unknown_or_hidden(client, traced):
    batch, _, _ = traced
    assert client.get("/trace/no-such-lot/").status_code == 404
    assert client.get("/trace/no-such-lot/qr.svg").status_code == 404
    batch.product.moderation_status = ModerationStatus.REJECTED
    batch.product.save()
    assert client.get("/trace/lot-chaca-2026-01/").status_code == 404


def test_public_document_file_served_private_not(client, traced):
    _, public, private = traced
    ok = client.get(f"/trace/lot-chaca-2026-01/documents/{public.pk}/")
    assert ok.status_code == 200
    assert b"".join(ok.streaming_content) == b"%PDF-1.4 public"
    assert client.get(f"/trace/lot-chaca-2026-01/documents/{private.pk}/").status_code == 404


def test_qr_svg_and_png_encode_the_public_url(client, traced):
    batch, _, _ = traced
    url = "https://ocop.example/trace/lot-chaca-2026-01/"
    assert batch_public_url(batch) == url
    assert batch_qr_url(batch) == "https://ocop.example/trace/lot-chaca-2026-01/qr.svg"
    svg = client.get("/trace/lot-chaca-2026-01/qr.svg")
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert "max-age=86400" in svg["Cache-Control"]
    body = svg.content.decode()
    assert body.lstrip().startswith("<svg")
    # The same matrix segno makes for the URL: the SVG path is identical.
    expected = io.BytesIO()
    segno.make(url, error="m").save(
        expected, kind="svg", scale=8, border=2, xmldecl=False, title="Lot lot-chaca-2026-01"
    )
    assert body == expected.getvalue().decode()
    # ...and differs from the code of another address.
    other = io.BytesIO()
    segno.make(url + "x", error="m").save(other, kind="svg", scale=8, border=2, xmldecl=False)
    assert body != other.getvalue().decode()

    png = client.get("/trace/lot-chaca-2026-01/qr.png")
    assert png["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(png.content)) as im:
        assert im.format == "PNG"
        qr = segno.make(url, error="m")
        assert im.size[0] == (qr.symbol_size(scale=8, border=2)[0])
