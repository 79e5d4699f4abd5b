"""Fixtures for API tests. Other packages can reuse `gql` by importing it into their conftest:
`from tests.graphql.conftest import gql  # noqa: F401`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.graphql_helpers import GraphQLClient, GraphQLResult


@pytest.fixture
def gql(db: Any, client: Any) -> Callable[..., GraphQLResult]:
    """`gql(query, variables=None, user=None)` -> GraphQLResult (status, data, errors)."""
    api = GraphQLClient(client)

    def run(
        query: str, variables: dict[str, Any] | None = None, user: Any = None, **kwargs: Any
    ) -> GraphQLResult:
        return api.post(query, variables, user=user, **kwargs)

    return run
