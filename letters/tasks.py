"""Background work for letters: `manage.py db_worker` runs it (the request, in development)."""

from dataclasses import asdict

from django.tasks import task

from letters.models import Letter
from letters.representatives.sync import representatives_sync
from letters.services import confirmation_email_build, letter_deliver


@task(queue_name="email")
def letter_confirmation_send(letter_id: int) -> bool:
    """Send the sender the link that confirms their address, while the letter awaits it."""
    letter = Letter.objects.filter(pk=letter_id, status=Letter.Status.AWAITING_CONFIRMATION).first()
    if letter is None:
        return False
    confirmation_email_build(letter).send()
    return True


@task(queue_name="email")
def letter_send(letter_id: int, attempt: int = 1) -> str:
    """Send a confirmed letter; a failure re-enqueues this task with back-off."""
    return letter_deliver(letter_id=letter_id, attempt=attempt)


@task(queue_name="default")
def representatives_sync_task(provider: str) -> dict:
    """sync_representatives for a scheduler: every current member of one parliament."""
    return asdict(representatives_sync(provider=provider))
