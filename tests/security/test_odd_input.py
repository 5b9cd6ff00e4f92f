"""Names need a letter; direction tricks are removed and line separators refused."""

import pytest
from django.urls import reverse

from letters.models import Letter
from petitions.models import Signature
from tests.factories import letter_details, sign_payload

ZERO_WIDTH_ONLY = "\u200b\u200c\u200d\u2060\ufeff"
RLO_NAME = "Leyla \u202eavelyA\u202c"


@pytest.fixture
def sign_url(petition, settings) -> str:
    settings.PETITION_MIN_FILL_SECONDS = 0
    return reverse("petitions:sign", kwargs={"slug": petition.slug})


@pytest.mark.parametrize("name", [ZERO_WIDTH_ONLY, "  \u00a0 ", "1234", "-- .. --", "\u202e\u202c"])
def test_a_petition_name_without_a_letter_is_refused(client, sign_url, name):
    response = client.post(sign_url, sign_payload(name=name))
    assert response.status_code == 400
    assert not Signature.objects.exists()


@pytest.mark.parametrize("name", ["Leyla\u2028Aliyeva", "Leyla\u2029Aliyeva", "Leyla\x85A"])
def test_a_petition_name_with_a_line_separator_is_refused(client, sign_url, name):
    response = client.post(sign_url, sign_payload(name=name))
    assert response.status_code == 400
    assert "Your name can only contain letters" in response.text
    assert not Signature.objects.exists()


def test_bidi_controls_are_removed_from_a_petition_name_and_postcode(client, sign_url):
    payload = sign_payload(name=RLO_NAME, postcode="\u2066AZ1000\u2069\u200e")
    assert client.post(sign_url, payload).status_code == 302
    signature = Signature.objects.get()
    assert signature.name == "Leyla avelyA"
    assert signature.postcode == "AZ1000"


@pytest.mark.parametrize("name", ["Алия", "ليلى", "李雷", "İlkin Əliyev", "Zoë O'Brien-Łukasz"])
def test_names_in_any_script_are_accepted(client, sign_url, name):
    assert client.post(sign_url, sign_payload(name=name)).status_code == 302
    assert Signature.objects.get().name == name


WRITE = "/letters/write/open-letter/"


@pytest.mark.parametrize("field", ["sender_name", "recipient_name"])
def test_a_letter_name_without_a_letter_is_refused(client, template, field):
    data = letter_details(
        recipient_name="Jane Smith", recipient_email="jane@parliament.example"
    ) | {field: ZERO_WIDTH_ONLY}
    response = client.post(WRITE, data)
    assert response.status_code == 400
    assert "A name needs at least one letter." in response.text
    assert not Letter.objects.exists()


def test_bidi_controls_are_removed_from_the_letters_fields(client, template, mp):
    data = letter_details(
        recipient=mp.slug,
        sender_name=RLO_NAME,
        personal_paragraph="My \u202ecousin\u202c's village.",
    )
    response = client.post(WRITE, data)
    assert response.status_code == 200
    assert "\u202e" not in response.text
    assert "Leyla avelyA" in response.text
