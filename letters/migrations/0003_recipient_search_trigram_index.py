"""A trigram index for the recipient search.

`search_text LIKE '%part%'` can use a GIN trigram index, so finding a recipient by any part of
a name, constituency or organisation stays an index lookup on tens of thousands of rows.

Declared with django.contrib.postgres since PostgreSQL is the only database: the pg_trgm
extension and the index `letters_recipient_search_trgm ON letters_recipient USING gin
(search_text gin_trgm_ops)`. A database that applied this migration when it was written with
RunPython has this very extension and index (same name, same definition), so nothing changes
there; the index is now also in the model (Recipient.Meta.indexes).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("letters", "0002_letter_status_and_search")]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="recipient",
            index=GinIndex(
                fields=["search_text"],
                name="letters_recipient_search_trgm",
                opclasses=["gin_trgm_ops"],
            ),
        ),
    ]
