"""Fixtures of the producer workspace tests: two producers with members, a shopper, an export
partner and staff; GraphQL calls as JSON or as multipart uploads."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image

from backend.accounts.tokens import create_access_token
from tests.factories import (
    ProducerFactory,
    ProducerMemberFactory,
    ProductFactory,
    ProductVariantFactory,
    UserFactory,
)
from tests.graphql.conftest import gql  # noqa: F401
from tests.graphql_helpers import API_URL, GraphQLResult


@dataclass
class World:
    producer_a: Any
    producer_b: Any
    owner_a: Any
    staff_member_a: Any
    owner_b: Any
    shopper: Any
    partner: Any
    staff: Any
    product_a: Any
    variant_a: Any
    product_b: Any
    variant_b: Any

    def user(self, role: str) -> Any:
        return {
            "anonymous": None,
            "shopper": self.shopper,
            "member_a": self.owner_a,
            "member_b": self.owner_b,
            "export_partner": self.partner,
            "staff": self.staff,
        }[role]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash passwords; the slow default hasher would dominate these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Import jobs and the digest's sent-marks live in the cache: none from another test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    producer_a, producer_b = ProducerFactory(name="HTX A"), ProducerFactory(name="HTX B")
    product_a = ProductFactory(producer=producer_a, name_vi="Chè A")
    product_b = ProductFactory(producer=producer_b, name_vi="Nón B")
    return World(
        producer_a=producer_a,
        producer_b=producer_b,
        owner_a=ProducerMemberFactory(producer=producer_a, role="OWNER").user,
        staff_member_a=ProducerMemberFactory(producer=producer_a, role="STAFF").user,
        owner_b=ProducerMemberFactory(producer=producer_b, role="OWNER").user,
        shopper=UserFactory(),
        partner=UserFactory(is_export_partner=True),
        staff=UserFactory(is_staff=True),
        product_a=product_a,
        variant_a=ProductVariantFactory(product=product_a, sku="A-1"),
        product_b=product_b,
        variant_b=ProductVariantFactory(product=product_b, sku="B-1"),
    )


def png_bytes(size: tuple[int, int] = (64, 48), color: str = "green") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def upload(client):
    """`upload(query, variables, files={"input.image": (name, bytes)}, user=...)`: a GraphQL
    multipart request (the files' variables are set to null in `operations`, as the spec says)."""

    def run(
        query: str,
        variables: dict[str, Any],
        files: dict[str, tuple[str, bytes]],
        user: Any = None,
    ) -> GraphQLResult:
        from django.core.files.uploadedfile import SimpleUploadedFile

        mapping: dict[str, list[str]] = {}
        data: dict[str, Any] = {}
        for i, (path, (name, content)) in enumerate(files.items()):
            target = variables
            parts = path.split(".")
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = None
            mapping[str(i)] = [f"variables.{path}"]
            data[str(i)] = SimpleUploadedFile(name, content)
        data["operations"] = json.dumps({"query": query, "variables": variables})
        data["map"] = json.dumps(mapping)
        headers = {}
        if user is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {create_access_token(user)}"
        response = client.post(API_URL, data=data, **headers)
        content = response.json()
        return GraphQLResult(
            status_code=response.status_code,
            content=content,
            data=content.get("data"),
            errors=content.get("errors") or [],
        )

    return run
