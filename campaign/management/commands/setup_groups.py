from typing import Any

from django.core.management.base import BaseCommand

from campaign.groups import groups_setup


class Command(BaseCommand):
    help = (
        'Create or update the "organiser" and "data manager" groups and their permissions. '
        "Safe to run again; run it after a migration adds models."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in groups_setup(verbosity=options["verbosity"] - 1).items():
            self.stdout.write(f"{name}: {count} permissions")
