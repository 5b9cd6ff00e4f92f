"""The signing form's start time expires and only works with the browser it was served to."""

import re
import time

import pytest
from django.core import signing
from django.urls import reverse

from petitions.models import Signature
from petitions.tokens import form_binding, started_token_make
from tests.factories import sign_payload
from tests.security.conftest import BrowserLikeClient

STARTED = re.compile(r'name="started" value="([^"]+)"')


@pytest.fixture
def urls(petition, settings) -> tuple[str, str]:
    settings.PETITION_MIN_FILL_SECONDS = 0
    page = reverse("petitions:detail", kwargs={"slug": petition.slug})
    return page, reverse("petitions:sign", kwargs={"slug": petition.slug})


def test_a_start_time_older_than_the_maximum_age_is_refused(urls, settings, monkeypatch):
    settings.PETITION_FORM_MAX_AGE_HOURS = 4
    browser = BrowserLikeClient()
    binding = form_binding(browser.csrf_secret)
    five_hours_ago = time.time() - 5 * 3600
    with monkeypatch.context() as frozen:
        frozen.setattr(signing.time, "time", lambda: five_hours_ago)
        old = started_token_make(five_hours_ago, binding=binding)
    response = browser.post(urls[1], sign_payload(started=old, csrfmiddlewaretoken=browser.token))
    assert response.status_code == 400
    assert "open for too long" in response.text
    assert not Signature.objects.exists()
    # The form shown again carries a fresh start time: sending it again works.
    fresh = STARTED.search(response.text).group(1)
    data = sign_payload(started=fresh, csrfmiddlewaretoken=browser.token)
    assert browser.post(urls[1], data).status_code == 302


def test_a_start_time_works_only_with_the_csrf_cookie_it_was_served_with(urls):
    harvester = BrowserLikeClient()
    started = STARTED.search(harvester.get(urls[0]).text).group(1)

    replayer = BrowserLikeClient()
    data = sign_payload(started=started, csrfmiddlewaretoken=replayer.token)
    response = replayer.post(urls[1], data)
    assert response.status_code == 400
    assert "damaged or is incomplete" in response.text
    assert not Signature.objects.exists()

    data = sign_payload(started=started, csrfmiddlewaretoken=harvester.token)
    assert harvester.post(urls[1], data).status_code == 302
    assert Signature.objects.count() == 1
