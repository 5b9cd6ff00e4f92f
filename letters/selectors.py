"""Reading letters and recipients for pages."""

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.core.cache import cache
from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from letters.models import (
    Letter,
    LetterTemplate,
    PendingLetterConfirmation,
    Recipient,
    ReplyCheck,
)

SENT_TOTAL_CACHE_KEY = "letters:sent-total"

# (recipient name, letters in each status in the order of Letter.Status, letters in all)
type LetterRow = tuple[str, list[int], int]


def recipient_search(*, query: str, limit: int = 20) -> QuerySet[Recipient]:
    """Active recipients whose name, title, organisation or constituency contains the query.

    The `contains` lookup on `search_text` uses its trigram index (Recipient.Meta.indexes).
    """
    words = query.lower().split()[:5]
    recipients = Recipient.objects.filter(is_active=True)
    for word in words:
        recipients = recipients.filter(search_text__contains=word)
    return recipients.order_by("name")[:limit]


def template_default(*, language: str = "") -> LetterTemplate | None:
    """The first letter, in its original language.

    A letter is in its recipient's language, not the supporter's interface's: a supporter
    reading the site in Azerbaijani writes to a British MP in English. The letters page offers
    every translation beside the original, for a French député or a German Abgeordnete
    (`language` is kept for callers; it no longer picks the letter).
    """
    return (
        LetterTemplate.objects.filter(is_active=True, original__isnull=True).order_by("pk").first()
    )


def templates_for_choice() -> QuerySet[LetterTemplate]:
    """Every active letter, each translation right after its original."""
    return (
        LetterTemplate.objects.filter(is_active=True)
        .select_related("original")
        .order_by(Coalesce("original_id", "id"), F("original_id").asc(nulls_first=True), "language")
    )


def letters_sent_total() -> int:
    """Letters that went out (sent, delivered or bounced), cached for a minute."""
    total = cache.get_or_set(
        SENT_TOTAL_CACHE_KEY, lambda: Letter.objects.sent().count(), timeout=60
    )
    return int(total or 0)


def letters_by_recipient_and_status() -> tuple[list[tuple[str, str]], list[LetterRow]]:
    """The statuses (value, label), and per recipient its letters in each status and in all."""
    statuses = [(str(value), str(label)) for value, label in Letter.Status.choices]
    rows: dict[str, dict[str, int]] = {}
    # The letter's own copy of the name: a recipient the supporter typed in has no row.
    for recipient, status, n in (
        Letter.objects.values_list("recipient_name", "status").annotate(n=Count("pk")).order_by()
    ):
        rows.setdefault(recipient or "(none)", {})[status] = n
    table = sorted(
        (
            (name, [by_status.get(value, 0) for value, _ in statuses], sum(by_status.values()))
            for name, by_status in rows.items()
        ),
        key=lambda row: (-row[2], row[0]),
    )
    return statuses, table


def recipients_without_route_count() -> int:
    """Active recipients a letter cannot reach (no email, contact form or postal address)."""
    return Recipient.objects.filter(is_active=True).without_route().count()


@dataclass(frozen=True)
class LetterOutboxStatus:
    letters_waiting: int  # queued letters: due, retrying, or waiting for the recipient's next hour
    confirmations_waiting: int  # letter confirmation emails still to be sent
    overdue: int  # of both, due for longer than the given time: no worker is sending


def letter_outbox_status(*, overdue_after: datetime.timedelta) -> LetterOutboxStatus:
    """What the two letter outboxes hold, and how much of it is overdue (two queries)."""
    late = timezone.now() - overdue_after
    letters = Letter.objects.filter(status=Letter.Status.QUEUED).aggregate(
        waiting=Count("pk"), overdue=Count("pk", filter=Q(send_after__lt=late))
    )
    confirmations = PendingLetterConfirmation.objects.aggregate(
        waiting=Count("pk"), overdue=Count("pk", filter=Q(send_after__lt=late))
    )
    return LetterOutboxStatus(
        letters_waiting=letters["waiting"],
        confirmations_waiting=confirmations["waiting"],
        overdue=letters["overdue"] + confirmations["overdue"],
    )


@dataclass(frozen=True)
class ReplyRate:
    """Answers to "did they reply?" for one recipient or one kind of recipient."""

    name: str
    kind: str
    asked: int  # letters whose sender was asked
    answered: int
    replied: int
    no_reply: int
    not_yet: int

    @property
    def percent(self) -> int | None:
        """Replied, of the letters with a yes or no answer; None before any."""
        decided = self.replied + self.no_reply
        return round(self.replied * 100 / decided) if decided else None


REPLY_COUNTS = {
    "asked": Count("pk"),
    "answered": Count("pk", filter=~Q(answer="")),
    "replied": Count("pk", filter=Q(answer=ReplyCheck.Answer.YES)),
    "no_reply": Count("pk", filter=Q(answer=ReplyCheck.Answer.NO)),
    "not_yet": Count("pk", filter=Q(answer=ReplyCheck.Answer.NOT_YET)),
}
TYPED_IN = "typed in by the supporter"


def reply_rates_by_recipient() -> list[ReplyRate]:
    """Per recipient (the letter's own copy of the name), most asked first."""
    kinds = dict(Recipient.Kind.choices)
    # The plugin does not see the names of the counts annotated from REPLY_COUNTS.
    rows = cast(
        "QuerySet[ReplyCheck, dict[str, Any]]",
        ReplyCheck.objects.filter(asks__gt=0)
        .values("letter__recipient_name", "letter__recipient__kind")
        .annotate(**REPLY_COUNTS)
        .order_by("-asked", "letter__recipient_name"),  # type: ignore[misc]
    )
    return [
        ReplyRate(
            name=row.pop("letter__recipient_name"),
            kind=str(kinds.get(row.pop("letter__recipient__kind"), TYPED_IN)),
            **row,
        )
        for row in rows
    ]


def reply_rates_by_kind() -> list[ReplyRate]:
    """Per kind of recipient (members of parliament, media, …)."""
    kinds = dict(Recipient.Kind.choices)
    # The plugin does not see the names of the counts annotated from REPLY_COUNTS.
    rows = cast(
        "QuerySet[ReplyCheck, dict[str, Any]]",
        ReplyCheck.objects.filter(asks__gt=0)
        .values("letter__recipient__kind")
        .annotate(**REPLY_COUNTS)
        .order_by("-asked"),  # type: ignore[misc]
    )
    rates = []
    for row in rows:
        kind = str(kinds.get(row.pop("letter__recipient__kind"), TYPED_IN))
        rates.append(ReplyRate(name=kind, kind=kind, **row))
    return rates


def identical_copies_count(*, recipient: Recipient, template: LetterTemplate) -> int:
    """Letters to this recipient from this template that went out with no word changed."""
    return Letter.objects.filter(
        recipient=recipient,
        template=template,
        personalised=False,
        status__in=[Letter.Status.QUEUED, *Letter.SENT_STATUSES],
    ).count()


def letter_oldest_queued() -> datetime.datetime | None:
    """When the queued letter that has waited longest for the worker became due."""
    oldest: datetime.datetime | None = Letter.objects.filter(
        status=Letter.Status.QUEUED, send_after__lte=timezone.now()
    ).aggregate(oldest=Min("send_after"))["oldest"]
    return oldest
