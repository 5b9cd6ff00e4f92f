from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaign.models import ExportLog
from petitions.exports import COUNT_KINDS, counts_export
from petitions.models import Petition


class Command(BaseCommand):
    help = "Export signature counts per petition and day, or per country, as CSV. Logged."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="The CSV file to write.")
        parser.add_argument("--by", choices=sorted(COUNT_KINDS), default="day")
        parser.add_argument("--petition", help="One petition's slug (default: every petition).")

    def handle(self, *args: Any, **options: Any) -> None:
        petition = None
        if options["petition"]:
            petition = Petition.objects.filter(slug=options["petition"]).first()
            if petition is None:
                raise CommandError(f"There is no petition {options['petition']!r}.")
        stream, log = counts_export(
            by=options["by"], petition=petition, source=ExportLog.Source.COMMAND
        )
        with open(options["out"], "wb") as out:
            for chunk in stream:
                out.write(chunk)
        log.refresh_from_db()
        self.stdout.write(f"{log.row_count} rows written to {options['out']}.")
