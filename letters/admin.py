from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from letters.models import Letter, LetterTemplate, Recipient
from letters.services import CSV_COLUMNS, recipients_import_csv


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
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError(
                "The file is not UTF-8 text; save it as CSV UTF-8."
            ) from error


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "title", "organisation", "constituency", "country", "has_email"]
    list_filter = ["kind", "is_active", "country"]
    search_fields = ["name", "organisation", "constituency", "email"]
    readonly_fields = ["search_text"]
    prepopulated_fields = {"slug": ["name"]}
    change_list_template = "admin/letters/recipient/change_list.html"

    @admin.display(boolean=True, description="email")
    def has_email(self, recipient: Recipient) -> bool:
        return bool(recipient.email)

    def get_urls(self):
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


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "subject", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient_name", "status", "template", "sent_at", "attempts"]
    list_filter = ["status", "template", "recipient__kind"]
    date_hierarchy = "created_at"
    search_fields = ["recipient_name", "esp_message_id"]
    list_select_related = ["template"]
    readonly_fields = [field.name for field in Letter._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
