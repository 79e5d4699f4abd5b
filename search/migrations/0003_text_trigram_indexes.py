"""On PostgreSQL with pg_trgm (see 0002), trigram GIN indexes let the word-prefix matches
(`LIKE '% word%'`) of the database backend use an index instead of scanning every row."""

from django.db import migrations


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        for column in ("name_text", "body_text", "suggest_text"):
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS search_doc_{column}_trgm "
                f"ON search_productsearchdocument USING gin ({column} gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in ("name_text", "body_text", "suggest_text"):
            schema_editor.execute(f"DROP INDEX IF EXISTS search_doc_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_pg_trgm")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
