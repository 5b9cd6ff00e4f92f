"""Our db_worker swaps its own Worker into django-tasks-db's command (issue 20, item 10).

django-tasks-db 0.13 has no extension point for the worker class: its command's handle()
builds `Worker(...)` by the module-level name, so campaign/management/commands/db_worker.py
reassigns that name for the duration of handle(). These tests fail when an upgrade of the
library breaks what the patch relies on; pyproject.toml pins the library below 0.14.
"""

import inspect
from importlib.metadata import version

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker as library

from campaign.management.commands import db_worker as ours


def test_the_library_builds_its_worker_by_the_module_level_name():
    source = inspect.getsource(library.Command.handle)
    assert "worker = Worker(" in source
    assert version("django-tasks-db").startswith("0.13.")


def test_our_worker_keeps_the_librarys_interface():
    assert issubclass(ours.Worker, library.Worker)
    for name in ("run", "shutdown", "configure_signals", "run_task"):
        assert callable(getattr(library.Worker, name))
    parameters = set(inspect.signature(library.Worker.__init__).parameters)
    assert {"queue_names", "interval", "batch", "startup_delay", "max_tasks"} <= parameters


@pytest.mark.django_db(transaction=True)
def test_the_command_runs_our_worker_and_puts_the_librarys_back(monkeypatch, settings):
    started = []
    monkeypatch.setattr(ours.Worker, "start_tasks_enqueue", lambda self: started.append(self))
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(started) == 1
    assert isinstance(started[0], ours.Worker)
    assert library.Worker is not ours.Worker  # restored after the command
