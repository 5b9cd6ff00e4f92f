"""The public pages: every document's figures and signatories show, in a fixed number of queries."""

import re

import pytest
from django.urls import reverse

from campaign.lib.pagecache import page_cache_clear
from campaign.models import Appeal, Signatory

NGO = "azerbaijani-ngos-appeal-29-april-2023"
PETITION = "urge-armenia-release-the-map-of-landmines"
OPEN_LETTER = "help-save-civilian-lives"
DIASPORA = "diaspora-letters-to-international-organisations"


def page(client, name, **kwargs) -> str:
    response = client.get(reverse(f"campaign:{name}", kwargs=kwargs or None))
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    """The page's words without tags, whitespace collapsed: what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_says_what_the_campaign_asks_and_links_both_calls(client, campaign):
    html = page(client, "home")
    text = text_of(html)
    assert "urge Armenia to release the maps of these landmines" in text
    assert f'From <a href="/appeals/{PETITION}/">' in html
    assert (
        f'href="{reverse("petitions:detail", kwargs={"slug": "release-the-landmine-maps"})}#sign"'
        in html
    )
    assert 'href="/letters/"' in html
    for slug in (NGO, PETITION, OPEN_LETTER, DIASPORA):
        assert f'href="/appeals/{slug}/"' in html


def test_home_shows_the_latest_figures_with_date_and_source(client, campaign):
    text = text_of(page(client, "home"))
    assert "301 Azerbaijanis killed or wounded by mines and ERW, since November, 2020" in text
    assert "As of 29 April 2023. Source: Azerbaijani NGOs appeal" in text
    assert "157 Azerbaijani citizens" in text
    assert "As of around September 2021 (inferred)" in text


def test_appeal_list_shows_every_document_with_its_date_as_precise_as_given(client, campaign):
    text = text_of(page(client, "appeal_list"))
    for appeal in Appeal.objects.all():
        assert appeal.title in text
    assert "29 April 2023" in text
    assert "Undated; inferred: around September 2021, from “in the 10 months since" in text
    assert "30 signatories" in text
    assert "5 signatories" in text


def test_the_ngo_appeal_page_lists_all_30_signatories_in_order(client, campaign):
    html = page(client, "appeal_detail", slug=NGO)
    names = list(Signatory.objects.filter(appeal__slug=NGO).values_list("name", flat=True))
    assert len(names) == 30
    assert "Zaur İbrahimov" in names
    assert "Rafig İsmayilov" in names
    positions = [html.index(name) for name in names]
    assert positions == sorted(positions)
    assert html.count('<li><span class="signatory-name">') == 30
    assert "“Citizen Research and Development” Public Union" in html


def test_the_ngo_appeal_page_shows_its_figures_and_exact_date(client, campaign):
    html = page(client, "appeal_detail", slug=NGO)
    text = text_of(html)
    assert "<dt>Date</dt><dd>29 April 2023</dd>" in html
    assert "298" in text
    assert "301" in text
    assert "some 30 years" in text
    assert "until less than 24 hours before 29 April 2023 (inferred)" in text
    assert "Remember their names: Nadir Yusifov, Sahavat Gezalov, Farid Sadiyev." in text


def test_the_petition_page_shows_role_and_organisation_and_links_to_signing(client, campaign):
    html = page(client, "appeal_detail", slug=PETITION)
    text = text_of(html)
    assert (
        "Umud Mirzayev – President, International Eurasia Press Fund, NGO with General "
        "Consultative Status at the UN ECOSOC"
    ) in text
    assert "15,000" in text
    assert "0 have signed" in text
    assert 'href="/petitions/release-the-landmine-maps/"' in html


def test_the_open_letter_page_says_its_date_is_inferred_and_from_which_words(client, campaign):
    text = text_of(page(client, "appeal_detail", slug=OPEN_LETTER))
    assert "Undated; inferred: around September 2021" in text
    assert "Last year, the 2020 Karabakh War ended" in text
    assert "the estimated $340 million dollars" in text
    assert "75%" in text
    assert "nearly 1 million" in text
    assert "10 months" in text


def test_the_news_report_page_leaves_the_year_unknown(client, campaign):
    text = text_of(page(client, "appeal_detail", slug=DIASPORA))
    assert "Undated; written soon after incidents “on April 6–7”" in text
    assert "Khagan Isayev" in text
    assert "Caliber.Az" in text


def test_an_unknown_or_unpublished_appeal_is_not_found(client, campaign):
    assert client.get("/appeals/no-such-appeal/").status_code == 404
    Appeal.objects.filter(slug=NGO).update(is_published=False)
    assert client.get(f"/appeals/{NGO}/").status_code == 404


def test_figures_page_draws_a_chart_per_group_and_a_table_of_every_number(client, campaign):
    html = page(client, "figures")
    assert html.count('<svg class="chart"') == 6
    points = re.findall(
        r'<circle class="chart-point( uncertain)?" cx="[\d.]+" cy="[\d.]+" r="5"><title>', html
    )
    # 12 figures have a date; only 301 (29 April 2023) has one the document states.
    assert len(points) == 12
    assert points.count("") == 1
    assert "<caption>The figures as each document reported them" in html
    assert '<th scope="rowgroup" colspan="4">Killed or wounded</th>' in html
    for number in (
        "a 177 landmine-related casualties",
        "298",
        "301",
        "157 Azerbaijani citizens",
        "85",
        "30 civilians",
        "35 civilians",
        "including 14 civilians",
    ):
        assert f'<td class="num" data-label="Number">{number}</td>' in html


def test_privacy_page_says_what_is_stored_and_for_how_long(client, db):
    text = text_of(page(client, "privacy"))
    assert "salted hash" in text
    assert "30 days" in text
    assert "90 days" in text
    assert "loads nothing from other companies" in text


@pytest.mark.parametrize(
    ("name", "kwargs", "queries"),
    [
        ("home", {}, 2),
        ("appeal_list", {}, 1),
        ("appeal_detail", {"slug": NGO}, 3),
        ("appeal_detail", {"slug": PETITION}, 3),
        ("figures", {}, 1),
        ("privacy", {}, 0),
    ],
)
def test_pages_read_in_a_fixed_number_of_queries(
    client, campaign, django_assert_num_queries, name, kwargs, queries
):
    # Steady state: the letters total is cached after the first view.
    page(client, name, **kwargs)
    page_cache_clear()
    with django_assert_num_queries(queries):
        page(client, name, **kwargs)
    # Every later anonymous view is the cached page (campaign/lib/pagecache.py).
    with django_assert_num_queries(0):
        page(client, name, **kwargs)


def test_every_page_has_one_h1_and_landmarks(client, campaign):
    for name, kwargs in [
        ("home", {}),
        ("appeal_list", {}),
        ("appeal_detail", {"slug": NGO}),
        ("figures", {}),
        ("privacy", {}),
    ]:
        html = page(client, name, **kwargs)
        assert html.count("<h1") == 1, name
        assert '<main id="main"' in html
        assert "<header" in html
        assert "<footer" in html
        assert '<nav aria-label="Main">' in html


def test_home_page_shows_the_live_signature_count_and_letters_sent(client, campaign, settings):
    from letters.models import Letter, LetterTemplate, Recipient
    from petitions.models import Petition, PetitionCounter

    petition = Petition.objects.get()
    PetitionCounter.objects.update_or_create(petition=petition, defaults={"count": 15_001})
    settings.PETITION_COUNT_REFRESH_SECONDS = 3600
    recipient = Recipient.objects.first()
    Letter.objects.create(
        template=LetterTemplate.objects.get(slug="open-letter"),
        recipient=recipient,
        recipient_name=recipient.name,
        sender_name="Ann",
        sender_email="ann@example.org",
        sender_email_canonical="ann@example.org",
        subject="s",
        status=Letter.Status.SENT,
    )
    html = page(client, "home")
    text = text_of(html)
    assert "15,001 people have signed" in text
    assert "Let’s get to <span data-goal>15,000</span>!" in html  # no later goal set
    assert "The original goal of 15,000 was reached." in text
    assert "1 letter sent so far." in text


def test_the_petition_page_gives_each_figure_the_same_date_words_as_the_appeal_page(
    client, campaign
):
    html = client.get(reverse("petitions:detail", kwargs={"slug": "release-the-landmine-maps"}))
    html = html.content.decode()
    appeal = page(client, "appeal_detail", slug=PETITION)
    cells = re.findall(r'<td data-label="As of">([^<]*)</td>', html)
    assert cells == re.findall(r'<td data-label="As of">([^<]*)</td>', appeal)
    assert "22 February 2021 or later (inferred)" in cells
    # A span such as "since the end of the conflict" is what is counted, not a date.
    assert not [c for c in cells if c.startswith("since")]
