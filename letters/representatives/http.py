"""Outgoing calls to the representatives APIs: one place for their manners.

Every call: a 3 s timeout (REPRESENTATIVES_API_TIMEOUT), a User-Agent that names the site, no
retry inside a request, our own rate per API across all processes (REPRESENTATIVES_API_RATE,
counted in PostgreSQL), and a 429 or 503 honoured: the API's Retry-After (60 s when it gives
none) is written to ProviderBackoff and no call goes out before it has passed. Any failure
raises ProviderUnavailable, which the pages turn into the manual path.

The standard library's urllib is enough for one GET with a timeout and a header; it adds no
dependency to the web process. `transport` is the one function that touches the network, so the
tests replace it with a fake that replays recorded answers.
"""

import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from campaign.lib.ratelimit import rate_limit_hit, rate_parse
from campaign.selectors import campaign_name
from letters.models import ProviderBackoff

logger = logging.getLogger("letters.representatives")

DEFAULT_RETRY_AFTER = timedelta(seconds=60)
MAX_RETRY_AFTER = timedelta(hours=24)
MAX_BODY = 5 * 1024 * 1024
BACK_OFF_STATUSES = {429: "429 Too Many Requests", 503: "503 Service Unavailable"}


class ProviderUnavailable(Exception):
    """The API could not answer usefully now (down, slow, limited, or nonsense)."""


class NotFound(Exception):
    """The API does not know this postcode."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def urllib_transport(url: str, *, headers: dict[str, str], timeout: float) -> Response:
    """One GET; raises OSError (timeouts included) when no answer came."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) from settings
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return Response(answer.status, answer.read(MAX_BODY), dict(answer.headers.items()))
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read(MAX_BODY), dict(error.headers.items()))


transport = urllib_transport

# A scheduled job (sync_representatives) waits for our own rate instead of giving up; a
# supporter's request never waits.
_patient: ContextVar[bool] = ContextVar("representatives_patient", default=False)


@contextmanager
def patient() -> Iterator[None]:
    token = _patient.set(True)
    try:
        yield
    finally:
        _patient.reset(token)


def provider_rate(provider: str) -> str:
    """Our call rate for one API: its published limit where it has one, else the default."""
    if provider == "ca-commons":
        return settings.REPRESENT_API_RATE
    return settings.REPRESENTATIVES_API_RATE


def our_rate_allows(provider: str) -> bool:
    rate = rate_parse(provider_rate(provider))
    for _ in range(600 if _patient.get() else 1):
        if rate_limit_hit(key=f"representatives-api:{provider}", rates=[rate]):
            return True
        if _patient.get():
            time.sleep(min(rate.seconds, 5) / 5)
    return False


def user_agent() -> str:
    return f"{campaign_name()} letters ({settings.SITE_URL}; finds a supporter's MP)"


def retry_after(value: str | None, now: datetime) -> timedelta:
    if not value:
        return DEFAULT_RETRY_AFTER
    value = value.strip()
    if value.isdigit():
        delay = timedelta(seconds=int(value))
    else:
        try:
            delay = parsedate_to_datetime(value) - now
        except (TypeError, ValueError):
            return DEFAULT_RETRY_AFTER
    return min(max(delay, timedelta(seconds=1)), MAX_RETRY_AFTER)


def backoff_until(provider: str) -> datetime | None:
    row = ProviderBackoff.objects.filter(provider=provider, not_before__gt=timezone.now()).first()
    return row.not_before if row else None


def json_get(*, provider: str, url: str, not_found: tuple[int, ...] = (404,)) -> Any:
    """The JSON an API answers at `url`; NotFound for `not_found` statuses."""
    now = timezone.now()
    if until := backoff_until(provider):
        raise ProviderUnavailable(f"{provider} asked us to wait until {until:%H:%M:%S}")
    if not our_rate_allows(provider):
        logger.warning("%s: our own call rate is reached; no call goes out.", provider)
        raise ProviderUnavailable(f"{provider}: our call rate is reached")
    headers = {"User-Agent": user_agent(), "Accept": "application/json"}
    try:
        response = transport(url, headers=headers, timeout=settings.REPRESENTATIVES_API_TIMEOUT)
    except (OSError, http.client.HTTPException, ValueError) as error:
        # OSError: refused, reset, timed out; HTTPException: a broken status line or a body cut
        # short; ValueError: a URL urllib refuses (a bad *_API_URL setting).
        logger.warning("%s: no answer from %s: %s", provider, url, error)
        raise ProviderUnavailable(f"{provider}: no answer") from error
    if response.status in BACK_OFF_STATUSES:
        # 429 says we asked too often; 503 that the API is overloaded or down for maintenance
        # (Represent answers 503 when it is busy): either way, calling again at once only adds
        # load, so no call goes out before its Retry-After (60 s when it gives none).
        lower = {key.lower(): value for key, value in response.headers.items()}
        until = now + retry_after(lower.get("retry-after"), now)
        reason = BACK_OFF_STATUSES[response.status]
        ProviderBackoff.objects.update_or_create(
            provider=provider, defaults={"not_before": until, "reason": reason}
        )
        logger.warning(
            "%s answered %s: no calls before %s.", provider, response.status, until.isoformat()
        )
        raise ProviderUnavailable(f"{provider}: {reason}")
    if response.status in not_found:
        raise NotFound(url)
    if response.status != 200:
        logger.warning("%s answered %s for %s.", provider, response.status, url)
        raise ProviderUnavailable(f"{provider}: status {response.status}")
    try:
        return json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        logger.warning("%s answered something that is not JSON for %s.", provider, url)
        raise ProviderUnavailable(f"{provider}: not JSON") from error
