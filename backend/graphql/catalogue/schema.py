"""Catalogue queries: products, categories, places, producers, traceability batches."""

from __future__ import annotations

from typing import Any

import graphene

from backend.catalogue import selectors
from backend.core.errors import ServiceError
from backend.graphql.core.connection import ConnectionField, connection_from_queryset
from backend.graphql.core.mutations import (
    CommonErrorCode,
    current_user,
    decode_global_id,
)
from backend.graphql.core.types import LanguageCodeEnum, language_of, remember_language
from backend.graphql.markets.filters import filter_products_by_market
from backend.places import selectors as place_selectors
from backend.producers import selectors as producer_selectors
from backend.traceability import selectors as trace_selectors

from .filters import (
    ProductFilterInput,
    ProductOrder,
    product_filter_from_input,
    province_ids_from_input,
)
from .types import (
    Batch,
    Category,
    CategoryCountableConnection,
    CraftVillageCountableConnection,
    Producer,
    ProducerCountableConnection,
    ProducerKindEnum,
    Product,
    ProductCountableConnection,
    ProvinceCountableConnection,
)

LANGUAGE_ARG = {
    "language_code": graphene.Argument(
        LanguageCodeEnum, description="Language of names, descriptions and slugs (default VI)."
    )
}


def _one_of(**values: Any) -> None:
    given = [name for name, value in values.items() if value not in (None, "")]
    if len(given) != 1:
        names = ", ".join(values)
        raise ServiceError.single(
            CommonErrorCode.GRAPHQL_ERROR, f"Give exactly one of: {names}.", None
        )


class ProducerFilterInput(graphene.InputObjectType):
    provinces = graphene.List(
        graphene.NonNull(graphene.String), description="Province codes or names (former too)."
    )
    kinds = graphene.List(graphene.NonNull(ProducerKindEnum))
    search = graphene.String()


class CatalogueQueries(graphene.ObjectType):
    products = ConnectionField(
        ProductCountableConnection,
        filter=ProductFilterInput(),
        sort_by=ProductOrder(),
        description="Public products (staff see every product).",
        **LANGUAGE_ARG,
    )
    product = graphene.Field(
        Product,
        id=graphene.ID(),
        slug=graphene.String(),
        slug_en=graphene.String(),
        description="One product by ID, Vietnamese slug or English slug.",
        **LANGUAGE_ARG,
    )
    categories = ConnectionField(
        CategoryCountableConnection,
        level=graphene.Int(description="0: groups, 1: product sets."),
        parent=graphene.ID(description="Sets of this group."),
        **LANGUAGE_ARG,
    )
    category = graphene.Field(
        Category,
        id=graphene.ID(),
        slug=graphene.String(),
        code=graphene.String(),
        **LANGUAGE_ARG,
    )
    provinces = ConnectionField(
        ProvinceCountableConnection,
        search=graphene.String(description="Current or former name, diacritics optional."),
    )
    craft_villages = ConnectionField(
        CraftVillageCountableConnection,
        provinces=graphene.List(graphene.NonNull(graphene.String)),
        search=graphene.String(),
        **LANGUAGE_ARG,
    )
    producers = ConnectionField(
        ProducerCountableConnection, filter=ProducerFilterInput(), **LANGUAGE_ARG
    )
    producer = graphene.Field(Producer, id=graphene.ID(), slug=graphene.String(), **LANGUAGE_ARG)
    traceability_batch = graphene.Field(Batch, code=graphene.String(required=True), **LANGUAGE_ARG)

    @staticmethod
    def resolve_products(
        root: Any,
        info: Any,
        filter: Any = None,
        sort_by: Any = None,
        language_code: Any = None,
        **kwargs: Any,
    ) -> Any:
        remember_language(info, language_code)
        spec = product_filter_from_input(filter)
        queryset = selectors.filter_products(
            selectors.visible_products(user=current_user(info)), spec
        )
        if filter:
            queryset = filter_products_by_market(
                queryset, filter.get("market"), filter.get("compliance")
            )
        field, descending = "name", False
        if sort_by:
            field = str(getattr(sort_by.field, "value", sort_by.field))
            descending = str(getattr(sort_by.direction, "value", sort_by.direction)) == "desc"
        queryset = selectors.sort_products(queryset, field, descending, language_of(info))
        return connection_from_queryset(
            queryset, kwargs, ProductCountableConnection, fetch=selectors.products_page
        )

    @staticmethod
    def resolve_product(
        root: Any,
        info: Any,
        id: str | None = None,
        slug: str | None = None,
        slug_en: str | None = None,
        language_code: Any = None,
    ) -> Any:
        remember_language(info, language_code)
        _one_of(id=id, slug=slug, slug_en=slug_en)
        pk = decode_global_id(id, "Product", "id") if id else None
        queryset = selectors.with_list_relations(
            selectors.visible_products(user=current_user(info))
        )
        return selectors.product_by(queryset=queryset, pk=pk, slug=slug, slug_en=slug_en)

    @staticmethod
    def resolve_categories(
        root: Any,
        info: Any,
        level: int | None = None,
        parent: str | None = None,
        language_code: Any = None,
        **kwargs: Any,
    ) -> Any:
        remember_language(info, language_code)
        parent_id = decode_global_id(parent, "Category", "parent") if parent else None
        queryset = selectors.categories(level=level, parent_id=parent_id)
        return connection_from_queryset(queryset, kwargs, CategoryCountableConnection)

    @staticmethod
    def resolve_category(
        root: Any,
        info: Any,
        id: str | None = None,
        slug: str | None = None,
        code: str | None = None,
        language_code: Any = None,
    ) -> Any:
        remember_language(info, language_code)
        _one_of(id=id, slug=slug, code=code)
        pk = decode_global_id(id, "Category", "id") if id else None
        return selectors.category_by(pk=pk, slug=slug, code=code)

    @staticmethod
    def resolve_provinces(root: Any, info: Any, search: str | None = None, **kwargs: Any) -> Any:
        queryset = place_selectors.provinces(search=search)
        return connection_from_queryset(queryset, kwargs, ProvinceCountableConnection)

    @staticmethod
    def resolve_craft_villages(
        root: Any,
        info: Any,
        provinces: list[str] | None = None,
        search: str | None = None,
        language_code: Any = None,
        **kwargs: Any,
    ) -> Any:
        remember_language(info, language_code)
        province_ids = _province_ids(provinces)
        queryset = place_selectors.craft_villages(province_ids=province_ids, search=search)
        return connection_from_queryset(queryset, kwargs, CraftVillageCountableConnection)

    @staticmethod
    def resolve_producers(
        root: Any, info: Any, filter: Any = None, language_code: Any = None, **kwargs: Any
    ) -> Any:
        remember_language(info, language_code)
        filter = filter or {}
        kinds = filter.get("kinds")
        queryset = producer_selectors.filter_producers(
            producer_selectors.visible_producers(user=current_user(info)),
            province_ids=_province_ids(filter.get("provinces"), "filter.provinces"),
            kinds=[str(getattr(k, "value", k)) for k in kinds] if kinds is not None else None,
            search=filter.get("search"),
        )
        return connection_from_queryset(queryset, kwargs, ProducerCountableConnection)

    @staticmethod
    def resolve_producer(
        root: Any,
        info: Any,
        id: str | None = None,
        slug: str | None = None,
        language_code: Any = None,
    ) -> Any:
        remember_language(info, language_code)
        _one_of(id=id, slug=slug)
        queryset = producer_selectors.visible_producers(user=current_user(info))
        if id:
            return queryset.filter(pk=decode_global_id(id, "Producer", "id")).first()
        return queryset.filter(slug=slug).first()

    @staticmethod
    def resolve_traceability_batch(
        root: Any, info: Any, code: str, language_code: Any = None
    ) -> Any:
        remember_language(info, language_code)
        return trace_selectors.batch_by_code(
            code=code, products=selectors.visible_products(user=current_user(info))
        )


def _province_ids(values: list[str] | None, field: str = "provinces") -> list[int] | None:
    return None if values is None else province_ids_from_input(values, field)


class CatalogueMutations(graphene.ObjectType):
    pass
