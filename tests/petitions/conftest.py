"""Fixtures for petition tests: a petition like the campaign's, and helpers to sign it."""

import time

import pytest

from campaign.models import Appeal, Figure, Signatory
from petitions.models import Petition
from petitions.tokens import started_token_make

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "email"],
    }
}


def make_petition(slug: str = "release-the-landmine-maps", **overrides) -> Petition:
    appeal = Appeal.objects.create(
        slug=f"{slug}-appeal",
        kind=Appeal.Kind.PETITION,
        title="Urge Armenia release the map of landmines",
        body="Help us to save lives.\n\nSigning this petition adds your voice.",
    )
    Figure.objects.create(
        appeal=appeal,
        key="deaths",
        measure="Azerbaijani citizens killed by mines",
        value=20,
        unit="people",
        value_text="20",
    )
    Signatory.objects.create(appeal=appeal, position=1, name="Umud Mirzayev", role="President")
    return Petition.objects.create(slug=slug, appeal=appeal, goal=15000, **overrides)


@pytest.fixture
def petition(db) -> Petition:
    return make_petition()


@pytest.fixture
def immediate_tasks(settings) -> None:
    """Run tasks (the confirmation email) inside the request, so mailoutbox receives them."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def no_fill_delay(settings) -> None:
    settings.PETITION_MIN_FILL_SECONDS = 0


def sign_payload(**overrides) -> dict:
    """A valid signing form post; override any field."""
    data = {
        "name": "Leyla Aliyeva",
        "email": "leyla@example.org",
        "country": "AZ",
        "postcode": "Baku",
        "website": "",
        "started": started_token_make(time.time() - 60),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
