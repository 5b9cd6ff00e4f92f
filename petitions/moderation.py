"""Organisers' moderation of signatures: invalidating spam so it stops counting, and deleting.

The counters follow in the same transaction. Lock order, the same as the count refresher's
(`services.counter_refresh` takes the counter row, then the signature rows with SKIP LOCKED):
here the signature rows are taken first, in id order, by the UPDATE itself; then the counter
rows, in petition order, then the country rows in (petition, country) order. The refresher
skips rows we hold instead of waiting, and two moderations lock in the same order, so none of
them can deadlock another.
"""

from collections import Counter
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from campaign.lib.pagecache import page_cache_clear
from petitions.models import CountryCount, PetitionCounter, Signature

_INVALIDATE_SQL = """
WITH target AS (
    SELECT id, is_counted FROM petitions_signature
    WHERE id IN ({ids}) AND invalidated_at IS NULL
    ORDER BY id
    FOR UPDATE
)
UPDATE petitions_signature AS s
SET invalidated_at = %s, is_counted = false
FROM target
WHERE s.id = target.id
RETURNING s.id, s.petition_id, s.country, target.is_counted, s.name
"""


def _counters_subtract(*, counted: list[tuple[int, str]]) -> None:
    """Take counted rows, as (petition id, country), off the counters, locking in fixed order."""
    by_petition = Counter(petition_id for petition_id, _ in counted)
    by_country = Counter(counted)
    list(
        PetitionCounter.objects.select_for_update()
        .filter(petition_id__in=by_petition)
        .order_by("petition_id")
        .values_list("pk", flat=True)
    )
    for petition_id, number in sorted(by_petition.items()):
        PetitionCounter.objects.filter(petition_id=petition_id).update(count=F("count") - number)
    for (petition_id, country), number in sorted(by_country.items()):
        CountryCount.objects.filter(petition_id=petition_id, country=country).update(
            count=F("count") - number
        )
    # Counts only go down here, by a person's decision: show it at once, not at the next
    # expiry of the cached pages (again after commit, for a page cached in between).
    page_cache_clear()
    transaction.on_commit(page_cache_clear)


@transaction.atomic
def signatures_invalidate(*, queryset: QuerySet[Signature], by_user: Any = None) -> int:
    """Invalidate the signatures (spam, fraud): they stop counting at once. Returns how many.

    Signatures already invalid are left as they are; the admin's history records who did it.
    """
    try:
        ids_sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # e.g. pk__in=[]: nothing to invalidate
        return 0
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_INVALIDATE_SQL.format(ids=ids_sql), (*params, now))
        returned = cursor.fetchall()
    _counters_subtract(
        counted=[(petition_id, country) for _, petition_id, country, was, _ in returned if was]
    )
    if by_user is not None and getattr(by_user, "pk", None):
        _history_write(user_id=by_user.pk, rows=returned)
    return len(returned)


def _history_write(*, user_id: int, rows: list[tuple[Any, ...]], batch: int = 2000) -> None:
    """One admin history entry per invalidated signature, written in batches from the rows
    the UPDATE returned (a spam wave can be tens of thousands: no model instances loaded)."""
    content_type = ContentType.objects.get_for_model(Signature)
    for start in range(0, len(rows), batch):
        LogEntry.objects.bulk_create(
            [
                LogEntry(
                    user_id=user_id,
                    content_type=content_type,
                    object_id=str(pk),
                    object_repr=f"{name} on {petition_id}"[:200],
                    action_flag=CHANGE,
                    change_message="Invalidated: no longer counted.",
                )
                for pk, petition_id, _country, _was, name in rows[start : start + batch]
            ]
        )


@transaction.atomic
def signatures_delete(*, queryset: QuerySet[Signature], by_user: Any = None) -> int:
    """Delete signatures, taking the counted ones off the counters first. Returns how many."""
    ids = list(queryset.order_by().values_list("pk", flat=True))
    if not ids:
        return 0
    signatures_invalidate(queryset=Signature.objects.filter(pk__in=ids), by_user=None)
    _, by_model = Signature.objects.filter(pk__in=ids).delete()
    # Without the rows the delete cascaded to (a signature's queued email).
    return by_model.get(Signature._meta.label, 0)
