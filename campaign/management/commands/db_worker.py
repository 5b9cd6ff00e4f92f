"""`manage.py db_worker`: django-tasks-db's worker, kept running through a database outage.

django-tasks-db's own worker exits on the first database error, idle or busy, and needs an
outside restart. This command keeps its options and its loop, and wraps the loop: on a database
error it logs, closes the connections, waits (1 s, doubling up to 30 s) and tries again, for as
long as it takes. It never exits for a database error; SIGTERM and SIGINT still stop it.

On start and after every reconnection it queues the tasks named in WORKER_STARTUP_TASKS (the
outbox drains): a task that was running when a worker died or lost the database stays RUNNING
in django-tasks-db for ever, and what it was sending must not wait for the next scheduled run.

Like every management command it runs the system checks first, so with DJANGO_DEBUG=false a
half-configured worker refuses to start.
"""

import contextlib
import logging
import time
from typing import Any

from django.conf import settings
from django.db import Error, connections, router
from django.utils.module_loading import import_string
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("campaign.worker")

RECONNECT_FIRST_DELAY = 1.0
RECONNECT_MAX_DELAY = 30.0


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class Worker(db_worker.Worker):
    """django-tasks-db's worker loop, restarted after a database error instead of exiting."""

    def run(self) -> None:
        delay = RECONNECT_FIRST_DELAY
        outage_since: float | None = None
        while True:
            try:
                self.start_tasks_enqueue()
                if outage_since is not None:
                    logger.warning(
                        "The database is reachable again after %.0f s; the worker goes on.",
                        time.monotonic() - outage_since,
                    )
                    outage_since, delay = None, RECONNECT_FIRST_DELAY
                super().run()
                return
            except Error as error:
                if not self.running:
                    return
                if outage_since is None:
                    outage_since = time.monotonic()
                logger.error(
                    "The database is unavailable (%s: %s); the worker waits %.0f s and tries "
                    "again.",
                    type(error).__name__,
                    _first_line(error),
                    delay,
                )
                for connection in connections.all(initialized_only=True):
                    with contextlib.suppress(Exception):
                        connection.close()
                # No random start-up pause on the way back in: the wait was the pause.
                self.startup_delay = False
                time.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_DELAY)

    def start_tasks_enqueue(self) -> None:
        """Queue the start-up tasks; in --batch mode only check that the database answers."""
        if self.batch:
            connections[router.db_for_write(DBTaskResult)].ensure_connection()
            return
        for path in settings.WORKER_STARTUP_TASKS:
            import_string(path).enqueue()


class Command(db_worker.Command):
    help = (
        "Run a database background worker (django-tasks-db's, waiting through database "
        "outages instead of exiting)"
    )

    def handle(self, **options: Any) -> None:
        # django-tasks-db's handle() builds its Worker by this module-level name; give it ours.
        original = db_worker.Worker
        db_worker.Worker = Worker  # type: ignore[misc]
        try:
            super().handle(**options)
        finally:
            db_worker.Worker = original  # type: ignore[misc]
