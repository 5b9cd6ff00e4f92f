"""Recipient search on 10,000 recipients: with the trigram index, and with it dropped.

Run by hand (not by the test suite):

    .venv/bin/python bench/letters_search_bench.py [--recipients 10000] [--queries 300]

Starts a throwaway PostgreSQL cluster (tests/pgcluster.py) unless DATABASE_URL is set (it then
uses that database; do not point it at production), migrates, inserts the recipients in one
committed batch, ANALYZEs, then times the same query mix through `recipient_search` with the
index and without it, in one run, and prints the medians and the ratio.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    cluster = None
    if not os.environ.get("DATABASE_URL"):
        from tests.pgcluster import start_cluster

        cluster = start_cluster()
        os.environ["DATABASE_URL"] = cluster.url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from letters.models import Recipient
        from letters.selectors import recipient_search

        call_command("migrate", verbosity=0)
        Recipient.objects.all().delete()
        Recipient.objects.bulk_create(
            Recipient(
                slug=f"mp-{i}",
                kind="mp",
                name=f"Member {i} Surname{i % 997}",
                title="MP",
                constituency=f"Constituency {i} {('North', 'South', 'East', 'West')[i % 4]}",
                organisation="Parliament",
            )
            for i in range(args.recipients)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE letters_recipient")
        words = [f"surname{n}" for n in range(0, 997, 7)] + [
            f"constituency {n} " for n in range(0, args.recipients, 97)
        ]

        def run() -> list[float]:
            timings = []
            for i in range(args.queries):
                start = time.perf_counter()
                list(recipient_search(query=words[i % len(words)]))
                timings.append((time.perf_counter() - start) * 1000)
            return timings

        run()  # warm up
        with_index = run()
        plan = Recipient.objects.filter(search_text__contains="surname123").explain()
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX letters_recipient_search_trgm")
        without_index = run()
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE INDEX letters_recipient_search_trgm ON letters_recipient "
                "USING gin (search_text gin_trgm_ops)"
            )
        a, b = statistics.median(with_index), statistics.median(without_index)
        print(f"recipients: {args.recipients}, queries per run: {args.queries}")
        print(f"plan with the index:\n{plan}")
        p95a = statistics.quantiles(with_index, n=20)[18]
        p95b = statistics.quantiles(without_index, n=20)[18]
        print(f"median ms per search, trigram index: {a:.2f} (p95 {p95a:.2f})")
        print(f"median ms per search, no index (seq scan): {b:.2f} (p95 {p95b:.2f})")
        print(f"ratio no-index / index: {b / a:.1f}x")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
