"""Background jobs that belong to no app: any management command, and the worker's heartbeat.

The scheduler (`manage.py scheduler`, campaign/scheduler.py) enqueues these; the worker
(`manage.py db_worker`) runs them.
"""

import io
import shlex

from django.core.management import call_command
from django.tasks import task

from campaign.heartbeats import WORKER, heartbeat_record

# What a command printed is kept as the task's result, up to this many characters.
OUTPUT_KEPT = 4000


@task()
def command_run(command: str) -> str:
    """Run a management command line ("purge_signatures", "prune_db_task_results --queue-name
    *") in the worker, and return what it printed."""
    output = io.StringIO()
    name, *args = shlex.split(command)
    call_command(name, *args, stdout=output, stderr=output)
    return output.getvalue()[-OUTPUT_KEPT:]


@task()
def worker_heartbeat() -> None:
    """Record that a worker ran a task just now: /healthz sees a stopped worker by its age."""
    heartbeat_record(name=WORKER)
