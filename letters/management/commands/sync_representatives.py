from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from letters.representatives import ProviderUnavailable
from letters.representatives.sync import representatives_sync

PARLIAMENTS = ("uk-commons", "ca-commons")


class Command(BaseCommand):
    help = (
        "Load every current member of a parliament, with their published contact details, into "
        "the recipient directory: uk-commons (UK Parliament Members API) or ca-commons (Open "
        "North's Represent API). Rows are updated in place; members who left are marked "
        "inactive, never deleted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("parliament", choices=PARLIAMENTS)

    def handle(self, *args: Any, parliament: str, **options: Any) -> None:
        try:
            report = representatives_sync(provider=parliament)
        except (ProviderUnavailable, ValueError) as error:
            raise CommandError(f"Nothing changed: {error}") from error
        for slug in report.added:
            self.stdout.write(f"added: {slug}")
        for line in report.updated:
            self.stdout.write(f"updated: {line}")
        for slug in report.deactivated:
            self.stdout.write(f"marked inactive: {slug}")
        for member_id in report.contacts_missing:
            self.stdout.write(f"contact record not fetched (kept as it was): {member_id}")
        self.stdout.write(report.summary())
