"""DataLoaders of the catalogue: one query per relation per request, whatever the page size."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend.catalogue.models import Category, Product, ProductMedia, ProductVariant, Thumbnail
from backend.certification.models import OcopCertificate
from backend.graphql.core.dataloaders import DataLoader, get_loader, group_by
from backend.places.models import Commune, CraftVillage, Province, ProvinceAlias
from backend.producers.models import Producer
from backend.traceability import selectors as trace_selectors
from backend.traceability.models import Batch


class _ByIdLoader(DataLoader[int, Any]):
    model: Any = None

    def batch_load(self, keys: Sequence[int]) -> list[Any]:
        rows = self.model.objects.in_bulk(list(keys))
        return [rows.get(key) for key in keys]


class CategoryByIdLoader(_ByIdLoader):
    context_key = "category_by_id"
    model = Category


class ProductByIdLoader(_ByIdLoader):
    context_key = "product_by_id"
    model = Product


class ProducerByIdLoader(_ByIdLoader):
    context_key = "producer_by_id"
    model = Producer


class ProvinceByIdLoader(_ByIdLoader):
    context_key = "province_by_id"
    model = Province


class CommuneByIdLoader(_ByIdLoader):
    context_key = "commune_by_id"
    model = Commune


class CraftVillageByIdLoader(_ByIdLoader):
    context_key = "craft_village_by_id"
    model = CraftVillage


class CertificateByIdLoader(_ByIdLoader):
    context_key = "ocop_certificate_by_id"
    model = OcopCertificate


class _ManyLoader(DataLoader[int, list[Any]]):
    def rows(self, keys: Sequence[int]) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    key_attr = ""

    def batch_load(self, keys: Sequence[int]) -> list[list[Any]]:
        groups = group_by(self.rows(keys), lambda row: getattr(row, self.key_attr))
        return [groups.get(key, []) for key in keys]


class VariantsByProductIdLoader(_ManyLoader):
    context_key = "variants_by_product_id"
    key_attr = "product_id"

    def rows(self, keys: Sequence[int]) -> Any:
        return ProductVariant.objects.filter(product_id__in=keys).order_by(
            "product_id", "sort_order", "pk"
        )


class MediaByProductIdLoader(_ManyLoader):
    context_key = "media_by_product_id"
    key_attr = "product_id"

    def rows(self, keys: Sequence[int]) -> Any:
        return ProductMedia.objects.filter(product_id__in=keys).order_by(
            "product_id", "sort_order", "pk"
        )


class ThumbnailsByMediaIdLoader(_ManyLoader):
    context_key = "thumbnails_by_media_id"
    key_attr = "media_id"

    def rows(self, keys: Sequence[int]) -> Any:
        return Thumbnail.objects.filter(media_id__in=keys).order_by("media_id", "size", "pk")


class ChildrenByCategoryIdLoader(_ManyLoader):
    context_key = "children_by_category_id"
    key_attr = "parent_id"

    def rows(self, keys: Sequence[int]) -> Any:
        return Category.objects.filter(parent_id__in=keys).order_by("sort_order", "code")


class AliasesByProvinceIdLoader(_ManyLoader):
    context_key = "aliases_by_province_id"
    key_attr = "province_id"

    def rows(self, keys: Sequence[int]) -> Any:
        return ProvinceAlias.objects.filter(province_id__in=keys).order_by("name", "pk")


class NewestBatchByProductIdLoader(DataLoader[int, Batch | None]):
    context_key = "newest_batch_by_product_id"

    def batch_load(self, keys: Sequence[int]) -> list[Batch | None]:
        newest = trace_selectors.newest_batches(list(keys))
        return [newest.get(key) for key in keys]


def load_related(info: Any, obj: Any, name: str, loader_class: type[DataLoader[Any, Any]]) -> Any:
    """The object behind foreign key `name` of `obj`: taken from `obj` when the query already
    joined it (select_related), else batched through `loader_class`."""
    field = obj._meta.get_field(name)
    if field.is_cached(obj):
        return getattr(obj, name)
    pk = getattr(obj, field.attname)
    if pk is None:
        return None
    return get_loader(info, loader_class).load(pk)


class MarketCodeLoader(DataLoader[str, Any]):
    """A market code checked once per request (the error of an unknown one, otherwise)."""

    context_key = "catalogue_market_code"

    def batch_load(self, keys: Sequence[str]) -> list[Any]:
        from backend.core.errors import ServiceError
        from backend.markets.selectors import market_by_code

        codes: list[Any] = []
        for key in keys:
            try:
                codes.append(market_by_code(key).code)
            except ServiceError as error:
                codes.append(error)
        return codes
