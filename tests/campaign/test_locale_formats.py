"""Numbers, dates and country names follow the page's language."""

import datetime

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import translation
from django.utils.formats import date_format

from campaign.lib.countries import country_choices, country_names


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "15,000"),
        ("az", "15.000"),
        ("fr", "15\u202f000"),
        ("de", "15.000"),
        ("ru", "15\xa0000"),
    ],
)
def test_numbers_are_grouped_as_the_language_writes_them(language, expected):
    with translation.override(language):
        assert intcomma(15000) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "2 Dec 2026"),
        ("az", "2 Dekabr 2026"),
        ("fr", "2 décembre 2026"),
        ("de", "2. Dezember 2026"),
        ("ru", "2 декабря 2026 г."),
    ],
)
def test_dates_are_written_as_the_language_writes_them(language, expected):
    with translation.override(language):
        assert date_format(datetime.date(2026, 12, 2)) == expected


def test_country_names_are_in_the_language():
    assert country_names("en")["AZ"] == "Azerbaijan"
    assert country_names("az")["AZ"] == "Azərbaycan"
    assert country_names("fr")["DE"] == "Allemagne"
    assert country_names("de")["GB"] == "Vereinigtes Königreich"
    assert country_names("ru")["FR"] == "Франция"


def names(language: str) -> list[str]:
    return [name for _, name in country_choices(language)]


def in_order(listed: list[str], *expected: str) -> bool:
    return [name for name in listed if name in expected] == list(expected)


def test_countries_are_sorted_in_each_languages_order():
    # Accents do not make a letter of their own in French or German...
    assert in_order(names("fr"), "Égypte", "Émirats arabes unis", "Équateur", "Érythrée", "Espagne")
    assert in_order(names("de"), "Oman", "Österreich", "Pakistan")
    # ...but in Azerbaijani ç, ə, ı, ö, ş and ü are letters after c, e, i (before it), o, s, u.
    assert in_order(names("az"), "Cibuti", "Çad", "Çexiya", "Çin", "Danimarka")
    assert in_order(names("az"), "Ekvador", "Estoniya", "Əfqanıstan", "Əlcəzair")
    assert in_order(names("az"), "Tuvalu", "Türkiyə", "Türkmənistan", "Ukrayna")
    # Russian in the Cyrillic alphabet, English by the Unicode Collation Algorithm.
    assert in_order(names("ru"), "Австралия", "Австрия", "Азербайджан", "Ямайка", "Япония")
    assert in_order(names("en"), "Afghanistan", "Åland Islands", "Albania", "Zimbabwe")


@pytest.mark.django_db
def test_the_signing_form_lists_countries_in_the_pages_language(client):
    from tests.factories import make_petition

    petition = make_petition()
    page = client.get(f"/az/petitions/{petition.slug}/").content.decode()
    assert '<option value="" selected>Ölkənizi seçin</option>' in page
    assert page.index('value="TD">Çad<') > page.index('value="DJ">Cibuti<')
    assert page.index('value="AZ">Azərbaycan<') < page.index('value="TD">Çad<')
