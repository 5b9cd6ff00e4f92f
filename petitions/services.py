"""What happens to petitions and signatures: signing, confirming, withdrawing, counting.

The count design (why a flag per row and a refresher, not a counter updated on every
signature) is explained at the top of petitions/models.py and in docs/petitions.md.
"""

import logging
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from petitions.canonical import email_canonical
from petitions.consent import CURRENT_CONSENT_VERSION
from petitions.models import (
    CountryCount,
    Petition,
    PetitionCounter,
    RateLimitHit,
    Signature,
)
from petitions.moderation import signatures_delete
from petitions.tasks import confirmation_email_send

logger = logging.getLogger(__name__)

# How many new signatures one refresh counts at most; the next refresh takes the rest.
REFRESH_BATCH = 50_000


class SignOutcome(StrEnum):
    CREATED = "created"
    ALREADY_PENDING = "already-pending"  # signed before, not confirmed yet: email sent again
    ALREADY_SIGNED = "already-signed"


@dataclass(frozen=True)
class SignResult:
    signature: Signature
    outcome: SignOutcome


def confirmation_email_enqueue(*, signature_id: int) -> None:
    """Queue the confirmation email once the signature is committed, not before."""
    transaction.on_commit(lambda: confirmation_email_send.enqueue(signature_id))


def signature_create(
    *,
    petition: Petition,
    name: str,
    email: str,
    country: str = "",
    postcode: str = "",
    consent_to_contact: bool = False,
    show_name_publicly: bool = False,
    ip_hash: str | None = None,
    consent_text_version: str = CURRENT_CONSENT_VERSION,
) -> SignResult:
    """Sign a petition once per canonical email; a second signing is answered, never counted."""
    canonical = email_canonical(email)
    # Outside a transaction the single INSERT is atomic on its own; a BEGIN/COMMIT pair around
    # it would add two round trips to every signature. Inside one, a savepoint keeps the
    # caller's transaction usable after a duplicate.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            signature = Signature.objects.create(
                petition=petition,
                name=name.strip(),
                email=email.strip(),
                email_canonical=canonical,
                country=country,
                postcode=postcode.strip(),
                consent_to_contact=consent_to_contact,
                consent_text_version=consent_text_version if consent_to_contact else "",
                show_name_publicly=show_name_publicly,
                ip_hash=ip_hash,
            )
    except IntegrityError:
        # The unique constraint on (petition, email_canonical) is the truth: two requests
        # racing with one address both get here or one does, never two rows.
        existing = Signature.objects.filter(petition=petition, email_canonical=canonical).first()
        if existing is None:  # the other row was withdrawn meanwhile; not a duplicate
            raise
        if existing.confirmed_at is None and existing.invalidated_at is None:
            confirmation_email_enqueue(signature_id=existing.pk)
            return SignResult(existing, SignOutcome.ALREADY_PENDING)
        return SignResult(existing, SignOutcome.ALREADY_SIGNED)
    confirmation_email_enqueue(signature_id=signature.pk)
    return SignResult(signature, SignOutcome.CREATED)


def signature_confirm(*, signature_id: int) -> Signature | None:
    """Confirm a signature; confirming again changes nothing. None if it no longer exists."""
    Signature.objects.filter(pk=signature_id, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )
    return Signature.objects.select_related("petition__appeal").filter(pk=signature_id).first()


@transaction.atomic
def signature_withdraw(*, signature_id: int) -> bool:
    """Delete a signature at its signer's request, taking it off the count. False if gone."""
    # The same path as an organiser's deletion: the row is locked, taken off the counters if it
    # was counted, then deleted, all in this transaction.
    return signatures_delete(queryset=Signature.objects.filter(pk=signature_id)) > 0


def counter_for(*, petition: Petition) -> PetitionCounter:
    """The petition's counter row, created (and filled) the first time it is asked for."""
    try:
        return petition.counter
    except PetitionCounter.DoesNotExist:
        counter, created = PetitionCounter.objects.get_or_create(
            petition=petition, defaults={"refreshed_at": timezone.now() - timedelta(days=1)}
        )
        petition.counter = counter
        return counter


_MARK_AND_COUNT_SQL = """
WITH marked AS (
    UPDATE petitions_signature SET is_counted = true
    WHERE id IN (
        SELECT id FROM petitions_signature
        WHERE petition_id = %(petition)s AND NOT is_counted AND invalidated_at IS NULL
          AND (confirmed_at IS NOT NULL OR %(on_signing)s)
        ORDER BY id
        LIMIT %(batch)s
        FOR UPDATE SKIP LOCKED
    )
    RETURNING country
), by_country AS (
    INSERT INTO petitions_countrycount (petition_id, country, count)
    SELECT %(petition)s, country, count(*) FROM marked GROUP BY country
    ON CONFLICT (petition_id, country)
    DO UPDATE SET count = petitions_countrycount.count + excluded.count
    RETURNING 1
)
UPDATE petitions_petitioncounter
SET count = count + (SELECT count(*) FROM marked), refreshed_at = now()
WHERE petition_id = %(petition)s
RETURNING count, refreshed_at, (SELECT count(*) FROM marked), (SELECT count(*) FROM by_country)
"""


def _mark_and_count(*, petition: Petition, batch: int = REFRESH_BATCH) -> tuple[int, datetime, int]:
    """One statement: flag up to `batch` new countable rows and add them to the counters."""
    if connection.vendor != "postgresql":
        return _mark_and_count_portable(petition=petition, batch=batch)
    with connection.cursor() as cursor:
        cursor.execute(
            _MARK_AND_COUNT_SQL,
            {"petition": petition.pk, "on_signing": petition.count_on_signing, "batch": batch},
        )
        count, refreshed_at, added, _ = cursor.fetchone()
    return count, refreshed_at, added


def _mark_and_count_portable(*, petition: Petition, batch: int) -> tuple[int, datetime, int]:
    """The same in several ORM statements, for the SQLite of a development machine (SQLite
    runs one writer at a time, so there is no concurrency to be careful about there)."""
    countable = Signature.objects.filter(
        petition=petition, is_counted=False, invalidated_at__isnull=True
    )
    if not petition.count_on_signing:
        countable = countable.filter(confirmed_at__isnull=False)
    ids = list(countable.order_by("id").values_list("id", flat=True)[:batch])
    rows = Signature.objects.filter(pk__in=ids)
    by_country = dict(rows.values_list("country").annotate(n=Count("id")).order_by())
    rows.update(is_counted=True)
    for country, number in by_country.items():
        country_count, _ = CountryCount.objects.get_or_create(petition=petition, country=country)
        CountryCount.objects.filter(pk=country_count.pk).update(count=F("count") + number)
    now = timezone.now()
    PetitionCounter.objects.filter(petition=petition).update(
        count=F("count") + len(ids), refreshed_at=now
    )
    count = PetitionCounter.objects.values_list("count", flat=True).get(petition=petition)
    return count, now, len(ids)


def counter_refresh(*, petition: Petition, force: bool = False) -> PetitionCounter | None:
    """Count the signatures that became countable since the last refresh.

    Runs at most once per PETITION_COUNT_REFRESH_SECONDS per petition (unless `force`), and
    only in one request at a time: the counter row is taken with FOR UPDATE SKIP LOCKED, so
    while one request refreshes, the others read the count as it was a moment ago instead of
    waiting. Returns the refreshed counter, or None when there was nothing to do here.
    """
    counter_for(petition=petition)
    stale_after = timedelta(seconds=0 if force else settings.PETITION_COUNT_REFRESH_SECONDS)
    with transaction.atomic():
        locked = (
            PetitionCounter.objects.select_for_update(skip_locked=True)
            .filter(petition=petition, refreshed_at__lte=timezone.now() - stale_after)
            .first()
        )
        if locked is None:
            return None
        count, refreshed_at, _added = _mark_and_count(petition=petition)
    locked.count, locked.refreshed_at = count, refreshed_at
    petition.counter = locked
    return locked


def counter_read(*, petition: Petition) -> PetitionCounter:
    """The counter for a page or count.json: refreshed first if it is older than allowed.

    No COUNT(*): a fresh counter costs nothing beyond the row loaded with the petition; a stale
    one costs one statement proportional to the signatures since the last refresh.
    """
    counter = counter_for(petition=petition)
    age = timezone.now() - counter.refreshed_at
    if age.total_seconds() >= settings.PETITION_COUNT_REFRESH_SECONDS:
        counter = counter_refresh(petition=petition) or counter
    return counter


@dataclass
class ReconcileResult:
    petition: Petition
    count_before: int
    count_after: int
    newly_counted: int
    countries_changed: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.count_before + self.newly_counted != self.count_after or bool(
            self.countries_changed
        )


@transaction.atomic
def counts_reconcile(*, petition: Petition) -> ReconcileResult:
    """Recount a petition from its signature rows and repair the counters if they drifted.

    Drift can only come from outside the services (a row deleted by hand, SQL run by an
    operator); this is the check that it has not happened, and the repair if it has.
    """
    counter_for(petition=petition)
    counter = PetitionCounter.objects.select_for_update().get(petition=petition)
    before = counter.count
    newly_counted = 0
    while True:
        _count, _at, added = _mark_and_count(petition=petition)
        newly_counted += added
        if added < REFRESH_BATCH:
            break
    true_count = Signature.objects.filter(petition=petition, is_counted=True).count()
    PetitionCounter.objects.filter(petition=petition).update(
        count=true_count, refreshed_at=timezone.now()
    )
    true_countries = dict(
        Signature.objects.filter(petition=petition, is_counted=True)
        .values_list("country")
        .annotate(n=Count("id"))
        .order_by()
    )
    stored = dict(CountryCount.objects.filter(petition=petition).values_list("country", "count"))
    # Counts as they were before this reconcile's own refresh added to them.
    changed: dict[str, tuple[int, int]] = {}
    for country in sorted(set(true_countries) | set(stored)):
        now_stored, truth = stored.get(country, 0), true_countries.get(country, 0)
        if now_stored != truth:
            changed[country] = (now_stored, truth)
            CountryCount.objects.update_or_create(
                petition=petition, country=country, defaults={"count": truth}
            )
    return ReconcileResult(
        petition=petition,
        count_before=before,
        count_after=true_count,
        newly_counted=newly_counted,
        countries_changed=changed,
    )


@dataclass(frozen=True)
class PurgeResult:
    unconfirmed_deleted: int
    ip_hashes_cleared: int
    rate_limit_rows_deleted: int


def signatures_purge(*, now: datetime | None = None) -> PurgeResult:
    """Delete unconfirmed signatures past expiry, and IP hashes older than 30 days."""
    now = now or timezone.now()
    expiry = now - timedelta(days=settings.PETITION_CONFIRMATION_DAYS)
    # A row already counted (petition counting on signing) stays: the count never goes back.
    deleted, _ = Signature.objects.filter(
        confirmed_at__isnull=True, is_counted=False, created_at__lt=expiry
    ).delete()
    cleared = Signature.objects.filter(
        ip_hash__isnull=False, created_at__lt=now - timedelta(days=30)
    ).update(ip_hash=None)
    rate_rows, _ = RateLimitHit.objects.filter(window_start__lt=now - timedelta(days=1)).delete()
    return PurgeResult(
        unconfirmed_deleted=deleted, ip_hashes_cleared=cleared, rate_limit_rows_deleted=rate_rows
    )
