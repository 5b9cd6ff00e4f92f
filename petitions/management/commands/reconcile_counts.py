from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from petitions.models import Petition
from petitions.services import counts_reconcile


class Command(BaseCommand):
    help = (
        "Recount each petition from its signature rows, repair the counters if they drifted, "
        "and say what changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="Petitions to check (default: all).")

    def handle(self, *args: Any, slugs: list[str], **options: Any) -> None:
        petitions = Petition.objects.order_by("slug")
        if slugs:
            petitions = petitions.filter(slug__in=slugs)
            missing = set(slugs) - set(petitions.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No petition with slug {', '.join(sorted(missing))}.")
        for petition in petitions:
            result = counts_reconcile(petition=petition)
            line = f"{petition.slug}: "
            if result.changed:
                line += (
                    f"REPAIRED count {result.count_before} -> {result.count_after}"
                    f" ({result.newly_counted} newly confirmed counted)"
                )
            else:
                line += f"ok, {result.count_after}"
                if result.newly_counted:
                    line += f" ({result.newly_counted} newly confirmed counted)"
            self.stdout.write(line)
            for country, (stored, truth) in result.countries_changed.items():
                self.stdout.write(f"  country {country or '(none)'}: {stored} -> {truth}")
