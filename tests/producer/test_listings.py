"""Listings through the API: create (waits for review), staff moderation, variants, stock,
images (multipart upload, checks as typed errors), certificates (stars only after staff
verify), documents (private, signed links), batches."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from graphql_relay import to_global_id
from PIL import Image

from backend.catalogue.models import ModerationStatus, Product, ProductMedia, ProductVariant
from backend.certification.models import ProducerDocument
from backend.producers.models import ProducerMember
from tests.factories import OcopCertificateFactory, product_set

from .conftest import PDF, png_bytes

pytestmark = pytest.mark.django_db

PRODUCT_CREATE = """mutation($input: ProductCreateInput!) { productCreate(input: $input) {
  product { id name moderationStatus stars } errors { field code message } } }"""
PUBLIC_PRODUCT = """query($id: ID!) { product(id: $id) { name stars certificate { status } } }"""


def gid(type_name, pk):
    return to_global_id(type_name, pk)


def test_new_listing_waits_for_review_then_staff_publish_it(gql, world):
    category = gid("Category", product_set("I-5a").pk)
    created = gql(
        PRODUCT_CREATE,
        {"input": {"name": "Trà Tân Cương", "nameEn": "Tan Cuong tea", "category": category}},
        user=world.owner_a,
    ).data["productCreate"]
    assert created["errors"] == []
    assert created["product"]["moderationStatus"] == "PENDING_REVIEW"
    product_id = created["product"]["id"]
    product = Product.objects.get(name_vi="Trà Tân Cương")
    assert product.producer == world.producer_a and product.province == world.producer_a.province

    # Shoppers don't see it yet; its members do.
    assert gql(PUBLIC_PRODUCT, {"id": product_id}, user=world.shopper).data["product"] is None
    assert gql(PUBLIC_PRODUCT, {"id": product_id}, user=world.owner_a).data["product"]

    rejected = gql(
        'mutation($id: ID!) { productReject(id: $id, note: "Thiếu ảnh") { errors { code } } }',
        {"id": product_id},
        user=world.staff,
    ).data["productReject"]
    assert rejected["errors"] == []
    product.refresh_from_db()
    assert product.moderation_status == ModerationStatus.REJECTED

    # An edit by the producer sends a rejected listing back to review.
    updated = gql(
        """mutation($id: ID!) { productUpdate(id: $id, input: {description: "Chè búp"}) {
          product { moderationStatus } errors { code } } }""",
        {"id": product_id},
        user=world.owner_a,
    ).data["productUpdate"]
    assert updated == {"product": {"moderationStatus": "PENDING_REVIEW"}, "errors": []}

    approved = gql(
        """mutation($id: ID!) { productApprove(id: $id) {
          product { moderationStatus } errors { code } } }""",
        {"id": product_id},
        user=world.staff,
    ).data["productApprove"]
    assert approved["errors"] == []
    assert gql(PUBLIC_PRODUCT, {"id": product_id}, user=world.shopper).data["product"]["name"]


def test_product_errors_are_typed_with_the_field(gql, world):
    group = gid("Category", product_set("I-5a").parent_id)
    result = gql(
        PRODUCT_CREATE,
        {"input": {"name": "  ", "category": group, "province": "77"}},
        user=world.owner_a,
    ).data["productCreate"]
    assert result["product"] is None
    assert {"field": "input.province", "code": "NOT_FOUND"} in [
        {"field": e["field"], "code": e["code"]} for e in result["errors"]
    ]
    result = gql(
        PRODUCT_CREATE,
        {"input": {"name": "  ", "category": group}},
        user=world.owner_a,
    ).data["productCreate"]
    codes = {(e["field"], e["code"]) for e in result["errors"]}
    assert ("input.name", "REQUIRED") in codes
    assert ("input.category", "CATEGORY_NOT_PRODUCT_SET") in codes
    bad_id = gql(
        PRODUCT_CREATE, {"input": {"name": "X", "category": "nonsense"}}, user=world.owner_a
    ).data["productCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in bad_id] == [("input.category", "GRAPHQL_ERROR")]


def test_variants_and_stock(gql, world):
    product_id = gid("Product", world.product_a.pk)
    created = gql(
        """mutation($input: ProductVariantCreateInput!) { productVariantCreate(input: $input) {
          productVariant { id sku pricing { price { amount currency } } quantityAvailable }
          errors { field code } } }""",
        {
            "input": {
                "product": product_id,
                "sku": "A-500",
                "name": "hộp 500g",
                "price": "450000",
                "weightGrams": 560,
                "quantity": 12,
            }
        },
        user=world.owner_a,
    ).data["productVariantCreate"]
    assert created["errors"] == []
    assert created["productVariant"]["pricing"]["price"] == {"amount": 450000, "currency": "VND"}
    world.product_a.refresh_from_db()
    assert world.product_a.price_max == 450000

    duplicated = gql(
        """mutation($input: ProductVariantCreateInput!) { productVariantCreate(input: $input) {
          errors { field code } } }""",
        {
            "input": {
                "product": product_id,
                "sku": "b-1",
                "name": "x",
                "price": "-1",
                "weightGrams": 0,
            }
        },
        user=world.owner_a,
    ).data["productVariantCreate"]["errors"]
    assert {(e["field"], e["code"]) for e in duplicated} == {
        ("input.sku", "DUPLICATED_SKU"),
        ("input.price", "NEGATIVE_PRICE"),
        ("input.weightGrams", "INVALID_WEIGHT"),
    }

    variant = ProductVariant.objects.get(sku="A-500")
    variant.quantity_allocated = 5
    variant.save()
    stocks = gql(
        """mutation($stocks: [StockInput!]!) { stocksUpdate(stocks: $stocks) {
          productVariants { sku quantityAvailable } errors { field code } } }""",
        {
            "stocks": [
                {"variant": gid("ProductVariant", world.variant_a.pk), "quantity": 30},
                {"variant": gid("ProductVariant", variant.pk), "quantity": 3},
            ]
        },
        user=world.owner_a,
    ).data["stocksUpdate"]
    assert stocks["errors"] == [{"field": "stocks.1.quantity", "code": "BELOW_ALLOCATED"}]
    world.variant_a.refresh_from_db()
    assert world.variant_a.quantity == 20  # all or nothing
    stocks = gql(
        """mutation($stocks: [StockInput!]!) { stocksUpdate(stocks: $stocks) {
          productVariants { sku quantityAvailable } errors { field code } } }""",
        {"stocks": [{"variant": gid("ProductVariant", variant.pk), "quantity": 9}]},
        user=world.owner_a,
    ).data["stocksUpdate"]
    assert stocks == {"productVariants": [{"sku": "A-500", "quantityAvailable": 4}], "errors": []}

    refused = gql(
        """mutation($id: ID!) { productVariantDelete(id: $id) { errors { field code } } }""",
        {"id": gid("ProductVariant", variant.pk)},
        user=world.owner_a,
    ).data["productVariantDelete"]["errors"]
    assert refused == [{"field": "id", "code": "VARIANT_ALLOCATED"}]
    deleted = gql(
        """mutation($id: ID!) { productVariantDelete(id: $id) {
          productVariant { id sku } errors { code } } }""",
        {"id": gid("ProductVariant", world.variant_a.pk)},
        user=world.owner_a,
    ).data["productVariantDelete"]
    assert deleted["errors"] == [] and deleted["productVariant"]["sku"] == "A-1"
    assert not ProductVariant.objects.filter(sku="A-1").exists()


MEDIA_CREATE = """mutation($input: ProductMediaCreateInput!) { productMediaCreate(input: $input) {
  media { id url width height thumbnail(size: 128) } errors { field code message } } }"""


def test_image_upload_through_multipart_and_checks(upload, gql, world):
    variables = {"input": {"product": gid("Product", world.product_a.pk), "alt": "Chè"}}
    result = upload(
        MEDIA_CREATE, variables, {"input.image": ("tea.png", png_bytes())}, world.owner_a
    )
    payload = result.data["productMediaCreate"]
    assert payload["errors"] == []
    assert (payload["media"]["width"], payload["media"]["height"]) == (64, 48)
    media = ProductMedia.objects.get(product=world.product_a)
    assert media.image.storage.exists(media.image.name)
    assert media.thumbnails.count() == 3

    not_image = upload(
        MEDIA_CREATE,
        {"input": {"product": gid("Product", world.product_a.pk)}},
        {"input.image": ("evil.png", b"<script>alert(1)</script>")},
        world.owner_a,
    ).data["productMediaCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in not_image] == [("input.image", "INVALID_IMAGE")]

    # A decompression bomb: a small file that would decode to 6500 x 6500 pixels.
    out = io.BytesIO()
    Image.new("1", (6500, 6500)).save(out, "PNG")
    assert len(out.getvalue()) < 200_000
    bomb = upload(
        MEDIA_CREATE,
        {"input": {"product": gid("Product", world.product_a.pk)}},
        {"input.image": ("bomb.png", out.getvalue())},
        world.owner_a,
    ).data["productMediaCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in bomb] == [
        ("input.image", "IMAGE_DIMENSIONS_TOO_LARGE")
    ]
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    wrong_type = upload(
        MEDIA_CREATE,
        {"input": {"product": gid("Product", world.product_a.pk)}},
        {"input.image": ("x.gif", gif.getvalue())},
        world.owner_a,
    ).data["productMediaCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in wrong_type] == [
        ("input.image", "UNSUPPORTED_IMAGE_TYPE")
    ]

    other = upload(
        MEDIA_CREATE,
        {"input": {"product": gid("Product", world.product_b.pk)}},
        {"input.image": ("tea.png", png_bytes())},
        world.owner_a,
    ).data["productMediaCreate"]
    assert other["media"] is None
    assert [(e["field"], e["code"]) for e in other["errors"]] == [("input.product", "NOT_FOUND")]

    deleted = gql(
        "mutation($id: ID!) { productMediaDelete(id: $id) { media { id } errors { code } } }",
        {"id": payload["media"]["id"]},
        user=world.owner_a,
    ).data["productMediaDelete"]
    assert deleted["errors"] == []
    assert not ProductMedia.objects.filter(product=world.product_a).exists()


CERTIFICATE_CREATE = """mutation($input: OcopCertificateCreateInput!) {
  ocopCertificateCreate(input: $input) {
    certificate { id status stars } errors { field code } } }"""


def test_stars_show_only_after_staff_verify(gql, upload, world):
    product_id = gid("Product", world.product_a.pk)
    decision = (datetime.date.today() - datetime.timedelta(days=10)).isoformat()
    created = upload(
        CERTIFICATE_CREATE,
        {
            "input": {
                "product": product_id,
                "decisionNumber": "123/QĐ-UBND",
                "issuingAuthority": "UBND Thành phố Hà Nội",
                "decisionDate": decision,
                "stars": 4,
            }
        },
        {"input.document": ("ocop.pdf", PDF)},
        world.owner_a,
    ).data["ocopCertificateCreate"]
    assert created["errors"] == [] and created["certificate"]["status"] == "PENDING"
    assert gql(PUBLIC_PRODUCT, {"id": product_id}).data["product"]["stars"] is None

    refused = gql(
        "mutation($id: ID!) { ocopCertificateVerify(id: $id) { errors { code } } }",
        {"id": created["certificate"]["id"]},
        user=world.owner_a,
    ).data["ocopCertificateVerify"]["errors"]
    assert [e["code"] for e in refused] == ["PERMISSION_DENIED"]
    verified = gql(
        """mutation($id: ID!) { ocopCertificateVerify(id: $id) {
          certificate { status } errors { code } } }""",
        {"id": created["certificate"]["id"]},
        user=world.staff,
    ).data["ocopCertificateVerify"]
    assert verified == {"certificate": {"status": "ACTIVE"}, "errors": []}
    assert gql(PUBLIC_PRODUCT, {"id": product_id}).data["product"]["stars"] == 4

    future = gql(
        CERTIFICATE_CREATE,
        {
            "input": {
                "product": product_id,
                "decisionNumber": "9/QĐ",
                "issuingAuthority": "UBND",
                "decisionDate": "2999-01-01",
                "stars": 6,
            }
        },
        user=world.owner_a,
    ).data["ocopCertificateCreate"]["errors"]
    assert {(e["field"], e["code"]) for e in future} == {
        ("input.decisionDate", "DECISION_DATE_IN_FUTURE"),
        ("input.stars", "INVALID_STARS"),
    }
    bad_file = upload(
        CERTIFICATE_CREATE,
        {
            "input": {
                "product": product_id,
                "decisionNumber": "9/QĐ",
                "issuingAuthority": "UBND",
                "decisionDate": decision,
                "stars": 3,
            }
        },
        {"input.document": ("x.exe", b"MZ\x90\x00binary")},
        world.owner_a,
    ).data["ocopCertificateCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in bad_file] == [("input.document", "INVALID")]


def test_a_new_certificate_does_not_replace_the_verified_one_until_verified(gql, world):
    OcopCertificateFactory(product=world.product_a, stars=3)
    product_id = gid("Product", world.product_a.pk)
    gql(
        CERTIFICATE_CREATE,
        {
            "input": {
                "product": product_id,
                "decisionNumber": "77/QĐ-UBND",
                "issuingAuthority": "UBND",
                "decisionDate": datetime.date.today().isoformat(),
                "stars": 5,
                "kind": "UPGRADE",
            }
        },
        user=world.owner_a,
    )
    assert gql(PUBLIC_PRODUCT, {"id": product_id}).data["product"]["stars"] == 3


DOCUMENT_CREATE = """mutation($input: ProducerDocumentCreateInput!) {
  producerDocumentCreate(input: $input) { document { id kind fileUrl products isPublic }
  errors { field code } } }"""
DOCUMENTS = """query($p: ID!) { producerDocuments(producer: $p, first: 10) {
  totalCount edges { node { id kind fileUrl } } } }"""


@pytest.mark.urls("tests.producer.urls")
def test_private_documents_reach_only_owner_staff_and_export_partners(gql, upload, world, client):
    created = upload(
        DOCUMENT_CREATE,
        {
            "input": {
                "kind": "HACCP",
                "number": "HACCP-01",
                "expiresOn": "2030-01-01",
                "products": [gid("Product", world.product_a.pk)],
            }
        },
        {"input.file": ("haccp.pdf", PDF)},
        world.owner_a,
    ).data["producerDocumentCreate"]
    assert created["errors"] == []
    assert created["document"]["products"] == [gid("Product", world.product_a.pk)]
    assert created["document"]["isPublic"] is False
    producer_id = gid("Producer", world.producer_a.pk)
    urls = {}
    for user in (world.owner_a, world.staff, world.partner):
        docs = gql(DOCUMENTS, {"p": producer_id}, user=user).data["producerDocuments"]
        url = urls[user.pk] = docs["edges"][0]["node"]["fileUrl"]
        assert url and "/documents/file/" in url
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert "no-store" in response["Cache-Control"]
    for user in (None, world.shopper, world.owner_b):
        result = gql(DOCUMENTS, {"p": producer_id}, user=user)
        assert result.data is None or result.data["producerDocuments"] is None
        assert "PERMISSION_DENIED" in result.error_codes

    # A forged or tampered token is refused; an expired one too.
    assert client.get(url.rstrip("/")[:-3] + "abc/").status_code == 404
    from django.test import override_settings

    with override_settings(AWS_QUERYSTRING_EXPIRE=-1):
        assert client.get(url).status_code == 404

    # A member who leaves loses access even with a link still in hand; others keep theirs.
    ProducerMember.objects.filter(user=world.owner_a).delete()
    assert client.get(urls[world.owner_a.pk]).status_code == 404
    assert client.get(urls[world.partner.pk]).status_code == 200
    too_big = upload(
        DOCUMENT_CREATE,
        {"input": {"kind": "LAB_REPORT"}},
        {"input.file": ("lab.txt", b"plain text")},
        world.staff_member_a,
    ).data["producerDocumentCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in too_big] == [("input.file", "INVALID_DOCUMENT")]


def test_document_update_delete_and_batches(gql, upload, world, settings):
    settings.PRODUCER_DOCUMENT_MAX_BYTES = 100
    big = upload(
        DOCUMENT_CREATE,
        {"input": {"kind": "LAB_REPORT"}},
        {"input.file": ("lab.pdf", PDF + b"0" * 200)},
        world.owner_a,
    ).data["producerDocumentCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in big] == [("input.file", "DOCUMENT_TOO_LARGE")]
    created = gql(
        DOCUMENT_CREATE,
        {"input": {"kind": "LAB_REPORT", "issuedOn": "2026-01-10"}},
        user=world.owner_a,
    ).data["producerDocumentCreate"]
    doc_id = created["document"]["id"]
    wrong = gql(
        """mutation($id: ID!) { producerDocumentUpdate(id: $id, input: {expiresOn: "2025-01-01"}) {
          errors { field code } } }""",
        {"id": doc_id},
        user=world.owner_a,
    ).data["producerDocumentUpdate"]["errors"]
    assert wrong == [{"field": "input.expiresOn", "code": "EXPIRY_BEFORE_ISSUE"}]

    batch = gql(
        """mutation($input: BatchCreateInput!) { batchCreate(input: $input) {
          batch { code traceabilityUrl } errors { field code } } }""",
        {
            "input": {
                "product": gid("Product", world.product_a.pk),
                "code": "LOT-2026-11",
                "productionDate": "2026-11-01",
                "variant": gid("ProductVariant", world.variant_a.pk),
                "documents": [doc_id],
            }
        },
        user=world.owner_a,
    ).data["batchCreate"]
    assert batch["errors"] == [] and batch["batch"]["code"] == "lot-2026-11"
    foreign_variant = gql(
        """mutation($input: BatchCreateInput!) { batchCreate(input: $input) {
          errors { field code } } }""",
        {
            "input": {
                "product": gid("Product", world.product_a.pk),
                "code": "LOT-X",
                "productionDate": "2026-11-01",
                "variant": gid("ProductVariant", world.variant_b.pk),
            }
        },
        user=world.owner_a,
    ).data["batchCreate"]["errors"]
    assert foreign_variant == [{"field": "input.variant", "code": "NOT_FOUND"}]

    deleted = gql(
        "mutation($id: ID!) { producerDocumentDelete(id: $id) { errors { code } } }",
        {"id": doc_id},
        user=world.owner_a,
    ).data["producerDocumentDelete"]
    assert deleted == {"errors": []}
    assert not ProducerDocument.objects.filter(producer=world.producer_a).exists()


def test_product_delete_archives_when_history_must_stay(gql, world):
    OcopCertificateFactory(product=world.product_a)
    result = gql(
        "mutation($id: ID!) { productDelete(id: $id) { archived errors { code } } }",
        {"id": gid("Product", world.product_a.pk)},
        user=world.owner_a,
    ).data["productDelete"]
    assert result == {"archived": True, "errors": []}
    world.product_a.refresh_from_db()
    assert world.product_a.moderation_status == ModerationStatus.ARCHIVED
    plain = Product.objects.create(
        producer=world.producer_a,
        category=product_set(),
        name_vi="Tạm",
        slug="tam",
        province=world.producer_a.province,
    )
    result = gql(
        "mutation($id: ID!) { productDelete(id: $id) { archived errors { code } } }",
        {"id": gid("Product", plain.pk)},
        user=world.owner_a,
    ).data["productDelete"]
    assert result == {"archived": False, "errors": []}
    assert not Product.objects.filter(pk=plain.pk).exists()
    assert mail.outbox == []
