from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campaign.models import Appeal


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    appeals = Appeal.objects.published()
    return render(request, "campaign/home.html", {"appeals": appeals})


@require_safe
def appeal_list(request: HttpRequest) -> HttpResponse:
    appeals = Appeal.objects.published()
    return render(request, "campaign/appeal_list.html", {"appeals": appeals})


@require_safe
def appeal_detail(request: HttpRequest, slug: str) -> HttpResponse:
    appeal = get_object_or_404(
        Appeal.objects.published().prefetch_related("figures", "signatories"), slug=slug
    )
    return render(request, "campaign/appeal_detail.html", {"appeal": appeal})


@require_safe
def figures(request: HttpRequest) -> HttpResponse:
    return render(request, "campaign/figures.html", {})


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "campaign/privacy.html", {})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
