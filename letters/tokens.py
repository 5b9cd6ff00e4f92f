"""Signed links in letter emails: confirm (expires) and the letter's status page."""

from datetime import timedelta

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "letters.letter.confirm"
STATUS_SALT = "letters.letter.status"


class TokenInvalid(Exception):
    pass


class TokenExpired(TokenInvalid):
    pass


def confirm_token_make(letter_id: int) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(letter_id))


def confirm_token_read(token: str) -> int:
    """The letter id in a confirm token; raises TokenExpired or TokenInvalid."""
    max_age = timedelta(days=settings.LETTERS_CONFIRMATION_DAYS)
    try:
        return int(signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=max_age))
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except (signing.BadSignature, ValueError) as error:
        raise TokenInvalid from error


def status_token_make(letter_id: int) -> str:
    return signing.Signer(salt=STATUS_SALT).sign(str(letter_id))


def status_token_read(token: str) -> int:
    try:
        return int(signing.Signer(salt=STATUS_SALT).unsign(token))
    except (signing.BadSignature, ValueError) as error:
        raise TokenInvalid from error
