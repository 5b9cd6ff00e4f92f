"""Signature exports: the columns of each preset, the rows they cover, and the counts CSVs.

The admin and the management commands both call `signatures_export` and `counts_export`; the
streaming (PostgreSQL's COPY) and the neutralising of formula-like cells are in
campaign/lib/csv.py, the export log in campaign/exports.py.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncDate

from campaign.exports import export_log_finish, export_log_start
from campaign.lib.csv import Column, Neutralised, UTCText, csv_stream, rows_stream, yes_no
from campaign.models import ExportLog
from petitions.models import CONFIRMED, CountryCount, Petition, Signature

COLUMNS: dict[str, Column] = {
    "petition": Column("petition", Neutralised(F("petition__slug"))),
    "name": Column("name", Neutralised(F("name"))),
    "email": Column("email", Neutralised(F("email"))),
    "country": Column("country", Neutralised(F("country"))),
    "postcode_or_town": Column("postcode_or_town", Neutralised(F("postcode"))),
    "consent_to_contact": Column("consent_to_contact", yes_no("consent_to_contact")),
    "consent_text_version": Column("consent_text_version", Neutralised(F("consent_text_version"))),
    "show_name_publicly": Column("show_name_publicly", yes_no("show_name_publicly")),
    "signed_at": Column("signed_at_utc", UTCText(F("created_at"))),
    "confirmed_at": Column("confirmed_at_utc", UTCText(F("confirmed_at"))),
    "invalidated_at": Column("invalidated_at_utc", UTCText(F("invalidated_at"))),
    "counted": Column("counted", yes_no("is_counted")),
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
    filters: dict[str, Any] | None = None,
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
    stream = csv_stream(
        queryset=queryset,
        columns=columns,
        on_finish=lambda rows: export_log_finish(log=log, rows=rows),
    )
    return stream, log


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
    return [
        (slug, country, numbers[0], numbers[1]) for (slug, country), numbers in sorted(rows.items())
    ]


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
    stream = rows_stream(
        header=header, rows=rows, on_finish=lambda count: export_log_finish(log=log, rows=count)
    )
    return stream, log
