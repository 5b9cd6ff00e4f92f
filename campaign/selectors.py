"""Reads for the campaign pages, each one query (or one per prefetched relation)."""

from django.db.models import Count, QuerySet

from campaign.models import Appeal, Figure


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
