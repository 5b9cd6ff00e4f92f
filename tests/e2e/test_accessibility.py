"""axe-core finds nothing on any public page or any step of signing and writing a letter, on a
phone and on a desktop; both flows work with the keyboard alone.

axe-core comes bundled in axe-playwright-python and is evaluated in the page through the
DevTools protocol. The test's browser context bypasses the Content-Security-Policy only so that
nothing the test adds can be refused; the site's own pages are served with their CSP as always.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from letters.models import Recipient
from tests.factories import ANYMAIL_TEST_MAILER, IMMEDIATE_TASKS

AXE = Axe()
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
PETITION = "release-the-landmine-maps"
SIGN_CONFIRM = re.compile(r"https?://\S+/petitions/confirm/\S+/")
LETTER_CONFIRM = re.compile(r"https?://\S+/letters/confirm/\S+/")
WITHDRAW = re.compile(r"https?://\S+/petitions/withdraw/\S+/")


def assert_accessible(page: Page, what: str) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, f"{what} ({page.url}):\n{results.generate_report()}"


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user would; fail if it never does."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.fixture(params=list(VIEWPORTS))
def a11y_page(request, browser: Browser):
    context = browser.new_context(viewport=VIEWPORTS[request.param], bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def site(live_server, settings):
    settings.TASKS = IMMEDIATE_TASKS
    settings.MAILERS = ANYMAIL_TEST_MAILER
    settings.SITE_URL = live_server.url
    settings.PETITION_MIN_FILL_SECONDS = 0
    call_command("load_campaign", verbosity=0)
    Recipient.objects.create(
        slug="jane-smith",
        kind=Recipient.Kind.MEMBER_OF_PARLIAMENT,
        name="Jane Smith",
        title="MP",
        constituency="Exampleton North",
        email="jane.smith@parliament.example",
    )
    return live_server.url


PUBLIC_PAGES = [
    "/",
    "/appeals/",
    "/appeals/urge-armenia-release-the-map-of-landmines/",
    "/appeals/help-save-civilian-lives/",
    "/appeals/canada-landmine-clearing-assistance/",
    "/appeals/azerbaijani-ngos-appeal-29-april-2023/",
    "/appeals/diaspora-letters-to-international-organisations/",
    "/figures/",
    "/privacy/",
    "/about/",
    "/petitions/",
    f"/petitions/{PETITION}/",
    f"/petitions/{PETITION}/thanks/",
    f"/petitions/{PETITION}/widget/",
    "/petitions/confirm/damaged/",
    "/letters/",
    "/letters/?q=Exampleton",
    "/letters/write/open-letter/",
    "/letters/write/open-letter/?recipient=jane-smith",
    "/no-such-page/",
]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_every_public_page_passes_axe(a11y_page: Page, site: str):
    for path in PUBLIC_PAGES:
        a11y_page.goto(site + path)
        assert_accessible(a11y_page, path)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_signing_by_keyboard_alone_passes_axe_at_every_step(a11y_page: Page, site: str, mailoutbox):
    page = a11y_page
    page.goto(f"{site}/petitions/{PETITION}/")
    assert_accessible(page, "petition page")

    # Sending the empty form: the error summary takes the focus and links to each field.
    tab_to(page, ".sign-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.locator("#form-errors a")).to_have_text(
        ["Enter your name.", "Enter your email address.", "Choose the country you live in."]
    )
    assert_accessible(page, "petition page with errors")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused_id(page) == "id_name"

    page.keyboard.type("Aysel Mammadova")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_email"
    page.keyboard.type("aysel@example.org")
    tab_to(page, "#id_country")
    page.keyboard.type("Azerbaijan")
    expect(page.locator("#id_country")).to_have_value("AZ")
    tab_to(page, "#id_show_name_publicly")
    page.keyboard.press("Space")
    expect(page.locator("#id_show_name_publicly")).to_be_checked()
    tab_to(page, ".sign-form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you – now check your email")
    assert_accessible(page, "thanks page")
    # The next actions: write a letter, share.
    expect(page.get_by_role("link", name="Send the letter")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^WhatsApp"))).to_be_visible()

    body = mailoutbox[0].body
    page.goto(SIGN_CONFIRM.search(body).group(0))
    # The link opens one button (mail scanners open links too); pressed by keyboard.
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your signature")
    assert_accessible(page, "confirm page")
    tab_to(page, "#confirm-button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your signature is confirmed")
    assert_accessible(page, "confirmed page")

    page.goto(WITHDRAW.search(body).group(0))
    assert_accessible(page, "withdraw page")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your signature is withdrawn")
    assert_accessible(page, "withdrawn page")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_writing_a_letter_by_keyboard_alone_passes_axe_at_every_step(
    a11y_page: Page, site: str, mailoutbox
):
    page = a11y_page
    page.goto(f"{site}/letters/")
    assert_accessible(page, "letters start")
    tab_to(page, "#id_q")
    page.keyboard.type("Exampleton")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Jane Smith")).to_be_visible()
    assert_accessible(page, "search results")
    tab_to(page, "a:has-text('Jane Smith')")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("2. Your letter")
    assert_accessible(page, "your details")
    tab_to(page, "button:has-text('Preview my letter')")
    page.keyboard.press("Enter")
    # A failed submit: the summary has the focus and lists each error as a link to its field.
    expect(page.locator("#form-errors")).to_be_focused()
    links = page.locator("#form-errors a")
    assert links.count() >= 2
    assert_accessible(page, "your details with errors")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused_id(page) == links.first.get_attribute("href").lstrip("#")

    tab_to(page, "#id_sender_name")
    page.keyboard.type("Aysel Mammadova")
    tab_to(page, "#id_sender_email")
    page.keyboard.type("aysel@example.org")
    tab_to(page, "#id_sender_address")
    page.keyboard.type("12 Garden Road")
    tab_to(page, "#id_sender_postcode")
    page.keyboard.type("EX1 2BB")
    tab_to(page, "button:has-text('Preview my letter')")
    page.keyboard.press("Enter")

    # The subject is the site's own wording: shown, and the writer may change it.
    subject = page.get_by_label("Subject")
    expect(subject).to_be_visible()
    expect(subject).to_be_editable()
    assert_accessible(page, "preview")
    tab_to(page, "#id_subject")
    page.keyboard.press("End")
    page.keyboard.type(" (from a constituent)")
    tab_to(page, "button:has-text('Send my letter')")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page, "check your email")
    page.goto(LETTER_CONFIRM.search(mailoutbox[0].body).group(0))
    assert_accessible(page, "confirm")
    tab_to(page, "button:has-text('Confirm and send')")
    page.keyboard.press("Enter")
    expect(page.locator("#letter-status")).to_have_text("Status: Sent")
    assert_accessible(page, "sent")
    # No "Sign the petition" to someone who may well have signed (issue 18, item 12).
    expect(page.get_by_role("link", name="Sign the petition")).to_have_count(0)
    expect(page.get_by_role("link", name="Back to the campaign")).to_be_visible()
    sent = [m for m in mailoutbox if "jane.smith@parliament.example" in m.to[0]]
    assert sent[0].subject.endswith("(from a constituent)")
