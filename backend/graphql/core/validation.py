"""Limits on incoming queries: depth, aliases, cost and input string length.

`check_limits(schema, document, variables, operation_name)` returns GraphQL errors (empty when
the query is within limits); the view runs it after the standard validation and before
execution, so an over-limit query never touches the database.

Cost: every field costs 1; the children of a field that takes `first`/`last` count
`first`/`last` times (GRAPHQL_MAX_PAGE_SIZE when neither is given); the children of a plain
list field count `list_size_hint(type, field)` times (GRAPHQL_MAX_PAGE_SIZE unless a domain
registered a smaller typical size with `set_list_size_hint`). Introspection fields are free.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.language import DocumentNode, Visitor, visit

_LIST_SIZE_HINTS: dict[tuple[str, str], int] = {}


def set_list_size_hint(type_name: str, field_name: str, size: int) -> None:
    """Declare the typical length of an unpaginated list field (e.g. a product's variants)."""
    _LIST_SIZE_HINTS[(type_name, field_name)] = size


def list_size_hint(type_name: str, field_name: str) -> int:
    return _LIST_SIZE_HINTS.get((type_name, field_name), _page_size())


def _page_size() -> int:
    return int(getattr(settings, "GRAPHQL_MAX_PAGE_SIZE", 100))


def limit_error(message: str, code: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.max_depth = 0

    def _fields(
        self, parent: Any, selection_set: SelectionSetNode | None, seen: frozenset[str]
    ) -> Iterable[tuple[Any, FieldNode]]:
        """(parent type, field node) pairs of a selection set, fragments expanded."""
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield parent, selection
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                sub_parent = (
                    self.schema.get_type(condition.name.value) if condition else parent
                ) or parent
                yield from self._fields(sub_parent, selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                sub_parent = self.schema.get_type(fragment.type_condition.name.value) or parent
                yield from self._fields(sub_parent, fragment.selection_set, seen | {name})

    def _int_argument(self, node: FieldNode, name: str) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                raw = self.variables.get(value.name.value)
                return raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        return None

    def cost(self, parent: Any, selection_set: SelectionSetNode | None, depth: int = 1) -> int:
        total = 0
        for parent_type, node in self._fields(parent, selection_set, frozenset()):
            name = node.name.value
            if name.startswith("__"):
                continue  # introspection and __typename are free
            self.max_depth = max(self.max_depth, depth)
            field_def = None
            if isinstance(parent_type, GraphQLObjectType | GraphQLInterfaceType):
                field_def = parent_type.fields.get(name)
            if field_def is None:
                total += 1
                continue
            child_type = get_named_type(field_def.type)
            multiplier = 1
            if "first" in field_def.args or "last" in field_def.args:
                first = self._int_argument(node, "first")
                last = self._int_argument(node, "last")
                sizes = [v for v in (first, last) if v is not None]
                multiplier = max(sizes) if sizes else _page_size()
            elif is_list_type(get_nullable_type(field_def.type)) and not getattr(
                parent_type, "name", ""
            ).endswith("Connection"):
                multiplier = list_size_hint(parent_type.name, name)
            children = 0
            if node.selection_set is not None:
                children = self.cost(child_type, node.selection_set, depth + 1)
            total += 1 + max(multiplier, 1) * children
        return total


def _strings_in(value: Any, path: str) -> Iterable[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_in(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings_in(item, f"{path}[{index}]")


class _StringLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.lengths: list[int] = []

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self.lengths.append(len(node.value))


def check_limits(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
) -> list[GraphQLError]:
    """Errors for every limit the query breaks (empty list: go ahead)."""
    variables = variables or {}
    errors: list[GraphQLError] = []
    max_length = int(settings.GRAPHQL_MAX_STRING_LENGTH)
    for path, text in _strings_in(variables, "variables"):
        if len(text) > max_length:
            errors.append(
                limit_error(
                    f"The input `{path[len('variables.') :]}` is {len(text)} characters long; "
                    f"at most {max_length} are allowed.",
                    "INPUT_TOO_LONG",
                    field=path[len("variables.") :],
                    limit=max_length,
                )
            )
    literals = _StringLiterals()
    visit(document, literals)
    for length in literals.lengths:
        if length > max_length:
            errors.append(
                limit_error(
                    f"A string in the query is {length} characters long; at most {max_length} "
                    "are allowed.",
                    "INPUT_TOO_LONG",
                    limit=max_length,
                )
            )

    aliases = 0
    fragments: dict[str, FragmentDefinitionNode] = {}
    operations: list[OperationDefinitionNode] = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments[definition.name.value] = definition
        elif isinstance(definition, OperationDefinitionNode):
            operations.append(definition)

    class _Aliases(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            nonlocal aliases
            if node.alias is not None:
                aliases += 1

    visit(document, _Aliases())
    max_aliases = int(settings.GRAPHQL_MAX_ALIASES)
    if aliases > max_aliases:
        errors.append(
            limit_error(
                f"The query uses {aliases} aliases; at most {max_aliases} are allowed.",
                "TOO_MANY_ALIASES",
                limit=max_aliases,
            )
        )

    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    max_depth = int(settings.GRAPHQL_MAX_DEPTH)
    max_cost = int(settings.GRAPHQL_MAX_COST)
    for operation in operations:
        root = {
            "query": schema.query_type,
            "mutation": schema.mutation_type,
            "subscription": schema.subscription_type,
        }[operation.operation.value]
        walker = _Walker(schema, fragments, variables)
        if operation.operation.value == "mutation":
            mutations = len(list(walker._fields(root, operation.selection_set, frozenset())))
            max_mutations = int(getattr(settings, "GRAPHQL_MAX_MUTATIONS", 10))
            if mutations > max_mutations:
                errors.append(
                    limit_error(
                        f"The request runs {mutations} mutations; at most {max_mutations} are "
                        "allowed in one request.",
                        "TOO_MANY_MUTATIONS",
                        mutations=mutations,
                        limit=max_mutations,
                    )
                )
        cost = walker.cost(root, operation.selection_set)
        if walker.max_depth > max_depth:
            errors.append(
                limit_error(
                    f"The query is {walker.max_depth} levels deep; at most {max_depth} are "
                    "allowed.",
                    "QUERY_TOO_DEEP",
                    depth=walker.max_depth,
                    limit=max_depth,
                )
            )
        if cost > max_cost:
            errors.append(
                limit_error(
                    f"The query cost is {cost}; at most {max_cost} is allowed. Ask for fewer "
                    "items per page (`first`/`last`) or fewer fields.",
                    "QUERY_TOO_COMPLEX",
                    cost=cost,
                    limit=max_cost,
                )
            )
    return errors


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None = None,
) -> int:
    """The cost of the document's first operation (for tests and logging)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = (
                schema.query_type if definition.operation.value == "query" else schema.mutation_type
            )
            return _Walker(schema, fragments, variables or {}).cost(root, definition.selection_set)
    return 0
