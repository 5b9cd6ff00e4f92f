"""The numbers on the organisers' dashboard, in a fixed, small number of queries.

A COUNT over the signatures is acceptable here (a page for a few staff, not for the public);
each number comes from one aggregate query with FILTER clauses on indexed columns.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from campaign.charts import Chart, Margin, Point, Series, date_ticks, line_chart
from petitions.models import CountryCount, PendingConfirmationEmail, Petition, Signature

CHART_DAYS = 30
# A confirmation email due for longer than this means no worker is sending: say so.
OUTBOX_OVERDUE = datetime.timedelta(minutes=5)


@dataclass
class PetitionNumbers:
    petition: Petition
    counted: int = 0
    confirmed: int = 0
    unconfirmed: int = 0
    invalidated: int = 0
    signed_today: int = 0
    signed_7_days: int = 0
    confirmed_today: int = 0
    confirmed_7_days: int = 0
    goal: int = 0
    to_goal: int = 0
    percent: int = 0


@dataclass
class Dashboard:
    today: datetime.date
    petitions: list[PetitionNumbers]
    days: list[datetime.date]
    per_day: dict[int, list[int]]  # petition id -> signed per day, in `days` order
    day_rows: list[tuple[datetime.date, list[int]]]
    chart: Chart | None
    countries: list[tuple[str, str, int]]
    letters_by_recipient: list[tuple[str, list[int], int]] = field(default_factory=list)
    letter_statuses: list[tuple[str, str]] = field(default_factory=list)
    letters_available: bool = False
    emails_waiting: int = 0  # confirmation emails in the outbox, due or waiting for a retry
    emails_overdue: int = 0  # due for longer than OUTBOX_OVERDUE
    oldest_email_queued: datetime.datetime | None = None


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _letters() -> tuple[bool, list[tuple[str, str]], list[tuple[str, list[int], int]]]:
    """Letters per recipient and status, if the letters app has its Letter model yet."""
    try:
        letter = apps.get_model("letters", "Letter")
    except LookupError:
        return False, [], []
    names = {f.name for f in letter._meta.get_fields()}
    if not {"recipient", "status"} <= names:
        return False, [], []
    status_field = letter._meta.get_field("status")
    statuses = [(str(value), str(label)) for value, label in (status_field.choices or [])]
    rows: dict[str, dict[str, int]] = {}
    # The letter's own copy of the name: a recipient the supporter typed in has no row.
    name = "recipient_name" if "recipient_name" in names else "recipient__name"
    for recipient, status, n in (
        letter.objects.values_list(name, "status").annotate(n=Count("pk")).order_by()
    ):
        rows.setdefault(recipient or "(none)", {})[status] = n
        if status not in dict(statuses):
            statuses.append((status, status))
    table = sorted(
        (
            (name, [by_status.get(value, 0) for value, _ in statuses], sum(by_status.values()))
            for name, by_status in rows.items()
        ),
        key=lambda row: (-row[2], row[0]),
    )
    return True, statuses, table


def dashboard_read(*, today: datetime.date | None = None) -> Dashboard:
    """Every number the dashboard shows."""
    today = today or timezone.localdate()
    today_start = _start_of(today)
    week_start = _start_of(today - datetime.timedelta(days=6))
    chart_start = today - datetime.timedelta(days=CHART_DAYS - 1)

    petitions = list(Petition.objects.select_related("appeal", "counter").order_by("slug"))
    valid = Q(invalidated_at__isnull=True)
    confirmed = valid & Q(confirmed_at__isnull=False)
    totals = {
        row["petition"]: row
        for row in Signature.objects.values("petition")
        .annotate(
            confirmed=Count("id", filter=confirmed),
            unconfirmed=Count("id", filter=valid & Q(confirmed_at__isnull=True)),
            invalidated=Count("id", filter=Q(invalidated_at__isnull=False)),
            signed_today=Count("id", filter=valid & Q(created_at__gte=today_start)),
            signed_7_days=Count("id", filter=valid & Q(created_at__gte=week_start)),
            confirmed_today=Count("id", filter=confirmed & Q(confirmed_at__gte=today_start)),
            confirmed_7_days=Count("id", filter=confirmed & Q(confirmed_at__gte=week_start)),
        )
        .order_by()
    }
    numbers = []
    for petition in petitions:
        counter = getattr(petition, "counter", None)
        counted = counter.count if counter else 0
        row = totals.get(petition.pk, {})
        goal = petition.current_goal(counted)
        numbers.append(
            PetitionNumbers(
                petition=petition,
                counted=counted,
                confirmed=row.get("confirmed", 0),
                unconfirmed=row.get("unconfirmed", 0),
                invalidated=row.get("invalidated", 0),
                signed_today=row.get("signed_today", 0),
                signed_7_days=row.get("signed_7_days", 0),
                confirmed_today=row.get("confirmed_today", 0),
                confirmed_7_days=row.get("confirmed_7_days", 0),
                goal=goal,
                to_goal=max(goal - counted, 0),
                percent=min(100, counted * 100 // goal) if goal else 0,
            )
        )

    days = [chart_start + datetime.timedelta(days=i) for i in range(CHART_DAYS)]
    index = {day: i for i, day in enumerate(days)}
    per_day = {petition.pk: [0] * CHART_DAYS for petition in petitions}
    for petition_id, day, n in (
        Signature.objects.filter(valid, created_at__gte=_start_of(chart_start))
        .annotate(day=TruncDate("created_at"))
        .values_list("petition", "day")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if day in index and petition_id in per_day:
            per_day[petition_id][index[day]] = n
    day_rows = [(day, [per_day[p.pk][i] for p in petitions]) for i, day in enumerate(days)]
    chart = None
    if petitions:
        chart = line_chart(
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
        )

    countries = list(
        CountryCount.objects.filter(count__gt=0)
        .order_by("petition__slug", "-count", "country")
        .values_list("petition__slug", "country", "count")
    )
    available, statuses, letters = _letters()
    outbox = PendingConfirmationEmail.objects.aggregate(
        waiting=Count("pk"),
        overdue=Count("pk", filter=Q(send_after__lt=timezone.now() - OUTBOX_OVERDUE)),
        oldest=Min("queued_at"),
    )
    return Dashboard(
        today=today,
        petitions=numbers,
        days=days,
        per_day=per_day,
        day_rows=day_rows,
        chart=chart,
        countries=countries,
        letters_available=available,
        letter_statuses=statuses,
        letters_by_recipient=letters,
        emails_waiting=outbox["waiting"],
        emails_overdue=outbox["overdue"],
        oldest_email_queued=outbox["oldest"],
    )
