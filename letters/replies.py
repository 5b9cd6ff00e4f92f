"""“Did they reply?”: one question to the sender two weeks after delivery, one more after “not yet”.

The question is an email with three signed links (yes, no, not yet); one click records the
answer, with no account. The first answer stands unless the sender changes it from a link of the
same email; "not yet" earns one more question LETTERS_REPLY_ASK_AGAIN_DAYS (7) later, and none
after that. `reply_asks_send` is run by a scheduler (the task `reply_asks_send_task` or
`manage.py ask_about_replies`).
"""

import enum
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation

from campaign.lib.emails import email_build
from campaign.selectors import campaign_name
from letters.models import Letter, ReplyCheck
from letters.tokens import reply_token_make

logger = logging.getLogger(__name__)

# Letters delivered longer ago than this before their first question are not asked at all: a
# scheduler that was off for months does not send questions about old letters.
ASK_WINDOW = timedelta(days=30)
ANSWERS = tuple(ReplyCheck.Answer.values)


@dataclass
class ReplyAskResult:
    asked: int = 0  # first questions sent
    asked_again: int = 0  # second questions, after "not yet"
    failed: int = 0  # emails the provider refused; tried again next run


def reply_asks_due(*, now: datetime) -> list[int]:
    """Letters whose sender should be asked now: first questions and second ones."""
    ask_days = timedelta(days=settings.LETTERS_REPLY_ASK_DAYS)
    delivered = Coalesce("delivered_at", "sent_at")
    first = (
        Letter.objects.filter(status__in=[Letter.Status.SENT, Letter.Status.DELIVERED])
        .alias(delivered=delivered)
        .filter(delivered__lte=now - ask_days, delivered__gt=now - ask_days - ASK_WINDOW)
        .filter(Q(reply_check__isnull=True) | Q(reply_check__asks=0))
    )
    again = Letter.objects.filter(
        reply_check__asks=1,
        reply_check__answer=ReplyCheck.Answer.NOT_YET,
        reply_check__answered_at__lte=now - timedelta(days=settings.LETTERS_REPLY_ASK_AGAIN_DAYS),
    )
    ids = set(first.values_list("pk", flat=True)) | set(again.values_list("pk", flat=True))
    return sorted(ids)


def ask_is_due(*, letter: Letter, check: ReplyCheck, now: datetime) -> bool:
    """The same conditions as reply_asks_due, for one locked letter."""
    if check.asks == 0:
        delivered = letter.delivered_at or letter.sent_at
        ask_days = timedelta(days=settings.LETTERS_REPLY_ASK_DAYS)
        return (
            letter.status in (Letter.Status.SENT, Letter.Status.DELIVERED)
            and delivered is not None
            and now - ask_days - ASK_WINDOW < delivered <= now - ask_days
        )
    return (
        check.asks == 1
        and check.answer == ReplyCheck.Answer.NOT_YET
        and check.answered_at is not None
        and check.answered_at <= now - timedelta(days=settings.LETTERS_REPLY_ASK_AGAIN_DAYS)
    )


def reply_ask_email_build(*, letter: Letter, ask: int) -> EmailMultiAlternatives:
    """The question, in the language the supporter wrote in: three one-click links."""
    with translation.override(letter.language):
        return _reply_ask_email_build(letter=letter, ask=ask)


def _reply_ask_email_build(*, letter: Letter, ask: int) -> EmailMultiAlternatives:
    # The links too: a link in the email opens the site in the supporter's language.

    def link(answer: str) -> str:
        token = reply_token_make(letter_id=letter.pk, ask=ask, answer=answer)
        site_url: str = settings.SITE_URL
        return site_url + reverse("letters:reply", kwargs={"token": token})

    context = {
        "letter": letter,
        "ask": ask,
        "sent_on": letter.delivered_at or letter.sent_at,
        "yes_url": link(ReplyCheck.Answer.YES),
        "no_url": link(ReplyCheck.Answer.NO),
        "not_yet_url": link(ReplyCheck.Answer.NOT_YET),
        "campaign_name": campaign_name(),
        "link_days": settings.LETTERS_REPLY_LINK_DAYS,
    }
    return email_build(name="letter-reply-ask", context=context, to=[letter.sender_email])


def reply_asks_send(*, now: datetime | None = None) -> ReplyAskResult:
    """Send every question that is due; a letter is asked at most twice, ever."""
    now = now or timezone.now()
    result = ReplyAskResult()
    for letter_id in reply_asks_due(now=now):
        with transaction.atomic():
            # The letter's row lock: two schedulers running at once ask once.
            letter = Letter.objects.select_for_update(skip_locked=True).filter(pk=letter_id).first()
            if letter is None:
                continue
            check, _ = ReplyCheck.objects.get_or_create(letter=letter)
            if not ask_is_due(letter=letter, check=check, now=now):
                continue  # answered or asked by another run meanwhile
            ask = check.asks + 1
            try:
                reply_ask_email_build(letter=letter, ask=ask).send()
            except Exception as error:  # noqa: BLE001 - any provider failure: try next run
                logger.warning("Reply question for letter %s not sent: %s", letter_id, error)
                result.failed += 1
                continue
            check.asks = ask
            check.last_asked_at = now
            check.save(update_fields=["asks", "last_asked_at"])
        if ask == 1:
            result.asked += 1
        else:
            result.asked_again += 1
    return result


@task(queue_name="email")
def reply_asks_send_task() -> dict[str, Any]:
    """reply_asks_send for a scheduler."""
    return asdict(reply_asks_send())


class ReplyOutcome(enum.Enum):
    RECORDED = "recorded"  # the first answer
    CHANGED = "changed"  # a different answer from a link of the same email
    SAME = "same"  # this link was used before: nothing changes
    STANDS = "stands"  # an answer from another email stands
    GONE = "gone"  # no such letter, or no question was sent for it


@dataclass(frozen=True)
class ReplyRecord:
    outcome: ReplyOutcome
    answer: str = ""
    letter: Letter | None = None


@transaction.atomic
def reply_record(
    *, letter_id: int, ask: int, answer: str, now: datetime | None = None
) -> ReplyRecord:
    """Record the sender's answer from a link of question `ask`."""
    if answer not in ANSWERS:
        return ReplyRecord(ReplyOutcome.GONE)
    check = (
        ReplyCheck.objects.select_for_update()
        .select_related("letter")
        .filter(letter_id=letter_id)
        .first()
    )
    if check is None or not 1 <= ask <= check.asks:
        return ReplyRecord(ReplyOutcome.GONE)
    if check.answer:
        if check.answered_ask == ask and check.answer == answer:
            return ReplyRecord(ReplyOutcome.SAME, check.answer, check.letter)
        # "Not yet" is the one answer a later question may follow up on.
        follow_up = check.answer == ReplyCheck.Answer.NOT_YET and ask > (check.answered_ask or 0)
        if check.answered_ask != ask and not follow_up:
            return ReplyRecord(ReplyOutcome.STANDS, check.answer, check.letter)
        outcome = ReplyOutcome.RECORDED if follow_up else ReplyOutcome.CHANGED
    else:
        outcome = ReplyOutcome.RECORDED
    check.answer = answer
    check.answered_ask = ask
    check.answered_at = now or timezone.now()
    check.save(update_fields=["answer", "answered_ask", "answered_at"])
    return ReplyRecord(outcome, answer, check.letter)
