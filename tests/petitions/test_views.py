import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaign.selectors import campaign_identity
from petitions import services
from petitions.models import PetitionCounter, Signature
from petitions.tokens import confirm_token_make, withdraw_token_make
from tests.factories import sign_payload

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    """The page's words without tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def detail_url(petition) -> str:
    return reverse("petitions:detail", kwargs={"slug": petition.slug})


def sign_url(petition) -> str:
    return reverse("petitions:sign", kwargs={"slug": petition.slug})


def confirmed_signature(petition, email: str, **overrides) -> Signature:
    values = {"name": "Leyla Aliyeva", "email": email, "country": "AZ"}
    values.update(overrides)
    signature = services.signature_create(petition=petition, **values).signature
    return services.signature_confirm(signature_id=signature.pk)


def test_petition_page_shows_text_supporters_figures_and_counter(client, petition):
    response = client.get(detail_url(petition))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Urge Armenia release the map of landmines" in html
    assert "Signing this petition adds your voice." in html
    assert "Umud Mirzayev" in html
    assert "Azerbaijani citizens killed by mines" in html
    assert "0</strong> <span data-count-words" in html
    assert "people have signed</span>. Let’s get to <span data-goal>15,000</span>!" in html
    assert 'role="progressbar" aria-valuemin="0" aria-valuemax="15000" aria-valuenow="0"' in html
    assert 'aria-live="polite"' in html
    assert 'property="og:title"' in html
    assert 'name="twitter:card"' in html
    assert "js/petition-counter.js" in html
    assert "<script>" not in html  # no inline script


def test_petition_page_query_count_is_pinned(client, petition, django_assert_num_queries):
    for number in range(5):
        confirmed_signature(petition, f"{number}@example.org", show_name_publicly=True)
    services.counter_refresh(petition=petition, force=True)
    campaign_identity()  # the campaign's name and colours: cached, read once a minute
    # petition+appeal+counter, figures, signatories, recent signers, counts by country.
    with django_assert_num_queries(5):
        response = client.get(detail_url(petition))
    assert "5</strong> <span data-count-words" in response.content.decode()


def test_consent_box_is_unticked_and_countries_are_iso_codes(client, petition):
    html = client.get(detail_url(petition)).content.decode()
    consent = re.search(r"<input[^>]*name=\"consent_to_contact\"[^>]*>", html).group(0)
    assert "checked" not in consent
    assert '<option value="AZ">Azerbaijan</option>' in html


def test_fields_asked_are_set_per_petition(client, petition):
    petition.ask_country = False
    petition.ask_postcode = False
    petition.save()
    html = client.get(detail_url(petition)).content.decode()
    assert 'name="country"' not in html
    assert 'name="postcode"' not in html
    # Another browser: the page gave this one a CSRF cookie, which the started value of
    # sign_payload (made without one) is not bound to.
    response = Client().post(sign_url(petition), sign_payload(country=None, postcode=None))
    assert response.status_code == 302
    assert Signature.objects.get().country == ""


def test_signing_redirects_to_thanks_and_emails_a_confirmation_link(
    client, petition, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    # The test runs in a transaction; the email is queued on commit, so run those callbacks.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            sign_url(petition), sign_payload(consent_to_contact="on", show_name_publicly="on")
        )
    assert response.status_code == 302
    assert response["Location"].endswith("/thanks/")
    signature = Signature.objects.get()
    assert signature.ip_hash
    assert "127.0.0.1" not in signature.ip_hash
    assert signature.consent_to_contact
    assert signature.consent_text_version == "2026-11"
    assert signature.show_name_publicly
    assert len(mailoutbox) == 1
    thanks = client.get(response["Location"]).content.decode()
    assert "check your email" in thanks
    assert "https://twitter.com/intent/tweet?" in thanks


def test_signing_twice_sends_the_confirmation_again_and_says_check_your_email(
    client, petition, immediate_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(sign_url(petition), sign_payload())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(petition), sign_payload(email="LEYLA@example.org"))
    assert response["Location"] == reverse("petitions:thanks", kwargs={"slug": petition.slug})
    assert "check your email" in client.get(response["Location"]).content.decode()
    assert Signature.objects.count() == 1
    assert len(mailoutbox) == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address like name@example.com."),
        ({"email": ""}, "Enter your email address."),
        ({"name": ""}, "Enter your name."),
        ({"name": "x" * 101}, "Your name can be at most 100 characters long."),
        ({"name": "Ley\x07la"}, "Your name can only contain letters"),
        ({"country": "XX"}, "Choose a country from the list."),
        ({"postcode": "p" * 41}, "Keep the postcode or town under 40 characters."),
        ({"website": "http://spam.example"}, "a hidden field meant to catch robots"),
        ({"started": "tampered"}, "This form was damaged or is incomplete."),
        ({"started": None}, "This form was damaged or is incomplete."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(
    client, petition, overrides, message
):
    response = client.post(sign_url(petition), sign_payload(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Signature.objects.exists()


def test_what_they_typed_is_kept_after_an_error(client, petition):
    response = client.post(sign_url(petition), sign_payload(email="nope", name="Leyla Q"))
    html = response.content.decode()
    assert 'value="Leyla Q"' in html
    assert 'value="nope"' in html


def test_a_form_sent_back_quickly_comes_back_once_and_the_next_press_signs(
    client, petition, settings
):
    """Autofill and one tap can beat the minimum fill time: a person is never refused."""
    settings.PETITION_MIN_FILL_SECONDS = 3
    page = client.get(detail_url(petition)).content.decode()  # as a browser: the form's cookie
    started = re.search(r'name="started" value="([^"]+)"', page).group(1)
    response = client.post(sign_url(petition), sign_payload(name="Leyla Q", started=started))
    assert response.status_code == 200  # not a refusal
    html = response.content.decode()
    assert "press “Sign the petition” once more" in html
    assert 'value="Leyla Q"' in html  # what they typed is kept
    assert 'class="error' not in html  # no error tone
    assert "There is a problem" not in html
    assert not Signature.objects.exists()

    started = re.search(r'name="started" value="([^"]+)"', html).group(1)
    again = client.post(sign_url(petition), sign_payload(name="Leyla Q", started=started))
    assert again.status_code == 302
    assert Signature.objects.get().name == "Leyla Q"


def test_a_malformed_post_is_a_4xx(client, petition):
    response = client.post(sign_url(petition), data=b"\xff\xfe", content_type="text/plain")
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_missing_csrf_token_is_refused(petition):
    client = Client(enforce_csrf_checks=True)
    response = client.post(sign_url(petition), sign_payload())
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_over_the_rate_limit_a_readable_429(client, petition, settings):
    settings.PETITION_RATE_BURST = "2/60s"
    for number in range(2):
        client.post(sign_url(petition), sign_payload(email=f"{number}@example.org"))
    response = client.post(sign_url(petition), sign_payload(email="third@example.org"))
    assert response.status_code == 429
    assert "Please wait a moment" in response.content.decode()
    assert response["Retry-After"]
    assert Signature.objects.count() == 2


def test_rate_limit_is_per_client_address_behind_a_trusted_proxy(client, petition, settings):
    settings.PETITION_RATE_BURST = "1/60s"
    settings.TRUSTED_PROXY_NETWORKS = ["127.0.0.0/8"]
    for number in range(3):
        response = client.post(
            sign_url(petition),
            sign_payload(email=f"{number}@example.org"),
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )
        assert response.status_code == 302


def test_a_closed_petition_takes_no_signatures(client, petition):
    petition.is_open = False
    petition.save()
    assert "This petition is closed" in client.get(detail_url(petition)).content.decode()
    response = client.post(sign_url(petition), sign_payload())
    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_get_on_sign_url_is_not_allowed(client, petition):
    assert client.get(sign_url(petition)).status_code == 405


def test_confirm_link_confirms_and_is_harmless_twice(client, petition, settings):
    settings.PETITION_COUNT_REFRESH_SECONDS = 0
    signature = services.signature_create(
        petition=petition, name="Leyla Aliyeva", email="leyla@example.org"
    ).signature
    url = reverse("petitions:confirm", kwargs={"token": confirm_token_make(signature.pk)})
    first = client.post(url)
    assert first.status_code == 200
    assert "Your signature is confirmed" in first.content.decode()
    confirmed_at = Signature.objects.get().confirmed_at
    assert confirmed_at is not None
    second = client.post(url)
    assert second.status_code == 200
    assert Signature.objects.get().confirmed_at == confirmed_at
    # The page shows the count as last refreshed (the scheduler's job, every few seconds).
    services.counter_refresh(petition=petition, force=True)
    assert "1 person has signed" in text_of(client.get(url).content.decode())


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_SEC_PURPOSE": "prefetch"}, {"HTTP_PURPOSE": "prefetch"}],
    ids=["get", "sec-purpose-prefetch", "purpose-prefetch"],
)
def test_opening_the_confirm_link_confirms_nothing_until_the_button(client, petition, headers):
    """Mail filters open every link before the person does: only the button's POST counts."""
    signature = services.signature_create(
        petition=petition, name="Leyla Aliyeva", email="leyla@example.org"
    ).signature
    url = reverse("petitions:confirm", kwargs={"token": confirm_token_make(signature.pk)})
    page = client.get(url, **headers)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<form method="post">' in html
    assert "csrfmiddlewaretoken" in html
    assert "Confirm my signature" in html
    assert client.head(url, **headers).status_code == 200
    assert Signature.objects.get().confirmed_at is None


def test_the_confirm_button_needs_the_pages_csrf_token(petition):
    signature = services.signature_create(
        petition=petition, name="Leyla Aliyeva", email="leyla@example.org"
    ).signature
    url = reverse("petitions:confirm", kwargs={"token": confirm_token_make(signature.pk)})
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(url).status_code == 403
    assert Signature.objects.get().confirmed_at is None
    page = browser.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(url, {"csrfmiddlewaretoken": token}).status_code == 200
    assert Signature.objects.get().confirmed_at is not None


def test_a_damaged_confirm_link_is_a_400(client, petition):
    response = client.get(reverse("petitions:confirm", kwargs={"token": "12:forged"}))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_a_confirm_link_expires_after_seven_days(client, petition, monkeypatch):
    signature = services.signature_create(
        petition=petition, name="Leyla", email="leyla@example.org"
    ).signature
    eight_days_ago = time.time() - timedelta(days=8).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    token = confirm_token_make(signature.pk)
    monkeypatch.undo()
    response = client.get(reverse("petitions:confirm", kwargs={"token": token}))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert Signature.objects.get().confirmed_at is None


def test_withdraw_link_asks_on_get_and_withdraws_on_post(client, petition):
    signature = confirmed_signature(petition, "leyla@example.org")
    services.counter_refresh(petition=petition, force=True)
    url = reverse("petitions:withdraw", kwargs={"token": withdraw_token_make(signature.pk)})
    page = client.get(url)
    assert page.status_code == 200
    assert "Withdraw my signature" in page.content.decode()
    assert Signature.objects.exists()
    response = client.post(url)
    assert response.status_code == 200
    assert "withdrawn" in response.content.decode()
    assert not Signature.objects.exists()
    assert PetitionCounter.objects.get().count == 0


def test_count_json_has_count_goal_time_and_cache_headers(client, petition, settings):
    settings.PETITION_COUNT_REFRESH_SECONDS = 0
    confirmed_signature(petition, "leyla@example.org")
    services.counter_refresh(petition=petition, force=True)
    response = client.get(reverse("petitions:count", kwargs={"slug": petition.slug}))
    data = response.json()
    assert data["count"] == 1
    assert data["goal"] == 15000
    assert data["counted_at"]
    assert "max-age=" in response["Cache-Control"]


def test_widget_may_be_framed_by_other_sites_and_nothing_else(client, petition):
    widget = client.get(reverse("petitions:widget", kwargs={"slug": petition.slug}))
    assert widget.status_code == 200
    assert "X-Frame-Options" not in widget
    assert "frame-ancestors *" in widget["Content-Security-Policy"]
    page = client.get(detail_url(petition))
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'self'" in page["Content-Security-Policy"]


def test_recent_signers_shows_only_those_who_opted_in_first_name_and_country(
    client, petition, settings
):
    settings.PETITION_COUNT_REFRESH_SECONDS = 0
    confirmed_signature(petition, "a@example.org", name="Aysel Mammadova", show_name_publicly=True)
    confirmed_signature(petition, "b@example.org", name="Hidden Person", country="GB")
    services.counter_refresh(petition=petition, force=True)
    html = client.get(detail_url(petition)).content.decode()
    assert "Aysel, Azerbaijan" in html
    assert "Mammadova" not in html
    assert "Hidden" not in html
    assert "a@example.org" not in html
    # Counts by country include everyone counted.
    assert '<td>United Kingdom</td><td class="num">1</td>' in html


def test_page_shows_the_next_goal_once_the_original_is_reached(client, petition):
    petition.goal_steps = [25000, 50000]
    petition.save()
    PetitionCounter.objects.create(petition=petition, count=15000, refreshed_at=timezone.now())
    html = client.get(detail_url(petition)).content.decode()
    assert "15,000 people have signed" in text_of(html)
    assert "Let’s get to <span data-goal>25,000</span>!" in html
    original = re.search(r"<p class=\"meta\" data-original-goal[^>]*>", html).group(0)
    assert "hidden" not in original
    assert "The original goal of 15,000 was reached." in html


def test_every_aria_describedby_points_at_an_element_of_the_page(client, petition):
    for response in (
        client.get(detail_url(petition)),
        client.post(sign_url(petition), {"name": "", "email": "nope"}),
    ):
        html = response.content.decode()
        ids = set(re.findall(r'\bid="([^"]+)"', html))
        described = re.findall(r'aria-describedby="([^"]+)"', html)
        assert described
        for value in described:
            for target in value.split():
                assert target in ids, target
