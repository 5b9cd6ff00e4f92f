"""The visitor's language: which one a page is in, the same page in the others, the first visit.

English, the source language, lives at the unprefixed URLs (/petitions/…); the others at
/az/petitions/…, /fr/petitions/… (i18n_patterns with prefix_default_language=False). A URL with
a prefix is always in its language, so a shared link opens in the sharer's language. An
unprefixed URL opened by a browser goes to the visitor's language when it is not English: the
one they chose with the switcher (a cookie), else the first their browser asks for.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import get_script_prefix, get_urlconf, is_valid_path, translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.formats import get_format
from django.utils.functional import SimpleLazyObject


def language_prefixed(path: str) -> bool:
    return translation.get_language_from_path(path) is not None


def visitor_language(request: HttpRequest) -> str:
    """The language the visitor chose (cookie), else the one their browser prefers, else English."""
    return translation.get_language_from_request(request, check_path=False)


def wants_page(request: HttpRequest) -> bool:
    """A browser navigating to a page (it asks for HTML), not a script, a probe or an API call."""
    return request.method in ("GET", "HEAD") and "text/html" in request.headers.get("Accept", "")


class LanguageRedirectMiddleware:
    """Sends a browser from an unprefixed page to the same page in the visitor's language.

    Only pages that exist in every language are redirected (not the admin, webhooks, /healthz);
    count.json and other scripted requests never are, since they do not ask for HTML.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if language_prefixed(path):
            return self.get_response(request)
        if wants_page(request):
            language = visitor_language(request)
            if language != settings.LANGUAGE_CODE:
                prefixed = f"/{language}{path}"
                with translation.override(language):
                    exists = is_valid_path(prefixed, getattr(request, "urlconf", get_urlconf()))
                if exists:
                    query = request.META.get("QUERY_STRING", "")
                    location = get_script_prefix().rstrip("/") + prefixed
                    redirect = HttpResponseRedirect(location + (f"?{query}" if query else ""))
                    patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
                    return redirect
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            # A browser with another cookie or Accept-Language is sent elsewhere from here.
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


@dataclass(frozen=True)
class Alternate:
    code: str
    name: str
    path: str
    url: str
    current: bool
    default: bool  # also the x-default: the unprefixed URL, whose language is negotiated


def page_alternates(request: HttpRequest) -> list[Alternate]:
    """This page in every language (absolute URLs), or nothing for a page that has no others."""
    path = request.path
    current = translation.get_language()
    urls = {code: translate_url(path, code) for code, _ in settings.LANGUAGES}
    if len(set(urls.values())) < len(urls):
        return []  # not a translated page (the admin, an error on an unknown path)
    # Without the query string: pages are cached per path and language (campaign/lib/pagecache).
    return [
        Alternate(
            code=code,
            name=name,
            path=urls[code],
            url=settings.SITE_URL + urls[code],
            current=code == current,
            default=code == settings.LANGUAGE_CODE,
        )
        for code, name in settings.LANGUAGES
    ]


def alternates(request: HttpRequest) -> dict[str, object]:
    """Template context: `language_alternates`, worked out only if a template reads it,
    `document_language`, the language the campaign's documents are in (for `lang`), and the
    page language's thousand separator."""
    return {
        "language_alternates": SimpleLazyObject(lambda: page_alternates(request)),
        "document_language": settings.LANGUAGE_CODE,
        # For scripts that write numbers as the page does (petition-counter.js).
        "thousand_separator": get_format("THOUSAND_SEPARATOR"),
    }
