"""A mailbox is not a weapon: a few emails per address per petition per day, and the answer to
signing again tells a stranger nothing."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter
from petitions.models import Signature
from tests.factories import (
    ANYMAIL_TEST_MAILER,
    IMMEDIATE_TASKS,
    letter_details,
    outbox_to,
    sign_payload,
)

VICTIM = "victim@example.org"


@pytest.fixture
def signing(petition, settings, mailoutbox):
    settings.TASKS = IMMEDIATE_TASKS
    settings.PETITION_MIN_FILL_SECONDS = 0
    settings.PETITION_RATE_BURST = "100/60s"
    return reverse("petitions:sign", kwargs={"slug": petition.slug})


def sign_as(url: str, email: str, capture, *, ip: str = "203.0.113.1"):
    with capture(execute=True):
        return Client().post(url, sign_payload(email=email), REMOTE_ADDR=ip)


def test_an_address_gets_at_most_a_few_emails_a_day_however_often_it_is_signed_with(
    signing, settings, django_capture_on_commit_callbacks
):
    settings.PETITION_EMAILS_PER_ADDRESS_PER_DAY = 3
    for number in range(6):
        response = sign_as(
            signing, VICTIM, django_capture_on_commit_callbacks, ip=f"192.0.2.{number}"
        )
        assert response.status_code == 302
    assert len(outbox_to(VICTIM)) == 3
    # Another address is not held back by the victim's cap.
    sign_as(signing, "someone.else@example.org", django_capture_on_commit_callbacks)
    assert len(outbox_to("someone.else@example.org")) == 1


def test_signing_with_an_address_that_has_signed_tells_only_its_owner(
    signing, django_capture_on_commit_callbacks
):
    sign_as(signing, VICTIM, django_capture_on_commit_callbacks)
    Signature.objects.update(confirmed_at=timezone.now())
    mail.outbox.clear()

    stranger = sign_as(signing, VICTIM, django_capture_on_commit_callbacks)
    newcomer = sign_as(signing, "new@example.org", django_capture_on_commit_callbacks)
    # The same answer as for someone who has never signed.
    assert stranger["Location"] == newcomer["Location"]
    page = Client().get(stranger["Location"]).text
    assert "check your email" in page
    assert "already signed" not in page.lower()
    # The owner is told, by email.
    (message,) = outbox_to(VICTIM)
    assert "already signed" in message.subject
    assert "already signed it" in message.body
    assert "/petitions/confirm/" not in message.body
    assert Signature.objects.filter(email=VICTIM).count() == 1


WRITE = "/letters/write/open-letter/"
SENDER = "ann.lee@example.org"


def letter_post(client, recipient: str) -> dict:
    """The letter as the preview fills it, ready to send."""
    preview = client.post(WRITE, letter_details(recipient=recipient, sender_email=SENDER))
    initial = preview.context["form"].initial
    return letter_details(recipient=recipient, sender_email=SENDER) | {
        "step": "send",
        "subject": initial["subject"],
        "body": initial["body"],
    }


@pytest.fixture
def writing(template, mp, settings, mailoutbox):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MAILERS = ANYMAIL_TEST_MAILER
    settings.LETTERS_RATE_PER_IP = "1000/1h"
    settings.LETTERS_RATE_PER_SENDER = "1000/1h"
    return mp


def test_repeat_submissions_count_against_the_daily_cap_per_sender(client, writing, settings):
    settings.LETTERS_DAILY_CAP_PER_SENDER = 3
    data = letter_post(client, writing.slug)
    statuses = [client.post(WRITE, data).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Letter.objects.count() == 1


def test_a_letter_submitted_again_and_again_sends_its_link_a_few_times_a_day(
    client, writing, settings, django_capture_on_commit_callbacks
):
    settings.LETTERS_CONFIRMATION_EMAILS_PER_DAY = 3
    data = letter_post(client, writing.slug)
    for _ in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(WRITE, data).status_code == 302
    assert len(outbox_to(SENDER)) == 3
