"""A client that behaves like a browser (CSRF enforced, errors answered, not raised)."""

import pytest
from django.core.management import call_command
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client

from letters.models import LetterTemplate, Recipient
from petitions.models import Petition


class BrowserLikeClient(Client):
    """CSRF checks on, a valid CSRF cookie, and `token` to put in a form."""

    def __init__(self) -> None:
        super().__init__(enforce_csrf_checks=True, raise_request_exception=False)
        self.csrf_secret = _get_new_csrf_string()
        self.cookies["csrftoken"] = self.csrf_secret

    @property
    def token(self) -> str:
        return _mask_cipher_secret(self.csrf_secret)


@pytest.fixture
def browser_client() -> BrowserLikeClient:
    return BrowserLikeClient()


@pytest.fixture
def campaign_content(db) -> None:
    call_command("load_campaign", verbosity=0)


@pytest.fixture
def petition(campaign_content) -> Petition:
    return Petition.objects.get()


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
        email="jane.smith@parliament.example",
    )
