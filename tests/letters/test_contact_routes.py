"""The letter flow offers what exists: send with an email, copy into a form, print for post."""

import pytest
from django.urls import reverse

from letters.models import Recipient
from tests.factories import letter_details

pytestmark = pytest.mark.django_db


def recipient(**contact) -> Recipient:
    return Recipient.objects.create(
        slug="the-example-times", kind=Recipient.Kind.MEDIA, name="The Example Times", **contact
    )


def preview(client, r: Recipient) -> str:
    url = reverse("letters:write", args=["open-letter"])
    response = client.post(url, letter_details(recipient=r.slug))
    assert response.status_code == 200
    return response.content.decode()


def test_with_an_email_the_site_sends_and_the_mailto_has_a_to(client, template):
    page = preview(client, recipient(email="letters@times.example"))
    assert "Send my letter" in page
    assert 'href="mailto:letters@times.example?' in page


def test_a_contact_form_only_offers_copy_and_the_forms_link_never_a_send_button(client, template):
    page = preview(client, recipient(contact_url="https://times.example/contact"))
    assert "Send my letter" not in page
    assert "mailto:" not in page
    assert "paste it into their form" in page
    assert 'href="https://times.example/contact"' in page
    assert 'id="copy-letter"' in page


def test_a_postal_address_prints_for_a_window_envelope(client, template):
    r = recipient(postal_address="1 Fleet Street\nLondon EC4Y 1AA")
    page = preview(client, r)
    assert "Send my letter" not in page
    assert "mailto:" not in page
    assert "Printable version for a window envelope" in page
    printed = client.post(
        reverse("letters:write", args=["open-letter"]),
        letter_details(
            recipient=r.slug, step="print", subject="Landmine maps", body="Dear editor, …"
        ),
    ).content.decode()
    assert (
        '<address class="recipient-address">The Example Times<br>1 Fleet Street<br>London EC4Y 1AA'
        in printed
    )


def test_no_route_says_so_and_offers_copy_and_print_only(client, template):
    page = preview(client, recipient())
    assert "Send my letter" not in page
    assert "mailto:" not in page
    assert "We have no published email, contact form or address" in page


def test_a_send_without_an_email_is_refused(client, template):
    r = recipient(contact_url="https://times.example/contact")
    response = client.post(
        reverse("letters:write", args=["open-letter"]),
        letter_details(recipient=r.slug, step="send", subject="S", body="Dear editor"),
    )
    assert response.status_code == 400
    assert not r.letters.exists()


def test_the_fixtures_give_a_route_only_with_the_page_that_publishes_it(campaign_content):
    named = Recipient.objects.filter(provider="")
    assert named.count() == 13
    for recipient in named.exclude(pk__in=named.without_route()):
        assert recipient.contact_source_url, recipient.slug
        assert recipient.contact_checked_on, recipient.slug
