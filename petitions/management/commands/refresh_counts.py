from typing import Any

from django.core.management.base import BaseCommand

from petitions.models import Petition
from petitions.services import counter_refresh


class Command(BaseCommand):
    help = (
        "Count the signatures confirmed since the last refresh, for every petition (pages do "
        "this on their own every few seconds; this is for a scheduler or after an import)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for petition in Petition.objects.order_by("slug"):
            counter = counter_refresh(petition=petition, force=True)
            shown = counter.count if counter is not None else "being refreshed elsewhere"
            self.stdout.write(f"{petition.slug}: {shown}")
