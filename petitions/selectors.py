"""Reading petitions for pages: every query here is bounded by an index, whatever the count."""

import datetime
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone, translation
from django.utils.translation import pgettext

from campaign.lib.countries import country_names
from campaign.models import Figure, Signatory
from petitions.models import (
    CONFIRMED,
    INVALIDATED,
    PENDING,
    VALID,
    CountryCount,
    PendingConfirmationEmail,
    Petition,
    PetitionCounter,
    ShareCount,
    Signature,
)


def counter_read(*, petition: Petition) -> PetitionCounter:
    """The petition's counter as the scheduler last refreshed it; never writes.

    A page view only reads (the `refresh_counts` job keeps the counter fresh), so the count
    shown lags the confirmed signatures by about PETITION_COUNT_REFRESH_SECONDS. A petition
    whose counter row the refresher has not made yet shows 0.
    """
    try:
        return petition.counter
    except PetitionCounter.DoesNotExist:
        # By id: an instance given here would be cached as the petition's counter row.
        return PetitionCounter(petition_id=petition.pk, count=0, refreshed_at=timezone.now())


def petition_list() -> QuerySet[Petition]:
    return Petition.objects.select_related("appeal", "counter").filter(appeal__is_published=True)


# The signing view reads the petition row from this process's memory for up to this long, so
# a signature costs no query for it. An organiser's change (closing a petition, unpublishing
# its appeal, the fields it asks) reaches every worker within this time.
SIGNING_CACHE_SECONDS = 5.0
_signing_cache: dict[str, tuple[float, Petition]] = {}


def petition_for_signing(*, slug: str) -> Petition | None:
    """Just the petition row, what the signing view needs when the form is valid; cached."""
    now = time.monotonic()
    cached = _signing_cache.get(slug)
    if cached is not None and cached[0] > now:
        return cached[1]
    petition = Petition.objects.filter(slug=slug, appeal__is_published=True).first()
    # Only petitions that exist are kept: made-up slugs cannot grow the cache.
    if petition is None:
        _signing_cache.pop(slug, None)
    else:
        _signing_cache[slug] = (now + SIGNING_CACHE_SECONDS, petition)
    return petition


def petition_signing_cache_clear() -> None:
    """Forget the cached petitions (each test starts without them)."""
    _signing_cache.clear()


def petition_for_page(*, slug: str) -> QuerySet[Petition]:
    """The petition with its appeal, counter, figures and named supporters: three queries."""
    return (
        petition_list()
        .filter(slug=slug)
        .prefetch_related(
            Prefetch("appeal__figures", queryset=Figure.objects.order_by("position", "key")),
            Prefetch("appeal__signatories", queryset=Signatory.objects.order_by("position")),
        )
    )


@dataclass(frozen=True)
class PublicSigner:
    first_name: str
    country: str


def recent_signers(*, petition: Petition, limit: int = 10) -> list[PublicSigner]:
    """The latest counted signers who chose to be listed: first name and country only."""
    rows = (
        Signature.objects.filter(petition=petition, is_counted=True, show_name_publicly=True)
        .order_by("-id")
        .values_list("name", "country")[:limit]
    )
    names = country_names(translation.get_language() or settings.LANGUAGE_CODE)
    return [
        PublicSigner(first_name=(name.split() or [""])[0], country=names.get(country, ""))
        for name, country in rows
    ]


@dataclass(frozen=True)
class CountryRow:
    code: str
    name: str
    count: int


def country_counts(*, petition: Petition, limit: int = 10) -> list[CountryRow]:
    """Counted signatures by country, largest first, from the refresher's per-country rows."""
    rows = (
        CountryCount.objects.filter(petition=petition, count__gt=0)
        .order_by("-count", "country")
        .values_list("country", "count")[:limit]
    )
    names = country_names(translation.get_language() or settings.LANGUAGE_CODE)
    return [
        CountryRow(code=code, name=names.get(code, pgettext("country", "Not given")), count=count)
        for code, count in rows
    ]


# For the organisers' dashboard: one small selector per section, each a fixed number of
# aggregate queries with FILTER clauses on indexed columns. A COUNT over the signatures is
# acceptable there (a page for a few staff, not for the public).


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


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def petition_numbers(*, today: datetime.date) -> list[PetitionNumbers]:
    """Each petition's counter, goal and signatures by state, today and over 7 days."""
    today_start = _start_of(today)
    week_start = _start_of(today - datetime.timedelta(days=6))
    totals: dict[int, dict[str, Any]] = {
        row["petition"]: dict(row)
        for row in Signature.objects.values("petition")
        .annotate(
            confirmed=Count("id", filter=CONFIRMED),
            unconfirmed=Count("id", filter=PENDING),
            invalidated=Count("id", filter=INVALIDATED),
            signed_today=Count("id", filter=VALID & Q(created_at__gte=today_start)),
            signed_7_days=Count("id", filter=VALID & Q(created_at__gte=week_start)),
            confirmed_today=Count("id", filter=CONFIRMED & Q(confirmed_at__gte=today_start)),
            confirmed_7_days=Count("id", filter=CONFIRMED & Q(confirmed_at__gte=week_start)),
        )
        .order_by()
    }
    numbers = []
    for petition in Petition.objects.select_related("appeal", "counter").order_by("slug"):
        counter = getattr(petition, "counter", None)
        counted = counter.count if counter else 0
        row = totals.get(petition.pk, {})
        goal = petition.current_goal(counted)
        numbers.append(
            PetitionNumbers(
                petition=petition,
                counted=counted,
                **{key: value for key, value in row.items() if key != "petition"},
                goal=goal,
                to_goal=max(goal - counted, 0),
                percent=min(100, counted * 100 // goal) if goal else 0,
            )
        )
    return numbers


def signed_per_day(*, petitions: list[Petition], days: list[datetime.date]) -> dict[int, list[int]]:
    """Valid signatures per petition per day, in the order of `days` (0 where none)."""
    index = {day: i for i, day in enumerate(days)}
    per_day = {petition.pk: [0] * len(days) for petition in petitions}
    for petition_id, day, n in (
        Signature.objects.valid()
        .filter(created_at__gte=_start_of(days[0]))
        .annotate(day=TruncDate("created_at"))
        .values_list("petition", "day")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if day in index and petition_id in per_day:
            per_day[petition_id][index[day]] = n
    return per_day


def countries_signed() -> list[tuple[str, str, int]]:
    """(petition slug, country code, counted signatures), largest first per petition."""
    return list(
        CountryCount.objects.filter(count__gt=0)
        .order_by("petition__slug", "-count", "country")
        .values_list("petition__slug", "country", "count")
    )


@dataclass(frozen=True)
class OutboxStatus:
    waiting: int  # confirmation emails in the outbox, due or waiting for a retry
    overdue: int  # due for longer than the given time: no worker is sending
    oldest_queued: datetime.datetime | None


def confirmation_outbox_status(*, overdue_after: datetime.timedelta) -> OutboxStatus:
    outbox = PendingConfirmationEmail.objects.aggregate(
        waiting=Count("pk"),
        overdue=Count("pk", filter=Q(send_after__lt=timezone.now() - overdue_after)),
        oldest=Min("queued_at"),
    )
    return OutboxStatus(
        waiting=outbox["waiting"], overdue=outbox["overdue"], oldest_queued=outbox["oldest"]
    )


def confirmation_email_oldest_due() -> datetime.datetime | None:
    """When the confirmation email that has waited longest for the worker became due."""
    oldest: datetime.datetime | None = PendingConfirmationEmail.objects.filter(
        send_after__lte=timezone.now()
    ).aggregate(oldest=Min("send_after"))["oldest"]
    return oldest


@dataclass(frozen=True)
class ShareRow:
    petition_slug: str
    channel: str  # the channel's label
    shares: int  # presses on the share button
    visits: int  # page views that came by a share link of the channel


def shares_by_channel(*, since: datetime.date) -> list[ShareRow]:
    """Shares and visits from shares per petition and channel since a day, most shared first."""
    rows = (
        ShareCount.objects.filter(day__gte=since)
        .values("petition__slug", "channel")
        .annotate(
            shares=Sum("count", filter=Q(event=ShareCount.Event.SHARE), default=0),
            visits=Sum("count", filter=Q(event=ShareCount.Event.VISIT), default=0),
        )
        .order_by("petition__slug", "-shares", "-visits", "channel")
    )
    labels = dict(ShareCount.Channel.choices)
    return [
        ShareRow(
            r["petition__slug"], labels.get(r["channel"], r["channel"]), r["shares"], r["visits"]
        )
        for r in rows
    ]


def signature_for_link(*, signature_id: int) -> Signature | None:
    """The signature an emailed link names, with its petition and appeal; None if it is gone."""
    return Signature.objects.select_related("petition__appeal").filter(pk=signature_id).first()
