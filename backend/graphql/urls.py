from django.urls import URLPattern, URLResolver, path

from backend.graphql.core.view import GraphQLView

urlpatterns: list[URLPattern | URLResolver] = [
    path("graphql/", GraphQLView.as_view(graphiql=True), name="api"),
]
