"""/healthz and /readyz: liveness never depends on other services; readiness reports each
outage (database, cache, search) with a 503 and the details of what failed."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from django.db.utils import ConnectionHandler
from django.test import Client, override_settings

from backend.core import health
from backend.core.logging import JsonLogFormatter, RequestIdFilter
from tests.search.conftest import elasticsearch_url  # noqa: F401 - the emulator fixture


def closed_port() -> int:
    """A loopback port nothing listens on: connections to it are refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def broken_database(monkeypatch):
    """The readiness check sees a PostgreSQL server on a closed port as its database."""
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "ocop",
                "USER": "ocop",
                "HOST": "127.0.0.1",
                "PORT": str(closed_port()),
                "OPTIONS": {"connect_timeout": 2},
            }
        }
    )
    monkeypatch.setattr(health, "connections", handler)
    yield
    handler.close_all()


BROKEN_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def get(path: str, **headers):
    return Client().get(path, **headers)


@pytest.mark.django_db
def test_ready_when_everything_answers():
    response = get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "search"}
    assert all(c["status"] == "ok" for c in body["checks"].values())
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_database_outage_fails_readiness_but_not_liveness(broken_database):
    response = get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["status"] == "error"
    assert "OperationalError" in checks["database"]["detail"]
    assert checks["cache"]["status"] == "ok"
    # Liveness must not restart pods because PostgreSQL is down.
    live = get("/healthz")
    assert live.status_code == 200
    assert live.json() == {"status": "ok"}


@pytest.mark.django_db
@override_settings(CACHES=BROKEN_CACHE)
def test_cache_outage_reported():
    response = get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"]["status"] == "error"
    assert "ConnectionError" in body["checks"]["cache"]["detail"]
    assert body["checks"]["database"]["status"] == "ok"
    assert get("/healthz").status_code == 200


@pytest.mark.django_db
def test_search_outage_reported(settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    response = get("/readyz")
    assert response.status_code == 503
    search = response.json()["checks"]["search"]
    assert search["status"] == "error"
    assert "ConnectionError" in search["detail"]
    assert response.json()["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
@override_settings(CACHES=BROKEN_CACHE)
def test_every_failure_is_listed(settings, broken_database):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    response = get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert {name for name, c in checks.items() if c["status"] == "error"} == {
        "database",
        "cache",
        "search",
    }


@pytest.mark.django_db
def test_real_redis_cache_is_ready():
    if not redis_available():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
        }
    }
    with override_settings(CACHES=caches):
        response = get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["cache"]["backend"] == "RedisCache"


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["shop.example.vn"])
def test_probes_bypass_https_redirect_and_host_check():
    # Kubernetes probes call the pod IP over plain HTTP.
    assert get("/healthz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert get("/readyz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    # Everything else still gets host validation and the redirect.
    assert get("/admin/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    redirect = get("/admin/login/", HTTP_HOST="shop.example.vn")
    assert redirect.status_code == 301
    assert redirect["Location"].startswith("https://shop.example.vn/")


@pytest.mark.django_db
def test_request_id_is_echoed_and_logged(caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="ocop.request"):
        response = get("/admin/login/", HTTP_X_REQUEST_ID="edge-7f3a9c01")
    assert response["X-Request-ID"] == "edge-7f3a9c01"
    access = [r for r in caplog.records if r.name == "ocop.request"]
    assert len(access) == 1
    line = json.loads(JsonLogFormatter().format(access[0]))
    assert line["request_id"] == "edge-7f3a9c01"
    assert line["path"] == "/admin/login/"
    assert line["status"] == 200
    assert line["level"] == "INFO"
    assert "time" in line


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", [None, "short", "has space in it", "x" * 300, "a\nb-c-d-e-f"])
def test_malformed_or_missing_request_id_is_replaced(incoming):
    headers = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    response = get("/admin/login/", **headers)
    rid = response["X-Request-ID"]
    assert rid != incoming
    assert len(rid) == 32 and all(c in "0123456789abcdef" for c in rid)


@pytest.mark.django_db
def test_error_responses_log_with_request_id(caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        get("/no-such-page-at-all/", HTTP_X_REQUEST_ID="req-404-abcdef")
    warnings = [r for r in caplog.records if r.name == "django.request"]
    assert warnings and warnings[0].request_id == "req-404-abcdef"


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_replica_outage_is_reported_separately(settings, monkeypatch):
    from django.db import connections as real_connections

    broken = ConnectionHandler(
        {
            "default": {"ENGINE": "django.db.backends.dummy"},
            "replica": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "ocop",
                "HOST": "127.0.0.1",
                "PORT": str(closed_port()),
                "OPTIONS": {"connect_timeout": 2},
            },
        }
    )

    class Connections:
        def __getitem__(self, alias):
            return broken[alias] if alias == "replica" else real_connections[alias]

    settings.DATABASES = {**settings.DATABASES, "replica": {}}
    monkeypatch.setattr(health, "connections", Connections())
    response = get("/readyz")
    broken.close_all()
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["status"] == "ok"
    assert checks["database:replica"]["status"] == "error"


@pytest.mark.django_db
@pytest.mark.elasticsearch
def test_search_ready_when_elasticsearch_answers(settings, elasticsearch_url):  # noqa: F811
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = elasticsearch_url
    response = get("/readyz")
    assert response.status_code == 200, response.content
    search = response.json()["checks"]["search"]
    assert search["status"] == "ok"
    assert search["cluster_status"] in ("green", "yellow")
