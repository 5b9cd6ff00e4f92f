"""Grouping the documents' casualty figures into series and charts, from the real fixtures."""

import pytest

from campaign import selectors, timeline


@pytest.fixture
def series(campaign):
    return timeline.figure_series(selectors.series_figures())


def test_series_are_the_groups_the_documents_count_largest_first(series):
    assert [(s.key, s.label) for s in series] == [
        ("killed-or-wounded", "Killed or wounded"),
        ("citizens-seriously-wounded", "Citizens seriously wounded"),
        ("civilians-killed", "Civilians killed"),
        ("citizens-killed", "Citizens killed"),
        ("civilians-seriously-wounded", "Civilians seriously wounded"),
        ("journalists-killed", "Journalists killed"),
    ]


def test_figures_in_a_series_run_by_date(series):
    killed_or_wounded = series[0]
    assert [int(f.value) for f in killed_or_wounded.figures] == [177, 298, 301]
    civilians = next(s for s in series if s.key == "civilians-killed")
    assert [int(f.value) for f in civilians.figures] == [14, 30, 35]


def test_the_latest_figure_is_the_count_after_the_incident_not_before(series):
    assert series[0].latest.value == 301


def test_one_chart_per_series_on_one_date_axis_with_inferred_dates_hollow(series):
    charts = timeline.series_charts(series)
    assert len(charts) == len(series)
    axes = {tuple((t.label, t.pos) for t in c.chart.x_ticks) for c in charts}
    assert len(axes) == 1
    assert [t.label for t in charts[0].chart.x_ticks] == ["2021", "2022", "2023"]
    points = [p for line in charts[0].chart.series for p in line.points]
    assert [p.point.uncertain for p in points] == [True, True, False]  # 177, 298, 301


def test_a_line_joins_only_counts_of_the_same_measure_and_scope(series):
    chart = timeline.series_charts(series)[0].chart
    # 177 "landmine-related casualties" stands alone; 298 and 301, both "killed or wounded by
    # mines and ERW, since November, 2020", are joined.
    lines = [[int(p.point.y) for p in line.points] for line in chart.series]
    assert lines == [[177], [298, 301]]
    assert [len(line.segments) for line in chart.series] == [0, 1]
    civilians = next(
        c for c in timeline.series_charts(series) if c.series.key == "civilians-killed"
    )
    # 14 since the end of the conflict, 30 since the end of last year, 35 since November 2020:
    # three starts, three points, no line.
    assert sum(len(line.segments) for line in civilians.chart.series) == 0
    assert all(p.label for line in civilians.chart.series for p in line.points)


def test_the_chart_summary_gives_every_number_and_date_in_words(series):
    summary = timeline.series_charts(series)[0].summary
    assert summary == (
        "177: December 2021 or later (inferred); "
        "298: until less than 24 hours before 29 April 2023 (inferred); "
        "301: 29 April 2023."
    )
