"""Requests a browser would never send get a 4xx page of the site's own, never a 500."""

import pytest
from django.conf import settings
from django.urls import reverse

from petitions.models import Signature


def public_posts(petition) -> list[str]:
    return [
        reverse("petitions:sign", kwargs={"slug": petition.slug}),
        reverse("letters:write", kwargs={"template_slug": "open-letter"}),
        reverse("petitions:withdraw", kwargs={"token": "not-a-token"}),
        reverse("letters:confirm", kwargs={"token": "not-a-token"}),
        "/" + settings.ADMIN_URL + "login/",
    ]


@pytest.mark.parametrize("charset", ["utf-16", "latin-1"])
def test_a_form_in_another_charset_gets_our_400_page(browser_client, petition, charset):
    body = f"csrfmiddlewaretoken={browser_client.token}&name=Leyla&email=l@example.org"
    for url in public_posts(petition):
        response = browser_client.generic(
            "POST",
            url,
            body.encode(charset),
            content_type=f"application/x-www-form-urlencoded; charset={charset}",
        )
        assert response.status_code == 400, (url, response.status_code)
        assert b"Bad request" in response.content
    assert not Signature.objects.exists()


def test_a_form_in_an_unknown_charset_is_never_a_500(browser_client, petition):
    body = f"csrfmiddlewaretoken={browser_client.token}&name=Leyla&email=l@example.org"
    for url in public_posts(petition):
        response = browser_client.generic(
            "POST",
            url,
            body.encode(),
            content_type="application/x-www-form-urlencoded; charset=no-such-charset",
        )
        assert response.status_code < 500, (url, response.status_code)
    assert not Signature.objects.exists()


def test_unknown_pages_get_our_404_page(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_a_post_without_its_csrf_token_gets_our_403_page(browser_client, petition):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    response = browser_client.post(url, {"name": "Leyla"})
    assert response.status_code == 403
    assert b"Please send the form again" in response.content


def test_a_body_over_the_cap_gets_413_and_is_not_read(browser_client, petition, settings):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    big = b"x" * (50 * 1024 * 1024)
    body = (
        b'--b\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        + browser_client.token.encode()
        + b'\r\n--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nLeyla\r\n'
        b'--b\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n'
        + big
        + b"\r\n--b--\r\n"
    )
    response = browser_client.generic(
        "POST", url, body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413
    assert b"Too much data" in response.content
    assert not Signature.objects.exists()


def test_a_body_just_under_the_cap_is_read(browser_client, petition, settings):
    url = reverse("petitions:sign", kwargs={"slug": petition.slug})
    padding = "x" * (settings.REQUEST_BODY_MAX_BYTES - 200)
    body = f"csrfmiddlewaretoken={browser_client.token}&name=Leyla&pad={padding}"
    response = browser_client.generic(
        "POST", url, body.encode(), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400  # the form's own answer: fields are missing
