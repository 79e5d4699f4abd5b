"""GraphQL filter and sort inputs of the catalogue, turned into selector arguments."""

from __future__ import annotations

import base64
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import graphene
from graphql_relay import from_global_id

from backend.catalogue import selectors
from backend.core.errors import FieldError, ServiceError
from backend.graphql.core.mutations import CommonErrorCode, decode_global_id
from backend.graphql.core.types import OrderDirection, PriceRangeInput
from backend.graphql.markets.types import ComplianceVerdictEnum
from backend.places import selectors as place_selectors
from backend.places.models import Commune, CraftVillage
from backend.producers.models import Producer


class ProductFilterInput(graphene.InputObjectType):
    ids = graphene.List(graphene.NonNull(graphene.ID), description="Product IDs.")
    categories = graphene.List(
        graphene.NonNull(graphene.String),
        description="Category IDs or codes ('I', 'I-3d'); a group matches all its sets.",
    )
    stars = graphene.List(graphene.NonNull(graphene.Int), description="3, 4 or 5 (in force).")
    potential_five_star = graphene.Boolean()
    provinces = graphene.List(
        graphene.NonNull(graphene.String),
        description="Province IDs, codes ('24') or names, former names included ('Bắc Giang').",
    )
    communes = graphene.List(graphene.NonNull(graphene.ID), description="IDs or 5-digit codes.")
    craft_villages = graphene.List(graphene.NonNull(graphene.ID), description="IDs or slugs.")
    producers = graphene.List(graphene.NonNull(graphene.ID), description="IDs or slugs.")
    price = graphene.Field(PriceRangeInput, description="Variant price in VND.")
    certificate_valid = graphene.Boolean(description="Has an OCOP certificate in force today.")
    in_stock = graphene.Boolean()
    search = graphene.String(description="A simple match on the name.")
    market = graphene.String(description="Market code, e.g. EU: products allowed there.")
    compliance = graphene.List(
        graphene.NonNull(ComplianceVerdictEnum),
        description="Verdicts for `market` (default: ELIGIBLE, ELIGIBLE_WITH_DOCUMENTS).",
    )


class ProductOrderField(graphene.Enum):
    NAME = "name"
    PRICE = "price"
    STARS = "stars"
    NEWEST = "newest"


class ProductOrder(graphene.InputObjectType):
    field = ProductOrderField(required=True)
    direction = OrderDirection(required=True)


def _invalid(message: str, field: str) -> FieldError:
    return FieldError(CommonErrorCode.INVALID, message, field)


def _price(value: Any, field: str, errors: list[FieldError]) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        errors.append(_invalid("Not a number.", field))
        return None
    if amount < 0 or not amount.is_finite():
        errors.append(_invalid("A price cannot be negative.", field))
        return None
    return amount


def _ids(values: Any, type_name: str, field: str) -> list[int] | None:
    if values is None:
        return None
    return [decode_global_id(value, type_name, field) for value in values]


_GLOBAL_ID = re.compile(r"^[A-Z][A-Za-z]*:\d+$")


def _refs(
    values: Any, type_name: str, field: str, model: Any, key_field: str, what: str
) -> list[int] | None:
    """IDs of `type_name` or natural keys (a commune code, a slug) -> primary keys.

    The ID of another type is INVALID, an unknown key is INVALID."""
    if values is None:
        return None
    pks: list[int] = []
    keys: list[str] = []
    for value in values:
        text = str(value).strip()
        try:
            decoded = base64.b64decode(text, validate=True).decode()
        except Exception:
            decoded = ""
        if _GLOBAL_ID.match(decoded):
            pks.append(decode_global_id(text, type_name, field))
        else:
            keys.append(text)
    if keys:
        found = dict(
            model.objects.filter(**{f"{key_field}__in": keys}).values_list(key_field, "pk")
        )
        missing = [k for k in keys if k not in found]
        if missing:
            raise ServiceError.single(
                CommonErrorCode.INVALID,
                f"Unknown {what}: {', '.join(missing)[:200]}. Use an ID or a {key_field}.",
                field,
            )
        pks.extend(found[k] for k in keys)
    return pks


def _global_pk(value: str, type_name: str) -> int | None:
    """The pk when `value` is a global ID of `type_name`, else None (a code or a name)."""
    try:
        found_type, raw = from_global_id(value.strip())
        return int(raw) if found_type == type_name else None
    except Exception:
        return None


def _category_ids(values: list[str]) -> list[int]:
    ids: list[int] = []
    codes: list[str] = []
    for value in values:
        pk = _global_pk(value, "Category")
        if pk is None:
            codes.append(value.strip())
        else:
            ids.append(pk)
    if codes:
        found = selectors.category_ids_by_codes(codes)
        missing = [c for c in codes if c not in found]
        if missing:
            raise ServiceError.single(
                CommonErrorCode.INVALID,
                f"Unknown category: {', '.join(missing)[:200]}. Use a category ID or code.",
                "filter.categories",
            )
        ids.extend(found.values())
    return ids


def province_ids_from_input(values: list[str], field: str = "filter.provinces") -> list[int]:
    """Province IDs, codes or names (former names too) -> province ids; INVALID if unknown."""
    ids: list[int] = []
    names: list[str] = []
    for value in values:
        pk = _global_pk(value, "Province")
        if pk is None:
            names.append(value)
        else:
            ids.append(pk)
    found, unknown = place_selectors.province_ids_matching(names)
    if unknown:
        raise ServiceError.single(
            CommonErrorCode.INVALID,
            f"Unknown province: {', '.join(unknown)[:200]}. Use a code, a name or a former name.",
            field,
        )
    return ids + found


def product_filter_from_input(data: Any) -> selectors.ProductFilter:
    """Validate a ProductFilterInput. Raises ServiceError with every problem found."""
    spec = selectors.ProductFilter()
    if not data:
        return spec
    errors: list[FieldError] = []
    spec.product_ids = _ids(data.get("ids"), "Product", "filter.ids")
    if data.get("categories") is not None:
        spec.category_ids = _category_ids(data["categories"])
    stars = data.get("stars")
    if stars is not None:
        bad = [s for s in stars if s not in (3, 4, 5)]
        if bad:
            errors.append(_invalid("Stars are 3, 4 or 5.", "filter.stars"))
        spec.stars = list(stars)
    spec.potential_five_star = data.get("potential_five_star")
    if data.get("provinces") is not None:
        spec.province_ids = province_ids_from_input(data["provinces"])
    spec.commune_ids = _refs(
        data.get("communes"), "Commune", "filter.communes", Commune, "code", "commune"
    )
    spec.craft_village_ids = _refs(
        data.get("craft_villages"),
        "CraftVillage",
        "filter.craftVillages",
        CraftVillage,
        "slug",
        "craft village",
    )
    spec.producer_ids = _refs(
        data.get("producers"), "Producer", "filter.producers", Producer, "slug", "producer"
    )
    price = data.get("price")
    if price:
        spec.price_gte = _price(price.get("gte"), "filter.price.gte", errors)
        spec.price_lte = _price(price.get("lte"), "filter.price.lte", errors)
        if (
            spec.price_gte is not None
            and spec.price_lte is not None
            and spec.price_gte > spec.price_lte
        ):
            errors.append(
                _invalid("The lowest price (gte) is above the highest (lte).", "filter.price")
            )
    spec.certificate_valid = data.get("certificate_valid")
    spec.in_stock = data.get("in_stock")
    search = data.get("search")
    spec.search = search.strip() if search and search.strip() else None
    if errors:
        raise ServiceError(errors)
    return spec
