"""Factory functions for the tests: rows made directly, payloads for form posts, settings.

Fixtures (in the conftest modules) build on these; tests import them from here.
"""

import re
import time
from datetime import datetime, timedelta

from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone

from campaign.groups import DATA_MANAGER, ORGANISER, groups_setup
from campaign.models import Appeal, Figure, Signatory
from petitions.models import Petition, Signature
from petitions.tokens import started_token_make

# Tasks run inside the request (as with `make run`), on every queue the project uses.
IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "email"],
    }
}
# anymail's own test double: sent messages land in django.core.mail.outbox with ESP fields.
ANYMAIL_TEST_MAILER = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}


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


def letter_details(**overrides) -> dict:
    """A valid letter form post (the details step); override any field."""
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


def staff_user(username: str, group: str | None) -> User:
    groups_setup()
    user = User.objects.create_user(username, f"{username}@campaign.test", "pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def organiser() -> User:
    return staff_user("olga", ORGANISER)


def data_manager() -> User:
    return staff_user("dmitri", DATA_MANAGER)


def sign(
    petition: Petition,
    name: str,
    email: str | None = None,
    *,
    confirmed: bool = True,
    country: str = "AZ",
    postcode: str = "Baku",
    consent: bool = False,
    ip_hash: str | None = None,
    created_at: datetime | None = None,
) -> Signature:
    email = email or "".join(ch for ch in name.lower() if ch.isalnum()) + "@example.org"
    created_at = created_at or timezone.now() - timedelta(hours=1)
    return Signature.objects.create(
        petition=petition,
        name=name,
        email=email,
        email_canonical=email.lower(),
        country=country,
        postcode=postcode,
        consent_to_contact=consent,
        consent_text_version="v1" if consent else "",
        ip_hash=ip_hash,
        created_at=created_at,
        confirmed_at=created_at + timedelta(minutes=5) if confirmed else None,
    )
