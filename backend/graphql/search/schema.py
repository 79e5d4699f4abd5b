import graphene


class SearchQueries(graphene.ObjectType):
    pass


class SearchMutations(graphene.ObjectType):
    pass
