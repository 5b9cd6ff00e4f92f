"""Public pages that are the same for every anonymous visitor, kept in the shared cache.

A surge (a link shared widely) is thousands of people reading the same petition page. What
every one of them sees is the same (the appeal's text, its figures and supporters, the counter
block, recent signers), except three values that must be each visitor's own: the CSRF token
of the form, the CSP nonce, and whatever a view declares (the signing form's `started`
value). So a page is rendered once with a placeholder ("hole") for each of those, kept in the
cache (settings.CACHES["default"]: Redis through CACHE_URL in production, shared by every
process and node; per-process memory by default), and each request fills the holes with its
own values. A request costs one cache read (or none: each process keeps what it served
in the last second) and a few string replacements.

Not cached, rendered as usual: anything but GET and HEAD, and requests that carry a session
or a pending message (staff signed in, a flash message), whose pages may differ per person.
A cached view's template must not read the query string or the user: the page is kept per
path and language only.

Each page is kept for the timeout its view gives (the refresh interval, for pages that show
a count). `page_cache_clear()` drops every page at once, by moving to a new version: the
admin calls it after every change an organiser makes, and `load_campaign` after loading
fixtures. Each process reads the current version from the cache at most once a second.
"""

from __future__ import annotations

import functools
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils.translation import get_language

CSRF_HOLE = "pagecache-hole-csrf-token"
NONCE_HOLE = "pagecache-hole-csp-nonce"
VERSION_KEY = "pagecache:version"
# Where the request carries the placeholders while its page is rendered for the cache.
HOLES_KEY = "campaign.page_holes"
type View = Callable[..., HttpResponse]
# How long a process trusts the version it read last (seconds).
VERSION_MEMO_SECONDS = 1.0

_version_lock = threading.Lock()
_version_memo: tuple[float, str] = (0.0, "")


def page_cache_version() -> str:
    """The current version of every cached page (read from the cache once a second)."""
    global _version_memo
    now = time.monotonic()
    expires, version = _version_memo
    if expires > now and version:
        return version
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(4)
        # Another process may have set one meanwhile: keep theirs.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    with _version_lock:
        _version_memo = (now + VERSION_MEMO_SECONDS, version)
    return version


def page_cache_clear() -> None:
    """Forget every cached page (content changed): a new version, in every process within 1 s."""
    global _version_memo
    cache.set(VERSION_KEY, secrets.token_hex(4), timeout=None)
    with _version_lock:
        _version_memo = (0.0, "")
    _local.clear()


# Each process also keeps the pages it served last for up to a second, which spares the
# shared cache a round trip (and the page's transfer) on most requests of a surge. A change
# reaches every process within that second: the key holds the version, read once a second.
LOCAL_SECONDS = 1.0
LOCAL_MAX = 200
_local: dict[str, tuple[float, Any]] = {}


def _local_get(key: str) -> Any:
    found = _local.get(key)
    if found is None or found[0] < time.monotonic():
        return None
    return found[1]


def _local_set(key: str, entry: Any) -> None:
    if len(_local) >= LOCAL_MAX:
        _local.clear()
    _local[key] = (time.monotonic() + LOCAL_SECONDS, entry)


def page_cacheable(request: HttpRequest) -> bool:
    """Whether this request gets the page every anonymous visitor gets."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def page_cache(
    *,
    timeout: Callable[[], float],
    holes: dict[str, Callable[[HttpRequest], str]] | None = None,
) -> Callable[[View], View]:
    """Decorate a view whose page is the same for every anonymous visitor: kept per path and
    language for `timeout()` seconds, each visitor's own values filled in per request.

    While the page is rendered for the cache, the request carries the placeholders (the
    `page_holes` context processor puts the CSRF token's and the CSP nonce's into every
    template); a view with holes of its own (`holes`: placeholder -> this request's value)
    puts its placeholders in the page when `rendering_for_cache(request)`.
    """

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not page_cacheable(request):
                return view(request, *args, **kwargs)
            cache_key = f"page:{page_cache_version()}:{get_language()}:{request.path}"
            entry = _local_get(cache_key)
            if entry is None:
                entry = cache.get(cache_key)
                if entry is not None:
                    _local_set(cache_key, entry)
            if entry is None:
                request.META[HOLES_KEY] = {"csrf_token": CSRF_HOLE, "csp_nonce": NONCE_HOLE}
                try:
                    response = view(request, *args, **kwargs)
                finally:
                    del request.META[HOLES_KEY]
                if response.status_code != 200 or response.streaming:
                    return response
                if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                    response.render()
                entry = (response.content.decode(response.charset), response["Content-Type"])
                cache.set(cache_key, entry, timeout())
                _local_set(cache_key, entry)
            content, content_type = entry
            if CSRF_HOLE in content:
                content = content.replace(CSRF_HOLE, get_token(request))
            if NONCE_HOLE in content:
                content = content.replace(NONCE_HOLE, str(getattr(request, "csp_nonce", "")))
            for hole, fill in (holes or {}).items():
                if hole in content:
                    content = content.replace(hole, fill(request))
            return HttpResponse(content, content_type=content_type)

        return wrapped

    return decorator


def page_holes(request: HttpRequest) -> dict[str, str]:
    """Context processor: the placeholders, while a page is rendered for the cache."""
    holes: dict[str, str] = request.META.get(HOLES_KEY, {})
    return holes


def rendering_for_cache(request: HttpRequest) -> bool:
    """Whether this rendering is kept for everyone: a view then puts its placeholders in."""
    return HOLES_KEY in request.META


def value_cached[T](*, key: str, timeout: float, compute: Callable[[], T]) -> T:
    """A value that is the same for everyone (count.json's), from the cache or computed."""
    cache_key = f"value:{page_cache_version()}:{key}"
    value: T | None = _local_get(cache_key)
    if value is not None:
        return value
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, timeout)
    _local_set(cache_key, value)
    return value
