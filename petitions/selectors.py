"""Reading petitions for pages: every query here is bounded by an index, whatever the count."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from campaign.models import Figure, Signatory
from petitions.countries import COUNTRY_NAMES
from petitions.models import CountryCount, Petition, Signature


def petition_list() -> QuerySet[Petition]:
    return Petition.objects.select_related("appeal", "counter").filter(appeal__is_published=True)


def petition_for_signing(*, slug: str) -> QuerySet[Petition]:
    """Just the petition row: what the signing view needs when the form is valid."""
    return Petition.objects.filter(slug=slug, appeal__is_published=True)


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
