"""Signature exports: the columns of each preset, the rows they cover, and the counts CSVs.

The admin and the management commands both call `signatures_export` and `counts_export`; the
streaming and the neutralising of formula-like cells are in campaign/exports.py.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, Func, QuerySet, TextField, Value, When
from django.db.models.functions import TruncDate

from campaign.exports import (
    Column,
    Neutralised,
    csv_stream,
    export_log_start,
    rows_stream,
)
from campaign.models import ExportLog
from petitions.models import CONFIRMED, CountryCount, Petition, Signature


class UTCText(Func):
    """A timestamp as 'YYYY-MM-DD HH:MM:SS' in UTC, the same on every server."""

    # A cast rather than to_char(), which costs about a second more per million rows.
    template = "date_trunc('second', %(expressions)s AT TIME ZONE 'UTC')::text"
    output_field = TextField()


def _utc(value: datetime.datetime | None) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _yes_no(field: str) -> Case:
    return Case(When(**{field: True}, then=Value("yes")), default=Value("no"))


COLUMNS: dict[str, Column] = {
    "petition": Column("petition", Neutralised(F("petition__slug")), lambda s: s.petition.slug),
    "name": Column("name", Neutralised(F("name")), lambda s: s.name),
    "email": Column("email", Neutralised(F("email")), lambda s: s.email),
    "country": Column("country", Neutralised(F("country")), lambda s: s.country),
    "postcode_or_town": Column(
        "postcode_or_town", Neutralised(F("postcode")), lambda s: s.postcode
    ),
    "consent_to_contact": Column(
        "consent_to_contact",
        _yes_no("consent_to_contact"),
        lambda s: "yes" if s.consent_to_contact else "no",
        is_text=False,
    ),
    "consent_text_version": Column(
        "consent_text_version",
        Neutralised(F("consent_text_version")),
        lambda s: s.consent_text_version,
    ),
    "show_name_publicly": Column(
        "show_name_publicly",
        _yes_no("show_name_publicly"),
        lambda s: "yes" if s.show_name_publicly else "no",
        is_text=False,
    ),
    "signed_at": Column(
        "signed_at_utc", UTCText(F("created_at")), lambda s: _utc(s.created_at), is_text=False
    ),
    "confirmed_at": Column(
        "confirmed_at_utc",
        UTCText(F("confirmed_at")),
        lambda s: _utc(s.confirmed_at),
        is_text=False,
    ),
    "invalidated_at": Column(
        "invalidated_at_utc",
        UTCText(F("invalidated_at")),
        lambda s: _utc(s.invalidated_at),
        is_text=False,
    ),
    "counted": Column(
        "counted", _yes_no("is_counted"), lambda s: "yes" if s.is_counted else "no", is_text=False
    ),
}


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    columns: tuple[str, ...]
    permission: str
    consented_only: bool = False


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in [
        Preset(
            "delivery",
            "Delivery list (names, countries, postcodes; no emails)",
            ("petition", "name", "country", "postcode_or_town", "signed_at", "confirmed_at"),
            "campaign.export_signatures",
        ),
        Preset(
            "full",
            "Full (with emails and consent)",
            (
                "petition",
                "name",
                "email",
                "country",
                "postcode_or_town",
                "consent_to_contact",
                "consent_text_version",
                "show_name_publicly",
                "signed_at",
                "confirmed_at",
                "invalidated_at",
                "counted",
            ),
            "campaign.export_personal_data",
        ),
        Preset(
            "contact",
            "Contact list (only signers who agreed to hear from the campaign)",
            (
                "petition",
                "name",
                "email",
                "country",
                "postcode_or_town",
                "consent_text_version",
                "signed_at",
            ),
            "campaign.export_personal_data",
            consented_only=True,
        ),
    ]
}


def preset_allowed(*, user: Any, preset: Preset) -> bool:
    return bool(user and user.has_perm(preset.permission))


def signatures_filter(
    *,
    petition: Petition | None = None,
    confirmed: bool | None = True,
    include_invalidated: bool = False,
    consented: bool = False,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Signature]:
    """The signatures an export covers, for the commands (the admin uses its own filters).

    Default: confirmed, not invalidated. `since` and `until` are signing dates, both included.
    """
    queryset = Signature.objects.all()
    if petition is not None:
        queryset = queryset.filter(petition=petition)
    if not include_invalidated:
        queryset = queryset.valid()
    if confirmed is not None:
        queryset = queryset.exclude(confirmed_at=None) if confirmed else queryset.unconfirmed()
    if consented:
        queryset = queryset.filter(consent_to_contact=True)
    if since:
        queryset = queryset.filter(created_at__date__gte=since)
    if until:
        queryset = queryset.filter(created_at__date__lte=until)
    return queryset


def signatures_export(
    *,
    queryset: QuerySet[Signature],
    preset: Preset,
    user: Any = None,
    source: str = ExportLog.Source.ADMIN,
    petition: Petition | None = None,
    filters: dict | None = None,
    consented_only: bool = False,
) -> tuple[Iterator[bytes], ExportLog]:
    """Start an export of the queryset's signatures as CSV; logged now, row count at the end."""
    consented_only = consented_only or preset.consented_only
    if consented_only:
        queryset = queryset.filter(consent_to_contact=True)
    filters = {**(filters or {}), **({"consented": True} if consented_only else {})}
    columns = [COLUMNS[name] for name in preset.columns]
    log = export_log_start(
        user=user,
        kind=ExportLog.Kind.SIGNATURES,
        source=source,
        preset=preset.name,
        petition=petition,
        filters=filters,
        columns=[column.header for column in columns],
    )
    queryset = queryset.select_related("petition")
    return csv_stream(queryset=queryset, columns=columns, log=log), log


COUNT_KINDS = {
    "day": ExportLog.Kind.COUNTS_BY_DAY,
    "country": ExportLog.Kind.COUNTS_BY_COUNTRY,
}


def counts_by_day(*, petition: Petition | None = None) -> list[tuple[str, str, int, int]]:
    """(petition, day, signed that day, confirmed that day) for valid signatures; two GROUP BYs."""
    valid = Signature.objects.valid()
    if petition is not None:
        valid = valid.filter(petition=petition)
    signed = (
        valid.annotate(day=TruncDate("created_at"))
        .values_list("petition__slug", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    confirmed = (
        valid.confirmed()
        .annotate(day=TruncDate("confirmed_at"))
        .values_list("petition__slug", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    days: dict[tuple[str, datetime.date], list[int]] = {}
    for slug, day, n in signed:
        days.setdefault((slug, day), [0, 0])[0] = n
    for slug, day, n in confirmed:
        days.setdefault((slug, day), [0, 0])[1] = n
    return [
        (slug, day.isoformat(), numbers[0], numbers[1])
        for (slug, day), numbers in sorted(days.items())
    ]


def counts_by_country(*, petition: Petition | None = None) -> list[tuple[str, str, int, int]]:
    """(petition, country, confirmed valid signatures, counted on the public counter)."""
    valid = Signature.objects.valid()
    counters = CountryCount.objects.all()
    if petition is not None:
        valid, counters = valid.filter(petition=petition), counters.filter(petition=petition)
    confirmed = (
        valid.values_list("petition__slug", "country")
        .annotate(n=Count("id", filter=CONFIRMED))
        .order_by()
    )
    rows: dict[tuple[str, str], list[int]] = {}
    for slug, country, n in confirmed:
        rows.setdefault((slug, country), [0, 0])[0] = n
    for slug, country, n in counters.values_list("petition__slug", "country", "count"):
        rows.setdefault((slug, country), [0, 0])[1] = n
    return [(slug, country, *numbers) for (slug, country), numbers in sorted(rows.items())]


COUNT_HEADERS = {
    "day": ("petition", "date_utc", "signed", "confirmed"),
    "country": ("petition", "country", "confirmed", "counted"),
}


def counts_export(
    *,
    by: str,
    petition: Petition | None = None,
    user: Any = None,
    source: str = ExportLog.Source.ADMIN,
) -> tuple[Iterator[bytes], ExportLog]:
    """Signature counts per petition and day, or per petition and country, as CSV; logged."""
    rows = (counts_by_day if by == "day" else counts_by_country)(petition=petition)
    header = COUNT_HEADERS[by]
    log = export_log_start(
        user=user,
        kind=COUNT_KINDS[by],
        source=source,
        petition=petition,
        filters={"petition": petition.slug} if petition else {},
        columns=header,
    )
    return rows_stream(header=header, rows=rows, log=log), log
