"""Account mutations: registration and JWT tokens (thin over backend.accounts.services)."""

from __future__ import annotations

from typing import Any

import graphene

from backend.accounts import services
from backend.accounts.error_codes import AccountErrorCode
from backend.graphql.core.mutations import BaseMutation, error_type, require_login
from backend.graphql.core.types import LanguageCodeEnum

from .types import User

AccountError = error_type("AccountError", AccountErrorCode)


class AccountRegisterInput(graphene.InputObjectType):
    email = graphene.String(required=True)
    password = graphene.String(required=True)
    full_name = graphene.String()
    language_code = graphene.Argument(LanguageCodeEnum)


class AccountRegister(BaseMutation):
    user = graphene.Field(User)

    class Arguments:
        input = AccountRegisterInput(required=True)

    class Meta:
        description = "Create a shopper account."
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        values = data["input"]
        language = values.get("language_code")
        user = services.user_register(
            email=values["email"],
            password=values["password"],
            full_name=values.get("full_name") or "",
            language_code=str(getattr(language, "value", language) or "vi"),
        )
        return cls(user=user)


class TokenCreate(BaseMutation):
    token = graphene.String(description="Access token (Authorization: Bearer ...).")
    refresh_token = graphene.String(description="Exchange it with tokenRefresh.")
    user = graphene.Field(User)

    class Arguments:
        email = graphene.String(required=True)
        password = graphene.String(required=True)

    class Meta:
        description = "Sign in: create an access token and a refresh token."
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        pair = services.token_create(email=data["email"], password=data["password"])
        return cls(token=pair.token, refresh_token=pair.refresh_token, user=pair.user)


class TokenRefresh(BaseMutation):
    token = graphene.String(description="A new access token.")
    user = graphene.Field(User)

    class Arguments:
        refresh_token = graphene.String(required=True)

    class Meta:
        description = "Create a new access token from a refresh token."
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        pair = services.token_refresh(refresh_token=data["refresh_token"])
        return cls(token=pair.token, user=pair.user)


class TokenVerify(BaseMutation):
    is_valid = graphene.Boolean(required=True)
    user = graphene.Field(User)

    class Arguments:
        token = graphene.String(required=True)

    class Meta:
        description = "Check an access token: valid, not expired, not revoked."
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        return cls(is_valid=True, user=services.token_verify(token=data["token"]))

    @classmethod
    def failure(cls, errors: Any) -> Any:
        payload = super().failure(errors)
        payload.is_valid = False
        return payload


class TokensDeactivateAll(BaseMutation):
    class Meta:
        description = "Sign out everywhere: revoke every token issued to the signed-in user."
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root: Any, info: Any, **data: Any) -> Any:
        services.tokens_revoke(user=require_login(info))
        return cls()
