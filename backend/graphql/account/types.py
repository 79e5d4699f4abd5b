"""GraphQL types of accounts."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay

from backend.graphql.catalogue.types import Producer, ProducerMemberRoleEnum
from backend.graphql.checkout.types import resolve_user_orders, user_orders_field
from backend.graphql.core.mutations import producer_membership
from backend.graphql.core.types import LanguageCodeEnum


class ProducerMembership(graphene.ObjectType):
    producer = graphene.Field(Producer, required=True)
    role = graphene.Field(ProducerMemberRoleEnum, required=True)

    class Meta:
        description = "The producer a user works for, and their role there."


class User(graphene.ObjectType):
    email = graphene.String(required=True)
    full_name = graphene.String(required=True)
    language_code = graphene.Field(LanguageCodeEnum, required=True)
    is_staff = graphene.Boolean(required=True)
    is_export_partner = graphene.Boolean(required=True)
    producer_membership = graphene.Field(
        ProducerMembership, description="Set when the user works for a producer."
    )
    date_joined = graphene.DateTime(required=True)
    orders = user_orders_field()

    class Meta:
        interfaces = (relay.Node,)
        description = "An account. Every user can shop; roles add producer, partner or staff."

    resolve_orders = staticmethod(resolve_user_orders)

    @staticmethod
    def resolve_producer_membership(root: Any, info: Any) -> Any:
        return producer_membership(root)
