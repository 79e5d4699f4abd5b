"""OCOP certificates (create, verify, reject, revoke, current certificate, expiry by date) and
producer documents."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from backend.catalogue.selectors import product_stars
from backend.certification.error_codes import CertificationErrorCode as Code
from backend.certification.models import CertificateStatus, OcopCertificate
from backend.certification.selectors import (
    certificates_expired,
    certificates_expiring_within,
    documents_expiring_within,
)
from backend.certification.services import (
    ocop_certificate_create,
    ocop_certificate_reject,
    ocop_certificate_revoke,
    ocop_certificate_verify,
    producer_document_create,
    producer_document_update,
)
from backend.core.errors import ServiceError
from tests.factories import (
    OcopCertificateFactory,
    ProducerDocumentFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def codes(exc) -> set:
    return {e.code for e in exc.value.errors}


def create(product, **kw):
    data = {
        "product": product,
        "decision_number": "2361/QĐ-BNNMT",
        "issuing_authority": "Bộ Nông nghiệp và Môi trường",
        "decision_date": datetime.date(2025, 6, 26),
        "stars": 5,
    }
    data.update(kw)
    return ocop_certificate_create(**data)


def test_create_is_pending_and_expires_after_36_months():
    cert = create(ProductFactory(), decision_date=datetime.date(2024, 2, 29))
    assert cert.status == CertificateStatus.PENDING
    assert cert.expires_on == datetime.date(2027, 2, 28)  # relativedelta clamps the day
    assert create(ProductFactory()).expires_on == datetime.date(2028, 6, 26)


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"stars": 2}, Code.INVALID_STARS),
        ({"stars": 6}, Code.INVALID_STARS),
        ({"stars": 5, "potential_five_star": True}, Code.POTENTIAL_FIVE_STAR_NEEDS_FOUR),
        ({"decision_date": TODAY + datetime.timedelta(days=1)}, Code.DECISION_DATE_IN_FUTURE),
        ({"criteria_version": "2000/1999"}, Code.INVALID_CRITERIA_VERSION),
        ({"kind": "GIFT"}, Code.INVALID_KIND),
        ({"decision_number": " "}, Code.REQUIRED),
        ({"number": "x" * 81}, Code.TOO_LONG),
    ],
)
def test_create_rejects_bad_input(kw, code):
    with pytest.raises(ServiceError) as exc:
        create(ProductFactory(), **kw)
    assert codes(exc) == {code}


def test_verify_makes_the_newest_verified_current_and_keeps_history():
    staff = UserFactory(is_staff=True)
    product = ProductFactory()
    old = create(product, stars=3, decision_date=TODAY - datetime.timedelta(days=400))
    new = create(product, stars=4, potential_five_star=True, decision_date=TODAY)
    ocop_certificate_verify(certificate=new, by=staff)
    product.refresh_from_db()
    assert product.current_certificate_id == new.pk
    assert product_stars(product) == 4
    # Verifying the older one later does not replace the newer one.
    ocop_certificate_verify(certificate=old, by=staff)
    product.refresh_from_db()
    assert product.current_certificate_id == new.pk
    new.refresh_from_db()
    assert new.verified_by == staff and new.verified_at is not None
    # Revoking the newer one falls back to the older verified one; history stays.
    with pytest.raises(ServiceError) as exc:
        ocop_certificate_revoke(certificate=new, note="")
    assert codes(exc) == {Code.REQUIRED}
    ocop_certificate_revoke(certificate=new, note="Sai hồ sơ", by=staff)
    product.refresh_from_db()
    assert product.current_certificate_id == old.pk
    assert product_stars(product) == 3
    assert OcopCertificate.objects.filter(product=product).count() == 2
    with pytest.raises(ServiceError) as exc:
        ocop_certificate_verify(certificate=new, by=staff)
    assert codes(exc) == {Code.INVALID_STATUS}
    ocop_certificate_revoke(certificate=old, note="Hết hiệu lực", by=staff)
    product.refresh_from_db()
    assert product.current_certificate is None and product_stars(product) is None


def test_expired_certificate_loses_stars_by_date_alone():
    product = ProductFactory()
    cert = create(product, stars=4, decision_date=datetime.date(2020, 5, 1))
    ocop_certificate_verify(certificate=cert, by=None)
    product.refresh_from_db()
    assert product.current_certificate_id == cert.pk  # still the newest verified one
    assert product_stars(product) is None  # but its 36 months have run out
    assert cert.display_status == "EXPIRED"
    assert list(certificates_expired()) == [cert]


def test_reject_only_pending_and_needs_a_note():
    cert = create(ProductFactory())
    with pytest.raises(ServiceError) as exc:
        ocop_certificate_reject(certificate=cert, note=" ")
    assert codes(exc) == {Code.REQUIRED}
    ocop_certificate_reject(certificate=cert, note="Quyết định không khớp")
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.REJECTED
    with pytest.raises(ServiceError) as exc:
        ocop_certificate_reject(certificate=cert, note="again")
    assert codes(exc) == {Code.INVALID_STATUS}
    with pytest.raises(ServiceError) as exc:
        ocop_certificate_revoke(certificate=cert, note="x")
    assert codes(exc) == {Code.INVALID_STATUS}


def test_expiring_within_60_days_selector():
    soon = OcopCertificateFactory(decision_date=TODAY - datetime.timedelta(days=3 * 365 - 30))
    OcopCertificateFactory()  # far from expiry
    OcopCertificateFactory(decision_date=datetime.date(2019, 1, 1))  # already expired
    assert list(certificates_expiring_within(60)) == [soon]


def test_producer_documents_rules_and_private_files():
    product = ProductFactory()
    other = ProductFactory()
    with pytest.raises(ServiceError) as exc:
        producer_document_create(producer=product.producer, kind="HACCP", products=[product, other])
    assert codes(exc) == {Code.PRODUCT_OF_OTHER_PRODUCER}
    with pytest.raises(ServiceError) as exc:
        producer_document_create(
            producer=product.producer,
            kind="HALAL",
            issued_on=TODAY,
            expires_on=TODAY - datetime.timedelta(days=1),
        )
    assert codes(exc) == {Code.EXPIRY_BEFORE_ISSUE}
    with pytest.raises(ServiceError) as exc:
        producer_document_create(producer=product.producer, kind="PASSPORT")
    assert codes(exc) == {Code.INVALID_KIND}
    doc = producer_document_create(
        producer=product.producer,
        kind="LAB_REPORT",
        title="Phiếu kết quả thử nghiệm",
        issuer="QUATEST 1",
        issued_on=TODAY,
        expires_on=TODAY + datetime.timedelta(days=30),
        products=[product],
        file=ContentFile(b"%PDF-1.4 report", name="report.pdf"),
    )
    assert list(doc.products.all()) == [product]
    assert doc.is_public is False
    # Files go to the private storage, never the public media one.
    assert (
        doc.file.storage is storages["private"]
        or doc.file.storage.location == storages["private"].location
    )
    assert storages["private"].exists(doc.file.name)
    assert list(documents_expiring_within(60)) == [doc]
    producer_document_update(document=doc, expires_on=TODAY + datetime.timedelta(days=400))
    assert list(documents_expiring_within(60)) == []
    with pytest.raises(ServiceError) as exc:
        producer_document_update(document=doc, expires_on=TODAY - datetime.timedelta(days=5))
    assert codes(exc) == {Code.EXPIRY_BEFORE_ISSUE}
    ProducerDocumentFactory(expires_on=None)
    assert list(documents_expiring_within(60)) == []
