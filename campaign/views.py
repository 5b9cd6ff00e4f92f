from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.tasks import default_task_backend
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campaign import selectors, share_card, timeline
from campaign.lib.failopen_cache import cache_unavailable_since
from campaign.lib.heartbeats import SCHEDULER, WORKER, heartbeat_ages, task_oldest_due
from campaign.lib.pagecache import page_cache
from campaign.models import Appeal
from letters.selectors import letter_oldest_queued, letters_sent_total
from petitions.selectors import confirmation_email_oldest_due, counter_read
from petitions.views import counter_context

# Where the call to write a letter points.
LETTERS_PATH = reverse_lazy("letters:start")


def petition_url(appeal: Appeal | None) -> str:
    """The page to sign the appeal's petition, or the appeal's own page if there is none yet."""
    if appeal is None:
        return ""
    petition = getattr(appeal, "petition", None)
    if petition is not None:
        try:
            return reverse("petitions:detail", kwargs={"slug": petition.slug})
        except NoReverseMatch:
            pass
    return appeal.get_absolute_url()


def count_seconds() -> float:
    """Pages that show a count are kept for one refresh interval."""
    return max(1.0, float(settings.PETITION_COUNT_REFRESH_SECONDS))


def content_seconds() -> float:
    return float(settings.PAGE_CACHE_SECONDS)


@require_safe
@page_cache(timeout=count_seconds)
def home(request: HttpRequest) -> HttpResponse:
    appeals = list(Appeal.objects.published().select_related("petition__counter"))
    series = timeline.figure_series(selectors.series_figures())
    latest = [s.latest for s in series[:3] if s.latest is not None]
    petition_appeal = next((a for a in appeals if a.kind == Appeal.Kind.PETITION), None)
    letter_appeal = next((a for a in appeals if a.kind == Appeal.Kind.OPEN_LETTER), None)
    petition = getattr(petition_appeal, "petition", None) if petition_appeal else None
    context = {
        "appeals": appeals,
        "latest_figures": latest,
        "petition_appeal": petition_appeal,
        "petition_url": petition_url(petition_appeal),
        "letter_appeal": letter_appeal,
        "letters_url": LETTERS_PATH,
        "petition": petition,
        "letters_sent": letters_sent_total(),
    }
    if petition is not None:
        context |= counter_context(petition)
    return render(request, "campaign/home.html", context)


@require_safe
@page_cache(timeout=content_seconds)
def appeal_list(request: HttpRequest) -> HttpResponse:
    return render(request, "campaign/appeal_list.html", {"appeals": selectors.appeal_list()})


@require_safe
@page_cache(timeout=content_seconds)
def appeal_detail(request: HttpRequest, slug: str) -> HttpResponse:
    appeal = selectors.appeal_get(slug=slug).select_related("petition").first()
    if appeal is None:
        raise Http404("No such appeal.")
    return render(
        request,
        "campaign/appeal_detail.html",
        {
            "appeal": selectors.appeal_in_language(appeal, language=translation.get_language()),
            "figures": appeal.figures.all(),
            "signatories": appeal.signatories.all(),
            "petition_url": petition_url(appeal) if appeal.kind == Appeal.Kind.PETITION else "",
            "letters_url": LETTERS_PATH if appeal.kind == Appeal.Kind.OPEN_LETTER else "",
        },
    )


@require_safe
@page_cache(timeout=content_seconds)
def figures(request: HttpRequest) -> HttpResponse:
    series = timeline.figure_series(selectors.series_figures())
    return render(
        request,
        "campaign/figures.html",
        {"series_list": series, "charts": timeline.series_charts(series)},
    )


@require_safe
@page_cache(timeout=content_seconds)
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "campaign/privacy.html", {})


@require_safe
@page_cache(timeout=content_seconds)
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "campaign/about.html", {})


# The campaign's colours and logo change only when a campaign is loaded: browsers may keep them
# for a few minutes.
ASSET_MAX_AGE = 300


@require_safe
def theme_css(request: HttpRequest) -> HttpResponse:
    """The campaign's colour as a CSS custom property: the stylesheets hold no campaign's colour
    and the CSP allows no inline style."""
    identity = selectors.campaign_identity()
    response = HttpResponse(f":root {{ --accent: {identity.colour}; }}\n", content_type="text/css")
    response["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}"
    return response


@require_safe
def logo(request: HttpRequest) -> HttpResponse:
    """The campaign's logo, or the site's plain mark where the campaign gives none."""
    identity = selectors.campaign_identity()
    if not identity.logo_svg:
        return redirect(static("img/mark.svg"))
    response = HttpResponse(identity.logo_svg, content_type="image/svg+xml")
    # An SVG opened on its own is a document: it may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}"
    return response


def card_response(png: bytes) -> HttpResponse:
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = f"public, max-age={share_card.REDRAW_SECONDS}"
    return response


@require_safe
def site_card(request: HttpRequest) -> HttpResponse:
    """The picture for shared links to pages that have none of their own."""
    identity = selectors.campaign_identity()

    def make() -> share_card.Card:
        return share_card.Card(
            site_name=identity.name, title=identity.description, colour=identity.colour
        )

    return card_response(share_card.card_png(key="site", count=None, make=make))


@require_safe
def appeal_card(request: HttpRequest, slug: str) -> HttpResponse:
    """An appeal's picture for shared links: its title, and its petition's count and goal."""
    appeal = selectors.appeal_get(slug=slug).select_related("petition__counter").first()
    if appeal is None:
        raise Http404("No such appeal.")
    identity = selectors.campaign_identity()
    petition = getattr(appeal, "petition", None)
    count = counter_read(petition=petition).count if petition else None

    def make() -> share_card.Card:
        if petition is None or count is None:
            return share_card.Card(
                site_name=identity.name, title=appeal.title, colour=identity.colour
            )
        goal = petition.current_goal(count)
        return share_card.Card(
            site_name=identity.name,
            title=appeal.title,
            count=count,
            goal=goal,
            count_text=share_card.signed_text(count),
            goal_text=share_card.goal_text(goal),
            colour=identity.colour,
        )

    return card_response(share_card.card_png(key=f"appeal:{slug}", count=count, make=make))


def seconds_since(moment: datetime | None, now: datetime) -> int | None:
    return None if moment is None else max(0, round((now - moment).total_seconds()))


def health_report() -> tuple[bool, dict[str, Any]]:
    """Whether the worker and the scheduler are on time, and what /healthz shows about them."""
    now = timezone.now()
    ages = heartbeat_ages(now=now)
    report: dict[str, Any] = {
        "oldest_due_confirmation_email_seconds": seconds_since(
            confirmation_email_oldest_due(), now
        ),
        "oldest_queued_letter_seconds": seconds_since(letter_oldest_queued(), now),
    }
    if not default_task_backend.supports_defer:
        # Tasks run inside the request (development): no worker or scheduler to wait for.
        return True, report | {"worker": "not used", "scheduler": "not used"}
    worker_limit = settings.HEALTHZ_WORKER_OVERDUE_SECONDS
    scheduler_limit = settings.HEALTHZ_SCHEDULER_OVERDUE_SECONDS
    worker_age = ages.get(WORKER)
    task_wait = seconds_since(task_oldest_due(), now)
    scheduler_age = ages.get(SCHEDULER)
    worker_ok = (
        worker_age is not None
        and worker_age <= worker_limit
        and (task_wait is None or task_wait <= worker_limit)
    )
    scheduler_ok = scheduler_age is not None and scheduler_age <= scheduler_limit
    report |= {
        "worker": {
            "ok": worker_ok,
            "last_run_seconds": None if worker_age is None else round(worker_age),
            "oldest_due_task_seconds": task_wait,
        },
        "scheduler": {
            "ok": scheduler_ok,
            "last_run_seconds": None if scheduler_age is None else round(scheduler_age),
        },
    }
    return worker_ok and scheduler_ok, report


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For monitors and load balancers (docs/deploy.md).

    503 when the database does not answer, or when the worker or the scheduler is overdue:
    the worker's heartbeat older than HEALTHZ_WORKER_OVERDUE_SECONDS or a task due for longer,
    the scheduler's heartbeat older than HEALTHZ_SCHEDULER_OVERDUE_SECONDS. `?check=database`
    checks the database alone: what a load balancer should ask, so a stopped worker does not
    take every web node out of service.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    if request.GET.get("check") == "database":
        return JsonResponse({"status": "ok", "database": "ok"})
    on_time, report = health_report()
    body = {
        "status": "ok" if on_time else "overdue",
        "database": "ok",
        # Degraded, not down: without the shared cache pages are rendered uncached (200).
        "cache": "ok" if cache_answers() else "unavailable",
        **report,
    }
    return JsonResponse(body, status=200 if on_time else 503)


def cache_answers() -> bool:
    """Whether the shared cache answers now (it fails open: campaign/lib/failopen_cache.py)."""
    cache.get("healthz:probe")
    return cache_unavailable_since() is None
