"""The project's URLs plus the floor view, for the petition benchmark only."""

from django.urls import path

from bench.petition_floor import floor_ok, floor_sign
from campaign.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench/floor-sign/", floor_sign),
    path("bench/floor-ok/", floor_ok),
    *project_urlpatterns,
]
