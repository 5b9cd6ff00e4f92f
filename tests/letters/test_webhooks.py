"""The provider's tracking webhooks move a letter's status; forged calls are refused."""

import base64
import hashlib
import hmac
import json
import time

import pytest

from letters.models import Letter
from tests.letters.test_outbox import make_letter

SIGNING_KEY = "test-signing-key"
BASIC = "hook:secret"
URL = "/anymail/mailgun/tracking/"


@pytest.fixture
def mailgun_webhooks(settings):
    settings.MAILER = "mailgun"
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY, "WEBHOOK_SECRET": BASIC}


def mailgun_event(event: str, message_id: str, *, key: str = SIGNING_KEY, **extra) -> dict:
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": event,
            "timestamp": time.time(),
            "id": "event-id",
            "recipient": "jane.smith@parliament.example",
            "message": {"headers": {"message-id": message_id}},
            **extra,
        },
    }


def post(client, payload: dict, *, auth: str = BASIC):
    credentials = base64.b64encode(auth.encode()).decode()
    return client.post(
        URL,
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )


@pytest.fixture
def sent_letter(template, mp) -> Letter:
    letter = make_letter(template, mp, status=Letter.Status.SENT)
    letter.esp_message_id = "<20261122.1@mg.example.org>"
    letter.save()
    return letter


@pytest.mark.django_db
def test_a_signed_delivered_event_marks_the_letter_delivered(client, mailgun_webhooks, sent_letter):
    response = post(client, mailgun_event("delivered", "20261122.1@mg.example.org"))
    assert response.status_code == 200
    sent_letter.refresh_from_db()
    assert sent_letter.status == Letter.Status.DELIVERED
    assert sent_letter.delivered_at is not None


@pytest.mark.django_db
def test_a_signed_permanent_failure_marks_the_letter_bounced_with_the_reason(
    client, mailgun_webhooks, sent_letter
):
    payload = mailgun_event(
        "failed",
        "20261122.1@mg.example.org",
        severity="permanent",
        reason="bounce",
        **{"delivery-status": {"message": "550 5.1.1 mailbox does not exist", "code": 550}},
    )
    assert post(client, payload).status_code == 200
    sent_letter.refresh_from_db()
    assert sent_letter.status == Letter.Status.BOUNCED
    assert "mailbox does not exist" in sent_letter.status_reason


@pytest.mark.django_db
def test_a_forged_signature_is_refused_and_changes_nothing(client, mailgun_webhooks, sent_letter):
    forged = mailgun_event("delivered", "20261122.1@mg.example.org", key="not-the-key")
    assert post(client, forged).status_code == 400
    sent_letter.refresh_from_db()
    assert sent_letter.status == Letter.Status.SENT


@pytest.mark.django_db
def test_a_call_without_the_basic_auth_secret_is_refused(client, mailgun_webhooks, sent_letter):
    response = post(client, mailgun_event("delivered", "20261122.1@mg.example.org"), auth="x:y")
    assert response.status_code == 400
    sent_letter.refresh_from_db()
    assert sent_letter.status == Letter.Status.SENT


@pytest.mark.django_db
def test_a_late_delivered_event_does_not_undo_a_bounce(client, mailgun_webhooks, sent_letter):
    sent_letter.status = Letter.Status.BOUNCED
    sent_letter.save()
    assert post(client, mailgun_event("delivered", "20261122.1@mg.example.org")).status_code == 200
    sent_letter.refresh_from_db()
    assert sent_letter.status == Letter.Status.BOUNCED
