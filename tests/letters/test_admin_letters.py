"""Letters in the organisers' admin and dashboard: per recipient, per status, and privacy."""

import pytest
from django.urls import reverse

from campaign.dashboard import dashboard_read
from letters.models import Letter, LetterTemplate, Recipient
from tests.factories import data_manager, organiser

SENDER_EMAIL = "sender.secret@example.org"


@pytest.fixture
def letters(db):
    template = LetterTemplate.objects.create(
        slug="open-letter", name="Open letter", subject="Maps", body="Dear {recipient_name}"
    )
    mp = Recipient.objects.create(slug="jane-mp", kind="mp", name="Jane Member")
    outlet = Recipient.objects.create(slug="daily", kind="media", name="The Daily")
    statuses = {
        mp: ["sent", "sent", "delivered", "bounced", "queued"],
        outlet: ["failed", "awaiting_confirmation"],
    }
    n = 0
    for recipient, wanted in statuses.items():
        for status in wanted:
            n += 1
            Letter.objects.create(
                template=template,
                recipient=recipient,
                recipient_name=recipient.name,
                sender_name=f"Sender {n}",
                sender_email=f"s{n}.{SENDER_EMAIL}",
                sender_email_canonical=f"s{n}.{SENDER_EMAIL}",
                sender_address="1 Secret Street",
                subject="Maps",
                body="Dear Jane, from 1 Secret Street",
                status=status,
            )
    return {"mp": mp, "outlet": outlet}


def test_dashboard_counts_letters_per_recipient_and_status(letters):
    dashboard = dashboard_read()
    statuses = [value for value, _ in dashboard.letter_statuses]
    rows = {
        name: dict(zip(statuses, counts, strict=True))
        for name, counts, _ in (dashboard.letters_by_recipient)
    }
    assert rows["Jane Member"]["sent"] == 2
    assert rows["Jane Member"]["delivered"] == 1
    assert rows["Jane Member"]["bounced"] == 1
    assert rows["Jane Member"]["queued"] == 1
    assert rows["The Daily"]["failed"] == 1
    assert rows["The Daily"]["awaiting_confirmation"] == 1
    assert [name for name, _, _ in dashboard.letters_by_recipient] == ["Jane Member", "The Daily"]


def test_dashboard_page_shows_the_letters_table(client, letters):
    client.force_login(organiser())
    page = client.get(reverse("admin:dashboard"))
    assert "Jane Member" in page.text
    assert "Bounced" in page.text


def test_recipient_list_counts_letters_sent(client, letters):
    client.force_login(organiser())
    page = client.get(reverse("admin:letters_recipient_changelist"))
    assert page.status_code == 200
    assert "letters sent" in page.text.lower()
    link = reverse("admin:letters_letter_changelist") + f"?recipient__id__exact={letters['mp'].pk}"
    assert f'<a href="{link}">5</a>' in page.text


def test_letters_filtered_by_status(client, letters):
    client.force_login(organiser())
    page = client.get(reverse("admin:letters_letter_changelist"), {"status__exact": "failed"})
    assert page.status_code == 200
    assert "The Daily" in page.text
    assert "Jane Member" not in page.text


def test_organiser_does_not_see_senders_addresses_or_letter_text(client, letters):
    client.force_login(organiser())
    letter = Letter.objects.filter(recipient=letters["mp"]).first()
    page = client.get(reverse("admin:letters_letter_change", args=[letter.pk]))
    assert page.status_code == 200
    assert SENDER_EMAIL not in page.text
    assert "Secret Street" not in page.text
    probe = client.get(
        reverse("admin:letters_letter_changelist"), {"sender_email__startswith": "s1"}
    )
    assert probe.status_code == 400


def test_data_manager_sees_the_sender(client, letters):
    client.force_login(data_manager())
    letter = Letter.objects.filter(recipient=letters["mp"]).first()
    page = client.get(reverse("admin:letters_letter_change", args=[letter.pk]))
    assert SENDER_EMAIL in page.text


@pytest.mark.django_db
def test_the_recipient_list_filters_those_without_a_route(client, campaign_content):
    Recipient.objects.filter(slug="bbc-news").update(contact_url="https://bbc.example/contact")
    client.force_login(organiser())
    page = client.get(reverse("admin:letters_recipient_changelist"), {"route": "none"}).text
    assert "Human Rights Watch" in page
    assert "BBC News" not in page
    page = client.get(reverse("admin:letters_recipient_changelist"), {"route": "form"}).text
    assert "BBC News" in page
    assert "Human Rights Watch" not in page
