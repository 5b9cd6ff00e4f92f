"""Reading letters and recipients for pages."""

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from letters.models import Letter, LetterTemplate, Recipient

SENT_TOTAL_CACHE_KEY = "letters:sent-total"


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


def letters_per_recipient() -> QuerySet:
    """Letters sent per recipient name and address, most written-to first."""
    return (
        Letter.objects.values("recipient_name", "recipient_email")
        .annotate(
            sent=Count("pk", filter=Q(status__in=Letter.SENT_STATUSES)),
            delivered=Count("pk", filter=Q(status=Letter.Status.DELIVERED)),
            total=Count("pk"),
        )
        .order_by("-sent", "recipient_name")
    )
