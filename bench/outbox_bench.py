"""Outbox drain benchmark: how many confirmation emails one drain sends a second.

Run by hand, never by the test suite:

    .venv/bin/python bench/outbox_bench.py            # 5,000 emails, 3 rounds
    BENCH_EMAILS=20000 BENCH_ROUNDS=5 .venv/bin/python bench/outbox_bench.py

It starts its own throwaway PostgreSQL (tests/pgcluster.py: fsync off), migrates, queues
BENCH_EMAILS petition confirmation emails (one unconfirmed signature each), and times one
`confirmation_emails_send_pending()` in this process with Django's dummy email backend: the
cost of building each email in its signer's language and of the outbox's own statements, not
of a provider. The same for letter confirmation emails. Each round queues the emails anew.
Prints a Markdown table: emails/s per round, median and range. It calls only the services'
public functions, so the same script measures any commit (docs/benchmarks.md, "Outbox drain").
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgcluster import start_cluster  # noqa: E402

EMAILS = int(os.environ.get("BENCH_EMAILS", "5000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def setup(url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "campaign.settings",
            "DATABASE_URL": url,
            "DJANGO_SECRET_KEY": "bench-outbox",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "SITE_URL": "http://localhost",
            "TASKS_BACKEND": "dummy",
            "MAILER": "console",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_MANIFEST": "false",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_campaign", str(ROOT / "fixtures" / "landmine-maps"), verbosity=0)


def queue_petition_emails(round_number: int) -> None:
    from django.utils import timezone

    from petitions.models import PendingConfirmationEmail, Petition, Signature

    petition = Petition.objects.get()
    signatures = Signature.objects.bulk_create(
        Signature(
            petition=petition,
            name=f"Signer {number}",
            email=f"r{round_number}s{number}@example.org",
            email_canonical=f"r{round_number}s{number}@example.org",
            country="AZ",
            language="az" if number % 2 else "en",
        )
        for number in range(EMAILS)
    )
    now = timezone.now()
    PendingConfirmationEmail.objects.bulk_create(
        PendingConfirmationEmail(signature=s, send_after=now) for s in signatures
    )


def queue_letter_emails(round_number: int) -> None:
    from django.utils import timezone

    from letters.models import Letter, LetterTemplate, PendingLetterConfirmation, Recipient

    template = LetterTemplate.objects.get(slug="open-letter")
    recipient = Recipient.objects.filter(is_active=True).first()
    letters = Letter.objects.bulk_create(
        Letter(
            template=template,
            recipient=None,
            recipient_name=recipient.name,
            recipient_email=f"r{round_number}l{number}@outlet.example",
            recipient_email_canonical=f"r{round_number}l{number}@outlet.example",
            sender_name="Ann Lee",
            sender_email=f"r{round_number}w{number}@example.org",
            sender_email_canonical=f"r{round_number}w{number}@example.org",
            subject="Release the maps",
            body="Dear editor,\n\nPlease act.\n\nAnn Lee",
        )
        for number in range(EMAILS)
    )
    now = timezone.now()
    PendingLetterConfirmation.objects.bulk_create(
        PendingLetterConfirmation(letter=letter, send_after=now) for letter in letters
    )


def drain(kind: str) -> float:
    from django.test.utils import override_settings

    from letters.services import letter_confirmations_send_pending
    from petitions.services import confirmation_emails_send_pending

    send = (
        confirmation_emails_send_pending
        if kind == "petition"
        else letter_confirmations_send_pending
    )
    dummy = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    with override_settings(MAILERS=dummy, PETITION_EMAILS_PER_ADDRESS_PER_DAY=0):
        started = time.monotonic()
        result = send()
        seconds = time.monotonic() - started
    assert result.sent == EMAILS, result
    return EMAILS / seconds


def main() -> None:
    cluster = start_cluster()
    try:
        setup(cluster.url)
        rates: dict[str, list[float]] = {"petition": [], "letter": []}
        for number in range(ROUNDS):
            queue_petition_emails(number)
            rates["petition"].append(drain("petition"))
            queue_letter_emails(number)
            rates["letter"].append(drain("letter"))
        print(f"\n{EMAILS} emails per drain, {ROUNDS} rounds (emails/s):\n")
        print("| outbox | median | range |")
        print("| --- | --- | --- |")
        for kind, values in rates.items():
            print(
                f"| {kind} confirmations | {statistics.median(values):,.0f} | "
                f"{min(values):,.0f}–{max(values):,.0f} |"
            )
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
