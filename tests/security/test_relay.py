"""The campaign's address is not a relay: the site emails only the directory and allowed
domains, keeps the campaign's text, adds no links, and says what it sends."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from campaign.selectors import campaign_name
from letters.models import AllowedDomain, Letter
from letters.relay import domain_allowed, links_added, template_share_kept
from tests.factories import ANYMAIL_TEST_MAILER, IMMEDIATE_TASKS, letter_details

WRITE = "/letters/write/open-letter/"
PHISHING = "Your mailbox is full. Log in at https://mail-login.example.com to keep your email."


@pytest.fixture
def writing(template, settings):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MAILERS = ANYMAIL_TEST_MAILER
    return template


def typed_in(address: str, **overrides) -> dict:
    return letter_details(
        recipient_name="Sam Random",
        recipient_email=address,
        sender_address=None,
        sender_postcode=None,
        **overrides,
    )


def preview_text(response) -> tuple[str, str]:
    page = response.text
    body = re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    subject = re.search(r'name="subject" value="([^"]*)"', page).group(1)
    return html.unescape(subject), html.unescape(body)


def test_a_typed_in_address_off_the_allowed_domains_is_never_emailed_by_the_site(client, writing):
    preview = client.post(WRITE, typed_in("someone@random.example"))
    assert preview.status_code == 200
    assert "Send this letter from your own email." in preview.text
    assert 'value="send"' not in preview.text
    assert "mailto:someone@random.example" in preview.text
    subject, body = preview_text(preview)
    forced = client.post(
        WRITE,
        typed_in("someone@random.example") | {"step": "send", "subject": subject, "body": body},
    )
    assert forced.status_code == 400
    assert "send this letter from your own email program" in forced.text
    assert not Letter.objects.exists()
    assert mail.outbox == []


def test_a_typed_in_address_on_an_allowed_domain_is_sent(client, writing):
    AllowedDomain.objects.create(domain="parliament.example", note="The parliament")
    address = "sam.random@members.parliament.example"
    subject, body = preview_text(client.post(WRITE, typed_in(address)))
    response = client.post(
        WRITE, typed_in(address) | {"step": "send", "subject": subject, "body": body}
    )
    assert response.status_code == 302
    assert Letter.objects.get().recipient_email == address


def test_a_letter_that_replaces_the_campaigns_text_is_not_sent_by_the_site(client, writing, mp):
    data = letter_details(recipient=mp.slug)
    subject, body = preview_text(client.post(WRITE, data))
    replaced = "Dear Jane Smith MP,\n\n" + PHISHING.replace("https://", "") + "\n\nAnn Lee"
    response = client.post(WRITE, data | {"step": "send", "subject": subject, "body": replaced})
    assert response.status_code == 400
    assert "most of the campaign" in response.text
    assert not Letter.objects.exists()
    # The supporter's own copy (print) is theirs to word as they like.
    printed = client.post(WRITE, data | {"step": "print", "subject": subject, "body": replaced})
    assert printed.status_code == 200


def test_links_are_refused_in_the_personal_paragraph_and_in_added_text(client, writing, mp):
    response = client.post(WRITE, letter_details(recipient=mp.slug, personal_paragraph=PHISHING))
    assert response.status_code == 400
    assert "leave out web links" in response.text
    data = letter_details(recipient=mp.slug)
    subject, body = preview_text(client.post(WRITE, data))
    added = body.replace("My best regards,", "See www.example.com/login\n\nMy best regards,")
    response = client.post(WRITE, data | {"step": "send", "subject": subject, "body": added})
    assert response.status_code == 400
    assert "leave out web links" in response.text
    assert not Letter.objects.exists()


def test_the_preview_says_what_is_sent_to_whom_and_from_whom(client, writing, mp, settings):
    settings.DEFAULT_FROM_EMAIL = "Release the maps <campaign@mg.example.org>"
    response = client.post(WRITE, letter_details(recipient=mp.slug))
    said = re.search(r'<p id="what-is-sent"[^>]*>(.*?)</p>', response.text, re.S).group(1)
    said = html.unescape(re.sub(r"<[^>]+>", "", said))
    assert "Jane Smith <jane.smith@parliament.example>" in said
    assert "campaign@mg.example.org" in said
    assert f"Ann Lee via {campaign_name()}" in said
    assert "Replies go to you at ann.lee@example.org" in said


def test_organisers_keep_the_allowed_domains_in_the_admin(admin_client, db):
    url = reverse("admin:letters_alloweddomain_add")
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"domain": " @Parliament.Example. ", "note": "MPs"})
    assert response.status_code == 302
    assert AllowedDomain.objects.get(note="MPs").domain == "parliament.example"


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("a@parliament.example", True),
        ("a@mps.parliament.example", True),
        ("a@notparliament.example", False),
        ("a@parliament.example.evil.com", False),
        ("a@PARLIAMENT.EXAMPLE", True),
    ],
)
def test_domain_allowed(address, allowed):
    assert domain_allowed(address, ["parliament.example"]) is allowed


def test_the_share_of_the_campaigns_text_kept():
    text = "one two three four five six seven eight nine ten"
    assert template_share_kept(template_text=text, body=text + " and my own words") == 1.0
    assert template_share_kept(template_text=text, body="one two three four five") == 0.5
    assert template_share_kept(template_text=text, body="something else entirely") == 0.0


def test_links_added_ignores_the_campaigns_own_links_and_the_senders_address():
    own = "Read more at https://campaign.example.org/maps.\n\nAnn Lee\nann@example.org"
    assert links_added(template_text=own, text=own + " Write to me at ann@example.org.") == []
    assert links_added(template_text=own, text=own + " bit.ly/x") == ["bit.ly"]
    assert links_added(template_text=own, text=own + " Or to pay@evil.example.net") == [
        "evil.example.net"
    ]
