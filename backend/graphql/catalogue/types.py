"""GraphQL types of the catalogue: products, variants, media, certificates, categories,
places, producers and traceability batches."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay
from graphql_sync_dataloaders import SyncFuture

from backend.catalogue import selectors
from backend.catalogue.models import ModerationStatus, StorageClass
from backend.certification.models import CertificateKind
from backend.graphql.core.connection import (
    ConnectionField,
    CountableConnection,
    connection_from_queryset,
)
from backend.graphql.core.dataloaders import gather, get_loader, then
from backend.graphql.core.mutations import can_see_private_producer_data, current_user
from backend.graphql.core.types import Money, MoneyRange, Weight, language_of, translated
from backend.graphql.core.validation import set_list_size_hint
from backend.graphql.markets.schema import (
    product_market_compliance_field,
    resolve_product_market_compliance,
)
from backend.places import selectors as place_selectors
from backend.producers.models import MemberRole, ProducerKind, VerificationStatus
from backend.traceability import selectors as trace_selectors

from . import dataloaders as loaders

ProducerKindEnum = graphene.Enum.from_enum(ProducerKind, name="ProducerKindEnum")
VerificationStatusEnum = graphene.Enum.from_enum(
    VerificationStatus, name="ProducerVerificationStatusEnum"
)
ProducerMemberRoleEnum = graphene.Enum.from_enum(MemberRole, name="ProducerMemberRoleEnum")
StorageClassEnum = graphene.Enum.from_enum(StorageClass, name="StorageClassEnum")
CertificateKindEnum = graphene.Enum.from_enum(CertificateKind, name="OcopCertificateKindEnum")
ModerationStatusEnum = graphene.Enum.from_enum(ModerationStatus, name="ModerationStatusEnum")


class OcopCertificateStatusEnum(graphene.Enum):
    """As a shopper reads it: ACTIVE (verified and in force), EXPIRED, or the staff decision."""

    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    PENDING = "PENDING"
    REJECTED = "REJECTED"
    REVOKED = "REVOKED"


def _absolute(info: Any, url: str | None) -> str | None:
    if not url:
        return None
    build = getattr(info.context, "build_absolute_uri", None)
    return build(url) if build else url


# --- Places ---------------------------------------------------------------------------------


class Commune(graphene.ObjectType):
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    division_type = graphene.String(required=True, description="xã, phường or đặc khu.")
    province = graphene.Field(lambda: Province, required=True)

    class Meta:
        interfaces = (relay.Node,)
        description = "A commune, ward or special zone (since 2025-07-01)."

    @staticmethod
    def resolve_province(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "province", loaders.ProvinceByIdLoader)


class CommuneCountableConnection(CountableConnection):
    class Meta:
        node = Commune


class Province(graphene.ObjectType):
    code = graphene.String(required=True, description="Official two-digit code.")
    name = graphene.String(required=True, description="Full name, e.g. 'Thành phố Hà Nội'.")
    short_name = graphene.String(required=True)
    name_en = graphene.String(required=True)
    codename = graphene.String(required=True)
    division_type = graphene.String(required=True)
    region = graphene.String(required=True)
    former_names = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Names of the former provinces merged into this one (2025).",
    )
    communes = ConnectionField(CommuneCountableConnection, search=graphene.String())

    class Meta:
        interfaces = (relay.Node,)
        description = "One of the 34 provinces."

    @staticmethod
    def resolve_name_en(root: Any, info: Any) -> str:
        return root.name_en or root.short_name

    @staticmethod
    def resolve_former_names(root: Any, info: Any) -> Any:
        return then(
            get_loader(info, loaders.AliasesByProvinceIdLoader).load(root.pk),
            lambda aliases: [a.name for a in aliases],
        )

    @staticmethod
    def resolve_communes(root: Any, info: Any, search: str | None = None, **kwargs: Any) -> Any:
        queryset = place_selectors.communes(province_id=root.pk, search=search)
        return connection_from_queryset(queryset, kwargs, CommuneCountableConnection)


class ProvinceCountableConnection(CountableConnection):
    class Meta:
        node = Province


class CraftVillage(graphene.ObjectType):
    slug = graphene.String(required=True)
    name = graphene.String(required=True)
    craft = graphene.String(required=True, description="What the village makes.")
    story = graphene.String(required=True)
    province = graphene.Field(Province, required=True)
    commune = graphene.Field(Commune)

    class Meta:
        interfaces = (relay.Node,)
        description = "A craft village (làng nghề)."

    @staticmethod
    def resolve_name(root: Any, info: Any) -> str:
        return (root.name_en or root.name) if language_of(info) == "en" else root.name

    @staticmethod
    def resolve_craft(root: Any, info: Any) -> str:
        return translated(root, "craft", language_of(info))

    @staticmethod
    def resolve_story(root: Any, info: Any) -> str:
        return translated(root, "story", language_of(info))

    @staticmethod
    def resolve_province(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "province", loaders.ProvinceByIdLoader)

    @staticmethod
    def resolve_commune(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "commune", loaders.CommuneByIdLoader)


class CraftVillageCountableConnection(CountableConnection):
    class Meta:
        node = CraftVillage


# --- Producers ------------------------------------------------------------------------------

PRIVATE_PRODUCER_FIELDS = (
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "business_registration_number",
    "rejection_reason",
)


def _private(field: str) -> Any:
    def resolve(root: Any, info: Any) -> Any:
        if not can_see_private_producer_data(current_user(info), root.pk):
            return None
        return getattr(root, field)

    return resolve


class Producer(graphene.ObjectType):
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    kind = graphene.Field(ProducerKindEnum, required=True)
    province = graphene.Field(Province, required=True)
    commune = graphene.Field(Commune)
    craft_village = graphene.Field(CraftVillage)
    story = graphene.String(required=True)
    website = graphene.String(required=True)
    is_verified = graphene.Boolean(required=True)
    verification_status = graphene.Field(VerificationStatusEnum, required=True)
    created = graphene.DateTime(required=True)
    # Private: staff and the producer's own members only (null for everyone else).
    address = graphene.String(description="Staff and the producer's members only.")
    contact_name = graphene.String(description="Staff and the producer's members only.")
    contact_email = graphene.String(description="Staff and the producer's members only.")
    contact_phone = graphene.String(description="Staff and the producer's members only.")
    business_registration_number = graphene.String(
        description="Staff and the producer's members only."
    )
    rejection_reason = graphene.String(description="Staff and the producer's members only.")
    products = ConnectionField(
        lambda: ProductCountableConnection,
        description="The producer's products you may see, by name.",
    )

    class Meta:
        interfaces = (relay.Node,)
        description = "An OCOP producer: cooperative, enterprise or household business."

    @staticmethod
    def resolve_products(root: Any, info: Any, **kwargs: Any) -> Any:
        queryset = selectors.filter_products(
            selectors.visible_products(user=current_user(info)),
            selectors.ProductFilter(producer_ids=[root.pk]),
        )
        queryset = selectors.sort_products(queryset, "name", False, language_of(info))
        return connection_from_queryset(
            queryset, kwargs, ProductCountableConnection, fetch=selectors.products_page
        )

    resolve_address = staticmethod(_private("address"))
    resolve_contact_name = staticmethod(_private("contact_name"))
    resolve_contact_email = staticmethod(_private("contact_email"))
    resolve_contact_phone = staticmethod(_private("contact_phone"))
    resolve_business_registration_number = staticmethod(_private("business_registration_number"))
    resolve_rejection_reason = staticmethod(_private("rejection_reason"))

    @staticmethod
    def resolve_story(root: Any, info: Any) -> str:
        return translated(root, "story", language_of(info))

    @staticmethod
    def resolve_created(root: Any, info: Any) -> Any:
        return root.created_at

    @staticmethod
    def resolve_province(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "province", loaders.ProvinceByIdLoader)

    @staticmethod
    def resolve_commune(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "commune", loaders.CommuneByIdLoader)

    @staticmethod
    def resolve_craft_village(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "craft_village", loaders.CraftVillageByIdLoader)


class ProducerCountableConnection(CountableConnection):
    class Meta:
        node = Producer


# --- Taxonomy -------------------------------------------------------------------------------


class Category(graphene.ObjectType):
    code = graphene.String(required=True, description="'I' for a group, 'I-3d' for a set.")
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    level = graphene.Int(required=True, description="0: group, 1: product set.")
    parent = graphene.Field(lambda: Category)
    children = graphene.List(graphene.NonNull(lambda: Category), required=True)
    criteria_version = graphene.String(required=True)
    is_shippable = graphene.Boolean(required=True)

    class Meta:
        interfaces = (relay.Node,)
        description = "The OCOP taxonomy: 6 groups and their 26 product sets."

    @staticmethod
    def resolve_name(root: Any, info: Any) -> str:
        return translated(root, "name", language_of(info))

    @staticmethod
    def resolve_parent(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "parent", loaders.CategoryByIdLoader)

    @staticmethod
    def resolve_children(root: Any, info: Any) -> Any:
        return get_loader(info, loaders.ChildrenByCategoryIdLoader).load(root.pk)


class CategoryCountableConnection(CountableConnection):
    class Meta:
        node = Category


# --- Certificates, variants, media ----------------------------------------------------------


class OcopCertificate(graphene.ObjectType):
    number = graphene.String(required=True)
    decision_number = graphene.String(required=True)
    issuing_authority = graphene.String(required=True)
    decision_date = graphene.Date(required=True)
    expires_on = graphene.Date(required=True)
    stars = graphene.Int(required=True, description="Stars awarded (shown only while ACTIVE).")
    potential_five_star = graphene.Boolean(required=True)
    criteria_version = graphene.String(required=True)
    kind = graphene.Field(CertificateKindEnum, required=True)
    status = graphene.Field(OcopCertificateStatusEnum, required=True)
    is_valid = graphene.Boolean(required=True, description="Verified and in force today.")

    class Meta:
        interfaces = (relay.Node,)
        description = "An OCOP rating decision for a product."

    @staticmethod
    def resolve_status(root: Any, info: Any) -> str:
        if selectors.certificate_in_force(root):
            return "ACTIVE"
        return str(root.display_status)

    @staticmethod
    def resolve_is_valid(root: Any, info: Any) -> bool:
        return selectors.certificate_in_force(root)


class VariantPricingInfo(graphene.ObjectType):
    price = graphene.Field(Money, required=True)


class ProductVariant(graphene.ObjectType):
    sku = graphene.String(required=True)
    name = graphene.String(required=True, description="Pack size or unit.")
    pricing = graphene.Field(VariantPricingInfo, required=True)
    quantity_available = graphene.Int(required=True)
    weight = graphene.Field(Weight, required=True)
    product = graphene.Field(lambda: Product, required=True)

    class Meta:
        interfaces = (relay.Node,)

    @staticmethod
    def resolve_name(root: Any, info: Any) -> str:
        return translated(root, "name", language_of(info))

    @staticmethod
    def resolve_pricing(root: Any, info: Any) -> VariantPricingInfo:
        return VariantPricingInfo(price=Money.from_amount(root.price_amount, root.currency))

    @staticmethod
    def resolve_quantity_available(root: Any, info: Any) -> int:
        return int(root.quantity_available)

    @staticmethod
    def resolve_weight(root: Any, info: Any) -> Weight:
        return Weight(value=float(root.weight_grams), unit="g")

    @staticmethod
    def resolve_product(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "product", loaders.ProductByIdLoader)


class ProductMedia(graphene.ObjectType):
    url = graphene.String(required=True, description="The original image.")
    alt = graphene.String(required=True)
    width = graphene.Int(required=True)
    height = graphene.Int(required=True)
    thumbnail = graphene.String(
        size=graphene.Int(default_value=256, description="Longest side in pixels."),
        description="URL of the smallest generated thumbnail at least `size` pixels (the "
        "largest one, or the original, when none is that big).",
    )

    class Meta:
        interfaces = (relay.Node,)

    @staticmethod
    def resolve_url(root: Any, info: Any) -> str | None:
        return _absolute(info, root.image.url if root.image else None)

    @staticmethod
    def resolve_alt(root: Any, info: Any) -> str:
        return translated(root, "alt", language_of(info))

    @staticmethod
    def resolve_thumbnail(root: Any, info: Any, size: int = 256) -> Any:
        def pick(thumbnails: list[Any]) -> str | None:
            fitting = [t for t in thumbnails if t.size >= size]
            chosen = fitting[0] if fitting else (thumbnails[-1] if thumbnails else None)
            image = chosen.image if chosen is not None else root.image
            return _absolute(info, image.url if image else None)

        return then(get_loader(info, loaders.ThumbnailsByMediaIdLoader).load(root.pk), pick)


class ProductPricingInfo(graphene.ObjectType):
    price_range = graphene.Field(MoneyRange)


class Origin(graphene.ObjectType):
    province = graphene.Field(Province, required=True)
    commune = graphene.Field(Commune)
    craft_village = graphene.Field(CraftVillage)

    @staticmethod
    def resolve_province(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "province", loaders.ProvinceByIdLoader)

    @staticmethod
    def resolve_commune(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "commune", loaders.CommuneByIdLoader)

    @staticmethod
    def resolve_craft_village(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "craft_village", loaders.CraftVillageByIdLoader)


def _certificate(info: Any, product: Any) -> Any:
    return loaders.load_related(info, product, "current_certificate", loaders.CertificateByIdLoader)


def _with_certificate(info: Any, product: Any, fn: Any) -> Any:
    certificate = _certificate(info, product)
    if isinstance(certificate, SyncFuture):
        return then(certificate, fn)
    return fn(certificate)


def _trace_url(info: Any, product: Any, url_for: Any) -> Any:
    return then(
        get_loader(info, loaders.NewestBatchByProductIdLoader).load(product.pk),
        lambda batch: url_for(batch.code) if batch else None,
    )


class Product(graphene.ObjectType):
    name = graphene.String(required=True)
    description = graphene.String(required=True, description="The product's story.")
    slug = graphene.String(required=True)
    stars = graphene.Int(description="OCOP stars, only while a verified certificate is in force.")
    potential_five_star = graphene.Boolean(required=True)
    certificate = graphene.Field(OcopCertificate, description="The current OCOP certificate.")
    category = graphene.Field(Category, required=True, description="The OCOP product set.")
    producer = graphene.Field(Producer, required=True)
    origin = graphene.Field(Origin, required=True)
    hs_code = graphene.String(required=True)
    storage_class = graphene.Field(StorageClassEnum, required=True)
    shelf_life_days = graphene.Int()
    variants = graphene.List(graphene.NonNull(ProductVariant), required=True)
    pricing = graphene.Field(ProductPricingInfo, required=True)
    media = graphene.List(graphene.NonNull(ProductMedia), required=True)
    traceability_url = graphene.String(description="Public page of the newest batch.")
    qr_code_url = graphene.String(description="QR code (SVG) of the newest batch's page.")
    moderation_status = graphene.Field(
        ModerationStatusEnum, description="Staff and the producer's members only."
    )
    market_compliance = product_market_compliance_field()
    created = graphene.DateTime(required=True)
    updated = graphene.DateTime(required=True)

    class Meta:
        interfaces = (relay.Node,)
        description = "An OCOP product."

    @staticmethod
    def resolve_name(root: Any, info: Any) -> str:
        return translated(root, "name", language_of(info))

    @staticmethod
    def resolve_description(root: Any, info: Any) -> str:
        return translated(root, "description", language_of(info))

    @staticmethod
    def resolve_slug(root: Any, info: Any) -> str:
        if language_of(info) == "en" and root.slug_en:
            return str(root.slug_en)
        return str(root.slug)

    @staticmethod
    def resolve_stars(root: Any, info: Any) -> Any:
        return _with_certificate(info, root, lambda c: selectors.product_stars(root, c))

    @staticmethod
    def resolve_potential_five_star(root: Any, info: Any) -> Any:
        return _with_certificate(
            info, root, lambda c: selectors.product_potential_five_star(root, c)
        )

    @staticmethod
    def resolve_certificate(root: Any, info: Any) -> Any:
        return _certificate(info, root)

    @staticmethod
    def resolve_category(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "category", loaders.CategoryByIdLoader)

    @staticmethod
    def resolve_producer(root: Any, info: Any) -> Any:
        return loaders.load_related(info, root, "producer", loaders.ProducerByIdLoader)

    @staticmethod
    def resolve_origin(root: Any, info: Any) -> Any:
        return root

    @staticmethod
    def resolve_variants(root: Any, info: Any) -> Any:
        return get_loader(info, loaders.VariantsByProductIdLoader).load(root.pk)

    @staticmethod
    def resolve_media(root: Any, info: Any) -> Any:
        return get_loader(info, loaders.MediaByProductIdLoader).load(root.pk)

    @staticmethod
    def resolve_pricing(root: Any, info: Any) -> ProductPricingInfo:
        if root.price_min is None:
            return ProductPricingInfo(price_range=None)
        return ProductPricingInfo(
            price_range=MoneyRange(
                start=Money.from_amount(root.price_min),
                stop=Money.from_amount(
                    root.price_max if root.price_max is not None else root.price_min
                ),
            )
        )

    @staticmethod
    def resolve_traceability_url(root: Any, info: Any) -> Any:
        return _trace_url(info, root, trace_selectors.trace_url)

    @staticmethod
    def resolve_qr_code_url(root: Any, info: Any) -> Any:
        return _trace_url(info, root, trace_selectors.trace_qr_url)

    @staticmethod
    def resolve_market_compliance(root: Any, info: Any, market: str | None = None) -> Any:
        # All stored verdicts in one batch; the market code checked once per request.
        verdicts = resolve_product_market_compliance(root, info)
        if not market:
            return verdicts
        code = get_loader(info, loaders.MarketCodeLoader).load(market.strip().upper())
        return then(
            gather([code, verdicts]),
            lambda pair: [v for v in pair[1] if v.market.code == pair[0]],
        )

    @staticmethod
    def resolve_moderation_status(root: Any, info: Any) -> Any:
        if can_see_private_producer_data(current_user(info), root.producer_id):
            return root.moderation_status
        return None

    @staticmethod
    def resolve_created(root: Any, info: Any) -> Any:
        return root.created_at

    @staticmethod
    def resolve_updated(root: Any, info: Any) -> Any:
        return root.updated_at


class ProductCountableConnection(CountableConnection):
    class Meta:
        node = Product


class Batch(graphene.ObjectType):
    code = graphene.String(required=True, description="Lot code, printed on the pack.")
    production_date = graphene.Date(required=True)
    expiry_date = graphene.Date()
    quantity = graphene.Int(required=True)
    notes = graphene.String(required=True)
    product = graphene.Field(Product, required=True)
    variant = graphene.Field(ProductVariant)
    traceability_url = graphene.String(required=True)
    qr_code_url = graphene.String(required=True)

    class Meta:
        interfaces = (relay.Node,)
        description = "A traceable production batch (lot)."

    @staticmethod
    def resolve_notes(root: Any, info: Any) -> str:
        return translated(root, "notes", language_of(info))

    @staticmethod
    def resolve_traceability_url(root: Any, info: Any) -> Any:
        return trace_selectors.trace_url(root.code)

    @staticmethod
    def resolve_qr_code_url(root: Any, info: Any) -> Any:
        return trace_selectors.trace_qr_url(root.code)


# Typical sizes of unpaginated lists, for the query-cost limit.
set_list_size_hint("Product", "variants", 10)
set_list_size_hint("Product", "media", 10)
set_list_size_hint("Category", "children", 10)
set_list_size_hint("Province", "formerNames", 5)
