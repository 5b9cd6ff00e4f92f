"""The petitions in the organisers' admin: counts, signatures, moderation and exports.

Personal data (email, postcode, IP hash) is shown and searchable only for staff with
`campaign.view_personal_data`; the others see names, countries and dates.
"""

from datetime import datetime
from typing import Any, cast

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.functional import cached_property

from campaign.lib.csv import csv_response
from campaign.lib.permissions import PERSONAL_DATA
from petitions import moderation
from petitions.exports import PRESETS, preset_allowed, signatures_export
from petitions.models import CountryCount, Petition, Signature, SignatureQuerySet
from petitions.services import confirmation_emails_queue

PERSONAL_FIELDS = ("email", "email_canonical", "postcode", "ip_hash")


class EstimatedCountPaginator(Paginator):  # type: ignore[type-arg]
    """Counting a million rows for the page numbers costs more than the page itself: without
    filters, PostgreSQL's own estimate of the table's size is used instead of COUNT(*)."""

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where:
            table = self.object_list.model._meta.db_table  # type: ignore[attr-defined]
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
                row = cursor.fetchone()
            if row and row[0] > 10_000:
                return int(row[0])
        return super().count


class ConfirmedFilter(admin.SimpleListFilter):
    title = "confirmed"
    parameter_name = "confirmed"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("yes", "Confirmed"), ("no", "Not confirmed")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in {"yes", "no"}:
            return (
                cast(SignatureQuerySet, queryset).unconfirmed()
                if self.value() == "no"
                else queryset.exclude(confirmed_at=None)
            )
        return queryset


class InvalidatedFilter(admin.SimpleListFilter):
    title = "invalidated"
    parameter_name = "invalidated"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("no", "Valid"), ("yes", "Invalidated")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        signatures = cast(SignatureQuerySet, queryset)
        if self.value() in {"yes", "no"}:
            return signatures.invalidated() if self.value() == "yes" else signatures.valid()
        return queryset


class PetitionFilter(admin.RelatedFieldListFilter):
    """Petitions by slug, in one query (their titles would need the appeals too)."""

    def field_choices(
        self, field: Any, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> Any:
        return list(Petition.objects.order_by("slug").values_list("pk", "slug"))


class CountryFilter(admin.SimpleListFilter):
    """Countries from the per-country counters: a DISTINCT over the signatures would scan."""

    title = "country"
    parameter_name = "country"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        countries = CountryCount.objects.order_by("country").values_list("country", flat=True)
        return [(c, c or "(none)") for c in dict.fromkeys(countries)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Signature]) -> QuerySet[Signature]:
        if self.value() is not None:
            return queryset.filter(country=self.value())
        return queryset


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin[Any]):
    list_display = ["__str__", "slug", "is_open", "counted", "goal", "current_goal", "counted_at"]
    list_filter = ["is_open", "count_on_signing"]
    list_select_related = ["appeal", "counter"]
    search_fields = ["slug", "appeal__title"]
    readonly_fields = ["counted", "counted_at"]

    @admin.display(description="counted")
    def counted(self, obj: Petition) -> int:
        counter = getattr(obj, "counter", None)
        return counter.count if counter else 0

    @admin.display(description="counted at")
    def counted_at(self, obj: Petition) -> datetime | None:
        counter = getattr(obj, "counter", None)
        return counter.refreshed_at if counter else None

    @admin.display(description="current goal")
    def current_goal(self, obj: Petition) -> int:
        return obj.current_goal(self.counted(obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A petition's signatures go with it: only a superuser may do that.
        return request.user.is_superuser


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin[Any]):
    list_display = [
        "name",
        "petition_slug",
        "country",
        "created_at",
        "confirmed",
        "counted",
        "valid",
    ]
    list_filter = [
        ("petition", PetitionFilter),
        ConfirmedFilter,
        InvalidatedFilter,
        "consent_to_contact",
        "is_counted",
        CountryFilter,
        "created_at",
    ]
    list_select_related = ["petition"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 100
    ordering = ["-id"]
    actions = [
        "resend_confirmation",
        "invalidate_selected",
        "invalidate_same_ip_hash",
        "invalidate_same_email_domain",
    ]
    change_list_template = "admin/petitions/signature/change_list.html"

    # Personal data appears only for staff allowed to see it.
    def may_see_personal(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PERSONAL_DATA)

    def get_list_display(self, request: HttpRequest) -> Any:
        columns = list(super().get_list_display(request))
        if self.may_see_personal(request):
            columns[1:1] = ["email", "postcode"]
        return columns

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        # Filters in the URL reach any field otherwise: `?email__startswith=a` would let anyone
        # who may not see emails find them out one letter at a time.
        field = lookup.split("__", 1)[0]
        if field in PERSONAL_FIELDS and not self.may_see_personal(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request: HttpRequest) -> Any:
        return ["name", "email", "=email_canonical"] if self.may_see_personal(request) else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = [f.name for f in Signature._meta.fields if f.name != "id"]
        if not self.may_see_personal(request):
            fields = [f for f in fields if f not in PERSONAL_FIELDS]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Signatures are what supporters wrote: nobody edits them; moderation is by action.
        return self.get_fields(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="petition", ordering="petition__slug")
    def petition_slug(self, obj: Signature) -> str:
        # The slug: a petition's title is a paragraph and would push every other column away.
        return obj.petition.slug

    @admin.display(boolean=True, ordering="confirmed_at")
    def confirmed(self, obj: Signature) -> bool:
        return obj.confirmed_at is not None

    @admin.display(boolean=True, ordering="is_counted")
    def counted(self, obj: Signature) -> bool:
        return obj.is_counted

    @admin.display(boolean=True, ordering="invalidated_at")
    def valid(self, obj: Signature) -> bool:
        return obj.invalidated_at is None

    # Deleting takes counted signatures off the counters first.
    def delete_model(self, request: HttpRequest, obj: Signature) -> None:
        moderation.signatures_delete(
            queryset=Signature.objects.filter(pk=obj.pk), by_user=request.user
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        moderation.signatures_delete(queryset=queryset, by_user=request.user)

    @admin.action(description="Send the confirmation email again (pending signatures)")
    def resend_confirmation(
        self, request: HttpRequest, queryset: QuerySet[Signature]
    ) -> HttpResponse | None:
        pending = cast(SignatureQuerySet, queryset).pending()
        ids = list(pending.values_list("pk", flat=True))
        confirmation_emails_queue(signature_ids=ids)
        self.message_user(
            request, f"Confirmation email queued again for {len(ids)} pending signature(s)."
        )
        return None

    @admin.action(description="Invalidate the selected signatures", permissions=["change"])
    def invalidate_selected(
        self, request: HttpRequest, queryset: QuerySet[Signature]
    ) -> HttpResponse | None:
        changed = moderation.signatures_invalidate(queryset=queryset, by_user=request.user)
        self.message_user(request, f"{changed} signature(s) invalidated; the count follows.")
        return None

    @admin.action(
        description="Invalidate every signature from the same IP hash as the selected",
        permissions=["change"],
    )
    def invalidate_same_ip_hash(
        self, request: HttpRequest, queryset: QuerySet[Signature]
    ) -> HttpResponse | None:
        hashes = set(queryset.exclude(ip_hash=None).values_list("ip_hash", flat=True))
        wider = Signature.objects.valid().filter(ip_hash__in=hashes)
        return self._confirm_invalidate(
            request, queryset, wider, "invalidate_same_ip_hash", f"{len(hashes)} IP hash(es)"
        )

    @admin.action(
        description="Invalidate every signature from the same email domain as the selected",
        permissions=["change"],
    )
    def invalidate_same_email_domain(
        self, request: HttpRequest, queryset: QuerySet[Signature]
    ) -> HttpResponse | None:
        domains = {
            email.rpartition("@")[2]
            for email in queryset.values_list("email_canonical", flat=True)
            if "@" in email
        }
        wider = Signature.objects.none()
        for domain in sorted(domains):
            wider |= Signature.objects.valid().filter(email_canonical__endswith=f"@{domain}")
        return self._confirm_invalidate(
            request,
            queryset,
            wider,
            "invalidate_same_email_domain",
            "the domain(s) " + ", ".join(sorted(domains)),
        )

    def _confirm_invalidate(
        self,
        request: HttpRequest,
        selected: QuerySet[Signature],
        wider: QuerySet[Signature],
        action: str,
        what: str,
    ) -> HttpResponse | None:
        """Ask before invalidating more than was selected; then do it."""
        if request.POST.get("confirmed") == "yes":
            changed = moderation.signatures_invalidate(queryset=wider, by_user=request.user)
            self.message_user(
                request, f"{changed} signature(s) from {what} invalidated; the count follows."
            )
            return None
        if not self.may_see_personal(request) and action == "invalidate_same_email_domain":
            what = "the selected signatures' email domains"
        context = {
            **self.admin_site.each_context(request),
            "title": "Invalidate these signatures?",
            "opts": self.model._meta,
            "action": action,
            "what": what,
            "count": wider.count(),
            "selected": selected.values_list("pk", flat=True),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/petitions/signature/invalidate_confirm.html", context
        )

    # Exports of the list as it is filtered now.
    def get_urls(self) -> list[URLPattern]:
        urls = [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="petitions_signature_export",
            )
        ]
        return urls + super().get_urls()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        presets = [p for p in PRESETS.values() if preset_allowed(user=request.user, preset=p)]
        extra_context = {**(extra_context or {}), "export_presets": presets}
        return super().changelist_view(request, extra_context)

    def export_view(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "GET":
            return HttpResponse(status=405, headers={"Allow": "GET"})
        preset = PRESETS.get(request.GET.get("preset", "delivery"))
        if preset is None:
            return HttpResponseBadRequest("Unknown export preset.")
        if not self.has_view_permission(request) or not preset_allowed(
            user=request.user, preset=preset
        ):
            raise PermissionDenied
        consented_only = request.GET.get("consented") == "1"
        filters = {
            k: v for k, v in request.GET.items() if k not in {"preset", "consented", "o", "p"}
        }
        get = request.GET.copy()
        for key in ("preset", "consented"):
            get.pop(key, None)
        request.GET = get  # type: ignore[assignment]
        try:
            changelist = self.get_changelist_instance(request)
        except (IncorrectLookupParameters, DisallowedModelAdminLookup):
            return HttpResponseBadRequest("These filters are not valid for an export.")
        petition_id = request.GET.get("petition__id__exact")
        petition = Petition.objects.filter(pk=petition_id).first() if petition_id else None
        stream, log = signatures_export(
            queryset=changelist.queryset,
            preset=preset,
            user=request.user,
            petition=petition,
            filters=filters,
            consented_only=consented_only,
        )
        name = f"signatures-{petition.slug if petition else 'all'}-{preset.name}"
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        return csv_response(
            stream, filename=f"{name}-{stamp}.csv", headers={"X-Export-Log": str(log.pk)}
        )
