"""Admin export benchmark: 1,000,000 signatures out of the admin's export endpoint.

Run by hand, never by the test suite:

    .venv/bin/python bench/export_bench.py
    BENCH_SIGNATURES=200000 BENCH_PRESET=delivery .venv/bin/python bench/export_bench.py

It uses $DATABASE_URL if set, else starts a throwaway PostgreSQL (tests/pgcluster.py),
migrates, inserts the signatures with generate_series (names in Latin, Cyrillic, Arabic and
Azerbaijani script, some beginning with '=' so the neutralising is paid for), serves the project
with one sync gunicorn worker under the project's own settings (DEBUG off), logs in as a
superuser through a session cookie, GETs /admin/petitions/signature/export/ for the petition,
and measures the whole download's time and the worker's peak resident memory (VmHWM in
/proc/<pid>/status: the most the process ever held, so a spike between samples is not missed).
Then it times the dashboard and the signature list at the same size.
Targets (issue 5): under 5 s and under 150 MB.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIGNATURES = int(os.environ.get("BENCH_SIGNATURES", "1000000"))
PRESET = os.environ.get("BENCH_PRESET", "full")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SLUG = "export-bench"


def environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "campaign.settings",
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_MANIFEST": "false",
            "TASKS_BACKEND": "database",
            "MAILER": "console",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    return env


def setup_data(env: dict[str, str]) -> tuple[int, str]:
    """Migrate, insert the signatures, and return (petition id, session cookie value)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from campaign.models import Appeal
    from petitions.models import Petition
    from petitions.services import counts_reconcile

    call_command("migrate", verbosity=0)
    petition = Petition.objects.filter(slug=SLUG).first()
    if petition is None:
        appeal = Appeal.objects.create(
            slug=f"{SLUG}-appeal", kind=Appeal.Kind.PETITION, title="Bench", body="Bench."
        )
        petition = Petition.objects.create(slug=SLUG, appeal=appeal, goal=15000)
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO petitions_signature (
                    petition_id, name, email, email_canonical, country, postcode,
                    consent_to_contact, consent_text_version, show_name_publicly, ip_hash,
                    created_at, confirmed_at, invalidated_at, is_counted)
                SELECT %s,
                       (ARRAY['Supporter ', 'Юлия Иванова ', 'ليلى أحمد ', 'İlkin Əliyev ',
                              '=HYPERLINK("x") '])[1 + g %% 5] || g,
                       'supporter' || g || '@example.org', 'supporter' || g || '@example.org',
                       (ARRAY['AZ', 'GB', 'FR', 'DE', 'US', 'TR'])[1 + g %% 6],
                       'AZ' || (1000 + g %% 9000), g %% 3 = 0,
                       CASE WHEN g %% 3 = 0 THEN '2026-11' ELSE '' END, g %% 4 = 0,
                       md5(g::text), now() - make_interval(secs => g),
                       now() - make_interval(secs => g) + interval '5 minutes', NULL, true
                FROM generate_series(1, %s) AS g
                """,
                [petition.pk, SIGNATURES],
            )
        counts_reconcile(petition=petition)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE petitions_signature")
            cursor.execute("CHECKPOINT")
        print(f"inserted {SIGNATURES:,} signatures in {time.monotonic() - started:.1f} s")
    user = User.objects.filter(username="bench").first() or User.objects.create_superuser(
        "bench", "bench@example.org", "bench-password"
    )
    client = Client()
    client.force_login(user)
    return petition.pk, client.cookies[settings.SESSION_COOKIE_NAME].value


def vm_hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def worker_pid(master: int) -> int:
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("no gunicorn worker")


def download(port: int, path: str, cookie: str) -> tuple[float, int, int, int]:
    """GET path; returns (seconds, status, bytes, lines)."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
    response = conn.getresponse()
    size = lines = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
        lines += chunk.count(b"\n")
    conn.close()
    return time.monotonic() - started, response.status, size, lines


def main() -> None:
    cluster = None
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        from tests.pgcluster import start_cluster

        cluster = start_cluster()
        database_url = cluster.url
    env = environment(database_url)
    server = None
    try:
        petition_id, cookie = setup_data(env)
        from tests.pgcluster import free_port

        port = free_port()
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "campaign.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?check=database", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        worker = worker_pid(server.pid)
        # Warm the worker: imports, templates, the admin's first page.
        warm = download(port, "/admin/", cookie)
        assert warm[1] == 200, warm
        before = vm_hwm_kb(worker)
        path = (
            f"/admin/petitions/signature/export/?preset={PRESET}&petition__id__exact={petition_id}"
        )
        times = []
        for _ in range(ROUNDS):
            seconds, status, size, lines = download(port, path, cookie)
            assert status == 200, status
            times.append(seconds)
            print(
                f"export: {seconds:.2f} s, {size / 1e6:.1f} MB, {lines - 1:,} rows, "
                f"worker peak RSS so far {vm_hwm_kb(worker) / 1024:.1f} MB"
            )
        after = vm_hwm_kb(worker)
        # The pages an organiser opens before exporting, at the same size.
        for name, page in [
            ("dashboard", "/admin/dashboard/"),
            ("signature list", "/admin/petitions/signature/"),
            ("signature list, one petition", f"/admin/petitions/signature/?{path.split('&')[1]}"),
        ]:
            timings = []
            for _ in range(ROUNDS):
                seconds, status, _size, _lines = download(port, page, cookie)
                assert status == 200, (page, status)
                timings.append(seconds)
            print(f"{name}: median {sorted(timings)[len(timings) // 2]:.2f} s")
        print(
            f"\n{SIGNATURES:,} signatures, preset {PRESET}: best {min(times):.2f} s, "
            f"median {sorted(times)[len(times) // 2]:.2f} s, worst {max(times):.2f} s; "
            f"worker peak RSS {before / 1024:.1f} MB before, {after / 1024:.1f} MB after "
            f"{ROUNDS} exports"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
