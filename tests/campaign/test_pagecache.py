"""Public pages from the shared cache: the same page for everyone, each visitor's own form."""

import json
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from campaign.models import Appeal
from petitions.models import Petition, Signature
from petitions.services import counter_refresh
from tests.factories import data_manager, make_petition

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')


@pytest.fixture
def petition(db) -> Petition:
    return make_petition()


def detail(petition: Petition) -> str:
    return reverse("petitions:detail", kwargs={"slug": petition.slug})


def test_two_visitors_get_one_cached_page_with_their_own_form_tokens(
    petition, settings, django_assert_num_queries
):
    settings.PETITION_MIN_FILL_SECONDS = 0
    settings.CSRF_COOKIE_SECURE = False
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page_one = first.get(detail(petition)).content.decode()
    with django_assert_num_queries(0):
        page_two = second.get(detail(petition)).content.decode()
    assert "pagecache-hole" not in page_one + page_two
    assert TOKEN.search(page_one).group(1) != TOKEN.search(page_two).group(1)
    assert STARTED.search(page_one).group(1) != STARTED.search(page_two).group(1)
    # Same page otherwise.
    assert TOKEN.sub("", STARTED.sub("", page_one)) == TOKEN.sub("", STARTED.sub("", page_two))
    # The second visitor's form, from the cached page, signs.
    response = second.post(
        f"{detail(petition)}sign/",
        {
            "csrfmiddlewaretoken": TOKEN.search(page_two).group(1),
            "started": STARTED.search(page_two).group(1),
            "name": "Aysel Mammadova",
            "email": "aysel@example.org",
            "country": "AZ",
            "postcode": "Baku",
        },
    )
    assert response.status_code == 302
    assert Signature.objects.get().email == "aysel@example.org"


def test_the_count_on_a_cached_page_follows_the_refresh(petition, settings):
    settings.PETITION_COUNT_REFRESH_SECONDS = 3
    client = Client()
    assert "0</strong> <span data-count-words" in client.get(detail(petition)).content.decode()
    Signature.objects.create(
        petition=petition, name="A B", email="a@example.org", email_canonical="a@example.org"
    )
    Signature.objects.update(confirmed_at="2026-12-01T00:00Z")
    counter_refresh(petition=petition, force=True)
    # Still the page of a moment ago: it is kept for one refresh interval.
    assert "0</strong> <span data-count-words" in client.get(detail(petition)).content.decode()


def test_an_organisers_edit_in_the_admin_shows_at_once(petition, client, settings):
    settings.CSRF_COOKIE_SECURE = False
    anonymous = Client()
    assert "Urge Armenia" in anonymous.get(detail(petition)).content.decode()
    client.force_login(data_manager())
    appeal = petition.appeal
    change = reverse("admin:campaign_appeal_change", args=[appeal.pk])
    form = client.get(change).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | dict)
    }
    data |= {"title": "Release every map of landmines", "_save": "Save"}
    inlines = client.get(change).context["inline_admin_formsets"]
    for inline in inlines:
        management = inline.formset.management_form
        data |= {
            f"{management.prefix}-{name}": management[name].value() for name in management.fields
        }
        for subform in inline.formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if value is not None:
                    data[f"{subform.prefix}-{name}"] = value
            data[f"{subform.prefix}-id"] = subform.instance.pk
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    Appeal.objects.get(pk=appeal.pk, title="Release every map of landmines")
    assert "Release every map of landmines" in anonymous.get(detail(petition)).content.decode()


def test_loading_the_campaign_again_replaces_the_cached_pages(db, client, tmp_path):
    source = Path(settings.BASE_DIR) / "fixtures" / "landmine-maps"
    call_command("load_campaign", str(source), verbosity=0)
    appeals_url = reverse("campaign:appeal_list")
    assert "Release every map" not in client.get(appeals_url).content.decode()
    for fixture in source.glob("*.json"):
        shutil.copy(fixture, tmp_path / fixture.name)
    appeals = json.loads((tmp_path / "010_appeals.json").read_text())
    appeals[0]["fields"]["title"] = "Release every map"
    (tmp_path / "010_appeals.json").write_text(json.dumps(appeals))
    call_command("load_campaign", str(tmp_path), verbosity=0)
    assert "Release every map" in client.get(appeals_url).content.decode()


def test_signed_in_staff_get_a_page_of_their_own(petition, client):
    Client().get(detail(petition))  # cached for anonymous readers
    client.force_login(data_manager())
    Petition.objects.filter(pk=petition.pk).update(is_open=False)
    assert "This petition is closed" in client.get(detail(petition)).content.decode()
    assert "This petition is closed" not in Client().get(detail(petition)).content.decode()


def test_head_is_answered_from_the_cache_too(petition, django_assert_num_queries):
    Client().get(detail(petition))
    with django_assert_num_queries(0):
        response = Client().head(detail(petition))
    assert response.status_code == 200
