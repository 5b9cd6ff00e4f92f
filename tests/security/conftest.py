"""A client that behaves like a browser (CSRF enforced, errors answered, not raised)."""

import pytest
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client


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
