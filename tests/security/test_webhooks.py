"""Only the configured provider's tracking webhook exists; every other webhook URL is a 404."""

import base64
import json

import pytest

from letters.models import Letter
from tests.letters.test_webhooks import BASIC, SIGNING_KEY, mailgun_event

AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(BASIC.encode()).decode()}


@pytest.fixture
def mailgun(settings):
    settings.MAILER = "mailgun"
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY, "WEBHOOK_SECRET": BASIC}


@pytest.fixture
def sent_letter(template, mp) -> Letter:
    return Letter.objects.create(
        template=template,
        recipient=mp,
        recipient_name=mp.name,
        recipient_email=mp.email,
        recipient_email_canonical=mp.email,
        sender_name="Ann Lee",
        sender_email="ann@example.org",
        sender_email_canonical="ann@example.org",
        subject="Release the maps",
        body="Dear Jane Smith MP,\n\nPlease act.\n\nAnn Lee",
        status=Letter.Status.SENT,
        esp_message_id="<20261122.1@mg.example.org>",
    )


OTHER_WEBHOOKS = [
    "/anymail/amazon_ses/tracking/",
    "/anymail/amazon_ses/inbound/",
    "/anymail/postmark/tracking/",
    "/anymail/sendgrid/tracking/",
    "/anymail/brevo/tracking/",
    "/anymail/sparkpost/tracking/",
    "/anymail/postal/tracking/",
    "/anymail/resend/tracking/",
    "/anymail/mandrill/",
    "/anymail/mailgun/inbound/",
    "/anymail/mailgun/inbound_mime/",
    "/anymail/no-such-provider/tracking/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", OTHER_WEBHOOKS)
def test_webhooks_of_other_providers_are_not_there(client, mailgun, url):
    client.raise_request_exception = False
    response = client.post(url, data="{}", content_type="application/json", **AUTH)
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_forged_bounce_through_another_providers_webhook_changes_nothing(
    client, mailgun, sent_letter
):
    # Postmark's webhook checks only the shared basic-auth secret: it must not be reachable.
    bounce = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "MessageID": "20261122.1@mg.example.org",
        "Email": "jane.smith@parliament.example",
        "BouncedAt": "2026-11-22T10:00:00Z",
    }
    response = client.post(
        "/anymail/postmark/tracking/", json.dumps(bounce), "application/json", **AUTH
    )
    assert response.status_code == 404
    sent_letter.refresh_from_db()
    assert sent_letter.status == Letter.Status.SENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    "anymail",
    [{"WEBHOOK_SECRET": BASIC}, {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}, {}],
    ids=["no signing key", "no basic-auth secret", "nothing"],
)
def test_the_providers_own_webhook_is_a_404_until_it_is_secured(
    client, settings, sent_letter, anymail
):
    settings.MAILER = "mailgun"
    settings.ANYMAIL = anymail
    payload = mailgun_event("delivered", "20261122.1@mg.example.org")
    response = client.post(
        "/anymail/mailgun/tracking/", json.dumps(payload), "application/json", **AUTH
    )
    assert response.status_code == 404
    sent_letter.refresh_from_db()
    assert sent_letter.status == Letter.Status.SENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'{"signature": 5}', "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"a=b", "application/x-www-form-urlencoded"),
        (b"", "text/plain"),
    ],
)
def test_a_payload_the_provider_would_not_send_is_a_4xx(client, mailgun, body, content_type):
    client.raise_request_exception = False
    response = client.generic("POST", "/anymail/mailgun/tracking/", body, content_type, **AUTH)
    assert 400 <= response.status_code < 500
