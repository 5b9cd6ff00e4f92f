"""A new supporter writes to their MP in a real browser and sees the letter marked sent."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from letters.models import Letter, Recipient
from tests.factories import ANYMAIL_TEST_MAILER, IMMEDIATE_TASKS

CONFIRM_LINK = re.compile(r"https?://\S+/letters/confirm/\S+/")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_new_supporter_writes_personalises_confirms_and_sees_the_letter_sent(
    page: Page, live_server, settings, mailoutbox
):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MAILERS = ANYMAIL_TEST_MAILER
    settings.SITE_URL = live_server.url
    call_command("load_campaign", verbosity=0)
    Recipient.objects.create(
        slug="jane-smith",
        kind=Recipient.Kind.MEMBER_OF_PARLIAMENT,
        name="Jane Smith",
        title="MP",
        constituency="Exampleton North",
        email="jane.smith@parliament.example",
    )

    page.goto(f"{live_server.url}/letters/")
    page.get_by_label("Name, constituency or organisation").fill("Exampleton")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Jane Smith").click()

    page.get_by_label("Your name").fill("Aysel Mammadova")
    page.get_by_label("Your email address").fill("aysel@example.org")
    page.get_by_label("Your postal address").fill("12 Garden Road\nExampleton")
    page.get_by_label("Postcode").fill("EX1 2BB")
    page.get_by_label("Why this matters to you").fill("My grandparents' village is still mined.")
    page.get_by_role("button", name="Preview my letter").click()

    letter = page.get_by_label("Your letter")
    expect(letter).to_have_value(re.compile(r"^Dear Jane Smith MP,"))
    expect(letter).to_have_value(re.compile(r"My grandparents' village is still mined\."))
    letter.fill(letter.input_value().replace("I look forward", "I really look forward"))
    page.get_by_role("button", name="Send my letter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    [confirmation] = mailoutbox
    page.goto(CONFIRM_LINK.search(confirmation.body).group(0))
    page.get_by_role("button", name="Confirm and send").click()

    expect(page.locator("#letter-status")).to_have_text("Status: Sent")
    [sent] = [m for m in mailoutbox if "jane.smith@parliament.example" in m.to[0]]
    assert "I really look forward" in sent.body
    assert "Aysel Mammadova\n12 Garden Road\nExampleton\nEX1 2BB" in sent.body
    assert Letter.objects.get().status == Letter.Status.SENT
