"""Letters benchmark: finding an MP by postcode (warm cache beside cold), and the start page.

Run by hand, never by the test suite:

    .venv/bin/python bench/letters_reps_bench.py       # BENCH_SECONDS, BENCH_ROUNDS as petition

1. Lookup latency, in this process through Django's test client (the whole middleware and the
   find view): the UK Members API is the recorded test answers served from a loopback server
   that waits 200 ms before each answer (BENCH_API_DELAY). Cold: the PostgreSQL cache is
   emptied before each lookup (two API calls: the constituency, the member's contact). Warm:
   the same postcode again (the cache, and the member's recipient row).
2. The letters start page's requests per second under gunicorn (production settings), in turns
   with the "ok" floor (bench/letters_urls.py: same middleware, no query, no template), driven
   by wrk as in bench/petition_bench.py; medians of BENCH_ROUNDS rounds and their ratio.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.petition_bench import ROUNDS, SECONDS, environment, gunicorn_start, wrk  # noqa: E402
from tests.pgcluster import free_port, start_cluster  # noqa: E402

API_DELAY = float(os.environ.get("BENCH_API_DELAY", "0.2"))
COLD = int(os.environ.get("BENCH_COLD_LOOKUPS", "40"))
WARM = int(os.environ.get("BENCH_WARM_LOOKUPS", "400"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def lookups(database_url: str) -> dict[str, list[float]]:
    env = environment(database_url)
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.letters_settings",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "REPRESENTATIVES_API_RATE": "100000/1s",
        "REPRESENTATIVES_LOOKUPS_PER_IP": "1000000/1h",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from letters.models import RepresentativeCache
    from tests.letters.representatives.fake_api import serve

    with serve(delay=API_DELAY) as api:
        settings.UK_PARLIAMENT_API_URL = api.url
        return lookups_timed(Client(), RepresentativeCache)


def lookups_timed(client, cache_model) -> dict[str, list[float]]:
    query = {"template": "open-letter", "postcode": "EX1 1AA"}

    def timed() -> float:
        started = time.perf_counter()
        response = client.get("/letters/find/", query)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or b"Jane Testmember" not in response.content:
            raise RuntimeError(f"lookup answered {response.status_code}")
        return elapsed

    timed()  # the member's recipient row exists from here on, as after any first lookup
    cold, warm = [], []
    for _ in range(COLD):
        cache_model.objects.all().delete()
        cold.append(timed())
    for _ in range(WARM):
        warm.append(timed())
    return {"cold": cold, "warm": warm}


def start_page(database_url: str) -> dict[str, list[dict]]:
    env = environment(database_url) | {"DJANGO_SETTINGS_MODULE": "bench.letters_settings"}
    port = free_port()
    server = gunicorn_start(env, port)
    results: dict[str, list[dict]] = {"floor": [], "start": []}
    try:
        base = f"http://127.0.0.1:{port}"
        wrk(f"{base}/letters/", CONNECTIONS, env)  # warm-up, not reported
        for _ in range(ROUNDS):
            results["floor"].append(wrk(f"{base}/bench/ok/", CONNECTIONS, env))
            results["start"].append(wrk(f"{base}/letters/", CONNECTIONS, env))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> None:
    cluster = start_cluster()
    try:
        env = environment(cluster.url) | {"DJANGO_SETTINGS_MODULE": "bench.letters_settings"}
        for command in (["migrate", "--noinput"], ["load_campaign"]):
            subprocess.run(
                [sys.executable, "manage.py", *command, "-v0"], cwd=ROOT, env=env, check=True
            )
        pages = start_page(cluster.url)
        times = lookups(cluster.url)
    finally:
        cluster.stop()

    print(f"## Postcode lookup (fake API answering after {API_DELAY * 1000:.0f} ms)\n")
    print("| cache | lookups | p50 ms | p99 ms |\n| --- | --- | --- | --- |")
    for name in ("cold", "warm"):
        values = times[name]
        p50, p99 = percentile(values, 50), percentile(values, 99)
        print(f"| {name} | {len(values)} | {p50:.1f} | {p99:.1f} |")
    ratio = statistics.median(times["cold"]) / statistics.median(times["warm"])
    print(f"\ncold p50 / warm p50: {ratio:.1f}\n")

    print(f"## Letters start page beside the ok floor ({CONNECTIONS} connections, {SECONDS} s)\n")
    print("| page | req/s (median) | range | p50 ms | p99 ms | errors |")
    print("| --- | --- | --- | --- | --- | --- |")
    medians = {}
    for name, label in (("floor", "ok floor"), ("start", "/letters/")):
        runs = pages[name]
        rps = [r["rps"] for r in runs]
        medians[name] = statistics.median(rps)
        p50 = statistics.median(r["p50"] for r in runs)
        p99 = statistics.median(r["p99"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        print(
            f"| {label} | {medians[name]:.0f} | {min(rps):.0f}-{max(rps):.0f} | {p50:.1f} "
            f"| {p99:.1f} | {errors} |"
        )
    print(f"\nstart page / floor: {medians['start'] / medians['floor']:.2f}")


if __name__ == "__main__":
    main()
