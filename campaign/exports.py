"""The log of every export: who exported what, when, and how many rows.

An export is logged when it starts (`export_log_start`) and marked finished with its row count
when its last row is out (`export_log_finish`): a download the client abandoned stays
unfinished. The CSV itself is streamed by campaign/lib/csv.py.
"""

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from campaign.models import ExportLog


def export_log_start(
    *,
    user: Any,
    kind: str,
    source: str = ExportLog.Source.ADMIN,
    preset: str = "",
    petition: Any = None,
    filters: dict[str, Any] | None = None,
    columns: Sequence[str] = (),
) -> ExportLog:
    """Record that an export begins; its row count is filled in when the last row is out."""
    return ExportLog.objects.create(
        user=user if getattr(user, "pk", None) else None,
        source=source,
        kind=kind,
        preset=preset,
        petition=petition,
        filters=filters or {},
        columns=list(columns),
    )


def export_log_finish(*, log: ExportLog, rows: int) -> None:
    """Mark an export finished with its row count."""
    log.row_count, log.finished_at, log.is_finished = rows, timezone.now(), True
    ExportLog.objects.filter(pk=log.pk).update(
        row_count=rows, finished_at=log.finished_at, is_finished=True
    )
