"""A new supporter finds their MP by postcode, in a phone-sized browser, for each parliament.

The parliaments' APIs are the recorded answers (test data) served from a loopback HTTP server,
which the live server calls as it would call the real ones.
"""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page, expect

from letters.models import AllowedDomain, Letter, Recipient
from letters.replies import reply_asks_send
from tests.factories import ANYMAIL_TEST_MAILER, IMMEDIATE_TASKS
from tests.letters.representatives.fake_api import UK_FOUND, html, serve

CONFIRM_LINK = re.compile(r"https?://\S+/letters/confirm/\S+/")


@pytest.fixture
def apis(settings):
    """Both APIs on loopback; the settings point at them."""
    with serve() as served:
        settings.UK_PARLIAMENT_API_URL = served.url
        settings.REPRESENT_API_URL = served.url
        yield served


@pytest.fixture
def site(live_server, settings):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MAILERS = ANYMAIL_TEST_MAILER
    settings.SITE_URL = live_server.url
    call_command("load_campaign", verbosity=0)
    return live_server.url


def write_and_confirm(page: Page, mailoutbox, *, name: str, email: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your email address").fill(email)
    page.get_by_label("Your postal address").fill("12 Garden Road\nExampleton")
    page.get_by_label("Why this matters to you").fill("My grandparents' village is still mined.")
    page.get_by_role("button", name="Preview my letter").click()
    page.get_by_role("button", name="Send my letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    [confirmation] = [m for m in mailoutbox if m.to == [email]]
    page.goto(CONFIRM_LINK.search(confirmation.body).group(0))
    page.get_by_role("button", name="Confirm and send").click()
    expect(page.locator("#letter-status")).to_have_text("Status: Sent")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("postcode", "mp", "constituency", "address"),
    [
        ("ex1 1aa", "Jane Testmember", "Exampleton North", "jane.testmember.mp@parliament.example"),
        ("K1A 0B1", "Marie Testdéputée", "Testville Centre", "marie.testdeputee@parl.example.ca"),
    ],
    ids=["uk-commons", "ca-commons"],
)
def test_a_postcode_leads_to_the_mp_and_one_letter_to_their_published_address(
    page: Page, site, apis, mailoutbox, postcode, mp, constituency, address
):
    page.goto(f"{site}/letters/")
    page.get_by_role("textbox", name="Your postcode").fill(postcode)
    page.get_by_role("button", name="Find my MP").click()

    card = page.locator(".rep-card")
    expect(card.get_by_role("heading", name=mp)).to_be_visible()
    expect(card).to_contain_text(constituency)
    card.get_by_role("link", name=f"Write to {mp}").click()

    expect(page.locator(".recipient-box")).to_contain_text(mp)
    page.get_by_label("Your name").fill("Aysel Mammadova")
    page.get_by_label("Your email address").fill("aysel@example.org")
    page.get_by_label("Your postal address").fill("12 Garden Road\nExampleton")
    page.get_by_label("Why this matters to you").fill("My grandparents' village is still mined.")
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_label("Your letter")).to_have_value(re.compile(rf"^Dear {mp} MP,"))
    page.get_by_role("button", name="Send my letter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    [confirmation] = mailoutbox
    page.goto(CONFIRM_LINK.search(confirmation.body).group(0))
    page.get_by_role("button", name="Confirm and send").click()
    expect(page.locator("#letter-status")).to_have_text("Status: Sent")

    [letter] = [m for m in mailoutbox if any(address in to for to in m.to)]
    assert letter.reply_to == ["Aysel Mammadova <aysel@example.org>"]
    assert f"Dear {mp} MP," in letter.body
    assert Letter.objects.get().recipient.constituency == constituency


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_with_the_api_failing_the_supporter_finishes_through_the_manual_path(
    page: Page, site, settings, mailoutbox
):
    # A typed-in address goes out through the site only on an allowed domain: a parliament's.
    AllowedDomain.objects.create(domain="parliament.example", note="test parliament")
    with serve({UK_FOUND: html(500)}) as failing:
        settings.UK_PARLIAMENT_API_URL = failing.url
        page.goto(f"{site}/letters/")
        page.get_by_role("textbox", name="Your postcode").fill("EX1 1AA")
        page.get_by_role("button", name="Find my MP").click()
        expect(page.locator("#lookup-problem")).to_contain_text("We can't look up MPs right now")
        assert failing.hits  # the API was asked, and failed

    page.get_by_role("link", name="Type your MP's details").click()
    page.get_by_label("Their name").fill("Sam Typed")
    page.get_by_label("Their title or role").fill("MP")
    page.get_by_label("Their email address").fill("sam.typed@parliament.example")
    write_and_confirm(page, mailoutbox, name="Aysel Mammadova", email="aysel@example.org")

    [letter] = [m for m in mailoutbox if any("sam.typed@parliament.example" in to for to in m.to)]
    assert letter.reply_to == ["Aysel Mammadova <aysel@example.org>"]
    assert "Dear Sam Typed MP," in letter.body


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_postcode_pages_and_the_reply_page_pass_axe_on_a_phone(
    page: Page, site, apis, mailoutbox
):
    axe = Axe()
    pages = {
        "found": "/letters/find/?template=open-letter&postcode=EX1+1AA",
        "vacant": "/letters/find/?template=open-letter&postcode=EX9+9ZZ",
        "bad postcode": "/letters/find/?template=open-letter&postcode=12345",
        "write step with the finder": "/letters/write/open-letter/",
    }
    for what, path in pages.items():
        page.goto(f"{site}{path}")
        results = axe.run(page)
        assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"

    mp = Recipient.objects.get(provider="uk-commons")
    page.goto(f"{site}/letters/write/open-letter/?recipient={mp.slug}&postcode=EX1+1AA")
    write_and_confirm(page, mailoutbox, name="Aysel Mammadova", email="aysel@example.org")
    letter = Letter.objects.get()
    reply_asks_send(now=(letter.sent_at or letter.created_at) + timedelta(days=15))
    [question] = [m for m in mailoutbox if "reply" in m.subject.lower()]
    page.goto(re.search(r"https?://\S+/letters/reply/\S+/", question.body).group(0))
    expect(page.locator("#reply-answer")).to_contain_text("Yes, they replied")
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    page.locator("#reply-button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
