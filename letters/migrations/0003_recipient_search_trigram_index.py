"""A trigram index for the recipient search, on PostgreSQL only.

`search_text LIKE '%part%'` can use a GIN trigram index, so finding a recipient by any part of
a name, constituency or organisation stays an index lookup on tens of thousands of rows. SQLite
(the development default) has no such index and scans, which is fine at its size.
"""

from django.db import migrations

INDEX = "letters_recipient_search_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON letters_recipient "
        "USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("letters", "0002_letter_status_and_search")]

    operations = [migrations.RunPython(forwards, backwards)]
