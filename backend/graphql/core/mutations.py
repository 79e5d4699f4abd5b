"""Mutation base class, typed errors, permission checks and global-ID decoding.

A domain declares its error type from its error-code enum (`backend/<domain>/error_codes.py`)::

    from backend.checkout.error_codes import CheckoutErrorCode
    CheckoutError = error_type("CheckoutError", CheckoutErrorCode)

(the GraphQL enum is named after the Python enum, e.g. `CheckoutErrorCode`). The enum should
have the members of `CommonErrorCode` (GRAPHQL_ERROR, INVALID, NOT_FOUND, PERMISSION_DENIED,
REQUIRED): the helpers below raise those, and `BaseMutation` maps them onto the domain enum by
name. A mutation is thin over a service::

    class CheckoutCreate(BaseMutation):
        checkout = graphene.Field(Checkout)

        class Arguments:
            input = CheckoutCreateInput(required=True)

        class Meta:
            description = "Create a checkout."
            error_type_class = CheckoutError

        @classmethod
        def perform_mutation(cls, root, info, *, input):
            user = require_login(info)
            checkout = services.checkout_create(user=user, ...)
            return cls(checkout=checkout)

Any `ServiceError` raised inside `perform_mutation` (by the service or by a helper here) comes
back as `errors { field code message }` on the payload (HTTP 200, `errors: []` on success).
Outside mutations, a `ServiceError` raised by a query resolver becomes a GraphQL error whose
`extensions` carry `code` and `field` (see `view.GraphQLView.format_error`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

import graphene
from django.core.exceptions import ValidationError as DjangoValidationError
from graphene.types.mutation import MutationOptions
from graphene.utils.str_converters import to_camel_case
from graphql_relay import from_global_id, to_global_id

from backend.core.errors import FieldError, ServiceError


class CommonErrorCode(enum.Enum):
    """Codes every domain's error enum should also define."""

    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    REQUIRED = "required"


class Error(graphene.ObjectType):
    """Base of the `<Domain>Error` types: `field`, `message` and (in subclasses) `code`."""

    field = graphene.String(
        description="The input field the error is about (camelCase), null for the whole input."
    )
    message = graphene.String(required=True, description="What went wrong, for people.")

    class Meta:
        abstract = True


_ERROR_TYPES: dict[str, type[Error]] = {}


def error_type(name: str, codes: type[enum.Enum], description: str = "") -> type[Error]:
    """The `<Domain>Error` GraphQL type whose `code` is the GraphQL enum built from `codes`.

    Calling it twice with the same name returns the same type."""
    if name in _ERROR_TYPES:
        return _ERROR_TYPES[name]
    code_enum = graphene.Enum.from_enum(codes)
    cls = type(
        name,
        (Error,),
        {
            "code": graphene.Field(code_enum, required=True, description="The error code."),
            "codes": codes,
            "Meta": type("Meta", (), {"description": description or f"An error of {name}."}),
        },
    )
    _ERROR_TYPES[name] = cls
    return cls


def codes_of(error_class: type[Error]) -> type[enum.Enum]:
    return error_class.codes  # type: ignore[attr-defined, no-any-return]


def convert_code(code: enum.Enum, codes: type[enum.Enum]) -> enum.Enum:
    """`code` as a member of `codes` (same member, or the member of the same name)."""
    if isinstance(code, codes):
        return code
    for name in (code.name, "INVALID", "GRAPHQL_ERROR"):
        if name in codes.__members__:
            return codes[name]
    return next(iter(codes))


def field_name(field: str | None) -> str | None:
    """Service field names (snake_case) as GraphQL field names (camelCase)."""
    if not field:
        return None
    return ".".join(to_camel_case(part) for part in field.split("."))


def errors_from_validation_error(error: DjangoValidationError) -> list[FieldError]:
    """Django's ValidationError (e.g. from full_clean) as FieldErrors with code INVALID."""
    result: list[FieldError] = []
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                result.append(
                    FieldError(
                        code=CommonErrorCode.INVALID,
                        message=" ".join(e.messages),
                        field=None if field == "__all__" else field,
                    )
                )
    else:
        result.extend(FieldError(code=CommonErrorCode.INVALID, message=m) for m in error.messages)
    return result


class BaseMutation(graphene.Mutation):
    """A mutation with `errors: [<Domain>Error!]!`. Set `Meta.error_type_class` and implement
    `perform_mutation(root, info, **arguments)` returning `cls(<payload fields>)`."""

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(
        cls, error_type_class: type[Error] | None = None, _meta: Any = None, **options: Any
    ) -> None:
        if error_type_class is None:
            raise TypeError(f"{cls.__name__}.Meta must set error_type_class")
        cls.errors = graphene.List(  # type: ignore[attr-defined]
            graphene.NonNull(error_type_class),
            required=True,
            description="Errors of the mutation; empty when it succeeded.",
        )
        if _meta is None:
            _meta = MutationOptions(cls)
        _meta.error_type_class = error_type_class
        super().__init_subclass_with_meta__(_meta=_meta, **options)

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    @classmethod
    def mutate(cls, root: Any, info: Any, **data: Any) -> Any:
        try:
            payload = cls.perform_mutation(root, info, **data)
        except ServiceError as error:
            return cls.failure(error.errors)
        except DjangoValidationError as error:
            return cls.failure(errors_from_validation_error(error))
        if getattr(payload, "errors", None) is None:
            payload.errors = []
        return payload

    @classmethod
    def failure(cls, errors: Iterable[FieldError]) -> Any:
        """The payload carrying `errors` (and nothing else)."""
        error_class = cls._meta.error_type_class  # type: ignore[attr-defined]
        codes = codes_of(error_class)
        return cls(
            errors=[
                error_class(
                    field=field_name(e.field),
                    code=convert_code(e.code, codes),
                    message=e.message,
                )
                for e in errors
            ]
        )


# --- Permissions ------------------------------------------------------------------------------


def current_user(info: Any) -> Any:
    """The signed-in user, or None."""
    user = getattr(info.context, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user


def permission_denied(message: str = "You do not have permission to do this.") -> ServiceError:
    return ServiceError.single(CommonErrorCode.PERMISSION_DENIED, message)


def require_login(info: Any) -> Any:
    user = current_user(info)
    if user is None:
        raise permission_denied("You need to sign in first.")
    return user


def require_staff(info: Any) -> Any:
    user = require_login(info)
    if not user.is_staff:
        raise permission_denied("Only staff can do this.")
    return user


def require_export_partner(info: Any, *, allow_staff: bool = True) -> Any:
    user = require_login(info)
    if not (user.is_export_partner or (allow_staff and user.is_staff)):
        raise permission_denied("Only export partners can do this.")
    return user


def producer_membership(user: Any) -> Any:
    """The user's `ProducerMember` row, or None (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return None
    from backend.producers.models import ProducerMember

    try:
        return user.producer_membership
    except ProducerMember.DoesNotExist:
        return None


def is_member_of(user: Any, producer_id: int | None) -> bool:
    membership = producer_membership(user)
    return (
        membership is not None
        and producer_id is not None
        and (membership.producer_id == int(producer_id))
    )


def can_see_private_producer_data(user: Any, producer_id: int | None) -> bool:
    """Staff and the producer's own members see its contacts and private fields."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff) or is_member_of(user, producer_id)


def require_producer_member(
    info: Any,
    producer_id: int | None = None,
    *,
    roles: Iterable[str] | None = None,
    allow_staff: bool = False,
) -> Any:
    """The signed-in user's membership; PERMISSION_DENIED unless they work for a producer (for
    `producer_id` when given, with one of `roles` when given). With `allow_staff`, staff pass
    too and get None back."""
    user = require_login(info)
    if allow_staff and user.is_staff:
        return producer_membership(user)
    membership = producer_membership(user)
    if membership is None:
        raise permission_denied("Only members of a producer can do this.")
    if producer_id is not None and membership.producer_id != int(producer_id):
        raise permission_denied("You can only change your own producer's data.")
    if roles is not None and membership.role not in set(roles):
        raise permission_denied("Your role in the producer does not allow this.")
    return membership


# --- Global IDs -----------------------------------------------------------------------------


def _type_name(expected: Any) -> str:
    if isinstance(expected, str):
        return expected
    meta = getattr(expected, "_meta", None)
    return str(getattr(meta, "name", None) or expected.__name__)


def decode_global_id(global_id: Any, expected_type: Any, field: str = "id") -> int:
    """The primary key in a global ID of `expected_type` (a type or its GraphQL name).

    A malformed ID raises ServiceError GRAPHQL_ERROR, an ID of another type INVALID, both on
    `field`."""
    expected = _type_name(expected_type)
    try:
        type_name, raw_pk = from_global_id(str(global_id))
        pk = int(raw_pk)
        if pk <= 0:
            raise ValueError(raw_pk)
    except Exception:
        raise ServiceError.single(
            CommonErrorCode.GRAPHQL_ERROR,
            f"Couldn't resolve ID: {str(global_id)[:80]!r} is not a valid {expected} ID.",
            field,
        ) from None
    if type_name != expected:
        raise ServiceError.single(
            CommonErrorCode.INVALID,
            f"Must receive a {expected} ID, got the ID of a {type_name or 'unknown type'}.",
            field,
        )
    return pk


def decode_global_ids(global_ids: Iterable[Any], expected_type: Any, field: str) -> list[int]:
    return [decode_global_id(gid, expected_type, field) for gid in global_ids]


def global_id(type_name: Any, pk: Any) -> str:
    return to_global_id(_type_name(type_name), pk)
