"""Languages in URLs: English unprefixed, the others under /az/, /fr/, /de/, /ru/."""

import pytest
from django.conf import settings

PAGE = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("language", ["az", "fr", "de", "ru"])
def test_a_browser_first_visit_goes_to_its_language(client, campaign, language):
    response = client.get(
        "/appeals/?page=1", HTTP_ACCEPT=PAGE, HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/appeals/?page=1"
    assert "Accept-Language" in response["Vary"]
    assert "Cookie" in response["Vary"]


def test_an_english_browser_stays_on_the_unprefixed_page(client, campaign):
    response = client.get("/appeals/", HTTP_ACCEPT=PAGE, HTTP_ACCEPT_LANGUAGE="en-GB,en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text


def test_the_chosen_language_wins_over_the_browser(client, campaign):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/appeals/", HTTP_ACCEPT=PAGE, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.get("/appeals/", HTTP_ACCEPT=PAGE, HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Location"] == "/de/appeals/"


def test_a_prefixed_url_is_always_in_its_language(client, campaign):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.get("/ru/appeals/", HTTP_ACCEPT=PAGE, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert '<html lang="ru">' in response.text
    assert response["Content-Language"] == "ru"


def test_scripts_probes_and_the_admin_are_never_redirected(client, campaign):
    headers = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    petition = "/petitions/release-the-landmine-maps"
    assert client.get(f"{petition}/count.json", HTTP_ACCEPT="*/*", **headers).status_code == 200
    assert client.get("/healthz?check=database", HTTP_ACCEPT=PAGE, **headers).status_code == 200
    admin = client.get(f"/{settings.ADMIN_URL}login/", HTTP_ACCEPT=PAGE, **headers)
    assert admin.status_code == 200
    assert client.post(f"{petition}/sign/", {}, HTTP_ACCEPT=PAGE, **headers).status_code != 302


def test_every_page_links_to_itself_in_every_language(client, campaign):
    response = client.get("/fr/appeals/")
    for code, prefix in [("en", ""), ("az", "/az"), ("fr", "/fr"), ("de", "/de"), ("ru", "/ru")]:
        link = f'<link rel="alternate" hreflang="{code}" href="http://testserver{prefix}/appeals/">'
        assert link in response.text
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/appeals/">' in (
        response.text
    )


def test_the_switcher_remembers_the_choice_and_opens_the_same_page(client, campaign):
    page = client.get("/fr/appeals/")
    assert 'name="language" value="de" lang="de"' in page.text
    # The page it comes back to is named by its English path, which set_language translates.
    assert '<input type="hidden" name="next" value="/appeals/">' in page.text
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/appeals/"})
    assert response.status_code == 302
    assert response["Location"] == "/de/appeals/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "de"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    back = client.post("/i18n/setlang/", {"language": "en", "next": "/appeals/"})
    assert back["Location"] == "/appeals/"
    assert client.get("/appeals/", HTTP_ACCEPT=PAGE, HTTP_ACCEPT_LANGUAGE="de").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "cookie", "lang"),
    [("az", None, "az"), ("en", "ru", "ru"), ("de-DE,de;q=0.9", None, "de")],
)
def test_an_unknown_unprefixed_address_answers_in_the_visitors_language(
    client, accept, cookie, lang
):
    """Issue 19, item 7: a 404 was English for an Azerbaijani browser."""
    if cookie:
        client.cookies["django_language"] = cookie
    response = client.get("/no-such-page-at-all/", HTTP_ACCEPT_LANGUAGE=accept, follow=True)
    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    assert "There is no page at this address." not in page
