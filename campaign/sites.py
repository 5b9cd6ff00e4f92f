"""The organisers' admin site: the dashboard, the counts export, and every app's admin.

`CampaignAdminSite` is the default admin site (installed by `CampaignAdminConfig` in
campaign/apps.py), so every app's `admin.register` lands on it. It lives in a module of its own,
apart from campaign/admin.py's registrations: a module that both defines the default site and
registers on it would be imported while `admin.site` is being set up, and its registrations
would land on a second instance that is then thrown away.
"""

import functools
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.views.decorators.http import require_safe

from campaign.lib.csv import csv_response
from campaign.lib.pagecache import page_cache_clear


class CampaignAdminSite(admin.AdminSite):
    site_header = "Campaign admin"
    site_title = "Campaign admin"
    index_title = "Campaign admin"
    index_template = "admin/campaign_index.html"

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """Every admin view; after a change an organiser made (a POST that did not fail), the
        public pages kept in the page cache are dropped, so the change shows at once."""
        protected = super().admin_view(view, cacheable)

        @functools.wraps(protected)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response: HttpResponse = protected(request, *args, **kwargs)
            if request.method == "POST" and response.status_code < 400:
                page_cache_clear()
            return response

        return wrapped

    def get_urls(self) -> list[URLPattern | URLResolver]:
        urls = [
            path("dashboard/", self.admin_view(self.dashboard_view), name="dashboard"),
            path(
                "exports/counts.csv", self.admin_view(self.counts_export_view), name="counts_export"
            ),
            path(
                "exports/replies.csv",
                self.admin_view(self.replies_export_view),
                name="replies_export",
            ),
        ]
        return urls + super().get_urls()

    @staticmethod
    def may_see_dashboard(request: HttpRequest) -> bool:
        return request.user.has_perm("petitions.view_petition")

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["may_see_dashboard"] = self.may_see_dashboard(request)
        context["may_export_counts"] = request.user.has_perm("campaign.export_signatures")
        return context

    def dashboard_view(self, request: HttpRequest) -> HttpResponse:
        from campaign.dashboard import dashboard_read

        if not self.may_see_dashboard(request):
            raise PermissionDenied
        context = {
            **self.each_context(request),
            "title": "Dashboard",
            "dashboard": dashboard_read(),
        }
        return TemplateResponse(request, "admin/dashboard.html", context)

    def counts_export_view(self, request: HttpRequest) -> HttpResponseBase:
        return _counts_export(request)

    def replies_export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.may_see_dashboard(request):
            raise PermissionDenied
        return _replies_export(request)


REPLY_COLUMNS = ["by", "recipient or kind", "kind", "asked", "answered", "replied", "no reply"]
REPLY_COLUMNS += ["not yet", "replied % of yes and no"]


@require_safe
def _replies_export(request: HttpRequest) -> HttpResponse:
    """Reply rates per recipient and per kind of recipient, as on the dashboard."""
    from campaign.lib.csv import csv_line, neutralise
    from letters.selectors import reply_rates_by_kind, reply_rates_by_recipient

    lines = [csv_line(REPLY_COLUMNS)]
    for by, rates in (("recipient", reply_rates_by_recipient()), ("kind", reply_rates_by_kind())):
        for r in rates:
            values = [by, r.name, r.kind, r.asked, r.answered, r.replied, r.no_reply, r.not_yet]
            values.append("" if r.percent is None else r.percent)
            lines.append(csv_line(neutralise(value) for value in values))
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return HttpResponse(
        b"".join(lines),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="letter-replies-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


@require_safe
def _counts_export(request: HttpRequest) -> HttpResponseBase:
    from petitions.exports import COUNT_KINDS, counts_export
    from petitions.models import Petition

    if not request.user.has_perm("campaign.export_signatures"):
        raise PermissionDenied
    by = request.GET.get("by", "day")
    if by not in COUNT_KINDS:
        return HttpResponseBadRequest("Choose counts by day or by country.")
    petition = None
    if slug := request.GET.get("petition"):
        petition = Petition.objects.filter(slug=slug).first()
        if petition is None:
            return HttpResponseBadRequest("There is no petition with that slug.")
    stream, log = counts_export(by=by, petition=petition, user=request.user)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    name = f"signature-counts-by-{by}-{petition.slug if petition else 'all'}-{stamp}.csv"
    return csv_response(stream, filename=name, headers={"X-Export-Log": str(log.pk)})
