"""Page benchmark: the public pages a surge reads, against the "ok" floor on the same gunicorn.

Run by hand, never by the test suite (a few minutes; it wants the whole machine):

    .venv/bin/python bench/page_bench.py                    # Redis page cache, as in production
    BENCH_CACHE=locmem .venv/bin/python bench/page_bench.py  # the per-process default

It starts its own throwaway PostgreSQL (campaign/devdb.py) and Redis (`redis-server`), loads
the campaign's fixtures, serves the project with gunicorn (production settings, DEBUG off,
CACHE_URL pointing at that Redis) under bench/petition_settings.py, which adds the floor
views, and drives it with wrk. Measured in turns, BENCH_ROUNDS times each (default 3), medians
reported: the floor (`GET /bench/floor-ok/`, a view answering "ok" through the same
middleware), the petition page, the home page and count.json. Then 1,000,000 signatures are
inserted into the campaign's petition, and its page is measured in turns with the page of a
second petition with none. Targets (issue 11): petition page and home page >= 0.33 of the
floor, count.json >= 0.50, page at 1M >= 0.90 of the page at 0.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.petition_bench import (  # noqa: E402
    SIGNATURES,
    WORKER_CLASS,
    WORKERS,
    environment,
    petition_create,
    signatures_bulk_insert,
    wrk,
)
from campaign.devdb import cluster_start, free_port  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CACHE = os.environ.get("BENCH_CACHE", "redis")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))


def redis_start(port: int, folder: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return process


def gunicorn_start(env: dict[str, str], port: int) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "campaign.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        WORKER_CLASS,
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/floor-ok/", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer")


def main() -> None:
    cluster = cluster_start()
    redis_folder = Path(tempfile.mkdtemp(prefix="campaign-bench-redis-"))
    processes: list[subprocess.Popen] = []
    try:
        env = environment(cluster.url)
        if CACHE == "redis":
            redis_port = free_port()
            processes.append(redis_start(redis_port, redis_folder))
            env["CACHE_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        subprocess.run(
            [sys.executable, "manage.py", "load_campaign", "-v0"], cwd=ROOT, env=env, check=True
        )
        os.environ.update(env)
        import django

        django.setup()
        from petitions.models import Petition

        petition = Petition.objects.get()
        port = free_port()
        processes.append(gunicorn_start(env, port))
        base = f"http://127.0.0.1:{port}"
        urls = {
            "floor (ok)": f"{base}/bench/floor-ok/",
            "petition page": f"{base}/petitions/{petition.slug}/",
            "home page": f"{base}/",
            "count.json": f"{base}/petitions/{petition.slug}/count.json",
        }
        runs: dict[str, list[dict]] = {}

        def measure(name: str, url: str) -> None:
            runs.setdefault(name, []).append(wrk(url, CONNECTIONS, env))

        for url in urls.values():
            wrk(url, CONNECTIONS, env)  # warm-up, not reported
        for _ in range(ROUNDS):
            for name, url in urls.items():
                measure(name, url)

        seconds = signatures_bulk_insert(petition, SIGNATURES)
        print(f"Inserted {SIGNATURES:,} signatures in {seconds:.1f} s", flush=True)
        empty = petition_create("empty-petition")
        big_url, empty_url = urls["petition page"], f"{base}/petitions/{empty.slug}/"
        wrk(big_url, CONNECTIONS, env)
        wrk(empty_url, CONNECTIONS, env)
        for _ in range(ROUNDS):
            measure(f"petition page, {SIGNATURES:,} signatures", big_url)
            measure("petition page, 0 signatures (other petition)", empty_url)

        print(
            f"\ngunicorn {WORKERS} {WORKER_CLASS} workers; cache: {CACHE}; wrk -t2 "
            f"-c{CONNECTIONS}, {ROUNDS} rounds in turns; medians\n"
        )
        print("| what | req/s (median) | range | p50 ms | p99 ms | errors |")
        print("|---|---:|---:|---:|---:|---:|")
        medians = {}
        for name, results in runs.items():
            rps = [r["rps"] for r in results]
            medians[name] = statistics.median(rps)
            errors = sum(r["errors"] for r in results)
            sockets = {r["socket"] for r in results} - {"none"}
            print(
                f"| {name} | {medians[name]:.0f} | {min(rps):.0f}–{max(rps):.0f} | "
                f"{statistics.median(r['p50'] for r in results):.1f} | "
                f"{statistics.median(r['p99'] for r in results):.1f} | "
                f"{errors}{' ' + ', '.join(sockets) if sockets else ''} |"
            )
        floor = medians["floor (ok)"]
        print()
        for name, target in (("petition page", 0.33), ("home page", 0.33), ("count.json", 0.50)):
            ratio = medians[name] / floor
            print(f"{name} / floor: {ratio:.2f} (target >= {target:.2f})")
        big = medians[f"petition page, {SIGNATURES:,} signatures"]
        zero = medians["petition page, 0 signatures (other petition)"]
        print(f"petition page at {SIGNATURES:,} / at 0: {big / zero:.2f} (target >= 0.90)")
        print(f"load average at the end: {os.getloadavg()}")
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
            process.wait(30)
        cluster.stop()
        shutil.rmtree(redis_folder, ignore_errors=True)


if __name__ == "__main__":
    main()
