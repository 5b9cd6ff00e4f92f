from typing import Any

from django.core.management.base import BaseCommand

from letters.services import letter_confirmations_send_pending, letters_send_pending


class Command(BaseCommand):
    help = (
        "Send the letters and letter confirmation emails that are due now. The worker does "
        "this as soon as a letter is written or confirmed; this is the safety net for a "
        "scheduler (every few minutes), e.g. after a worker was killed in the middle of a send."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        confirmations = letter_confirmations_send_pending()
        letters = letters_send_pending()
        self.stdout.write(
            f"Confirmation emails: sent {confirmations.sent}, not needed "
            f"{confirmations.not_needed}, retrying {confirmations.retrying}, given up "
            f"{confirmations.given_up}.\n"
            f"Letters: sent {letters.sent}, deferred to the next hour {letters.deferred}, "
            f"retrying {letters.retrying}, given up {letters.given_up}."
        )
