"""One mailbox, one signature (issue 17, item 2): every way of writing one address is one key,
and what no person types is refused beside the field, never stored."""

import importlib

import pytest
from django.test import Client
from django.urls import reverse

from campaign.lib.canonical import email_canonical
from letters.models import Letter
from petitions.models import Signature
from tests.factories import IMMEDIATE_TASKS, letter_details, sign, sign_payload

# Each of these was accepted as a signature of its own, and each reaches victim@gmail.com.
SAME_MAILBOX = [
    "victim@gmail.com",
    "victim@ｇmail.com",  # fullwidth g
    '"victim"@gmail.com',
    '"\\vic\\tim"@gmail.com',
    '"vi\\ctim"@gmail.com',
    "VICTIM@GMAIL.COM.",
]


@pytest.mark.parametrize("address", SAME_MAILBOX)
def test_every_spelling_of_one_mailbox_is_one_key(address):
    assert email_canonical(address) == "victim@gmail.com"


def test_an_internationalised_domain_is_keyed_in_its_ascii_form():
    assert email_canonical("ali@BÜCHER.de") == email_canonical("ali@xn--bcher-kva.de")


@pytest.fixture
def signing(petition, settings):
    settings.TASKS = IMMEDIATE_TASKS
    settings.PETITION_MIN_FILL_SECONDS = 0
    settings.PETITION_RATE_BURST = "100/60s"
    return reverse("petitions:sign", kwargs={"slug": petition.slug})


@pytest.mark.django_db
def test_one_mailbox_signs_once_however_it_is_written(signing):
    for address in ("victim@gmail.com", "victim@ｇmail.com", '"victim"@gmail.com'):
        Client().post(signing, sign_payload(email=address))
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ('"\\vic\\tim"@gmail.com', "without quotation marks and backslashes"),
        ("victim@gmail.com\u202e", "invisible or special character"),
        # Django's own email check refuses these first: still a message beside the field.
        ("vic\u200btim@gmail.com", "Enter an email address like name@example.com"),
        ("victim\u2066@gmail.com", "Enter an email address like name@example.com"),
    ],
)
@pytest.mark.django_db
def test_an_address_no_person_types_is_refused_beside_the_field(signing, address, message):
    response = Client().post(signing, sign_payload(email=address))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'aria-describedby="id_email_error' in page or 'id="id_email_error' in page
    assert not Signature.objects.exists()


@pytest.mark.django_db
def test_a_letter_sender_address_with_a_bidi_control_is_refused(client, template, mp):
    data = letter_details(sender_email="ann.lee@example.org\u202e", recipient=mp.slug)
    response = client.post(reverse("letters:write", args=[template.slug]), data)
    assert response.status_code == 400
    assert "invisible or special character" in response.content.decode()
    assert not Letter.objects.exists()


@pytest.mark.django_db
def test_the_migration_recomputes_keys_and_reports_the_same_mailbox_twice(petition, capsys):
    from django.apps import apps

    first = sign(petition, "Leyla", "victim@gmail.com")
    second = sign(petition, "Leyla again", '"victim"@gmail.com')
    other = sign(petition, "Ali", "ali@ｅxample.org")
    Signature.objects.filter(pk=second.pk).update(email_canonical='"victim"@gmail.com')
    Signature.objects.filter(pk=other.pk).update(email_canonical="ali@ｅxample.org")

    migration = importlib.import_module(
        "petitions.migrations.0009_signature_email_canonical_recompute"
    )
    migration.keys_recompute(apps, None)

    keys = dict(Signature.objects.values_list("pk", "email_canonical"))
    assert keys[other.pk] == "ali@example.org"  # recomputed
    assert keys[first.pk] == "victim@gmail.com"
    assert keys[second.pk] == '"victim"@gmail.com'  # kept: the organisers decide
    assert Signature.objects.count() == 3  # nothing deleted
    report = capsys.readouterr().out
    assert f"signature {second.pk} is the same mailbox as signature {first.pk}" in report
