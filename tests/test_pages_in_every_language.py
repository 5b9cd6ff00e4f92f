"""Every public page in each of the five languages, with no English interface text left over.

Checked against the English source strings (msgids) themselves, so proper names, numbers and
the documents' own English text don't count: a page in French fails if it shows any sentence
of the interface in English where the French catalogue says something else.
"""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from campaign.models import Appeal
from letters.models import Letter, LetterTemplate
from letters.tokens import confirm_token_make as letter_confirm_token
from letters.tokens import reply_token_make, status_token_make
from petitions.models import Petition
from petitions.tokens import confirm_token_make, withdraw_token_make
from tests.factories import sign
from tests.translations import extracted, visible_strings

LANGUAGES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER_OR_TAG = re.compile(r"%\(\w+\)s|%s|<[^>]+>|&\w+;")


def english_fragments(language: str) -> set[str]:
    """Interface text that the language's catalogue says differently: sentences as English
    writes them, and the longer pieces between the placeholders of the others."""
    found = set()
    with translation.override(language):
        for domain in ("django",):
            for message in extracted(domain):
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                if message.context:
                    translated = translation.pgettext(message.context, ids[0])
                elif len(ids) > 1:
                    translated = translation.ngettext(ids[0], ids[1], 5)
                else:
                    translated = translation.gettext(ids[0])
                for source in ids:
                    if translated == source:
                        continue  # the same in both languages ("Contact", "Petition" in German)
                    for piece in PLACEHOLDER_OR_TAG.split(source):
                        piece = " ".join(piece.split()).strip(" .,:;!?()“”\"'–—")
                        # Whole short strings ("Privacy") match a whole text; pieces of three
                        # words or more match anywhere.
                        if len(piece.split()) >= 3 or (piece and piece == " ".join(ids[0].split())):
                            found.add(piece)
    return found


def leftovers(html: str, fragments: set[str]) -> list[str]:
    # The documents are English on every page, marked so with lang="en": not interface text.
    strings = visible_strings(html, skip_other_languages=True)
    found = []
    for text in strings:
        for fragment in fragments:
            if (len(fragment.split()) >= 3 and fragment in text) or text == fragment:
                found.append(f"{fragment!r} in {text[:80]!r}")
    return found


@pytest.fixture
def pages(db) -> dict[str, str]:
    """Every public page, by its English path: content, forms, thanks, token pages, 404."""
    call_command("load_campaign", verbosity=0)
    petition = Petition.objects.get()
    signature = sign(petition, "Aysel Mammadova", confirmed=False)
    template = LetterTemplate.objects.get(slug="open-letter")
    letter = Letter.objects.create(
        template=template,
        recipient_name="Jane Smith",
        recipient_email="jane@parliament.example",
        recipient_email_canonical="jane@parliament.example",
        sender_name="Ann Lee",
        sender_email="ann@example.org",
        sender_email_canonical="ann@example.org",
        subject=template.subject,
        body="Dear Jane Smith,\n\nPlease help.",
    )
    slug = petition.slug
    appeals = [f"/appeals/{a}" for a in Appeal.objects.published().values_list("slug", flat=True)]
    return {
        "/": "",
        "/appeals/": "",
        **{path + "/": "" for path in appeals},
        "/figures/": "",
        "/privacy/": "",
        "/about/": "",
        "/petitions/": "",
        f"/petitions/{slug}/": "",
        f"/petitions/{slug}/widget/": "",
        **{f"/petitions/{slug}/thanks/?result={r}": "" for r in ("created", "already-pending")},
        f"/petitions/confirm/{confirm_token_make(signature.pk)}/": "",
        f"/petitions/withdraw/{withdraw_token_make(signature.pk)}/": "",
        "/petitions/confirm/not-a-token/": "",
        "/letters/": "",
        f"/letters/write/{template.slug}/": "",
        f"/letters/confirm/{letter_confirm_token(letter.pk)}/": "",
        f"/letters/status/{status_token_make(letter.pk)}/": "",
        f"/letters/reply/{reply_token_make(letter_id=letter.pk, ask=1, answer='yes')}/": "",
        "/no-such-page/": "",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_is_in_the_language_with_no_english_left(client, pages, language):
    fragments = english_fragments(language)
    assert len(fragments) > 100  # the check has something to find
    problems = {}
    for path in pages:
        response = client.get(f"/{language}{path}")
        assert response.status_code in (200, 400, 404), (path, response.status_code)
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, path
        if found := leftovers(html, fragments):
            problems[path] = found
    assert problems == {}


def test_the_check_finds_english_on_a_translated_page():
    fragments = english_fragments("fr")
    page = (
        '<html lang="fr"><h1>Signez la pétition</h1><p>Only confirmed signatures are counted.</p>'
    )
    assert leftovers(page, fragments) == [
        "'Only confirmed signatures are counted' in 'Only confirmed signatures are counted.'"
    ]
    assert leftovers(
        '<html lang="fr"><p><a href="/">Privacy</a> Release the maps</p>', fragments
    ) == ["'Privacy' in 'Privacy'"]
