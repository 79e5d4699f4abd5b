"""Shared GraphQL types: Money, Weight, language codes and translation helpers, and the
`Upload` scalar for files sent with the GraphQL multipart request spec."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import graphene
from django.conf import settings
from graphene_file_upload.scalars import Upload

__all__ = [
    "DateRangeInput",
    "LanguageCodeEnum",
    "Money",
    "MoneyRange",
    "OrderDirection",
    "PriceRangeInput",
    "Upload",
    "Weight",
    "WeightUnitsEnum",
    "language_of",
    "remember_language",
    "translated",
]

SUPPORTED_LANGUAGES = ("vi", "en")


class LanguageCodeEnum(graphene.Enum):
    """Languages of user-facing text."""

    VI = "vi"
    EN = "en"


def language_of(info: Any, language_code: Any = None) -> str:
    """The language a resolver should answer in: the field's `languageCode` argument, else the
    one given to a parent field (`products(languageCode: EN)` sets it for the request), else
    the request's language (Accept-Language, via LocaleMiddleware), else Vietnamese."""
    if language_code is not None:
        return str(getattr(language_code, "value", language_code))
    chosen = getattr(info.context, "graphql_language", None)
    if chosen:
        return str(chosen)
    requested = str(getattr(info.context, "LANGUAGE_CODE", "") or "").lower()[:2]
    return requested if requested in SUPPORTED_LANGUAGES else "vi"


def remember_language(info: Any, language_code: Any) -> None:
    """Record the `languageCode` argument of a top-level field for nested resolvers."""
    if language_code is not None:
        info.context.graphql_language = str(getattr(language_code, "value", language_code))


def translated(obj: Any, field: str, language: str) -> str:
    """`obj.<field>_<language>` when it is filled in, else the Vietnamese `obj.<field>_vi`."""
    if language != "vi":
        value = getattr(obj, f"{field}_{language}", "")
        if value:
            return str(value)
    return str(getattr(obj, f"{field}_vi", "") or "")


class Money(graphene.ObjectType):
    """An amount of money. VND has no minor unit, so its amounts are whole numbers."""

    amount = graphene.Float(required=True, description="Amount in the currency's main unit.")
    currency = graphene.String(required=True, description="ISO 4217 code, e.g. VND.")

    @staticmethod
    def from_amount(amount: Decimal | int | float, currency: str | None = None) -> Money:
        return Money(amount=float(amount), currency=currency or settings.DEFAULT_CURRENCY)


class MoneyRange(graphene.ObjectType):
    start = graphene.Field(Money)
    stop = graphene.Field(Money)


class WeightUnitsEnum(graphene.Enum):
    G = "g"
    KG = "kg"


class Weight(graphene.ObjectType):
    value = graphene.Float(required=True)
    unit = graphene.Field(WeightUnitsEnum, required=True)


class PriceRangeInput(graphene.InputObjectType):
    gte = graphene.Float(description="Lowest price, inclusive.")
    lte = graphene.Float(description="Highest price, inclusive.")


class DateRangeInput(graphene.InputObjectType):
    gte = graphene.Date()
    lte = graphene.Date()


class OrderDirection(graphene.Enum):
    ASC = "asc"
    DESC = "desc"
