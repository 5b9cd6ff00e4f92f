"""The Canadian House of Commons provider against Represent's recorded answers."""

import json

import pytest

from letters.models import RepresentativeCache
from letters.representatives import NotFound, ProviderUnavailable, lookup
from letters.representatives.postcodes import CANADA, postcode_parse
from tests.letters.representatives.fake_api import CA_FOUND, CA_VACANT, Route, html, recorded

pytestmark = pytest.mark.django_db


def find(postcode: str):
    return lookup(provider="ca-commons", postcode=postcode_parse(postcode, countries=[CANADA]))


def test_a_postal_code_finds_the_mp_with_riding_email_and_hill_office(fake_api):
    area = find("K1A 0B1")

    [mp] = area.members  # the provincial member (MPP) at the same postal code is not an MP
    assert (mp.name, mp.constituency, mp.party) == (
        "Marie Testdéputée",
        "Testville Centre",
        "Sample Party",
    )
    assert mp.email == "marie.testdeputee@parl.example.ca"
    assert mp.postal_address == "House of Commons\nOttawa ON K1A 0A6"
    assert mp.salutation == "Marie Testdéputée MP"
    assert area.name == "Testville Centre"
    assert fake_api.urls() == [f"https://represent.test{CA_FOUND}"]  # details come with it


def test_a_riding_without_an_mp_is_vacant(fake_api):
    area = find("K2P 0V1")
    assert (area.name, area.vacant) == ("Vacantville", True)


def test_an_unknown_postal_code_is_not_found(fake_api):
    with pytest.raises(NotFound):
        find("K0K 0K0")


@pytest.mark.parametrize(
    "route",
    [
        html(500),
        Route(body=b""),
        Route(body=b"<!DOCTYPE html><html></html>"),
        Route(body=b'{"representatives_centroid": {"a": 1}}'),
        Route(body=b'{"representatives_centroid": [{"elected_office": "MP"}]}'),
        Route(timeout=True),
    ],
    ids=["500", "empty", "html", "wrong-shape", "mp-without-name", "timeout"],
)
def test_failures_and_nonsense_are_unavailable(fake_api, route):
    fake_api.routes[CA_FOUND] = route
    with pytest.raises(ProviderUnavailable):
        find("K1A 0B1")
    assert not RepresentativeCache.objects.exists()


def test_the_second_lookup_makes_no_call(fake_api):
    find("K1A 0B1")
    find("K1A0B1")
    assert len(fake_api.calls) == 1


def test_an_answer_without_a_representatives_list_is_read_as_empty(fake_api):
    """Represent leaves out a list it would send empty (README of recorded/): no KeyError."""
    answer = json.loads(recorded("ca-postcode-found.json"))
    answer["representatives_concordance"] = answer.pop("representatives_centroid")
    fake_api.routes[CA_FOUND] = Route(body=json.dumps(answer).encode())
    [mp] = find("K1A 0B1").members
    assert mp.name == "Marie Testdéputée"

    del answer["representatives_concordance"]
    fake_api.routes[CA_VACANT] = Route(body=json.dumps(answer).encode())
    area = find("K2P 0V1")
    assert area.vacant


def test_represent_is_called_at_most_sixty_times_a_minute(fake_api, settings):
    settings.REPRESENTATIVES_API_RATE = "1000/1s"  # the others' rate does not apply to Represent
    assert settings.REPRESENT_API_RATE == "60/1m"
    settings.REPRESENT_API_RATE = "1/1m"
    find("K1A 0B1")
    with pytest.raises(ProviderUnavailable):
        find("K2P 0V1")
    assert len(fake_api.calls) == 1
