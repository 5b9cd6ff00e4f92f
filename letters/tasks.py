"""Background work for letters: `manage.py db_worker` runs it (the request, in development).

The tasks drain the two outboxes in PostgreSQL (letters to send, confirmation emails to send):
a task only says "look now"; what is to be sent lives in the outbox rows, so a task that died
while running only delays a send. A scheduler may enqueue both drains every few minutes.
"""

from dataclasses import asdict

from django.tasks import task

from letters.services import (
    confirmation_email_enqueue,
    letter_confirmations_send_pending,
    letters_send_pending,
)


@task(queue_name="email")
def letters_send() -> dict:
    """Send every confirmed letter that is due (queued after confirming, or to retry)."""
    return asdict(letters_send_pending())


@task(queue_name="email")
def letter_confirmations_send() -> dict:
    """Send every letter confirmation email that is due (queued after writing, or to retry)."""
    return asdict(letter_confirmations_send_pending())


# Task rows queued before the outboxes existed still name these: they drain the outboxes.
@task(queue_name="email")
def letter_confirmation_send(letter_id: int) -> dict:
    """Former per-letter confirmation task: queues the letter's email, then drains."""
    confirmation_email_enqueue(letter_id)
    return asdict(letter_confirmations_send_pending())


@task(queue_name="email")
def letter_send(letter_id: int, attempt: int = 1) -> dict:
    """Former per-letter send task: the letter is in the outbox; drain it."""
    return asdict(letters_send_pending())
