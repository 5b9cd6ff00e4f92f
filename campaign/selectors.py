"""Reads for the campaign pages, each one query (or one per prefetched relation)."""

import copy

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet

from campaign.models import Appeal, AppealTranslation, Campaign, Figure


def appeal_list() -> QuerySet[Appeal]:
    """Published appeals with how many figures and signatories each has, in one query."""
    appeals: QuerySet[Appeal] = Appeal.objects.published().annotate(
        figure_count=Count("figures", distinct=True),
        signatory_count=Count("signatories", distinct=True),
    )
    return appeals


def appeal_get(*, slug: str) -> QuerySet[Appeal]:
    """The published appeal with this slug, its figures and signatories prefetched."""
    appeals: QuerySet[Appeal] = Appeal.objects.published().filter(slug=slug)
    return appeals.prefetch_related("figures", "signatories")


def series_figures() -> list[Figure]:
    """Every figure that belongs to a series (the casualty counts), with its appeal, by date."""
    return list(
        Figure.objects.filter(appeal__is_published=True)
        .exclude(series="")
        .select_related("appeal")
        .order_by("series", "as_of", "position")
    )


def appeal_in_language(appeal: Appeal, *, language: str) -> Appeal:
    """The appeal as a page in `language` shows it: its organisers' translation where one exists.

    A copy, never saved: `text_language` says which language its text is in (the documents
    are English), `translator` who translated it ("" for the original), and `original` is the
    appeal as the document gives it (None when this is it), shown on the same page.
    """
    shown = copy.copy(appeal)
    shown.text_language = settings.LANGUAGE_CODE
    shown.translator = ""
    shown.original = None
    if language == settings.LANGUAGE_CODE:
        return shown
    found = AppealTranslation.objects.filter(appeal=appeal, language=language).first()
    if found is not None:
        shown.title = found.title
        shown.summary = found.summary
        shown.body = found.body
        shown.text_language = language
        shown.translator = found.translator
        shown.original = appeal
    return shown


CAMPAIGN_CACHE_KEY = "campaign:identity"
CAMPAIGN_CACHE_SECONDS = 60


def campaign_identity() -> Campaign:
    """The campaign's name, colours and contacts, from the cache for a minute at a time.

    Every public page shows them; before a campaign is loaded, an unsaved blank one stands in
    (a neutral name, nothing else), so pages still render.
    """
    identity: Campaign | None = cache.get(CAMPAIGN_CACHE_KEY)
    if identity is None:
        identity = Campaign.objects.select_related("ask_source").order_by("pk").first()
        identity = identity or Campaign(slug="", name="Campaign", description="")
        cache.set(CAMPAIGN_CACHE_KEY, identity, CAMPAIGN_CACHE_SECONDS)
    return identity


def campaign_name() -> str:
    """The name letters are sent under ("Jane Doe via <name>"): CAMPAIGN_NAME if the operator
    set one, otherwise the campaign's own, from its fixtures."""
    return settings.CAMPAIGN_NAME or campaign_identity().name


def campaign_identity_forget() -> None:
    """After loading or editing the campaign: the next page reads it afresh."""
    cache.delete(CAMPAIGN_CACHE_KEY)
