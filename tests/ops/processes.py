"""Real processes for the operations tests: gunicorn nodes, workers, schedulers, Redis.

Each process writes its output to a file; tests wait for a line in it rather than sleeping.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
WAIT_SECONDS = 60


def database_url(name: str | None = None) -> str:
    """The URL of the test database (or another database on the same server)."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT']}/{name or db['NAME']}"


def process_env(**overrides: str) -> dict[str, str]:
    """The environment of a production process of the project, on the test database."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "campaign.settings",
            "DATABASE_URL": database_url(),
            "DJANGO_DEBUG": "false",
            # The test's own key: links the test signs (tokens) work in the processes.
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_MANIFEST": "false",
            "SITE_URL": "http://testserver",
            "TASKS_BACKEND": "database",
            "MAILER": "console",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return env


class Process:
    """A child process whose output goes to a log file the test can wait on."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], folder: Path) -> None:
        self.name = name
        self.log_path = folder / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.popen = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text: str, *, after: int = 0, timeout: float = WAIT_SECONDS) -> int:
        """Wait until `text` appears in the output (past character `after`); its position."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            position = self.log().find(text, after)
            if position >= 0:
                return position
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.log()[-4000:]}")
            time.sleep(0.1)
        raise AssertionError(f"{self.name}: no {text!r} in {timeout} s:\n{self.log()[-4000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)
        self._log.close()


class Processes:
    """Starts processes and stops every one of them at the end, whatever happened."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="campaign-ops-"))
        self.started: list[Process] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> Process:
        process = Process(name, command, env, self.folder)
        self.started.append(process)
        return process

    def manage(self, name: str, *args: str, env: dict[str, str]) -> Process:
        return self.start(name, [str(BIN / "python"), "manage.py", *args], env)

    def gunicorn(self, name: str, port: int, env: dict[str, str], workers: int = 2) -> Process:
        command = [
            str(BIN / "gunicorn"),
            "campaign.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--no-control-socket",
        ]
        process = self.start(name, command, env)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/healthz?check=database",
                    headers={"Host": "localhost"},
                )
                urllib.request.urlopen(request, timeout=2)  # noqa: S310
                return process
            if process.popen.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"{name} did not answer:\n{process.log()[-4000:]}")

    def redis(self, port: int) -> Process:
        redis_server = shutil.which("redis-server") or "/usr/bin/redis-server"
        command = [
            redis_server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.folder),
        ]
        process = self.start("redis", command, dict(os.environ))
        process.wait_for("Ready to accept connections")
        return process

    def stop_all(self) -> None:
        for process in reversed(self.started):
            process.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
