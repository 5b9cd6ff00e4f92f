"""Documents in their own language: English with a note, or the organisers' translation.

The translations come from a test fixture: the landmine campaign's own fixtures carry none,
because its organisers provided none.
"""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from campaign.models import AppealTranslation
from letters.models import Letter, LetterTemplate
from letters.services import letter_message_build

TRANSLATIONS = Path(__file__).resolve().parent.parent / "content_translations"
APPEAL = "urge-armenia-release-the-map-of-landmines"
PETITION = "release-the-landmine-maps"


@pytest.fixture
def campaign(db) -> None:
    call_command("load_campaign", verbosity=0)


@pytest.fixture
def translated(campaign) -> None:
    call_command("load_campaign", str(TRANSLATIONS), verbosity=0)


def test_the_campaigns_own_translations_are_marked_with_their_translator(campaign):
    # The petition in its audience's first languages (issue 19); each says who translated it.
    translations = AppealTranslation.objects.all()
    assert {(t.appeal.slug, t.language) for t in translations} >= {
        ("urge-armenia-release-the-map-of-landmines", "az"),
        ("urge-armenia-release-the-map-of-landmines", "ru"),
    }
    assert all(t.translator for t in translations)
    # The open letter in the languages of the parliaments it can reach: French and German.
    letters = LetterTemplate.objects.filter(original__slug="open-letter")
    assert sorted(letters.values_list("language", flat=True)) == ["de", "fr"]
    assert all(letter.translator for letter in letters)


def test_a_document_without_a_translation_is_shown_in_english_with_a_note(client, campaign):
    page = client.get(f"/de/appeals/{APPEAL}/").content.decode()
    assert "Dieses Dokument ist auf Englisch, so wie die Kampagne es veröffentlicht hat." in page
    assert '<div class="document" lang="en">' in page
    assert "Help us to save lives by urging Armenia" in page
    english = client.get(f"/appeals/{APPEAL}/").content.decode()
    assert "document-language" not in english


@pytest.mark.parametrize("path", [f"/fr/appeals/{APPEAL}/", f"/fr/petitions/{PETITION}/"])
def test_a_translation_is_shown_marked_as_such_with_its_original(client, translated, path):
    page = client.get(path).content.decode()
    assert "TEST : demandez à l’Arménie de publier la carte des mines" in page
    assert '<div class="document" lang="fr">' in page or 'class="petition-text" lang="fr"' in page
    assert "TEST : premier paragraphe traduit." in page
    assert "Traduit de l’anglais par Traductrice de test pour la campagne." in page
    assert '<a href="#original" hreflang="en">Lire l’original</a>' in page
    # The original, in English, on the same page.
    original = page[page.index('id="original"') :]
    assert 'lang="en"' in original
    assert "Help us to save lives by urging Armenia" in original


def test_other_languages_do_not_show_another_languages_translation(client, translated):
    page = client.get(f"/de/appeals/{APPEAL}/").content.decode()
    assert "TEST :" not in page
    assert "Dieses Dokument ist auf Englisch" in page


def test_the_letters_page_starts_in_the_original_and_offers_the_translation(client, translated):
    """A letter goes in its recipient's language, not the interface's (issue 18, item 8)."""
    page = client.get("/fr/letters/").content.decode()
    assert 'href="?template=open-letter" aria-current="page"' in page
    assert 'href="?template=open-letter-fr"' in page
    assert "(traduit par Traductrice de test)" in page
    chosen = client.get("/fr/letters/?template=open-letter-fr").content.decode()
    assert 'href="?template=open-letter-fr" aria-current="page" lang="fr"' in chosen
    assert '<a href="/fr/letters/?template=open-letter" hreflang="en">Lire l’original</a>' in chosen


def test_a_letter_goes_out_in_its_templates_language_not_the_interface(translated):
    template = LetterTemplate.objects.get(slug="open-letter-fr")
    letter = Letter.objects.create(
        template=template,
        recipient_name="Jane Smith",
        recipient_email="jane@parliament.example",
        recipient_email_canonical="jane@parliament.example",
        sender_name="Ann Lee",
        sender_email="ann@example.org",
        sender_email_canonical="ann@example.org",
        subject=template.subject,
        body="Madame, Monsieur,\n\nTEST : texte traduit.",
        language="de",
    )
    assert '<html lang="fr">' in letter_message_build(letter=letter).alternatives[0][0]


def numbers(text: str) -> list[str]:
    """The numbers of a text, with their digit grouping taken out ("15,000", "15 000": 15000)."""
    grouped = re.sub(r"(?<=\d)[ ,.\u00a0\u202f](?=\d{3}\b)", "", text)
    return sorted(re.findall(r"\d+", grouped))


def test_every_translation_keeps_every_number_of_its_original(campaign):
    """Issue 19, item 2: a translation changes words, never a figure or a date's numbers."""
    for translation in AppealTranslation.objects.select_related("appeal"):
        original = translation.appeal
        for field in ("title", "summary", "body"):
            assert numbers(getattr(translation, field)) == numbers(getattr(original, field)), (
                translation,
                field,
            )
        paragraphs = [p for p in translation.body.split("\n\n") if p.strip()]
        assert len(paragraphs) == len(original.paragraphs), translation  # one for one
