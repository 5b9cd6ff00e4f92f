from typing import Any

from django.core.management.base import BaseCommand

from letters.replies import reply_asks_send


class Command(BaseCommand):
    help = (
        "Ask senders whether the recipient replied: two weeks after delivery, and once more a "
        "week after a “not yet”. Run it daily (or every hour) from a scheduler."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = reply_asks_send()
        self.stdout.write(
            f"{result.asked} asked, {result.asked_again} asked again, {result.failed} failed"
        )
