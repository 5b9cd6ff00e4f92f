"""The campaign's identity comes from its fixtures folder: another campaign is another folder.

tests/sample_campaign/ is a second, small campaign. Loaded on its own, no page of the site may
show a word of the landmine campaign: every such word lives in fixtures/landmine-maps/.
"""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from campaign.models import Campaign
from campaign.selectors import campaign_identity

SAMPLE = Path(__file__).resolve().parent.parent / "sample_campaign"

# Words of the landmine campaign that no other campaign would use by chance.
LANDMINE_WORDS = re.compile(
    r"landmine|\bmines?\b|demin|armenia|azerbaij|karabakh|civilian|casualt|15,000|"
    r"release the|journalist|Fidan|Umud|Caliber",
    re.IGNORECASE,
)


def visible_text(html: str) -> str:
    """What the page says: tags dropped, and the country picker's options too (a list of every
    country in the world names Armenia and Azerbaijan whatever the campaign)."""
    html = re.sub(r"<select\b.*?</select>", " ", html, flags=re.DOTALL)
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def sample_pages() -> list[str]:
    return [
        reverse("campaign:home"),
        reverse("campaign:appeal_list"),
        reverse("campaign:appeal_detail", kwargs={"slug": "keep-millbrook-library-open"}),
        reverse("campaign:appeal_detail", kwargs={"slug": "letter-to-the-council"}),
        reverse("campaign:figures"),
        reverse("campaign:privacy"),
        reverse("campaign:about"),
        reverse("petitions:list"),
        reverse("petitions:detail", kwargs={"slug": "millbrook-saturdays"}),
        reverse("petitions:thanks", kwargs={"slug": "millbrook-saturdays"}),
        reverse("petitions:widget", kwargs={"slug": "millbrook-saturdays"}),
        reverse("letters:start"),
        reverse("letters:write", kwargs={"template_slug": "council-letter"}),
        reverse("letters:write", kwargs={"template_slug": "council-letter"})
        + "?recipient=councillor-jones",
        "/no-such-page/",
    ]


@pytest.fixture
def sample_campaign(db) -> None:
    call_command("load_campaign", str(SAMPLE), verbosity=0)


def test_the_sample_campaign_shows_no_word_of_the_landmine_campaign(sample_campaign):
    client = Client()
    for url in sample_pages():
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        text = visible_text(response.content.decode())
        found = sorted({m.group(0) for m in LANDMINE_WORDS.finditer(text)})
        assert not found, f"{url} shows {found}"
        if response.status_code == 200:
            assert "Millbrook" in text, url


def test_the_sample_campaign_shows_its_own_name_contact_and_colour(sample_campaign):
    client = Client()
    home = client.get(reverse("campaign:home")).content.decode()
    assert "<title>Friends of Millbrook Library</title>" in home
    assert "“We ask the council to keep the library open.”" in home
    about = visible_text(client.get(reverse("campaign:about")).content.decode())
    assert "Organisation Friends of Millbrook Library" in about
    assert "hello@millbrook.example" in about
    privacy = visible_text(client.get(reverse("campaign:privacy")).content.decode())
    assert "Data controller Friends of Millbrook Library, 1 High Street, Millbrook" in privacy
    theme = client.get(reverse("theme_css"))
    assert theme["Content-Type"].startswith("text/css")
    assert b"--accent: #6a1b9a;" in theme.content
    logo = client.get(reverse("logo"))
    assert logo["Content-Type"] == "image/svg+xml"
    assert b'fill="#6a1b9a"' in logo.content
    assert "default-src 'none'" in logo["Content-Security-Policy"]


def test_the_landmine_campaign_gives_no_organisation_or_contact_and_the_site_invents_none(db):
    call_command("load_campaign", verbosity=0)
    identity = Campaign.objects.get()
    assert (identity.organisation, identity.contact_email, identity.data_controller) == ("", "", "")
    client = Client()
    about = visible_text(client.get(reverse("campaign:about")).content.decode())
    assert "Organisation Not given" in about
    assert "Contact Not given" in about
    assert "mailto:" not in client.get(reverse("campaign:about")).content.decode()
    privacy = visible_text(client.get(reverse("campaign:privacy")).content.decode())
    assert "Data controller Not given" in privacy


def test_loading_again_updates_the_identity_in_place_and_pages_show_it_at_once(db):
    call_command("load_campaign", str(SAMPLE), verbosity=0)
    assert campaign_identity().name == "Friends of Millbrook Library"
    Campaign.objects.update(name="Someone else")
    call_command("load_campaign", str(SAMPLE), verbosity=0)
    assert Campaign.objects.count() == 1
    assert campaign_identity().name == "Friends of Millbrook Library"
    assert Campaign.objects.get().logo_svg.startswith("<svg")


def test_a_site_with_no_campaign_loaded_still_renders_with_a_neutral_name(db):
    response = Client().get(reverse("campaign:privacy"))
    assert response.status_code == 200
    assert "<title>Privacy – Campaign</title>" in response.content.decode()
    # No logo: the site's plain mark.
    assert Client().get(reverse("logo")).status_code == 302


def test_every_public_page_has_open_graph_and_twitter_card_tags(sample_campaign):
    client = Client()
    for url in sample_pages()[:-1]:
        if "widget" in url:
            continue
        html = client.get(url).content.decode()
        for tag in (
            'property="og:title"',
            'property="og:description"',
            'property="og:image" content="http',
            'property="og:url"',
            'rel="canonical"',
            'name="twitter:card" content="summary_large_image"',
        ):
            assert tag in html, (url, tag)
    petition = client.get(reverse("petitions:detail", kwargs={"slug": "millbrook-saturdays"}))
    assert "/petitions/millbrook-saturdays/card.png" in petition.content.decode()
    appeal = client.get(reverse("campaign:appeal_detail", kwargs={"slug": "letter-to-the-council"}))
    assert "/appeals/letter-to-the-council/card.png" in appeal.content.decode()


@pytest.mark.parametrize(
    "template", ["400.html", "403.html", "403_csrf.html", "404.html", "413.html", "500.html"]
)
def test_error_pages_wear_the_site_header_colour_and_logo(template):
    from django.template import loader

    html = loader.get_template(template).render({})
    assert '<header class="site-header">' in html
    assert '<link rel="stylesheet" href="/theme.css">' in html
    assert 'src="/logo.svg"' in html
    assert '<main id="main" tabindex="-1">' in html


def test_the_404_page_is_the_sites_own(sample_campaign):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert '<header class="site-header">' in response.content.decode()
