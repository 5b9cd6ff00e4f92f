"""The UK House of Commons provider against the Members API's recorded answers."""

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from campaign.selectors import campaign_name
from letters.models import ProviderBackoff, RepresentativeCache
from letters.representatives import NotFound, ProviderUnavailable, lookup
from letters.representatives.postcodes import UK, PostcodeInvalid, postcode_parse
from letters.representatives.sync import representatives_cache_purge_task
from tests.factories import IMMEDIATE_TASKS
from tests.letters.representatives.fake_api import (
    UK_CONTACT,
    UK_FOUND,
    Route,
    html,
    recorded,
)

pytestmark = pytest.mark.django_db


def find(postcode: str):
    return lookup(provider="uk-commons", postcode=postcode_parse(postcode, countries=[UK]))


def test_a_postcode_finds_the_current_member_with_the_published_contact(fake_api):
    area = find("EX1 1AA")

    assert area.name == "Exampleton North"  # the abolished constituency is skipped
    [mp] = area.members
    assert (mp.name, mp.title, mp.party, mp.constituency) == (
        "Jane Testmember",
        "MP",
        "Example Party",
        "Exampleton North",
    )
    assert mp.salutation == "Jane Testmember MP"
    # The parliamentary office's email and address, not the constituency office's.
    assert mp.email == "jane.testmember.mp@parliament.example"
    assert mp.postal_address == "House of Commons\nLondon\nSW1A 0AA"
    assert mp.website == "https://janetestmember.example"
    assert fake_api.urls() == [
        f"https://members-api.test{UK_FOUND}",
        f"https://members-api.test{UK_CONTACT}",
    ]


def test_calls_name_the_site_and_give_up_after_three_seconds(fake_api, settings):
    settings.SITE_URL = "https://campaign.example.org"
    find("EX1 1AA")
    for _url, headers, timeout in fake_api.calls:
        assert timeout == 3.0
        assert "https://campaign.example.org" in headers["User-Agent"]
        assert campaign_name() in headers["User-Agent"]


def test_a_vacant_seat_has_its_constituency_and_no_member(fake_api):
    area = find("EX9 9ZZ")
    assert (area.name, area.members, area.vacant) == ("Vacantshire East", [], True)


def test_an_unknown_postcode_is_not_found_and_remembered_for_a_day(fake_api):
    with pytest.raises(NotFound):
        find("EX0 0AA")
    with pytest.raises(NotFound):
        find("EX0 0AA")
    assert len(fake_api.calls) == 1


@pytest.mark.parametrize(
    "route",
    [
        html(500),
        html(503),
        Route(body=b""),  # 200 with an empty body
        Route(body=b"<html><body>Maintenance</body></html>", headers={}),
        Route(body=b'{"items": [{"value": {"name": "Truncat'),
        Route(body=b'{"items": "none"}'),
        Route(body=b"[1, 2, 3]"),
        Route(timeout=True),
        Route(delay=5),
    ],
    ids=["500", "503", "empty", "html", "truncated", "wrong-shape", "list", "timeout", "slow"],
)
def test_an_api_that_fails_or_answers_nonsense_is_unavailable_with_a_warning(
    fake_api, route, caplog
):
    fake_api.routes[UK_FOUND] = route
    with (
        caplog.at_level(logging.WARNING, logger="letters.representatives"),
        pytest.raises(ProviderUnavailable),
    ):
        find("EX1 1AA")
    assert not RepresentativeCache.objects.exists()  # nonsense is never cached


def test_a_broken_contact_record_is_unavailable_too(fake_api):
    fake_api.routes[UK_CONTACT] = html(500)
    with pytest.raises(ProviderUnavailable):
        find("EX1 1AA")


def test_the_second_lookup_comes_from_the_database(fake_api):
    first = find("EX1 1AA")
    calls = len(fake_api.calls)
    assert find("ex11aa") == first
    assert len(fake_api.calls) == calls


def test_member_details_are_asked_again_after_seven_days_the_postcode_after_thirty(
    fake_api,
):
    find("EX1 1AA")
    RepresentativeCache.objects.filter(key="uk-commons:member:9001").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    find("EX1 1AA")
    assert fake_api.urls()[2:] == [f"https://members-api.test{UK_CONTACT}"]
    postcode_row = RepresentativeCache.objects.get(key="uk-commons:postcode:EX11AA")
    member_row = RepresentativeCache.objects.get(key="uk-commons:member:9001")
    assert postcode_row.expires_at - postcode_row.fetched_at == timedelta(days=30)
    assert member_row.expires_at - member_row.fetched_at == timedelta(days=7)


def test_a_429_stops_every_call_until_the_time_it_asked_for(fake_api):
    fake_api.routes[UK_FOUND] = Route(status=429, headers={"Retry-After": "120"})
    with pytest.raises(ProviderUnavailable):
        find("EX1 1AA")
    backoff = ProviderBackoff.objects.get(provider="uk-commons")
    assert timedelta(seconds=115) < backoff.not_before - timezone.now() <= timedelta(seconds=120)

    fake_api.routes.pop(UK_FOUND)
    with pytest.raises(ProviderUnavailable):
        find("EX9 9ZZ")
    assert len(fake_api.calls) == 1  # nothing went out while backing off

    backoff.not_before = timezone.now() - timedelta(seconds=1)
    backoff.save()
    assert find("EX9 9ZZ").name == "Vacantshire East"


def test_our_own_rate_holds_back_calls_across_requests(fake_api, settings):
    settings.REPRESENTATIVES_API_RATE = "2/60s"
    find("EX1 1AA")  # two calls: the constituency and the member's contact
    with pytest.raises(ProviderUnavailable):
        find("EX9 9ZZ")
    assert len(fake_api.calls) == 2
    assert find("EX1 1AA").members  # cached answers still come


def test_expired_answers_are_purged_by_the_scheduled_task(fake_api, settings):
    find("EX1 1AA")
    RepresentativeCache.objects.filter(key="uk-commons:member:9001").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    settings.TASKS = IMMEDIATE_TASKS
    assert representatives_cache_purge_task.enqueue().return_value == 1
    assert list(RepresentativeCache.objects.values_list("key", flat=True)) == [
        "uk-commons:postcode:EX11AA"
    ]


def test_the_postcode_is_sent_as_written_with_its_space(fake_api):
    find("ex11aa")
    assert fake_api.urls()[0].endswith("searchText=EX1+1AA&skip=0&take=20")


def test_a_vacant_seat_is_asked_about_again_after_a_day_not_thirty(fake_api):
    find("EX9 9ZZ")
    row = RepresentativeCache.objects.get(key="uk-commons:postcode:EX99ZZ")
    assert row.expires_at - row.fetched_at == timedelta(days=1)


def test_a_503_stops_calls_as_a_429_does(fake_api):
    fake_api.routes[UK_FOUND] = Route(status=503, headers={"Retry-After": "30"})
    with pytest.raises(ProviderUnavailable):
        find("EX1 1AA")
    backoff = ProviderBackoff.objects.get(provider="uk-commons")
    assert backoff.reason == "503 Service Unavailable"
    fake_api.routes.pop(UK_FOUND)
    with pytest.raises(ProviderUnavailable):
        find("EX9 9ZZ")
    assert len(fake_api.calls) == 1


def test_the_website_is_only_the_entry_of_type_website(fake_api):
    """A web address of another type (an office's contact form) is never the member's site."""
    contact = json.loads(recorded("uk-member-9001-contact.json"))
    website = next(entry for entry in contact["value"] if entry["type"] == "Website")
    office_form = {**website, "type": "Parliamentary", "typeDescription": "Parliamentary office"}
    office_form["line1"] = "https://office.example/contact-form"
    contact["value"] = [office_form, *[e for e in contact["value"] if e is not website]]
    fake_api.routes[UK_CONTACT] = Route(body=json.dumps(contact).encode())
    assert find("EX1 1AA").members[0].website == ""

    contact["value"].append(website)
    fake_api.routes[UK_CONTACT] = Route(body=json.dumps(contact).encode())
    RepresentativeCache.objects.all().delete()
    assert find("EX1 1AA").members[0].website == "https://janetestmember.example"


@pytest.mark.parametrize(
    ("postcode", "words"),
    [
        ("JE2 3AB", "Jersey, Guernsey and the Isle of Man"),
        ("GY1 1AA", "Jersey, Guernsey and the Isle of Man"),
        ("IM1 1AA", "Jersey, Guernsey and the Isle of Man"),
        ("BFPO 801", "forces mail address"),
    ],
)
def test_postcodes_with_no_westminster_mp_say_so_and_ask_nothing(fake_api, postcode, words):
    with pytest.raises(PostcodeInvalid) as refused:
        find(postcode)
    assert "no Westminster MP" in str(refused.value)
    assert words in str(refused.value)
    assert fake_api.calls == []


@pytest.mark.parametrize("postcode", ["75001", "10117"])
def test_a_paris_or_berlin_postcode_is_recognised_not_called_a_bad_uk_one(fake_api, postcode):
    with pytest.raises(PostcodeInvalid) as refused:
        postcode_parse(postcode, countries=[UK])
    message = str(refused.value)
    assert "French or German postcode" in message
    assert "assemblee-nationale.fr" in message
    assert "bundestag.de" in message
    assert "UK postcode" not in message
    assert fake_api.calls == []
