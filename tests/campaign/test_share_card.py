"""The picture a shared link shows: a 1200×630 PNG with the title, the live count and the goal."""

import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from campaign import share_card
from petitions.models import Petition, PetitionCounter

pytestmark = pytest.mark.django_db

PETITION = "release-the-landmine-maps"


@pytest.fixture
def campaign(db) -> None:
    call_command("load_campaign", verbosity=0)


def card(url: str) -> tuple[Image.Image, dict]:
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image, dict(image.text)


def set_count(count: int) -> None:
    PetitionCounter.objects.update_or_create(
        petition=Petition.objects.get(), defaults={"count": count}
    )


def test_the_petition_card_is_a_1200_by_630_png_with_title_count_and_goal(campaign, settings):
    settings.PETITION_COUNT_REFRESH_SECONDS = 3600
    set_count(1234)
    image, text = card(reverse("petitions:card", kwargs={"slug": PETITION}))
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    assert text["Title"].startswith("Urge Armenia release the map of landmines")
    assert text["Description"] == "1,234 people have signed Goal: 15,000"


def test_each_appeal_has_a_card_and_the_petitions_appeal_shows_its_count(campaign, settings):
    settings.PETITION_COUNT_REFRESH_SECONDS = 3600
    set_count(1)
    image, text = card(
        reverse(
            "campaign:appeal_detail", kwargs={"slug": "urge-armenia-release-the-map-of-landmines"}
        )
        + "card.png"
    )
    assert image.size == (1200, 630)
    assert text["Description"] == "1 person has signed Goal: 15,000"
    image, text = card(reverse("campaign:appeal_card", kwargs={"slug": "help-save-civilian-lives"}))
    assert text["Title"] == "Help save civilian lives."


def test_the_card_is_drawn_again_only_when_the_count_moved_and_a_minute_passed(campaign, settings):
    settings.PETITION_COUNT_REFRESH_SECONDS = 3600
    url = reverse("petitions:card", kwargs={"slug": PETITION})
    set_count(10)
    now = 1_000_000.0
    with mock.patch.object(share_card.time, "time", return_value=now):
        assert card(url)[1]["Description"].startswith("10 people")
    set_count(11)
    with mock.patch.object(share_card.time, "time", return_value=now + 59):
        assert card(url)[1]["Description"].startswith("10 people")  # kept: under a minute
    with mock.patch.object(share_card.time, "time", return_value=now + 61):
        assert card(url)[1]["Description"].startswith("11 people")
    with (
        mock.patch.object(share_card.time, "time", return_value=now + 3600),
        mock.patch.object(share_card, "card_draw", side_effect=AssertionError("redrawn")),
    ):
        # The count has not moved since: no drawing, however old the card.
        assert card(url)[1]["Description"].startswith("11 people")


def test_without_the_dejavu_font_the_card_is_drawn_with_pillows_own(campaign, settings):
    share_card.font_path.cache_clear()
    with mock.patch.object(share_card, "FONT_DIRS", ("/nonexistent",)):
        png = share_card.card_draw(
            share_card.Card(site_name="S", title="A title", count=3, goal=10, count_text="3")
        )
    share_card.font_path.cache_clear()
    image = Image.open(io.BytesIO(png))
    assert image.size == (1200, 630)


def test_the_site_card_shows_the_campaign_name(campaign):
    image, text = card(reverse("site_card"))
    assert image.size == (1200, 630)
    assert text["Title"].startswith("A petition and letters")


def test_an_unknown_petition_or_appeal_has_no_card(campaign):
    assert Client().get(reverse("petitions:card", kwargs={"slug": "nope"})).status_code == 404
    assert Client().get(reverse("campaign:appeal_card", kwargs={"slug": "nope"})).status_code == 404
