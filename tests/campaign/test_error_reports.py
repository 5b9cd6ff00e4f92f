"""Error reports reach a person: ADMINS from the environment, Sentry only when configured."""

import subprocess
import sys
from unittest import mock

from django.test import Client
from django.urls import reverse

from tests.ops.processes import ROOT, process_env

PROBE = (
    "import sys, django; django.setup(); import campaign.wsgi; from django.conf import settings; "
    "print('sentry_sdk' in sys.modules, settings.ADMINS)"
)


def probe(**env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=process_env(**env),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_without_a_sentry_dsn_nothing_of_sentry_is_loaded(db):
    assert probe(SENTRY_DSN="", DJANGO_ADMINS="ops@example.org,lead@example.org") == (
        "False ['ops@example.org', 'lead@example.org']"
    )


def test_a_sentry_dsn_turns_sentry_on(db):
    assert probe(SENTRY_DSN="https://public@sentry.invalid/1").startswith("True")


def test_a_server_error_is_emailed_to_the_admins(db, settings, mailoutbox):
    settings.ADMINS = ["ops@example.org"]
    client = Client(raise_request_exception=False)
    with mock.patch("campaign.selectors.appeal_list", side_effect=RuntimeError("broken")):
        response = client.get(reverse("campaign:appeal_list"))
    assert response.status_code == 500
    assert [message.to for message in mailoutbox] == [["ops@example.org"]]
    assert "RuntimeError" in mailoutbox[0].body
