"""factory_boy factories shared by the whole suite.

Reference data (provinces, communes, the OCOP taxonomy) is loaded by migrations, so factories
look it up instead of inventing it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from backend.accounts.models import User
from backend.catalogue.models import Category, ModerationStatus, Product, ProductVariant
from backend.certification.models import (
    CertificateKind,
    CertificateStatus,
    DocumentKind,
    OcopCertificate,
    ProducerDocument,
)
from backend.places.models import Commune, CraftVillage, Province
from backend.producers.models import Producer, ProducerKind, ProducerMember, VerificationStatus
from backend.traceability.models import Batch


def province(code: str = "01") -> Province:
    return Province.objects.get(code=code)


def product_set(code: str = "I-3d") -> Category:
    return Category.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")


class CraftVillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CraftVillage

    name = factory.Sequence(lambda n: f"Làng nghề {n}")
    slug = factory.Sequence(lambda n: f"lang-nghe-{n}")
    province = factory.LazyFunction(province)
    commune = factory.LazyAttribute(lambda o: Commune.objects.filter(province=o.province).first())
    folded_name = factory.LazyAttribute(lambda o: o.name.lower())


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    kind = ProducerKind.COOPERATIVE
    name = factory.Sequence(lambda n: f"HTX Sản xuất {n}")
    slug = factory.Sequence(lambda n: f"htx-san-xuat-{n}")
    province = factory.LazyFunction(province)
    verification_status = VerificationStatus.VERIFIED


class ProducerMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProducerMember

    user = factory.SubFactory(UserFactory)
    producer = factory.SubFactory(ProducerFactory)
    role = "OWNER"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    category = factory.LazyFunction(product_set)
    name_vi = factory.Sequence(lambda n: f"Sản phẩm {n}")
    name_en = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"san-pham-{n}")
    slug_en = factory.Sequence(lambda n: f"product-{n}")
    description_vi = "Câu chuyện sản phẩm."
    description_en = "The product's story."
    province = factory.LazyAttribute(lambda o: o.producer.province)
    moderation_status = ModerationStatus.APPROVED
    hs_code = "1604"


class ProductVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    name_vi = "hộp 500g"
    name_en = "500 g box"
    price_amount = Decimal("150000")
    weight_grams = 600
    quantity = 20

    @factory.post_generation
    def refresh_price_range(obj, create, extracted, **kwargs):
        if create:
            from backend.catalogue.services import product_update_price_range

            product_update_price_range(product=obj.product)


class OcopCertificateFactory(factory.django.DjangoModelFactory):
    """A verified certificate, in force today unless `decision_date` says otherwise."""

    class Meta:
        model = OcopCertificate
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    number = factory.Sequence(lambda n: f"OCOP-{n:05d}")
    decision_number = factory.Sequence(lambda n: f"{1000 + n}/QĐ-UBND")
    issuing_authority = "UBND Thành phố Hà Nội"
    decision_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))
    expires_on = factory.LazyAttribute(lambda o: o.decision_date + relativedelta(months=36))
    stars = 4
    potential_five_star = False
    criteria_version = "148/2023"
    kind = CertificateKind.NEW
    status = CertificateStatus.VERIFIED

    @factory.post_generation
    def make_current(obj, create, extracted, **kwargs):
        """Point the product at this certificate when it is verified (pass make_current=False
        to skip)."""
        if create and extracted is not False and obj.status == CertificateStatus.VERIFIED:
            Product.objects.filter(pk=obj.product_id).update(current_certificate=obj)
            obj.product.current_certificate = obj


class ProducerDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProducerDocument

    producer = factory.SubFactory(ProducerFactory)
    kind = DocumentKind.HACCP
    number = factory.Sequence(lambda n: f"DOC-{n:05d}")
    issuer = "Bureau Veritas"
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=700))
    is_verified = True


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch

    product = factory.SubFactory(ProductFactory)
    code = factory.Sequence(lambda n: f"lot-2026-{n:05d}")
    production_date = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=10)
    )
    expiry_date = factory.LazyAttribute(lambda o: o.production_date + datetime.timedelta(days=365))
    quantity = 500


__all__ = [
    "BatchFactory",
    "CraftVillageFactory",
    "Decimal",
    "OcopCertificateFactory",
    "ProducerDocumentFactory",
    "ProducerFactory",
    "ProducerMemberFactory",
    "ProductFactory",
    "ProductVariantFactory",
    "UserFactory",
    "product_set",
    "province",
]
