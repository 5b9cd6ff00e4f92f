"""A new supporter signs the petition in a real browser and sees their signature counted."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import IMMEDIATE_TASKS, make_petition

CONFIRM_LINK = re.compile(r"https?://\S+/petitions/confirm/\S+/")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_new_supporter_signs_confirms_and_sees_the_counter_go_up(
    page: Page, live_server, settings, mailoutbox
):
    # The email is sent inside the request, so it is in the outbox when the page answers.
    settings.TASKS = IMMEDIATE_TASKS
    settings.SITE_URL = live_server.url
    # A script types faster than a person; the minimum fill time is tested elsewhere.
    settings.PETITION_MIN_FILL_SECONDS = 0
    petition = make_petition()

    page.goto(f"{live_server.url}/petitions/{petition.slug}/")
    counter = page.locator(".counter-text")
    expect(counter).to_have_text("0 people have signed. Let’s get to 15,000!")

    page.get_by_label("Your name").fill("Aysel Mammadova")
    page.get_by_label("Email address").fill("aysel@example.org")
    page.get_by_label("Country", exact=True).select_option("AZ")
    page.get_by_label("Postcode or town").fill("Baku")
    page.get_by_role("button", name="Sign the petition").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you – now check your email")
    assert len(mailoutbox) == 1
    link = CONFIRM_LINK.search(mailoutbox[0].body).group(0)

    page.goto(link)
    # Opening the link confirms nothing (mail scanners open links too): the button does.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your signature")
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your signature is confirmed")

    # As under `make run` (the immediate task backend, no scheduler): the confirmation
    # refreshed the counter itself, so the count has moved with nothing else running.
    page.goto(f"{live_server.url}/petitions/{petition.slug}/")
    # Right away, or at the counter's next refresh from count.json (every few seconds).
    expect(page.locator(".counter-text")).to_have_text(
        "1 person has signed. Let’s get to 15,000!", timeout=20_000
    )
