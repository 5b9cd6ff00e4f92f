"""Draining an outbox table: rows that are due, taken in batches, sent, and deleted.

Several drains may run at once (several workers, hosts): each takes its batch with FOR UPDATE
SKIP LOCKED, so none waits for another and no row is taken twice. A batch is sent and its
finished rows deleted in one transaction: if the process dies mid-batch, the batch is sent
again (at least once, never lost). A row the attempt rescheduled ("retrying") stays.
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

RETRYING = "retrying"


def outbox_drain(
    *, rows: Callable[[], QuerySet[Any]], attempt: Callable[[Any], str], batch: int
) -> tuple[Counter[str], datetime | None]:
    """Attempt every due row of `rows()` (ordered, with a `send_after` field).

    Returns how many rows had each outcome, and the earliest `send_after` of the rows left to
    retry (None if none), for the caller to queue the next drain.
    """
    totals: Counter[str] = Counter()
    next_retry: datetime | None = None
    while True:
        with transaction.atomic():
            due = list(
                rows()
                .select_for_update(skip_locked=True, of=("self",))
                .filter(send_after__lte=timezone.now())[:batch]
            )
            if not due:
                break
            finished = []
            for row in due:
                outcome = attempt(row)
                totals[outcome] += 1
                if outcome == RETRYING:
                    retry_at: datetime = row.send_after
                    next_retry = retry_at if next_retry is None else min(next_retry, retry_at)
                else:
                    finished.append(row.pk)
            type(due[0])._default_manager.filter(pk__in=finished).delete()
    return totals, next_retry
