"""Writing, confirming, sending and tracking letters; importing recipients."""

import contextlib
import csv
import io
import logging
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.core.mail.backends.base import BaseEmailBackend
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.tasks import Task, task
from django.utils import timezone, translation
from django.utils.text import slugify

from campaign.lib.canonical import email_canonical
from campaign.lib.emails import email_build, email_build_filled
from campaign.lib.logs import request_id_bound, request_id_current
from campaign.lib.outbox import outbox_drain
from campaign.lib.pagecache import page_cache_clear
from campaign.lib.ratelimit import Rate, rate_limit_hit, rate_parse
from campaign.lib.tokens import token_path
from campaign.selectors import campaign_name
from letters.filling import FilledLetter, fill_letter, multi_line, single_line
from letters.models import (
    AllowedDomain,
    Letter,
    LetterTemplate,
    LetterTemplateVersion,
    PendingLetterConfirmation,
    Recipient,
    RecipientHourlyCount,
)
from letters.relay import domain_allowed
from letters.tokens import confirm_token_make, status_token_make

logger = logging.getLogger(__name__)

# Minutes to wait before sending a letter's attempt 2, 3, 4, …; the last value repeats. After
# LETTERS_MAX_ATTEMPTS the letter is marked failed.
BACKOFF_MINUTES = (1, 5, 30, 120, 360)
DAY_SECONDS = 24 * 60 * 60


class LetterLimitExceeded(Exception):
    """Too many letters from this sender or address for now."""


@dataclass(frozen=True)
class LetterDraft:
    """What the supporter wrote, before it is a letter in the database."""

    template: LetterTemplate
    recipient: Recipient | None
    recipient_name: str
    recipient_title: str
    recipient_email: str
    sender_name: str
    sender_email: str
    sender_address: str = ""
    sender_postcode: str = ""
    personal_paragraph: str = ""
    copy_to_sender: bool = False
    # The interface language the supporter writes in (emails to them are in it).
    language: str = field(default_factory=lambda: settings.LANGUAGE_CODE)


def letter_values(*, draft: LetterDraft, today: datetime | None = None) -> dict[str, str]:
    """The values for the template's places, from the draft."""
    recipient = draft.recipient
    return {
        "recipient_name": draft.recipient_name,
        "recipient_title": draft.recipient_title,
        "recipient_organisation": recipient.organisation if recipient else "",
        "recipient_constituency": recipient.constituency if recipient else "",
        "sender_name": draft.sender_name,
        "sender_address": draft.sender_address,
        "sender_postcode": draft.sender_postcode,
        "sender_email": draft.sender_email,
        "date": f"{(today or timezone.localdate()):%-d %B %Y}",
    }


def sign_off(template_body: str) -> str:
    """The template's closing line ("My best regards,", "Mit freundlichen Grüßen"): the
    paragraph just before the signature block ({sender_name}), in whatever language."""
    end = template_body.find("\n\n{sender_name}")
    if end < 0:
        return "My best regards,"
    start = template_body.rfind("\n\n", 0, end)
    return template_body[start + 2 : end].strip() if start >= 0 else "My best regards,"


def letter_fill(*, draft: LetterDraft) -> FilledLetter:
    """The filled letter, with the supporter's own paragraph placed before the sign-off."""
    filled = fill_letter(
        subject=draft.template.subject, body=draft.template.body, values=letter_values(draft=draft)
    )
    paragraph = draft.personal_paragraph.strip()
    if not paragraph:
        return filled
    marker = "\n" + sign_off(draft.template.body)
    body = filled.body
    if marker in body:
        before, after = body.rsplit(marker, 1)
        body = f"{before.rstrip()}\n\n{paragraph}\n{marker}{after}"
    else:
        body = f"{body.rstrip()}\n\n{paragraph}"
    return FilledLetter(subject=filled.subject, body=body)


def letter_limits_check(*, sender_email: str, ip_hash: str) -> None:
    """Raise LetterLimitExceeded when this address or sender has written too much for now."""
    canonical = email_canonical(sender_email)
    if not rate_limit_hit(
        key=f"letter-ip:{ip_hash}", rates=[rate_parse(settings.LETTERS_RATE_PER_IP)]
    ):
        raise LetterLimitExceeded
    if not rate_limit_hit(
        key=f"letter-sender:{canonical}", rates=[rate_parse(settings.LETTERS_RATE_PER_SENDER)]
    ):
        raise LetterLimitExceeded
    # Every submission counts, a repeat of a letter already written included: a repeat sends
    # its confirmation email again, so it is as much a use of the sender's mailbox as a new one.
    daily = settings.LETTERS_DAILY_CAP_PER_SENDER
    if daily > 0 and not rate_limit_hit(
        key=f"letter-sender-day:{canonical}", rates=[Rate(daily, DAY_SECONDS)]
    ):
        raise LetterLimitExceeded


def letter_core_text(*, draft: LetterDraft) -> str:
    """The campaign's own text of the letter: the template filled for this draft, without the
    supporter's paragraph."""
    return letter_fill(draft=replace(draft, personal_paragraph="")).body


def letter_personalised(*, draft: LetterDraft, body: str) -> bool:
    """Whether the sender changed a word of the template's letter (their paragraph counts)."""
    unchanged = letter_core_text(draft=draft)
    return " ".join(body.split()) != " ".join(unchanged.split())


def letter_site_may_send(*, draft: LetterDraft) -> bool:
    """Whether the site may email this letter: a directory recipient with an address, or a
    typed-in address on an allowed domain (letters/relay.py says why)."""
    if not draft.recipient_email:
        return False
    if draft.recipient is not None:
        return True
    domains = AllowedDomain.objects.values_list("domain", flat=True)
    return domain_allowed(draft.recipient_email, domains)


def letter_create(
    *, draft: LetterDraft, subject: str, body: str, ip_hash: str
) -> tuple[Letter, bool]:
    """Save a letter awaiting its sender's confirmation and send the confirmation email.

    Returns (letter, created). If this sender already wrote to this recipient with this
    template, nothing new is saved: the existing letter is returned (and its confirmation sent
    again while it still awaits one).
    """
    sender_canonical = email_canonical(draft.sender_email)
    recipient_email = draft.recipient.email if draft.recipient else draft.recipient_email
    letter = Letter(
        template=draft.template,
        template_version=draft.template.version,
        recipient=draft.recipient,
        recipient_name=single_line(draft.recipient_name),
        recipient_title=single_line(draft.recipient_title),
        recipient_email=recipient_email,
        recipient_email_canonical=email_canonical(recipient_email) if recipient_email else "",
        sender_name=single_line(draft.sender_name),
        sender_email=draft.sender_email.strip(),
        sender_email_canonical=sender_canonical,
        sender_address=draft.sender_address.strip(),
        sender_postcode=single_line(draft.sender_postcode),
        copy_to_sender=draft.copy_to_sender,
        language=draft.language,
        subject=single_line(subject),
        body=body.replace("\r\n", "\n").strip(),
        personalised=letter_personalised(draft=draft, body=body),
        ip_hash=ip_hash,
    )
    try:
        with transaction.atomic():
            letter.save()
            # The confirmation email is queued in the letter's own transaction: never lost.
            confirmation_email_enqueue(letter_id=letter.pk)
    except IntegrityError:
        existing = letter_existing(draft=draft, sender_canonical=sender_canonical)
        if existing is None:
            raise
        if existing.status == Letter.Status.AWAITING_CONFIRMATION and confirmation_again_allowed(
            letter=existing
        ):
            confirmation_email_enqueue(letter_id=existing.pk)
        return existing, False
    return letter, True


def confirmation_again_allowed(*, letter: Letter) -> bool:
    """Whether one more confirmation email of this letter may go today (a repeat submission)."""
    limit = settings.LETTERS_CONFIRMATION_EMAILS_PER_DAY
    if limit <= 0:
        return True
    # The first email went when the letter was written: repeats get the rest of the day's.
    if limit == 1:
        return False
    return rate_limit_hit(
        key=f"letter-confirm-mail:{letter.pk}", rates=[Rate(limit - 1, DAY_SECONDS)]
    )


@transaction.atomic
def letter_template_revise(*, template: LetterTemplate, subject: str, body: str) -> bool:
    """Publish a revised subject or text: the version before goes to the history, the template
    gets the next version number. False (nothing done) when neither changed."""
    current = LetterTemplate.objects.select_for_update().get(pk=template.pk)
    if (current.subject, current.body) == (subject, body):
        return False
    LetterTemplateVersion.objects.create(
        template=current, version=current.version, subject=current.subject, body=current.body
    )
    LetterTemplate.objects.filter(pk=current.pk).update(
        subject=subject, body=body, version=current.version + 1
    )
    template.subject, template.body, template.version = subject, body, current.version + 1
    return True


def letter_existing(*, draft: LetterDraft, sender_canonical: str) -> Letter | None:
    letters = Letter.objects.filter(
        template=draft.template, sender_email_canonical=sender_canonical
    )
    if draft.recipient:
        return letters.filter(recipient=draft.recipient).first()
    return letters.filter(
        recipient__isnull=True, recipient_email_canonical=email_canonical(draft.recipient_email)
    ).first()


def confirmation_email_enqueue(*, letter_id: int) -> None:
    """Queue (again) the letter's confirmation email in the outbox, and a drain after commit."""
    PendingLetterConfirmation.objects.bulk_create(
        [PendingLetterConfirmation(letter_id=letter_id, request_id=request_id_current())],
        ignore_conflicts=True,
    )
    transaction.on_commit(letter_confirmations_drain_enqueue)


def confirmation_email_build(*, letter: Letter) -> EmailMultiAlternatives:
    """The email that asks the sender to confirm their address before the letter goes out.

    In the language the supporter wrote in, whatever the letter's own language.
    """
    with translation.override(letter.language):
        return _confirmation_email_build(letter)


def _confirmation_email_build(letter: Letter) -> EmailMultiAlternatives:
    name = campaign_name()
    days = settings.LETTERS_CONFIRMATION_DAYS

    def context(values: dict[str, str]) -> dict[str, Any]:
        return {
            "letter": SimpleNamespace(
                sender_name=values["sender_name"],
                recipient_name=values["recipient_name"],
                subject=values["subject"],
            ),
            "confirm_url": values["confirm_url"],
            "status_url": values["status_url"],
            "days": days,
            "campaign_name": name,
        }

    return email_build_filled(
        name="letter-confirm",
        key=(translation.get_language(), name, days, settings.SITE_URL),
        values={
            "sender_name": letter.sender_name,
            "recipient_name": letter.recipient_name,
            "subject": letter.subject,
            "confirm_url": settings.SITE_URL
            + token_path("letters:confirm", confirm_token_make(letter.pk)),
            "status_url": settings.SITE_URL
            + token_path("letters:status", status_token_make(letter.pk)),
        },
        context=context,
        to=[letter.sender_email],
    )


def letter_message_id_make(*, letter_id: int) -> str:
    """A new Message-ID for a letter, in the sending address's domain."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return make_msgid(idstring=f"letter{letter_id}", domain=domain)


def letter_confirm(*, letter_id: int) -> Letter:
    """Confirm the sender's address and queue the letter; confirming again changes nothing."""
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if letter.status != Letter.Status.AWAITING_CONFIRMATION:
            return letter
        letter.status = Letter.Status.QUEUED
        letter.confirmed_at = letter.send_after = timezone.now()
        # Made once, before any attempt, and committed with the queued status: every attempt,
        # including one after a crash, sends the same Message-ID.
        letter.message_id = letter.message_id or letter_message_id_make(letter_id=letter.pk)
        letter.request_id = request_id_current()
        letter.save(
            update_fields=["status", "confirmed_at", "send_after", "message_id", "request_id"]
        )
        PendingLetterConfirmation.objects.filter(letter_id=letter.pk).delete()
        transaction.on_commit(letters_drain_enqueue)
    return letter


def letters_drain_enqueue(*, run_after: datetime | None = None) -> None:
    """Queue a drain of the letters outbox (now, or at run_after)."""
    _drain_enqueue(letters_send, run_after=run_after)


def letter_confirmations_drain_enqueue(*, run_after: datetime | None = None) -> None:
    """Queue a drain of the confirmation-email outbox (now, or at run_after)."""
    _drain_enqueue(letter_confirmations_send, run_after=run_after)


def _drain_enqueue(task: Task[Any, Any], *, run_after: datetime | None) -> None:
    if run_after is not None:
        if not task.get_backend().supports_defer:
            # The immediate backend of a development server cannot wait; draining again at
            # once would only fail again. What is due later stays in the outbox for
            # `manage.py send_letters`.
            logger.warning("No drain queued for %s: this task backend cannot defer.", run_after)
            return
        task = task.using(run_after=run_after)
    task.enqueue()


def letter_message_build(*, letter: Letter) -> EmailMultiAlternatives:
    """The letter as an email: from the campaign on the sender's behalf, replies to the sender.

    In the language of the letter's template, not the language the supporter's interface was in.
    """
    with translation.override(letter.template.language):
        return _letter_message_build(letter)


def _letter_message_build(letter: Letter) -> EmailMultiAlternatives:
    from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    display = single_line(f"{letter.sender_name} via {campaign_name()}")
    context = {"letter": letter, "paragraphs": [p for p in letter.body.split("\n\n") if p.strip()]}
    message = email_build(
        name="letter",
        context=context,
        subject=single_line(letter.subject),
        from_email=formataddr((display, from_address)),
        to=[formataddr((single_line(letter.recipient_name), letter.recipient_email))],
        cc=[letter.sender_email] if letter.copy_to_sender else [],
        reply_to=[formataddr((single_line(letter.sender_name), letter.sender_email))],
        headers={"Message-ID": letter.message_id} if letter.message_id else None,
    )
    # anymail: tags and metadata so webhooks and the ESP's logs identify the letter.
    message.tags = ["letter", letter.template.slug]  # type: ignore[attr-defined]
    message.metadata = {"letter_id": str(letter.pk)}  # type: ignore[attr-defined]
    return message


def recipient_hour_slot_take(*, address: str, now: datetime) -> bool:
    """Count one letter against the recipient's hourly cap; False when the hour is full."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    slot, _ = RecipientHourlyCount.objects.select_for_update().get_or_create(
        recipient_email_canonical=address, hour=hour
    )
    if slot.sent >= settings.LETTERS_PER_RECIPIENT_PER_HOUR:
        return False
    RecipientHourlyCount.objects.filter(pk=slot.pk).update(sent=F("sent") + 1)
    return True


@dataclass(frozen=True)
class OutboxResult:
    sent: int = 0
    not_needed: int = 0
    deferred: int = 0
    retrying: int = 0
    given_up: int = 0


def letters_send_pending() -> OutboxResult:
    """Send every queued letter that is due, one transaction per letter; returns what happened.

    Each letter is taken with FOR UPDATE SKIP LOCKED, so several drains (workers, hosts, the
    safety-net command) never take the same letter nor wait for each other. The letter is sent
    while its row is locked and marked sent in the same transaction, committed at once: a
    process that dies before that commit leaves the letter queued and due, and the next drain
    sends it again with the same Message-ID (the duplicate window: see docs/letters.md).
    """
    totals = dict.fromkeys(("sent", "not_needed", "deferred", "retrying", "given_up"), 0)
    wake_at: datetime | None = None
    while True:
        mailer = mail.mailers.default
        try:
            with transaction.atomic():
                letter = (
                    Letter.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("template")
                    .filter(status=Letter.Status.QUEUED)
                    # A queued letter without a time (queued by hand) is due too: never stranded.
                    .filter(Q(send_after__lte=timezone.now()) | Q(send_after__isnull=True))
                    .order_by(F("send_after").asc(nulls_first=True), "pk")
                    .first()
                )
                if letter is None:
                    break
                with request_id_bound(letter.request_id):
                    outcome = _letter_send_attempt(letter, mailer=mailer)
        finally:
            # Closed after the commit: SMTP's QUIT and its answer stay out of the duplicate
            # window (a failed send gets a fresh connection for the next letter).
            with contextlib.suppress(Exception):
                mailer.close()
        totals[outcome] += 1
        if outcome in ("deferred", "retrying") and letter.send_after is not None:
            wake_at = letter.send_after if wake_at is None else min(wake_at, letter.send_after)
    if wake_at is not None:
        # Nothing else may come along to drain the outbox again: queue the next drain ourselves.
        letters_drain_enqueue(run_after=wake_at)
    return OutboxResult(**totals)


def _letter_send_attempt(letter: Letter, *, mailer: BaseEmailBackend) -> str:
    """Send one locked, queued letter: "sent", "deferred", "retrying" or "given_up".

    The mailer is opened here and left open: the caller closes it after the commit.
    """
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    if not recipient_hour_slot_take(address=letter.recipient_email_canonical, now=now):
        letter.send_after = hour + timedelta(hours=1)
        letter.save(update_fields=["send_after"])
        return "deferred"
    if not letter.message_id:
        letter.message_id = letter_message_id_make(letter_id=letter.pk)
    attempt = letter.attempts + 1
    letter.attempts = attempt
    try:
        message = letter_message_build(letter=letter)
        mailer.open()
        mailer.send_messages([message])
    except Exception as error:  # noqa: BLE001 - any provider failure is retried, then reported
        logger.warning("Letter %s: sending attempt %s failed: %s", letter.pk, attempt, error)
        # Give the hour's slot back: nothing was sent.
        RecipientHourlyCount.objects.filter(
            recipient_email_canonical=letter.recipient_email_canonical, hour=hour
        ).update(sent=F("sent") - 1)
        if attempt >= settings.LETTERS_MAX_ATTEMPTS:
            logger.error("Letter %s: gave up after %s attempts: %s", letter.pk, attempt, error)
            letter.status = Letter.Status.FAILED
            letter.status_reason = f"Not sent after {attempt} attempts: {error}"[:2000]
            letter.save(update_fields=["status", "status_reason", "attempts", "message_id"])
            return "given_up"
        delay = BACKOFF_MINUTES[min(attempt - 1, len(BACKOFF_MINUTES) - 1)]
        letter.send_after = now + timedelta(minutes=delay)
        letter.status_reason = f"Attempt {attempt} failed: {error}"[:2000]
        letter.save(update_fields=["send_after", "status_reason", "attempts", "message_id"])
        return "retrying"
    status = getattr(message, "anymail_status", None)
    # The provider's own id where it gives one (anymail); otherwise (SMTP) our Message-ID.
    letter.esp_message_id = (status.message_id if status else "") or letter.message_id.strip("<>")
    letter.status = Letter.Status.SENT
    letter.status_reason = ""
    letter.sent_at = timezone.now()
    letter.save(
        update_fields=[
            "status",
            "status_reason",
            "esp_message_id",
            "message_id",
            "sent_at",
            "attempts",
        ]
    )
    logger.info("Letter %s sent (attempt %s)", letter.pk, attempt)
    return "sent"


# A confirmation email that failed is tried again after these delays, then given up (logged).
CONFIRMATION_RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=8),
)
CONFIRMATION_BATCH = 50


def letter_confirmations_send_pending(*, batch: int = CONFIRMATION_BATCH) -> OutboxResult:
    """Send every letter confirmation email that is due, in batches; returns what happened.

    As the petition's outbox: batches taken with FOR UPDATE SKIP LOCKED, sent, and deleted in
    the batch's transaction, so a process that dies mid-batch leaves it to be sent again.
    """
    totals, wake_at = outbox_drain(
        rows=lambda: PendingLetterConfirmation.objects.select_related("letter").order_by(
            "send_after", "letter_id"
        ),
        attempt=_letter_confirmation_attempt,
        batch=batch,
        lock_space=2,
    )
    if wake_at is not None:
        letter_confirmations_drain_enqueue(run_after=wake_at)
    return OutboxResult(**totals)


def _letter_confirmation_attempt(pending: PendingLetterConfirmation) -> str:
    """Send one queued confirmation email: "sent", "not_needed", "retrying" or "given_up"."""
    letter = pending.letter
    if letter.status != Letter.Status.AWAITING_CONFIRMATION:
        return "not_needed"
    with request_id_bound(pending.request_id):
        return _letter_confirmation_send(pending, letter)


def _letter_confirmation_send(pending: PendingLetterConfirmation, letter: Letter) -> str:
    try:
        confirmation_email_build(letter=letter).send()
    except Exception:
        logger.exception("The confirmation email of letter %s failed", letter.pk)
        if pending.attempts >= len(CONFIRMATION_RETRY_DELAYS):
            logger.error(
                "Gave up the confirmation email of letter %s after %s attempts",
                letter.pk,
                pending.attempts + 1,
            )
            return "given_up"
        pending.send_after = timezone.now() + CONFIRMATION_RETRY_DELAYS[pending.attempts]
        pending.attempts += 1
        pending.save(update_fields=["send_after", "attempts"])
        return "retrying"
    return "sent"


# Provider events, and the status each moves a letter to. Statuses only move forward.
EVENT_STATUS = {
    "delivered": Letter.Status.DELIVERED,
    "bounced": Letter.Status.BOUNCED,
    "rejected": Letter.Status.BOUNCED,
    "failed": Letter.Status.FAILED,
}
STATUS_RANK = {
    Letter.Status.AWAITING_CONFIRMATION: 0,
    Letter.Status.QUEUED: 1,
    Letter.Status.SENT: 2,
    Letter.Status.DELIVERED: 3,
    Letter.Status.BOUNCED: 4,
    Letter.Status.FAILED: 4,
}


def letter_track(
    *, message_id: str, event_type: str, reason: str = "", when: datetime | None = None
) -> bool:
    """Apply a provider's tracking event to the letter it concerns; True if the status moved."""
    new_status = EVENT_STATUS.get(event_type)
    if not message_id or new_status is None:
        return False
    with transaction.atomic():
        letter = Letter.objects.select_for_update().filter(esp_message_id=message_id).first()
        if letter is None or STATUS_RANK[new_status] <= STATUS_RANK[Letter.Status(letter.status)]:
            return False
        letter.status = new_status
        letter.status_reason = (reason or "")[:2000]
        fields = ["status", "status_reason"]
        if new_status == Letter.Status.DELIVERED:
            letter.delivered_at = when or timezone.now()
            fields.append("delivered_at")
        letter.save(update_fields=fields)
    return True


@dataclass
class PurgeReport:
    unconfirmed_deleted: int = 0
    bodies_removed: int = 0


def letters_purge(*, now: datetime | None = None) -> PurgeReport:
    """Delete unconfirmed letters past their link's life; remove old sent letters' text."""
    now = now or timezone.now()
    report = PurgeReport()
    expired = Letter.objects.filter(
        status=Letter.Status.AWAITING_CONFIRMATION,
        created_at__lt=now - timedelta(days=settings.LETTERS_CONFIRMATION_DAYS),
    )
    report.unconfirmed_deleted, _ = expired.delete()
    report.bodies_removed = Letter.objects.filter(
        sent_at__lt=now - timedelta(days=settings.LETTER_BODY_RETENTION_DAYS),
        body_removed_at__isnull=True,
    ).update(body="", sender_address="", body_removed_at=now)
    return report


CSV_COLUMNS = (
    "slug",
    "name",
    "title",
    "organisation",
    "constituency",
    "country",
    "kind",
    "email",
    "contact_url",
    "postal_address",
    "website",
    "party",
    "postcodes",
)
# Columns a file may leave out: a recipient's value is then kept, not emptied.
CSV_OPTIONAL = ("postal_address", "website", "party", "postcodes")
KIND_NAMES = {value: value for value in Recipient.Kind.values} | {
    label.lower(): value for value, label in Recipient.Kind.choices
}


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.rejected)} rejected"
        )


def recipient_row_clean(*, row: dict[str, str]) -> dict[str, str]:
    """One CSV row as recipient fields; raises ValueError with a reason a person understands."""
    values = {
        column: single_line(row.get(column) or "")
        for column in CSV_COLUMNS
        if column in row or column not in CSV_OPTIONAL
    }
    if "postal_address" in row:
        # An address keeps its lines ("1 High Street\nLondon"), and nothing else unprintable.
        values["postal_address"] = multi_line(row.get("postal_address") or "")
    if not values["name"]:
        raise ValueError("the name is empty")
    kind = KIND_NAMES.get(values["kind"].lower())
    if kind is None:
        raise ValueError(
            f"unknown kind {values['kind']!r} (use one of {', '.join(Recipient.Kind.values)})"
        )
    values["kind"] = kind
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError as error:
            raise ValueError(f"{values['email']!r} is not an email address") from error
    for column in ("contact_url", "website"):
        if values.get(column):
            try:
                URLValidator(schemes=["https", "http"])(values[column])
            except ValidationError as error:
                raise ValueError(f"{values[column]!r} is not a web address") from error
    values["slug"] = slugify(values["slug"] or f"{values['name']} {values['constituency']}")[:150]
    if not values["slug"]:
        raise ValueError("no slug could be made from the name")
    for column, limit in (
        ("name", 200),
        ("title", 200),
        ("organisation", 200),
        ("constituency", 200),
        ("country", 100),
        ("party", 200),
        ("postal_address", 500),
        ("postcodes", 2000),
    ):
        if len(values.get(column, "")) > limit:
            raise ValueError(f"the {column} is longer than {limit} characters")
    return values


@transaction.atomic
def recipients_import_csv(*, text: str) -> ImportReport:
    """Add or update recipients from CSV text; rows that are wrong are reported, not saved.

    Matching is by slug, so importing the same file again changes nothing.
    """
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"name", "kind"} - set(reader.fieldnames or [])
    if missing:
        report.rejected.append((1, f"the header row lacks: {', '.join(sorted(missing))}"))
        return report
    seen: set[str] = set()
    for line_number, row in enumerate(reader, start=2):
        try:
            values = recipient_row_clean(row=row)
        except ValueError as error:
            report.rejected.append((line_number, str(error)))
            continue
        slug = values.pop("slug")
        if slug in seen:
            report.rejected.append(
                (line_number, f"the slug {slug!r} is already on an earlier line")
            )
            continue
        seen.add(slug)
        existing = Recipient.objects.filter(slug=slug).first()
        if existing is None:
            Recipient.objects.create(slug=slug, **values)
            report.added.append(slug)
        elif any(getattr(existing, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(existing, key, value)
            existing.save()
            report.updated.append(slug)
        else:
            report.unchanged.append(slug)
    if report.added or report.updated:
        # The letters start page lists the recipients (from the page cache): show them now.
        transaction.on_commit(page_cache_clear)
    return report


# Tasks for the worker (`manage.py db_worker`). They live beside the services they run, so
# nothing imports in a circle (docs/architecture.md). The drains only say "look now": what is
# to be sent lives in the outbox rows, so a task that died while running only delays a send.


@task(queue_name="email")
def letters_send() -> dict[str, int]:
    """Send every confirmed letter that is due (queued after confirming, or to retry)."""
    return asdict(letters_send_pending())


@task(queue_name="email")
def letter_confirmations_send() -> dict[str, int]:
    """Send every letter confirmation email that is due (queued after writing, or to retry)."""
    return asdict(letter_confirmations_send_pending())
