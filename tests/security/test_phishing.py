"""Letters that cannot carry phishing (issue 17, item 9): each attempt that went out in the
campaign's name to an allowed-domain address is now refused beside its field, nothing saved."""

import html
import re

import pytest
from django.core import mail

from letters.models import AllowedDomain, Letter
from letters.relay import domains, sender_name_problem, subject_addition
from tests.factories import ANYMAIL_TEST_MAILER, IMMEDIATE_TASKS, letter_details

WRITE = "/letters/write/open-letter/"
TO = "member@parliament.example"


@pytest.fixture
def writing(template, settings):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MAILERS = ANYMAIL_TEST_MAILER
    AllowedDomain.objects.create(domain="parliament.example", note="test parliament")
    return template


def details(**overrides) -> dict:
    values = {
        "recipient_name": "Sam Member",
        "recipient_email": TO,
        "sender_address": None,
        "sender_postcode": None,
        "personal_paragraph": "",
    }
    return letter_details(**(values | overrides))


def preview(client, **overrides) -> tuple[str, str]:
    page = client.post(WRITE, details(**overrides)).text
    body = re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    subject = re.search(r'name="subject" value="([^"]*)"', page).group(1)
    return html.unescape(subject), html.unescape(body)


def send(client, *, subject=None, body_change=lambda body: body, **overrides):
    own_subject, body = preview(client)
    data = details(**overrides) | {
        "step": "send",
        "subject": own_subject if subject is None else subject,
        "body": body_change(body),
    }
    return client.post(WRITE, data)


def refused(response, words: str) -> None:
    assert response.status_code == 400, response.status_code
    assert words in html.unescape(response.text)
    assert not Letter.objects.exists()
    assert mail.outbox == []


def before_sign_off(body: str, text: str) -> str:
    return body.replace("\n\nMy best regards,", f"\n\n{text}\n\nMy best regards,", 1)


@pytest.mark.parametrize(
    "link",
    [
        "https://claim-refund.ninja/form",
        "see claim-refund.ninja",
        "watch parliament-update.tv",
        "open invoice.zip",
        "play statement.mov",
        "http://203.0.113.7/login",
        "203.0.113.7/login",
        "evil[.]com/login",
        "hxxps://evil[.]com",
        "evil(.)com",
        "evil dot com/login",
        "evil\u2024com/login",  # one-dot leader
        "evil\uff0ecom",  # fullwidth full stop
        "evil\u3002com",  # ideographic full stop
    ],
)
def test_no_domain_that_is_not_the_campaigns_own_goes_out(client, writing, link):
    response = send(client, body_change=lambda body: before_sign_off(body, f"Details: {link}"))
    refused(response, "Please leave out web links")


def test_a_money_request_appended_to_the_whole_letter_is_refused(client, writing):
    request = "Please send a donation by bank transfer to the account below. " * 110  # 6,800
    assert len(request) >= 6800
    response = send(client, body_change=lambda body: body + "\n\n" + request)
    refused(response, "Please keep what you add to 1200 characters")


def test_a_subject_replaced_entirely_is_refused(client, writing):
    response = send(client, subject="URGENT: your parliamentary account is suspended")
    refused(response, "its subject stays")


def test_a_short_addition_to_the_subject_goes_out(client, writing):
    own_subject, _ = preview(client)
    response = send(client, subject=f"From a constituent in Exampleton: {own_subject}")
    assert response.status_code == 302
    assert Letter.objects.get().subject.startswith("From a constituent in Exampleton: ")


@pytest.mark.parametrize(
    "name",
    [
        "IT Service Desk <it@parliament.uk>",
        "it@parliament.uk",
        "Parliament IT parliament-support.ninja",
        "A" * 71,
    ],
)
def test_a_sender_name_that_is_not_a_persons_name_is_refused(client, writing, name):
    response = client.post(WRITE, details(sender_name=name))
    assert response.status_code == 400
    assert "your name" in html.unescape(response.text).lower()
    assert not Letter.objects.exists()


def test_own_words_are_capped_beside_the_field_with_the_reason(client, writing, settings):
    settings.LETTERS_PERSONAL_MAX_CHARS = 300
    response = client.post(WRITE, details(personal_paragraph="My family. " * 40))
    assert response.status_code == 400
    page = html.unescape(response.text)
    assert "Please keep your own words to 300 characters" in page
    assert "at most 300 characters (a paragraph or two)" in page  # explained beside the field


def test_the_rules_see_through_spellings():
    assert domains("Ann Lee\nann@example.org\n$340 million, 3.5 km, e.g. U.S.") == ["example.org"]
    assert sender_name_problem("Leyla Əliyeva-Mammadova") is None
    assert subject_addition(template_subject="Release the maps", subject="Release the maps") == ""
    assert subject_addition(template_subject="Release the maps", subject="Urgent") is None
