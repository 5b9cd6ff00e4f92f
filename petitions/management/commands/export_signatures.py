import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaign.models import ExportLog
from petitions.exports import PRESETS, signatures_export, signatures_filter
from petitions.models import Petition


def parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date like 2026-11-22.") from error


class Command(BaseCommand):
    help = (
        "Export a petition's confirmed, valid signatures as CSV (the same export as the admin's), "
        "for a scheduled job. Recorded in the export log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--petition", required=True, help="The petition's slug.")
        parser.add_argument("--out", required=True, help="The CSV file to write.")
        parser.add_argument("--preset", choices=sorted(PRESETS), default="delivery")
        parser.add_argument(
            "--consented", action="store_true", help="Only signers who agreed to be contacted."
        )
        parser.add_argument(
            "--include-unconfirmed", action="store_true", help="Also unconfirmed signatures."
        )
        parser.add_argument("--since", type=parse_date, help="Signed on or after (YYYY-MM-DD).")
        parser.add_argument("--until", type=parse_date, help="Signed on or before (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        petition = Petition.objects.filter(slug=options["petition"]).first()
        if petition is None:
            raise CommandError(f"There is no petition {options['petition']!r}.")
        queryset = signatures_filter(
            petition=petition,
            confirmed=None if options["include_unconfirmed"] else True,
            since=options["since"],
            until=options["until"],
        )
        filters = {
            "petition": petition.slug,
            "confirmed": None if options["include_unconfirmed"] else True,
            "since": options["since"] and options["since"].isoformat(),
            "until": options["until"] and options["until"].isoformat(),
        }
        stream, log = signatures_export(
            queryset=queryset,
            preset=PRESETS[options["preset"]],
            source=ExportLog.Source.COMMAND,
            petition=petition,
            filters={k: v for k, v in filters.items() if v is not None},
            consented_only=options["consented"],
        )
        with open(options["out"], "wb") as out:
            for chunk in stream:
                out.write(chunk)
        log.refresh_from_db()
        self.stdout.write(f"{log.row_count} signatures written to {options['out']}.")
