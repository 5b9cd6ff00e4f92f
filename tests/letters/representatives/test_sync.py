"""sync_representatives: every current member into the directory, updated in place."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from letters.models import Letter, Recipient, RepresentativeCache
from tests.letters.representatives.fake_api import CA_ALL, Route, html, recorded

pytestmark = pytest.mark.django_db
UK_PAGE_2 = "/api/Members/Search?House=1&IsCurrentMember=true&skip=20&take=20"


def sync(parliament: str) -> str:
    out = StringIO()
    call_command("sync_representatives", parliament, stdout=out)
    return out.getvalue()


def test_uk_members_are_loaded_with_their_published_emails(fake_api):
    output = sync("uk-commons")

    assert "22 added, 0 updated, 0 unchanged, 0 marked inactive" in output
    members = Recipient.objects.filter(provider="uk-commons")
    assert members.count() == 22
    jane = members.get(external_id="9001")
    assert (jane.kind, jane.constituency, jane.email, jane.party) == (
        Recipient.Kind.MEMBER_OF_PARLIAMENT,
        "Exampleton North",
        "jane.testmember.mp@parliament.example",
        "Example Party",
    )
    assert members.get(external_id="9121").email == "member.9121@parliament.example"


def test_syncing_again_changes_nothing_and_says_so(fake_api):
    sync("uk-commons")
    calls = len(fake_api.calls)
    output = sync("uk-commons")
    assert "0 added, 0 updated, 22 unchanged, 0 marked inactive" in output
    # Contact records come from the 7-day cache: only the two list pages are asked for again.
    assert len(fake_api.calls) == calls + 2


def test_a_member_who_left_is_marked_inactive_and_keeps_their_letters(fake_api, template):
    sync("uk-commons")
    leaving = Recipient.objects.get(provider="uk-commons", external_id="9121")
    Letter.objects.create(
        template=template,
        recipient=leaving,
        recipient_name=leaving.name,
        sender_name="Ann Lee",
        sender_email="ann@example.org",
        sender_email_canonical="ann@example.org",
        subject="s",
    )
    page = recorded("uk-members-search-skip-20.json").decode()
    fake_api.routes[UK_PAGE_2] = Route(
        body=page.replace('"totalResults": 22', '"totalResults": 21')
        .replace('"id": 9121', '"id": 9122')
        .replace("Test Member 21", "Test Newcomer")
        .encode()
    )
    fake_api.routes["/api/Members/9122/Contact"] = fake_api.routes["/api/Members/9120/Contact"]

    output = sync("uk-commons")

    assert "marked inactive: " + leaving.slug in output
    assert "1 added" in output
    leaving.refresh_from_db()
    assert not leaving.is_active
    assert leaving.letters.count() == 1


def test_a_changed_email_is_updated_in_place(fake_api):
    sync("ca-commons")
    body = recorded("ca-representatives-house-of-commons.json").replace(
        b"member01@parl.example.ca", b"member01.new@parl.example.ca"
    )
    fake_api.routes[CA_ALL] = Route(body=body)

    output = sync("ca-commons")

    assert "0 added, 1 updated, 3 unchanged" in output
    assert "email" in output
    assert Recipient.objects.filter(email="member01.new@parl.example.ca").count() == 1


def test_an_api_failure_changes_nothing(fake_api):
    sync("ca-commons")
    fake_api.routes[CA_ALL] = html(500)
    with pytest.raises(CommandError, match="Nothing changed"):
        sync("ca-commons")
    assert Recipient.objects.filter(provider="ca-commons", is_active=True).count() == 4


def test_one_members_contact_failing_keeps_their_email_and_the_rest_syncs(fake_api):
    sync("uk-commons")
    RepresentativeCache.objects.all().delete()
    fake_api.routes["/api/Members/9105/Contact"] = html(500)

    output = sync("uk-commons")

    assert "0 added, 0 updated, 22 unchanged, 0 marked inactive, 1 contact records" in output
    assert "contact record not fetched (kept as it was): 9105" in output
    member = Recipient.objects.get(provider="uk-commons", external_id="9105")
    assert member.email == "member.9105@parliament.example"
