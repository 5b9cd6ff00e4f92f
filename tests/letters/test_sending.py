"""The worker's side: sending once, retrying a provider failure, the per-recipient hourly cap."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from letters.models import Letter
from letters.services import letter_confirm, letter_deliver
from tests.letters.flaky_backend import FlakyBackend

FLAKY = {"default": {"BACKEND": "tests.letters.flaky_backend.FlakyBackend"}}


def make_letter(template, recipient, *, sender="ann@example.org", status=Letter.Status.QUEUED):
    return Letter.objects.create(
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
        status=status,
    )


def queued_sends() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path="letters.services.letter_send", status="READY")
    )


@pytest.mark.django_db(transaction=True)
def test_confirming_queues_the_letter_and_the_worker_sends_it_once(template, mp, settings):
    settings.MAILERS = FLAKY
    letter = make_letter(template, mp, status=Letter.Status.AWAITING_CONFIRMATION)
    letter_confirm(letter_id=letter.pk)
    letter_confirm(letter_id=letter.pk)  # confirming again queues nothing more
    assert len(queued_sends()) == 1
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT
    assert len(mail.outbox) == 1
    # A duplicate task for the same letter (a retry of the worker) sends nothing.
    assert letter_deliver(letter_id=letter.pk, attempt=1) == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_provider_failure_is_retried_with_back_off_and_sent_once_when_it_recovers(
    template, mp, settings
):
    settings.MAILERS = FLAKY
    FlakyBackend.failures_left = 1
    letter = make_letter(template, mp)
    before = timezone.now()

    assert letter_deliver(letter_id=letter.pk, attempt=1) == "retry"
    letter.refresh_from_db()
    assert letter.status == Letter.Status.QUEUED
    assert letter.attempts == 1
    assert "503 Service Unavailable" in letter.status_reason
    [retry] = queued_sends()
    assert retry.args_kwargs["args"] == [letter.pk, 2]
    assert retry.run_after >= before + timedelta(minutes=1)
    assert mail.outbox == []

    # The back-off has passed; the worker runs the retry and the provider has recovered.
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT
    assert letter.attempts == 2
    assert len(mail.outbox) == 1
    assert queued_sends() == []


@pytest.mark.django_db(transaction=True)
def test_a_letter_that_keeps_failing_is_marked_failed_with_the_reason(template, mp, settings):
    settings.MAILERS = FLAKY
    settings.LETTERS_MAX_ATTEMPTS = 2
    FlakyBackend.failures_left = 5
    letter = make_letter(template, mp)
    assert letter_deliver(letter_id=letter.pk, attempt=1) == "retry"
    assert letter_deliver(letter_id=letter.pk, attempt=2) == "failed"
    letter.refresh_from_db()
    assert letter.status == Letter.Status.FAILED
    assert "Not sent after 2 attempts" in letter.status_reason
    FlakyBackend.failures_left = 0


@pytest.mark.django_db(transaction=True)
def test_the_hourly_cap_per_recipient_defers_the_rest(template, mp, settings):
    settings.MAILERS = FLAKY
    settings.LETTERS_PER_RECIPIENT_PER_HOUR = 1
    first = make_letter(template, mp, sender="one@example.org")
    second = make_letter(template, mp, sender="two@example.org")
    assert letter_deliver(letter_id=first.pk, attempt=1) == "sent"
    assert letter_deliver(letter_id=second.pk, attempt=1) == "deferred"
    second.refresh_from_db()
    assert second.status == Letter.Status.QUEUED
    [later] = queued_sends()
    assert later.run_after > timezone.now()
    assert later.run_after.minute == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_without_a_deferring_backend_a_full_hour_leaves_the_letter_queued(template, mp, settings):
    # The development server's immediate backend cannot wait for the next hour; the letter
    # must stay queued rather than be tried again at once, over and over.
    from tests.factories import IMMEDIATE_TASKS

    settings.TASKS = IMMEDIATE_TASKS
    settings.MAILERS = FLAKY
    settings.LETTERS_PER_RECIPIENT_PER_HOUR = 1
    first = make_letter(template, mp, sender="one@example.org")
    second = make_letter(template, mp, sender="two@example.org")
    assert letter_deliver(letter_id=first.pk, attempt=1) == "sent"
    assert letter_deliver(letter_id=second.pk, attempt=1) == "deferred"
    second.refresh_from_db()
    assert second.status == Letter.Status.QUEUED
    assert len(mail.outbox) == 1
