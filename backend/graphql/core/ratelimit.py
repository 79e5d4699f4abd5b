"""Rate limits of the GraphQL endpoint (the counters are backend/core/ratelimit.py).

Scopes: `tokenCreate`, `accountRegister`, `checkoutComplete` (one count per occurrence of the
mutation field in the operation, aliases included) and `upload` (`productMediaCreate`, and
any multipart request, which is how files reach the API). A refused request gets one GraphQL
error with code RATE_LIMITED and `extensions.retryAfter` (seconds); the view answers it with
HTTP 429 and a `Retry-After` header. Nothing of the operation runs.
"""

from __future__ import annotations

from collections import Counter

from django.http import HttpRequest
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

from backend.core.ratelimit import rate_limit_hit, request_keys

RETRY_AFTER_ATTR = "_graphql_retry_after"

FIELD_SCOPES = {
    "tokenCreate": "tokenCreate",
    "accountRegister": "accountRegister",
    "checkoutComplete": "checkoutComplete",
    "productMediaCreate": "upload",
}


def _mutation_fields(selection_set: SelectionSetNode | None) -> list[str]:
    names: list[str] = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            names.append(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names.extend(_mutation_fields(selection.selection_set))
    return names


def _fragment_fields(document: DocumentNode) -> list[str]:
    # A named fragment spread at the root of a mutation: count its fields too.
    from graphql import FragmentDefinitionNode

    names: list[str] = []
    for definition in document.definitions:
        if (
            isinstance(definition, FragmentDefinitionNode)
            and definition.type_condition.name.value == "Mutation"
        ):
            names.extend(_mutation_fields(definition.selection_set))
    return names


def scopes_of(
    request: HttpRequest, document: DocumentNode, operation_name: str | None
) -> Counter[str]:
    scopes: Counter[str] = Counter()
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name and (definition.name is None or definition.name.value != operation_name):
            continue
        if definition.operation != OperationType.MUTATION:
            continue
        for name in _mutation_fields(definition.selection_set) + _fragment_fields(document):
            scope = FIELD_SCOPES.get(name)
            if scope:
                scopes[scope] += 1
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data" and not scopes["upload"]:
        scopes["upload"] = 1
    return scopes


def check_rate_limits(
    request: HttpRequest, document: DocumentNode, operation_name: str | None
) -> list[GraphQLError]:
    """An error (and the retry-after on the request) when a limit is reached, else []."""
    scopes = scopes_of(request, document, operation_name)
    if not scopes:
        return []
    keys = request_keys(request)
    waits = {}
    for scope, count in sorted(scopes.items()):
        retry_after = rate_limit_hit(scope=scope, keys=keys, cost=count)
        if retry_after is not None:
            waits[scope] = retry_after
    if not waits:
        return []
    retry_after = max(waits.values())
    setattr(request, RETRY_AFTER_ATTR, retry_after)
    names = ", ".join(sorted(waits))
    return [
        GraphQLError(
            f"Too many requests ({names}). Try again in {retry_after} seconds. / "
            f"Quá nhiều yêu cầu ({names}). Vui lòng thử lại sau {retry_after} giây.",
            extensions={"code": "RATE_LIMITED", "retryAfter": retry_after, "scopes": sorted(waits)},
        )
    ]
