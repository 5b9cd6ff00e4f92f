"""The two letter outboxes: letters and their confirmation emails, sent at least once, never lost.

The worker's side in one process: sending once with a stable Message-ID, retrying a provider
failure with back-off, giving up after the documented attempts, the per-recipient hourly cap,
and the safety net that sends what a dead task left. Real worker processes (killed mid-send,
the provider down, the database restarted) are in test_worker_faults.py.
"""

import logging
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from campaign.selectors import campaign_name
from letters.models import Letter, PendingLetterConfirmation
from letters.services import (
    CONFIRMATION_RETRY_DELAYS,
    LetterDraft,
    confirmation_email_enqueue,
    letter_confirm,
    letter_confirmations_send_pending,
    letter_create,
    letters_send_pending,
)
from tests.letters.flaky_backend import FlakyBackend

FLAKY = {"default": {"BACKEND": "tests.letters.flaky_backend.FlakyBackend"}}
SEND_TASK = "letters.services.letters_send"
CONFIRMATION_TASK = "letters.services.letter_confirmations_send"


@pytest.fixture
def flaky_mailer(settings):
    settings.MAILERS = FLAKY
    FlakyBackend.failures_left = 0
    yield FlakyBackend
    FlakyBackend.failures_left = 0


def make_letter(template, recipient, *, sender="ann@example.org", status=Letter.Status.QUEUED):
    letter = Letter.objects.create(
        template=template,
        recipient=recipient,
        recipient_name=recipient.name,
        recipient_title=recipient.title,
        recipient_email=recipient.email,
        recipient_email_canonical=recipient.email.lower(),
        sender_name="Ann Lee",
        sender_email=sender,
        sender_email_canonical=sender,
        subject="Release the maps",
        body="Dear Jane Smith MP,\n\nPlease act.\n\nAnn Lee",
        status=Letter.Status.AWAITING_CONFIRMATION,
    )
    if status == Letter.Status.QUEUED:
        letter_confirm(letter_id=letter.pk)  # as the supporter's click does: due now
    elif status != letter.status:
        Letter.objects.filter(pk=letter.pk).update(status=status)
    letter.refresh_from_db()
    return letter


def queued(task_path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task_path, status="READY"))


def deferred(task_path: str) -> list[DBTaskResult]:
    """Queued drains that wait for a later time (a retry, the next hour)."""
    now, never = timezone.now(), get_date_max()  # django-tasks-db's "no run_after"
    return [task for task in queued(task_path) if now < task.run_after < never]


def worker_batch() -> None:
    """Run every queued task whose time has come, as `manage.py db_worker` does."""
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)


def fast_forward(letter: Letter | None = None) -> None:
    """The back-off has passed: the letter (or confirmation emails) and their drains are due."""
    now = timezone.now()
    if letter is not None:
        Letter.objects.filter(pk=letter.pk).update(send_after=now)
    PendingLetterConfirmation.objects.update(send_after=now)
    DBTaskResult.objects.filter(status="READY").update(run_after=now)


@pytest.mark.django_db(transaction=True)
def test_confirming_queues_the_letter_and_the_worker_sends_it_once(template, mp, flaky_mailer):
    letter = make_letter(template, mp, status=Letter.Status.AWAITING_CONFIRMATION)
    letter_confirm(letter_id=letter.pk)
    letter_confirm(letter_id=letter.pk)  # confirming again queues nothing more
    assert len(queued(SEND_TASK)) == 1
    worker_batch()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == letter.message_id
    # Another drain (a second worker, the safety net) sends nothing more.
    assert letters_send_pending().sent == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_letter_has_one_message_id_from_its_confirmation_on(template, mp, flaky_mailer):
    letter = make_letter(template, mp, status=Letter.Status.AWAITING_CONFIRMATION)
    assert letter.message_id == ""
    letter_confirm(letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.message_id.startswith("<")
    assert letter.message_id.endswith("@localhost>")
    assert f"letter{letter.pk}" in letter.message_id
    other = make_letter(template, mp, sender="bo@example.org")
    assert other.message_id != letter.message_id


@pytest.mark.django_db(transaction=True)
def test_a_provider_failure_is_retried_with_back_off_with_the_same_message_id(
    template, mp, flaky_mailer
):
    flaky_mailer.failures_left = 1
    letter = make_letter(template, mp)
    before = timezone.now()

    assert letters_send_pending().retrying == 1
    letter.refresh_from_db()
    assert letter.status == Letter.Status.QUEUED
    assert letter.attempts == 1
    assert letter.send_after >= before + timedelta(minutes=1)
    assert "503 Service Unavailable" in letter.status_reason
    [retry] = deferred(SEND_TASK)
    assert retry.run_after == letter.send_after
    assert mail.outbox == []

    # Not before its time: a drain now sends nothing.
    assert letters_send_pending().sent == 0

    fast_forward(letter)
    worker_batch()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT
    assert letter.attempts == 2
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == letter.message_id


@pytest.mark.django_db(transaction=True)
def test_a_letter_is_given_up_only_after_the_documented_attempts(
    template, mp, flaky_mailer, settings, caplog
):
    settings.LETTERS_MAX_ATTEMPTS = 3
    flaky_mailer.failures_left = 10
    letter = make_letter(template, mp)
    for _attempt in (1, 2):
        assert letters_send_pending().retrying == 1
        fast_forward(letter)
    with caplog.at_level(logging.ERROR, logger="letters.services"):
        assert letters_send_pending().given_up == 1
    letter.refresh_from_db()
    assert letter.status == Letter.Status.FAILED
    assert letter.attempts == 3
    assert "Not sent after 3 attempts" in letter.status_reason
    assert f"Letter {letter.pk}: gave up after 3 attempts" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_hourly_cap_per_recipient_defers_the_rest_to_the_next_hour(
    template, mp, flaky_mailer, settings
):
    settings.LETTERS_PER_RECIPIENT_PER_HOUR = 1
    first = make_letter(template, mp, sender="one@example.org")
    second = make_letter(template, mp, sender="two@example.org")
    result = letters_send_pending()
    assert (result.sent, result.deferred) == (1, 1)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Letter.Status.SENT
    assert second.status == Letter.Status.QUEUED
    assert second.send_after > timezone.now()
    assert (second.send_after.minute, second.send_after.second) == (0, 0)
    [later] = deferred(SEND_TASK)
    assert later.run_after == second.send_after
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_without_a_deferring_backend_a_full_hour_leaves_the_letter_queued(
    template, mp, flaky_mailer, settings
):
    # The development server's immediate backend cannot wait for the next hour; the letter
    # stays queued rather than tried again at once, over and over.
    from tests.factories import IMMEDIATE_TASKS

    settings.TASKS = IMMEDIATE_TASKS
    settings.LETTERS_PER_RECIPIENT_PER_HOUR = 1
    make_letter(template, mp, sender="one@example.org")  # sent at once by the immediate drain
    second = make_letter(template, mp, sender="two@example.org")
    second.refresh_from_db()
    assert second.status == Letter.Status.QUEUED
    assert len(mail.outbox) == 1


class CrashAfterAccepting(FlakyBackend):
    """The provider accepts the message, then the worker process dies before it commits."""

    def send_messages(self, email_messages):
        super().send_messages(email_messages)
        raise SystemExit("killed")


@pytest.mark.django_db(transaction=True)
def test_finding_1_a_send_that_died_is_sent_again_by_the_next_drain_with_the_same_message_id(
    template, mp, flaky_mailer, settings
):
    """Issue 9, finding 1: a worker that died mid-send left the letter queued and unsent."""
    letter = make_letter(template, mp)
    # The drain task that was running when the worker died: django-tasks-db leaves it RUNNING.
    DBTaskResult.objects.filter(task_path=SEND_TASK).update(status="RUNNING")
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.CrashAfterAccepting"}}
    with pytest.raises(SystemExit):
        letters_send_pending()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.QUEUED  # the transaction died with the process
    assert letter.send_after <= timezone.now()  # and the letter is still due
    assert queued(SEND_TASK) == []  # nothing queued would send it

    settings.MAILERS = FLAKY
    out = StringIO()
    call_command("send_letters", stdout=out)  # the safety net a scheduler runs
    assert "Letters: sent 1" in out.getvalue()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT
    # Accepted twice (the crash came after the provider took it): the same Message-ID.
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [letter.message_id] * 2


def draft_for(template, mp, **overrides) -> LetterDraft:
    values = {
        "template": template,
        "recipient": mp,
        "recipient_name": mp.name,
        "recipient_title": mp.title,
        "recipient_email": mp.email,
        "sender_name": "Ann Lee",
        "sender_email": "ann@example.org",
    } | overrides
    return LetterDraft(**values)


def write_letter(template, mp) -> Letter:
    letter, created = letter_create(
        draft=draft_for(template, mp), subject="Release the maps", body="Please act.", ip_hash="x"
    )
    assert created
    return letter


@pytest.mark.django_db(transaction=True)
def test_writing_a_letter_queues_its_confirmation_email_in_the_same_transaction(
    template, mp, flaky_mailer
):
    with transaction.atomic():
        letter = write_letter(template, mp)
        assert PendingLetterConfirmation.objects.filter(letter=letter).exists()
        assert queued(CONFIRMATION_TASK) == []  # the drain is queued after the commit
    assert len(queued(CONFIRMATION_TASK)) == 1
    worker_batch()
    [confirmation] = mail.outbox
    assert confirmation.to == ["ann@example.org"]
    assert "/letters/confirm/" in confirmation.body
    assert not PendingLetterConfirmation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_finding_2_a_confirmation_email_is_retried_while_the_provider_is_down(
    template, mp, flaky_mailer
):
    """Issue 9, finding 2: with the provider down the task failed and nothing ever arrived."""
    flaky_mailer.failures_left = 2
    before = timezone.now()
    letter = write_letter(template, mp)
    worker_batch()
    pending = PendingLetterConfirmation.objects.get(letter=letter)
    assert pending.attempts == 1
    assert pending.send_after >= before + CONFIRMATION_RETRY_DELAYS[0]
    [retry] = deferred(CONFIRMATION_TASK)
    assert retry.run_after == pending.send_after
    assert mail.outbox == []

    fast_forward()
    worker_batch()  # still down: the second delay
    pending.refresh_from_db()
    assert pending.attempts == 2

    fast_forward()
    worker_batch()  # the provider is back
    [confirmation] = mail.outbox
    assert confirmation.to == ["ann@example.org"]
    assert not PendingLetterConfirmation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_email_is_given_up_after_the_documented_attempts(
    template, mp, flaky_mailer, caplog
):
    flaky_mailer.failures_left = 100
    letter = write_letter(template, mp)
    for _ in CONFIRMATION_RETRY_DELAYS:
        assert letter_confirmations_send_pending().retrying == 1
        fast_forward()
    with caplog.at_level(logging.ERROR, logger="letters.services"):
        assert letter_confirmations_send_pending().given_up == 1
    assert not PendingLetterConfirmation.objects.exists()
    assert f"Gave up the confirmation email of letter {letter.pk} after 6 attempts" in caplog.text
    letter.refresh_from_db()
    assert letter.status == Letter.Status.AWAITING_CONFIRMATION


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_email_no_longer_needed_is_dropped_unsent(template, mp, flaky_mailer):
    letter = make_letter(template, mp, status=Letter.Status.AWAITING_CONFIRMATION)
    confirmation_email_enqueue(letter_id=letter.pk)
    letter_confirm(letter_id=letter.pk)  # confirmed meanwhile (the link of an earlier email)
    confirmation_email_enqueue(letter_id=letter.pk)  # e.g. queued again by a repeat submission
    result = letter_confirmations_send_pending()
    assert (result.sent, result.not_needed) == (0, 1)
    assert all("/letters/confirm/" not in m.body for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_a_letter_queued_without_a_time_is_due(template, mp, flaky_mailer):
    letter = make_letter(template, mp)
    Letter.objects.filter(pk=letter.pk).update(send_after=None)  # e.g. queued by hand in SQL
    assert letters_send_pending().sent == 1
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT


class RecordsWhenClosed(FlakyBackend):
    """A provider with a connection, as SMTP's: notes whether the letter's transaction was still
    open when the connection closed (for SMTP: when QUIT was sent and its answer awaited)."""

    closed_in_transaction: list[bool] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connected = False

    def open(self):
        if self.connected:
            return False
        self.connected = True
        return True

    def close(self):
        if self.connected:
            RecordsWhenClosed.closed_in_transaction.append(connection.in_atomic_block)
        self.connected = False


@pytest.mark.django_db(transaction=True)
def test_the_connection_is_closed_after_the_commit(template, mp, settings):
    """SMTP's QUIT (and waiting for its answer) is no part of the duplicate window."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RecordsWhenClosed"}}
    make_letter(template, mp)
    RecordsWhenClosed.closed_in_transaction = []
    assert letters_send_pending().sent == 1
    assert RecordsWhenClosed.closed_in_transaction
    assert not any(RecordsWhenClosed.closed_in_transaction)


def test_the_worker_logs_a_letters_confirmation_email_under_the_request_that_wrote_it(
    db, template, mp, flaky_mailer, caplog
):
    from campaign.lib.logs import RequestIdFilter, request_id_bound

    letter = make_letter(template, mp, status=Letter.Status.AWAITING_CONFIRMATION)
    with request_id_bound("letter-request-7"):
        confirmation_email_enqueue(letter_id=letter.pk)
    assert PendingLetterConfirmation.objects.get().request_id == "letter-request-7"
    flaky_mailer.failures_left = 1
    with caplog.at_level(logging.ERROR, logger="letters.services"):
        letter_confirmations_send_pending()
    failures = [r for r in caplog.records if "confirmation email of letter" in r.getMessage()]
    for record in failures:
        RequestIdFilter().filter(record)
    assert failures
    assert {record.request_id for record in failures} == {"letter-request-7"}


@pytest.mark.parametrize("language", ["en", "az", "de"])
def test_the_letter_confirmation_built_once_and_filled_is_the_email_rendered_in_full(
    template, mp, language
):
    """As the petition's: the filled email is exactly what a full rendering gives."""
    from django.utils import translation

    from campaign.lib.emails import email_build
    from letters.services import confirmation_email_build

    letter = make_letter(template, mp, status=Letter.Status.AWAITING_CONFIRMATION)
    Letter.objects.filter(pk=letter.pk).update(
        language=language, sender_name="O'Brien & <Sons>", subject="Maps & “mines” <now>"
    )
    letter.refresh_from_db()
    filled = [confirmation_email_build(letter=letter) for _ in range(2)][1]
    with translation.override(language):
        urls = re.findall(r"https?://\S+/letters/(?:confirm|status)/\S+/", filled.body)
        full = email_build(
            name="letter-confirm",
            context={
                "letter": letter,
                "confirm_url": next(u for u in urls if "/confirm/" in u),
                "status_url": next(u for u in urls if "/status/" in u),
                "days": settings.LETTERS_CONFIRMATION_DAYS,
                "campaign_name": campaign_name(),
            },
            to=[letter.sender_email],
        )
    assert (filled.subject, filled.body) == (full.subject, full.body)
    assert filled.alternatives[0][0] == full.alternatives[0][0]
