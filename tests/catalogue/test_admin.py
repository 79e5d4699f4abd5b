"""Django admin: every page loads for staff, filters work, saves and actions use the services."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from backend.catalogue.models import ModerationStatus, Product, ProductVariant
from backend.certification.models import CertificateStatus, OcopCertificate
from backend.places.models import Commune, CraftVillage, Province
from backend.producers.models import VerificationStatus
from tests.factories import (
    BatchFactory,
    CraftVillageFactory,
    OcopCertificateFactory,
    ProducerDocumentFactory,
    ProducerFactory,
    ProducerMemberFactory,
    ProductFactory,
    ProductVariantFactory,
    UserFactory,
    product_set,
    province,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def staff_client(client):
    user = UserFactory(email="staff@ocop.local", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def world():
    product = ProductFactory()
    ProductVariantFactory(product=product)
    OcopCertificateFactory(product=product)
    ProducerMemberFactory(producer=product.producer)
    return {
        "user": UserFactory(),
        "producer": product.producer,
        "product": product,
        "category": product.category,
        "province": Province.objects.get(code="01"),
        "commune": Commune.objects.filter(province__code="01").first(),
        "craftvillage": CraftVillageFactory(),
        "ocopcertificate": OcopCertificate.objects.get(product=product),
        "producerdocument": ProducerDocumentFactory(producer=product.producer),
        "batch": BatchFactory(product=product),
    }


PAGES = [
    ("accounts", "user"),
    ("producers", "producer"),
    ("places", "province"),
    ("places", "commune"),
    ("places", "craftvillage"),
    ("catalogue", "category"),
    ("catalogue", "product"),
    ("certification", "ocopcertificate"),
    ("certification", "producerdocument"),
    ("traceability", "batch"),
]


@pytest.mark.parametrize(("app", "model"), PAGES)
def test_changelist_change_and_add_pages_load(staff_client, world, app, model):
    obj = world[model]
    assert staff_client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    change = staff_client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))
    assert change.status_code == 200
    add = staff_client.get(reverse(f"admin:{app}_{model}_add"))
    assert add.status_code == 200
    search = staff_client.get(reverse(f"admin:{app}_{model}_changelist") + "?q=a")
    assert search.status_code == 200


def test_admin_is_staff_only(client, world):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:catalogue_product_changelist"))
    assert response.status_code == 302


def test_certificate_filter_expires_within_60_days(staff_client):
    soon = OcopCertificateFactory(
        decision_number="SOON/QĐ-UBND",
        decision_date=TODAY - datetime.timedelta(days=3 * 365 - 20),
    )
    OcopCertificateFactory(decision_number="LATER/QĐ-UBND")
    OcopCertificateFactory(decision_number="OLD/QĐ-UBND", decision_date=datetime.date(2019, 3, 1))
    url = reverse("admin:certification_ocopcertificate_changelist")
    html = staff_client.get(url + "?expiry=60d").content.decode()
    assert soon.decision_number in html
    assert "LATER/QĐ-UBND" not in html and "OLD/QĐ-UBND" not in html
    expired = staff_client.get(url + "?expiry=expired").content.decode()
    assert "OLD/QĐ-UBND" in expired and "SOON/QĐ-UBND" not in expired


def test_document_filter_expires_within_60_days(staff_client):
    ProducerDocumentFactory(number="DOC-SOON", expires_on=TODAY + datetime.timedelta(days=10))
    ProducerDocumentFactory(number="DOC-LATE", expires_on=TODAY + datetime.timedelta(days=400))
    ProducerDocumentFactory(number="DOC-GONE", expires_on=TODAY - datetime.timedelta(days=1))
    url = reverse("admin:certification_producerdocument_changelist")
    html = staff_client.get(url + "?expiry=60d").content.decode()
    assert "DOC-SOON" in html and "DOC-LATE" not in html and "DOC-GONE" not in html


def test_product_star_filter(staff_client):
    starred = ProductFactory(name_vi="Có sao")
    OcopCertificateFactory(product=starred, stars=5)
    expired = ProductFactory(name_vi="Hết hạn")
    OcopCertificateFactory(product=expired, stars=5, decision_date=datetime.date(2019, 1, 1))
    url = reverse("admin:catalogue_product_changelist")
    five = staff_client.get(url + "?stars=5").content.decode()
    assert "Có sao" in five and "Hết hạn" not in five
    none = staff_client.get(url + "?stars=none").content.decode()
    assert "Hết hạn" in none and "Có sao" not in none


def test_add_product_through_admin_uses_the_service(staff_client):
    producer = ProducerFactory()
    url = reverse("admin:catalogue_product_add")
    data = {
        "producer": producer.pk,
        "category": product_set("I").pk,  # a group: refused
        "name_vi": "Trà Shan tuyết",
        "name_en": "Shan tuyet tea",
        "province": province("08").pk,
        "storage_class": "AMBIENT",
        "cites_status": "NOT_LISTED",
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert not Product.objects.filter(name_vi="Trà Shan tuyết").exists()
    data["category"] = product_set("I-5a").pk
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    product = Product.objects.get(name_vi="Trà Shan tuyết")
    assert (product.slug, product.slug_en) == ("tra-shan-tuyet", "shan-tuyet-tea")
    assert product.moderation_status == ModerationStatus.PENDING_REVIEW


def _errors(response) -> str:
    ctx = response.context
    parts = [str(ctx["adminform"].form.errors)]
    parts += [
        str(fs.formset.errors) + str(fs.formset.non_form_errors())
        for fs in ctx["inline_admin_formsets"]
    ]
    return " | ".join(parts)


def test_admin_edit_variants_inline_goes_through_services(staff_client):
    product = ProductFactory(moderation_status=ModerationStatus.APPROVED)
    variant = ProductVariantFactory(product=product, price_amount=100000, quantity=5)
    url = reverse("admin:catalogue_product_change", args=[product.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "producer": product.producer_id,
            "category": product.category_id,
            "province": product.province_id,
            "variants-TOTAL_FORMS": "2",
            "variants-INITIAL_FORMS": "1",
            "variants-0-id": variant.pk,
            "variants-0-product": product.pk,
            "variants-0-sku": variant.sku,
            "variants-0-name_vi": variant.name_vi,
            "variants-0-price_amount": "-5",
            "variants-0-weight_grams": variant.weight_grams,
            "variants-0-quantity": 5,
            "variants-0-sort_order": 0,
            "variants-1-product": product.pk,
            "variants-1-sku": "NEW-SKU-1",
            "variants-1-name_vi": "hộp 1kg",
            "variants-1-price_amount": "250000",
            "variants-1-weight_grams": 1100,
            "variants-1-quantity": 3,
            "variants-1-sort_order": 1,
            "media-TOTAL_FORMS": "0",
            "media-INITIAL_FORMS": "0",
            "certificates-TOTAL_FORMS": "0",
            "certificates-INITIAL_FORMS": "0",
        }
    )
    for key in ("description_vi", "description_en", "hs_code", "name_en", "slug", "slug_en"):
        data.setdefault(key, getattr(product, key) or "")
    response = staff_client.post(url, data)
    assert response.status_code == 200  # negative price refused by the service
    assert "Must not be negative" in response.content.decode()
    data["variants-0-price_amount"] = "90000"
    response = staff_client.post(url, data)
    assert response.status_code == 302, _errors(response)
    product.refresh_from_db()
    assert ProductVariant.objects.filter(product=product).count() == 2
    assert (product.price_min, product.price_max) == (90000, 250000)


def test_admin_media_upload_makes_thumbnails(staff_client):
    product = ProductFactory()
    out = io.BytesIO()
    Image.new("RGB", (700, 500), (10, 120, 60)).save(out, format="PNG")
    url = reverse("admin:catalogue_product_change", args=[product.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "producer": product.producer_id,
            "category": product.category_id,
            "province": product.province_id,
            "variants-TOTAL_FORMS": "0",
            "variants-INITIAL_FORMS": "0",
            "media-TOTAL_FORMS": "1",
            "media-INITIAL_FORMS": "0",
            "media-0-product": product.pk,
            "media-0-image": SimpleUploadedFile("p.png", out.getvalue(), "image/png"),
            "media-0-alt_vi": "Ảnh",
            "media-0-alt_en": "Photo",
            "media-0-sort_order": 0,
            "certificates-TOTAL_FORMS": "0",
            "certificates-INITIAL_FORMS": "0",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, _errors(response)
    media = product.media.get()
    assert sorted(media.thumbnails.values_list("size", flat=True)) == [128, 256, 512]


def test_actions_call_the_services(staff_client):
    product = ProductFactory(moderation_status=ModerationStatus.PENDING_REVIEW)
    cert = OcopCertificate.objects.create(
        product=product,
        decision_number="99/QĐ-UBND",
        issuing_authority="UBND",
        decision_date=TODAY - datetime.timedelta(days=10),
        expires_on=TODAY + datetime.timedelta(days=1000),
        stars=4,
        criteria_version="148/2023",
        kind="NEW",
    )
    url = reverse("admin:certification_ocopcertificate_changelist")
    response = staff_client.post(
        url, {"action": "verify_certificates", "_selected_action": [cert.pk]}
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    product.refresh_from_db()
    assert cert.status == CertificateStatus.VERIFIED and cert.verified_by.is_staff
    assert product.current_certificate_id == cert.pk

    url = reverse("admin:catalogue_product_changelist")
    staff_client.post(url, {"action": "approve_products", "_selected_action": [product.pk]})
    product.refresh_from_db()
    assert product.moderation_status == ModerationStatus.APPROVED

    # Reject asks for a reason first, then calls the service.
    page = staff_client.post(url, {"action": "reject_products", "_selected_action": [product.pk]})
    assert page.status_code == 200 and "reason" in page.content.decode()
    staff_client.post(
        url,
        {
            "action": "reject_products",
            "_selected_action": [product.pk],
            "apply": "1",
            "reason": "Ảnh sai",
        },
    )
    product.refresh_from_db()
    assert product.moderation_status == ModerationStatus.REJECTED
    assert product.moderation_note == "Ảnh sai"

    producer = ProducerFactory(verification_status=VerificationStatus.PENDING)
    url = reverse("admin:producers_producer_changelist")
    staff_client.post(url, {"action": "verify_producers", "_selected_action": [producer.pk]})
    producer.refresh_from_db()
    assert producer.is_verified


def test_add_craft_village_checks_commune_province(staff_client):
    url = reverse("admin:places_craftvillage_add")
    wrong = Commune.objects.filter(province__code="46").first()
    data = {"name": "Làng lụa Vạn Phúc", "province": province("01").pk, "commune": wrong.pk}
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert not CraftVillage.objects.filter(name="Làng lụa Vạn Phúc").exists()
    data["commune"] = Commune.objects.get(province__code="01", name="Phường Hà Đông").pk
    assert staff_client.post(url, data).status_code == 302
    village = CraftVillage.objects.get(name="Làng lụa Vạn Phúc")
    assert village.slug == "lang-lua-van-phuc" and village.folded_name == "lang lua van phuc"


def test_admin_batch_and_document_saves_use_the_services(staff_client):
    product = ProductFactory()
    url = reverse("admin:traceability_batch_add")
    data = {
        "product": product.pk,
        "code": "-lot-1",  # a slug, but the service wants it to start with a letter or digit
        "production_date": "2026-10-01",
        "expiry_date": "2026-09-01",
        "quantity": 10,
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "code" in errors and "expiry_date" in errors
    data.update(code="LOT-ADMIN-1", expiry_date="2027-01-01")
    assert staff_client.post(url, data).status_code == 302
    batch = BatchFactory._meta.model.objects.get(code="lot-admin-1")  # normalised
    assert batch.product == product

    other = ProductFactory()
    url = reverse("admin:certification_producerdocument_add")
    data = {
        "producer": product.producer_id,
        "kind": "HALAL",
        "issued_on": "2026-01-10",
        "expires_on": "2025-01-10",
        "products": [other.pk],
    }
    response = staff_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "expires_on" in errors and "products" in errors


def test_admin_certificate_revoke_and_producer_reject_ask_for_a_reason(staff_client):
    cert = OcopCertificateFactory()
    url = reverse("admin:certification_ocopcertificate_changelist")
    staff_client.post(
        url,
        {
            "action": "revoke_certificates",
            "_selected_action": [cert.pk],
            "apply": "1",
            "reason": "Vi phạm",
        },
    )
    cert.refresh_from_db()
    cert.product.refresh_from_db()
    assert cert.status == CertificateStatus.REVOKED and cert.review_note == "Vi phạm"
    assert cert.product.current_certificate is None

    producer = ProducerFactory()
    url = reverse("admin:producers_producer_changelist")
    staff_client.post(
        url,
        {
            "action": "reject_producers",
            "_selected_action": [producer.pk],
            "apply": "1",
            "reason": "Hồ sơ giả",
        },
    )
    producer.refresh_from_db()
    assert producer.verification_status == VerificationStatus.REJECTED
    assert producer.rejection_reason == "Hồ sơ giả"
