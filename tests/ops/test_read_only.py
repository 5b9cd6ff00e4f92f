"""GET and HEAD never write: every public page, read by a database role that may only SELECT.

A page view that wrote (a counter refreshed in the request, a session row for an anonymous
reader, a rate-limit row) would fail here with "permission denied". The list of URLs is
checked against the URL configuration, so a new public page must be added here (or to the
exceptions, with the reason).
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from campaign.lib.heartbeats import heartbeat_record
from campaign.lib.pagecache import page_cache_clear
from letters.models import Letter, LetterTemplate
from letters.tokens import confirm_token_make as letter_confirm_token_make
from letters.tokens import reply_token_make, status_token_make
from petitions.models import Petition
from petitions.tokens import confirm_token_make, withdraw_token_make
from tests.factories import sign

# Links that act on GET: none. Every emailed link that changes something (confirm a signature
# or a letter, withdraw, "did they reply?") opens a page with one button; mail scanners that
# open links change nothing (issue 17, item 3).
ACTIONS: dict[str, str] = {}
# Reads only until the supporter asks for something: letters:find without a postcode shows
# the form; with one, it counts the client's look-ups (rate limit) and caches the outside
# API's answer, like a form post (issue 10).
QUERIES = {"letters:find": "?template={template}"}
# Answer POST only: their GET is a 405 without touching the database (checked below).
NOT_PAGES = {"set_language", "anymail_tracking", "petitions:share_event"}


def public_names(patterns=None, namespace: str = "") -> set[str]:
    """Every named URL outside the admin."""
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= public_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


@pytest.fixture
def campaign(db) -> None:
    call_command("load_campaign", verbosity=0)


@pytest.fixture
def reader():
    """From here on, the test's database connection may only SELECT (rolled back at the end)."""

    def become() -> None:
        with connection.cursor() as cursor:
            cursor.execute("CREATE ROLE campaign_reader NOLOGIN")
            cursor.execute("GRANT USAGE ON SCHEMA public TO campaign_reader")
            cursor.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO campaign_reader")
            cursor.execute("SET LOCAL ROLE campaign_reader")

    return become


def test_the_reader_role_cannot_write(db, reader):
    reader()
    with pytest.raises(Exception, match="permission denied"), connection.cursor() as cursor:
        cursor.execute("INSERT INTO campaign_heartbeat (name, beat_at) VALUES ('x', now())")


@pytest.mark.parametrize("method", ["get", "head"])
def test_every_public_page_is_read_with_select_only_grants(client, campaign, reader, method):
    petition = Petition.objects.get()
    signature = sign(petition, "Leyla Aliyeva", confirmed=True)
    template = LetterTemplate.objects.filter(is_active=True).first()
    letter = Letter.objects.filter(template=template).first() or Letter.objects.create(
        template=template,
        recipient_name="An MP",
        recipient_email="mp@parliament.example",
        recipient_email_canonical="mp@parliament.example",
        sender_name="Leyla Aliyeva",
        sender_email="leyla@example.org",
        sender_email_canonical="leyla@example.org",
        subject="Maps",
        body="Please.",
    )
    appeal_slugs = [appeal.slug for appeal in petition.appeal.__class__.objects.all()]
    pages = {
        "healthz": [{}],
        "javascript-catalog": [{}],
        "campaign:home": [{}],
        "campaign:appeal_list": [{}],
        "campaign:appeal_detail": [{"slug": slug} for slug in appeal_slugs],
        "campaign:figures": [{}],
        "campaign:privacy": [{}],
        "campaign:about": [{}],
        "campaign:appeal_card": [{"slug": petition.appeal.slug}],
        "theme_css": [{}],
        "logo": [{}],
        "favicon": [{}],
        "site_card": [{}],
        "petitions:card": [{"slug": petition.slug}],
        "petitions:list": [{}],
        "petitions:detail": [{"slug": petition.slug}],
        "petitions:sign": [{"slug": petition.slug}],
        "petitions:thanks": [{"slug": petition.slug}],
        "petitions:count": [{"slug": petition.slug}],
        "petitions:widget": [{"slug": petition.slug}],
        "petitions:withdraw": [{"token": withdraw_token_make(signature.pk)}],
        # Emailed links that act ask first (a button that posts): their GET only reads.
        "petitions:confirm": [{"token": confirm_token_make(signature.pk)}],
        "letters:reply": [{"token": reply_token_make(letter_id=letter.pk, ask=1, answer="yes")}],
        "letters:start": [{}],
        "letters:find": [{}],
        "letters:write": [{"template_slug": template.slug}],
        "letters:status": [{"token": status_token_make(letter.pk)}],
        # The letter's confirmation link asks first (a button that posts): its GET only reads.
        "letters:confirm": [{"token": letter_confirm_token_make(letter.pk)}],
    }
    assert public_names() == set(pages) | set(ACTIONS) | NOT_PAGES
    pages["set_language"] = [{}]
    pages["anymail_tracking"] = [{"esp": "mailgun"}]
    pages["petitions:share_event"] = [{"slug": petition.slug}]
    heartbeat_record(name="worker")
    heartbeat_record(name="scheduler")
    reader()
    for name, variants in pages.items():
        for kwargs in variants:
            url = reverse(name, kwargs=kwargs) + QUERIES.get(name, "").format(
                template=template.slug
            )
            cache.clear()
            page_cache_clear()
            response = getattr(client, method)(url)
            assert response.status_code < 500, (url, response.status_code)
            assert response.status_code != 404 or name in NOT_PAGES, url
