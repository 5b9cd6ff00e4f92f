"""Many supporters signing at once against a real (threaded) server and real PostgreSQL."""

import random
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from campaign.lib.canonical import email_canonical
from petitions import services
from petitions.models import PendingConfirmationEmail, Signature
from tests.factories import make_petition

CLIENTS = 32
SIGNINGS = 1000
REPEATED_SHARE = 0.2

TOKEN_PATTERN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED_PATTERN = re.compile(r'name="started" value="([^"]+)"')


def emails_to_sign() -> list[str]:
    """1,000 signings: 800 distinct addresses, 200 of them again in another spelling."""
    distinct = int(SIGNINGS * (1 - REPEATED_SHARE))
    first = [f"supporter.{number}@gmail.com" for number in range(distinct)]
    rng = random.Random(20261122)
    # The same mailbox as Gmail reads it: case, dots and a +tag differ.
    again = [
        f"Supporter{number}+again@GoogleMail.com"
        for number in rng.sample(range(distinct), SIGNINGS - distinct)
    ]
    emails = first + again
    rng.shuffle(emails)
    return emails


@pytest.mark.django_db(transaction=True)
def test_concurrent_signing_loses_nothing_and_counts_each_mailbox_once(live_server, settings):
    settings.PETITION_RATE_BURST = "100000/60s"
    settings.PETITION_RATE_SUSTAINED = "100000/3600s"
    settings.PETITION_MIN_FILL_SECONDS = 0
    settings.PETITION_COUNT_REFRESH_SECONDS = 0
    # The live server speaks plain HTTP; `requests` (unlike a browser on localhost) would not
    # send back a cookie marked Secure.
    settings.CSRF_COOKIE_SECURE = False
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["email"]}
    }
    petition = make_petition(count_on_signing=True)
    page_url = f"{live_server.url}/petitions/{petition.slug}/"
    emails = emails_to_sign()
    batches = [emails[number::CLIENTS] for number in range(CLIENTS)]

    def client(batch: list[str]) -> list[int]:
        with requests.Session() as session:
            # Each client loads the form once (CSRF cookie and token), then signs with it.
            page = session.get(page_url, timeout=60)
            statuses = [page.status_code]
            for number, email in enumerate(batch):
                response = session.post(
                    f"{page_url}sign/",
                    data={
                        "csrfmiddlewaretoken": TOKEN_PATTERN.search(page.text).group(1),
                        "started": STARTED_PATTERN.search(page.text).group(1),
                        "name": f"Supporter {number}",
                        "email": email,
                        "country": "AZ",
                        "postcode": "Baku",
                    },
                    headers={"Referer": page_url},
                    allow_redirects=False,
                    timeout=60,
                )
                statuses.append(response.status_code)
            return statuses

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        statuses = [status for result in pool.map(client, batches) for status in result]

    assert len(statuses) == SIGNINGS + CLIENTS
    assert [status for status in statuses if status >= 500] == []
    assert set(statuses) == {200, 302}
    distinct = {email_canonical(email) for email in emails}
    assert len(distinct) == int(SIGNINGS * (1 - REPEATED_SHARE))
    assert set(Signature.objects.values_list("email_canonical", flat=True)) == distinct
    assert Signature.objects.count() == len(distinct)
    # Every accepted signature has its confirmation email queued (the dummy task backend runs
    # no drain, so the outbox still holds them all).
    assert set(PendingConfirmationEmail.objects.values_list("signature_id", flat=True)) == set(
        Signature.objects.values_list("pk", flat=True)
    )
    services.counter_refresh(petition=petition, force=True)
    count = requests.get(f"{page_url}count.json", timeout=60).json()["count"]
    assert count == len(distinct)
    assert services.counts_reconcile(petition=petition).changed is False
