"""Draining an outbox table: rows that are due, each sent and then deleted on its own.

Several drains may run at once (several workers, hosts) and none may send a row another is
sending. A drain picks a batch of due rows with FOR UPDATE SKIP LOCKED, and in that short
transaction takes a session advisory lock on each (`pg_try_advisory_lock`, one key space per
outbox): a row whose lock another drain holds is left to it. Then, outside any transaction,
each row is attempted and, unless it is to be retried, deleted at once (one statement,
committed), and its lock released.

So a process killed mid-batch resends at most the one email it was sending when it died: the
rows it had sent are deleted already, the ones it had not are not sent twice, and PostgreSQL
releases a dead session's advisory locks at once, so the next drain (the restarted worker's
start-up drain, another worker, the safety-net command) takes them right away. Before, a batch
was sent and deleted in one transaction, and a kill resent up to the whole batch (49 more).

A row the attempt rescheduled ("retrying", a later `send_after`) stays in the table.
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

RETRYING = "retrying"

# Advisory lock keys: the outbox's space in the high bits, the row's id in the low 40.
ROW_BITS = 40


def _key(space: int, pk: int) -> int:
    return (space << ROW_BITS) | pk


def _locks_take(space: int, pks: list[int]) -> set[int]:
    """The rows of `pks` whose advisory lock this session took (one statement)."""
    if not pks:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pk FROM unnest(%s::bigint[]) AS pk "
            "WHERE pg_try_advisory_lock((%s::bigint << %s) | pk)",
            [pks, space, ROW_BITS],
        )
        return {pk for (pk,) in cursor.fetchall()}


def _done(table: str, column: str, space: int, pk: int) -> None:
    """Delete a finished row and release its lock: one statement, committed at once."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH gone AS (DELETE FROM {table} WHERE {column} = %s) "  # noqa: S608 - a model's
            "SELECT pg_advisory_unlock(%s)",
            [pk, _key(space, pk)],
        )


def _unlock(space: int, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(space, pk)])


def outbox_drain(
    *,
    rows: Callable[[], QuerySet[Any]],
    attempt: Callable[[Any], str],
    batch: int,
    lock_space: int,
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
            locked = _locks_take(lock_space, [row.pk for row in due])
            mine = [row for row in due if row.pk in locked]
        if not mine:
            break  # nothing due, or every due row is another drain's now: it sends them
        meta = type(mine[0])._meta
        table, column = meta.db_table, meta.pk.column
        for number, row in enumerate(mine):
            try:
                outcome = attempt(row)
            except BaseException:
                for left in mine[number:]:
                    _unlock(lock_space, left.pk)
                raise
            totals[outcome] += 1
            if outcome == RETRYING:
                retry_at: datetime = row.send_after
                next_retry = retry_at if next_retry is None else min(next_retry, retry_at)
                _unlock(lock_space, row.pk)
            else:
                _done(table, column, lock_space, row.pk)
    return totals, next_retry
