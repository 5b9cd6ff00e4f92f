"""The figures timeline: figures grouped into series and drawn as small multiples.

Pure functions over figures already read from the database, so they are tested without one.
Each series gets a chart of its own with its own y scale (a count of 3 and a count of 301 on
one axis would flatten the small one to nothing) and the same x axis, so dates line up.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, ngettext

from campaign.charts import Chart, Point, Series, date_ticks, line_chart, number_label
from campaign.models import Figure


@dataclass(frozen=True)
class FigureSeries:
    key: str
    label: str
    figures: list[Figure]

    @property
    def dated(self) -> list[Figure]:
        return [f for f in self.figures if f.as_of is not None]

    @property
    def latest(self) -> Figure | None:
        """The figure with the latest date; on a tie, the one the document gives last."""
        dated = self.dated
        return max(dated, key=lambda f: (f.as_of, f.position)) if dated else None


@dataclass(frozen=True)
class SeriesChart:
    series: FigureSeries
    chart: Chart

    @property
    def summary(self) -> str:
        """The chart in words, for its caption and for screen readers."""
        parts = [f"{number_label(float(f.value))}: {f.as_of_display}" for f in self.series.dated]
        text = "; ".join(parts) + "." if parts else gettext("No dated figures.")
        undated = len(self.series.figures) - len(self.series.dated)
        if undated:
            text += " " + ngettext(
                "%(count)s undated figure not drawn.",
                "%(count)s undated figures not drawn.",
                undated,
            ) % {"count": undated}
        return text


def series_label(key: str) -> str:
    """'killed-or-wounded' -> 'Killed or wounded'."""
    return key.replace("-", " ").capitalize()


def figure_series(figures: Iterable[Figure]) -> list[FigureSeries]:
    """Figures grouped by series, the series with the largest latest value first."""
    groups: dict[str, list[Figure]] = {}
    for figure in figures:
        if figure.series:
            groups.setdefault(figure.series, []).append(figure)
    result = [
        FigureSeries(
            key=key,
            label=series_label(key),
            figures=sorted(
                items, key=lambda f: (f.as_of or datetime.date.max, f.appeal.position, f.position)
            ),
        )
        for key, items in groups.items()
    ]

    def size(s: FigureSeries) -> tuple[Decimal | int, str]:
        latest = s.latest
        return (-(latest.value if latest else 0), s.key)

    return sorted(result, key=size)


def figure_point(figure: Figure) -> Point:
    assert figure.as_of is not None, "only dated figures are drawn"
    return Point(
        x=figure.as_of.toordinal(),
        y=float(figure.value),
        label=number_label(float(figure.value)),
        uncertain=not figure.as_of_is_exact,
        title=gettext("%(value)s: %(measure)s, %(date)s. Source: %(source)s")
        % {
            "value": figure.value_text,
            "measure": figure.measure,
            "date": figure.as_of_display,
            "source": figure.appeal.title,
        },
    )


def date_domain(figures: Sequence[Figure]) -> tuple[datetime.date, datetime.date]:
    """From 1 January of the first year to two months after the last date."""
    dates = [f.as_of for f in figures if f.as_of is not None]
    if not dates:
        today = datetime.date.today()
        return datetime.date(today.year, 1, 1), today
    return datetime.date(min(dates).year, 1, 1), max(dates) + datetime.timedelta(days=60)


def scope_lines(series: FigureSeries) -> list[Series]:
    """The chart's lines: one through the figures of each scope (same measure, same start),
    and every figure without a scope as a point of its own, so no line joins counts of
    different things."""
    groups: dict[str, list[Figure]] = {}
    for index, figure in enumerate(series.dated):
        groups.setdefault(figure.scope or f"point-{index}", []).append(figure)
    return [
        Series(key=f"{series.key}-{key}", label=series.label, points=[figure_point(f) for f in fs])
        for key, fs in groups.items()
    ]


def series_charts(series: Sequence[FigureSeries], **chart_options: Any) -> list[SeriesChart]:
    """One chart per series, all on the same date axis."""
    start, end = date_domain([f for s in series for f in s.figures])
    ticks = date_ticks(start, end)
    charts = []
    for s in series:
        chart = line_chart(
            scope_lines(s),
            x_domain=(start.toordinal(), end.toordinal()),
            x_ticks=ticks,
            **{"width": 340, "height": 190, "label_size": 15, **chart_options},
        )
        charts.append(SeriesChart(series=s, chart=chart))
    return charts
