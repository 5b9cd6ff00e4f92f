"""What the letter pages promise is what happens (issue 18, item 12)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from letters.models import Letter, Recipient
from letters.tokens import status_token_make
from tests.factories import letter_details
from tests.letters.test_outbox import make_letter

pytestmark = pytest.mark.django_db
WRITE = "/letters/write/open-letter/"


def test_the_status_page_ends_its_reason_once_and_gives_the_time_zone(client, template, mp):
    letter = make_letter(template, mp, status=Letter.Status.FAILED)
    Letter.objects.filter(pk=letter.pk).update(status_reason="Mailbox unavailable.")
    page = client.get(reverse("letters:status", args=[status_token_make(letter.pk)])).text
    assert "It could not be delivered: Mailbox unavailable." in page
    assert "unavailable.." not in page
    sent = make_letter(template, mp, sender="b@example.org", status=Letter.Status.SENT)
    when = datetime.datetime(2026, 12, 5, 14, 3, tzinfo=datetime.UTC)
    Letter.objects.filter(pk=sent.pk).update(sent_at=when)
    page = client.get(reverse("letters:status", args=[status_token_make(sent.pk)])).text
    assert "It was sent on" in page
    assert f" {timezone.localtime(when).tzname()}." in page  # the time with its zone
    assert "Sign the petition" not in page


def test_a_typed_in_address_the_site_will_not_email_is_not_called_missing(client, template):
    data = letter_details(
        recipient_name="Jane Smith",
        recipient_email="jane@random.example",
        sender_address=None,
        sender_postcode=None,
    )
    page = client.post(WRITE, data).text
    assert "&lt;jane@random.example&gt;" in page
    assert "Send this letter from your own email." in page
    assert "We have no published email address for Jane Smith" not in page


def test_the_write_page_promises_no_confirmation_email_when_nothing_is_sent(client, template):
    outlet = Recipient.objects.create(slug="paper", kind="media", name="A Paper")
    page = client.get(f"{WRITE}?recipient={outlet.slug}").text
    assert "We send you a link to confirm it" not in page
    assert "This letter is not sent through this site" in page
