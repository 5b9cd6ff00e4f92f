from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from campaign import views

campaign_patterns = [
    path("", views.home, name="home"),
    path("appeals/", views.appeal_list, name="appeal_list"),
    path("appeals/<slug:slug>/", views.appeal_detail, name="appeal_detail"),
    path("figures/", views.figures, name="figures"),
    path("appeals/<slug:slug>/card.png", views.appeal_card, name="appeal_card"),
    path("privacy/", views.privacy, name="privacy"),
    path("about/", views.about, name="about"),
    path("theme.css", views.theme_css, name="theme_css"),
    path("logo.svg", views.logo, name="logo"),
    path("favicon.ico", views.logo, name="favicon"),
    path("card.png", views.site_card, name="site_card"),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns = [
    path("", include((campaign_patterns, "campaign"))),
    path("petitions/", include("petitions.urls")),
    path("letters/", include("letters.urls")),
    # The email provider's tracking webhooks (authenticated and signed; see README).
    path("anymail/", include("anymail.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
