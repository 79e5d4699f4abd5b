"""Relay connections with `totalCount` and a page-size limit.

Declare a connection for a node type::

    class ProductCountableConnection(CountableConnection):
        class Meta:
            node = Product

and resolve a field with `connection_from_queryset`::

    products = ConnectionField(ProductCountableConnection, filter=...)

    def resolve_products(root, info, **kwargs):
        qs = product_selectors.public_products(...)
        return connection_from_queryset(qs, kwargs, ProductCountableConnection)

`ConnectionField` adds the `first/after/last/before` arguments. The helper slices the
queryset (one query for the page, one COUNT for `totalCount`, only when asked for), checks
`first`/`last` against GRAPHQL_MAX_PAGE_SIZE and raises a GraphQL error saying what was asked
and what is allowed. Cursors are opaque (base64 of the row offset in the ordered queryset),
so the queryset must have a deterministic order (end it with the primary key).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any

import graphene
from django.conf import settings
from django.db.models import QuerySet
from graphene.relay import PageInfo
from graphql import GraphQLError

CURSOR_PREFIX = "cursor:"


def max_page_size() -> int:
    return int(getattr(settings, "GRAPHQL_MAX_PAGE_SIZE", 100))


class CountableConnection(graphene.relay.Connection):
    """A Relay connection with `totalCount` (the count of the whole filtered list)."""

    class Meta:
        abstract = True

    total_count = graphene.Int(
        required=True, description="Number of items matching the filters, across all pages."
    )

    @staticmethod
    def resolve_total_count(root: Any, info: Any) -> int:
        count = getattr(root, "length", None)
        if count is None:  # a connection built by hand: CountableConnection(total_count=...)
            count = getattr(root, "total_count", None) or 0
        return int(count() if callable(count) else count)


class ConnectionField(graphene.Field):
    """A field returning a `CountableConnection`, with `first/after/last/before` arguments."""

    def __init__(self, connection_type: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("first", graphene.Int(description="Page size from the start (≤ 100)."))
        kwargs.setdefault("after", graphene.String(description="Cursor to start after."))
        kwargs.setdefault("last", graphene.Int(description="Page size from the end (≤ 100)."))
        kwargs.setdefault("before", graphene.String(description="Cursor to end before."))
        kwargs.setdefault("required", True)
        super().__init__(connection_type, *args, **kwargs)


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str, argument: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError(text)
        offset = int(text[len(CURSOR_PREFIX) :])
        if offset < 0:
            raise ValueError(text)
        return offset
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise GraphQLError(
            f"Invalid cursor in `{argument}`: use a cursor returned by this connection.",
            extensions={"code": "INVALID_CURSOR", "field": argument},
        ) from None


def check_page_size(first: int | None, last: int | None) -> None:
    """Raise a GraphQL error unless `first`/`last` are between 0 and the maximum page size."""
    limit = max_page_size()
    for name, value in (("first", first), ("last", last)):
        if value is None:
            continue
        if value < 0:
            raise GraphQLError(
                f"`{name}` must be a positive number, got {value}.",
                extensions={"code": "INVALID_PAGE_SIZE", "field": name},
            )
        if value > limit:
            raise GraphQLError(
                f"Requesting {value} records on the `{name}` argument exceeds the limit of "
                f"{limit} records per page.",
                extensions={"code": "PAGE_SIZE_EXCEEDED", "field": name, "limit": limit},
            )


def connection_from_queryset(
    queryset: QuerySet[Any] | Sequence[Any],
    args: dict[str, Any],
    connection_type: Any,
    *,
    default_page_size: int | None = None,
    count: Callable[[], int] | None = None,
    fetch: Callable[[Any, int, int], list[Any]] | None = None,
) -> Any:
    """Slice `queryset` by `first/after/last/before` and wrap the page in `connection_type`.

    Without `first` and `last` the page holds `default_page_size` items (the maximum page size
    by default). `count` overrides how `totalCount` is computed (default: one COUNT query,
    run only when `totalCount` or `last` needs it). `fetch(queryset, start, stop)` overrides
    how the rows of a page are read (e.g. ids first, then the page's joins on those rows)."""
    first, last = args.get("first"), args.get("last")
    check_page_size(first, last)
    after, before = args.get("after"), args.get("before")
    start = decode_cursor(after, "after") + 1 if after else 0
    end: int | None = decode_cursor(before, "before") if before else None

    cached_count: list[int] = []

    def total() -> int:
        if not cached_count:
            if count is not None:
                cached_count.append(count())
            elif isinstance(queryset, QuerySet):
                cached_count.append(queryset.count())
            else:
                cached_count.append(len(queryset))
        return cached_count[0]

    if end is not None and end < start:
        end = start
    if first is not None:
        stop = start + first if end is None else min(end, start + first)
        if last is not None:
            start = max(start, stop - last)
    elif last is not None:
        stop = end if end is not None else total()
        start = max(start, stop - last)
    else:
        page = default_page_size or max_page_size()
        stop = start + page if end is None else min(end, start + page)

    # One more row than asked tells whether there is a next page without a COUNT.
    if stop <= start:
        rows: list[Any] = []
    elif fetch is not None:
        rows = fetch(queryset, start, stop + 1)
    else:
        rows = list(queryset[start : stop + 1])
    has_more = len(rows) > stop - start
    rows = rows[: stop - start]
    edge_type = connection_type.Edge
    edges = [edge_type(node=row, cursor=encode_cursor(start + i)) for i, row in enumerate(rows)]
    page_info = PageInfo(
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
        has_previous_page=start > 0,
        has_next_page=has_more,
    )
    connection = connection_type(edges=edges, page_info=page_info)
    connection.length = total
    return connection
