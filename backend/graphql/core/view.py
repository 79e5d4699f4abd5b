"""The `/graphql/` endpoint.

- Auth: `Authorization: Bearer <JWT access token>` (see backend/accounts/tokens.py); without
  the header the session user (the browser, GraphiQL) is used. A bad or expired token gets a
  401 with a GraphQL error (code INVALID_TOKEN / EXPIRED_TOKEN), never an anonymous answer.
- CSRF: exempt for token and JSON requests; form and multipart requests relying on the session
  cookie are still CSRF-checked.
- One DataLoader registry per request (`info.context.dataloaders`, see dataloaders.py),
  synchronous batching by `graphql_sync_dataloaders.DeferredExecutionContext`.
- Multipart uploads (GraphQL multipart request spec) through the same view.
- Limits (validation.py) and rate limits (ratelimit.py: 429 with Retry-After) checked
  before execution.
- An unexpected exception becomes a GraphQL error "Internal server error" (logged with its
  traceback), never a stack trace and never an HTTP 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.settings import graphene_settings
from graphene_django.views import HttpError
from graphene_file_upload.django import FileUploadGraphQLView
from graphql import (
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
    get_operation_ast,
    is_non_null_type,
    parse,
    validate,
)
from graphql_sync_dataloaders import DeferredExecutionContext

from backend.accounts.tokens import TokenError, TokenErrorCode, user_from_token
from backend.core.errors import ServiceError

from .dataloaders import REGISTRY_ATTR
from .ratelimit import RETRY_AFTER_ATTR, check_rate_limits
from .validation import check_limits

logger = logging.getLogger("backend.graphql")

INTERNAL_ERROR_MESSAGE = "Internal server error."


def _bearer_token(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() in ("bearer", "jwt") and token.strip():
        return token.strip()
    return None


def _error_response(message: str, code: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status=status
    )


class ExecutionContext(DeferredExecutionContext):
    """`DeferredExecutionContext` made compatible with graphql-core 3.2.4+, whose
    `handle_field_error` takes the field's path (graphql-sync-dataloaders 0.1.1 omits it)."""

    def handle_field_error(  # type: ignore[override]
        self, error: GraphQLError, return_type: Any, path: Any = None
    ) -> None:
        if is_non_null_type(return_type):
            raise error
        self.collected_errors.add(error, path)


def _csrf_protected_view(request: HttpRequest) -> HttpResponse:  # pragma: no cover
    return HttpResponse()


@method_decorator(csrf_exempt, name="dispatch")
class GraphQLView(FileUploadGraphQLView):
    execution_context_class = ExecutionContext

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        setattr(request, REGISTRY_ATTR, {})
        token = _bearer_token(request)
        if token is not None:
            try:
                request.user = user_from_token(token)
            except TokenError as error:
                code = "EXPIRED_TOKEN" if error.code is TokenErrorCode.EXPIRED else "INVALID_TOKEN"
                return _error_response(str(error), code, 401)
        else:
            if not hasattr(request, "user"):
                request.user = AnonymousUser()
            if request.user.is_authenticated and request.method == "POST":
                # Session auth from a browser: keep CSRF protection for form posts.
                content_type = request.META.get("CONTENT_TYPE", "").split(";")[0]
                if content_type != "application/json":
                    rejected = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(
                        request, _csrf_protected_view, (), {}
                    )
                    if rejected is not None:
                        return _error_response("CSRF check failed.", "CSRF_FAILED", 403)
        try:
            response: HttpResponse = super().dispatch(request, *args, **kwargs)
            retry_after = getattr(request, RETRY_AFTER_ATTR, None)
            if retry_after is not None:
                response.status_code = 429
                response["Retry-After"] = str(retry_after)
            return response
        except Exception:
            logger.exception("GraphQL request failed outside execution")
            return _error_response(INTERNAL_ERROR_MESSAGE, "INTERNAL_ERROR", 400)

    def execute_graphql_request(
        self,
        request: HttpRequest,
        data: Any,
        query: str | None,
        variables: Any,
        operation_name: str | None,
        show_graphiql: bool = False,
    ) -> ExecutionResult | None:
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponse(status=400, content=b"Must provide query string."))
        schema = self.schema.graphql_schema
        try:
            document = parse(query)
        except GraphQLError as error:
            return ExecutionResult(errors=[error])
        operation_ast = get_operation_ast(document, operation_name)
        if (
            request.method == "GET"
            and operation_ast is not None
            and operation_ast.operation != OperationType.QUERY
        ):
            if show_graphiql:
                return None
            raise HttpError(HttpResponse(status=405, content=b"Mutations need a POST request."))
        errors = check_rate_limits(request, document, operation_name)
        if errors:
            return ExecutionResult(errors=errors)
        errors = validate(schema, document, None, graphene_settings.MAX_VALIDATION_ERRORS)
        if errors:
            return ExecutionResult(errors=errors)
        errors = check_limits(
            schema,
            document,
            variables if isinstance(variables, dict) else {},
            operation_name,
        )
        if errors:
            return ExecutionResult(errors=errors)
        options: dict[str, Any] = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
            "execution_context_class": self.execution_context_class,
        }
        try:
            if (
                operation_ast is not None
                and operation_ast.operation == OperationType.MUTATION
                and connection.settings_dict.get("ATOMIC_MUTATIONS", False) is True
            ):
                with transaction.atomic():
                    return execute(schema, document, **options)  # type: ignore[return-value]
            return execute(schema, document, **options)  # type: ignore[return-value]
        except Exception as error:
            logger.exception("GraphQL execution failed")
            return ExecutionResult(
                errors=[GraphQLError(INTERNAL_ERROR_MESSAGE, original_error=error)]
            )

    @staticmethod
    def format_error(error: Any) -> dict[str, Any]:
        if not isinstance(error, GraphQLError):
            logger.error("Unexpected GraphQL error: %r", error)
            return {"message": INTERNAL_ERROR_MESSAGE, "extensions": {"code": "INTERNAL_ERROR"}}
        original = error.original_error
        formatted: dict[str, Any] = dict(error.formatted)
        if isinstance(original, ServiceError):
            first = original.errors[0] if original.errors else None
            from .mutations import field_name

            formatted["message"] = str(original)
            formatted["extensions"] = {
                "code": first.code.name if first else "INVALID",
                "field": field_name(first.field) if first else None,
                "errors": [
                    {"code": e.code.name, "field": field_name(e.field), "message": e.message}
                    for e in original.errors
                ],
            }
        elif original is not None and not isinstance(original, GraphQLError):
            if error.message != INTERNAL_ERROR_MESSAGE:
                logger.error(
                    "Unexpected error in a resolver at %s",
                    error.path,
                    exc_info=(type(original), original, original.__traceback__),
                )
            formatted["message"] = INTERNAL_ERROR_MESSAGE
            formatted["extensions"] = {"code": "INTERNAL_ERROR"}
        else:
            extensions = dict(formatted.get("extensions") or {})
            extensions.setdefault(
                "code", "GRAPHQL_VALIDATION_FAILED" if not error.path else "GRAPHQL_ERROR"
            )
            formatted["extensions"] = extensions
        return formatted
