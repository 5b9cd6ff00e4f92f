"""Queue a task so that a run starts after now, without a task for every event.

Used for the confirmation outbox's drain (every signing) and the petition counter's refresh
(every confirmation). After an event is committed, some run must start later than that commit.
Each process remembers, per key, when the run it queued last will start (its run_after); while
that is still at least `margin` away, that run will see this event and nothing more is queued.
Otherwise a new run is queued for `delay` from now. So a busy process queues about one run per
`delay` per key however many events there are, and an event waits about `delay` plus the
worker's polling interval. The margin covers clock differences between web and worker hosts
(the worker compares run_after with its own clock).

A backend that cannot defer (the immediate backend of `make run` and of most tests) runs the
task at once, after the commit, every time: there is no worker to wait for.
"""

import threading
import time
from collections.abc import Hashable
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.tasks import Task


class Debounced:
    """One task, queued at most about once per `delay` seconds per key in this process."""

    def __init__(self, task: Task[Any, Any], *, delay: float = 1.0, margin: float = 0.5) -> None:
        self.task = task
        self.delay = delay
        self.margin = margin
        self._lock = threading.Lock()
        self._next_at: dict[Hashable, float] = {}

    def schedule(self, *args: Any, key: Hashable = None) -> None:
        """Make sure a run with these arguments starts after this moment (or this commit)."""
        # Inside a transaction the event becomes visible only at commit: schedule from there.
        transaction.on_commit(lambda: self._enqueue(args, key))

    def _enqueue(self, args: tuple[Any, ...], key: Hashable) -> None:
        if not self.task.get_backend().supports_defer:
            self.task.enqueue(*args)
            return
        now = time.time()
        with self._lock:
            if self._next_at.get(key, 0.0) - now >= self.margin:
                return
            run_at = now + self.delay
            self.task.using(run_after=datetime.fromtimestamp(run_at, tz=UTC)).enqueue(*args)
            self._next_at[key] = run_at

    def forget(self) -> None:
        """Forget what this process queued (tests start each case from a clean slate)."""
        with self._lock:
            self._next_at.clear()
