"""Who may do what in the admin: the organiser and data manager groups, each boundary."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from campaign.groups import DATA_MANAGER, ORGANISER
from petitions.models import Signature
from petitions.services import counter_refresh
from tests.factories import data_manager, make_petition, organiser, sign, staff_user

EXPORT = reverse("admin:petitions_signature_export")
CHANGELIST = reverse("admin:petitions_signature_changelist")


@pytest.fixture
def petition(db):
    petition = make_petition()
    sign(
        petition, "Leyla Aliyeva", "leyla.secret@example.org", postcode="AZ1000", ip_hash="ab" * 32
    )
    sign(petition, "Kamran Huseynov", "kamran.secret@example.org")
    counter_refresh(petition=petition, force=True)
    return petition


def codenames(name: str) -> set[str]:
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def test_the_migration_made_both_groups(db):
    organiser_perms, manager_perms = codenames(ORGANISER), codenames(DATA_MANAGER)
    assert {"view_signature", "view_petition", "export_signatures", "view_exportlog"} <= (
        organiser_perms
    )
    assert not {"view_personal_data", "export_personal_data", "change_signature"} & (
        organiser_perms
    )
    assert not any(p.startswith("delete_") for p in organiser_perms)
    assert {"view_personal_data", "export_personal_data", "change_signature"} <= manager_perms
    assert "delete_signature" in manager_perms
    assert organiser_perms < manager_perms


def test_organisers_may_view_every_model_after_migrate(db):
    """Models added by later migrations get into the groups too (post_migrate)."""
    from django.apps import apps

    wanted = {
        f"view_{model._meta.model_name}"
        for label in ("campaign", "petitions", "letters")
        for model in apps.get_app_config(label).get_models()
    }
    assert wanted <= codenames(ORGANISER)


def test_setup_groups_is_idempotent(db):
    before = codenames(ORGANISER), codenames(DATA_MANAGER)
    call_command("setup_groups", verbosity=0)
    call_command("setup_groups", verbosity=0)
    assert (codenames(ORGANISER), codenames(DATA_MANAGER)) == before
    assert Group.objects.filter(name__in=[ORGANISER, DATA_MANAGER]).count() == 2


def test_organiser_sees_names_but_no_emails_postcodes_or_ip_hashes(client, petition):
    client.force_login(organiser())
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert "Leyla Aliyeva" in page.text
    assert "leyla.secret" not in page.text
    assert "AZ1000" not in page.text
    signature = Signature.objects.get(name="Leyla Aliyeva")
    detail = client.get(reverse("admin:petitions_signature_change", args=[signature.pk]))
    assert detail.status_code == 200
    assert "leyla.secret" not in detail.text
    assert "abab" not in detail.text


def test_organiser_cannot_search_by_email(client, petition):
    client.force_login(organiser())
    page = client.get(CHANGELIST, {"q": "kamran.secret"})
    assert "Kamran Huseynov" in page.text  # the search is ignored, not answered
    assert "Leyla Aliyeva" in page.text


def test_data_manager_sees_and_searches_emails(client, petition):
    client.force_login(data_manager())
    page = client.get(CHANGELIST, {"q": "kamran.secret"})
    assert "kamran.secret@example.org" in page.text
    assert "Leyla Aliyeva" not in page.text


def test_organiser_gets_403_on_full_and_contact_exports(client, petition):
    client.force_login(organiser())
    assert client.get(EXPORT, {"preset": "full"}).status_code == 403
    assert client.get(EXPORT, {"preset": "contact"}).status_code == 403
    assert client.get(EXPORT, {"preset": "delivery"}).status_code == 200
    assert client.get(reverse("admin:counts_export")).status_code == 200


def test_organiser_is_offered_only_the_delivery_export(client, petition):
    client.force_login(organiser())
    page = client.get(CHANGELIST)
    assert "preset=delivery" in page.text
    assert "preset=full" not in page.text


def test_data_manager_may_take_the_full_export(client, petition):
    client.force_login(data_manager())
    response = client.get(EXPORT, {"preset": "full"})
    assert response.status_code == 200
    assert b"leyla.secret@example.org" in b"".join(response.streaming_content)


def test_organiser_cannot_delete_or_invalidate(client, petition):
    client.force_login(organiser())
    signature = Signature.objects.get(name="Leyla Aliyeva")
    assert (
        client.get(reverse("admin:petitions_signature_delete", args=[signature.pk])).status_code
        == 403
    )
    page = client.get(CHANGELIST)
    assert "delete_selected" not in page.text
    assert "invalidate_selected" not in page.text
    response = client.post(
        CHANGELIST, {"action": "invalidate_selected", "_selected_action": [signature.pk]}
    )
    assert response.status_code in {200, 302}
    signature.refresh_from_db()
    assert signature.invalidated_at is None


def test_data_manager_can_delete_and_the_count_follows(client, petition):
    client.force_login(data_manager())
    signature = Signature.objects.get(name="Leyla Aliyeva")
    url = reverse("admin:petitions_signature_delete", args=[signature.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Signature.objects.filter(pk=signature.pk).exists()
    petition.counter.refresh_from_db()
    assert petition.counter.count == 1


def test_staff_without_a_group_get_no_exports_and_no_dashboard(client, petition):
    client.force_login(staff_user("nobody", None))
    assert client.get(EXPORT, {"preset": "delivery"}).status_code == 403
    assert client.get(reverse("admin:counts_export")).status_code == 403
    assert client.get(reverse("admin:dashboard")).status_code == 403


def test_non_staff_are_sent_to_the_login_page(client, petition):
    user = User.objects.create_user("supporter", "s@example.org", "pw")
    client.force_login(user)
    response = client.get(EXPORT, {"preset": "delivery"})
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_superuser_may_do_everything(admin_client, petition):
    assert admin_client.get(EXPORT, {"preset": "full"}).status_code == 200
    assert admin_client.get(reverse("admin:dashboard")).status_code == 200


def test_a_data_managers_search_is_hidden_from_organisers_in_the_export_log(client, petition):
    manager = data_manager()
    client.force_login(manager)
    response = client.get(EXPORT, {"preset": "full", "q": "leyla.secret@example.org"})
    b"".join(response.streaming_content)
    log_url = reverse("admin:campaign_exportlog_change", args=[response["X-Export-Log"]])
    assert "leyla.secret@example.org" in client.get(log_url).text
    client.force_login(organiser())
    page = client.get(log_url)
    assert page.status_code == 200
    assert "leyla.secret" not in page.text
    assert "(hidden)" in page.text


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("email_canonical", "leyla.secret@example.org"),
        ("email__iexact", "leyla.secret@example.org"),
        ("name__icontains", "Leyla Secretova"),
        ("postcode", "AZ1000-secret"),
    ],
)
def test_a_data_managers_filter_naming_a_person_is_hidden_from_organisers(
    client, petition, key, value
):
    client.force_login(data_manager())
    response = client.get(EXPORT, {"preset": "full", key: value, "country": "AZ"})
    b"".join(response.streaming_content)
    log_url = reverse("admin:campaign_exportlog_change", args=[response["X-Export-Log"]])
    client.force_login(organiser())
    page = client.get(log_url)
    assert page.status_code == 200
    assert value not in page.text
    assert "(hidden)" in page.text
    assert "&quot;country&quot;: &quot;AZ&quot;" in page.text


def test_signature_list_query_count_is_pinned(client, petition, django_assert_num_queries):
    for i in range(30):
        sign(petition, f"Signer {i}", f"s{i}@example.org")
    client.force_login(data_manager())
    client.get(CHANGELIST)
    # session, user, permissions (2), petition and country filter choices, table size estimate,
    # count, rows, date hierarchy (2): the same for 30 rows as for 1,000,000
    with django_assert_num_queries(11):
        client.get(CHANGELIST)
