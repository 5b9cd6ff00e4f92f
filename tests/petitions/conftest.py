"""Fixtures for petition tests: a petition like the campaign's, and settings for signing."""

import pytest

from petitions.models import Petition
from tests.factories import IMMEDIATE_TASKS, make_petition


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
