"""The OCOP catalogue: taxonomy, products, variants and media."""

from __future__ import annotations

from django.db import models

from backend.core.models import TimeStampedModel


class CriteriaVersion(models.TextChoices):
    V1048_2019 = "1048/2019", "QĐ 1048/QĐ-TTg (2019)"
    V148_2023 = "148/2023", "QĐ 148/QĐ-TTg (2023)"
    V1489_2025 = "1489/2025", "QĐ 1489 (2025)"
    V26_2026 = "26/2026", "QĐ 26 (2026)"


class Category(models.Model):
    """The OCOP taxonomy: six groups (level 0) and their 26 product sets (level 1)."""

    class Level(models.IntegerChoices):
        GROUP = 0, "Group"
        PRODUCT_SET = 1, "Product set"

    code = models.CharField(
        max_length=8, unique=True, help_text="'I' for a group, 'I-3d' for a set"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    criteria_version = models.CharField(
        max_length=12, choices=CriteriaVersion.choices, default=CriteriaVersion.V148_2023
    )
    is_shippable = models.BooleanField(
        default=True, help_text="False for services (group VI), which never ship."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"


class StorageClass(models.TextChoices):
    AMBIENT = "AMBIENT", "Ambient"
    CHILLED = "CHILLED", "Chilled"
    FROZEN = "FROZEN", "Frozen"
    FRESH = "FRESH", "Fresh"


class CitesStatus(models.TextChoices):
    NOT_LISTED = "NOT_LISTED", "Not listed"
    APPENDIX_I = "APPENDIX_I", "CITES Appendix I"
    APPENDIX_II = "APPENDIX_II", "CITES Appendix II"
    APPENDIX_III = "APPENDIX_III", "CITES Appendix III"


class ModerationStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    PENDING_REVIEW = "PENDING_REVIEW", "Waiting for review"
    APPROVED = "APPROVED", "Approved"
    REJECTED = "REJECTED", "Rejected"
    ARCHIVED = "ARCHIVED", "Archived"


class Product(TimeStampedModel):
    producer = models.ForeignKey(
        "producers.Producer", on_delete=models.PROTECT, related_name="products"
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="products",
        limit_choices_to={"level": Category.Level.PRODUCT_SET},
        help_text="The OCOP product set.",
    )
    name_vi = models.CharField(max_length=250)
    name_en = models.CharField(max_length=250, blank=True)
    slug = models.SlugField(max_length=250, unique=True)
    slug_en = models.SlugField(max_length=250, unique=True, null=True, blank=True)
    description_vi = models.TextField(blank=True, help_text="The product's story, in Vietnamese.")
    description_en = models.TextField(blank=True)

    # Origin
    province = models.ForeignKey("places.Province", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(
        "places.Commune", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    craft_village = models.ForeignKey(
        "places.CraftVillage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="products",
    )

    # Facts that decide export and shipping.
    hs_code = models.CharField(max_length=12, blank=True)
    storage_class = models.CharField(
        max_length=8, choices=StorageClass.choices, default=StorageClass.AMBIENT
    )
    shelf_life_days = models.PositiveIntegerField(null=True, blank=True)
    contains_alcohol = models.BooleanField(default=False)
    abv_percent = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    contains_pork = models.BooleanField(default=False)
    contains_meat = models.BooleanField(default=False)
    contains_seafood = models.BooleanField(default=False)
    contains_dairy = models.BooleanField(default=False)
    is_fresh_produce = models.BooleanField(default=False)
    fresh_produce_species = models.CharField(max_length=100, blank=True)
    is_raw_fermented = models.BooleanField(default=False)
    contains_birds_nest = models.BooleanField(default=False)
    is_liquid = models.BooleanField(default=False)
    is_dangerous_goods = models.BooleanField(default=False)
    wood_species = models.CharField(max_length=100, blank=True)
    cites_status = models.CharField(
        max_length=12, choices=CitesStatus.choices, default=CitesStatus.NOT_LISTED
    )
    is_food_contact = models.BooleanField(default=False)
    is_supplement = models.BooleanField(default=False)
    has_health_claim = models.BooleanField(default=False)
    is_fragile = models.BooleanField(default=False)

    # Moderation and the current OCOP certificate (the star badge reads from it).
    moderation_status = models.CharField(
        max_length=16, choices=ModerationStatus.choices, default=ModerationStatus.PENDING_REVIEW
    )
    moderation_note = models.TextField(blank=True)
    current_certificate = models.ForeignKey(
        "certification.OcopCertificate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The newest verified certificate; stars show only while it is in force.",
    )

    # Derived from the variants by catalogue services, for sorting and range filters.
    price_min = models.DecimalField(max_digits=14, decimal_places=0, null=True, blank=True)
    price_max = models.DecimalField(max_digits=14, decimal_places=0, null=True, blank=True)

    class Meta:
        ordering = ["name_vi", "pk"]
        indexes = [
            models.Index(fields=["moderation_status", "category"]),
            models.Index(fields=["moderation_status", "province"]),
            models.Index(fields=["price_min"]),
            models.Index(fields=["-created_at"]),
            # Pages sorted by name read ids in index order (Meta.ordering and NAME sort).
            models.Index(fields=["name_vi", "id"], name="product_name_vi_id"),
            models.Index(fields=["name_en", "id"], name="product_name_en_id"),
        ]

    def __str__(self) -> str:
        return self.name_vi


class ProductVariant(TimeStampedModel):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64, unique=True)
    name_vi = models.CharField(max_length=150, help_text="Pack size or unit, e.g. 'hộp 500g'")
    name_en = models.CharField(max_length=150, blank=True)
    price_amount = models.DecimalField(max_digits=14, decimal_places=0, help_text="VND")
    currency = models.CharField(max_length=3, default="VND", editable=False)
    weight_grams = models.PositiveIntegerField(help_text="Shipping weight, packed.")
    length_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    width_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    quantity = models.PositiveIntegerField(default=0, help_text="Units on hand.")
    quantity_allocated = models.PositiveIntegerField(
        default=0, help_text="Units reserved by checkouts and unfulfilled orders."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["product_id", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_amount__gte=0), name="variant_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_allocated__lte=models.F("quantity")),
                name="variant_allocation_within_stock",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name_vi}"

    @property
    def quantity_available(self) -> int:
        return max(self.quantity - self.quantity_allocated, 0)


class ProductMedia(TimeStampedModel):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="media")
    image = models.ImageField(upload_to="products/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_vi = models.CharField(max_length=250, blank=True)
    alt_en = models.CharField(max_length=250, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["product_id", "sort_order", "pk"]

    def __str__(self) -> str:
        return self.image.name or ""


class Thumbnail(models.Model):
    """A resized copy of a product image, made when the image is added."""

    media = models.ForeignKey(ProductMedia, on_delete=models.CASCADE, related_name="thumbnails")
    size = models.PositiveSmallIntegerField(help_text="Longest side in pixels.")
    image = models.ImageField(upload_to="thumbnails/%Y/%m/")
    format = models.CharField(max_length=8, default="WEBP")

    class Meta:
        ordering = ["media_id", "size"]
        constraints = [
            models.UniqueConstraint(fields=["media", "size", "format"], name="uniq_thumbnail")
        ]

    def __str__(self) -> str:
        return f"{self.image.name} ({self.size}px)"
