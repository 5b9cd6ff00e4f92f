import datetime

import pytest

from campaign.dates import as_of_display, date_display

APRIL_29 = datetime.date(2023, 4, 29)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"value": APRIL_29, "precision": "day"}, "29 April 2023"),
        ({"value": datetime.date(2021, 12, 1), "precision": "month"}, "December 2021"),
        ({"value": datetime.date(2021, 1, 1), "precision": "year"}, "2021"),
        (
            {
                "value": datetime.date(2021, 9, 1),
                "precision": "inferred",
                "inferred": "around September 2021",
                "text": "in the 10 months since the end of the 2020 Karabakh war",
            },
            "Undated; inferred: around September 2021, from “in the 10 months since the end "
            "of the 2020 Karabakh war”",
        ),
        (
            {"value": None, "precision": "unknown", "inferred": "year not stated"},
            "Undated; year not stated",
        ),
        ({"value": None, "precision": "unknown"}, "Undated"),
        # A precision without a date never shows a made-up one.
        ({"value": None, "precision": "day"}, "Undated"),
    ],
)
def test_date_display_is_as_precise_as_the_document(kwargs, expected):
    assert date_display(**kwargs) == expected


def test_an_inferred_date_never_reads_as_a_stated_day():
    text = date_display(
        value=datetime.date(2021, 9, 1), precision="inferred", inferred="around September 2021"
    )
    assert "1 September" not in text
    assert text.startswith("Undated; inferred:")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"value": APRIL_29, "precision": "day"}, "29 April 2023"),
        (
            {
                "value": datetime.date(2021, 2, 22),
                "precision": "inferred",
                "inferred": "22 February 2021 or later",
            },
            "22 February 2021 or later (inferred)",
        ),
        ({"value": None, "precision": "unknown"}, "Not stated"),
    ],
)
def test_as_of_display_is_short_and_marks_inference(kwargs, expected):
    assert as_of_display(**kwargs) == expected
