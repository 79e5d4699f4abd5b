"""Error codes of catalogue services (products, variants, stock, media)."""

from __future__ import annotations

import enum


class CatalogueErrorCode(enum.Enum):
    REQUIRED = "required"
    INVALID = "invalid"
    TOO_LONG = "too_long"
    DUPLICATED_SLUG = "duplicated_slug"
    DUPLICATED_SKU = "duplicated_sku"
    CATEGORY_NOT_PRODUCT_SET = "category_not_product_set"
    COMMUNE_NOT_IN_PROVINCE = "commune_not_in_province"
    CRAFT_VILLAGE_NOT_IN_PROVINCE = "craft_village_not_in_province"
    INVALID_ABV = "invalid_abv"
    NEGATIVE_PRICE = "negative_price"
    INVALID_WEIGHT = "invalid_weight"
    INVALID_DIMENSION = "invalid_dimension"
    NEGATIVE_QUANTITY = "negative_quantity"
    BELOW_ALLOCATED = "below_allocated"
    INVALID_STATUS = "invalid_status"
    VARIANT_ALLOCATED = "variant_allocated"
    INVALID_IMAGE = "invalid_image"
    UNSUPPORTED_IMAGE_TYPE = "unsupported_image_type"
    IMAGE_TOO_LARGE = "image_too_large"
    IMAGE_DIMENSIONS_TOO_LARGE = "image_dimensions_too_large"
