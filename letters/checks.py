"""System checks of the letters' content (`manage.py check`): templates that age badly."""

from typing import Any

from django.core.checks import CheckMessage, Warning, register
from django.db import DatabaseError
from django.utils import timezone


def stale_templates() -> list[tuple[str, list[str]]]:
    """Active templates written over a year ago that speak in relative time: (slug, words)."""
    from letters.dating import relative_time_words, speaks_stale_relative_time
    from letters.models import LetterTemplate

    today = timezone.localdate()
    found = []
    for template in LetterTemplate.objects.filter(is_active=True).select_related("appeal"):
        written = template.appeal.date if template.appeal else None
        if speaks_stale_relative_time(template.body, written=written, today=today):
            found.append((template.slug, relative_time_words(template.body)))
    return found


@register("letters")
def letter_templates_speak_in_relative_time(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """letters.W001: the open letter of 2021 says "last year" to a reader of today."""
    try:
        stale = stale_templates()
    except DatabaseError:
        return []  # no database yet (before migrate, or none reachable): nothing to check
    return [
        Warning(
            f"Letter template {slug!r} was written over a year ago and speaks in relative "
            f"time ({', '.join(repr(w) for w in words)}).",
            hint="Publish a revised version in the admin (Letter templates), with dates "
            "instead of relative words; the write page tells supporters when it was written "
            "meanwhile.",
            obj=slug,
            id="letters.W001",
        )
        for slug, words in stale
    ]
