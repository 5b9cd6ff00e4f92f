"""The petition's signed links and form values (see campaign.lib.tokens for the mechanism)."""

import hashlib
import hmac
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
# The time a form was served, for the minimum-fill-time check. It expires, and is bound to
# the browser's CSRF cookie, so one harvested value can't be replayed at scale.
STARTED = TokenKind(
    salt="petitions.form.started",
    max_age=lambda: timedelta(hours=settings.PETITION_FORM_MAX_AGE_HOURS),
)

confirm_token_make = CONFIRM.make
confirm_token_read = CONFIRM.read
withdraw_token_make = WITHDRAW.make
withdraw_token_read = WITHDRAW.read


def form_binding(csrf_secret: str) -> str:
    """What a started value is bound to: a hash of the CSRF cookie's secret ("" without one).

    A POST without a CSRF cookie never reaches a view (the CSRF check refuses it), so an empty
    binding only ever serves clients that skip that check, like the test client.
    """
    if not csrf_secret:
        return ""
    return hashlib.sha256(f"petitions.form.started:{csrf_secret}".encode()).hexdigest()[:24]


def started_token_make(now: float, *, binding: str = "") -> str:
    return STARTED.make(f"{now:.3f}:{binding}")


def started_token_read(token: str, *, binding: str = "") -> float:
    """When the form was served; TokenExpired when too old, TokenInvalid when forged, or bound
    to another browser's CSRF cookie."""
    value = STARTED.read_text(token)
    started, _, bound_to = value.partition(":")
    if not hmac.compare_digest(bound_to, binding):
        raise TokenInvalid
    try:
        return float(started)
    except ValueError as error:
        raise TokenInvalid from error
