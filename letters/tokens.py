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

# "Did they reply?": one link per answer in each question email, "<letter id>:<ask>:<answer>".
REPLY = TokenKind(
    salt="letters.letter.reply",
    max_age=lambda: timedelta(days=settings.LETTERS_REPLY_LINK_DAYS),
)


def reply_token_make(*, letter_id: int, ask: int, answer: str) -> str:
    return REPLY.make(f"{letter_id}:{ask}:{answer}")


def reply_token_read(token: str) -> tuple[int, int, str]:
    """(letter id, ask, answer); raises TokenExpired or TokenInvalid."""
    try:
        letter_id, ask, answer = REPLY.read_text(token).split(":")
        return int(letter_id), int(ask), answer
    except ValueError as error:
        raise TokenInvalid from error
