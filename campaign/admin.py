"""The campaign's content in the admin, and the export log.

The admin site itself, with the dashboard and the counts export, is in campaign/sites.py.
"""

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from campaign.lib.permissions import PERSONAL_DATA
from campaign.models import Appeal, ExportLog, Figure, Signatory

# Export filters an organiser may read in the log: the field (before any `__lookup`) names no
# person. Every other filter (email, email_canonical, name, postcode, ip_hash, the search `q`,
# and any filter added later) is shown as hidden to staff without view_personal_data.
EXPORT_FILTERS_SHOWN = frozenset(
    {
        "petition",
        "confirmed",
        "invalidated",
        "consented",
        "consent_to_contact",
        "is_counted",
        "country",
        "created_at",
        "confirmed_at",
        "since",
        "until",
        "by",
        "all",
    }
)
HIDDEN = "(hidden)"


def export_filters_masked(filters: dict[str, Any]) -> dict[str, Any]:
    """The export's filters with every value that could name a person hidden."""
    return {
        key: value
        if key.split("__", 1)[0] in EXPORT_FILTERS_SHOWN or value in ("", None)
        else HIDDEN
        for key, value in (filters or {}).items()
    }


class FigureInline(admin.TabularInline[Any, Any]):
    model = Figure
    extra = 0
    fields = ["position", "key", "measure", "value", "unit", "value_text", "qualifier", "as_of"]
    show_change_link = True


class SignatoryInline(admin.TabularInline[Any, Any]):
    model = Signatory
    extra = 0
    fields = ["position", "name", "role", "organisation"]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin[Any]):
    list_display = ["title", "kind", "date", "date_precision", "is_published", "position"]
    list_filter = ["kind", "is_published", "date_precision"]
    search_fields = ["title", "slug", "author", "publisher", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "date"
    inlines = [FigureInline, SignatoryInline]


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin[Any]):
    list_display = ["measure", "value_text", "value", "unit", "qualifier", "as_of", "appeal"]
    list_filter = ["appeal", "qualifier", "as_of_precision", "series", "unit"]
    search_fields = ["measure", "value_text", "quote", "key"]
    list_select_related = ["appeal"]


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin[Any]):
    list_display = ["name", "role", "organisation", "appeal", "position"]
    list_filter = ["appeal"]
    search_fields = ["name", "role", "organisation"]
    list_select_related = ["appeal"]


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin[Any]):
    """The record of every export; nobody edits or deletes it from here."""

    list_display = [
        "started_at",
        "user",
        "source",
        "kind",
        "preset",
        "petition",
        "row_count",
        "is_finished",
    ]
    list_filter = ["kind", "preset", "source", "is_finished", "petition"]
    list_select_related = ["user", "petition__appeal"]
    date_hierarchy = "started_at"
    search_fields = ["user__username"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A data manager's filter is often someone's email address or name: staff who may not
        # see personal data see that there was such a filter, not its value.
        shown = "filters" if request.user.has_perm(PERSONAL_DATA) else "filters_masked"
        return [f.name if f.name != "filters" else shown for f in ExportLog._meta.fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    @admin.display(description="filters")
    def filters_masked(self, obj: ExportLog) -> str:
        masked = export_filters_masked(dict(obj.filters or {}))
        return json.dumps(masked, ensure_ascii=False, sort_keys=True)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
