"""Emails built from three templates: `emails/<name>-subject.txt`, `-body.txt`, `-body.html`."""

import secrets
import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import conditional_escape


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


# Rendered parts per (template name, key), each with placeholders for its per-recipient values.
_RENDERED_MAX = 256
_rendered: dict[tuple[str, Hashable], tuple[str, str, str, dict[str, str]]] = {}
_rendered_lock = threading.Lock()


def email_build_filled(
    *,
    name: str,
    key: Hashable,
    values: dict[str, str],
    context: Callable[[dict[str, str]], dict[str, Any]],
    to: list[str],
    **options: Any,
) -> EmailMultiAlternatives:
    """`email_build` for an email sent to many, rendered once per `key` and filled per person.

    `values` are the per-recipient strings (a first name, a signed link); `context(values)`
    the template context built from them. The three templates are rendered once per `key`
    (which must name everything else that can differ: the language, the petition, its title)
    with a placeholder for each value, then each email fills them in: as they are in the
    subject and the text part (templates with autoescape off), HTML-escaped in the HTML part,
    as the templates themselves would. A confirmation drain so builds an email in a few
    string replacements instead of three template renderings (docs/benchmarks.md).
    """
    cached = _rendered.get((name, key))
    if cached is None:
        holes = {field: f"emailhole{secrets.token_hex(6)}" for field in values}
        full = context(holes)
        parts = (
            render_to_string(f"emails/{name}-subject.txt", full),
            render_to_string(f"emails/{name}-body.txt", full),
            render_to_string(f"emails/{name}-body.html", full),
        )
        if all(hole in "".join(parts) for hole in holes.values()) or not holes:
            cached = (*parts, holes)
            with _rendered_lock:
                if len(_rendered) >= _RENDERED_MAX:
                    _rendered.clear()
                _rendered[(name, key)] = cached
        else:  # a value a template transforms (a filter): render this email in full
            return email_build(name=name, context=context(values), to=to, **options)
    subject, text, html, holes = cached
    for field, hole in holes.items():
        value = values[field]
        subject = subject.replace(hole, value)
        text = text.replace(hole, value)
        html = html.replace(hole, str(conditional_escape(value)))
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=options.pop("from_email", None) or settings.DEFAULT_FROM_EMAIL,
        to=to,
        **options,
    )
    message.attach_alternative(html, "text/html")
    return message
