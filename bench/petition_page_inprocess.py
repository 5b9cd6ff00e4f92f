"""The petition page at 0 and at 1,000,000 signatures, in one process, without HTTP.

A cross-check for bench/petition_bench.py on a shared, noisy machine: one thread renders the
page of a petition with 1,000,000 signatures and of one with none, in alternating rounds of
200 requests through Django's test client (the full middleware and view), against the same
throwaway PostgreSQL. Run by hand:

    .venv/bin/python bench/petition_page_inprocess.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.petition_bench import (  # noqa: E402
    SIGNATURES,
    django_in_process,
    petition_create,
    signatures_bulk_insert,
)
from tests.pgcluster import start_cluster  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
PER_ROUND = int(os.environ.get("BENCH_PER_ROUND", "200"))


def main() -> None:
    cluster = start_cluster()
    try:
        django_in_process(cluster.url)
        from django.test import Client

        big = petition_create()
        empty = petition_create("empty-petition")
        signatures_bulk_insert(big, SIGNATURES)
        client = Client()
        timings: dict[str, list[float]] = {"big": [], "empty": []}
        for _ in range(ROUNDS):
            for name, petition in (("big", big), ("empty", empty)):
                url = petition.get_absolute_url()
                client.get(url)
                started = time.perf_counter()
                for _ in range(PER_ROUND):
                    assert client.get(url).status_code == 200
                timings[name].append((time.perf_counter() - started) / PER_ROUND * 1000)
        for name, values in timings.items():
            print(
                f"{name}: median {statistics.median(values):.2f} ms per page "
                f"(rounds: {', '.join(f'{v:.2f}' for v in values)})"
            )
        ratio = statistics.median(timings["empty"]) / statistics.median(timings["big"])
        print(f"page speed at {SIGNATURES:,} / at 0: {ratio:.2f}")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
