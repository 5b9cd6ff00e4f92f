from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from petitions import services
from petitions.models import PetitionCounter, Signature
from petitions.services import counts_refresh

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def confirmed(petition, email: str) -> Signature:
    signature = services.signature_create(
        petition=petition, name="Leyla", email=email, country="AZ"
    ).signature
    return services.signature_confirm(signature_id=signature.pk)


def test_refresh_counts_counts_new_confirmations(petition):
    confirmed(petition, "a@example.org")
    assert run("refresh_counts") == "release-the-landmine-maps: 1\n"
    assert PetitionCounter.objects.get().count == 1


def test_reconcile_counts_repairs_and_reports_drift(petition):
    confirmed(petition, "a@example.org")
    confirmed(petition, "b@example.org")
    run("refresh_counts")
    PetitionCounter.objects.update(count=5)
    output = run("reconcile_counts")
    assert "REPAIRED count 5 -> 2" in output
    assert PetitionCounter.objects.get().count == 2
    assert run("reconcile_counts") == "release-the-landmine-maps: ok, 2\n"


def test_reconcile_counts_refuses_an_unknown_petition(petition):
    with pytest.raises(CommandError, match="no-such"):
        run("reconcile_counts", "no-such")


def test_purge_signatures_reports_what_it_removed(petition):
    services.signature_create(petition=petition, name="Old", email="old@example.org")
    Signature.objects.update(created_at=timezone.now() - timedelta(days=8))
    output = run("purge_signatures")
    assert output.startswith("Deleted 1 unconfirmed signature(s)")
    assert not Signature.objects.exists()


def test_scheduled_tasks_refresh_counts_and_purge(petition, immediate_tasks):
    confirmed(petition, "a@example.org")
    services.signature_create(petition=petition, name="Old", email="old@example.org")
    Signature.objects.filter(email="old@example.org").update(
        created_at=timezone.now() - timedelta(days=8)
    )
    assert counts_refresh.enqueue().return_value == 1
    assert PetitionCounter.objects.get().count == 1
    call_command("purge_signatures", stdout=StringIO())  # the scheduler's job is this command
    assert not Signature.objects.filter(email="old@example.org").exists()
