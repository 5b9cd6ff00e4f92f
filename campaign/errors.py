"""The site's own error pages.

Django's default error views are wrapped in `requires_csrf_token`, which runs the CSRF check's
reading of the request body again. A body Django refuses to read (a form declaring a charset
other than UTF-8, a body over the size cap) then raises inside the error view itself, and the
client gets a 500. These views never touch the request body or the CSRF machinery: the 400, 403
and 404 pages render from the request's path only, and the 500 page is a template with no
template logic at all, rendered without a context, so nothing in it can fail.
"""

import sys
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation

# What a stopped, restarting or unreachable database raises: connection refused, the server
# closed the connection, too many connections, a failover in progress.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def error_page(
    template_name: str, *, status: int, context: dict[str, Any] | None = None
) -> HttpResponse:
    """A plain error page; no request context (no context processors, no CSRF token)."""
    return HttpResponse(
        loader.get_template(template_name).render(context or {}),
        status=status,
        content_type="text/html; charset=utf-8",
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page("400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page("403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 page in the visitor's language: a prefixed path's, or else the one the visitor
    chose (the language cookie) or their browser asks for, as the site's other pages do."""
    prefixed = translation.get_language_from_path(request.path_info)
    language = prefixed or translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        return error_page("404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database cannot be reached (called while the exception is handled).

    A stopped or unreachable PostgreSQL is an outage, not a bug: the visitor gets the site's
    own "try again in a minute" page with `Retry-After`, and a load balancer or client knows
    to come back. Nothing was half-saved: every write is one statement or one transaction.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        response = error_page("503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return error_page("500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token, or with an old one (CSRF_FAILURE_VIEW)."""
    return error_page("403_csrf.html", status=403)


def request_too_large() -> HttpResponse:
    """A request body over the documented cap (campaign.middleware.BodySizeLimitMiddleware)."""
    return error_page("413.html", status=413)
