"""The petition's signed links and form values (see campaign.lib.tokens for the mechanism)."""

from datetime import timedelta

from django.conf import settings

from campaign.lib.tokens import TokenExpired, TokenInvalid, TokenKind

__all__ = ["TokenExpired", "TokenInvalid"]

CONFIRM = TokenKind(
    salt="petitions.signature.confirm",
    max_age=lambda: timedelta(days=settings.PETITION_CONFIRMATION_DAYS),
)
# No expiry: a supporter may change their mind long after the confirmation link expired.
WITHDRAW = TokenKind(salt="petitions.signature.withdraw")
# The time a form was served, for the minimum-fill-time check.
STARTED = TokenKind(salt="petitions.form.started")

confirm_token_make = CONFIRM.make
confirm_token_read = CONFIRM.read
withdraw_token_make = WITHDRAW.make
withdraw_token_read = WITHDRAW.read


def started_token_make(now: float) -> str:
    return STARTED.make(f"{now:.3f}")


def started_token_read(token: str) -> float:
    try:
        return float(STARTED.read_text(token))
    except ValueError as error:
        raise TokenInvalid from error
