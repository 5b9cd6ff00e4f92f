"""Languages in a real browser: signing in Azerbaijani on a phone, and the switcher."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from petitions.services import counter_refresh
from tests.factories import IMMEDIATE_TASKS, make_petition

CONFIRM_LINK = re.compile(r"https?://\S+/az/petitions/confirm/\S+/")
PHONE = {"width": 390, "height": 844}
AXE = Axe()


def assert_accessible(page: Page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, f"{page.url}:\n{results.generate_report()}"


@pytest.fixture
def site(live_server, settings):
    settings.TASKS = IMMEDIATE_TASKS
    settings.SITE_URL = live_server.url
    settings.PETITION_MIN_FILL_SECONDS = 0
    return live_server.url


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_supporter_signs_in_azerbaijani_on_a_phone(browser: Browser, site, mailoutbox):
    petition = make_petition()
    # A phone whose browser asks for Azerbaijani: the first visit goes to the Azerbaijani page.
    # (The CSP is bypassed only so that axe-core can be run in the page.)
    context = browser.new_context(viewport=PHONE, locale="az-AZ", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{site}/petitions/{petition.slug}/")
    expect(page).to_have_url(f"{site}/az/petitions/{petition.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "az")
    expect(page.locator(".counter-text")).to_have_text("0 nəfər imzalayıb. Hədəfimiz — 15.000!")
    assert_accessible(page)

    # Sent empty: the errors, next to their fields, are in Azerbaijani.
    page.get_by_role("button", name="Petisiyanı imzalayın").last.click()
    expect(page.get_by_text("Adınızı yazın.").first).to_be_visible()
    expect(page.get_by_text("E-poçt ünvanınızı yazın.").first).to_be_visible()
    expect(page.get_by_text("Yaşadığınız ölkəni seçin.").first).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Adınız").fill("Aysel Məmmədova")
    page.get_by_label("E-poçt ünvanı").fill("aysel@example.org")
    page.get_by_label("Ölkə", exact=True).select_option("AZ")
    page.get_by_label("Poçt indeksi və ya şəhər").fill("Bakı")
    page.get_by_role("button", name="Petisiyanı imzalayın").last.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Təşəkkür edirik — indi e-poçtunuzu yoxlayın"
    )
    expect(page).to_have_url(re.compile(rf"{site}/az/petitions/{petition.slug}/thanks/"))
    assert_accessible(page)

    # The confirmation email is in Azerbaijani, and its link opens the site in Azerbaijani.
    (email,) = mailoutbox
    assert email.subject.startswith("Zəhmət olmasa, imzanızı təsdiqləyin: ")
    assert "Salam, Aysel," in email.body
    assert "Yalnız təsdiqlənmiş imzalar sayılır." in email.body
    html = email.alternatives[0][0]
    assert '<html lang="az">' in html
    page.goto(CONFIRM_LINK.search(email.body).group(0))
    page.locator("#confirm-button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("İmzanız təsdiqləndi")

    counter_refresh(petition=petition, force=True)
    page.goto(f"{site}/az/petitions/{petition.slug}/")
    # Right away, or when the counter script next reads count.json and writes the words in
    # Azerbaijani itself (its JavaScript catalogue).
    expect(page.locator(".counter-text")).to_have_text(
        "1 nəfər imzalayıb. Hədəfimiz — 15.000!", timeout=20_000
    )
    context.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_switcher_changes_the_language_and_the_choice_is_kept(page: Page, site):
    petition = make_petition()
    page.goto(f"{site}/petitions/{petition.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Français").click()
    expect(page).to_have_url(f"{site}/fr/petitions/{petition.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Signez la pétition")).to_be_visible()
    expect(page.get_by_role("button", name="Français")).to_have_attribute("aria-current", "true")

    # The next page, reached by a link, is in French too...
    page.get_by_role("link", name="Écrire une lettre").first.click()
    expect(page).to_have_url(f"{site}/fr/letters/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Écrivez à votre représentant")
    # ...and so is an address typed without a language: the choice is remembered.
    page.goto(f"{site}/appeals/")
    expect(page).to_have_url(f"{site}/fr/appeals/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les documents de la campagne")

    # Back to English: the unprefixed pages stay English from then on.
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(f"{site}/appeals/")
    page.goto(f"{site}/petitions/{petition.slug}/")
    expect(page).to_have_url(f"{site}/petitions/{petition.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
