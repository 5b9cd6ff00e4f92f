"""campaign/lib/csv.py: CSV written by PostgreSQL's COPY, formula-like cells neutralised."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.db.models import F

from campaign.lib.csv import (
    Column,
    Neutralised,
    UTCText,
    csv_response,
    csv_stream,
    neutralise,
    rows_stream,
    yes_no,
)

HOSTILE = ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "a=b", "", "İlkin Əliyev", 'say "hi", then']


def parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.mark.django_db
def test_copy_writes_the_header_and_rows_in_key_order_neutralised_in_sql():
    for number, name in enumerate(HOSTILE):
        User.objects.create(username=f"user{number:02}", first_name=name, is_staff=number % 2)
    finished: list[int] = []
    data = b"".join(
        csv_stream(
            queryset=User.objects.order_by("-pk"),
            columns=[
                Column("username", F("username")),
                Column("name", Neutralised(F("first_name"))),
                Column("staff", yes_no("is_staff")),
            ],
            on_finish=finished.append,
        )
    )
    rows = parse(data)
    assert rows[0] == ["username", "name", "staff"]
    assert rows[1:] == [
        [f"user{number:02}", neutralise(name), "yes" if number % 2 else "no"]
        for number, name in enumerate(HOSTILE)
    ]
    assert finished == [len(HOSTILE)]


@pytest.mark.django_db
def test_times_are_utc_text_cut_to_the_second_and_empty_when_missing():
    late = datetime(2026, 11, 22, 23, 59, 59, 999_999, tzinfo=UTC)
    User.objects.create(username="seen", last_login=late)
    User.objects.create(username="never", last_login=None)
    data = b"".join(
        csv_stream(
            queryset=User.objects.all(),
            columns=[
                Column("username", F("username")),
                Column("last_login_utc", UTCText(F("last_login"))),
            ],
        )
    )
    assert parse(data) == [
        ["username", "last_login_utc"],
        ["seen", "2026-11-22 23:59:59"],
        ["never", ""],
    ]


def test_rows_built_in_python_have_text_neutralised_and_numbers_kept():
    finished: list[int] = []
    data = b"".join(
        rows_stream(
            header=["what", "n"], rows=[("=SUM(A1)", 3), ("ok", -1)], on_finish=finished.append
        )
    )
    assert parse(data) == [["what", "n"], ["'=SUM(A1)", "3"], ["ok", "-1"]]
    assert finished == [2]


def test_a_csv_download_is_named_and_never_cached():
    response = csv_response(iter([b"a,b\r\n"]), filename="x.csv", headers={"X-Export-Log": "7"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Cache-Control"] == "no-store"
    assert response["X-Export-Log"] == "7"
    assert b"".join(response.streaming_content) == b"a,b\r\n"
