"""The GraphQL core every domain builds on.

- `view.GraphQLView`: the `/graphql/` endpoint (JWT or session auth, one DataLoader registry
  per request, query limits, no stack traces in responses).
- `dataloaders.DataLoader` / `get_loader(info, LoaderClass)`: batched loading per request.
- `connection.CountableConnection` / `connection_from_queryset(...)`: Relay connections with
  `totalCount`, page size at most `GRAPHQL_MAX_PAGE_SIZE`.
- `types`: `Money`, `Weight`, `LanguageCodeEnum`, `translated(...)`.
- `mutations`: `Error` (base of `<Domain>Error` types), `error_type(...)`, `BaseMutation`,
  permission helpers and `decode_global_id(...)`.
- `validation`: depth, alias, cost and string-length limits.
"""
