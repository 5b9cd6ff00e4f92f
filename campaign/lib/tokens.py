"""Signed tokens for links in emails, with one exception hierarchy for every app.

A token carries an id signed with SECRET_KEY and a salt per purpose, so a link made for one
purpose (confirm) can't be used for another (withdraw), and none can be forged or edited.
A kind with a maximum age is timestamped; one without never expires.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils import translation


class TokenInvalid(Exception):
    """Forged, edited, or not a token at all."""


class TokenExpired(TokenInvalid):
    """Genuine, but older than its kind allows."""


@dataclass(frozen=True)
class TokenKind:
    salt: str
    # Read when a token is checked, so a setting changed in a test or at runtime applies.
    max_age: Callable[[], timedelta] | None = None

    def _signer(self) -> signing.Signer:
        if self.max_age is None:
            return signing.Signer(salt=self.salt)
        return signing.TimestampSigner(salt=self.salt)

    def make(self, value: int | str) -> str:
        return self._signer().sign(str(value))

    def read_text(self, token: str) -> str:
        """The value in a token; raises TokenExpired or TokenInvalid."""
        try:
            if self.max_age is None:
                return signing.Signer(salt=self.salt).unsign(token)
            return signing.TimestampSigner(salt=self.salt).unsign(token, max_age=self.max_age())
        except signing.SignatureExpired as error:
            raise TokenExpired from error
        except signing.BadSignature as error:
            raise TokenInvalid from error

    def read(self, token: str) -> int:
        """The id in a token; raises TokenExpired or TokenInvalid."""
        try:
            return int(self.read_text(token))
        except ValueError as error:
            raise TokenInvalid from error


@functools.cache
def _token_path_template(name: str, language: str | None) -> str:
    return reverse(name, kwargs={"token": "TOKEN-PLACEHOLDER"})


def token_path(name: str, token: str) -> str:
    """reverse(name, kwargs={"token": token}), reversed once per language (a drain builds
    thousands of links; the token is URL-safe, so the placeholder's place is all that varies)."""
    return _token_path_template(name, translation.get_language()).replace(
        "TOKEN-PLACEHOLDER", token
    )
