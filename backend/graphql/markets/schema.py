import graphene


class MarketsQueries(graphene.ObjectType):
    pass


class MarketsMutations(graphene.ObjectType):
    pass
