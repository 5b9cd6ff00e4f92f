"""The signing view beside the floor view, in one process, without HTTP.

A cross-check for bench/petition_bench.py on a shared, noisy machine, and the quick loop for
working on the signing path: one thread posts the signing form and the floor's minimal insert
in alternating rounds through Django's test client (the full middleware, CSRF enforced, the
bench settings: DEBUG off, the database task queue, rate limits raised), against a throwaway
PostgreSQL. It reports milliseconds per request and their ratio; with BENCH_PROFILE=1 it also
prints where the signing view's time goes (cProfile, cumulative). Run by hand:

    .venv/bin/python bench/petition_sign_inprocess.py
    BENCH_PROFILE=1 .venv/bin/python bench/petition_sign_inprocess.py
"""

import cProfile
import itertools
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.petition_bench import csrf_pair, django_in_process, petition_create  # noqa: E402
from tests.pgcluster import start_cluster  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
PER_ROUND = int(os.environ.get("BENCH_PER_ROUND", "500"))


def main() -> None:
    cluster = start_cluster()
    try:
        django_in_process(cluster.url)
        from django.test import Client

        from petitions.tokens import form_binding, started_token_make

        petition = petition_create()
        cookie, token = csrf_pair()
        started = started_token_make(time.time() - 3600, binding=form_binding(cookie))
        client = Client(enforce_csrf_checks=True)
        client.cookies["csrftoken"] = cookie
        numbers = itertools.count()

        def post(url: str) -> None:
            n = next(numbers)
            body = urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "started": started,
                    "petition": petition.pk,
                    "name": "Bench Supporter",
                    "email": f"bench.{n}@example.org",
                    "country": "AZ",
                    "postcode": "Baku",
                }
            )
            # Urlencoded, as a browser (and wrk in petition_bench.py) sends the form.
            response = client.post(
                url,
                body,
                content_type="application/x-www-form-urlencoded",
                HTTP_X_FORWARDED_FOR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
            )
            assert response.status_code == 302, response.content[:2000]

        urls = {"floor": "/bench/floor-sign/", "signing": f"/petitions/{petition.slug}/sign/"}
        for url in urls.values():
            for _ in range(50):
                post(url)
        timings: dict[str, list[float]] = {name: [] for name in urls}
        for _ in range(ROUNDS):
            for name, url in urls.items():
                started_at = time.perf_counter()
                for _ in range(PER_ROUND):
                    post(url)
                timings[name].append((time.perf_counter() - started_at) / PER_ROUND * 1000)
        for name, values in timings.items():
            print(
                f"{name}: median {statistics.median(values):.3f} ms per request "
                f"(rounds: {', '.join(f'{v:.3f}' for v in values)})"
            )
        ratio = statistics.median(timings["floor"]) / statistics.median(timings["signing"])
        print(f"signing speed / floor speed: {ratio:.2f}")
        if os.environ.get("BENCH_PROFILE"):
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(PER_ROUND):
                post(urls["signing"])
            profile.disable()
            stats = pstats.Stats(profile).sort_stats("cumulative")
            stats.print_callees("petition_sign")
            stats.print_stats(40)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
