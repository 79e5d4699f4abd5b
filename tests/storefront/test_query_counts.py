"""Database queries per page do not grow with the number of products shown."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    BatchFactory,
    OcopCertificateFactory,
    ProductFactory,
    ProductVariantFactory,
)
from tests.storefront.catalogue import index

pytestmark = pytest.mark.django_db


def add_products(n: int, prefix: str) -> list:
    products = []
    for i in range(n):
        p = ProductFactory(name_vi=f"{prefix} chả cá {i}", name_en=f"{prefix} fish cake {i}")
        ProductVariantFactory(product=p, price_amount=Decimal(100_000 + i))
        ProductVariantFactory(product=p, price_amount=Decimal(200_000 + i), quantity=0)
        OcopCertificateFactory(product=p, stars=5)
        BatchFactory(product=p)
        products.append(p)
    index(*products)
    return products


def count_queries(client, url: str) -> int:
    # Warm the per-process caches (content types, session) with a first request.
    client.get(url)
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/", "/search/?q=cha+ca", "/search/?stars=5&sort=price_asc"])
def test_list_pages_take_the_same_queries_for_3_and_20_products(client, url):
    add_products(3, "A")
    few = count_queries(client, url)
    add_products(17, "B")
    many = count_queries(client, url)
    print(f"{url}: {few} queries")  # reported with -s
    assert few == many
    assert few <= 20


def test_product_page_queries_do_not_grow_with_variants(client):
    product = add_products(1, "C")[0]
    url = f"/p/{product.slug}/"
    few = count_queries(client, url)
    for i in range(8):
        ProductVariantFactory(product=product, price_amount=Decimal(300_000 + i))
        BatchFactory(product=product)
    many = count_queries(client, url)
    assert few == many
    assert few <= 40  # incl. the markets: verdicts, rates, rules, shipping tables (29 on PG)
