"""The site keeps serving when a part is down (issue 17, items 6 and 7): real processes.

Redis stopped under browsing and signing: pages render uncached, signing and confirming work,
/healthz reports the cache as unavailable (200), and the failure is logged once a minute, not
per request. PostgreSQL stopped: every page and post answers 503 with Retry-After and the
site's own page (or a page the cache still holds), never a 500, and nothing is half-saved.
"""

import json
import re
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest
import requests

from campaign.devdb import cluster_start, free_port
from petitions.models import Signature
from petitions.tokens import confirm_token_make
from tests.factories import make_petition
from tests.ops.processes import Processes, process_env
from tests.ops.visitor import Visitor

CACHE_DOWN = "The shared cache is unavailable"


@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_pages_signing_and_confirming_still_work(processes: Processes):
    petition = make_petition(slug="redis-outage")
    redis_port = free_port()
    redis = processes.redis(redis_port)
    env = process_env(
        CACHE_URL=f"redis://127.0.0.1:{redis_port}/0",
        TRUSTED_PROXY_NETWORKS="127.0.0.1/32",
        PETITION_MIN_FILL_SECONDS="0",
        LOG_FORMAT="json",
    )
    port = free_port()
    web = processes.gunicorn("web", port, env)
    site = f"http://127.0.0.1:{port}"
    pages = ["/", f"/petitions/{petition.slug}/", f"/petitions/{petition.slug}/count.json"]
    for path in pages:  # warm: the pages are now in Redis
        assert requests.get(site + path, timeout=30).status_code == 200
    assert requests.get(f"{site}/healthz", timeout=30).json()["cache"] == "ok"

    redis.stop()

    for _ in range(3):
        for path in [*pages, "/appeals/", "/letters/"]:
            response = requests.get(site + path, timeout=30)
            assert response.status_code == 200, (path, response.status_code)
    visitor = Visitor()
    assert visitor.get(f"{site}/petitions/{petition.slug}/").status_code == 200
    assert visitor.sign(site, petition, "aysel@example.org").status_code == 302
    signature = Signature.objects.get()
    confirm = f"{site}/petitions/confirm/{confirm_token_make(signature.pk)}/"
    assert visitor.get(confirm).status_code == 200
    assert visitor.post(confirm, {}).status_code == 200
    signature.refresh_from_db()
    assert signature.confirmed_at is not None

    health = requests.get(f"{site}/healthz", timeout=30)
    assert health.status_code in (200, 503)  # 503 only for the worker/scheduler (none here)
    assert health.json()["cache"] == "unavailable"
    database_only = requests.get(f"{site}/healthz?check=database", timeout=30)
    assert (database_only.status_code, database_only.json()) == (
        200,
        {"status": "ok", "database": "ok"},
    )
    # Logged once a minute per process (two gunicorn workers), not once per request.
    lines = [json.loads(line) for line in web.log().splitlines() if line.startswith("{")]
    assert 1 <= sum(CACHE_DOWN in line["message"] for line in lines) <= 2


OWN_PAGE = re.compile(r"Back in a moment")


def test_with_postgresql_stopped_every_answer_is_a_503_with_retry_after(tmp_path):
    """A cluster of its own, stopped under a running web node; started again, all is well."""
    folder = Path(tempfile.mkdtemp(prefix="campaign-outage-"))
    cluster = cluster_start(folder=folder, fast=True)
    processes = Processes()
    try:
        env = process_env(
            DATABASE_URL=cluster.url,
            TRUSTED_PROXY_NETWORKS="127.0.0.1/32",
            PETITION_MIN_FILL_SECONDS="0",
        )
        processes.manage("migrate", "migrate", "--verbosity", "0", env=env).popen.wait(120)
        load = processes.manage(
            "load", "load_campaign", "fixtures/landmine-maps", "--verbosity", "0", env=env
        )
        assert load.popen.wait(120) == 0, load.log()
        port = free_port()
        processes.gunicorn("web", port, env)
        site = f"http://127.0.0.1:{port}"
        visitor = Visitor()
        petition_page = f"{site}/petitions/release-the-landmine-maps/"
        assert visitor.get(petition_page).status_code == 200

        cluster.stop()

        for path in ["/", "/petitions/release-the-landmine-maps/", "/appeals/", "/letters/"]:
            response = requests.get(site + path, timeout=30)
            # A page the (per-process) cache still holds may come from it; anything else is
            # the outage page, never a 500.
            assert response.status_code in (200, 503), (path, response.status_code)
            if response.status_code == 503:
                assert response.headers["Retry-After"] == "30"
                assert OWN_PAGE.search(response.text)
        signing = visitor.post(
            f"{site}/petitions/release-the-landmine-maps/sign/",
            {
                "started": visitor.started,
                "name": "Aysel",
                "email": "aysel@example.org",
                "country": "AZ",
            },
        )
        assert signing.status_code == 503
        assert signing.headers["Retry-After"] == "30"
        assert OWN_PAGE.search(signing.text)
        health = requests.get(f"{site}/healthz?check=database", timeout=30)
        assert health.status_code == 503

        cluster = cluster_start(folder=folder, port=cluster.port, fast=True)
        deadline = time.monotonic() + 30
        while requests.get(petition_page, timeout=30).status_code != 200:
            assert time.monotonic() < deadline, "the site did not come back"
            time.sleep(0.5)
        with psycopg2.connect(cluster.url) as db, db.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM petitions_signature")
            assert cursor.fetchone() == (0,)  # nothing half-saved
    finally:
        processes.stop_all()
        cluster.stop()
