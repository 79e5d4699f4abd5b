"""Calling the GraphQL API from tests, through Django's test client and a real JWT.

Use it from any test package::

    from tests.graphql_helpers import GraphQLClient

    def test_something(db, client):
        api = GraphQLClient(client)
        data = api.query("{ me { email } }", user=some_user)        # asserts no errors
        response = api.post("{ products(first: 101) { totalCount } }")  # raw: status, errors

or with the `gql` fixture of tests/graphql/conftest.py (re-export it in your conftest.py with
`from tests.graphql.conftest import gql  # noqa: F401`)::

    def test_me(gql, user):
        result = gql("{ me { email } }", user=user)
        assert result.data["me"]["email"] == user.email
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from backend.accounts.tokens import create_access_token

API_URL = "/graphql/"


@dataclass
class GraphQLResult:
    status_code: int
    content: dict[str, Any]
    data: Any = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def error_codes(self) -> list[str | None]:
        return [(e.get("extensions") or {}).get("code") for e in self.errors]

    def payload_errors(self, mutation: str) -> list[dict[str, Any]]:
        """`errors` of a mutation payload, e.g. `result.payload_errors("tokenCreate")`."""
        return list(((self.data or {}).get(mutation) or {}).get("errors") or [])


class GraphQLClient:
    """Posts GraphQL operations to /graphql/ as JSON, optionally as a user (JWT access)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        user: Any = None,
        token: str | None = None,
        operation_name: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> GraphQLResult:
        body: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            body["operationName"] = operation_name
        extra: dict[str, str] = dict(headers or {})
        if user is not None and token is None:
            token = create_access_token(user)
        if token is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        response = self.client.post(
            API_URL, data=json.dumps(body), content_type="application/json", **extra
        )
        try:
            content = response.json()
        except ValueError:
            content = {"raw": response.content.decode(errors="replace")}
        return GraphQLResult(
            status_code=response.status_code,
            content=content,
            data=content.get("data"),
            errors=content.get("errors") or [],
        )

    def query(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """`data` of a successful operation; fails the test on errors or a non-200 status."""
        result = self.post(query, variables, **kwargs)
        assert result.status_code == 200, result.content
        assert not result.errors, result.errors
        return result.data
