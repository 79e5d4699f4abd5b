"""The baseline of the GraphQL-overhead figure: the data of `products(first: 100)` (see
OVERHEAD_QUERY in bench/graphql_bench.py) serialised by a plain Django JSON view with the same
selectors, the same two page queries and one variants query. Mounted only in bench processes
(ROOT_URLCONF = "bench.load.plain"), never in the site."""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from graphql_relay import to_global_id

from backend.catalogue import selectors


def plain_products(request: HttpRequest) -> JsonResponse:
    queryset = selectors.sort_products(selectors.public_products(), "name", False, "vi")
    page = selectors.products_page(queryset, 0, 100)
    prefetch_related_objects(page, "variants")
    nodes: list[dict[str, Any]] = []
    for product in page:
        nodes.append(
            {
                "id": to_global_id("Product", product.pk),
                "name": product.name_vi,
                "slug": product.slug,
                "stars": selectors.product_stars(product),
                "producer": {"name": product.producer.name},
                "variants": [
                    {
                        "sku": variant.sku,
                        "pricing": {
                            "price": {"amount": float(variant.price_amount), "currency": "VND"}
                        },
                        "quantityAvailable": variant.quantity_available,
                    }
                    for variant in product.variants.all()
                ],
            }
        )
    return JsonResponse(
        {
            "data": {
                "products": {
                    "totalCount": queryset.count(),
                    "edges": [{"node": node} for node in nodes],
                }
            }
        }
    )


urlpatterns = [
    path("__bench__/plain-products/", plain_products),
    path("", include("backend.urls")),
]
