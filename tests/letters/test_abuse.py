"""Bad input and abuse: a clear 4xx, nothing half-saved, nothing that reaches a header."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from letters.models import Letter
from letters.services import letter_message_build
from tests.factories import letter_details
from tests.letters.test_outbox import make_letter

WRITE = "/letters/write/open-letter/"


# The open letter's subject: what the site sends keeps it (letters/relay.py).
TEMPLATE_SUBJECT = "Release the landmine maps: a humanitarian appeal"


def send_data(recipient: str, **overrides) -> dict:
    return letter_details(recipient=recipient, **overrides) | {
        "step": "send",
        "subject": overrides.pop("subject", TEMPLATE_SUBJECT),
        "body": "Dear Jane Smith MP,\n\nPlease act.",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field",
    [
        "sender_name",
        "sender_email",
        "sender_postcode",
        "subject",
        "recipient_name",
        "recipient_title",
        "recipient_email",
    ],
)
def test_a_line_break_in_any_single_line_field_is_refused(client, template, mp, field):
    data = send_data(mp.slug)
    if field.startswith("recipient_"):  # only asked for a recipient the supporter enters
        data = send_data("", recipient_email="ed@paper.example", recipient_name="Ed")
        del data["recipient"]
    data[field] = data.get(field, "x") + "\r\nBcc: victim@example.org"
    response = client.post(WRITE, data)
    assert response.status_code == 400
    assert Letter.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_over_long_fields_are_refused_with_a_message(client, template, mp):
    response = client.post(WRITE, send_data(mp.slug, sender_name="A" * 101))
    assert response.status_code == 400
    assert "Ensure this value has at most 100 characters" in response.content.decode()
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_a_malformed_post_is_a_400_not_a_500(client, template, mp):
    assert client.post(WRITE, {"step": "send"}).status_code == 400
    assert client.post(WRITE, {"recipient": "no-such-recipient"}).status_code == 404
    assert client.post("/letters/write/no-such-letter/", {}).status_code == 404
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_a_post_without_a_csrf_token_is_refused(template, mp):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(WRITE, send_data(mp.slug)).status_code == 403
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_the_sender_rate_limit_answers_429_and_saves_nothing(client, template, mp, settings):
    settings.LETTERS_TEMPLATE_SHARE_MIN = 0  # the limits are under test, not the text
    settings.LETTERS_RATE_PER_SENDER = "1/1h"
    assert client.post(WRITE, send_data(mp.slug)).status_code == 302
    other = mp.__class__.objects.create(slug="other", kind="media", name="Paper", email="p@x.org")
    response = client.post(WRITE, send_data(other.slug))
    assert response.status_code == 429
    assert "Please wait a while" in response.content.decode()
    assert Letter.objects.count() == 1


@pytest.mark.django_db
def test_the_daily_cap_per_sender_holds(client, template, mp, settings):
    settings.LETTERS_TEMPLATE_SHARE_MIN = 0  # the limits are under test, not the text
    settings.LETTERS_DAILY_CAP_PER_SENDER = 1
    assert client.post(WRITE, send_data(mp.slug)).status_code == 302
    other = mp.__class__.objects.create(slug="other", kind="media", name="Paper", email="p@x.org")
    assert client.post(WRITE, send_data(other.slug)).status_code == 429


@pytest.mark.django_db
def test_names_cannot_inject_headers_into_the_message(template, mp):
    letter = make_letter(template, mp)
    letter.sender_name = 'Eve "Mallory", Esq.\r\nBcc: victim@example.org'
    letter.subject = "Hi\nBcc: victim@example.org"
    message = letter_message_build(letter=letter).message()
    headers = message.as_string().split("\n\n", 1)[0]
    assert "\nBcc:" not in headers
    assert message["Bcc"] is None
    assert message["Subject"] == "Hi Bcc: victim@example.org"
    assert message["From"].startswith('"Eve \\"Mallory\\", Esq. Bcc: victim@example.org via')


@pytest.mark.django_db
def test_purge_deletes_stale_unconfirmed_letters_and_old_texts_but_keeps_counts(
    template, mp, capsys
):
    now = timezone.now()
    stale = make_letter(template, mp, sender="a@x.org", status=Letter.Status.AWAITING_CONFIRMATION)
    fresh = make_letter(template, mp, sender="b@x.org", status=Letter.Status.AWAITING_CONFIRMATION)
    old_sent = make_letter(template, mp, sender="c@x.org", status=Letter.Status.SENT)
    new_sent = make_letter(template, mp, sender="d@x.org", status=Letter.Status.SENT)
    Letter.objects.filter(pk=stale.pk).update(created_at=now - timedelta(days=8))
    Letter.objects.filter(pk=old_sent.pk).update(sent_at=now - timedelta(days=91))
    Letter.objects.filter(pk=new_sent.pk).update(sent_at=now - timedelta(days=1))

    call_command("purge_letters")
    assert "1 unconfirmed letter(s) deleted, 1 letter text(s) removed." in capsys.readouterr().out
    assert not Letter.objects.filter(pk=stale.pk).exists()
    assert Letter.objects.filter(pk=fresh.pk).exists()
    old_sent.refresh_from_db()
    assert old_sent.body == ""
    assert old_sent.body_removed_at is not None
    assert old_sent.status == Letter.Status.SENT  # still counted
    assert Letter.objects.get(pk=new_sent.pk).body != ""
    assert Letter.objects.sent().count() == 2
