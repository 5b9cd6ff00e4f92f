"""The directory provider: recipients imported with the postcodes they represent."""

import pytest
from django.urls import reverse

from letters.models import Recipient
from letters.representatives import NotFound, lookup
from letters.representatives.postcodes import postcode_parse
from letters.services import recipients_import_csv

pytestmark = pytest.mark.django_db

CSV = (
    "name,kind,title,constituency,country,email,postcodes\n"
    "Anna Beispiel,mp,MdB,Berlin-Mitte,Germany,anna@bundestag.example,10115 10117 101\n"
    "Otto Muster,mp,MdB,Berlin-Pankow,Germany,otto@bundestag.example,1\n"
)


def find(postcode: str):
    return lookup(
        provider="directory", postcode=postcode_parse(postcode, countries=[], directory=True)
    )


def test_the_longest_matching_postcode_wins():
    recipients_import_csv(text=CSV)
    assert [m.name for m in find("10115").members] == ["Anna Beispiel"]
    assert [m.name for m in find("13187").members] == ["Otto Muster"]
    assert find("10115").name == "Berlin-Mitte"


def test_a_postcode_nobody_represents_is_not_found():
    recipients_import_csv(text=CSV)
    with pytest.raises(NotFound):
        find("75007")


def test_a_template_with_the_directory_finds_them_on_the_page(client, template):
    recipients_import_csv(text=CSV)
    template.postcode_lookup = "directory"
    template.save()
    page = client.get(
        reverse("letters:find"), {"template": template.slug, "postcode": "10117"}
    ).content.decode()
    anna = Recipient.objects.get(name="Anna Beispiel")
    assert f"?recipient={anna.slug}" in page
    assert "Otto Muster" not in page
