"""The backup procedure of docs/deploy.md, run for real: pg_dump in the custom format,
pg_restore into a new database, reconcile_counts, and every count and every row compared."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from campaign.devdb import bindir
from letters.models import Letter, LetterTemplate, Recipient
from petitions.models import Petition
from petitions.services import counter_refresh
from tests.factories import make_petition, sign
from tests.ops.processes import ROOT, database_url, process_env

RESTORED = "campaign_restored"


def fill() -> Petition:
    petition = make_petition(slug="backed-up")
    for number in range(120):
        sign(
            petition,
            f"Supporter {number}",
            f"supporter{number}@example.org",
            confirmed=number % 4 != 0,
            country=["AZ", "GB", "FR"][number % 3],
        )
    counter_refresh(petition=petition, force=True)
    template = LetterTemplate.objects.create(
        slug="backup-letter", name="Maps", subject="Maps", body="Dear {recipient_name}"
    )
    recipient = Recipient.objects.create(
        slug="an-mp", name="An MP", email="mp@parliament.example", kind="mp"
    )
    for number, status in enumerate(["queued", "sent", "delivered", "awaiting_confirmation"]):
        Letter.objects.create(
            template=template,
            recipient=recipient,
            recipient_name=recipient.name,
            recipient_email=recipient.email,
            recipient_email_canonical=recipient.email,
            sender_name=f"Sender {number}",
            sender_email=f"sender{number}@example.org",
            sender_email_canonical=f"sender{number}@example.org",
            subject="Maps",
            body="Dear An MP",
            status=status,
            sent_at=timezone.now() - timedelta(days=1) if status in ("sent", "delivered") else None,
        )
    return petition


def tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        return [row[0] for row in cursor.fetchall()]


def psql(url: str, query: str) -> str:
    result = subprocess.run(
        [str(bindir() / "psql"), url, "-X", "-A", "-t", "-F", "\t", "-c", query],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def fingerprint(url: str, names: list[str]) -> dict[str, tuple[int, str]]:
    """Per table: its row count and an md5 of all its rows in a fixed order."""
    # Table names from pg_tables, not from input.
    each = "SELECT '{0}', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
    query = "; ".join(f"{each.format(name)} FROM {name} t" for name in names)
    rows = [line.split("\t") for line in psql(url, query).splitlines() if line]
    return {name: (int(count), digest) for name, count, digest in rows}


@pytest.mark.django_db(transaction=True)
def test_dump_restore_reconcile_gives_back_every_row_and_count(tmp_path: Path):
    petition = fill()
    source = database_url()
    dump = tmp_path / "campaign.dump"
    subprocess.run(
        [str(bindir() / "pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", source],
        check=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {RESTORED}")
        cursor.execute(f"CREATE DATABASE {RESTORED}")
    try:
        restored = database_url(RESTORED)
        subprocess.run(
            [
                str(bindir() / "pg_restore"),
                "--no-owner",
                "--exit-on-error",
                f"--dbname={restored}",
                str(dump),
            ],
            check=True,
        )
        # Every row of every table, as it was.
        names = tables()
        assert {"petitions_signature", "letters_letter", "petitions_petitioncounter"} <= set(names)
        assert fingerprint(restored, names) == fingerprint(source, names)
        reconcile = subprocess.run(
            [sys.executable, "manage.py", "reconcile_counts"],
            cwd=ROOT,
            env=process_env(DATABASE_URL=restored),
            capture_output=True,
            text=True,
            check=True,
        )
        # Nothing to repair: the restored counters match the restored signatures.
        assert f"{petition.slug}: ok, 90" in reconcile.stdout, reconcile.stdout
        counts = "SELECT petition_id, count FROM petitions_petitioncounter ORDER BY 1"
        assert psql(restored, counts) == psql(source, counts) == f"{petition.pk}\t90"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {RESTORED} WITH (FORCE)")
