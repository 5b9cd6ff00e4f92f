"""The README's commands in a newcomer's checkout, as real processes with a clean environment.

A copy of the project (its .venv linked, not copied) stands in for the checkout, so that its
`.devdb/` is the copy's own: no DATABASE_URL, no DJANGO_SECRET_KEY, nothing but PATH and HOME.
"""

import fcntl
import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from campaign.devdb import free_port

ROOT = Path(__file__).resolve().parent.parent
# What a checkout has, less what this one made or keeps for itself (its environment, database,
# caches) and what the commands do not need.
LEFT_OUT = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".devdb",
    ".env",
    "__pycache__",
    ".*_cache",
    "staticfiles",
    "test-results",
    "tests",
    "bench",
)
PASSWORD = "a-long-organiser-passphrase-7"


@pytest.fixture(scope="module")
def checkout() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="campaign-checkout-"))
    folder.chmod(0o755)
    shutil.copytree(ROOT, folder, ignore=LEFT_OUT, dirs_exist_ok=True)
    (folder / ".venv").symlink_to(Path(sys.prefix))
    yield folder
    pid_file = folder / ".devdb" / "data" / "postmaster.pid"
    if pid_file.exists():  # a failed test left it running
        os.kill(int(pid_file.read_text().split()[0]), signal.SIGQUIT)
    shutil.rmtree(folder, ignore_errors=True)


def clean_env() -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}


def server_running(checkout: Path) -> bool:
    return (checkout / ".devdb" / "data" / "postmaster.pid").exists()


def manage(checkout: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [".venv/bin/python", "manage.py", *args],
        cwd=checkout,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def make_run(checkout: Path, port: int) -> subprocess.Popen:
    """`make run` in its own process group, as a terminal would start it; once it serves."""
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=checkout,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode()
        try:
            if requests.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                return process
        except requests.ConnectionError:
            time.sleep(0.25)
    process.kill()
    raise AssertionError(f"make run did not serve: {process.stdout.read().decode()}")


def wait_stopped(process: subprocess.Popen, checkout: Path, port: int) -> None:
    process.wait(timeout=60)
    deadline = time.monotonic() + 30
    while server_running(checkout) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not server_running(checkout)
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def createsuperuser_in_a_terminal(checkout: Path, answers: list[tuple[str, str]]) -> str:
    """`.venv/bin/python manage.py createsuperuser` as typed in a terminal: it asks, we answer."""
    leader, follower = pty.openpty()

    def controlling_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [".venv/bin/python", "manage.py", "createsuperuser"],
        cwd=checkout,
        env=clean_env(),
        stdin=follower,
        stdout=follower,
        stderr=follower,
        preexec_fn=controlling_terminal,  # the pty becomes its terminal, as getpass wants
    )
    os.close(follower)
    screen = ""
    pending = list(answers)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                data = os.read(leader, 4096).decode(errors="replace")
            except OSError:  # the terminal closed: the command ended
                break
            if not data:
                break
            screen += data
        prompt = screen.split("\n")[-1]
        if pending and prompt.startswith(pending[0][0]) and prompt.rstrip().endswith(":"):
            os.write(leader, (pending.pop(0)[1] + "\n").encode())
            screen += "\n"
        if process.poll() is not None and not ready:
            break
    os.close(leader)
    assert process.wait(timeout=30) == 0, screen
    return screen


def test_manage_py_with_nothing_set_uses_the_checkouts_own_postgresql_and_stops_it(checkout):
    result = manage(checkout, "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    assert not server_running(checkout)
    result = manage(
        checkout,
        "shell",
        "-c",
        "from django.db import connection as c; print(c.vendor, c.pg_version // 10000)",
    )
    assert result.stdout.splitlines()[-1] == "postgresql 18", result.stderr


def test_make_run_then_the_readmes_createsuperuser_then_the_admin(checkout):
    port = free_port()
    server = make_run(checkout, port)
    try:
        screen = createsuperuser_in_a_terminal(
            checkout,
            [
                ("Username", "organiser"),
                ("Email address", "organiser@example.org"),
                ("Password", PASSWORD),
                ("Password (again)", PASSWORD),
            ],
        )
        assert "Superuser created successfully." in screen
        assert server_running(checkout), "createsuperuser stopped the server make run uses"

        session = requests.Session()
        login = f"http://127.0.0.1:{port}/admin/login/"
        session.get(login, timeout=10)
        response = session.post(
            login,
            data={
                "username": "organiser",
                "password": PASSWORD,
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
                "next": "/admin/",
            },
            headers={"Referer": login},
            timeout=10,
        )
        assert response.url == f"http://127.0.0.1:{port}/admin/"
        assert "Log out" in response.text
    finally:
        os.kill(server.pid, signal.SIGTERM)  # `kill` of make alone, not its process group
    wait_stopped(server, checkout, port)


def test_make_run_keeps_its_data_and_ctrl_c_stops_postgresql(checkout):
    result = manage(
        checkout,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; User.objects.create(username='kept')",
    )
    assert result.returncode == 0, result.stderr
    port = free_port()
    server = make_run(checkout, port)
    try:
        result = manage(
            checkout,
            "shell",
            "-c",
            "from django.contrib.auth.models import User;"
            " print(User.objects.filter(username='kept').count())",
        )
        assert result.stdout.splitlines()[-1] == "1", result.stderr
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
    wait_stopped(server, checkout, port)


def test_production_settings_refuse_to_start_without_their_secrets(checkout):
    env = {**clean_env(), "DJANGO_DEBUG": "false"}
    result = subprocess.run(
        [".venv/bin/python", "manage.py", "check"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr
    result = subprocess.run(
        [".venv/bin/python", "manage.py", "check"],
        cwd=checkout,
        env={**env, "DJANGO_SECRET_KEY": "a-real-secret"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Set DATABASE_URL" in result.stderr
