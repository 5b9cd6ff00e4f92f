"""Petition benchmark: signing throughput and latency beside a floor, and the page at 0 and 1M.

Run by hand, never by the test suite (it takes a few minutes and needs the whole machine):

    .venv/bin/python bench/petition_bench.py            # 3 rounds of 10 s per measurement
    BENCH_SECONDS=30 BENCH_WORKER_CLASS=gthread BENCH_WORKERS=2 BENCH_THREADS=4 \
        .venv/bin/python bench/petition_bench.py

It starts its own throwaway PostgreSQL (tests/pgcluster.py: fsync off), migrates, serves the
project with gunicorn (production settings, DEBUG off, persistent connections, the database
task queue) under bench/petition_settings.py, which only adds the floor view's URL, and
drives it with wrk (Debian: `apt-get install wrk`). Rate limits are raised through the
environment and every request comes from a random address in X-Forwarded-For
(TRUSTED_PROXY_NETWORKS=127.0.0.1/32), so the limiter's upsert is measured, not bypassed.

Order: page with 0 signatures; 1,000,000 signatures inserted with generate_series (confirmed
and counted, counters reconciled, VACUUM ANALYZE, CHECKPOINT); the page of that petition in
turns with the page of a second, empty petition; then at 16 and 64 connections, the floor
and the signing view in turns. Every measurement runs BENCH_ROUNDS times (default 3) in turns
with the one it is compared to, because this machine is shared and one run can be noisy;
the table gives medians and the range. Prints a Markdown table. Last, what the signing runs
left in the confirmation outbox for the worker (no worker runs during the HTTP runs), and how
fast one drain sends 5,000 of those emails.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgcluster import free_port, start_cluster  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
# Each measurement is repeated, alternating with the one it is compared to; medians reported.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
# 3 sync workers for 2 cores that also run PostgreSQL and wrk: measured best of sync 3,
# gthread 2x4 and gthread 3x2 here (docs/benchmarks.md).
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
SIGNATURES = int(os.environ.get("BENCH_SIGNATURES", "1000000"))
SLUG = "release-the-landmine-maps"


def environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.petition_settings",
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_MANIFEST": "false",
            "DJANGO_CONN_MAX_AGE": "60",
            "TASKS_BACKEND": "database",
            "MAILER": "console",
            "TRUSTED_PROXY_NETWORKS": "127.0.0.1/32",
            "PETITION_RATE_BURST": "1000000/60s",
            "PETITION_RATE_SUSTAINED": "10000000/3600s",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    return env


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def django_in_process(database_url: str) -> None:
    """Django set up in this process on a migrated database, for the test client."""
    env = environment(database_url)
    env["DJANGO_ALLOWED_HOSTS"] = "testserver"
    django_setup(env)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def petition_create(slug: str = SLUG):
    from campaign.models import Appeal
    from petitions.models import Petition

    body = "Help us to save lives.\n\nSigning this petition adds your voice."
    appeal = Appeal.objects.create(
        slug=f"{slug}-appeal", kind=Appeal.Kind.PETITION, title="Bench petition", body=body
    )
    return Petition.objects.create(slug=slug, appeal=appeal, goal=15000)


def signatures_bulk_insert(petition, number: int) -> float:
    from django.db import connection

    from petitions.services import counts_reconcile

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO petitions_signature (
                petition_id, name, email, email_canonical, country, postcode,
                consent_to_contact, consent_text_version, show_name_publicly, ip_hash,
                created_at, confirmed_at, invalidated_at, is_counted)
            SELECT %s, 'Supporter ' || g, 'supporter' || g || '@example.org',
                   'supporter' || g || '@example.org',
                   (ARRAY['AZ', 'GB', 'FR', 'DE', 'US', 'TR'])[1 + g %% 6], '',
                   g %% 3 = 0, CASE WHEN g %% 3 = 0 THEN '2026-11' ELSE '' END, g %% 4 = 0,
                   NULL, now() - make_interval(secs => g), now() - make_interval(secs => g),
                   NULL, true
            FROM generate_series(1, %s) AS g
            """,
            [petition.pk, number],
        )
    result = counts_reconcile(petition=petition)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE petitions_signature")
        # Write the inserted pages out now, not during the next measurement.
        cursor.execute("CHECKPOINT")
    assert result.count_after == number, result
    return time.monotonic() - started


def outbox_measure(petition, drained: int = 5000) -> dict:
    """What the signing runs left for the worker, and how fast one drain sends it.

    No worker runs during the HTTP measurements (sending is background work, on other hosts
    in a larger deployment), so the outbox holds every email the signing runs queued. Here
    `drained` of them are sent by one drain in this process, with the dummy email backend:
    the cost of building each email and of the outbox's own queries, not of a provider.
    """
    from django.test.utils import override_settings
    from django_tasks_db.models import DBTaskResult

    from petitions.models import PendingConfirmationEmail
    from petitions.services import confirmation_emails_send_pending

    queued = PendingConfirmationEmail.objects.filter(signature__petition=petition).count()
    drains = DBTaskResult.objects.filter(
        task_path="petitions.services.confirmation_emails_send"
    ).count()
    keep = PendingConfirmationEmail.objects.order_by("pk").values("pk")[drained:]
    PendingConfirmationEmail.objects.filter(pk__in=keep).update(send_after="2100-01-01T00:00Z")
    dummy = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    with override_settings(MAILERS=dummy):
        started = time.monotonic()
        result = confirmation_emails_send_pending()
        seconds = time.monotonic() - started
    return {"queued": queued, "drains": drains, "sent": result.sent, "seconds": seconds}


def csrf_pair() -> tuple[str, str]:
    """A CSRF cookie secret and a masked form token for it, as Django itself makes them."""
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    return secret, _mask_cipher_secret(secret)


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
        *(["--threads", str(THREADS)] if WORKER_CLASS == "gthread" else []),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?check=database", timeout=2)  # noqa: S310
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer /healthz")


LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, connections: int, env: dict[str, str], script: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", str(ROOT / "bench" / script)]
    command.append(url)
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latencies = {int(p): float(v) * UNITS[u] for p, v, u in LATENCY.findall(output)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: (.*)", output)
    total = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "rps": rps,
        "p50": latencies.get(50),
        "p99": latencies.get(99),
        "requests": total,
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "socket": socket.group(1) if socket else "none",
        "raw": output,
    }


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    cluster = start_cluster()
    server = None
    try:
        env = environment(cluster.url)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        django_setup(env)
        from petitions.models import Signature
        from petitions.tokens import form_binding, started_token_make

        petition = petition_create()
        cookie, token = csrf_pair()
        wrk_env = {
            **env,
            "BENCH_CSRF_COOKIE": cookie,
            "BENCH_CSRF_TOKEN": token,
            # Served an hour ago: past the minimum fill time, as a person's form would be.
            "BENCH_STARTED": started_token_make(time.time() - 3600, binding=form_binding(cookie)),
            "BENCH_PETITION_ID": str(petition.pk),
        }
        port = free_port()
        server = gunicorn_start(env, port)
        base = f"http://127.0.0.1:{port}"
        page_url = f"{base}/petitions/{SLUG}/"
        sign_url = f"{base}/petitions/{SLUG}/sign/"
        floor_url = f"{base}/bench/floor-sign/"
        runs: dict[tuple[str, int], list[dict]] = {}

        def measure(name: str, url: str, connections: int, script: str | None = None) -> None:
            before = Signature.objects.count()
            result = wrk(url, connections, wrk_env, script)
            result["stored"] = Signature.objects.count() - before
            runs.setdefault((name, connections), []).append(result)

        wrk(page_url, 16, wrk_env)  # warm-up, not reported
        for _ in range(ROUNDS):
            measure("page, 0 signatures (empty table)", page_url, 16)

        insert_seconds = signatures_bulk_insert(petition, SIGNATURES)
        print(f"Inserted {SIGNATURES} signatures in {insert_seconds:.1f} s", flush=True)
        # A second petition with no signatures, measured in turns with the big one: the same
        # machine state (caches, background writes, neighbours' load), so the fairest ratio.
        empty = petition_create("empty-petition")
        empty_url = f"{base}/petitions/{empty.slug}/"
        wrk(page_url, 16, wrk_env)
        wrk(empty_url, 16, wrk_env)
        for _ in range(ROUNDS):
            measure(f"page, {SIGNATURES:,} signatures", page_url, 16)
            measure("page, 0 signatures (other petition, same table)", empty_url, 16)

        for connections in (16, 64):
            for _ in range(ROUNDS):
                measure("floor: minimal insert view", floor_url, connections, "petition_sign.lua")
                measure("signing view", sign_url, connections, "petition_sign.lua")
        outbox = outbox_measure(petition)

        print(
            f"\ngunicorn: {WORKERS} {WORKER_CLASS} workers"
            f"{f' x {THREADS} threads' if WORKER_CLASS == 'gthread' else ''}; wrk -t2, "
            f"{ROUNDS} rounds of {SECONDS} s each, in turns; medians (req/s range)\n"
        )
        print(
            "| run | conns | req/s (median) | req/s range | p50 ms | p99 ms | errors "
            "| rows stored / requests |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        medians: dict[tuple[str, int], float] = {}
        for (name, connections), results in runs.items():
            rps = [r["rps"] for r in results]
            medians[(name, connections)] = statistics.median(rps)
            errors = sum(r["errors"] for r in results)
            sockets = {r["socket"] for r in results} - {"none"}
            stored = sum(r["stored"] for r in results)
            requests = sum(r["requests"] for r in results)
            print(
                f"| {name} | {connections} | {statistics.median(rps):.0f} | "
                f"{min(rps):.0f}–{max(rps):.0f} | "
                f"{statistics.median(r['p50'] for r in results):.1f} | "
                f"{statistics.median(r['p99'] for r in results):.1f} | "
                f"{errors}{' ' + ', '.join(sockets) if sockets else ''} | "
                f"{f'{stored}/{requests}' if not name.startswith('page') else '–'} |"
            )
        print()
        for connections in (16, 64):
            ratio = (
                medians[("signing view", connections)]
                / medians[("floor: minimal insert view", connections)]
            )
            print(f"signing / floor at {connections} connections: {ratio:.2f}")
        print(
            f"confirmation outbox: {outbox['queued']} emails queued by the signing runs, "
            f"{outbox['drains']} drain tasks queued for them; one drain sent "
            f"{outbox['sent']} in {outbox['seconds']:.1f} s "
            f"({outbox['sent'] / outbox['seconds']:.0f} emails/s: built from the templates, "
            "handed to Django's dummy email backend)"
        )
        big = medians[(f"page, {SIGNATURES:,} signatures", 16)]
        before = medians[("page, 0 signatures (empty table)", 16)]
        beside = medians[("page, 0 signatures (other petition, same table)", 16)]
        print(f"page at {SIGNATURES:,} / page at 0 before the insert: {big / before:.2f}")
        print(f"page at {SIGNATURES:,} / page at 0 measured in turns with it: {big / beside:.2f}")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        cluster.stop()


if __name__ == "__main__":
    main()
