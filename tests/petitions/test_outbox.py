"""The confirmation email outbox: queued with the signature, drained by the worker, never lost."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connections, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaign.lib import debounce
from petitions import services
from petitions.models import PendingConfirmationEmail, Signature
from tests.factories import make_petition
from tests.letters.flaky_backend import FlakyBackend

FLAKY = {"default": {"BACKEND": "tests.letters.flaky_backend.FlakyBackend"}}
DRAIN_TASK = "petitions.services.confirmation_emails_send"


@pytest.fixture
def flaky_mailer(settings):
    settings.MAILERS = FLAKY
    FlakyBackend.failures_left = 0
    yield FlakyBackend
    FlakyBackend.failures_left = 0


def sign(petition, email: str = "leyla@example.org") -> services.SignResult:
    return services.signature_create(petition=petition, name="Leyla Aliyeva", email=email)


def queued_drains() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=DRAIN_TASK, status="READY"))


def drain_by_worker() -> None:
    """Run the queued drains now, as `manage.py db_worker` does once their time has come."""
    DBTaskResult.objects.filter(task_path=DRAIN_TASK).update(run_after=timezone.now())
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)


def insert_values(petition, email: str) -> dict:
    return {
        "petition_id": petition.pk,
        "name": "Leyla Aliyeva",
        "email": email,
        "email_canonical": email,
        "country": "AZ",
        "postcode": "Baku",
        "consent_to_contact": True,
        "consent_text_version": "2026-11",
        "show_name_publicly": True,
        "ip_hash": "ab" * 32,
        "created_at": timezone.now(),
        "language": "az",
    }


def test_a_signature_is_stored_with_its_confirmation_email_queued(petition):
    result = sign(petition)
    pending = PendingConfirmationEmail.objects.get()
    assert pending.signature_id == result.signature.pk
    assert pending.attempts == 0
    assert pending.send_after <= timezone.now()


def test_the_signing_statement_stores_every_value_and_a_mailbox_once(petition):
    # Signing is one hand-written statement: a field added to Signature must reach it.
    values = insert_values(petition, "once@example.org")
    signature_id = services._signature_insert(values)
    stored = model_to_dict(Signature.objects.get(pk=signature_id))
    assert {key: stored[key.removesuffix("_id")] for key in values} == values
    assert services._signature_insert(insert_values(petition, "once@example.org")) is None
    assert Signature.objects.count() == 1
    assert list(PendingConfirmationEmail.objects.values_list("pk", flat=True)) == [signature_id]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_queued_email_once(flaky_mailer):
    petition = make_petition()
    for number in range(3):
        sign(petition, email=f"signer{number}@example.org")
    assert len(queued_drains()) == 1  # one drain for a burst of signatures, not one each
    drain_by_worker()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "signer0@example.org",
        "signer1@example.org",
        "signer2@example.org",
    ]
    assert "/petitions/confirm/" in mail.outbox[0].body
    assert PendingConfirmationEmail.objects.count() == 0
    # Draining again sends nothing more.
    assert services.confirmation_emails_send_pending() == services.OutboxResult()
    assert len(mail.outbox) == 3


def test_a_busy_process_queues_about_one_drain_a_second(
    petition, monkeypatch, django_capture_on_commit_callbacks
):
    clock = [1_000_000.0]
    monkeypatch.setattr(debounce.time, "time", lambda: clock[0])

    def sign_committed(email: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            sign(petition, email=email)

    sign_committed("a@example.org")
    [first] = queued_drains()
    assert first.run_after.timestamp() == pytest.approx(1_000_001.0)
    # That drain starts 0.6 s from now: it will see this signature, nothing more is queued.
    clock[0] += 0.4
    sign_committed("b@example.org")
    assert len(queued_drains()) == 1
    # 0.4 s from its start is too close to count on it: a new drain, a second later.
    clock[0] += 0.2
    sign_committed("c@example.org")
    assert len(queued_drains()) == 2
    assert max(d.run_after for d in queued_drains()).timestamp() == pytest.approx(1_000_001.6)


def test_emails_no_longer_needed_are_dropped_unsent(petition, flaky_mailer):
    confirmed = sign(petition, email="confirmed@example.org").signature
    services.signature_confirm(signature_id=confirmed.pk)
    sign(petition, email="waiting@example.org")
    result = services.confirmation_emails_send_pending()
    assert (result.sent, result.not_needed) == (1, 1)
    assert [message.to for message in mail.outbox] == [["waiting@example.org"]]
    assert PendingConfirmationEmail.objects.count() == 0


def test_withdrawn_and_purged_signatures_take_their_queued_email_with_them(petition):
    withdrawn = sign(petition, email="withdrawn@example.org").signature
    sign(petition, email="expired@example.org")
    assert services.signature_withdraw(signature_id=withdrawn.pk)
    Signature.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert services.signatures_purge().unconfirmed_deleted == 1
    assert PendingConfirmationEmail.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_provider_outage_is_retried_later_then_sent(flaky_mailer):
    petition = make_petition()
    signature = sign(petition).signature
    flaky_mailer.failures_left = 1
    before = timezone.now()
    result = services.confirmation_emails_send_pending()
    assert (result.sent, result.retrying) == (0, 1)
    pending = PendingConfirmationEmail.objects.get()
    assert pending.attempts == 1
    assert pending.send_after >= before + timedelta(minutes=1)
    # The drain queued its own retry for then: nothing else may come along to drain.
    assert any(d.run_after == pending.send_after for d in queued_drains())
    assert mail.outbox == []
    # Before its time the retry is not sent; after it, the recovered provider sends it once.
    assert services.confirmation_emails_send_pending().sent == 0
    PendingConfirmationEmail.objects.update(send_after=timezone.now())
    drain_by_worker()
    assert [message.to for message in mail.outbox] == [[signature.email]]
    assert PendingConfirmationEmail.objects.count() == 0


def test_an_email_that_keeps_failing_is_given_up_after_the_last_retry(petition, flaky_mailer):
    sign(petition)
    flaky_mailer.failures_left = 100
    for attempt in range(len(services.CONFIRMATION_RETRY_DELAYS)):
        assert services.confirmation_emails_send_pending().retrying == 1
        assert PendingConfirmationEmail.objects.get().attempts == attempt + 1
        PendingConfirmationEmail.objects.update(send_after=timezone.now())
    assert services.confirmation_emails_send_pending().given_up == 1
    assert PendingConfirmationEmail.objects.count() == 0
    # The signature itself stays: signing again sends a new link.
    assert Signature.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_drains_at_once_never_send_one_email_twice(flaky_mailer):
    petition = make_petition()
    held = sign(petition, email="held@example.org").signature
    sign(petition, email="free@example.org")
    taken, release = threading.Event(), threading.Event()

    def other_drain_holding_one_email() -> None:
        try:
            with transaction.atomic():
                list(PendingConfirmationEmail.objects.select_for_update().filter(pk=held.pk))
                taken.set()
                release.wait(10)
        finally:
            connections.close_all()

    other = threading.Thread(target=other_drain_holding_one_email)
    other.start()
    try:
        assert taken.wait(10)
        result = services.confirmation_emails_send_pending()
    finally:
        release.set()
        other.join(10)
    # The row the other drain holds is skipped, not waited for and not sent.
    assert result.sent == 1
    assert [message.to for message in mail.outbox] == [["free@example.org"]]
    assert list(PendingConfirmationEmail.objects.values_list("pk", flat=True)) == [held.pk]


def test_the_command_sends_what_is_due_and_says_so(petition, flaky_mailer):
    sign(petition)
    out = StringIO()
    call_command("send_confirmation_emails", stdout=out)
    assert out.getvalue() == "Sent 1, not needed 0, retrying 0, given up 0.\n"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("language", ["en", "az", "ru"])
@pytest.mark.parametrize("name", ["Leyla", "O'Brien & <Sons> “Ltd”", "Ayşə Əliyeva"])
def test_the_confirmation_email_built_once_and_filled_is_the_email_rendered_in_full(
    petition, language, name
):
    """The drain renders the templates once per petition and language, then fills each email
    (campaign.lib.emails.email_build_filled): every email must be what a full rendering gives."""
    from types import SimpleNamespace

    from django.utils import translation

    from campaign.lib.emails import email_build, email_build_filled

    def context(values):
        return {
            "signature": SimpleNamespace(first_name=values["name"]),
            "petition": petition,
            "confirm_url": values["confirm_url"],
            "withdraw_url": values["withdraw_url"],
            "petition_url": "https://campaign.example/petitions/x/?a=1&b=2",
            "days": 7,
        }

    values = {
        "name": name,
        "confirm_url": "https://campaign.example/petitions/confirm/1:a&b/",
        "withdraw_url": "https://campaign.example/petitions/withdraw/1:c/",
    }
    with translation.override(language):
        full = email_build(name="petition-confirm", context=context(values), to=["a@example.org"])
        for _ in range(2):  # the second is filled from what the first rendered
            filled = email_build_filled(
                name="petition-confirm",
                key=("test", language),
                values=values,
                context=context,
                to=["a@example.org"],
            )
            assert (filled.subject, filled.body) == (full.subject, full.body)
            assert filled.alternatives[0][0] == full.alternatives[0][0]
