"""The organisers' dashboard: the apps' selectors, one per section, and the chart drawn here.

Each section's numbers come from a selector of the app that owns them (petitions/selectors.py,
letters/selectors.py), each a fixed, small number of aggregate queries.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from campaign.charts import Chart, Margin, Point, Series, date_ticks, line_chart
from campaign.lib.countries import COUNTRY_NAMES
from letters.checks import stale_templates
from letters.selectors import (
    LetterOutboxStatus,
    LetterRow,
    ReplyRate,
    letter_outbox_status,
    letters_by_recipient_and_status,
    recipients_without_route_count,
    reply_rates_by_kind,
    reply_rates_by_recipient,
)
from petitions.models import Petition
from petitions.selectors import (
    PetitionNumbers,
    ShareRow,
    confirmation_outbox_status,
    countries_signed,
    petition_numbers,
    shares_by_channel,
    signed_per_day,
)

CHART_DAYS = 30
# A confirmation email due for longer than this means no worker is sending: say so.
OUTBOX_OVERDUE = datetime.timedelta(minutes=5)


@dataclass
class Dashboard:
    today: datetime.date
    petitions: list[PetitionNumbers]
    days: list[datetime.date]
    per_day: dict[int, list[int]]  # petition id -> signed per day, in `days` order
    day_rows: list[tuple[datetime.date, list[int]]]
    chart: Chart | None
    countries: list[tuple[str, str, int]]
    letters_by_recipient: list[LetterRow] = field(default_factory=list)
    letter_statuses: list[tuple[str, str]] = field(default_factory=list)
    emails_waiting: int = 0  # confirmation emails in the outbox, due or waiting for a retry
    emails_overdue: int = 0  # due for longer than OUTBOX_OVERDUE
    oldest_email_queued: datetime.datetime | None = None
    recipients_without_route: int = 0  # active recipients with no email, form or address
    letter_outbox: LetterOutboxStatus | None = None
    replies_by_recipient: list[ReplyRate] = field(default_factory=list)
    replies_by_kind: list[ReplyRate] = field(default_factory=list)
    shares: list[ShareRow] = field(default_factory=list)  # per channel, over CHART_DAYS
    shares_per_client: int = 0  # the daily cap per client and petition: counts are indicative
    # Active letter templates over a year old that speak in relative time: (slug, words).
    stale_templates: list[tuple[str, list[str]]] = field(default_factory=list)


def signatures_chart(
    *, petitions: list[Petition], days: list[datetime.date], per_day: dict[int, list[int]]
) -> Chart | None:
    """Signatures per day, a line per petition."""
    if not petitions:
        return None
    return line_chart(
        [
            Series(
                key=p.slug,
                label=str(p),
                points=[
                    Point(
                        x=day.toordinal(),
                        y=per_day[p.pk][i],
                        title=f"{day:%-d %b}: {per_day[p.pk][i]} signed",
                    )
                    for i, day in enumerate(days)
                ],
            )
            for p in petitions
        ],
        width=520,
        height=220,
        margin=Margin(left=48, right=24),
        x_ticks=date_ticks(days[0], days[-1]),
        label_size=11,
        label_all=False,
    )


def dashboard_read(*, today: datetime.date | None = None) -> Dashboard:
    """Every number the dashboard shows."""
    today = today or timezone.localdate()
    numbers = petition_numbers(today=today)
    petitions = [row.petition for row in numbers]
    days = [today - datetime.timedelta(days=CHART_DAYS - 1 - i) for i in range(CHART_DAYS)]
    per_day = signed_per_day(petitions=petitions, days=days)
    statuses, letters = letters_by_recipient_and_status()
    outbox = confirmation_outbox_status(overdue_after=OUTBOX_OVERDUE)
    return Dashboard(
        today=today,
        petitions=numbers,
        days=days,
        per_day=per_day,
        day_rows=[(day, [per_day[p.pk][i] for p in petitions]) for i, day in enumerate(days)],
        chart=signatures_chart(petitions=petitions, days=days, per_day=per_day),
        countries=[
            (slug, COUNTRY_NAMES.get(code, code) if code else "", count)
            for slug, code, count in countries_signed()
        ],
        letters_by_recipient=letters,
        letter_statuses=statuses,
        emails_waiting=outbox.waiting,
        emails_overdue=outbox.overdue,
        oldest_email_queued=outbox.oldest_queued,
        recipients_without_route=recipients_without_route_count(),
        letter_outbox=letter_outbox_status(overdue_after=OUTBOX_OVERDUE),
        replies_by_recipient=reply_rates_by_recipient(),
        replies_by_kind=reply_rates_by_kind(),
        shares=shares_by_channel(since=days[0]),
        shares_per_client=settings.PETITION_SHARES_PER_CLIENT_PER_DAY,
        stale_templates=stale_templates(),
    )
