"""Heartbeats of the background processes, written by them and read by /healthz."""

from datetime import datetime

from django.db.models import Case, F, Min, When
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from campaign.models import Heartbeat

SCHEDULER = "scheduler"
WORKER = "worker"


def heartbeat_record(*, name: str, now: datetime | None = None) -> None:
    """Record that the process `name` is alive now (one upsert)."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=name, beat_at=now or timezone.now())],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["beat_at"],
    )


def heartbeat_ages(*, now: datetime | None = None) -> dict[str, float]:
    """Seconds since each process last beat, by name."""
    now = now or timezone.now()
    return {
        name: (now - beat_at).total_seconds()
        for name, beat_at in Heartbeat.objects.values_list("name", "beat_at")
    }


def task_oldest_due() -> datetime | None:
    """When the task that has waited longest for a worker became due (None: none waits)."""
    oldest: datetime | None = (
        DBTaskResult.objects.ready()
        .annotate(
            due=Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
        )
        .aggregate(oldest=Min("due"))["oldest"]
    )
    return oldest


@task()
def worker_heartbeat() -> None:
    """Record that a worker ran a task just now: /healthz sees a stopped worker by its age.

    The scheduler's `worker_heartbeat` job enqueues it every 30 seconds.
    """
    heartbeat_record(name=WORKER)
