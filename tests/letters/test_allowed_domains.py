"""The parliaments' email domains are allowed out of the box; organisers can still change them."""

import importlib

import pytest

from letters.models import AllowedDomain, LetterTemplate
from letters.services import LetterDraft, letter_site_may_send

pytestmark = pytest.mark.django_db

seed = importlib.import_module("letters.migrations.0010_allowed_domains_of_parliaments")


def typed_in(address: str) -> LetterDraft:
    return LetterDraft(
        template=LetterTemplate(slug="t", name="t", subject="s", body="b"),
        recipient=None,
        recipient_name="A Member",
        recipient_title="",
        recipient_email=address,
        sender_name="Ann Lee",
        sender_email="ann@example.org",
    )


@pytest.mark.parametrize(
    "address",
    [
        "jane.member.mp@parliament.uk",
        "jane.member@parl.gc.ca",
        "jeanne.depute@assemblee-nationale.fr",
        "johanna.abgeordnete@bundestag.de",
        "jana.mep@europarl.europa.eu",
    ],
)
def test_a_typed_in_member_of_each_parliament_is_written_to_through_the_site(address):
    AllowedDomain.objects.exclude(domain__in=seed.PARLIAMENT_DOMAINS).delete()
    assert letter_site_may_send(draft=typed_in(address))


def test_other_domains_still_need_an_organiser(client):
    assert not letter_site_may_send(draft=typed_in("editor@paper.example"))


def test_an_organiser_can_remove_a_parliaments_domain():
    AllowedDomain.objects.filter(domain="bundestag.de").delete()
    assert not letter_site_may_send(draft=typed_in("johanna.abgeordnete@bundestag.de"))
    assert letter_site_may_send(draft=typed_in("jane.member.mp@parliament.uk"))
