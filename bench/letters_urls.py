"""The project's URLs plus the "ok" floor, for the letters benchmark only."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from campaign.urls import urlpatterns as project_urlpatterns


@require_safe
def floor_ok(request: HttpRequest) -> HttpResponse:
    """The least a page can cost: the same middleware, no query, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", floor_ok), *project_urlpatterns]
