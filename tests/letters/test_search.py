"""Finding a recipient among thousands is an index lookup, not a scan."""

import pytest
from django.db import connection

from letters.models import Recipient
from letters.selectors import recipient_search


@pytest.fixture
def ten_thousand_recipients(db):
    Recipient.objects.bulk_create(
        Recipient(
            slug=f"mp-{i}",
            kind=Recipient.Kind.MEMBER_OF_PARLIAMENT,
            name=f"Member {i}",
            title="MP",
            constituency=f"Constituency {i} North",
            organisation="Parliament",
        )
        for i in range(10_000)
    )
    Recipient.objects.create(slug="jane", kind="mp", name="Jane Smith", constituency="Exampleton")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE letters_recipient")


def test_search_matches_any_part_of_the_name_or_constituency(ten_thousand_recipients):
    assert [r.slug for r in recipient_search(query="smith")] == ["jane"]
    assert [r.slug for r in recipient_search(query="EXAMPLE")] == ["jane"]
    assert [r.slug for r in recipient_search(query="constituency 9999")] == ["mp-9999"]
    assert len(recipient_search(query="member", limit=20)) == 20


def test_the_search_query_can_use_the_trigram_index(ten_thousand_recipients):
    # Rows inserted in this (uncommitted) test transaction sit in the GIN index's pending list,
    # which the planner prices poorly; forbidding sequential scans shows the query's condition
    # is one the index serves (an `icontains`, as UPPER(...) LIKE, would not be).
    queryset = recipient_search(query="exampleton")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset.explain()
    assert "letters_recipient_search_trgm" in plan, plan


@pytest.mark.django_db
def test_the_index_is_the_one_databases_migrated_before_it_was_declared_already_have():
    # Migration 0003 made this index with hand-written SQL until it was declared as a GinIndex
    # (Recipient.Meta.indexes); both must give this definition, or existing databases would
    # differ from new ones.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'letters_recipient_search_trgm'"
        )
        assert cursor.fetchall() == [
            (
                "CREATE INDEX letters_recipient_search_trgm ON public.letters_recipient "
                "USING gin (search_text gin_trgm_ops)",
            )
        ]
