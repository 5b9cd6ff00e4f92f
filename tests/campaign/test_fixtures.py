"""The documents as data: loaded in full, loaded twice without duplicates, faithful to the text."""

import datetime
import string
from decimal import Decimal

import pytest
from django.core.management import call_command

from campaign.models import Appeal, Figure, Signatory
from letters.models import LetterTemplate, Recipient
from petitions.models import Petition

NGO = "azerbaijani-ngos-appeal-29-april-2023"
PETITION = "urge-armenia-release-the-map-of-landmines"
OPEN_LETTER = "help-save-civilian-lives"
CANADA = "canada-landmine-clearing-assistance"
DIASPORA = "diaspora-letters-to-international-organisations"

MODELS = (Appeal, Figure, Signatory, Petition, Recipient, LetterTemplate)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_every_fixture_loads_including_petitions_and_letters(campaign):
    # A model change that breaks any fixture file makes load_campaign, and so this test, fail.
    assert counts() == {
        "Appeal": 5,
        "Figure": 29,
        "Signatory": 35,
        "Petition": 1,
        "Recipient": 13,
        "LetterTemplate": 3,  # the open letter, and its French and German translations
    }


def test_loading_twice_adds_nothing_and_changes_nothing(campaign):
    first = counts()
    pks = sorted(Figure.objects.values_list("pk", flat=True))
    call_command("load_campaign", verbosity=0)
    assert counts() == first
    assert sorted(Figure.objects.values_list("pk", flat=True)) == pks


def test_loading_again_restores_an_edited_row(campaign):
    Figure.objects.filter(appeal__slug=NGO, key="killed-or-wounded").update(value=1)
    call_command("load_campaign", verbosity=0)
    assert Figure.objects.get(appeal__slug=NGO, key="killed-or-wounded").value == Decimal(301)


def test_each_document_is_an_appeal_of_its_kind(campaign):
    kinds = dict(Appeal.objects.values_list("slug", "kind"))
    assert kinds == {
        PETITION: "petition",
        OPEN_LETTER: "open_letter",
        CANADA: "appeal",
        NGO: "appeal",
        DIASPORA: "news_report",
    }


def test_dates_are_no_more_precise_than_the_documents(campaign):
    dates = {a.slug: (a.date, a.date_precision, a.date_text) for a in Appeal.objects.all()}
    assert dates[NGO] == (datetime.date(2023, 4, 29), "day", "29 april 2023")
    assert dates[OPEN_LETTER] == (
        datetime.date(2021, 9, 1),
        "inferred",
        "in the 10 months since the end of the 2020 Karabakh war",
    )
    assert dates[PETITION] == (datetime.date(2021, 2, 22), "inferred", "On 22 February 2021")
    assert dates[CANADA] == (
        datetime.date(2021, 12, 1),
        "inferred",
        "In December 2021 we proudly announced",
    )
    # No year is given for the April 6–7 incidents: no date is made up.
    assert dates[DIASPORA] == (None, "unknown", "on April 6–7")


def test_every_inferred_or_unknown_date_says_why(campaign):
    for appeal in Appeal.objects.exclude(date_precision="day"):
        assert appeal.date_note, appeal.slug
        assert appeal.date_inferred, appeal.slug
    for figure in Figure.objects.exclude(as_of_precision="day").exclude(as_of=None):
        assert figure.as_of_note, figure
        assert figure.as_of_inferred, figure


def test_authors_and_publishers_are_recorded_where_named(campaign):
    people = {a.slug: (a.author, a.publisher) for a in Appeal.objects.all()}
    assert people[DIASPORA] == ("Khagan Isayev", "Caliber.Az")
    # The page ends "About Fidan Abdullayeva" without saying who she is: no author recorded.
    assert people[NGO] == ("", "")
    assert people[OPEN_LETTER] == people[PETITION] == people[CANADA] == ("", "")


def test_bodies_keep_the_documents_words_and_drop_the_site_chrome(campaign):
    bodies = dict(Appeal.objects.values_list("slug", "body"))
    assert "faciliated an agreement" in bodies[CANADA]
    assert "facilitatte the return" in bodies[CANADA]
    assert "a 177 landmine-related casualties" in bodies[CANADA]
    assert "Not only does Armenia refuses" in bodies[NGO]
    assert "Dear __________" in bodies[OPEN_LETTER]
    body_text = "\n".join(bodies.values())
    for chrome in ("Scroll to Top", "Home / Politics /", "About Fidan Abdullayeva", "By Khagan"):
        assert chrome not in body_text
    # Signatories are rows of their own, not repeated in the text.
    assert "Gunel Safarova" not in bodies[NGO]
    assert "Umud Mirzayev" not in bodies[PETITION]
    for body in bodies.values():
        paragraphs = body.split("\n\n")
        assert all(p == p.strip() and p for p in paragraphs)


def test_every_figure_quotes_its_document_and_its_number_is_in_the_quote(campaign):
    for figure in Figure.objects.select_related("appeal"):
        assert figure.value_text in figure.quote, figure
        if figure.key not in {"signatures-when-captured", "signature-goal"}:
            assert figure.quote in figure.appeal.body, figure


@pytest.mark.parametrize(
    ("slug", "key", "value", "qualifier", "series"),
    [
        (NGO, "killed-or-wounded-before", 298, "exact", "killed-or-wounded"),
        (NGO, "killed-or-wounded", 301, "exact", "killed-or-wounded"),
        (NGO, "deminers-killed", 3, "exact", ""),
        (CANADA, "casualties", 177, "exact", "killed-or-wounded"),
        (CANADA, "civilians-killed", 35, "exact", "civilians-killed"),
        (CANADA, "landmine-cost", 340_000_000, "estimate", ""),
        (CANADA, "idps", 750_000, "exact", ""),
        (CANADA, "idps-to-return", 500_000, "at_least", ""),
        (OPEN_LETTER, "idps", 1_000_000, "approximate", ""),
        (OPEN_LETTER, "maps-invalid", 75, "exact", ""),
        (OPEN_LETTER, "months-maps-withheld", 10, "exact", ""),
        (OPEN_LETTER, "civilians-killed", 30, "exact", "civilians-killed"),
        (OPEN_LETTER, "citizens-seriously-wounded", 157, "exact", "citizens-seriously-wounded"),
        (PETITION, "signature-goal", 15_000, "target", ""),
        (PETITION, "signatures-when-captured", 0, "exact", ""),
        (PETITION, "citizens-killed", 20, "exact", "citizens-killed"),
        (PETITION, "civilians-killed", 14, "exact", "civilians-killed"),
        (PETITION, "citizens-seriously-wounded", 85, "exact", "citizens-seriously-wounded"),
        (PETITION, "civilians-seriously-wounded", 16, "exact", "civilians-seriously-wounded"),
    ],
)
def test_the_numbers_a_reader_would_quote_are_figures(
    campaign, slug, key, value, qualifier, series
):
    figure = Figure.objects.get(appeal__slug=slug, key=key)
    assert (figure.value, figure.qualifier, figure.series) == (Decimal(value), qualifier, series)


def test_the_ngo_appeal_lists_its_30_signatories_in_order_as_written(campaign):
    rows = list(
        Signatory.objects.filter(appeal__slug=NGO).values_list("position", "name", "organisation")
    )
    assert [r[0] for r in rows] == list(range(1, 31))
    assert rows[0] == (1, "Gunel Safarova", "“Citizen Research and Development” Public Union")
    assert rows[8] == (9, "Hafiz Hasanov", "”Law and Development” Public Union")
    assert rows[9][1] == "Rafig İsmayilov"
    assert rows[29] == (
        30,
        "Zaur İbrahimov",
        "“Priority” Center for Social and Economic Research Public Union",
    )


def test_the_petition_names_five_people_with_role_and_organisation(campaign):
    rows = list(
        Signatory.objects.filter(appeal__slug=PETITION).values_list("name", "role", "organisation")
    )
    assert rows == [
        (
            "Umud Mirzayev",
            "President",
            "International Eurasia Press Fund, NGO with General Consultative Status at the "
            "UN ECOSOC",
        ),
        ("Hafiz Sefikhanov", "Director", "“Azerbaijan Campaign To Ban Landmines”"),
        ("Rey Kerimoghlu", "Chairman", "“Azerbaijan Mine Victim Association”"),
        ("Shahin Ibrahimov", "Chairman", "“Relief” NGHO"),
        (
            "Mammadhasan Hasanov",
            "Chairman",
            '“Assistance in Solving the Socio-Economic Problems of Land Mine Victims"',
        ),
    ]


def test_the_petition_belongs_to_the_petition_appeal_with_its_goal(campaign):
    petition = Petition.objects.get(slug="release-the-landmine-maps")
    assert (petition.appeal.slug, petition.goal) == (PETITION, 15000)


def test_recipients_are_the_reports_bodies_and_outlets_with_only_published_routes(campaign):
    recipients = {r.slug: r for r in Recipient.objects.all()}
    kinds = {slug: r.kind for slug, r in recipients.items()}
    assert sorted(k for k, v in kinds.items() if v == "media") == [
        "al-jazeera-english",
        "bbc-news",
        "deutsche-welle",
        "france-24",
        "the-guardian",
    ]
    assert kinds["unmas"] == kinds["ohchr"] == kinds["osce-odihr"] == "international"
    assert {r.slug: r.country for r in recipients.values() if r.country} == {
        "eeas-delegation-united-states": "United States",
        "amnesty-international-germany": "Germany",
    }
    for r in recipients.values():
        # A route only with the recipient's own page that publishes it (issue 18, item 6).
        if r.email or r.contact_url or r.postal_address:
            assert r.contact_source_url.startswith("https://"), r.slug
            assert r.contact_checked_on is not None, r.slug
        assert "Khagan Isayev" in r.source_note


def test_the_letter_template_fills_every_place_and_keeps_the_letter(campaign):
    template = LetterTemplate.objects.get(slug="open-letter")
    places = {name for _, name, _, _ in string.Formatter().parse(template.body) if name}
    assert places == {
        "recipient_salutation",
        "sender_name",
        "sender_address",
        "sender_postcode",
        "sender_email",
    }
    letter = template.body.format(**{name: f"<{name}>" for name in places})
    assert letter.startswith("Dear <recipient_salutation>,\n\nI am calling your attention")
    assert "the estimated $340 million dollars" in letter
    assert letter.endswith(
        "My best regards,\n\n<sender_name>\n<sender_address>\n<sender_postcode>\n<sender_email>"
    )
    assert "subject line ours" in template.name
    assert template.appeal.slug == OPEN_LETTER


def test_the_site_uses_the_documents_words_not_its_own(campaign, client):
    # The NGO appeal never says "deminers": it says their "only purpose was to expedite
    # humanitarian demining". And its page's last line, "About Fidan Abdullayeva", is quoted,
    # not read as the appeal's author.
    texts = [
        value
        for appeal in Appeal.objects.values("title", "summary", "source_note", "author")
        for value in appeal.values()
    ]
    texts += [value for f in Figure.objects.values("measure", "note") for value in f.values()]
    assert not [t for t in texts if "deminer" in t.lower()]
    html = client.get(f"/appeals/{NGO}/").content.decode()
    assert "<dt>Author</dt>" not in html
    assert "“About Fidan Abdullayeva”" in html
