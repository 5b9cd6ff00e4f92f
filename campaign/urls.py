from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from campaign import views

campaign_patterns = [
    path("", views.home, name="home"),
    path("appeals/", views.appeal_list, name="appeal_list"),
    path("appeals/<slug:slug>/", views.appeal_detail, name="appeal_detail"),
    path("figures/", views.figures, name="figures"),
    path("privacy/", views.privacy, name="privacy"),
]

urlpatterns = [
    # For load balancers; the same in every language, so outside the language prefixes.
    path("healthz", views.healthz, name="healthz"),
    # The language switcher posts here (Django's set_language: a cookie, then the same page).
    path("i18n/", include("django.conf.urls.i18n")),
    # The email provider's tracking webhooks (authenticated and signed; see README).
    path("anymail/", include("anymail.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    # The public pages in every language: English at /…, the others at /az/…, /fr/…
    # (docs/translations.md).
    *i18n_patterns(
        path("", include((campaign_patterns, "campaign"))),
        path("petitions/", include("petitions.urls")),
        path("letters/", include("letters.urls")),
        path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
        prefix_default_language=False,
    ),
]
