from typing import Any

from django.core.management.base import BaseCommand

from petitions.services import confirmation_emails_send_pending


class Command(BaseCommand):
    help = (
        "Send the confirmation emails that are due now. The worker does this a second after "
        "each signing; this is the safety net for a scheduler (every few minutes), e.g. after "
        "the worker was stopped in the middle of a batch."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = confirmation_emails_send_pending()
        self.stdout.write(
            f"Sent {result.sent}, not needed {result.not_needed}, retrying {result.retrying}, "
            f"given up {result.given_up}."
        )
