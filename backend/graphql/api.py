"""The root GraphQL schema. Each domain contributes its queries and mutations from
`backend/graphql/<domain>/schema.py`."""

import graphene

from .account.schema import AccountMutations, AccountQueries
from .catalogue.schema import CatalogueMutations, CatalogueQueries
from .checkout.schema import CheckoutMutations, CheckoutQueries
from .markets.schema import MarketsMutations, MarketsQueries
from .producer.schema import ProducerMutations, ProducerQueries
from .search.schema import SearchMutations, SearchQueries


class Query(
    AccountQueries,
    CatalogueQueries,
    SearchQueries,
    CheckoutQueries,
    MarketsQueries,
    ProducerQueries,
    graphene.ObjectType,
):
    pass


class Mutation(
    AccountMutations,
    CatalogueMutations,
    SearchMutations,
    CheckoutMutations,
    MarketsMutations,
    ProducerMutations,
    graphene.ObjectType,
):
    pass


def _has_fields(cls: type[graphene.ObjectType]) -> bool:
    return bool(cls._meta.fields)


schema = graphene.Schema(query=Query, mutation=Mutation if _has_fields(Mutation) else None)
