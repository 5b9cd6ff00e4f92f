"""Logs: a request id on every line, JSON lines when asked, one line per request.

Every request gets an id: the proxy's `X-Request-ID` when it sends a sane one (Caddy does, see
the Caddyfile), a new one otherwise. It is sent back in the response's `X-Request-ID`, put on
every log line written while the request runs, and stored with the rows the worker will
process for it (a signature's confirmation email, a confirmed letter), so the worker's lines
about them carry the same id (`request_id_bound`).

LOG_FORMAT=json writes each line as one JSON object (time, level, logger, message, request_id,
and the fields a line was given); LOG_REQUESTS (default: on with JSON) adds one line per
request with its method, path, status and duration.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
INCOMING = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
request_logger = logging.getLogger("campaign.request")

# Attributes every LogRecord has; anything else on a record was passed in `extra`.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


def request_id_current() -> str:
    return request_id_var.get()


@contextlib.contextmanager
def request_id_bound(request_id: str) -> Iterator[None]:
    """Log lines written inside carry `request_id` (the worker, for a row a request made)."""
    token = request_id_var.set(request_id or "")
    try:
        yield
    finally:
        request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (an empty string outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
        }
        line |= {
            key: value
            for key, value in record.__dict__.items()
            if key not in _STANDARD and not key.startswith("_")
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class RequestIdMiddleware:
    """Gives each request its id (first in MIDDLEWARE) and logs it when LOG_REQUESTS is on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if INCOMING.match(incoming) else uuid.uuid4().hex
        started = time.perf_counter()
        with request_id_bound(request_id):
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if settings.LOG_REQUESTS:
                request_logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
        return response
