"""No contact route without the page that publishes it: the campaign's recipients (issue 18, 6)."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from letters.models import Recipient

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ROUTES = ("email", "contact_url", "postal_address")


def recipient_rows() -> list[dict]:
    rows = []
    for path in sorted(FIXTURES.glob("*/*.json")):
        data = json.loads(path.read_text())
        if isinstance(data, list):
            rows += [row["fields"] for row in data if row.get("model") == "letters.recipient"]
    return rows


@pytest.mark.parametrize("fields", recipient_rows(), ids=lambda fields: fields["slug"])
def test_every_route_in_the_fixtures_names_its_page_and_the_day_it_was_read(fields):
    if any(fields.get(route) for route in ROUTES):
        assert fields.get("contact_source_url", "").startswith("https://")
        assert fields.get("contact_checked_on")
        assert fields.get("contact_note")


@pytest.mark.django_db
def test_the_admin_shows_organisers_where_a_route_comes_from(admin_client):
    recipient = Recipient.objects.create(
        slug="outlet",
        kind=Recipient.Kind.MEDIA,
        name="An Outlet",
        email="letters@outlet.example",
        contact_source_url="https://outlet.example/contact",
        contact_checked_on="2026-12-05",
        contact_note="Their letters page gives this address.",
    )
    page = admin_client.get(reverse("admin:letters_recipient_change", args=[recipient.pk]))
    text = page.content.decode()
    assert "https://outlet.example/contact" in text
    assert 'name="contact_checked_on"' in text
    assert "05/12/2026" in text or "2026-12-05" in text  # in the admin's date format
    assert "Their letters page gives this address." in text
