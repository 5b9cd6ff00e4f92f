"""Real worker processes under the faults of production: killed mid-send, the email provider
down, the database stopped and started again. Letters and confirmation emails are never lost.

Each test runs `manage.py db_worker` as operators do, against an SMTP server on loopback
(tests/smtp_fake.py). Waits poll for the expected state and fail after a generous timeout;
nothing is asserted on how long anything took.
"""

import tempfile
from pathlib import Path

import psycopg2
import pytest

from campaign.devdb import Cluster, cluster_start
from letters.models import Letter, LetterTemplate, PendingLetterConfirmation
from letters.services import letter_create
from tests.letters.test_outbox import (
    CONFIRMATION_TASK,
    deferred,
    draft_for,
    fast_forward,
    make_letter,
)
from tests.letters.worker_process import TIMEOUT, Worker, manage, wait_until, worker_env


@pytest.fixture
def template(db) -> LetterTemplate:
    """A letter of its own (quicker than loading the campaign's fixtures)."""
    return LetterTemplate.objects.create(
        slug="release-the-maps",
        name="Release the maps",
        subject="Release the maps",
        body="Dear {recipient_name},\n\nPlease act.\n\n{sender_name}",
    )


def queued_letters() -> int:
    return Letter.objects.filter(status=Letter.Status.QUEUED).count()


@pytest.mark.django_db(transaction=True)
def test_finding_1_a_worker_killed_mid_send_loses_no_letter(template, mp, smtp, workers):
    """Issue 9, finding 1: killed mid-send, the letters stayed queued for ever."""
    smtp.stall = 5.0
    letters = [make_letter(template, mp, sender=f"sender{n}@example.org") for n in range(3)]
    assert queued_letters() == 3

    first = workers()
    smtp.wait_for(1, TIMEOUT)  # the provider has the first letter and takes its time to answer
    first.kill()  # kill -9, mid-send
    assert queued_letters() == 3  # nothing committed as sent

    smtp.stall = 0.0
    second = workers()
    wait_until(lambda: queued_letters() == 0, "no letter left queued")
    assert second.alive

    message_ids = {letter.message_id for letter in letters}
    assert all(received.message_id in message_ids for received in smtp.received)
    for letter in letters:
        letter.refresh_from_db()
        assert letter.status == Letter.Status.SENT
        copies = [r for r in smtp.received if r.message_id == letter.message_id]
        # Sent once; the one that was mid-send may have gone twice, as the same message.
        assert 1 <= len(copies) <= 2, (letter, copies)
        assert all(copy.recipients == (mp.email,) for copy in copies)


@pytest.mark.django_db(transaction=True)
def test_finding_2_the_confirmation_email_arrives_once_the_provider_is_back(
    template, mp, smtp, workers
):
    """Issue 9, finding 2: with the provider down the email was never sent again."""
    smtp.down = True
    worker = workers()
    letter, _ = letter_create(
        draft=draft_for(template, mp), subject="Release the maps", body="Please act.", ip_hash="x"
    )
    wait_until(
        lambda: PendingLetterConfirmation.objects.filter(letter=letter, attempts=1).exists(),
        "the first attempt to fail",
    )
    # The worker queued a drain for the retry (just after committing the attempt).
    wait_until(lambda: deferred(CONFIRMATION_TASK), "the retry's drain to be queued")
    assert smtp.received == []

    smtp.down = False
    fast_forward()  # the minute of back-off has passed
    [confirmation] = smtp.wait_for(1, TIMEOUT)
    assert confirmation.recipients == ("ann@example.org",)
    assert "/letters/confirm/" in confirmation.message.get_body(("plain",)).get_content()
    wait_until(lambda: not PendingLetterConfirmation.objects.exists(), "an empty outbox")
    assert worker.alive


WRITE_AND_CONFIRM = """
from letters.models import Letter, LetterTemplate, Recipient
from letters.services import letter_confirm
template, _ = LetterTemplate.objects.get_or_create(
    slug="t", defaults={"name": "T", "subject": "Release the maps", "body": "Please act."}
)
mp, _ = Recipient.objects.get_or_create(
    slug="mp", defaults={"kind": "mp", "name": "Jane Smith", "email": "jane@parliament.example"}
)
letter = Letter.objects.create(
    template=template, recipient=mp, recipient_name=mp.name, recipient_email=mp.email,
    recipient_email_canonical=mp.email, sender_name="Ann Lee", sender_email="SENDER",
    sender_email_canonical="SENDER", subject="Release the maps", body="Please act.",
)
print(letter_confirm(letter_id=letter.pk).message_id)
"""


def letter_statuses(url: str) -> list[str]:
    """The letters' statuses, read straight from the cluster (not the test's own database)."""
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute("SELECT status FROM letters_letter ORDER BY id")
        return [status for (status,) in cursor.fetchall()]


def write_and_confirm(env: dict[str, str], sender: str) -> str:
    """A letter confirmed by its sender, in a process of its own; its Message-ID."""
    output = manage(env, "shell", "--no-imports", "-c", WRITE_AND_CONFIRM.replace("SENDER", sender))
    return output.strip().splitlines()[-1]


def test_finding_12_the_worker_waits_through_a_database_restart_and_sends(smtp, tmp_path):
    """Issue 9, finding 12: the worker exited when the database went away, idle or busy."""
    # A cluster of its own, in a folder kept across the restart, to stop under the worker.
    folder = Path(tempfile.mkdtemp(prefix="campaign-outage-"))
    cluster = cluster_start(folder=folder, fast=True)
    worker = None
    try:
        env = worker_env(database=cluster.url, smtp=smtp)
        manage(env, "migrate", "--verbosity", "0")
        worker = Worker(env, tmp_path / "worker.log").start()
        worker.wait_for_log("Starting worker")

        # Idle: the database goes away while the worker polls for tasks.
        cluster.stop()  # a fast shutdown, as `pg_ctl stop`: clients are cut off
        worker.wait_for_log("The database is unavailable")
        cluster = cluster_start(folder=folder, port=cluster.port, fast=True)
        worker.wait_for_log("The database is reachable again")

        # Busy: the database goes away while the worker is sending a letter.
        smtp.stall = 3.0
        busy_id = write_and_confirm(env, "a@example.org")
        smtp.wait_for(1, TIMEOUT)
        cluster.stop()
        # It logs, waits, tries again (and again), and stays up.
        worker.wait_for_log("The database is unavailable", count=3)
        cluster = cluster_start(folder=folder, port=cluster.port, fast=True)
        worker.wait_for_log("The database is reachable again", count=2)
        assert worker.alive

        # What it was sending goes out again, and a letter confirmed now goes out too.
        smtp.stall = 0.0
        idle_id = write_and_confirm(env, "b@example.org")
        wait_until(lambda: letter_statuses(cluster.url) == ["sent", "sent"], "both letters sent")
        assert worker.alive
        busy = [r for r in smtp.received if r.message_id == busy_id]
        idle = [r for r in smtp.received if r.message_id == idle_id]
        assert 1 <= len(busy) <= 2  # accepted before the database went: possibly again
        assert len(idle) == 1
    finally:
        if worker:
            worker.stop()
            print(worker.log())  # shown if the test failed
        Cluster(folder, cluster.port, temporary=True).stop()
