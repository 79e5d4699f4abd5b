"""Fixtures of the storefront's page tests."""

from __future__ import annotations

import pytest

from tests.storefront.catalogue import Catalogue, make_catalogue


@pytest.fixture
def catalogue(db) -> Catalogue:
    return make_catalogue()
