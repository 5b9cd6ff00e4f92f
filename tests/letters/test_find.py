"""“Enter your postcode”: the supporter's MP as a card, the manual path when the API fails."""

import logging

import pytest
from django.urls import reverse

from letters.models import Recipient
from tests.letters.representatives.fake_api import CA_FOUND, UK_FOUND, Route, html

pytestmark = pytest.mark.django_db


def find(client, postcode: str, **extra):
    query = {"template": "open-letter", "postcode": postcode, **extra}
    return client.get(reverse("letters:find"), query)


def test_the_start_page_asks_for_a_postcode(client, template):
    page = client.get(reverse("letters:start")).content.decode()
    assert "Find your MP: enter your postcode" in page
    assert 'name="postcode"' in page


def test_a_uk_postcode_shows_the_mp_and_leads_into_the_letter(client, template, fake_api):
    response = find(client, "ex1 1aa")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Jane Testmember" in page
    assert "Example Party" in page
    assert "Exampleton North" in page
    mp = Recipient.objects.get(provider="uk-commons", external_id="9001")
    assert mp.email == "jane.testmember.mp@parliament.example"
    write_url = reverse("letters:write", args=["open-letter"]) + f"?recipient={mp.slug}"
    assert write_url in page

    letter = client.post(
        reverse("letters:write", args=["open-letter"]),
        {
            "step": "details",
            "recipient": mp.slug,
            "sender_name": "Ann Lee",
            "sender_email": "ann@example.org",
            "sender_address": "1 High Street",
            "sender_postcode": "EX1 1AA",
        },
    ).content.decode()
    assert "Dear Jane Testmember MP," in letter
    assert "Dear ____" not in letter


def test_a_canadian_postal_code_finds_the_mp_of_canada(client, template, fake_api):
    page = find(client, "K1A 0B1").content.decode()
    assert "Marie Testdéputée" in page
    assert "Testville Centre" in page
    assert "Paul Provincial" not in page


def test_the_country_can_be_chosen_and_then_another_countrys_format_is_refused(
    client, template, fake_api
):
    response = find(client, "K1A 0B1", country="GB")
    assert response.status_code == 400
    assert "looks like a Canadian postal code" in response.content.decode()
    assert fake_api.calls == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("A" * 10_000, "too long for a postcode"),
        ("EX1\x001AA", "Null characters are not allowed"),
        ("EX1\x071AA", "letters, numbers and spaces only"),
        ("EX1\r\n1AA", "letters, numbers and spaces only"),
        ("hello", "not a postcode we recognise"),
        ("", "Please enter your postcode"),
    ],
)
def test_bad_postcodes_get_a_message_next_to_the_field_and_no_call(
    client, template, fake_api, typed, message
):
    response = find(client, typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_postcode_error"' in page
    assert message in page
    assert "Type your MP's details" in page
    assert fake_api.calls == []


def test_an_unknown_postcode_says_so_next_to_the_field(client, template, fake_api):
    response = find(client, "EX0 0AA")
    assert response.status_code == 404
    assert "We could not find the postcode EX0 0AA" in response.content.decode()


def test_a_vacant_seat_says_so_and_offers_the_manual_path(client, template, fake_api):
    page = find(client, "EX9 9ZZ").content.decode()
    assert "Vacantshire East has no MP at the moment" in page
    assert reverse("letters:write", args=["open-letter"]) in page


@pytest.mark.parametrize(
    ("path", "route"),
    [
        (UK_FOUND, html(500)),
        (UK_FOUND, Route(timeout=True)),
        (UK_FOUND, Route(body=b"<html>nonsense</html>")),
        (UK_FOUND, Route(status=429)),
        (CA_FOUND, Route(body=b"")),
    ],
    ids=["500", "timeout", "html", "429", "empty"],
)
def test_an_api_failure_gives_a_plain_message_the_manual_path_and_a_warning(
    client, template, fake_api, caplog, path, route
):
    fake_api.routes[path] = route
    postcode = "EX1 1AA" if path == UK_FOUND else "K1A 0B1"
    with caplog.at_level(logging.WARNING):
        response = find(client, postcode)
    assert response.status_code == 200
    page = response.content.decode()
    assert "We can't look up MPs right now." in page
    assert "Type your MP's details" in page
    assert any(record.levelno == logging.WARNING for record in caplog.records)


def test_lookups_per_client_address_are_limited(client, template, fake_api, settings):
    settings.REPRESENTATIVES_LOOKUPS_PER_IP = "2/1h"
    find(client, "EX1 1AA")
    find(client, "EX1 1AA")
    response = find(client, "EX1 1AA")
    assert response.status_code == 429
    assert "Type your MP's details" in response.content.decode()


def test_a_template_without_a_postcode_step_has_no_finder(client, template):
    template.postcode_lookup = ""
    template.save()
    assert "postcode-heading" not in client.get(reverse("letters:start")).content.decode()
    assert find(client, "EX1 1AA").status_code == 404


def test_the_write_step_offers_the_postcode_finder_and_takes_the_postcode(
    client, template, fake_api
):
    find(client, "EX1 1AA")
    mp = Recipient.objects.get(provider="uk-commons")
    manual = client.get(reverse("letters:write", args=["open-letter"])).content.decode()
    assert "Writing to your MP? Enter your postcode" in manual
    page = client.get(
        reverse("letters:write", args=["open-letter"]),
        {"recipient": mp.slug, "postcode": "EX1 1AA"},
    ).content.decode()
    assert 'value="EX1 1AA"' in page
