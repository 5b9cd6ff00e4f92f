"""A throwaway PostgreSQL cluster for the test suite.

When DATABASE_URL is unset the suite must still run against real PostgreSQL, so it makes a
cluster of its own: initdb into a temporary folder, pg_ctl start on a free loopback port with
durability off (fsync, full-page writes and synchronous commit buy nothing for a cluster that is
deleted at the end), and pg_ctl stop when the run ends. initdb refuses to run as root, so as root
the cluster belongs to the `postgres` system user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class ClusterError(RuntimeError):
    pass


def find_bindir() -> Path:
    """The folder holding initdb and pg_ctl: $PG_BINDIR, PATH, or Debian's versioned folders."""
    if configured := os.environ.get("PG_BINDIR"):
        return Path(configured)
    if found := shutil.which("pg_ctl"):
        path = Path(found).resolve().parent
        if (path / "initdb").exists():
            return path

    def major(path: str) -> int:
        name = Path(path).parent.parent.name
        return int(name) if name.isdigit() else 0

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=major)
    if candidates:
        return Path(candidates[-1]).parent
    raise ClusterError(
        "No PostgreSQL server binaries (initdb, pg_ctl) found. Install them (Debian: "
        "`apt-get install postgresql`), set PG_BINDIR, or set DATABASE_URL to a server."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    bindir: Path
    root: Path
    port: int
    run_as: str | None

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        command = list(args)
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)

    def start(self) -> None:
        if self.run_as:
            user = pwd.getpwnam(self.run_as)
            os.chown(self.root, user.pw_uid, user.pw_gid)
        try:
            self._run(
                str(self.bindir / "initdb"),
                "-D",
                str(self.datadir),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
            options = " ".join(
                [
                    f"-p {self.port}",
                    "-c listen_addresses=127.0.0.1",
                    f"-c unix_socket_directories={self.root}",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=200",
                    "-c shared_buffers=128MB",
                ]
            )
            self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.datadir),
                "-o",
                options,
                "-l",
                str(self.root / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            )
        except subprocess.CalledProcessError as error:
            log = self.root / "server.log"
            detail = log.read_text() if log.exists() else ""
            raise ClusterError(
                f"Could not start PostgreSQL: {error.stderr or error.stdout}\n{detail}"
            ) from error

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(
                str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop"
            )
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> Cluster:
    """Start a fresh cluster and return it; the caller stops it."""
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError as error:
            raise ClusterError(
                "Running as root, initdb needs the `postgres` system user (Debian's postgresql "
                "package creates it)."
            ) from error
        run_as = "postgres"
    root = Path(tempfile.mkdtemp(prefix="campaign-test-pg-"))
    cluster = Cluster(bindir=find_bindir(), root=root, port=free_port(), run_as=run_as)
    cluster.start()
    return cluster
