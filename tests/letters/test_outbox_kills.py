"""kill -9 under a draining worker resends at most one email per kill (issue 17, item 8).

Before, each outbox drain sent a batch of 50 and deleted it in one transaction, so a killed
worker resent up to 49 emails it had already sent (13 kills: 2 duplicate signature
confirmations and 7 duplicate letter confirmations). Now each email is deleted as soon as it
is sent (campaign/lib/outbox.py), and only the one in flight at the kill can go twice.
"""

import random
import time

import pytest

from letters.models import PendingLetterConfirmation
from petitions.models import PendingConfirmationEmail
from tests.factories import make_petition, sign
from tests.letters.test_outbox import make_letter
from tests.letters.worker_process import wait_until
from tests.smtp_fake import FakeSMTP

KILLS = 6
EACH = 40


def queue_both_outboxes(template, mp) -> set[str]:
    """EACH petition confirmations and EACH letter confirmations, due now; their addresses."""
    petition = make_petition(slug="kills")
    addresses = set()
    for number in range(EACH):
        email = f"signer{number}@example.org"
        signature = sign(petition, f"Signer {number}", email, confirmed=False)
        PendingConfirmationEmail.objects.create(signature=signature)
        addresses.add(email)
    for number in range(EACH):
        sender = f"writer{number}@example.org"
        letter = make_letter(template, mp, sender=sender, status="awaiting_confirmation")
        PendingLetterConfirmation.objects.create(letter=letter)
        addresses.add(sender)
    return addresses


@pytest.mark.django_db(transaction=True)
def test_each_kill_resends_at_most_the_one_email_in_flight(template, mp, smtp: FakeSMTP, workers):
    addresses = queue_both_outboxes(template, mp)
    smtp.stall = 0.15  # each email takes a moment: a kill lands mid-batch, often mid-send
    rng = random.Random(17)
    kills = 0
    while kills < KILLS and len(smtp.received) < len(addresses) - 5:
        worker = workers()
        time.sleep(rng.uniform(0.8, 2.0))
        worker.kill()  # kill -9, wherever it is
        kills += 1
    smtp.stall = 0.0
    workers()
    wait_until(
        lambda: (
            not PendingConfirmationEmail.objects.exists()
            and not PendingLetterConfirmation.objects.exists()
        ),
        "both outboxes empty",
    )
    received = [r.recipients[0] for r in smtp.received]
    assert set(received) == addresses  # nothing lost
    duplicates = len(received) - len(set(received))
    assert duplicates <= kills, (duplicates, kills)
    assert kills >= 3  # the test did kill mid-way
