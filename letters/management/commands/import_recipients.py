from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from letters.services import CSV_COLUMNS, recipients_import_csv


class Command(BaseCommand):
    help = (
        "Add or update recipients from a UTF-8 CSV file with a header row: "
        + ", ".join(CSV_COLUMNS)
        + ". Matching is by slug (made from name and constituency when empty): "
        "importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args: Any, csv_file: Path, **options: Any) -> None:
        try:
            text = csv_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {csv_file}: {error}") from error
        report = recipients_import_csv(text=text)
        for line, reason in report.rejected:
            self.stderr.write(f"line {line}: rejected: {reason}")
        self.stdout.write(report.summary())
