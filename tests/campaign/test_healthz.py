"""/healthz: the database for load balancers; the worker and the scheduler for monitors."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.utils import timezone

from campaign.lib.heartbeats import heartbeat_record
from petitions.models import PendingConfirmationEmail, Signature
from petitions.services import confirmation_emails_send
from tests.factories import IMMEDIATE_TASKS, make_petition

pytestmark = pytest.mark.django_db

KEYS = {
    "status",
    "database",
    "cache",
    "worker",
    "scheduler",
    "oldest_due_confirmation_email_seconds",
    "oldest_queued_letter_seconds",
}


def beat(name: str, seconds_ago: float) -> None:
    heartbeat_record(name=name, now=timezone.now() - timedelta(seconds=seconds_ago))


def test_the_database_check_alone_is_what_a_load_balancer_asks(client):
    response = client.get("/healthz?check=database")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_503_when_the_database_fails(client):
    def broken_cursor(self, *args, **kwargs):
        raise OperationalError("connection refused")

    # Patched only around the request: the test database's own teardown needs a cursor.
    with mock.patch.object(type(connections["default"]), "cursor", broken_cursor):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "error"}


def test_ok_when_the_worker_and_the_scheduler_ran_recently(client):
    beat("worker", 20)
    beat("scheduler", 5)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS
    assert body["status"] == "ok"
    assert body["worker"] == {"ok": True, "last_run_seconds": 20, "oldest_due_task_seconds": None}
    assert body["scheduler"] == {"ok": True, "last_run_seconds": 5}


def test_503_when_the_worker_stopped(client, settings):
    settings.HEALTHZ_WORKER_OVERDUE_SECONDS = 120
    beat("worker", 121)
    beat("scheduler", 5)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "overdue"
    assert response.json()["worker"]["ok"] is False


def test_503_when_a_task_waits_longer_than_allowed_for_a_worker(client, settings):
    settings.HEALTHZ_WORKER_OVERDUE_SECONDS = 120
    beat("worker", 10)
    beat("scheduler", 5)
    confirmation_emails_send.enqueue()
    assert client.get("/healthz").status_code == 200
    with mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=3)
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["oldest_due_task_seconds"] >= 180


def test_503_when_no_scheduler_runs(client):
    beat("worker", 10)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["scheduler"] == {"ok": False, "last_run_seconds": None}
    beat("scheduler", 61)
    assert client.get("/healthz").status_code == 503


def test_reports_the_oldest_due_confirmation_email(client):
    beat("worker", 10)
    beat("scheduler", 5)
    petition = make_petition()
    signature = Signature.objects.create(
        petition=petition, name="A B", email="a@example.org", email_canonical="a@example.org"
    )
    due = timezone.now() - timedelta(minutes=7)
    PendingConfirmationEmail.objects.create(signature=signature, queued_at=due, send_after=due)
    body = client.get("/healthz").json()
    assert 7 * 60 <= body["oldest_due_confirmation_email_seconds"] < 8 * 60
    assert body["oldest_queued_letter_seconds"] is None


def test_without_a_worker_to_wait_for_only_the_database_counts(client, settings):
    settings.TASKS = IMMEDIATE_TASKS
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"] == "not used"
