"""A real `manage.py db_worker` for the letters' fault tests, and the fixtures that run it."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.smtp_fake import FakeSMTP

BASE_DIR = Path(__file__).resolve().parents[2]
TIMEOUT = 60.0  # seconds before a wait gives up and fails the test


def wait_until(predicate: Callable[[], object], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"Waited {timeout:.0f} s for {what}.")
        time.sleep(0.1)


def database_url(settings_dict: dict) -> str:
    user = quote(settings_dict["USER"] or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def worker_env(*, database: str, smtp: FakeSMTP) -> dict[str, str]:
    """The production environment of a worker: PostgreSQL, the database task queue, SMTP."""
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "campaign.settings",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database,
        "TASKS_BACKEND": "database",
        "MAILER": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMTP_USE_TLS": "false",
        "SMTP_USER": "",
        "SMTP_PASSWORD": "",
        "PYTHONUNBUFFERED": "1",
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class Worker:
    """`manage.py db_worker --queue-name default,email`, its output in a file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log_path = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--queue-name",
                    "default,email",
                    "--interval",
                    "0.2",
                    "--no-startup-delay",
                    "--no-reload",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def wait_for_log(self, text: str, *, count: int = 1) -> None:
        wait_until(
            lambda: self.log().count(text) >= count or not self.alive,
            f"{text!r} ({count}x) in the worker's log",
        )
        assert self.alive, f"The worker exited:\n{self.log()}"

    def kill(self) -> None:
        assert self.process
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=TIMEOUT)

    def stop(self) -> None:
        if self.alive:
            assert self.process
            self.process.terminate()
            try:
                self.process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def smtp() -> Iterator[FakeSMTP]:
    server = FakeSMTP().start()
    yield server
    server.stop()


@pytest.fixture
def workers(transactional_db, smtp, tmp_path) -> Iterator[Callable[[], Worker]]:
    """Start workers on the test database; all are stopped before the database is emptied."""
    started: list[Worker] = []
    env = worker_env(database=database_url(connection.settings_dict), smtp=smtp)

    def start() -> Worker:
        worker = Worker(env, tmp_path / "worker.log").start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
