from tests.graphql.conftest import gql  # noqa: F401
