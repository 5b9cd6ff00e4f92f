"""Sharing the petition: a link per channel with its tracking parameters, and counts per channel."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse

from petitions.models import ShareCount
from petitions.views import share_links

pytestmark = pytest.mark.django_db


def test_every_share_link_carries_its_channel_in_utm_source(petition, settings):
    settings.SITE_URL = "https://campaign.example.org"
    share = share_links(petition)
    channels = {link["channel"]: link["href"] for link in share["links"]}
    assert set(channels) == {"x", "facebook", "whatsapp", "telegram", "email"}
    x = parse_qs(urlparse(channels["x"]).query)["url"][0]
    assert x == (
        "https://campaign.example.org/petitions/release-the-landmine-maps/"
        "?utm_source=x&utm_medium=share&utm_campaign=release-the-landmine-maps"
    )
    assert "utm_source%3Dtelegram" in channels["telegram"]
    assert channels["telegram"].startswith("https://t.me/share/url?")
    assert "utm_source%3Dwhatsapp" in channels["whatsapp"]
    assert "utm_source%3Demail" in channels["email"]
    assert share["copy_url"].endswith(
        "?utm_source=copy&utm_medium=share&utm_campaign=release-the-landmine-maps"
    )


def test_the_page_offers_copy_link_without_javascript_and_the_share_sheet_with_it(client, petition):
    html = client.get(reverse("petitions:detail", kwargs={"slug": petition.slug})).content.decode()
    # Without JavaScript: the link in a field to select and copy; the buttons stay hidden.
    assert "readonly data-share-url" in html
    assert "utm_source=copy" in html
    assert "data-share-copy hidden" in html
    assert '<p class="share-native" hidden>' in html
    assert "js/share.js" in html
    for label in ("X", "Facebook", "WhatsApp", "Telegram", "Email"):
        assert f">{label}<span" in html


def beacon(petition, *, origin="http://testserver", address="203.0.113.9", **data):
    """The page's sendBeacon: a POST from the site's own origin (browsers send Origin)."""
    url = reverse("petitions:share_event", kwargs={"slug": petition.slug})
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    return Client().post(url, data, REMOTE_ADDR=address, **headers)


def test_a_share_and_a_visit_from_a_share_are_counted_per_channel_and_day(petition):
    assert beacon(petition, channel="whatsapp", event="share").status_code == 204
    assert beacon(petition, channel="whatsapp", event="share").status_code == 204
    assert beacon(petition, channel="whatsapp", event="visit").status_code == 204
    assert beacon(petition, channel="x", event="share").status_code == 204
    rows = {(r.channel, r.event): r.count for r in ShareCount.objects.all()}
    assert rows == {("whatsapp", "share"): 2, ("whatsapp", "visit"): 1, ("x", "share"): 1}


def test_unknown_channels_and_get_requests_count_nothing(petition):
    assert beacon(petition, channel="myspace", event="share").status_code == 400
    assert beacon(petition, channel="x", event="like").status_code == 400
    url = reverse("petitions:share_event", kwargs={"slug": petition.slug})
    assert Client().get(url).status_code == 405
    assert (
        Client()
        .post(
            url.replace(petition.slug, "nope"),
            {"channel": "x", "event": "share"},
            HTTP_ORIGIN="http://testserver",
        )
        .status_code
        == 404
    )
    assert ShareCount.objects.count() == 0


def test_a_landing_from_a_share_link_writes_nothing_on_get(client, petition):
    url = reverse("petitions:detail", kwargs={"slug": petition.slug})
    response = client.get(url + "?utm_source=whatsapp&utm_medium=share")
    assert response.status_code == 200
    assert ShareCount.objects.count() == 0


def test_a_post_from_another_site_counts_nothing(petition):
    """Issue 17, item 5: 1,000 posts with a foreign Origin were all counted."""
    assert (
        beacon(petition, origin="https://evil.example", channel="x", event="share").status_code
        == 403
    )
    assert beacon(petition, origin="null", channel="x", event="share").status_code == 403
    assert beacon(petition, origin=None, channel="x", event="share").status_code == 403
    url = reverse("petitions:share_event", kwargs={"slug": petition.slug})
    from_our_page = Client().post(
        url,
        {"channel": "x", "event": "share"},
        HTTP_REFERER=f"http://testserver/petitions/{petition.slug}/",
    )
    assert from_our_page.status_code == 204  # no Origin header: the Referer is ours
    assert sum(ShareCount.objects.values_list("count", flat=True)) == 1


def test_two_hundred_posts_from_one_client_move_the_count_by_the_cap_at_most(petition, settings):
    settings.PETITION_SHARES_PER_CLIENT_PER_DAY = 5
    answers = [beacon(petition, channel="x", event="share").status_code for _ in range(200)]
    assert answers.count(204) == 5
    assert sum(ShareCount.objects.values_list("count", flat=True)) == 5
    # Another address of the same IPv6 /64 is the same client; another /64 is not.
    assert (
        beacon(petition, address="2001:db8:1:2::7", channel="x", event="share").status_code == 204
    )
    for _ in range(10):
        beacon(petition, address="2001:db8:1:2::8", channel="x", event="share")
    assert (
        beacon(petition, address="2001:db8:1:3::1", channel="x", event="share").status_code == 204
    )
    assert sum(ShareCount.objects.values_list("count", flat=True)) == 11


def test_the_dashboard_says_share_counts_are_indicative(client, petition):
    from tests.factories import organiser

    client.force_login(organiser())
    page = client.get(reverse("admin:dashboard")).content.decode()
    assert "Indicative, not exact" in page
