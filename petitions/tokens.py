"""Signed links for the confirmation email: confirm (expires) and withdraw.

The token carries only the signature's id, signed with SECRET_KEY and a salt per purpose, so a
confirm link cannot be used to withdraw and neither can be forged or edited.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "petitions.signature.confirm"
WITHDRAW_SALT = "petitions.signature.withdraw"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def confirm_token_make(signature_id: int) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(signature_id))


def confirm_token_read(token: str) -> int:
    """The signature id in a confirm token; raises TokenExpired or TokenInvalid."""
    max_age = timedelta(days=settings.PETITION_CONFIRMATION_DAYS)
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except signing.BadSignature as error:
        raise TokenInvalid from error
    return int(value)


def withdraw_token_make(signature_id: int) -> str:
    # No expiry: a supporter may change their mind long after the confirmation link expired.
    return signing.Signer(salt=WITHDRAW_SALT).sign(str(signature_id))


def withdraw_token_read(token: str) -> int:
    try:
        return int(signing.Signer(salt=WITHDRAW_SALT).unsign(token))
    except signing.BadSignature as error:
        raise TokenInvalid from error


def started_token_make(now: float) -> str:
    """The time a form was served, signed, for the minimum-fill-time check."""
    return signing.Signer(salt="petitions.form.started").sign(f"{now:.3f}")


def started_token_read(token: str) -> float:
    try:
        return float(signing.Signer(salt="petitions.form.started").unsign(token))
    except (signing.BadSignature, ValueError) as error:
        raise TokenInvalid from error
