import graphene


class ProducerQueries(graphene.ObjectType):
    pass


class ProducerMutations(graphene.ObjectType):
    pass
