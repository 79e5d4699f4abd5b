"""Account queries and mutations: `me`, `accountRegister`, `tokenCreate`, `tokenRefresh`."""

from __future__ import annotations

from typing import Any

import graphene

from backend.graphql.core.mutations import current_user

from .mutations import (
    AccountRegister,
    TokenCreate,
    TokenRefresh,
    TokensDeactivateAll,
    TokenVerify,
)
from .types import User


class AccountQueries(graphene.ObjectType):
    me = graphene.Field(User, description="The signed-in user (null when anonymous).")

    @staticmethod
    def resolve_me(root: Any, info: Any) -> Any:
        return current_user(info)


class AccountMutations(graphene.ObjectType):
    account_register = AccountRegister.Field()
    token_create = TokenCreate.Field()
    token_refresh = TokenRefresh.Field()
    token_verify = TokenVerify.Field()
    tokens_deactivate_all = TokensDeactivateAll.Field()
