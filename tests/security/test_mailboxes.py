"""A mailbox is not a weapon: a few emails per address per petition per day, and the answer to
signing again tells a stranger nothing."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petitions.models import Signature
from tests.factories import IMMEDIATE_TASKS, outbox_to, sign_payload

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
