"""Rate limits for signing, per client address per petition, kept in PostgreSQL.

Each attempt is one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` on a row per client and
fixed time window: atomic in the database, so the limit holds across gunicorn workers and
hosts, and only attempts from the same address ever touch the same row.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from campaign.models import RateLimitHit

RATE_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*([smh]?)\s*$")
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def rate_parse(value: str) -> Rate:
    """ "5/60s" -> Rate(5, 60); "100/1h" -> Rate(100, 3600). A limit of 0 turns the rate off."""
    match = RATE_PATTERN.match(value)
    if not match:
        raise ValueError(f"A rate looks like 5/60s or 50/1h, not {value!r}.")
    limit, count, unit = match.groups()
    seconds = int(count) * UNIT_SECONDS[unit]
    if seconds <= 0:
        raise ValueError(f"The window of {value!r} must be longer than 0 seconds.")
    return Rate(limit=int(limit), seconds=seconds)


def window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def rates_configured() -> list[Rate]:
    return rates_effective(
        [rate_parse(settings.PETITION_RATE_BURST), rate_parse(settings.PETITION_RATE_SUSTAINED)]
    )


def rates_effective(rates: list[Rate]) -> list[Rate]:
    """The rates that limit anything, one per window length."""
    by_window: dict[int, Rate] = {}
    for rate in rates:
        if rate.limit <= 0:
            continue
        # Two rates on one window would upsert one row twice in a statement; keep the stricter.
        if rate.seconds not in by_window or rate.limit < by_window[rate.seconds].limit:
            by_window[rate.seconds] = rate
    return list(by_window.values())


def rate_limit_hit(
    *, key: str, now: datetime | None = None, rates: list[Rate] | None = None
) -> bool:
    """Record one attempt for `key`; True while it is within every rate (default: signing's)."""
    rates = rates_configured() if rates is None else rates_effective(rates)
    if not rates:
        return True
    now = now or timezone.now()
    table = RateLimitHit._meta.db_table
    values = []
    params: list[str | int | datetime] = []
    for rate in rates:
        values.append("(%s, %s, %s, 1)")
        params += [key, rate.seconds, window_start(now, rate.seconds)]
    sql = (
        f"INSERT INTO {table} (key, window_seconds, window_start, hits) "  # noqa: S608
        f"VALUES {', '.join(values)} "
        "ON CONFLICT (key, window_seconds, window_start) "
        f"DO UPDATE SET hits = {table}.hits + 1 "
        "RETURNING window_seconds, hits"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        hits = dict(cursor.fetchall())
    return all(hits[rate.seconds] <= rate.limit for rate in rates)


def rate_limits_purge(*, before: datetime) -> int:
    """Delete the windows that started before `before`; returns how many rows went."""
    deleted, _ = RateLimitHit.objects.filter(window_start__lt=before).delete()
    return deleted
