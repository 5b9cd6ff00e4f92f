"""An honest date (issue 18, item 9): the 2021 letter is not sent as if written today."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from letters.checks import letter_templates_speak_in_relative_time
from letters.dating import relative_time_words, speaks_stale_relative_time, time_words_meaning
from tests.factories import letter_details, organiser

WRITE = "/letters/write/open-letter/"


def test_the_relative_time_words_and_what_they_meant_when_written():
    text = (
        "Since the end of last year, 30 civilians. Last year, the war ended. In the 10 months since"
    )
    assert relative_time_words(text) == ["since the end of last year", "last year", "months since"]
    meaning = {
        w.words: w.meaning for w in time_words_meaning(text, written=datetime.date(2021, 9, 1))
    }
    assert meaning == {"since the end of last year": "since the end of 2020", "last year": "2020"}


def test_only_a_letter_older_than_a_year_with_relative_words_is_stale():
    today = datetime.date(2026, 12, 5)
    assert speaks_stale_relative_time("Last year", written=datetime.date(2021, 9, 1), today=today)
    assert not speaks_stale_relative_time(
        "Last year", written=datetime.date(2026, 6, 1), today=today
    )
    assert not speaks_stale_relative_time("In 2020", written=datetime.date(2021, 9, 1), today=today)
    assert not speaks_stale_relative_time("Last year", written=None, today=today)


@pytest.mark.django_db
def test_the_write_page_and_the_preview_say_when_the_letter_was_written(client, template, mp):
    page = client.get(f"{WRITE}?recipient={mp.slug}").content.decode()
    assert 'id="letter-date"' in page
    assert "around September 2021" in page
    assert '“last year”</span> = <span lang="en">2020</span>' in page
    preview = client.post(WRITE, letter_details(recipient=mp.slug)).content.decode()
    assert "around September 2021" in preview
    assert "since the end of 2020" in preview


@pytest.mark.django_db
def test_manage_py_check_warns_about_todays_open_letter(template, capsys):
    [warning] = letter_templates_speak_in_relative_time(None)
    assert warning.id == "letters.W001"
    assert "open-letter" in warning.msg
    assert "'last year'" in warning.msg
    call_command("check")
    assert "letters.W001" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_dashboard_warns_too(client, template):
    client.force_login(organiser())
    page = client.get(reverse("admin:dashboard")).content.decode()
    assert "was written over a year ago and speaks in relative time" in page
