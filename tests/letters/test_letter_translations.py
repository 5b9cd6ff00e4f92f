"""The open letter in French and German (issue 18, item 8): faithful to the original, chosen by
the supporter for a French or German recipient, sent through the site in that language."""

import html
import re

import pytest

from letters.models import AllowedDomain, Letter, LetterTemplate
from tests.factories import confirm_path, letter_details, outbox_to

pytestmark = pytest.mark.django_db


def numbers(text: str) -> list[str]:
    grouped = re.sub(r"(?<=\d)[ ,.\u00a0\u202f](?=\d{3}\b)", "", text)
    return sorted(re.findall(r"\d+", grouped))


@pytest.mark.parametrize("language", ["fr", "de"])
def test_the_translation_keeps_every_figure_name_and_place(template, language):
    translation = LetterTemplate.objects.get(original=template, language=language)
    assert numbers(translation.body) == numbers(template.body)
    places = set(re.findall(r"\{\w+\}", template.body))
    assert set(re.findall(r"\{\w+\}", translation.body)) == places
    for name in (
        "Karabakh" if language == "fr" else "Karabach",
        "Arm",
        "Azerba" if language == "fr" else "Aserbaidschan",
    ):
        assert name in translation.body
    assert translation.translator


@pytest.mark.django_db(transaction=True)  # the letter goes out after its commit
def test_a_paris_supporter_sends_the_french_letter_to_their_depute(
    client, template, immediate_tasks
):
    """Typed in on the Assemblée nationale's own domain (allowed out of the box: a migration
    adds it, test_allowed_domains.py checks that; a transactional test before this one may have
    emptied the table, so it is put back here)."""
    AllowedDomain.objects.get_or_create(domain="assemblee-nationale.fr")
    write = "/letters/write/open-letter-fr/"
    data = letter_details(
        recipient_name="Jeanne Députée",
        recipient_email="jeanne.deputee@assemblee-nationale.fr",
        sender_address=None,
        sender_postcode=None,
        personal_paragraph="Ma famille vient de Fuzuli.",
    )
    page = client.post(write, data).content.decode()
    subject = html.unescape(re.search(r'name="subject" value="([^"]*)"', page).group(1))
    body = html.unescape(
        re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    )
    # The supporter's words come before the French sign-off, not after the signature.
    assert "Ma famille vient de Fuzuli.\n\nVeuillez agréer" in body
    response = client.post(write, data | {"step": "send", "subject": subject, "body": body})
    assert response.status_code == 302
    client.post(confirm_path(outbox_to("ann.lee@example.org")[0]))
    [sent] = outbox_to("jeanne.deputee@assemblee-nationale.fr")
    assert sent.subject == "Publication des cartes des champs de mines : un appel humanitaire"
    assert "Madame, Monsieur," in sent.body
    assert Letter.objects.get().template.language == "fr"
