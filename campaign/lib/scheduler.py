"""The scheduler: enqueues every periodic job (settings.SCHEDULE) on Django's tasks framework.

`manage.py scheduler` runs it. The timing is APScheduler's (cron lines, intervals, missed runs
coalesced); what it runs is always `task.enqueue()`, so the work itself happens in the worker,
with the worker's retries, logs and task results.

Exactly one scheduler acts, however many are started (one per node, or two during a rolling
deploy): the acting one holds a PostgreSQL session advisory lock, and the others wait as
standbys, trying to take the lock every SCHEDULER_STANDBY_POLL_SECONDS. If the acting one stops
or loses its database session, PostgreSQL releases the lock and a standby takes over. Before
each enqueue the job checks, in the same transaction, that the lock is still held by the
acting scheduler's session, so a scheduler that lost its session enqueues nothing more even
before it notices.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import shlex
import threading
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command, get_commands
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.tasks import Task, task
from django.utils.module_loading import import_string

from campaign.lib.heartbeats import SCHEDULER, heartbeat_record

logger = logging.getLogger(__name__)

# The advisory lock's two keys: the project ("camp" in ASCII) and the scheduler.
LOCK_KEYS = (0x63616D70, 1)

# What a command printed is kept as its task's result, up to this many characters.
OUTPUT_KEPT = 4000

INTERVAL = re.compile(r"^every\s+(\d+(?:\.\d+)?)\s*([smhd])$", re.IGNORECASE)
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Job:
    name: str
    when: str
    trigger: BaseTrigger
    task: Task[Any, Any]
    args: tuple[Any, ...] = field(default=())


@task()
def command_run(command: str) -> str:
    """Run a management command line ("purge_signatures", "prune_db_task_results --queue-name
    *") in the worker, and return what it printed: how a job that is a command runs."""
    output = io.StringIO()
    name, *args = shlex.split(command)
    call_command(name, *args, stdout=output, stderr=output)
    return output.getvalue()[-OUTPUT_KEPT:]


def trigger_make(*, when: str, time_zone: str) -> BaseTrigger:
    """An APScheduler trigger for "every 30s" / "every 5m" or a five-field crontab line."""
    tz = zoneinfo.ZoneInfo(time_zone)
    if match := INTERVAL.match(when.strip()):
        seconds = float(match.group(1)) * UNIT_SECONDS[match.group(2).lower()]
        if seconds <= 0:
            raise ImproperlyConfigured(f"The interval {when!r} must be longer than 0 seconds.")
        return IntervalTrigger(seconds=seconds, timezone=tz)
    fields = when.split()
    if len(fields) != 5:
        raise ImproperlyConfigured(
            f"A job's time is 'every 30s' (s, m, h, d) or a crontab line such as "
            f"'15 3 * * *', not {when!r}."
        )
    # APScheduler counts weekdays from Monday = 0, cron from Sunday = 0: names are unambiguous.
    if any(char.isdigit() for char in fields[4]):
        raise ImproperlyConfigured(
            f"Write the weekday of {when!r} as a name (mon, tue, ... sun), not a number."
        )
    try:
        return CronTrigger.from_crontab(when, timezone=tz)
    except ValueError as error:
        raise ImproperlyConfigured(f"{when!r} is not a valid crontab line: {error}") from error


def jobs_from_settings(
    schedule: dict[str, dict[str, str]] | None = None, *, time_zone: str | None = None
) -> list[Job]:
    """The jobs of settings.SCHEDULE, checked: every task and command must exist."""
    schedule = settings.SCHEDULE if schedule is None else schedule
    time_zone = time_zone or settings.TIME_ZONE
    commands = get_commands()
    jobs = []
    for name, spec in schedule.items():
        trigger = trigger_make(when=spec["when"], time_zone=time_zone)
        if "task" in spec:
            try:
                task = import_string(spec["task"])
            except ImportError as error:
                raise ImproperlyConfigured(f"Job {name}: no task {spec['task']!r}.") from error
            if not isinstance(task, Task):
                raise ImproperlyConfigured(f"Job {name}: {spec['task']!r} is not a task.")
            jobs.append(Job(name=name, when=spec["when"], trigger=trigger, task=task))
        elif "command" in spec:
            command = spec["command"].split()[0]
            if command not in commands:
                raise ImproperlyConfigured(f"Job {name}: no management command {command!r}.")
            jobs.append(
                Job(
                    name=name,
                    when=spec["when"],
                    trigger=trigger,
                    task=command_run,
                    args=(spec["command"],),
                )
            )
        else:
            raise ImproperlyConfigured(f"Job {name} needs a 'task' or a 'command'.")
    return jobs


def lock_try() -> bool:
    """Take the scheduler's advisory lock on this thread's connection, if nobody holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", LOCK_KEYS)
        return bool(cursor.fetchone()[0])


def lock_release() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", LOCK_KEYS)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def lock_held_by(pid: int) -> bool:
    """Whether the database session `pid` holds the scheduler's lock right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
            "AND classid = %s AND objid = %s AND objsubid = 2 AND pid = %s AND granted)",
            [*LOCK_KEYS, pid],
        )
        return bool(cursor.fetchone()[0])


def job_enqueue(job: Job, leader_pid: int) -> None:
    """Enqueue one run of a job, if the scheduler that planned it still holds the lock."""
    close_old_connections()
    try:
        with transaction.atomic():
            if not lock_held_by(leader_pid):
                logger.warning("Job %s not enqueued: this scheduler no longer acts.", job.name)
                return
            result = job.task.enqueue(*job.args)
        logger.info("Enqueued job %s (task %s)", job.name, result.id)
    except DatabaseError:
        logger.exception("Job %s could not be enqueued", job.name)
    finally:
        close_old_connections()


class Scheduler:
    """One scheduler process: a standby until it holds the lock, then the acting scheduler."""

    def __init__(
        self,
        *,
        jobs: list[Job],
        heartbeat_seconds: float | None = None,
        standby_poll_seconds: float | None = None,
        on_state: Callable[[str], None] | None = None,
    ) -> None:
        self.jobs = jobs
        self.heartbeat_seconds = heartbeat_seconds or settings.SCHEDULER_HEARTBEAT_SECONDS
        self.standby_poll_seconds = standby_poll_seconds or settings.SCHEDULER_STANDBY_POLL_SECONDS
        self.stopping = threading.Event()
        self.on_state = on_state or (lambda state: None)

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        """Wait for the lock, act while holding it, and wait again if it is lost; until stop()."""
        announced_standby = False
        failures = 0
        while not self.stopping.is_set():
            try:
                if lock_try():
                    failures = 0
                    announced_standby = False
                    self._act()
                    continue
                if not announced_standby:
                    logger.info("Standby: another scheduler acts; taking over if it stops.")
                    self.on_state("standby")
                    announced_standby = True
                failures = 0
                self.stopping.wait(self.standby_poll_seconds)
            except DatabaseError:
                failures += 1
                delay = min(60.0, self.standby_poll_seconds * 2 ** min(failures, 4))
                logger.exception("Scheduler lost the database; trying again in %.0f s", delay)
                connection.close()
                announced_standby = False
                self.stopping.wait(delay)

    def _act(self) -> None:
        pid = backend_pid()
        runner = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(4)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
            timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE),
        )
        for job in self.jobs:
            runner.add_job(job_enqueue, job.trigger, args=(job, pid), id=job.name, name=job.name)
        heartbeat_record(name=SCHEDULER)
        runner.start()
        logger.info(
            "Acting scheduler: %s", ", ".join(f"{job.name} ({job.when})" for job in self.jobs)
        )
        self.on_state("acting")
        try:
            while not self.stopping.wait(self.heartbeat_seconds):
                # On the session that holds the lock: if it is gone, this raises.
                heartbeat_record(name=SCHEDULER)
        finally:
            runner.shutdown(wait=False)
            if self.stopping.is_set():
                with contextlib.suppress(DatabaseError):
                    lock_release()
                logger.info("Scheduler stopped.")
