"""Suite-wide fixtures. PostgreSQL is used when DATABASE_URL points at it, SQLite otherwise."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/private/"},
        },
    }


@pytest.fixture
def requires_postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test starts with empty rate-limit buckets (backend/core/ratelimit.py); the
    limits stay on, tests of the limits live in tests/hardening."""
    from django.core.cache import caches

    caches["ratelimit"].clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every transactional test restores the migrated reference data (places, taxonomy,
    markets, rules) when it ends. Without this, one plain transactional test flushes that
    data and re-creates content types under new ids, and every later test, transactional or
    not, runs against a database without provinces or with clashing content types."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None:
            if marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
                kwargs = {**marker.kwargs, "serialized_rollback": True}
                item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)
        elif {"transactional_db", "live_server"} & set(item.fixturenames):
            item.fixturenames.append("django_db_serialized_rollback")  # type: ignore[attr-defined]
