"""Writes of producers (chủ thể OCOP): create, update, verify, reject.

Every function is keyword-only, runs in one transaction and raises `ServiceError` with a
`ProducerErrorCode` when the input is wrong."""

from __future__ import annotations

from typing import Any, TypedDict

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from typing_extensions import Unpack

from backend.core.errors import FieldError, ServiceError
from backend.core.text import vi_slugify
from backend.places.models import Commune, CraftVillage, Province
from backend.producers.error_codes import ProducerErrorCode
from backend.producers.models import (
    MemberRole,
    Producer,
    ProducerKind,
    ProducerMember,
    VerificationStatus,
)

DEFAULT_PHONE_REGION = "VN"


class ProducerFields(TypedDict, total=False):
    slug: str
    commune: Commune | None
    craft_village: CraftVillage | None
    address: str
    story_vi: str
    story_en: str
    contact_name: str
    contact_email: str
    contact_phone: str
    website: str
    business_registration_number: str
    is_demo: bool


class ProducerChanges(ProducerFields, total=False):
    kind: str
    name: str
    province: Province


def unique_slug(
    queryset: QuerySet[Any], base: str, *, field: str = "slug", max_length: int = 200
) -> str:
    """`base`, or `base-2`, `base-3`... whichever is free in `queryset` (one query)."""
    base = (base or "item")[:max_length].strip("-") or "item"
    taken = set(queryset.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1


def normalize_phone(raw: str, *, field: str = "contact_phone", code: Any = None) -> str:
    """A phone number in E.164 (+84...), read as Vietnamese when it has no country code."""
    code = code or ProducerErrorCode.INVALID_PHONE
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ServiceError.single(code, f"'{raw}' is not a phone number.", field) from exc
    if not phonenumbers.is_valid_number(number):
        raise ServiceError.single(code, f"'{raw}' is not a valid phone number.", field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _check_length(errors: list[FieldError], model: type[Model], data: dict[str, Any]) -> None:
    for name, value in data.items():
        if not isinstance(value, str):
            continue
        max_length = getattr(model._meta.get_field(name), "max_length", None)
        if max_length and len(value) > max_length:
            errors.append(
                FieldError(
                    ProducerErrorCode.TOO_LONG,
                    f"At most {max_length} characters.",
                    name,
                )
            )


def _clean(data: dict[str, Any], *, instance: Producer | None) -> dict[str, Any]:
    errors: list[FieldError] = []
    for key in ("name", "address", "story_vi", "story_en", "contact_name", "website"):
        if key in data and isinstance(data[key], str):
            data[key] = data[key].strip()
    if "name" in data and not data["name"]:
        errors.append(FieldError(ProducerErrorCode.REQUIRED, "The name is required.", "name"))
    if "kind" in data and data["kind"] not in ProducerKind.values:
        errors.append(FieldError(ProducerErrorCode.INVALID, "Unknown producer kind.", "kind"))
    if "province" in data and data["province"] is None:
        errors.append(
            FieldError(ProducerErrorCode.REQUIRED, "The province is required.", "province")
        )
    _check_length(errors, Producer, data)
    if data.get("contact_phone"):
        try:
            data["contact_phone"] = normalize_phone(data["contact_phone"])
        except ServiceError as exc:
            errors.extend(exc.errors)
    if data.get("contact_email"):
        data["contact_email"] = data["contact_email"].strip().lower()
        try:
            validate_email(data["contact_email"])
        except ValidationError:
            errors.append(
                FieldError(
                    ProducerErrorCode.INVALID_EMAIL, "Not an e-mail address.", "contact_email"
                )
            )
    if data.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(data["website"])
        except ValidationError:
            errors.append(
                FieldError(ProducerErrorCode.INVALID_URL, "Not a web address.", "website")
            )
    province = data.get("province", instance.province if instance else None)
    commune = data.get("commune", instance.commune if instance else None)
    village = data.get("craft_village", instance.craft_village if instance else None)
    if province is not None and commune is not None and commune.province_id != province.pk:
        errors.append(
            FieldError(
                ProducerErrorCode.COMMUNE_NOT_IN_PROVINCE,
                f"{commune.name} is not in {province.short_name}.",
                "commune",
            )
        )
    if province is not None and village is not None and village.province_id != province.pk:
        errors.append(
            FieldError(
                ProducerErrorCode.CRAFT_VILLAGE_NOT_IN_PROVINCE,
                f"{village.name} is not in {province.short_name}.",
                "craft_village",
            )
        )
    if "slug" in data and not data["slug"]:
        data.pop("slug")  # blank: keep the current one, or make one from the name
    if "slug" in data:
        slug = vi_slugify(data["slug"] or "")
        if not slug:
            errors.append(FieldError(ProducerErrorCode.INVALID, "Not a usable slug.", "slug"))
        others = Producer.objects.filter(slug=slug)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        if slug and others.exists():
            errors.append(
                FieldError(ProducerErrorCode.DUPLICATED_SLUG, "This slug is taken.", "slug")
            )
        data["slug"] = slug
    if errors:
        raise ServiceError(errors)
    return data


def _sync(producer: Producer) -> None:
    from search.sync import schedule_products

    schedule_products(producer_ids=[producer.pk])


@transaction.atomic
def producer_create(
    *, name: str, kind: str, province: Province, **fields: Unpack[ProducerFields]
) -> Producer:
    """A new producer, waiting for staff verification. The slug comes from the name."""
    data = _clean({"name": name, "kind": kind, "province": province, **fields}, instance=None)
    if not data.get("slug"):
        data["slug"] = unique_slug(Producer.objects.all(), vi_slugify(data["name"]))
    producer = Producer.objects.create(**data)
    return producer


@transaction.atomic
def producer_update(*, producer: Producer, **changes: Unpack[ProducerChanges]) -> Producer:
    data = _clean(dict(changes), instance=producer)
    for key, value in data.items():
        setattr(producer, key, value)
    producer.save()
    _sync(producer)
    return producer


@transaction.atomic
def producer_verify(*, producer: Producer) -> Producer:
    producer.verification_status = VerificationStatus.VERIFIED
    producer.verified_at = timezone.now()
    producer.rejection_reason = ""
    producer.save(update_fields=["verification_status", "verified_at", "rejection_reason"])
    _sync(producer)
    return producer


@transaction.atomic
def producer_reject(*, producer: Producer, reason: str) -> Producer:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError.single(
            ProducerErrorCode.REQUIRED, "Say why the producer is rejected.", "reason"
        )
    producer.verification_status = VerificationStatus.REJECTED
    producer.rejection_reason = reason
    producer.verified_at = None
    producer.save(update_fields=["verification_status", "rejection_reason", "verified_at"])
    _sync(producer)
    return producer


# --- Onboarding and membership (producer workspace) -------------------------------------------

DOCUMENT_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def document_max_bytes() -> int:
    from django.conf import settings

    return int(getattr(settings, "PRODUCER_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024))


def document_file_check(file: Any, *, field: str = "file") -> str:
    """The content type of an uploaded document: a PDF or a JPEG/PNG/WebP image within the size
    limit (PRODUCER_DOCUMENT_MAX_BYTES, 10 MB by default); ServiceError otherwise."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    limit = document_max_bytes()
    if size > limit:
        raise ServiceError.single(
            ProducerErrorCode.DOCUMENT_TOO_LARGE,
            f"The file has {size} bytes; at most {limit} are allowed.",
            field,
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not head:
        raise ServiceError.single(ProducerErrorCode.INVALID_DOCUMENT, "The file is empty.", field)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for signature, content_type in DOCUMENT_SIGNATURES:
        if head.startswith(signature):
            return content_type
    raise ServiceError.single(
        ProducerErrorCode.INVALID_DOCUMENT,
        "Documents are PDF files or JPEG, PNG or WebP images.",
        field,
    )


@transaction.atomic
def producer_apply(
    *,
    user: Any,
    name: str,
    kind: str,
    province: Province,
    business_registration_document: Any,
    **fields: Unpack[ProducerFields],
) -> Producer:
    """A user applies for a producer account: the producer is created PENDING (staff approve it
    with `producer_verify` or reject it with a reason), the user becomes its OWNER, and the
    business registration document is stored privately."""
    from backend.certification.models import DocumentKind
    from backend.certification.services import producer_document_create

    if ProducerMember.objects.filter(user=user).exists():
        raise ServiceError.single(
            ProducerErrorCode.MEMBER_OF_OTHER_PRODUCER,
            "You already work for a producer; one account belongs to one producer.",
        )
    if business_registration_document is None:
        raise ServiceError.single(
            ProducerErrorCode.REQUIRED,
            "Attach the business registration document (PDF or image).",
            "business_registration_document",
        )
    document_file_check(business_registration_document, field="business_registration_document")
    producer = producer_create(name=name, kind=kind, province=province, **fields)
    ProducerMember.objects.create(user=user, producer=producer, role=MemberRole.OWNER)
    producer_document_create(
        producer=producer,
        kind=DocumentKind.BUSINESS_REGISTRATION,
        title="Giấy chứng nhận đăng ký kinh doanh / Business registration",
        number=fields.get("business_registration_number", ""),
        file=business_registration_document,
        is_public=False,
    )
    return producer


def _owners(producer_id: int) -> QuerySet[ProducerMember]:
    return ProducerMember.objects.select_for_update().filter(
        producer_id=producer_id, role=MemberRole.OWNER
    )


@transaction.atomic
def producer_member_invite(
    *, producer: Producer, email: str, role: str = MemberRole.STAFF, invited_by: Any = None
) -> ProducerMember:
    """Adds the account registered with `email` to the producer's members (an account works for
    one producer only). The invited person is told by e-mail after commit."""
    from backend.accounts.models import User

    email = (email or "").strip()
    if not email:
        raise ServiceError.single(ProducerErrorCode.REQUIRED, "Give an e-mail address.", "email")
    if role not in MemberRole.values:
        raise ServiceError.single(ProducerErrorCode.INVALID_ROLE, "Unknown role.", "role")
    user = User.objects.filter(email__iexact=email).first()
    if user is None or not user.is_active:
        raise ServiceError.single(
            ProducerErrorCode.NOT_FOUND,
            "No active account uses this e-mail; ask the person to register first.",
            "email",
        )
    existing = ProducerMember.objects.filter(user=user).first()
    if existing is not None:
        same = existing.producer_id == producer.pk
        raise ServiceError.single(
            ProducerErrorCode.ALREADY_MEMBER
            if same
            else ProducerErrorCode.MEMBER_OF_OTHER_PRODUCER,
            "This person is already a member."
            if same
            else "This person works for another producer.",
            "email",
        )
    member = ProducerMember.objects.create(user=user, producer=producer, role=role)

    def notify() -> None:
        from backend.producers.notifications import member_invited_send

        member_invited_send(member=member, invited_by=invited_by)

    transaction.on_commit(notify)
    return member


@transaction.atomic
def producer_member_remove(*, member: ProducerMember) -> None:
    """Removes a member; a producer always keeps at least one owner."""
    if member.role == MemberRole.OWNER and _owners(member.producer_id).count() <= 1:
        raise ServiceError.single(
            ProducerErrorCode.LAST_OWNER,
            "The last owner cannot be removed; make someone else owner first.",
            "id",
        )
    member.delete()


@transaction.atomic
def producer_member_role_update(*, member: ProducerMember, role: str) -> ProducerMember:
    if role not in MemberRole.values:
        raise ServiceError.single(ProducerErrorCode.INVALID_ROLE, "Unknown role.", "role")
    if (
        member.role == MemberRole.OWNER
        and role != MemberRole.OWNER
        and _owners(member.producer_id).count() <= 1
    ):
        raise ServiceError.single(
            ProducerErrorCode.LAST_OWNER, "A producer keeps at least one owner.", "role"
        )
    member.role = role
    member.save(update_fields=["role", "updated_at"])
    return member


# --- Fulfilment (the producer ships its part of an order) -------------------------------------


@transaction.atomic
def producer_order_ship(
    *, producer_order: Any, user: Any, carrier: str, tracking_number: str
) -> Any:
    """Marks the producer's part of an order fulfilled (orders.services.producer_order_fulfill)
    with the carrier and tracking number; the shopper gets an e-mail after commit."""
    from backend.orders.error_codes import OrderErrorCode
    from backend.orders.services import producer_order_fulfill

    carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
    errors: list[FieldError] = []
    if not carrier:
        errors.append(FieldError(OrderErrorCode.REQUIRED, "Name the carrier.", "carrier"))
    elif len(carrier) > 40:
        errors.append(FieldError(OrderErrorCode.INVALID, "At most 40 characters.", "carrier"))
    if not tracking_number:
        errors.append(
            FieldError(OrderErrorCode.REQUIRED, "Give the tracking number.", "tracking_number")
        )
    elif len(tracking_number) > 100:
        errors.append(
            FieldError(OrderErrorCode.INVALID, "At most 100 characters.", "tracking_number")
        )
    if errors:
        raise ServiceError(errors)
    part = producer_order_fulfill(
        producer_order=producer_order,
        user=user,
        carrier=carrier,
        tracking_number=tracking_number,
    )

    def notify() -> None:
        from backend.producers.tasks import send_producer_order_shipped

        send_producer_order_shipped.delay(part.pk)

    transaction.on_commit(notify)
    return part


# --- Listings changed by their producer ---------------------------------------------------------


@transaction.atomic
def listing_update(*, product: Any, **changes: Any) -> Any:
    """A producer's change to its own listing (catalogue.services.product_update); a REJECTED
    listing goes back to staff review (PENDING_REVIEW) with the change. Producers never set
    the moderation status themselves."""
    from backend.catalogue.models import ModerationStatus
    from backend.catalogue.services import product_update

    changes.pop("moderation_status", None)
    if product.moderation_status == ModerationStatus.REJECTED:
        changes["moderation_status"] = ModerationStatus.PENDING_REVIEW
    return product_update(product=product, **changes)


# --- Staff decisions, told to the producer's owners by e-mail ---------------------------------


def _tell_owners(producer_id: int, what_vi: str, what_en: str, note: str = "") -> None:
    def send() -> None:
        from backend.producers.notifications import decision_send

        producer = Producer.objects.filter(pk=producer_id).first()
        if producer is not None:
            decision_send(producer=producer, what_vi=what_vi, what_en=what_en, note=note)

    transaction.on_commit(send)


@transaction.atomic
def producer_application_approve(*, producer: Producer) -> Producer:
    producer = producer_verify(producer=producer)
    _tell_owners(producer.pk, "hồ sơ chủ thể đã được duyệt", "your producer account is approved")
    return producer


@transaction.atomic
def producer_application_reject(*, producer: Producer, reason: str) -> Producer:
    producer = producer_reject(producer=producer, reason=reason)
    _tell_owners(
        producer.pk,
        "hồ sơ chủ thể chưa được duyệt",
        "your producer application was not approved",
        producer.rejection_reason,
    )
    return producer


@transaction.atomic
def listing_approve(*, product: Any, note: str = "") -> Any:
    from backend.catalogue.services import product_approve

    product = product_approve(product=product, note=note)
    _tell_owners(
        product.producer_id,
        f"sản phẩm «{product.name_vi}» đã được đăng bán",
        f"'{product.name_en or product.name_vi}' is now listed",
        product.moderation_note,
    )
    return product


@transaction.atomic
def listing_reject(*, product: Any, note: str) -> Any:
    from backend.catalogue.services import product_reject

    product = product_reject(product=product, note=note)
    _tell_owners(
        product.producer_id,
        f"sản phẩm «{product.name_vi}» chưa được duyệt",
        f"'{product.name_en or product.name_vi}' was not approved",
        product.moderation_note,
    )
    return product


@transaction.atomic
def certificate_verify(*, certificate: Any, by: Any, note: str = "") -> Any:
    from backend.certification.services import ocop_certificate_verify

    certificate = ocop_certificate_verify(certificate=certificate, by=by, note=note)
    product = certificate.product
    _tell_owners(
        product.producer_id,
        f"chứng nhận OCOP {certificate.stars} sao của «{product.name_vi}» đã được xác minh",
        f"the {certificate.stars}-star OCOP certificate of "
        f"'{product.name_en or product.name_vi}' is verified",
        certificate.review_note,
    )
    return certificate


@transaction.atomic
def certificate_reject(*, certificate: Any, by: Any, note: str) -> Any:
    from backend.certification.services import ocop_certificate_reject

    certificate = ocop_certificate_reject(certificate=certificate, note=note, by=by)
    product = certificate.product
    _tell_owners(
        product.producer_id,
        f"chứng nhận OCOP của «{product.name_vi}» chưa được chấp nhận",
        f"the OCOP certificate of '{product.name_en or product.name_vi}' was not accepted",
        certificate.review_note,
    )
    return certificate
