"""The production topology on this machine, without containers: `make prod-local`.

Development tooling like campaign/devdb.py: run as `python -m campaign.prodlocal`, never imported
by the site.

PostgreSQL (campaign/devdb.py, data kept in .prodlocal/postgres), Redis for the shared cache
(Debian's `redis-server`), two gunicorn web nodes on two ports, the worker (`db_worker`) and
the scheduler, all with production settings (DEBUG off, the database task queue, the page cache
in Redis). Each process's output is printed with its name in front. Ctrl-C (or SIGTERM) stops
them all, then Redis and PostgreSQL.

    make prod-local                      # http://127.0.0.1:8000 and http://127.0.0.1:8001
    PORT=9000 make prod-local            # 9000 and 9001

Emails are printed by the worker (MAILER=console). The environment may override any setting
(a real MAILER, say). This is what compose.yaml runs in containers, minus Caddy's TLS.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from campaign.devdb import cluster_start, free_port

ROOT = Path(__file__).resolve().parent.parent

STATE = ROOT / ".prodlocal"
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("PORT", "8000"))
CAMPAIGN = os.environ.get("CAMPAIGN", "fixtures/landmine-maps")


def secret_key() -> str:
    """A key kept in .prodlocal, so sessions and links survive a restart."""
    path = STATE / "secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def environment(database_url: str, redis_url: str) -> dict[str, str]:
    env = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secret_key(),
        "DATABASE_URL": database_url,
        "CACHE_URL": redis_url,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "TASKS_BACKEND": "database",
        "MAILER": "console",
        "PYTHONUNBUFFERED": "1",
    }
    # Anything set in the environment wins (a real MAILER, LOG_FORMAT=json, ...).
    return {**os.environ, **env, **{k: v for k, v in os.environ.items() if k in env}}


def pipe(name: str, process: subprocess.Popen[bytes]) -> None:
    """Print a process's output line by line, with its name in front."""
    assert process.stdout is not None, "started with stdout=PIPE"
    for line in iter(process.stdout.readline, b""):
        sys.stdout.write(f"{name:>9} | {line.decode(errors='replace')}")
        sys.stdout.flush()


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the process exited ({process.returncode}).")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own loopback server
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer in {seconds:.0f} s.")


def main() -> None:
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        raise SystemExit("redis-server is needed (Debian: apt-get install redis-server).")
    STATE.mkdir(exist_ok=True)
    (STATE / "redis").mkdir(exist_ok=True)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stopping.set())

    cluster = cluster_start(folder=STATE / "postgres")
    started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(  # noqa: S603 - our own commands
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us only; we stop them in order
        )
        started.append((name, process))
        threading.Thread(target=pipe, args=(name, process), daemon=True).start()
        return process

    try:
        redis_port = free_port()
        start(
            "redis",
            [
                redis_server,
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(STATE / "redis"),
            ],
            dict(os.environ),
        )
        env = environment(cluster.url, f"redis://127.0.0.1:{redis_port}/0")
        manage = [str(BIN / "python"), "manage.py"]
        for step in (
            ["migrate", "--noinput"],
            ["collectstatic", "--noinput", "-v0"],
            ["load_campaign", CAMPAIGN],
        ):
            subprocess.run([*manage, *step], cwd=ROOT, env=env, check=True)  # noqa: S603
        for number, port in enumerate((PORT, PORT + 1)):
            name = f"web-{'ab'[number]}"
            node = start(
                name,
                [
                    str(BIN / "gunicorn"),
                    "campaign.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--worker-class",
                    "gthread",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--timeout",
                    "120",
                    "--access-logfile",
                    "-",
                    "--no-control-socket",  # two masters on one machine
                ],
                env,
            )
            wait_for(f"http://127.0.0.1:{port}/healthz?check=database", node)
        start("worker", [*manage, "db_worker", "--queue-name", "default,email"], env)
        start("scheduler", [*manage, "scheduler"], env)
        print(
            f"\nServing http://127.0.0.1:{PORT}/ and http://127.0.0.1:{PORT + 1}/ "
            f"(health: /healthz). Ctrl-C stops everything.\n",
            flush=True,
        )
        while not stopping.is_set():
            for name, process in started:
                if process.poll() is not None:
                    print(f"{name} exited ({process.returncode}); stopping.", flush=True)
                    stopping.set()
            stopping.wait(1)
    finally:
        for _name, process in reversed(started):
            if process.poll() is None:
                process.terminate()
        for _name, process in reversed(started):
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        cluster.stop()
        print("Stopped: web nodes, worker, scheduler, Redis and PostgreSQL.", flush=True)


if __name__ == "__main__":
    main()
