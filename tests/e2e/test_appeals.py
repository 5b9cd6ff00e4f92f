"""A visitor on a phone finds the campaign's documents from the home page."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_visitor_follows_the_home_page_to_an_appeal_and_its_signatories(page: Page, live_server):
    call_command("load_campaign", verbosity=0)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Release the landmine maps")
    page.get_by_role(
        "link", name="Azerbaijani NGOs appeal to international community on Armenia’s mine terror"
    ).first.click()

    expect(page).to_have_url(f"{live_server.url}/appeals/azerbaijani-ngos-appeal-29-april-2023/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Azerbaijani NGOs appeal")
    signatories = page.get_by_role("list").filter(has_text="Gunel Safarova").get_by_role("listitem")
    expect(signatories).to_have_count(30)
    expect(signatories.last).to_contain_text("Zaur İbrahimov")
    # Nothing spills sideways on a 390 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_figures_chart_draws_without_javascript(browser, live_server):
    call_command("load_campaign", verbosity=0)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/figures/")
    chart = page.get_by_role("img", name="Killed or wounded", exact=True)
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] <= 360
    expect(page.get_by_role("table")).to_contain_text("a 177 landmine-related casualties")
    context.close()
