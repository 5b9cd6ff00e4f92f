"""Organisers publish a revised letter; the original stays in the history, and each letter
records the version it was written from (issue 18, item 9)."""

import html
import re

import pytest
from django.urls import reverse

from letters.models import Letter, LetterTemplateVersion
from tests.factories import IMMEDIATE_TASKS, letter_details

pytestmark = pytest.mark.django_db
WRITE = "/letters/write/open-letter/"


def revise(admin_client, template, **changes):
    url = reverse("admin:letters_lettertemplate_change", args=[template.pk])
    data = {
        "slug": template.slug,
        "name": template.name,
        "appeal": template.appeal_id or "",
        "subject": template.subject,
        "body": template.body,
        "postcode_lookup": template.postcode_lookup,
        "is_active": "on",
        "language": template.language,
        "original": "",
        "translator": template.translator,
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    } | changes
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    template.refresh_from_db()


def test_a_revision_in_the_admin_keeps_the_original_and_numbers_the_new(admin_client, template):
    original = template.body
    assert template.version == 1
    revised = original.replace(
        "Last year, the 2020 Karabakh War ended", "In November 2020, the Karabakh War ended"
    )
    assert revised != original
    revise(admin_client, template, body=revised)
    assert (template.version, template.body) == (2, revised)
    [kept] = LetterTemplateVersion.objects.filter(template=template)
    assert (kept.version, kept.body) == (1, original)
    page = admin_client.get(reverse("admin:letters_lettertemplate_change", args=[template.pk]))
    assert "In November 2020" in page.content.decode()

    revise(admin_client, template, name="Renamed only")
    assert template.version == 2  # no new version without a change of subject or text


def test_each_letter_records_the_version_it_came_from(client, admin_client, template, mp, settings):
    settings.TASKS = IMMEDIATE_TASKS
    revise(admin_client, template, subject=template.subject + " (revised)")
    client.post(WRITE, letter_details(recipient=mp.slug))
    page = client.post(WRITE, letter_details(recipient=mp.slug)).content.decode()
    assert "(revised)" in page
    subject = html.unescape(re.search(r'name="subject" value="([^"]*)"', page).group(1))
    body = html.unescape(
        re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)
    )
    data = letter_details(recipient=mp.slug) | {"step": "send", "subject": subject, "body": body}
    assert client.post(WRITE, data).status_code == 302
    assert Letter.objects.get().template_version == 2
