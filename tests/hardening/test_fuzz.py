"""Fuzzing the GraphQL schema with schemathesis (its GraphQL support, hypothesis-graphql):
every query and mutation gets generated, schema-valid inputs through the real WSGI app. No
answer may be a 5xx and no error may be an unhandled one (INTERNAL_ERROR). Bounded for
`make test` (fixed seed, few examples per operation); `make bench` runs a longer pass with
FUZZ_MAX_EXAMPLES."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "2"))

# Files only travel in multipart requests: a generated JSON body sends null for them.
schemathesis.graphql.scalar("Upload", st.just(nodes.Null))
schemathesis.graphql.scalar(
    "Decimal",
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False).map(
        lambda d: nodes.String(str(d))
    ),
)
schemathesis.graphql.scalar("Date", st.dates().map(lambda d: nodes.String(d.isoformat())))
schemathesis.graphql.scalar(
    "DateTime", st.datetimes().map(lambda d: nodes.String(d.isoformat() + "Z"))
)
schemathesis.graphql.scalar("UUID", st.uuids().map(lambda u: nodes.String(str(u))))
schemathesis.graphql.scalar(
    "JSONString", st.sampled_from(["{}", "[]", '{"a": 1}', "not json"]).map(nodes.String)
)

schema = schemathesis.graphql.from_wsgi("/graphql/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's WSGI handler closes "old" connections at each request's start and end; inside
    a test's transaction (PostgreSQL) that would close the test's connection. Django's test
    client disconnects the same handlers; the WSGI app called directly needs it done here."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_graphql_fuzz(case):
    response = case.call()
    assert response.status_code < 500, (response.status_code, response.text[:500])
    body = response.json()
    codes = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
    assert "INTERNAL_ERROR" not in codes, (case.body, body)
