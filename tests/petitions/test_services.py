import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from petitions import selectors, services
from petitions.models import (
    CountryCount,
    PendingConfirmationEmail,
    Petition,
    PetitionCounter,
    Signature,
)
from petitions.moderation import signatures_invalidate
from petitions.services import SignOutcome
from tests.factories import make_petition


def sign(petition, **overrides) -> services.SignResult:
    values = {"name": "Leyla Aliyeva", "email": "leyla@example.org", "country": "AZ"}
    values.update(overrides)
    return services.signature_create(petition=petition, **values)


def refreshed_count(petition) -> int:
    return services.counter_refresh(petition=petition, force=True).count


def test_signing_stores_one_unconfirmed_signature(petition):
    result = sign(petition, consent_to_contact=True)
    assert result.outcome == SignOutcome.CREATED
    signature = Signature.objects.get()
    assert signature.email_canonical == "leyla@example.org"
    assert signature.confirmed_at is None
    assert signature.consent_text_version == "2026-11"


def test_no_consent_records_no_consent_version(petition):
    sign(petition, consent_to_contact=False)
    assert Signature.objects.get().consent_text_version == ""


def test_signing_sends_the_confirmation_email_after_commit(
    petition, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign(petition)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["leyla@example.org"]
    assert "confirm" in message.subject.lower()
    assert "/petitions/confirm/" in message.body
    assert "/petitions/withdraw/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "/petitions/confirm/" in html


def test_signing_again_while_pending_resends_the_confirmation(
    petition, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    sign(petition, email="l.e.y.l.a+petition@gmail.com")
    with django_capture_on_commit_callbacks(execute=True):
        result = sign(petition, email="Leyla@GoogleMail.com")
    assert result.outcome == SignOutcome.ALREADY_PENDING
    assert Signature.objects.count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["l.e.y.l.a+petition@gmail.com"]


def test_signing_again_after_confirming_is_already_signed_and_sends_nothing(
    petition, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    first = sign(petition)
    services.signature_confirm(signature_id=first.signature.pk)
    with django_capture_on_commit_callbacks(execute=True):
        result = sign(petition, email=" LEYLA@example.org ")
    assert result.outcome == SignOutcome.ALREADY_SIGNED
    assert mailoutbox == []
    assert Signature.objects.count() == 1


def test_the_same_email_may_sign_another_petition(petition):
    other = make_petition(slug="another")
    sign(petition)
    assert sign(other).outcome == SignOutcome.CREATED


def test_confirming_twice_is_harmless(petition):
    signature = sign(petition).signature
    first = services.signature_confirm(signature_id=signature.pk)
    second = services.signature_confirm(signature_id=signature.pk)
    assert first.confirmed_at is not None
    assert second.confirmed_at == first.confirmed_at


def test_only_confirmed_signatures_count_by_default(petition):
    pending = sign(petition, email="a@example.org").signature
    sign(petition, email="b@example.org")
    assert refreshed_count(petition) == 0
    services.signature_confirm(signature_id=pending.pk)
    assert refreshed_count(petition) == 1
    services.signature_confirm(signature_id=pending.pk)
    assert refreshed_count(petition) == 1


def test_a_petition_can_count_on_signing(petition):
    petition.count_on_signing = True
    petition.save()
    sign(petition)
    assert refreshed_count(petition) == 1


def test_refresh_happens_at_most_every_few_seconds(petition, settings):
    settings.PETITION_COUNT_REFRESH_SECONDS = 60
    services.counter_refresh(petition=petition, force=True)
    services.signature_confirm(signature_id=sign(petition).signature.pk)
    assert services.counter_refresh(petition=petition) is None
    assert selectors.counter_read(petition=petition).count == 0
    PetitionCounter.objects.update(refreshed_at=timezone.now() - timedelta(seconds=61))
    assert services.counter_refresh(petition=petition).count == 1


def test_reading_the_counter_never_writes(petition, django_assert_num_queries):
    services.signature_confirm(signature_id=sign(petition).signature.pk)
    petition = Petition.objects.select_related("counter").get(pk=petition.pk)
    with django_assert_num_queries(0):
        assert selectors.counter_read(petition=petition).count == 0
    assert not PetitionCounter.objects.exists()
    services.counter_refresh(petition=petition, force=True)
    petition = Petition.objects.select_related("counter").get(pk=petition.pk)
    with django_assert_num_queries(0):
        assert selectors.counter_read(petition=petition).count == 1


def test_counter_is_kept_per_country(petition):
    for number, country in enumerate(["AZ", "AZ", "GB"]):
        signature = sign(petition, email=f"{number}@example.org", country=country).signature
        services.signature_confirm(signature_id=signature.pk)
    services.counter_refresh(petition=petition, force=True)
    counts = dict(CountryCount.objects.values_list("country", "count"))
    assert counts == {"AZ": 2, "GB": 1}


def test_withdrawing_a_counted_signature_takes_it_off_the_count(petition):
    signature = sign(petition).signature
    services.signature_confirm(signature_id=signature.pk)
    assert refreshed_count(petition) == 1
    assert services.signature_withdraw(signature_id=signature.pk) is True
    assert not Signature.objects.exists()
    assert PetitionCounter.objects.get().count == 0
    assert CountryCount.objects.get(country="AZ").count == 0
    assert services.signature_withdraw(signature_id=signature.pk) is False


def test_invalidated_signatures_stop_counting(petition):
    good = sign(petition, email="good@example.org").signature
    spam = sign(petition, email="spam@example.org").signature
    for signature in (good, spam):
        services.signature_confirm(signature_id=signature.pk)
    assert refreshed_count(petition) == 2
    changed = signatures_invalidate(queryset=Signature.objects.filter(pk=spam.pk))
    assert changed == 1
    assert PetitionCounter.objects.get().count == 1
    assert refreshed_count(petition) == 1
    assert services.counts_reconcile(petition=petition).changed is False


def test_invalidating_an_uncounted_signature_keeps_it_from_being_counted(petition):
    spam = sign(petition).signature
    signatures_invalidate(queryset=Signature.objects.filter(pk=spam.pk))
    services.signature_confirm(signature_id=spam.pk)
    assert refreshed_count(petition) == 0


def test_reconcile_repairs_drift_and_says_what_changed(petition):
    for number in range(3):
        signature = sign(petition, email=f"{number}@example.org").signature
        services.signature_confirm(signature_id=signature.pk)
    services.counter_refresh(petition=petition, force=True)
    PetitionCounter.objects.update(count=999)
    CountryCount.objects.update(count=7)
    result = services.counts_reconcile(petition=petition)
    assert (result.count_before, result.count_after) == (999, 3)
    assert result.countries_changed == {"AZ": (7, 3)}
    assert result.changed
    assert PetitionCounter.objects.get().count == 3
    assert services.counts_reconcile(petition=petition).changed is False


def test_goal_rises_in_steps(petition):
    petition.goal_steps = [25000, 50000, 100000]
    assert petition.current_goal(0) == 15000
    assert petition.current_goal(14999) == 15000
    assert petition.current_goal(15000) == 25000
    assert petition.current_goal(60000) == 100000
    assert petition.current_goal(200000) == 100000


def test_purge_deletes_expired_unconfirmed_and_old_ip_hashes(petition):
    long_ago = timezone.now() - timedelta(days=31)
    expired = sign(petition, email="expired@example.org", ip_hash="a" * 64).signature
    kept = sign(petition, email="kept@example.org", ip_hash="b" * 64).signature
    services.signature_confirm(signature_id=kept.pk)
    recent = sign(petition, email="recent@example.org", ip_hash="c" * 64).signature
    Signature.objects.filter(pk__in=[expired.pk, kept.pk]).update(created_at=long_ago)
    result = services.signatures_purge()
    assert result.unconfirmed_deleted == 1
    assert result.ip_hashes_cleared == 1
    assert set(Signature.objects.values_list("pk", flat=True)) == {kept.pk, recent.pk}
    assert Signature.objects.get(pk=kept.pk).ip_hash is None
    assert Signature.objects.get(pk=recent.pk).ip_hash == "c" * 64


def test_purge_keeps_unconfirmed_signatures_already_counted(petition):
    petition.count_on_signing = True
    petition.save()
    signature = sign(petition).signature
    services.counter_refresh(petition=petition, force=True)
    Signature.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert services.signatures_purge().unconfirmed_deleted == 0
    assert Signature.objects.filter(pk=signature.pk).exists()


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


class FirstRolledBack(Exception):
    pass


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("first_ends", "second_outcome"),
    [("commit", SignOutcome.ALREADY_PENDING), ("rollback", SignOutcome.CREATED)],
)
def test_two_transactions_racing_with_one_email_make_one_row(first_ends, second_outcome):
    """The second insert waits on the first's unique index entry, then learns it signed, or,
    if the first rolled back, signs itself: one row and one queued email either way."""
    petition = make_petition()
    first_inserted = threading.Event()
    may_commit = threading.Event()
    results: dict[str, services.SignResult] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = sign(petition, email="Leyla@Example.org")
                first_inserted.set()
                assert may_commit.wait(30)
                if first_ends == "rollback":
                    raise FirstRolledBack
        except FirstRolledBack:
            pass
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
            first_inserted.set()
        finally:
            connections.close_all()

    def second() -> None:
        try:
            results["second"] = sign(petition, email="leyla@example.org ")
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    thread_one = threading.Thread(target=first)
    thread_one.start()
    assert first_inserted.wait(30)
    thread_two = threading.Thread(target=second)
    thread_two.start()
    # Let the first commit only once the second is blocked on the same unique key.
    for _ in range(3000):
        if waiting_on_a_lock():
            break
        threading.Event().wait(0.01)
    else:
        pytest.fail("the second insert never waited on the first")
    may_commit.set()
    thread_one.join(30)
    thread_two.join(30)

    assert errors == []
    assert results["first"].outcome == SignOutcome.CREATED
    assert results["second"].outcome == second_outcome
    [signature] = Signature.objects.filter(petition=petition)
    kept = "Leyla@Example.org" if first_ends == "commit" else "leyla@example.org"
    assert signature.email == kept
    assert list(PendingConfirmationEmail.objects.values_list("pk", flat=True)) == [signature.pk]
