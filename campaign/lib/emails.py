"""Emails built from three templates: `emails/<name>-subject.txt`, `-body.txt`, `-body.html`."""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def email_build(
    *,
    name: str,
    context: dict[str, Any],
    to: list[str],
    subject: str | None = None,
    from_email: str | None = None,
    **options: Any,
) -> EmailMultiAlternatives:
    """An email with a text and an HTML part; the subject from its template unless given.

    `options` go to EmailMultiAlternatives as they are (cc, reply_to, headers).
    """
    if subject is None:
        subject = render_to_string(f"emails/{name}-subject.txt", context)
    message = EmailMultiAlternatives(
        # A subject is one line: a template's line breaks (or a header injection) go.
        subject=" ".join(subject.split()),
        body=render_to_string(f"emails/{name}-body.txt", context),
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        **options,
    )
    message.attach_alternative(render_to_string(f"emails/{name}-body.html", context), "text/html")
    return message
