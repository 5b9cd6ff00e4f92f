from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from campaign import errors, views, webhooks

campaign_patterns = [
    path("", views.home, name="home"),
    path("appeals/", views.appeal_list, name="appeal_list"),
    path("appeals/<slug:slug>/", views.appeal_detail, name="appeal_detail"),
    path("figures/", views.figures, name="figures"),
    path("appeals/<slug:slug>/card.png", views.appeal_card, name="appeal_card"),
    path("privacy/", views.privacy, name="privacy"),
    path("about/", views.about, name="about"),
]

urlpatterns = [
    # For load balancers; the same in every language, so outside the language prefixes.
    path("healthz", views.healthz, name="healthz"),
    # The campaign's colour, logo and share picture: the same in every language.
    path("theme.css", views.theme_css, name="theme_css"),
    path("logo.svg", views.logo, name="logo"),
    path("favicon.ico", views.logo, name="favicon"),
    path("card.png", views.site_card, name="site_card"),
    # The language switcher posts here (Django's set_language: a cookie, then the same page).
    path("i18n/", include("django.conf.urls.i18n")),
    # The configured email provider's tracking webhook only (campaign/webhooks.py, README).
    path("anymail/<slug:esp>/tracking/", webhooks.anymail_tracking, name="anymail_tracking"),
    path(settings.ADMIN_URL, admin.site.urls),
    # The public pages in every language: English at /…, the others at /az/…, /fr/…
    # (docs/translations.md).
    *i18n_patterns(
        path("", include((campaign_patterns, "campaign"))),
        path("petitions/", include("petitions.urls")),
        path("letters/", include("letters.urls")),
        # The strings of our scripts in the page's language (locale/*/djangojs.po).
        path(
            "jsi18n/",
            JavaScriptCatalog.as_view(packages=["campaign"]),
            name="javascript-catalog",
        ),
        prefix_default_language=False,
    ),
]

# Error pages that never read the request body or run the CSRF check again (campaign/errors.py).
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
