"""On PostgreSQL, use pg_trgm for typo tolerance when it can be enabled: a trigram GIN index
on the vocabulary. Without the extension (or on SQLite) the backend computes trigram
similarity in Python over the words of about the same length."""

from django.db import migrations


def enable_trigrams(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        try:
            cursor.execute("SAVEPOINT search_trgm")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS search_term_trgm "
                "ON search_searchterm USING gin (term gin_trgm_ops)"
            )
            cursor.execute("RELEASE SAVEPOINT search_trgm")
        except Exception:
            # No permission to create the extension: the portable path is used.
            cursor.execute("ROLLBACK TO SAVEPOINT search_trgm")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_term_trgm")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(enable_trigrams, drop_index)]
