"""The chart geometry: pure functions, so the numbers are checked without a browser."""

import datetime

import pytest

from campaign.charts import (
    Margin,
    Point,
    Series,
    Tick,
    date_ticks,
    fmt,
    line_chart,
    nice_ticks,
    number_label,
)

BOX = {"width": 400, "height": 200, "margin": Margin(top=20, right=20, bottom=30, left=40)}


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (0, 301, [0, 100, 200, 300, 400]),
        (0, 157, [0, 50, 100, 150, 200]),
        (0, 35, [0, 10, 20, 30, 40]),
        (0, 3, [0, 1, 2, 3]),
        (0, 0, [0, 1]),
        (0, 15000, [0, 5000, 10000, 15000]),
    ],
)
def test_nice_ticks_cover_the_values_with_round_steps(lo, hi, expected):
    assert nice_ticks(lo, hi, 4) == expected


def test_number_labels_group_thousands_and_drop_needless_decimals():
    assert number_label(15000.0) == "15,000"
    assert number_label(2.5) == "2.5"
    assert fmt(12.0) == "12"
    assert fmt(12.25) == "12.2"


def test_date_ticks_use_years_over_a_long_span():
    ticks = date_ticks(datetime.date(2021, 1, 1), datetime.date(2023, 6, 28))
    assert [t.label for t in ticks] == ["2021", "2022", "2023"]
    assert ticks[0].value == datetime.date(2021, 1, 1).toordinal()


def test_date_ticks_use_months_then_days_over_shorter_spans():
    months = date_ticks(datetime.date(2026, 1, 1), datetime.date(2026, 4, 15))
    assert [t.label for t in months] == ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"]
    days = date_ticks(datetime.date(2026, 11, 1), datetime.date(2026, 11, 6))
    assert [t.label for t in days] == ["1 Nov", "2 Nov", "3 Nov", "4 Nov", "5 Nov", "6 Nov"]
    assert len(date_ticks(datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))) <= 6


def test_points_map_linearly_into_the_plot_area():
    chart = line_chart(
        [Series("s", "S", [Point(0, 0), Point(10, 50), Point(20, 100)])],
        x_domain=(0, 20),
        **BOX,
    )
    xs = [(p.x, p.y) for p in chart.series[0].points]
    # x from 40 to 380; y from 170 (zero) up to 20 (the top tick, 100).
    assert xs == [(40, 170), (210, 95), (380, 20)]
    assert chart.y_ticks[0] == Tick(0, 170, "0")
    assert chart.y_ticks[-1].pos == 20
    assert chart.view_box == "0 0 400 200"


def test_y_axis_starts_at_zero_so_small_changes_are_not_exaggerated():
    chart = line_chart([Series("s", "S", [Point(0, 298), Point(1, 301)])], **BOX)
    assert chart.y_ticks[0].value == 0
    a, b = chart.series[0].points
    assert abs(a.y - b.y) < 3


def test_uncertain_points_and_their_segments_are_marked():
    chart = line_chart(
        [Series("s", "S", [Point(0, 1, uncertain=True), Point(1, 2), Point(2, 3)])], **BOX
    )
    segments = chart.series[0].segments
    assert [s.uncertain for s in segments] == [True, False]
    assert chart.has_uncertain
    certain = line_chart([Series("s", "S", [Point(0, 1), Point(1, 2)])], **BOX)
    assert not certain.has_uncertain


def test_points_are_drawn_in_x_order_whatever_order_they_come_in():
    chart = line_chart([Series("s", "S", [Point(2, 3), Point(0, 1), Point(1, 2)])], **BOX)
    assert [p.point.x for p in chart.series[0].points] == [0, 1, 2]


def test_overlapping_labels_keep_the_latest_value():
    chart = line_chart(
        [Series("s", "S", [Point(100, 298), Point(100.1, 301)])], x_domain=(0, 200), **BOX
    )
    labels = [p.label for p in chart.series[0].points]
    assert labels == ["", "301"]


def test_a_single_point_and_an_empty_series_do_not_break_the_chart():
    one = line_chart([Series("s", "S", [Point(5, 20)])], **BOX)
    assert one.series[0].segments == []
    assert BOX["margin"].left <= one.series[0].points[0].x <= 400 - BOX["margin"].right
    empty = line_chart([Series("s", "S", [])], **BOX)
    assert empty.series[0].points == []
    assert empty.y_ticks


def test_ticks_outside_the_domain_are_left_out_and_labels_stay_in_the_box():
    chart = line_chart(
        [Series("s", "S", [Point(10, 5), Point(20, 400)])],
        x_domain=(10, 20),
        x_ticks=[Tick(5, 0, "too early"), Tick(15, 0, "mid"), Tick(25, 0, "too late")],
        **BOX,
    )
    assert [t.label for t in chart.x_ticks] == ["mid"]
    assert chart.x_ticks[0].pos == 210
    for p in chart.series[0].points:
        assert 0 < p.label_y < 200
