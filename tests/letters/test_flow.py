"""The whole letter flow through the views, with anymail's test backend as the provider."""

import html
import re

import pytest
from django.core import mail

from letters.models import AllowedDomain, Letter
from tests.factories import confirm_path, letter_details, outbox_to

WRITE = "/letters/write/open-letter/"


def preview(client, recipient_slug: str | None, **overrides):
    data = letter_details(**overrides)
    if recipient_slug:
        data["recipient"] = recipient_slug
    return client.post(WRITE, data)


def text_from_preview(response) -> tuple[str, str]:
    page = response.content.decode()
    body = re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    subject = re.search(r'name="subject" value="([^"]*)"', page).group(1)
    return html.unescape(subject), html.unescape(body)


def send(client, recipient_slug: str | None, **overrides):
    response = preview(client, recipient_slug, **overrides)
    assert response.status_code == 200, response.content.decode()[:2000]
    subject, body = text_from_preview(response)
    data = letter_details(**overrides) | {"step": "send", "subject": subject, "body": body}
    if recipient_slug:
        data["recipient"] = recipient_slug
    return client.post(WRITE, data)


@pytest.mark.django_db(transaction=True)
def test_preview_fills_the_letter_with_recipient_and_sender(client, template, mp):
    response = preview(client, mp.slug)
    assert response.status_code == 200
    subject, body = text_from_preview(response)
    assert subject == template.subject
    assert body.startswith("Dear Jane Smith MP,")
    assert "My cousin's village is still mined.\n\nMy best regards," in body
    assert body.endswith("Ann Lee\n1 High Street\nExampleton\nEX1 1AA\nann.lee@example.org")
    assert Letter.objects.count() == 0  # nothing is saved before the supporter sends


@pytest.mark.django_db(transaction=True)
def test_after_confirmation_exactly_one_letter_goes_out_with_the_right_headers(
    client, template, mp, immediate_tasks
):
    response = send(client, mp.slug, copy_to_sender="on", body=None)
    assert response.status_code == 302
    letter = Letter.objects.get()
    assert letter.status == Letter.Status.AWAITING_CONFIRMATION
    assert outbox_to(mp.email) == []
    [confirmation] = outbox_to("ann.lee@example.org")
    assert "Confirm your letter to Jane Smith" in confirmation.subject

    path = confirm_path(confirmation)
    assert client.get(path).status_code == 200  # a mail scanner's GET confirms nothing
    assert Letter.objects.get().status == Letter.Status.AWAITING_CONFIRMATION
    response = client.post(path)
    assert response.status_code == 302
    client.post(path)  # a double click

    [sent] = outbox_to(mp.email)
    assert sent.from_email == "Ann Lee via Release the landmine maps <campaign@localhost>"
    assert sent.reply_to == ["Ann Lee <ann.lee@example.org>"]
    assert sent.to == ["Jane Smith <jane.smith@parliament.example>"]
    assert sent.cc == ["ann.lee@example.org"]
    assert sent.subject == template.subject
    assert sent.body.startswith("Dear Jane Smith MP,")
    assert "Ann Lee\n1 High Street\nExampleton\nEX1 1AA" in sent.body
    assert sent.alternatives[0].mimetype == "text/html"
    assert sent.tags == ["letter", "open-letter"]
    assert sent.metadata == {"letter_id": str(letter.pk)}
    letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT
    assert letter.esp_message_id  # anymail's test backend gives every message an id
    status_page = client.get(response["Location"])
    assert "Sent" in status_page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_supporter_can_edit_the_letter_before_sending(client, template, mp, immediate_tasks):
    _, body = text_from_preview(preview(client, mp.slug))
    edited = body.replace("Dear Jane Smith MP,", "Dear Ms Smith,\n\nIn my own words: act now.", 1)
    data = letter_details(recipient=mp.slug) | {
        "step": "send",
        "subject": f"From Exampleton: {template.subject}",
        "body": edited,
    }
    assert client.post(WRITE, data).status_code == 302
    client.post(confirm_path(outbox_to("ann.lee@example.org")[0]))
    [sent] = outbox_to(mp.email)
    assert sent.subject == f"From Exampleton: {template.subject}"
    assert sent.body.startswith("Dear Ms Smith,\n\nIn my own words: act now.")


@pytest.mark.django_db(transaction=True)
def test_an_mp_needs_the_senders_postal_address(client, template, mp):
    response = preview(client, mp.slug, sender_address="", sender_postcode="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Members of parliament answer the people they represent" in page
    assert "Please give your postal address." in page
    assert 'value="Ann Lee"' in page  # what they typed is kept


@pytest.mark.django_db(transaction=True)
def test_a_supporter_can_write_to_a_recipient_who_is_not_listed(client, template, immediate_tasks):
    # A typed-in address is emailed by the site only on a domain the organisers allow.
    AllowedDomain.objects.create(domain="paper.example")
    response = send(
        client,
        None,
        recipient_name="Sam Editor",
        recipient_title="Editor",
        recipient_email="letters@paper.example",
        sender_address=None,
        sender_postcode=None,
    )
    assert response.status_code == 302
    letter = Letter.objects.get()
    assert letter.recipient is None
    assert letter.recipient_email_canonical == "letters@paper.example"
    client.post(confirm_path(outbox_to("ann.lee@example.org")[0]))
    [sent] = outbox_to("letters@paper.example")
    assert sent.body.startswith("Dear Sam Editor,")


@pytest.mark.django_db(transaction=True)
def test_writing_the_same_letter_twice_keeps_one_letter(client, template, mp, immediate_tasks):
    assert send(client, mp.slug).status_code == 302
    assert send(client, mp.slug, sender_email="Ann.Lee@Example.org").status_code == 302
    assert Letter.objects.count() == 1
    # The second attempt sends the pending confirmation again rather than a second letter.
    assert len(outbox_to("ann.lee@example.org")) + len(outbox_to("Ann.Lee@Example.org")) == 2


@pytest.mark.django_db(transaction=True)
def test_a_recipient_without_an_email_is_offered_print_and_copy_never_an_empty_mailto(
    client, template
):
    response = preview(client, "unmas", sender_address=None, sender_postcode=None)
    assert response.status_code == 200
    page = response.content.decode()
    assert "We have no published email, contact form or address for UN Mine Action" in page
    assert 'value="send"' not in page
    assert "mailto:" not in page
    subject, body = text_from_preview(response)
    data = letter_details(recipient="unmas", sender_address=None, sender_postcode=None)
    printed = client.post(WRITE, data | {"step": "print", "subject": subject, "body": body})
    assert printed.status_code == 200
    assert "recipient-address" in printed.content.decode()
    forced = client.post(WRITE, data | {"step": "send", "subject": subject, "body": body})
    assert forced.status_code == 400
    assert Letter.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_recipient_search_finds_part_of_a_name_constituency_or_organisation(client, template, mp):
    for query in ("smith", "exampleton nor", "HUMAN RIGHTS"):
        page = client.get("/letters/", {"q": query}).content.decode()
        assert ("Jane Smith" in page) == (query != "HUMAN RIGHTS")
    assert "Human Rights Watch" in client.get("/letters/", {"q": "rights watch"}).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_broken_or_expired_confirm_link_says_so(client, template):
    assert client.get("/letters/confirm/nonsense/").status_code == 400
    assert client.post("/letters/confirm/nonsense/").status_code == 400
