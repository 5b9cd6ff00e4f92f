"""Signed links in letter emails (see campaign.lib.tokens for the mechanism)."""

from datetime import timedelta

from django.conf import settings

from campaign.lib.tokens import TokenExpired, TokenInvalid, TokenKind

__all__ = ["TokenExpired", "TokenInvalid"]

CONFIRM = TokenKind(
    salt="letters.letter.confirm",
    max_age=lambda: timedelta(days=settings.LETTERS_CONFIRMATION_DAYS),
)
STATUS = TokenKind(salt="letters.letter.status")

confirm_token_make = CONFIRM.make
confirm_token_read = CONFIRM.read
status_token_make = STATUS.make
status_token_read = STATUS.read
