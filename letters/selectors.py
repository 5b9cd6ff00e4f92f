"""Reading letters and recipients for pages."""

from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from letters.models import Letter, LetterTemplate, Recipient

SENT_TOTAL_CACHE_KEY = "letters:sent-total"

# (recipient name, letters in each status in the order of Letter.Status, letters in all)
type LetterRow = tuple[str, list[int], int]


def recipient_search(*, query: str, limit: int = 20) -> QuerySet[Recipient]:
    """Active recipients whose name, title, organisation or constituency contains the query.

    On PostgreSQL the `contains` lookup on `search_text` uses its trigram index (migration 0003).
    """
    words = query.lower().split()[:5]
    recipients = Recipient.objects.filter(is_active=True)
    for word in words:
        recipients = recipients.filter(search_text__contains=word)
    return recipients.order_by("name")[:limit]


def template_default() -> LetterTemplate | None:
    return LetterTemplate.objects.filter(is_active=True).order_by("pk").first()


def letters_sent_total() -> int:
    """Letters that went out (sent, delivered or bounced), cached for a minute."""
    return cache.get_or_set(SENT_TOTAL_CACHE_KEY, lambda: Letter.objects.sent().count(), timeout=60)


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


def letter_oldest_queued() -> datetime | None:
    """When the queued letter that has waited longest for the worker became due."""
    return Letter.objects.filter(
        status=Letter.Status.QUEUED, send_after__lte=timezone.now()
    ).aggregate(oldest=Min("send_after"))["oldest"]
