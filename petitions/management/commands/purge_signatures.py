from typing import Any

from django.core.management.base import BaseCommand

from petitions.services import signatures_purge


class Command(BaseCommand):
    help = (
        "Delete unconfirmed signatures whose confirmation link has expired, drop IP hashes "
        "older than 30 days, and old rate-limit rows."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = signatures_purge()
        self.stdout.write(
            f"Deleted {result.unconfirmed_deleted} unconfirmed signature(s); cleared "
            f"{result.ip_hashes_cleared} IP hash(es); deleted {result.rate_limit_rows_deleted} "
            "rate-limit row(s)."
        )
