import re

import pytest
from django.core import mail
from django.core.management import call_command

from letters.models import LetterTemplate, Recipient

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "email"],
    }
}
ANYMAIL_TEST_MAILER = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}


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


def details(**overrides) -> dict:
    data = {
        "step": "details",
        "sender_name": "Ann Lee",
        "sender_email": "ann.lee@example.org",
        "sender_address": "1 High Street\nExampleton",
        "sender_postcode": "EX1 1AA",
        "personal_paragraph": "My cousin's village is still mined.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def confirm_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/letters/confirm/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def outbox_to(address: str) -> list:
    return [m for m in mail.outbox if any(address in to for to in m.to)]
