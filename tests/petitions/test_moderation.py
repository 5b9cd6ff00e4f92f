"""Invalidating spam from the admin: the rows stop counting and the public count follows."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from petitions.models import CountryCount, PetitionCounter, Signature
from petitions.moderation import signatures_invalidate
from petitions.services import counter_refresh, signature_confirm
from tests.factories import IMMEDIATE_TASKS, data_manager, make_petition, organiser, sign

CHANGELIST = reverse("admin:petitions_signature_changelist")
SPAM = "5" * 64


@pytest.fixture
def petition(db):
    petition = make_petition()
    sign(petition, "Real Person", "real@example.org", country="GB")
    sign(petition, "Spam One", "one@spam.test", ip_hash=SPAM)
    sign(petition, "Spam Two", "two@spam.test", ip_hash=SPAM)
    sign(petition, "Spam Three", "three@spam.test")
    sign(petition, "Pending Person", "pending@example.org", confirmed=False)
    counter_refresh(petition=petition, force=True)
    return petition


def count(petition) -> int:
    return PetitionCounter.objects.get(petition=petition).count


def country(petition, code: str) -> int:
    return CountryCount.objects.get(petition=petition, country=code).count


def public_count(client, petition) -> int:
    return client.get(reverse("petitions:count", args=[petition.slug])).json()["count"]


def test_invalidating_takes_counted_rows_off_the_counters(client, petition):
    assert public_count(client, petition) == 4
    changed = signatures_invalidate(queryset=Signature.objects.filter(ip_hash=SPAM))
    assert changed == 2
    assert count(petition) == 2
    assert country(petition, "AZ") == 1
    assert country(petition, "GB") == 1
    assert public_count(client, petition) == 2
    assert not Signature.objects.filter(ip_hash=SPAM, is_counted=True).exists()


def test_invalidating_twice_subtracts_once(petition):
    signatures_invalidate(queryset=Signature.objects.filter(ip_hash=SPAM))
    assert signatures_invalidate(queryset=Signature.objects.filter(ip_hash=SPAM)) == 0
    assert count(petition) == 2


def test_an_invalidated_pending_signature_never_counts(petition):
    pending = Signature.objects.get(name="Pending Person")
    signatures_invalidate(queryset=Signature.objects.filter(pk=pending.pk))
    assert count(petition) == 4
    signature_confirm(signature_id=pending.pk)
    counter_refresh(petition=petition, force=True)
    assert count(petition) == 4


def test_invalidating_is_recorded_in_the_admin_history(petition):
    user = data_manager()
    signatures_invalidate(queryset=Signature.objects.filter(ip_hash=SPAM), by_user=user)
    entries = LogEntry.objects.filter(user=user)
    assert entries.count() == 2
    spam_ids = {
        str(pk) for pk in Signature.objects.filter(ip_hash=SPAM).values_list("pk", flat=True)
    }
    assert set(entries.values_list("object_id", flat=True)) == spam_ids
    assert {entry.object_repr.split(" on ")[0] for entry in entries} == {"Spam One", "Spam Two"}


def test_data_manager_invalidates_selected_signatures(client, petition):
    client.force_login(data_manager())
    spam = Signature.objects.get(name="Spam Three")
    response = client.post(
        CHANGELIST, {"action": "invalidate_selected", "_selected_action": [spam.pk]}
    )
    assert response.status_code == 302
    spam.refresh_from_db()
    assert spam.invalidated_at is not None
    assert public_count(client, petition) == 3


def test_same_ip_hash_asks_first_then_invalidates_across_petitions(client, petition):
    other = make_petition("another-petition")
    sign(other, "Spam Elsewhere", "x@spam.test", ip_hash=SPAM)
    counter_refresh(petition=other, force=True)
    client.force_login(data_manager())
    one = Signature.objects.get(name="Spam One")
    data = {"action": "invalidate_same_ip_hash", "_selected_action": [one.pk]}
    page = client.post(CHANGELIST, data)
    assert page.status_code == 200
    assert "invalidates <strong>3</strong>" in page.text
    assert not Signature.objects.filter(invalidated_at__isnull=False).exists()
    response = client.post(CHANGELIST, {**data, "index": "0", "confirmed": "yes"})
    assert response.status_code == 302
    assert set(
        Signature.objects.filter(invalidated_at__isnull=False).values_list("name", flat=True)
    ) == {"Spam One", "Spam Two", "Spam Elsewhere"}
    assert count(petition) == 2
    assert count(other) == 0


def test_same_email_domain(client, petition):
    client.force_login(data_manager())
    three = Signature.objects.get(name="Spam Three")
    data = {
        "action": "invalidate_same_email_domain",
        "_selected_action": [three.pk],
        "index": "0",
        "confirmed": "yes",
    }
    assert client.post(CHANGELIST, data).status_code == 302
    assert count(petition) == 1
    assert Signature.objects.get(name="Real Person").invalidated_at is None


def test_resend_confirmation_only_to_pending(
    client, petition, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    client.force_login(organiser())
    ids = list(Signature.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "resend_confirmation", "_selected_action": ids}
        )
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["pending@example.org"]]


def test_invalidating_or_deleting_nothing_is_harmless(db):
    from petitions.moderation import signatures_delete

    assert signatures_invalidate(queryset=Signature.objects.filter(pk__in=[])) == 0
    assert signatures_delete(queryset=Signature.objects.none()) == 0
