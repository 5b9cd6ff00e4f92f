"""What happens to petitions and signatures: signing, confirming, withdrawing, counting.

The count design (why a flag per row and a refresher, not a counter updated on every
signature) is explained at the top of petitions/models.py and in docs/petitions.md.
"""

import hashlib
import hmac
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Count
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation

from campaign.lib.canonical import email_canonical
from campaign.lib.debounce import Debounced
from campaign.lib.emails import email_build, email_build_filled
from campaign.lib.logs import request_id_bound, request_id_current
from campaign.lib.outbox import outbox_drain
from campaign.lib.ratelimit import Rate, rate_limit_hit, rate_limits_purge
from campaign.lib.tokens import token_path
from petitions.consent import CURRENT_CONSENT_VERSION
from petitions.models import (
    CountryCount,
    PendingConfirmationEmail,
    Petition,
    PetitionCounter,
    ShareCount,
    Signature,
)
from petitions.moderation import signatures_delete
from petitions.tokens import confirm_token_make, withdraw_token_make

logger = logging.getLogger(__name__)

DAY_SECONDS = 24 * 60 * 60

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


_SIGN_SQL = """
WITH signed AS (
    INSERT INTO petitions_signature (
        petition_id, name, email, email_canonical, country, postcode, consent_to_contact,
        consent_text_version, show_name_publicly, ip_hash, created_at, language, is_counted)
    VALUES (%(petition_id)s, %(name)s, %(email)s, %(email_canonical)s, %(country)s,
        %(postcode)s, %(consent_to_contact)s, %(consent_text_version)s,
        %(show_name_publicly)s, %(ip_hash)s, %(created_at)s, %(language)s, false)
    ON CONFLICT (petition_id, email_canonical) DO NOTHING
    RETURNING id
), queued AS (
    INSERT INTO petitions_pendingconfirmationemail (
        signature_id, queued_at, send_after, attempts, request_id)
    SELECT id, %(created_at)s, %(created_at)s, 0, %(request_id)s FROM signed
)
SELECT id FROM signed
"""


def _signature_insert(values: dict[str, Any]) -> int | None:
    """Insert a signature with its confirmation email queued; None if the mailbox has signed.

    One statement does both, atomic on its own, with no BEGIN/COMMIT round trips and no
    exception for a duplicate: ON CONFLICT waits for a racing insert of the same mailbox to
    commit or roll back, then inserts nothing or inserts.
    """
    with connection.cursor() as cursor:
        cursor.execute(_SIGN_SQL, values | {"request_id": request_id_current()})
        row = cursor.fetchone()
    return row[0] if row else None


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
    language: str = settings.LANGUAGE_CODE,
) -> SignResult:
    """Sign a petition once per canonical email; a second signing is answered, never counted."""
    values = {
        "petition_id": petition.pk,
        "name": name.strip(),
        "email": email.strip(),
        "email_canonical": email_canonical(email),
        "country": country,
        "postcode": postcode.strip(),
        "consent_to_contact": consent_to_contact,
        "consent_text_version": consent_text_version if consent_to_contact else "",
        "show_name_publicly": show_name_publicly,
        "ip_hash": ip_hash,
        "created_at": timezone.now(),
        "language": language,
    }
    # A duplicate is looked up after the insert found it; if that row was withdrawn in between,
    # the mailbox may sign again, so try once more.
    for _ in range(3):
        signature_id = _signature_insert(values)
        if signature_id is not None:
            confirmation_emails_schedule()
            return SignResult(Signature(pk=signature_id, **values), SignOutcome.CREATED)
        existing = Signature.objects.filter(
            petition=petition, email_canonical=values["email_canonical"]
        ).first()
        if existing is None:
            continue
        if existing.invalidated_at is not None:
            return SignResult(existing, SignOutcome.ALREADY_SIGNED)
        if existing.confirmed_at is None:
            confirmation_emails_queue(signature_ids=[existing.pk])
            return SignResult(existing, SignOutcome.ALREADY_PENDING)
        # The mailbox's owner learns that someone signed again with it; the page does not.
        confirmation_emails_queue(
            signature_ids=[existing.pk], kind=PendingConfirmationEmail.Kind.ALREADY_SIGNED
        )
        return SignResult(existing, SignOutcome.ALREADY_SIGNED)
    raise RuntimeError("A signature kept disappearing between its insert and its look-up.")


def confirmation_emails_queue(
    *,
    signature_ids: list[int],
    kind: PendingConfirmationEmail.Kind = PendingConfirmationEmail.Kind.CONFIRM,
) -> None:
    """Queue (again) the confirmation emails of signatures already stored (at most one each)."""
    PendingConfirmationEmail.objects.bulk_create(
        [
            PendingConfirmationEmail(signature_id=pk, kind=kind, request_id=request_id_current())
            for pk in signature_ids
        ],
        ignore_conflicts=True,
    )
    confirmation_emails_schedule()


def confirmation_emails_schedule() -> None:
    """Make sure a drain of the confirmation outbox starts after this moment (or commit).

    About one drain a second per process however many sign (campaign/lib/debounce.py)."""
    _drain.schedule()


def counter_refresh_schedule(*, petition_id: int) -> None:
    """Make sure the petition's counter is refreshed after this confirmation is committed.

    The count shown moves within about a second of a confirmation wherever the site runs: under
    `make run` (the immediate task backend) the refresh runs in the confirming request; in
    production a worker runs it. The scheduler's `refresh_counts` job stays as the safety net.
    """
    _counter_refresh.schedule(petition_id, key=petition_id)


def drain_schedule_forget() -> None:
    """Forget the drains and refreshes this process queued (tests start each case clean)."""
    _drain.forget()
    _counter_refresh.forget()


def confirmation_email_build(*, signature: Signature) -> EmailMessage:
    """The confirmation email for a signature, in the language the supporter signed in."""
    with translation.override(signature.language):
        return _confirmation_email_build(signature)


def _confirmation_email_build(signature: Signature) -> EmailMessage:
    confirm_path = token_path("petitions:confirm", confirm_token_make(signature.pk))
    withdraw_path = token_path("petitions:withdraw", withdraw_token_make(signature.pk))
    petition = signature.petition
    petition_url = settings.SITE_URL + petition.get_absolute_url()
    days = settings.PETITION_CONFIRMATION_DAYS

    def context(values: dict[str, str]) -> dict[str, Any]:
        return {
            "signature": SimpleNamespace(first_name=values["name"]),
            "petition": petition,
            "confirm_url": values["confirm_url"],
            "withdraw_url": values["withdraw_url"],
            "petition_url": petition_url,
            "days": days,
        }

    return email_build_filled(
        name="petition-confirm",
        key=(translation.get_language(), petition.pk, petition.appeal.title, petition_url, days),
        values={
            "name": signature.first_name,
            "confirm_url": settings.SITE_URL + confirm_path,
            "withdraw_url": settings.SITE_URL + withdraw_path,
        },
        context=context,
        to=[signature.email],
    )


def already_signed_email_build(*, signature: Signature) -> EmailMessage:
    """The email telling an address's owner that someone signed again with it."""
    with translation.override(signature.language):
        withdraw_path = reverse(
            "petitions:withdraw", kwargs={"token": withdraw_token_make(signature.pk)}
        )
        context = {
            "signature": signature,
            "petition": signature.petition,
            "withdraw_url": settings.SITE_URL + withdraw_path,
            "petition_url": settings.SITE_URL + signature.petition.get_absolute_url(),
        }
        return email_build(name="petition-already-signed", context=context, to=[signature.email])


def mailbox_daily_key(*, signature: Signature) -> str:
    """The rate-limit key of one mailbox on one petition (a salted hash, not the address)."""
    digest = hmac.new(
        settings.PETITION_IP_SALT.encode(),
        f"mailbox:{signature.email_canonical}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return f"petition-mail:{signature.petition_id}:{digest}"


def mailbox_daily_slot_take(*, signature: Signature) -> bool:
    """Count one email to this mailbox for this petition today; False when today's are used up.

    Counted when an email is first tried, so the count is of emails sent (a failed first try
    keeps its place through its retries). The count lives in the rate-limit table, a leaf lock:
    the drain holds its outbox rows, and moderation's delete, which cascades into those rows,
    never touches it, so no lock-order cycle.
    """
    limit = settings.PETITION_EMAILS_PER_ADDRESS_PER_DAY
    if limit <= 0:
        return True
    return rate_limit_hit(
        key=mailbox_daily_key(signature=signature), rates=[Rate(limit, DAY_SECONDS)]
    )


# A failed send is tried again after these delays, then given up (and logged as an error).
CONFIRMATION_RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=8),
)
CONFIRMATION_BATCH = 50


@dataclass(frozen=True)
class OutboxResult:
    sent: int = 0
    not_needed: int = 0
    retrying: int = 0
    given_up: int = 0
    # Not sent: the mailbox had its PETITION_EMAILS_PER_ADDRESS_PER_DAY for this petition.
    capped: int = 0


def confirmation_emails_send_pending(*, batch: int = CONFIRMATION_BATCH) -> OutboxResult:
    """Send every confirmation email that is due, in batches; returns what happened.

    Batches taken with FOR UPDATE SKIP LOCKED, sent and deleted in the batch's transaction
    (campaign/lib/outbox.py): at least once, never lost.
    """
    totals, next_retry = outbox_drain(
        rows=lambda: PendingConfirmationEmail.objects.select_related(
            "signature__petition__appeal"
        ).order_by("send_after", "signature_id"),
        attempt=_confirmation_email_attempt_logged,
        batch=batch,
        lock_space=1,
    )
    if next_retry is not None and confirmation_emails_send.get_backend().supports_defer:
        # Nothing else may come along to drain the outbox again: queue the retry ourselves.
        confirmation_emails_send.using(run_after=next_retry).enqueue()
    return OutboxResult(**totals)


def _confirmation_email_attempt_logged(pending: PendingConfirmationEmail) -> str:
    """The attempt, its log lines carrying the id of the request that signed."""
    with request_id_bound(pending.request_id):
        return _confirmation_email_attempt(pending)


def _confirmation_email_attempt(pending: PendingConfirmationEmail) -> str:
    """Send one queued email: "sent", "not_needed", "retrying" (rescheduled) or "given_up"."""
    signature = pending.signature
    if pending.kind == PendingConfirmationEmail.Kind.ALREADY_SIGNED:
        needed = signature.confirmed_at is not None and signature.invalidated_at is None
        build = already_signed_email_build
    else:
        needed = signature.confirmed_at is None and signature.invalidated_at is None
        build = confirmation_email_build
    if not needed:
        return "not_needed"
    if pending.attempts == 0 and not mailbox_daily_slot_take(signature=signature):
        logger.info("Signature %s: today's emails to this address are used up", pending.pk)
        return "capped"
    try:
        build(signature=signature).send()
    except Exception:
        logger.exception("The confirmation email of signature %s failed", pending.pk)
        if pending.attempts >= len(CONFIRMATION_RETRY_DELAYS):
            logger.error("Gave up the confirmation email of signature %s", pending.pk)
            return "given_up"
        pending.send_after = timezone.now() + CONFIRMATION_RETRY_DELAYS[pending.attempts]
        pending.attempts += 1
        pending.save(update_fields=["send_after", "attempts"])
        return "retrying"
    logger.info("Sent the confirmation email of signature %s", pending.pk)
    return "sent"


def signature_confirm(*, signature_id: int) -> Signature | None:
    """Confirm a signature; confirming again changes nothing. None if it no longer exists."""
    confirmed = (
        Signature.objects.unconfirmed().filter(pk=signature_id).update(confirmed_at=timezone.now())
    )
    signature = Signature.objects.select_related("petition__appeal").filter(pk=signature_id).first()
    if confirmed and signature is not None:
        counter_refresh_schedule(petition_id=signature.petition_id)
    return signature


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
    with connection.cursor() as cursor:
        cursor.execute(
            _MARK_AND_COUNT_SQL,
            {"petition": petition.pk, "on_signing": petition.count_on_signing, "batch": batch},
        )
        count, refreshed_at, added, _ = cursor.fetchone()
    return count, refreshed_at, added


def counter_refresh(*, petition: Petition, force: bool = False) -> PetitionCounter | None:
    """Count the signatures that became countable since the last refresh.

    The scheduler runs this every PETITION_COUNT_REFRESH_SECONDS (the `refresh_counts` job);
    page views only read the counter. Unless `force`, it does nothing when the counter is
    younger than that. Only one refresh runs at a time: the counter row is taken with FOR
    UPDATE SKIP LOCKED, so a second one returns at once. Returns the refreshed counter, or None
    when there was nothing to do here.
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
    _, by_model = (
        Signature.objects.unconfirmed().filter(is_counted=False, created_at__lt=expiry).delete()
    )
    # delete() also counts the rows it cascaded to (their queued emails): report signatures.
    deleted = by_model.get(Signature._meta.label, 0)
    cleared = Signature.objects.filter(
        ip_hash__isnull=False, created_at__lt=now - timedelta(days=30)
    ).update(ip_hash=None)
    rate_rows = rate_limits_purge(before=now - timedelta(days=1))
    return PurgeResult(
        unconfirmed_deleted=deleted, ip_hashes_cleared=cleared, rate_limit_rows_deleted=rate_rows
    )


def share_count_add(*, petition_id: int, channel: str, event: str) -> None:
    """One more share (or visit from a share) for today: one upsert statement."""
    table = ShareCount._meta.db_table
    sql = (
        f"INSERT INTO {table} (petition_id, day, channel, event, count) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, 1) "
        "ON CONFLICT (petition_id, day, channel, event) "
        f"DO UPDATE SET count = {table}.count + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [petition_id, timezone.localdate(), channel, event])


# Tasks for the worker (`manage.py db_worker`) and the scheduler. They live beside the services
# they run, so nothing imports in a circle (docs/architecture.md).


@task(queue_name="email")
def confirmation_emails_send() -> dict[str, int]:
    """Drain the confirmation outbox: send every email that is due (queued after signing)."""
    return asdict(confirmation_emails_send_pending())


@task()
def counter_refresh_task(petition_id: int) -> bool:
    """Refresh one petition's counter now (queued after a confirmation); False if it is gone."""
    petition = Petition.objects.filter(pk=petition_id).first()
    return petition is not None and counter_refresh(petition=petition, force=True) is not None


@task()
def counts_refresh() -> int:
    """Refresh every petition's counter (the scheduler's `refresh_counts` job; pages only read)."""
    refreshed = 0
    for petition in Petition.objects.all():
        if counter_refresh(petition=petition, force=True) is not None:
            refreshed += 1
    return refreshed


_drain = Debounced(confirmation_emails_send)
_counter_refresh = Debounced(counter_refresh_task)
