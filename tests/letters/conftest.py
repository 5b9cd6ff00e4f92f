"""Fixtures for letter tests: the campaign's content, an MP, tasks run in the request."""

import pytest
from django.core.management import call_command

from letters.models import LetterTemplate, Recipient
from letters.representatives import http
from tests.factories import ANYMAIL_TEST_MAILER, IMMEDIATE_TASKS
from tests.letters.representatives.fake_api import FakeApi
from tests.letters.worker_process import smtp, workers  # noqa: F401 - fixtures


@pytest.fixture
def campaign_content(db):
    call_command("load_campaign", verbosity=0)


@pytest.fixture
def template(campaign_content) -> LetterTemplate:
    return LetterTemplate.objects.get(slug="open-letter")


@pytest.fixture
def mp(db) -> Recipient:
    return Recipient.objects.create(
        slug="jane-smith-exampleton",
        kind=Recipient.Kind.MEMBER_OF_PARLIAMENT,
        name="Jane Smith",
        title="MP",
        constituency="Exampleton North",
        country="United Kingdom",
        email="jane.smith@parliament.example",
    )


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run inside the request, as with `make run`: the whole flow in one test."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.MAILERS = ANYMAIL_TEST_MAILER


@pytest.fixture
def fake_api(monkeypatch, settings) -> FakeApi:
    """The APIs answered from recorded/ through a fake transport: no test touches the network."""
    settings.UK_PARLIAMENT_API_URL = "https://members-api.test"
    settings.REPRESENT_API_URL = "https://represent.test"
    settings.REPRESENTATIVES_API_RATE = "1000/1s"
    api = FakeApi()
    monkeypatch.setattr(http, "transport", api)
    return api
