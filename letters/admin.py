from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from campaign.lib.permissions import PERSONAL_DATA
from letters.models import (
    AllowedDomain,
    Letter,
    LetterTemplate,
    LetterTemplateVersion,
    Recipient,
    RecipientQuerySet,
)
from letters.representatives import PROVIDER_KEYS
from letters.services import CSV_COLUMNS, letter_template_revise, recipients_import_csv


class RecipientImportForm(forms.Form):
    csv_file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, with a header row: " + ", ".join(CSV_COLUMNS) + ".",
    )

    def clean_csv_file(self) -> str:
        upload = self.cleaned_data["csv_file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 5 MB; split it.")
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                "The file is not UTF-8 text; save it as CSV UTF-8."
            ) from error


class ContactRouteFilter(admin.SimpleListFilter):
    """Which way a letter reaches the recipient: organisers add the published ones."""

    title = "contact route"
    parameter_name = "route"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [
            ("none", "No route (add a published one)"),
            ("email", "Email"),
            ("form", "Contact form, no email"),
            ("post", "Postal address only"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        match self.value():
            case "none":
                return cast(RecipientQuerySet, queryset).without_route()
            case "email":
                return queryset.exclude(email="")
            case "form":
                return queryset.filter(email="").exclude(contact_url="")
            case "post":
                return queryset.filter(email="", contact_url="").exclude(postal_address="")
        return queryset


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin[Any]):
    list_display = ["name", "kind", "title", "organisation", "constituency", "country", "route"]
    list_filter = [ContactRouteFilter, "kind", "is_active", "country", "provider"]
    search_fields = ["name", "organisation", "constituency", "email"]
    readonly_fields = ["search_text", "provider", "external_id"]
    fieldsets = [
        (None, {"fields": ["slug", "kind", "name", "title", "organisation", "party"]}),
        ("Where", {"fields": ["constituency", "country", "postcodes"]}),
        (
            "How to reach them (only what they publish)",
            {
                "fields": [
                    "email",
                    "contact_url",
                    "postal_address",
                    "website",
                    "contact_source_url",
                    "contact_checked_on",
                    "contact_note",
                ]
            },
        ),
        (None, {"fields": ["source_note", "is_active", "provider", "external_id", "search_text"]}),
    ]
    prepopulated_fields = {"slug": ["name"]}
    change_list_template = "admin/letters/recipient/change_list.html"

    @admin.display(description="contact route")
    def route(self, recipient: Recipient) -> str:
        if recipient.email:
            return "email"
        if recipient.contact_url:
            return "contact form"
        if recipient.postal_address:
            return "post"
        return "none"

    # Letters per recipient (issue 5): counted in the list's one query, linked to the letters.
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        recipients: QuerySet[Any] = (
            super()
            .get_queryset(request)
            .annotate(
                letters_sent=Count("letters", filter=Q(letters__status__in=Letter.SENT_STATUSES)),
                letters_all=Count("letters"),
            )
        )
        return recipients

    def get_list_display(self, request: HttpRequest) -> Any:
        return [*super().get_list_display(request), "sent", "all_letters"]

    @admin.display(description="letters sent", ordering="letters_sent")
    def sent(self, recipient: Recipient) -> int:
        return int(recipient.letters_sent)  # type: ignore[attr-defined]

    @admin.display(description="all letters", ordering="letters_all")
    def all_letters(self, recipient: Recipient) -> str:
        url = reverse("admin:letters_letter_changelist") + f"?recipient__id__exact={recipient.pk}"
        return format_html('<a href="{}">{}</a>', url, recipient.letters_all)  # type: ignore[attr-defined]

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="letters_recipient_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        report = None
        status = 200
        if request.method == "POST":
            form = RecipientImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = recipients_import_csv(text=form.cleaned_data["csv_file"])
                messages.info(request, f"Import: {report.summary()}.")
                if not report.rejected:
                    return redirect("admin:letters_recipient_changelist")
            else:
                status = 400
        else:
            form = RecipientImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import recipients from CSV",
            "form": form,
            "report": report,
        }
        return TemplateResponse(
            request, "admin/letters/recipient/import.html", context, status=status
        )


class LetterTemplateForm(forms.ModelForm[LetterTemplate]):
    class Meta:
        model = LetterTemplate
        fields = ["slug", "name", "appeal", "subject", "body", "postcode_lookup", "is_active"]

    def clean_postcode_lookup(self) -> str:
        keys = [k.strip() for k in self.cleaned_data["postcode_lookup"].split(",") if k.strip()]
        unknown = [k for k in keys if k not in PROVIDER_KEYS]
        if unknown:
            known = ", ".join(PROVIDER_KEYS)
            raise forms.ValidationError(
                f"Unknown: {', '.join(unknown)}. Use {known}, separated by commas."
            )
        return ",".join(keys)


class LetterTemplateVersionInline(admin.TabularInline[Any, Any]):
    """The versions a revision replaced: the history, read-only."""

    model = LetterTemplateVersion
    fields = ["version", "subject", "body", "replaced_at"]
    readonly_fields = ["version", "subject", "body", "replaced_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin[Any]):
    """Editing the subject or text publishes a revised version; the one before is kept."""

    form = LetterTemplateForm
    list_display = ["name", "slug", "version", "subject", "postcode_lookup", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["version"]
    inlines = [LetterTemplateVersionInline]

    def save_model(
        self, request: HttpRequest, obj: LetterTemplate, form: Any, change: bool
    ) -> None:
        if change and {"subject", "body"} & set(form.changed_data):
            revised = (obj.subject, obj.body)
            original = LetterTemplate.objects.get(pk=obj.pk)
            obj.subject, obj.body = original.subject, original.body
            super().save_model(request, obj, form, change)
            letter_template_revise(template=obj, subject=revised[0], body=revised[1])
            self.message_user(request, f"Published version {obj.version} of “{obj}”.")
            return
        super().save_model(request, obj, form, change)


LETTER_PERSONAL_FIELDS = {
    "sender_email",
    "sender_email_canonical",
    "sender_address",
    "sender_postcode",
    "body",
    "ip_hash",
}


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin[Any]):
    list_display = ["created_at", "recipient_name", "status", "template", "sent_at", "attempts"]
    list_filter = ["status", "template", "recipient__kind", "sent_at"]
    date_hierarchy = "created_at"
    search_fields = ["recipient_name", "esp_message_id"]
    list_select_related = ["template"]
    readonly_fields = [field.name for field in Letter._meta.fields]

    # The sender's address, email, letter text and IP hash only for staff who may see personal
    # data (campaign.view_personal_data, the "data manager" group); others see names, recipients
    # and statuses.
    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = [field.name for field in Letter._meta.fields]
        if request.user.has_perm(PERSONAL_DATA):
            return fields
        return [name for name in fields if name not in LETTER_PERSONAL_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        if lookup.split("__", 1)[0] in LETTER_PERSONAL_FIELDS and not (
            request.user.has_perm(PERSONAL_DATA)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AllowedDomain)
class AllowedDomainAdmin(admin.ModelAdmin[Any]):
    """Domains a supporter may type an address on and have the site send to (parliaments')."""

    list_display = ["domain", "note", "created_at"]
    search_fields = ["domain", "note"]
    readonly_fields = ["created_at"]

    def save_model(self, request: HttpRequest, obj: AllowedDomain, form: Any, change: bool) -> None:
        obj.domain = obj.domain.strip().lstrip("@").rstrip(".").lower()
        super().save_model(request, obj, form, change)
