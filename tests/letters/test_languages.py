"""Emails to a supporter are in the language they wrote in; the letter in its template's."""

import pytest

from letters.models import Letter, LetterTemplate
from letters.services import confirmation_email_build, letter_message_build


@pytest.fixture
def french_letter(db) -> Letter:
    template = LetterTemplate.objects.create(
        slug="lettre", name="Lettre", subject="Les cartes", body="Madame, Monsieur,", language="fr"
    )
    return Letter.objects.create(
        template=template,
        recipient_name="Jeanne Dupont",
        recipient_email="jeanne@example.org",
        recipient_email_canonical="jeanne@example.org",
        sender_name="Ann Lee",
        sender_email="ann@example.org",
        sender_email_canonical="ann@example.org",
        subject="Les cartes",
        body="Madame, Monsieur,\n\nLibérez les cartes.",
        language="de",
    )


def test_the_confirmation_is_in_the_supporters_language(french_letter):
    message = confirmation_email_build(letter=french_letter)
    assert '<html lang="de">' in message.alternatives[0][0]
    assert "http://testserver/de/letters/confirm/" in message.body


def test_the_letter_goes_out_in_its_templates_language(french_letter):
    message = letter_message_build(letter=french_letter)
    assert '<html lang="fr">' in message.alternatives[0][0]
