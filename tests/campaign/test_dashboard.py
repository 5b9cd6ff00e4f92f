"""The organisers' dashboard: its numbers against known signatures, and its query count."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaign.dashboard import dashboard_read
from letters.models import Recipient
from petitions.models import PendingConfirmationEmail, Signature
from petitions.moderation import signatures_invalidate
from petitions.services import counter_refresh
from tests.factories import make_petition, organiser, sign

DASHBOARD = reverse("admin:dashboard")


@pytest.fixture
def petition(db):
    """Known data: 3 confirmed today, 1 confirmed 3 days ago, 1 signed 20 days ago, 2 pending
    today, 1 invalidated."""
    petition = make_petition()
    petition.goal = 10
    petition.save()
    now = timezone.now()
    for i in range(3):
        sign(petition, f"Today {i}", created_at=now - timedelta(minutes=30), country="AZ")
    sign(petition, "Three Days", created_at=now - timedelta(days=3), country="GB")
    sign(petition, "Twenty Days", created_at=now - timedelta(days=20), country="GB")
    sign(petition, "Pending One", confirmed=False, created_at=now - timedelta(minutes=20))
    sign(petition, "Pending Two", confirmed=False, created_at=now - timedelta(minutes=10))
    spam = sign(petition, "Spam", created_at=now - timedelta(minutes=5))
    counter_refresh(petition=petition, force=True)
    signatures_invalidate(queryset=Signature.objects.filter(pk=spam.pk))
    return petition


@pytest.fixture(autouse=True)
def _not_near_midnight(monkeypatch):
    """The fixture's 'today' rows are minutes old; keep them on today's date."""
    real = timezone.now()
    if real.hour == 0 and real.minute < 40:
        fixed = real.replace(hour=1, minute=0)
        monkeypatch.setattr(timezone, "now", lambda: fixed)


def test_numbers_per_petition(petition):
    dashboard = dashboard_read()
    (numbers,) = dashboard.petitions
    assert numbers.counted == 5
    assert numbers.confirmed == 5
    assert numbers.unconfirmed == 2
    assert numbers.invalidated == 1
    assert numbers.signed_today == 5
    assert numbers.signed_7_days == 6
    assert numbers.confirmed_today == 3
    assert numbers.confirmed_7_days == 4
    assert numbers.goal == 10
    assert numbers.to_goal == 5
    assert numbers.percent == 50


def test_signatures_per_day_and_countries(petition):
    dashboard = dashboard_read()
    per_day = dict(zip(dashboard.days, dashboard.per_day[petition.pk], strict=True))
    today = timezone.localdate()
    assert per_day[today] == 5
    assert per_day[today - timedelta(days=3)] == 1
    assert per_day[today - timedelta(days=20)] == 1
    assert sum(per_day.values()) == 7
    assert ("release-the-landmine-maps", "Azerbaijan", 3) in dashboard.countries  # names, not codes
    assert ("release-the-landmine-maps", "United Kingdom", 2) in dashboard.countries


def test_page_shows_the_numbers_a_chart_and_a_table(client, petition):
    client.force_login(organiser())
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    text = page.text
    assert '<svg class="chart"' in text
    assert "Valid signatures per day" in text
    assert '<progress max="10" value="5"' in text
    assert "5 to go" in text
    assert "counts.csv?by=day" in text  # organisers may export the counts


def test_query_count_is_pinned(client, petition, django_assert_num_queries):
    client.force_login(organiser())
    client.get(DASHBOARD)  # warm the session and permission caches
    letters = apps.is_installed("letters") and any(
        m.__name__ == "Letter" for m in apps.get_app_config("letters").get_models()
    )
    # session, user, petitions, totals, per day, countries, outbox, shares (+ letters,
    # recipients without a route, replies per recipient and per kind, the two letter
    # outboxes, the templates that speak in relative time), permissions
    with django_assert_num_queries(10 + 7 * int(letters)):
        client.get(DASHBOARD)


def test_the_email_outbox_and_a_stalled_worker_are_shown(client, petition):
    pending = Signature.objects.filter(confirmed_at__isnull=True, invalidated_at__isnull=True)
    now = timezone.now()
    PendingConfirmationEmail.objects.create(signature=pending[0], queued_at=now, send_after=now)
    client.force_login(organiser())
    text = client.get(DASHBOARD).text
    assert "Confirmation emails waiting to be sent: 1, the oldest queued 0" in text
    assert "is the email worker running?" not in text
    # Due for ten minutes and still there: nothing is sending.
    stalled = now - timedelta(minutes=10)
    PendingConfirmationEmail.objects.create(
        signature=pending[1], queued_at=stalled, send_after=stalled
    )
    dashboard = dashboard_read()
    assert (dashboard.emails_waiting, dashboard.emails_overdue) == (2, 1)
    text = client.get(DASHBOARD).text
    assert "1 of them should have gone more than 5 minutes ago" in text
    assert "is the email worker running?" in text


def test_the_letter_outboxes_and_a_stalled_worker_are_shown(client, petition):
    from letters.models import Letter, LetterTemplate, PendingLetterConfirmation

    template = LetterTemplate.objects.create(slug="t", name="T", subject="S", body="B")
    stalled = timezone.now() - timedelta(minutes=10)

    def letter(sender: str, **fields) -> Letter:
        return Letter.objects.create(
            template=template,
            recipient_name="The Editor",
            recipient_email="editor@paper.example",
            recipient_email_canonical="editor@paper.example",
            sender_name="Ann Lee",
            sender_email=sender,
            sender_email_canonical=sender,
            subject="S",
            **fields,
        )

    letter("a@example.org", status=Letter.Status.QUEUED, send_after=timezone.now())
    PendingLetterConfirmation.objects.create(letter=letter("b@example.org"))
    client.force_login(organiser())
    text = client.get(DASHBOARD).text
    assert "Letters waiting to be sent: 1; letter confirmation emails: 1." in text
    assert "is the email worker running?" not in text
    letter("c@example.org", status=Letter.Status.QUEUED, send_after=stalled)
    text = client.get(DASHBOARD).text
    assert "Letters waiting to be sent: 2; letter confirmation emails: 1." in text
    assert "1 of them should have gone more than 5 minutes ago" in text


def test_the_index_links_to_the_dashboard(client, petition):
    client.force_login(organiser())
    page = client.get(reverse("admin:index"))
    assert DASHBOARD in page.text


def test_no_petitions_no_error(client, db):
    client.force_login(organiser())
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    assert "No petitions yet." in page.text


def test_recipients_without_a_contact_route_are_a_warning_with_a_link(client, db):
    call_command("load_campaign", verbosity=0)
    client.force_login(organiser())
    text = client.get(DASHBOARD).text
    unreachable = Recipient.objects.without_route().count()
    assert unreachable > 1  # the campaign's organisations without a published route
    assert (
        f"{unreachable} recipients can't be reached: no email, contact form or postal address."
        in text
    )
    assert "/letters/recipient/?route=none" in text


def test_the_dashboard_counts_shares_per_channel(client, petition):
    from petitions.services import share_count_add

    for _ in range(3):
        share_count_add(petition_id=petition.pk, channel="whatsapp", event="share")
    share_count_add(petition_id=petition.pk, channel="whatsapp", event="visit")
    share_count_add(petition_id=petition.pk, channel="x", event="share")
    client.force_login(organiser())
    html = client.get(DASHBOARD).content.decode()
    assert (
        "<td>release-the-landmine-maps</td><td>WhatsApp</td>"
        '<td class="num">3</td><td class="num">1</td>'
    ) in html
    assert '<td>X</td><td class="num">1</td><td class="num">0</td>' in html


def test_the_chart_labels_only_the_last_and_the_highest_day(client, petition):
    client.force_login(organiser())
    html = client.get(DASHBOARD).content.decode()
    start = html.index('<svg class="chart"')
    chart = html[start : html.index("</svg>", start)]
    # Thirty days with no signature: one value label (the last day), not thirty "0"s.
    assert chart.count('class="chart-value"') == 1


def test_breadcrumbs_are_an_ordered_list_as_in_the_rest_of_the_admin(client, petition):
    client.force_login(organiser())
    html = client.get(DASHBOARD).content.decode()
    assert '<ol class="breadcrumbs">' in html
    assert '<li aria-current="page">Dashboard</li>' in html
