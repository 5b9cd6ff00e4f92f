from typing import Any

from django.core.management.base import BaseCommand

from letters.services import letters_purge


class Command(BaseCommand):
    help = (
        "Delete letters never confirmed within LETTERS_CONFIRMATION_DAYS, and remove the text of "
        "sent letters older than LETTER_BODY_RETENTION_DAYS (their counts stay)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = letters_purge()
        self.stdout.write(
            f"{report.unconfirmed_deleted} unconfirmed letter(s) deleted, "
            f"{report.bodies_removed} letter text(s) removed."
        )
