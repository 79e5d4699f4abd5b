import graphene


class CatalogueQueries(graphene.ObjectType):
    pass


class CatalogueMutations(graphene.ObjectType):
    pass
