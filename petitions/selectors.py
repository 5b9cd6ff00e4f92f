"""Reading petitions for pages: every query here is bounded by an index, whatever the count."""

import time
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from campaign.models import Figure, Signatory
from petitions.countries import COUNTRY_NAMES
from petitions.models import CountryCount, Petition, PetitionCounter, Signature


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
    return [
        PublicSigner(first_name=(name.split() or [""])[0], country=COUNTRY_NAMES.get(country, ""))
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
    return [
        CountryRow(code=code, name=COUNTRY_NAMES.get(code, "Not given"), count=count)
        for code, count in rows
    ]
