"""Producer and craft-village services: every rule and error code."""

from __future__ import annotations

import pytest

from backend.core.errors import ServiceError
from backend.places.error_codes import PlaceErrorCode
from backend.places.models import Commune
from backend.places.services import craft_village_create, craft_village_update
from backend.producers.error_codes import ProducerErrorCode
from backend.producers.models import ProducerKind, VerificationStatus
from backend.producers.services import (
    producer_create,
    producer_reject,
    producer_update,
    producer_verify,
)
from tests.factories import ProducerFactory, province

pytestmark = pytest.mark.django_db


def codes(exc: pytest.ExceptionInfo[ServiceError]) -> set:
    return {e.code for e in exc.value.errors}


def test_producer_create_normalises_phone_and_makes_slug_unique():
    first = producer_create(
        name="HTX Nông sản Phú Lương",
        kind=ProducerKind.COOPERATIVE,
        province=province("19"),
        contact_phone="0912 345 678",
        contact_email="Info@Example.VN",
    )
    second = producer_create(
        name="HTX Nông sản Phú Lương", kind=ProducerKind.COOPERATIVE, province=province("19")
    )
    assert first.contact_phone == "+84912345678"
    assert first.contact_email == "info@example.vn"
    assert first.slug == "htx-nong-san-phu-luong"
    assert second.slug == "htx-nong-san-phu-luong-2"
    assert first.verification_status == VerificationStatus.PENDING


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"contact_phone": "12"}, ProducerErrorCode.INVALID_PHONE, "contact_phone"),
        ({"contact_phone": "not a phone"}, ProducerErrorCode.INVALID_PHONE, "contact_phone"),
        ({"contact_email": "nope"}, ProducerErrorCode.INVALID_EMAIL, "contact_email"),
        ({"website": "ftp://x"}, ProducerErrorCode.INVALID_URL, "website"),
        ({"name": "  "}, ProducerErrorCode.REQUIRED, "name"),
        ({"name": "x" * 201}, ProducerErrorCode.TOO_LONG, "name"),
        ({"kind": "GUILD"}, ProducerErrorCode.INVALID, "kind"),
    ],
)
def test_producer_create_rejects_bad_input(fields, code, field):
    data = {"name": "Cơ sở A", "kind": ProducerKind.HOUSEHOLD_BUSINESS, "province": province()}
    data.update(fields)
    with pytest.raises(ServiceError) as exc:
        producer_create(**data)
    assert (code, field) in {(e.code, e.field) for e in exc.value.errors}


def test_producer_commune_and_village_must_be_in_province():
    hue_commune = Commune.objects.filter(province__code="46").first()
    with pytest.raises(ServiceError) as exc:
        producer_create(
            name="Cơ sở B", kind="ENTERPRISE", province=province("01"), commune=hue_commune
        )
    assert codes(exc) == {ProducerErrorCode.COMMUNE_NOT_IN_PROVINCE}
    village = craft_village_create(name="Làng gốm Bát Tràng", province=province("01"))
    producer = ProducerFactory(province=province("46"))
    with pytest.raises(ServiceError) as exc:
        producer_update(producer=producer, craft_village=village)
    assert codes(exc) == {ProducerErrorCode.CRAFT_VILLAGE_NOT_IN_PROVINCE}


def test_producer_update_slug_must_be_free():
    a = ProducerFactory(slug="co-so-a")
    b = ProducerFactory(slug="co-so-b")
    with pytest.raises(ServiceError) as exc:
        producer_update(producer=b, slug="Cơ sở A")
    assert codes(exc) == {ProducerErrorCode.DUPLICATED_SLUG}
    assert producer_update(producer=a, slug="Cơ sở A").slug == "co-so-a"


def test_producer_verify_and_reject():
    producer = ProducerFactory(verification_status=VerificationStatus.PENDING)
    with pytest.raises(ServiceError) as exc:
        producer_reject(producer=producer, reason=" ")
    assert codes(exc) == {ProducerErrorCode.REQUIRED}
    producer_reject(producer=producer, reason="Giấy phép hết hạn")
    producer.refresh_from_db()
    assert producer.verification_status == VerificationStatus.REJECTED
    assert producer.rejection_reason == "Giấy phép hết hạn"
    producer_verify(producer=producer)
    producer.refresh_from_db()
    assert producer.is_verified and producer.verified_at and producer.rejection_reason == ""


def test_craft_village_create_folds_name_and_checks_commune():
    ha_noi = province("01")
    bat_trang = Commune.objects.get(province=ha_noi, name="Xã Bát Tràng")
    village = craft_village_create(
        name="Làng gốm Bát Tràng", province=ha_noi, commune=bat_trang, craft_en="ceramics"
    )
    assert village.folded_name == "lang gom bat trang"
    assert village.slug == "lang-gom-bat-trang"
    other = Commune.objects.filter(province__code="46").first()
    with pytest.raises(ServiceError) as exc:
        craft_village_update(craft_village=village, commune=other)
    assert codes(exc) == {PlaceErrorCode.COMMUNE_NOT_IN_PROVINCE}
    with pytest.raises(ServiceError) as exc:
        craft_village_create(name="Làng khác", province=ha_noi, slug="lang-gom-bat-trang")
    assert codes(exc) == {PlaceErrorCode.DUPLICATED_SLUG}
    craft_village_update(craft_village=village, name="Làng Gốm Bát Tràng cổ")
    village.refresh_from_db()
    assert village.folded_name == "lang gom bat trang co"


def test_craft_village_requires_a_name_and_short_fields():
    with pytest.raises(ServiceError) as exc:
        craft_village_create(name=" ", province=province("01"))
    assert codes(exc) == {PlaceErrorCode.REQUIRED}
    with pytest.raises(ServiceError) as exc:
        craft_village_create(name="Làng", province=province("01"), craft_vi="x" * 151)
    assert codes(exc) == {PlaceErrorCode.TOO_LONG}


def test_producer_update_normalises_phone_and_keeps_slug_when_blank():
    producer = ProducerFactory(slug="co-so-giu-slug")
    producer_update(producer=producer, contact_phone="+84 24 3826 1234", slug="")
    producer.refresh_from_db()
    assert producer.contact_phone == "+842438261234"
    assert producer.slug == "co-so-giu-slug"
