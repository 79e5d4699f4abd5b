"""Mutations of the producer workspace, thin over the domain services.

Permissions (checked before anything is read or written):
- listing, certificate, document, batch, stock, import and fulfilment mutations: members of the
  producer that owns the object (staff moderate, they do not edit producers' data);
- member management: the producer's OWNERs;
- moderation (producerApprove/Reject, productApprove/Reject, ocopCertificateVerify/Reject):
  staff;
- producerApply: any signed-in account that does not work for a producer yet.
An ID of another producer's object answers NOT_FOUND, exactly like an ID that does not exist,
so nothing about other producers leaks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import graphene
from django.db import transaction

from backend.catalogue import services as catalogue
from backend.catalogue.bulk_import import import_job_create, import_job_get
from backend.catalogue.models import Category, Product, ProductMedia, ProductVariant
from backend.certification import services as certification
from backend.certification.models import OcopCertificate, ProducerDocument
from backend.core.errors import FieldError, ServiceError
from backend.graphql.catalogue import types as catalogue_types
from backend.graphql.core.mutations import (
    BaseMutation,
    CommonErrorCode,
    decode_global_id,
    decode_global_ids,
    require_login,
    require_producer_member,
    require_staff,
)
from backend.graphql.core.types import Upload
from backend.orders.models import ProducerOrder
from backend.places.models import Commune, CraftVillage, Province
from backend.producers import services as producers
from backend.producers.models import MemberRole, Producer, ProducerMember
from backend.traceability import services as traceability
from backend.traceability.models import Batch as BatchModel

from . import types as workspace_types
from .errors import (
    BatchError,
    OcopCertificateError,
    ProducerDocumentError,
    ProducerError,
    ProducerOrderError,
    ProductError,
    ProductImportError,
)

MAX_STOCK_UPDATES = 100

Batch = catalogue_types.Batch
CertificateKindEnum = catalogue_types.CertificateKindEnum
OcopCertificateType = catalogue_types.OcopCertificate
ProducerType = catalogue_types.Producer
ProducerKindEnum = catalogue_types.ProducerKindEnum
ProducerMemberRoleEnum = catalogue_types.ProducerMemberRoleEnum
ProductType = catalogue_types.Product
ProductMediaType = catalogue_types.ProductMedia
ProductVariantType = catalogue_types.ProductVariant
StorageClassEnum = catalogue_types.StorageClassEnum
DocumentKindEnum = workspace_types.DocumentKindEnum
ProducerDocumentType = workspace_types.ProducerDocument
ProducerMemberType = workspace_types.ProducerMember
ProducerOrderPart = workspace_types.ProducerOrderPart
ProductImport = workspace_types.ProductImport

# --- Helpers ----------------------------------------------------------------------------------


def not_found(type_name: str, field: str = "id") -> ServiceError:
    return ServiceError.single(
        CommonErrorCode.NOT_FOUND, f"No {type_name} with this ID in your workspace.", field
    )


def membership_of(info: Any, *, roles: list[str] | None = None) -> ProducerMember:
    return require_producer_member(info, roles=roles)  # type: ignore[no-any-return]


def own(
    info: Any,
    queryset: Any,
    type_name: str,
    value: Any,
    *,
    field: str = "id",
    path: str = "product__producer_id",
    membership: ProducerMember | None = None,
) -> Any:
    """The object of `queryset` with this global ID that belongs to the user's producer."""
    membership = membership or membership_of(info)
    pk = decode_global_id(value, type_name, field)
    obj = queryset.filter(pk=pk, **{path: membership.producer_id}).first()
    if obj is None:
        raise not_found(type_name, field)
    return obj


def own_many(
    info: Any, queryset: Any, type_name: str, values: list[Any], *, field: str, path: str
) -> list[Any]:
    membership = membership_of(info)
    pks = decode_global_ids(values, type_name, field)
    objects = list(queryset.filter(pk__in=pks, **{path: membership.producer_id}))
    if len(objects) != len(set(pks)):
        raise not_found(type_name, field)
    return objects


def staff_get(info: Any, queryset: Any, type_name: str, value: Any, field: str = "id") -> Any:
    require_staff(info)
    obj = queryset.filter(pk=decode_global_id(value, type_name, field)).first()
    if obj is None:
        raise ServiceError.single(CommonErrorCode.NOT_FOUND, f"No {type_name} with this ID.", field)
    return obj


@contextlib.contextmanager
def renamed(mapping: dict[str, str]) -> Iterator[None]:
    """Reports service field names under the names of the mutation's input."""
    try:
        yield
    except ServiceError as error:
        for e in error.errors:
            if e.field in mapping:
                e.field = mapping[e.field]
        raise


def input_prefixed(mapping: dict[str, str], prefix: str = "input") -> dict[str, str]:
    return {key: f"{prefix}.{value}" for key, value in mapping.items()}


def value_of(enum_value: Any) -> Any:
    return getattr(enum_value, "value", enum_value)


def province_by_code(code: str, field: str) -> Province:
    province = Province.objects.filter(code=str(code).strip().zfill(2)).first()
    if province is None:
        raise ServiceError.single(CommonErrorCode.NOT_FOUND, f"No province '{code}'.", field)
    return province


def commune_by_code(code: str | None, field: str) -> Commune | None:
    if not code:
        return None
    commune = Commune.objects.filter(code=str(code).strip()).first()
    if commune is None:
        raise ServiceError.single(CommonErrorCode.NOT_FOUND, f"No commune '{code}'.", field)
    return commune


def village_by_id(value: str | None, field: str) -> CraftVillage | None:
    if not value:
        return None
    village = CraftVillage.objects.filter(pk=decode_global_id(value, "CraftVillage", field)).first()
    if village is None:
        raise ServiceError.single(CommonErrorCode.NOT_FOUND, "No such craft village.", field)
    return village


def collect(data: Any, mapping: dict[str, str]) -> dict[str, Any]:
    """`{service_name: value}` for the input fields that were given (mapping: input -> service)."""
    result: dict[str, Any] = {}
    for input_name, service_name in mapping.items():
        if data is not None and input_name in data and data[input_name] is not None:
            result[service_name] = value_of(data[input_name])
    return result


# --- Producer onboarding and members -------------------------------------------------------

PRODUCER_FIELDS = {
    "address": "address",
    "story": "story_vi",
    "story_en": "story_en",
    "contact_name": "contact_name",
    "contact_email": "contact_email",
    "contact_phone": "contact_phone",
    "website": "website",
    "business_registration_number": "business_registration_number",
}
PRODUCER_ERROR_FIELDS = input_prefixed(
    {
        "story_vi": "story",
        "craft_village": "craftVillage",
        "slug": "name",
        **{
            k: k
            for k in (
                "name",
                "kind",
                "province",
                "commune",
                "address",
                "story_en",
                "contact_name",
                "contact_email",
                "contact_phone",
                "website",
                "business_registration_number",
            )
        },
    }
)


class ProducerApplyInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    kind = ProducerKindEnum(required=True)
    province = graphene.String(required=True, description="Province code, e.g. '01'.")
    commune = graphene.String(description="Commune code.")
    craft_village = graphene.ID()
    address = graphene.String()
    story = graphene.String(description="The producer's story in Vietnamese.")
    story_en = graphene.String()
    contact_name = graphene.String()
    contact_email = graphene.String()
    contact_phone = graphene.String()
    website = graphene.String()
    business_registration_number = graphene.String()


class ProducerApply(BaseMutation):
    producer = graphene.Field(ProducerType)

    class Arguments:
        input = ProducerApplyInput(required=True)
        business_registration_document = Upload(
            required=True, description="PDF or image of the business registration."
        )

    class Meta:
        description = "Apply for a producer account; staff approve or reject the application."
        error_type_class = ProducerError

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, root: Any, info: Any, *, input: Any, business_registration_document: Any = None
    ) -> Any:
        user = require_login(info)
        province = province_by_code(input["province"], "input.province")
        commune = commune_by_code(input.get("commune"), "input.commune")
        village = village_by_id(input.get("craft_village"), "input.craftVillage")
        fields = collect(input, PRODUCER_FIELDS)
        with renamed(PRODUCER_ERROR_FIELDS):
            producer = producers.producer_apply(
                user=user,
                name=input["name"],
                kind=value_of(input["kind"]),
                province=province,
                commune=commune,
                craft_village=village,
                business_registration_document=business_registration_document,
                **fields,
            )
        return cls(producer=producer)


class ProducerApprove(BaseMutation):
    producer = graphene.Field(ProducerType)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Approve a producer's application (staff)."
        error_type_class = ProducerError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str) -> Any:  # type: ignore[override]
        producer = staff_get(info, Producer.objects.all(), "Producer", id)
        return cls(producer=producers.producer_application_approve(producer=producer))


class ProducerReject(BaseMutation):
    producer = graphene.Field(ProducerType)

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    class Meta:
        description = "Reject a producer's application with a reason (staff)."
        error_type_class = ProducerError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str, reason: str) -> Any:  # type: ignore[override]
        producer = staff_get(info, Producer.objects.all(), "Producer", id)
        return cls(producer=producers.producer_application_reject(producer=producer, reason=reason))


class ProducerMemberInvite(BaseMutation):
    member = graphene.Field(ProducerMemberType)

    class Arguments:
        email = graphene.String(required=True)
        role = ProducerMemberRoleEnum(default_value=MemberRole.STAFF)

    class Meta:
        description = "Add a registered person to your producer (owners)."
        error_type_class = ProducerError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, email: str, role: Any = None) -> Any:  # type: ignore[override]
        membership = membership_of(info, roles=[MemberRole.OWNER])
        member = producers.producer_member_invite(
            producer=membership.producer,
            email=email,
            role=value_of(role) or MemberRole.STAFF,
            invited_by=membership.user,
        )
        return cls(member=member)


class ProducerMemberRemove(BaseMutation):
    member = graphene.Field(ProducerMemberType)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Remove a member of your producer (owners); the last owner stays."
        error_type_class = ProducerError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str) -> Any:  # type: ignore[override]
        membership = membership_of(info, roles=[MemberRole.OWNER])
        member = own(
            info,
            ProducerMember.objects.select_related("user"),
            "ProducerMember",
            id,
            path="producer_id",
            membership=membership,
        )
        pk = member.pk
        producers.producer_member_remove(member=member)
        member.pk = pk
        return cls(member=member)


class ProducerMemberUpdate(BaseMutation):
    member = graphene.Field(ProducerMemberType)

    class Arguments:
        id = graphene.ID(required=True)
        role = ProducerMemberRoleEnum(required=True)

    class Meta:
        description = "Change a member's role (owners)."
        error_type_class = ProducerError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str, role: Any) -> Any:  # type: ignore[override]
        membership = membership_of(info, roles=[MemberRole.OWNER])
        member = own(
            info,
            ProducerMember.objects.select_related("user"),
            "ProducerMember",
            id,
            path="producer_id",
            membership=membership,
        )
        return cls(member=producers.producer_member_role_update(member=member, role=value_of(role)))


# --- Listings -------------------------------------------------------------------------------

PRODUCT_FIELDS = {
    "name_en": "name_en",
    "description": "description_vi",
    "description_en": "description_en",
    "hs_code": "hs_code",
    "storage_class": "storage_class",
    "shelf_life_days": "shelf_life_days",
    "contains_alcohol": "contains_alcohol",
    "abv_percent": "abv_percent",
    "contains_pork": "contains_pork",
    "contains_meat": "contains_meat",
    "contains_seafood": "contains_seafood",
    "contains_dairy": "contains_dairy",
    "is_fresh_produce": "is_fresh_produce",
    "fresh_produce_species": "fresh_produce_species",
    "is_raw_fermented": "is_raw_fermented",
    "contains_birds_nest": "contains_birds_nest",
    "is_liquid": "is_liquid",
    "is_dangerous_goods": "is_dangerous_goods",
    "wood_species": "wood_species",
    "is_food_contact": "is_food_contact",
    "is_supplement": "is_supplement",
    "has_health_claim": "has_health_claim",
    "is_fragile": "is_fragile",
}
PRODUCT_ERROR_FIELDS = input_prefixed(
    {
        "name_vi": "name",
        "name_en": "nameEn",
        "description_vi": "description",
        "slug": "name",
        "slug_en": "nameEn",
        "craft_village": "craftVillage",
        **{k: k for k in ("category", "province", "commune", "hs_code", "storage_class")},
        **{k: k for k in ("shelf_life_days", "abv_percent", "cites_status")},
    }
)


class ProductInputBase(graphene.InputObjectType):
    name_en = graphene.String()
    description = graphene.String(description="The product's story in Vietnamese.")
    description_en = graphene.String()
    province = graphene.String(description="Origin province code (default: the producer's).")
    commune = graphene.String(description="Origin commune code.")
    craft_village = graphene.ID()
    hs_code = graphene.String()
    storage_class = StorageClassEnum()
    shelf_life_days = graphene.Int()
    contains_alcohol = graphene.Boolean()
    abv_percent = graphene.Decimal()
    contains_pork = graphene.Boolean()
    contains_meat = graphene.Boolean()
    contains_seafood = graphene.Boolean()
    contains_dairy = graphene.Boolean()
    is_fresh_produce = graphene.Boolean()
    fresh_produce_species = graphene.String()
    is_raw_fermented = graphene.Boolean()
    contains_birds_nest = graphene.Boolean()
    is_liquid = graphene.Boolean()
    is_dangerous_goods = graphene.Boolean()
    wood_species = graphene.String()
    is_food_contact = graphene.Boolean()
    is_supplement = graphene.Boolean()
    has_health_claim = graphene.Boolean()
    is_fragile = graphene.Boolean()


class ProductCreateInput(ProductInputBase):
    name = graphene.String(required=True, description="Name in Vietnamese.")
    category = graphene.ID(required=True, description="An OCOP product set (level 1).")


class ProductUpdateInput(ProductInputBase):
    name = graphene.String(description="Name in Vietnamese.")
    category = graphene.ID()


def _category(value: str) -> Category:
    category = Category.objects.filter(pk=decode_global_id(value, "Category", "input.category"))
    found = category.first()
    if found is None:
        raise ServiceError.single(CommonErrorCode.NOT_FOUND, "No such category.", "input.category")
    return found


def _product_changes(input: Any) -> dict[str, Any]:
    changes = collect(input, PRODUCT_FIELDS)
    if input.get("name") is not None:
        changes["name_vi"] = input["name"]
    if input.get("category"):
        changes["category"] = _category(input["category"])
    if input.get("province"):
        changes["province"] = province_by_code(input["province"], "input.province")
    if "commune" in input:
        changes["commune"] = commune_by_code(input.get("commune"), "input.commune")
    if "craft_village" in input:
        changes["craft_village"] = village_by_id(input.get("craft_village"), "input.craftVillage")
    return changes


class ProductCreate(BaseMutation):
    product = graphene.Field(ProductType)

    class Arguments:
        input = ProductCreateInput(required=True)

    class Meta:
        description = "Create a listing of your producer; it waits for staff review."
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, input: Any) -> Any:  # type: ignore[override]
        membership = membership_of(info)
        changes = _product_changes(input)
        changes.pop("moderation_status", None)
        with renamed(PRODUCT_ERROR_FIELDS):
            product = catalogue.product_create(
                producer=membership.producer,
                category=changes.pop("category"),
                name_vi=changes.pop("name_vi"),
                **changes,
            )
        return cls(product=product)


class ProductUpdate(BaseMutation):
    product = graphene.Field(ProductType)

    class Arguments:
        id = graphene.ID(required=True)
        input = ProductUpdateInput(required=True)

    class Meta:
        description = "Change a listing of your producer."
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str, input: Any) -> Any:  # type: ignore[override]
        product = own(info, Product.objects.all(), "Product", id, path="producer_id")
        changes = _product_changes(input)
        with renamed(PRODUCT_ERROR_FIELDS):
            product = producers.listing_update(product=product, **changes)
        return cls(product=product)


class ProductDelete(BaseMutation):
    product = graphene.Field(ProductType)
    archived = graphene.Boolean(
        description="True when the product was archived instead (it has certificates or "
        "batches whose history and QR codes must stay)."
    )

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Delete a listing of your producer."
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str) -> Any:  # type: ignore[override]
        product = own(info, Product.objects.all(), "Product", id, path="producer_id")
        pk = product.pk
        deleted = catalogue.product_delete(product=product)
        product.pk = pk
        return cls(product=product, archived=not deleted)


class ProductApprove(BaseMutation):
    product = graphene.Field(ProductType)

    class Arguments:
        id = graphene.ID(required=True)
        note = graphene.String()

    class Meta:
        description = "Publish a listing (staff)."
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str, note: str = "") -> Any:  # type: ignore[override]
        product = staff_get(info, Product.objects.all(), "Product", id)
        return cls(product=producers.listing_approve(product=product, note=note or ""))


class ProductReject(BaseMutation):
    product = graphene.Field(ProductType)

    class Arguments:
        id = graphene.ID(required=True)
        note = graphene.String(required=True, description="Why; the producer reads it.")

    class Meta:
        description = "Reject a listing with a reason (staff)."
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str, note: str) -> Any:  # type: ignore[override]
        product = staff_get(info, Product.objects.all(), "Product", id)
        return cls(product=producers.listing_reject(product=product, note=note))


VARIANT_FIELDS = {
    "sku": "sku",
    "name": "name_vi",
    "name_en": "name_en",
    "price": "price_amount",
    "weight_grams": "weight_grams",
    "quantity": "quantity",
    "length_cm": "length_cm",
    "width_cm": "width_cm",
    "height_cm": "height_cm",
    "sort_order": "sort_order",
}
VARIANT_ERROR_FIELDS = input_prefixed(
    {
        "name_vi": "name",
        "name_en": "nameEn",
        "price_amount": "price",
        **{k: k for k in ("sku", "weight_grams", "quantity", "length_cm", "width_cm")},
        **{k: k for k in ("height_cm", "sort_order")},
    }
)


class ProductVariantInputBase(graphene.InputObjectType):
    name_en = graphene.String()
    quantity = graphene.Int(description="Units on hand.")
    length_cm = graphene.Decimal()
    width_cm = graphene.Decimal()
    height_cm = graphene.Decimal()
    sort_order = graphene.Int()


class ProductVariantCreateInput(ProductVariantInputBase):
    product = graphene.ID(required=True)
    sku = graphene.String(required=True)
    name = graphene.String(required=True, description="Pack size or unit, in Vietnamese.")
    price = graphene.Decimal(required=True, description="Price in VND.")
    weight_grams = graphene.Int(required=True)


class ProductVariantUpdateInput(ProductVariantInputBase):
    sku = graphene.String()
    name = graphene.String()
    price = graphene.Decimal()
    weight_grams = graphene.Int()


class ProductVariantCreate(BaseMutation):
    product_variant = graphene.Field(ProductVariantType)

    class Arguments:
        input = ProductVariantCreateInput(required=True)

    class Meta:
        description = "Add a variant (pack size, SKU, price, stock) to your listing."
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, input: Any) -> Any:  # type: ignore[override]
        product = own(
            info,
            Product.objects.all(),
            "Product",
            input["product"],
            field="input.product",
            path="producer_id",
        )
        data = collect(input, VARIANT_FIELDS)
        with renamed(VARIANT_ERROR_FIELDS):
            variant = catalogue.variant_create(
                product=product,
                sku=data.pop("sku"),
                name_vi=data.pop("name_vi"),
                price_amount=data.pop("price_amount"),
                weight_grams=data.pop("weight_grams"),
                **data,
            )
        return cls(product_variant=variant)


class ProductVariantUpdate(BaseMutation):
    product_variant = graphene.Field(ProductVariantType)

    class Arguments:
        id = graphene.ID(required=True)
        input = ProductVariantUpdateInput(required=True)

    class Meta:
        description = "Change a variant of your listing."
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str, input: Any) -> Any:  # type: ignore[override]
        variant = own(info, ProductVariant.objects.all(), "ProductVariant", id)
        with renamed(VARIANT_ERROR_FIELDS):
            variant = catalogue.variant_update(variant=variant, **collect(input, VARIANT_FIELDS))
        return cls(product_variant=variant)


class ProductVariantDelete(BaseMutation):
    product_variant = graphene.Field(ProductVariantType)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Delete a variant of your listing (not while units are allocated)."
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str) -> Any:  # type: ignore[override]
        variant = own(info, ProductVariant.objects.all(), "ProductVariant", id)
        pk = variant.pk
        with renamed({"variant": "id"}):
            catalogue.variant_delete(variant=variant)
        variant.pk = pk
        return cls(product_variant=variant)


class StockInput(graphene.InputObjectType):
    variant = graphene.ID(required=True)
    quantity = graphene.Int(required=True, description="Units on hand.")


class StocksUpdate(BaseMutation):
    product_variants = graphene.List(graphene.NonNull(ProductVariantType))

    class Arguments:
        stocks = graphene.List(graphene.NonNull(StockInput), required=True)

    class Meta:
        description = (
            f"Set the units on hand of up to {MAX_STOCK_UPDATES} variants of your listings, "
            "all or none."
        )
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, stocks: list[Any]) -> Any:  # type: ignore[override]
        membership = membership_of(info)
        if len(stocks) > MAX_STOCK_UPDATES:
            raise ServiceError.single(
                CommonErrorCode.INVALID, f"At most {MAX_STOCK_UPDATES} at once.", "stocks"
            )
        errors: list[FieldError] = []
        updated = []
        with transaction.atomic():
            for i, stock in enumerate(stocks):
                try:
                    variant = own(
                        info,
                        ProductVariant.objects.all(),
                        "ProductVariant",
                        stock["variant"],
                        field=f"stocks.{i}.variant",
                        membership=membership,
                    )
                    with renamed({"quantity": f"stocks.{i}.quantity"}):
                        updated.append(
                            catalogue.stock_set(variant=variant, quantity=stock["quantity"])
                        )
                except ServiceError as error:
                    errors.extend(error.errors)
            if errors:
                transaction.set_rollback(True)
                raise ServiceError(errors)
        return cls(product_variants=updated)


class ProductMediaCreateInput(graphene.InputObjectType):
    product = graphene.ID(required=True)
    image = Upload(required=True, description="JPEG, PNG or WebP.")
    alt = graphene.String()
    alt_en = graphene.String()


class ProductMediaCreate(BaseMutation):
    product = graphene.Field(ProductType)
    media = graphene.Field(ProductMediaType)

    class Arguments:
        input = ProductMediaCreateInput(required=True)

    class Meta:
        description = (
            "Upload an image of your listing (GraphQL multipart request); it is checked (type, "
            "size, dimensions, decompression bombs) and thumbnails are made."
        )
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, input: Any) -> Any:  # type: ignore[override]
        product = own(
            info,
            Product.objects.all(),
            "Product",
            input["product"],
            field="input.product",
            path="producer_id",
        )
        image = input.get("image")
        if image is None or isinstance(image, str):
            raise ServiceError.single(
                CommonErrorCode.REQUIRED, "Send the image as a file.", "input.image"
            )
        with renamed({"image": "input.image", "alt_vi": "input.alt", "alt_en": "input.altEn"}):
            media = catalogue.product_media_create(
                product=product,
                file=image,
                alt_vi=input.get("alt") or "",
                alt_en=input.get("alt_en") or "",
            )
        return cls(product=product, media=media)


class ProductMediaDelete(BaseMutation):
    product = graphene.Field(ProductType)
    media = graphene.Field(ProductMediaType)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Delete an image of your listing, with its thumbnails."
        error_type_class = ProductError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str) -> Any:  # type: ignore[override]
        media = own(info, ProductMedia.objects.select_related("product"), "ProductMedia", id)
        pk, product = media.pk, media.product
        catalogue.product_media_delete(media=media)
        media.pk = pk
        return cls(product=product, media=media)


# --- Certificates and documents ----------------------------------------------------------------


class OcopCertificateCreateInput(graphene.InputObjectType):
    product = graphene.ID(required=True)
    decision_number = graphene.String(required=True, description="e.g. 2361/QĐ-BNNMT")
    issuing_authority = graphene.String(required=True)
    decision_date = graphene.Date(required=True)
    stars = graphene.Int(required=True)
    criteria_version = graphene.String(description="Default 148/2023.")
    kind = CertificateKindEnum()
    number = graphene.String()
    potential_five_star = graphene.Boolean()
    evaluation_round = graphene.String()
    document = Upload(description="The certificate's scan (PDF or image).")


CERTIFICATE_ERROR_FIELDS = input_prefixed(
    {
        k: k
        for k in (
            "decision_number",
            "issuing_authority",
            "decision_date",
            "stars",
            "criteria_version",
            "kind",
            "number",
            "potential_five_star",
            "evaluation_round",
            "document",
        )
    }
)


class OcopCertificateCreate(BaseMutation):
    certificate = graphene.Field(OcopCertificateType)

    class Arguments:
        input = OcopCertificateCreateInput(required=True)

    class Meta:
        description = (
            "Submit an OCOP certificate of your listing; its stars show after staff verify it."
        )
        error_type_class = OcopCertificateError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, input: Any) -> Any:  # type: ignore[override]
        product = own(
            info,
            Product.objects.all(),
            "Product",
            input["product"],
            field="input.product",
            path="producer_id",
        )
        document = input.get("document")
        with renamed(CERTIFICATE_ERROR_FIELDS):
            if document is not None:
                producers.document_file_check(document, field="document")
            fields = collect(
                input,
                {
                    "criteria_version": "criteria_version",
                    "kind": "kind",
                    "number": "number",
                    "potential_five_star": "potential_five_star",
                    "evaluation_round": "evaluation_round",
                },
            )
            certificate = certification.ocop_certificate_create(
                product=product,
                decision_number=input["decision_number"],
                issuing_authority=input["issuing_authority"],
                decision_date=input["decision_date"],
                stars=input["stars"],
                document=document,
                **fields,
            )
        return cls(certificate=certificate)


class OcopCertificateVerify(BaseMutation):
    certificate = graphene.Field(OcopCertificateType)

    class Arguments:
        id = graphene.ID(required=True)
        note = graphene.String()

    class Meta:
        description = "Verify a certificate (staff): its stars show while it is in force."
        error_type_class = OcopCertificateError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str, note: str = "") -> Any:  # type: ignore[override]
        certificate = staff_get(info, OcopCertificate.objects.all(), "OcopCertificate", id)
        verified = producers.certificate_verify(
            certificate=certificate, by=require_staff(info), note=note or ""
        )
        return cls(certificate=verified)


class OcopCertificateReject(BaseMutation):
    certificate = graphene.Field(OcopCertificateType)

    class Arguments:
        id = graphene.ID(required=True)
        note = graphene.String(required=True)

    class Meta:
        description = "Reject a pending certificate with a reason (staff)."
        error_type_class = OcopCertificateError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str, note: str) -> Any:  # type: ignore[override]
        certificate = staff_get(info, OcopCertificate.objects.all(), "OcopCertificate", id)
        rejected = producers.certificate_reject(
            certificate=certificate, note=note, by=require_staff(info)
        )
        return cls(certificate=rejected)


class ProducerDocumentInputBase(graphene.InputObjectType):
    title = graphene.String()
    number = graphene.String()
    issuer = graphene.String()
    issued_on = graphene.Date()
    expires_on = graphene.Date()
    file = Upload(description="PDF or image, at most 10 MB.")
    products = graphene.List(
        graphene.NonNull(graphene.ID), description="Products it covers (default: all)."
    )
    is_public = graphene.Boolean(description="May be opened from public traceability pages.")


class ProducerDocumentCreateInput(ProducerDocumentInputBase):
    kind = DocumentKindEnum(required=True)


class ProducerDocumentUpdateInput(ProducerDocumentInputBase):
    kind = DocumentKindEnum()


DOCUMENT_FIELDS = {
    k: k for k in ("kind", "title", "number", "issuer", "issued_on", "expires_on", "is_public")
}
DOCUMENT_ERROR_FIELDS = input_prefixed({**DOCUMENT_FIELDS, "file": "file", "products": "products"})


def _document_changes(info: Any, input: Any) -> dict[str, Any]:
    changes = collect(input, DOCUMENT_FIELDS)
    if input.get("file") is not None:
        producers.document_file_check(input["file"], field="input.file")
        changes["file"] = input["file"]
    if input.get("products") is not None:
        changes["products"] = own_many(
            info,
            Product.objects.all(),
            "Product",
            input["products"],
            field="input.products",
            path="producer_id",
        )
    return changes


class ProducerDocumentCreate(BaseMutation):
    document = graphene.Field(ProducerDocumentType)

    class Arguments:
        input = ProducerDocumentCreateInput(required=True)

    class Meta:
        description = "Add a certificate or document of your producer (Halal, HACCP, lab ...)."
        error_type_class = ProducerDocumentError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, input: Any) -> Any:  # type: ignore[override]
        membership = membership_of(info)
        changes = _document_changes(info, input)
        with renamed(DOCUMENT_ERROR_FIELDS):
            document = certification.producer_document_create(
                producer=membership.producer, kind=changes.pop("kind"), **changes
            )
        return cls(document=document)


class ProducerDocumentUpdate(BaseMutation):
    document = graphene.Field(ProducerDocumentType)

    class Arguments:
        id = graphene.ID(required=True)
        input = ProducerDocumentUpdateInput(required=True)

    class Meta:
        description = "Change a document of your producer."
        error_type_class = ProducerDocumentError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str, input: Any) -> Any:  # type: ignore[override]
        document = own(
            info, ProducerDocument.objects.all(), "ProducerDocument", id, path="producer_id"
        )
        changes = _document_changes(info, input)
        with renamed(DOCUMENT_ERROR_FIELDS):
            document = certification.producer_document_update(document=document, **changes)
        return cls(document=document)


class ProducerDocumentDelete(BaseMutation):
    document = graphene.Field(ProducerDocumentType)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Delete a document of your producer and its file."
        error_type_class = ProducerDocumentError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str) -> Any:  # type: ignore[override]
        document = own(
            info, ProducerDocument.objects.all(), "ProducerDocument", id, path="producer_id"
        )
        pk = document.pk
        certification.producer_document_delete(document=document)
        document.pk = pk
        return cls(document=document)


# --- Traceability batches ----------------------------------------------------------------------


class BatchInputBase(graphene.InputObjectType):
    expiry_date = graphene.Date()
    quantity = graphene.Int()
    variant = graphene.ID()
    notes = graphene.String(description="Notes in Vietnamese.")
    notes_en = graphene.String()
    documents = graphene.List(graphene.NonNull(graphene.ID), description="Lab reports etc.")


class BatchCreateInput(BatchInputBase):
    product = graphene.ID(required=True)
    code = graphene.String(required=True, description="Lot code, printed on the pack.")
    production_date = graphene.Date(required=True)


class BatchUpdateInput(BatchInputBase):
    code = graphene.String()
    production_date = graphene.Date()


BATCH_FIELDS = {
    "code": "code",
    "production_date": "production_date",
    "expiry_date": "expiry_date",
    "quantity": "quantity",
    "notes": "notes_vi",
    "notes_en": "notes_en",
}
BATCH_ERROR_FIELDS = input_prefixed(
    {
        "notes_vi": "notes",
        **{k: k for k in BATCH_FIELDS if k != "notes"},
        "variant": "variant",
        "documents": "documents",
    }
)


def _batch_changes(info: Any, input: Any) -> dict[str, Any]:
    changes = collect(input, BATCH_FIELDS)
    if input.get("variant"):
        changes["variant"] = own(
            info,
            ProductVariant.objects.all(),
            "ProductVariant",
            input["variant"],
            field="input.variant",
        )
    if input.get("documents") is not None:
        changes["documents"] = own_many(
            info,
            ProducerDocument.objects.all(),
            "ProducerDocument",
            input["documents"],
            field="input.documents",
            path="producer_id",
        )
    return changes


class BatchCreate(BaseMutation):
    batch = graphene.Field(Batch)

    class Arguments:
        input = BatchCreateInput(required=True)

    class Meta:
        description = "Record a production batch (lot) of your listing; its QR page is public."
        error_type_class = BatchError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, input: Any) -> Any:  # type: ignore[override]
        product = own(
            info,
            Product.objects.all(),
            "Product",
            input["product"],
            field="input.product",
            path="producer_id",
        )
        changes = _batch_changes(info, input)
        with renamed(BATCH_ERROR_FIELDS):
            batch = traceability.batch_create(
                product=product,
                code=changes.pop("code"),
                production_date=changes.pop("production_date"),
                **changes,
            )
        return cls(batch=batch)


class BatchUpdate(BaseMutation):
    batch = graphene.Field(Batch)

    class Arguments:
        id = graphene.ID(required=True)
        input = BatchUpdateInput(required=True)

    class Meta:
        description = "Change a batch of your listing."
        error_type_class = BatchError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, id: str, input: Any) -> Any:  # type: ignore[override]
        batch = own(info, BatchModel.objects.select_related("product"), "Batch", id)
        changes = _batch_changes(info, input)
        with renamed(BATCH_ERROR_FIELDS):
            batch = traceability.batch_update(batch=batch, **changes)
        return cls(batch=batch)


# --- Fulfilment and import ---------------------------------------------------------------------


class ProducerOrderShip(BaseMutation):
    producer_order = graphene.Field(ProducerOrderPart)

    class Arguments:
        id = graphene.ID(required=True, description="The ProducerOrder ID.")
        carrier = graphene.String(required=True, description="e.g. GHN, Viettel Post, EMS.")
        tracking_number = graphene.String(required=True)

    class Meta:
        description = (
            "Mark your part of an order shipped (fulfilled) with the carrier and tracking "
            "number; the shopper is told by e-mail."
        )
        error_type_class = ProducerOrderError

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls, root: Any, info: Any, *, id: str, carrier: str, tracking_number: str
    ) -> Any:
        membership = membership_of(info)
        part = own(
            info,
            ProducerOrder.objects.select_related("order"),
            "ProducerOrder",
            id,
            path="producer_id",
            membership=membership,
        )
        part = producers.producer_order_ship(
            producer_order=part,
            user=membership.user,
            carrier=carrier,
            tracking_number=tracking_number,
        )
        return cls(producer_order=part)


class ProductImportCreate(BaseMutation):
    product_import = graphene.Field(ProductImport)

    class Arguments:
        file = Upload(required=True, description="CSV (UTF-8) or XLSX, see the template.")

    class Meta:
        description = (
            "Import listings from a spreadsheet in the background; follow it with "
            "`productImport(id)`."
        )
        error_type_class = ProductImportError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, *, file: Any) -> Any:  # type: ignore[override]
        membership = membership_of(info)
        if file is None or isinstance(file, str):
            raise ServiceError.single(CommonErrorCode.REQUIRED, "Send the file.", "file")
        job = import_job_create(
            producer=membership.producer,
            user=membership.user,
            file=file,
            file_name=getattr(file, "name", ""),
        )
        # With eager Celery and no surrounding transaction the job has run already.
        return cls(product_import=import_job_get(job.id) or job)
