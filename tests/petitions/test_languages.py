"""A signature keeps the language it was signed in, and its emails are in that language."""

import pytest

from petitions.models import Signature
from tests.factories import sign_payload


@pytest.mark.usefixtures("immediate_tasks", "no_fill_delay")
def test_signing_in_a_language_stores_it_and_confirms_in_it(
    client, petition, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/fr/petitions/{petition.slug}/sign/", sign_payload())
    assert response.status_code == 302
    assert response["Location"].startswith(f"/fr/petitions/{petition.slug}/thanks/")
    signature = Signature.objects.get()
    assert signature.language == "fr"
    (email,) = mailoutbox
    html = email.alternatives[0][0]
    assert '<html lang="fr">' in html
    # The links in the email open the site in the same language.
    assert "http://testserver/fr/petitions/confirm/" in email.body


@pytest.mark.usefixtures("immediate_tasks", "no_fill_delay")
def test_signing_at_the_english_url_is_english(
    client, petition, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/petitions/{petition.slug}/sign/", sign_payload())
    assert Signature.objects.get().language == "en"
    assert "http://testserver/petitions/confirm/" in mailoutbox[0].body
