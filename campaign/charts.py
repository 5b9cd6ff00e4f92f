"""Line-chart geometry for charts drawn as SVG on the server: pure functions, no I/O, no Django.

`line_chart` takes series of (x, y) points in data units and returns where everything goes in
SVG user units: markers, the segments between them, axis ticks and value labels. A template
draws the result; tests check the numbers. Dates go in as ordinals (`date.toordinal()`), which
`date_ticks` labels, so the same code draws casualty figures by report date and signatures
per day.

A point can be `uncertain` (its date is inferred, not stated): templates draw it hollow, and a
segment that touches an uncertain point dashed, so a chart never looks more precise than its
sources.
"""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import dateformat
from django.utils.formats import number_format


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str = ""
    uncertain: bool = False
    title: str = ""


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    points: Sequence[Point]


@dataclass(frozen=True)
class Margin:
    top: float = 24
    right: float = 16
    bottom: float = 28
    left: float = 44


@dataclass(frozen=True)
class Tick:
    value: float
    pos: float
    label: str


@dataclass(frozen=True)
class PlotPoint:
    x: float
    y: float
    point: Point
    label: str
    label_y: float


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float
    uncertain: bool


@dataclass(frozen=True)
class PlotSeries:
    key: str
    label: str
    points: list[PlotPoint]
    segments: list[Segment]


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    series: list[PlotSeries] = field(default_factory=list)

    @property
    def view_box(self) -> str:
        return f"0 0 {fmt(self.width)} {fmt(self.height)}"

    @property
    def has_uncertain(self) -> bool:
        return any(p.point.uncertain for s in self.series for p in s.points)


def fmt(n: float) -> str:
    """A coordinate for SVG: at most one decimal, no trailing '.0'."""
    text = f"{n:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_step(span: float, count: int) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten that cuts `span` into about `count` parts."""
    if span <= 0 or count < 1:
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def nice_ticks(lo: float, hi: float, count: int = 4, *, integer: bool = True) -> list[float]:
    """Round tick values covering lo..hi, starting at or below lo and ending at or above hi."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        hi = lo + 1
    step = nice_step(hi - lo, count)
    if integer:
        step = max(1.0, float(math.ceil(step)))
    start = math.floor(lo / step) * step
    stop = math.ceil(hi / step) * step
    n = round((stop - start) / step)
    return [start + i * step for i in range(n + 1)]


def number_label(value: float) -> str:
    """'1,500' for whole numbers, '2.5' otherwise (as the active language writes numbers)."""
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    decimals = f"{value:.2f}".rstrip("0").rstrip(".")
    places = len(decimals.partition(".")[2])
    return number_format(round(value, places), places, force_grouping=True)


def date_ticks(start: datetime.date, end: datetime.date, *, max_ticks: int = 6) -> list[Tick]:
    """Ticks on 1 January (years), the 1st (months) or days, whichever fits in max_ticks.

    `pos` is left at 0: `line_chart` places ticks once it knows the domain.
    """
    if end < start:
        start, end = end, start
    years = [datetime.date(y, 1, 1) for y in range(start.year, end.year + 1)]
    years = [d for d in years if start <= d <= end]
    if 2 <= len(years) <= max_ticks:
        return [Tick(d.toordinal(), 0, str(d.year)) for d in years]
    for every in (1, 2, 3, 6, 12):
        months = []
        y, m = start.year, start.month
        while datetime.date(y, m, 1) <= end:
            d = datetime.date(y, m, 1)
            if d >= start and (m - 1) % every == 0:
                months.append(d)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        if 2 <= len(months) <= max_ticks:
            return [Tick(d.toordinal(), 0, dateformat.format(d, "M Y")) for d in months]
    days = (end - start).days
    step = max(1, math.ceil((days + 1) / max_ticks))
    return [
        Tick(d.toordinal(), 0, dateformat.format(d, "j M"))
        for d in (start + datetime.timedelta(days=i) for i in range(0, days + 1, step))
    ]


def line_chart(
    series: Sequence[Series],
    *,
    width: float = 400,
    height: float = 200,
    margin: Margin | None = None,
    x_domain: tuple[float, float] | None = None,
    y_domain: tuple[float, float] | None = None,
    x_ticks: Sequence[Tick] | None = None,
    y_tick_count: int = 4,
    label_size: float = 13,
    label_all: bool = True,
) -> Chart:
    """Place the series' points, segments, ticks and value labels in a width x height box.

    The y axis starts at zero unless `y_domain` says otherwise, so bars of different charts
    compare honestly. Labels that would overlap an earlier-placed label are left empty; the
    last point of a series is labelled first, so the latest value always shows. With
    `label_all=False` (a daily series of mostly small numbers) only the last point and the
    highest are labelled, so a month of days is not thirty "0"s.
    """
    margin = margin or Margin()
    left, top = margin.left, margin.top
    right, bottom = width - margin.right, height - margin.bottom
    xs = [p.x for s in series for p in s.points]
    ys = [p.y for s in series for p in s.points]

    if x_domain is None:
        x_domain = (min(xs), max(xs)) if xs else (0.0, 1.0)
    x0, x1 = x_domain
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1

    if y_domain is None:
        y_values = nice_ticks(min(0.0, *ys) if ys else 0.0, max(ys) if ys else 1.0, y_tick_count)
        y0, y1 = y_values[0], y_values[-1]
    else:
        y0, y1 = y_domain
        y_values = nice_ticks(y0, y1, y_tick_count)
        y_values = [v for v in y_values if y0 <= v <= y1]
    if y1 == y0:
        y1 = y0 + 1

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * (right - left)

    def py(y: float) -> float:
        return bottom - (y - y0) / (y1 - y0) * (bottom - top)

    placed_x_ticks = [
        Tick(t.value, round(px(t.value), 1), t.label)
        for t in (x_ticks or [])
        if x0 <= t.value <= x1
    ]
    placed_y_ticks = [Tick(v, round(py(v), 1), number_label(v)) for v in y_values]

    taken: list[tuple[float, float, float]] = []  # (centre x, baseline y, half width) of labels
    plotted: list[PlotSeries] = []
    for s in series:
        points = sorted(s.points, key=lambda p: p.x)
        coords = [(round(px(p.x), 1), round(py(p.y), 1)) for p in points]
        labels: dict[int, tuple[str, float]] = {}
        candidates = list(reversed(range(len(points))))
        if not label_all and points:
            highest = max(range(len(points)), key=lambda i: (points[i].y, i))
            candidates = sorted({len(points) - 1, highest}, reverse=True)
            if points[highest].y <= 0:
                candidates = [len(points) - 1]
        for i in candidates:
            text = points[i].label or number_label(points[i].y)
            cx, cy = coords[i]
            ly = cy - 8 if cy - 8 - label_size > 0 else cy + label_size + 6
            half = len(text) * label_size * 0.3 + 2
            clash = any(
                abs(cx - tx) < half + th and abs(ly - ty) < label_size for tx, ty, th in taken
            )
            if not clash:
                taken.append((cx, ly, half))
                labels[i] = (text, round(ly, 1))
        plot_points = [
            PlotPoint(
                x=cx,
                y=cy,
                point=p,
                label=labels.get(i, ("", 0.0))[0],
                label_y=labels.get(i, ("", 0.0))[1],
            )
            for i, (p, (cx, cy)) in enumerate(zip(points, coords, strict=True))
        ]
        segments = [
            Segment(a.x, a.y, b.x, b.y, uncertain=a.point.uncertain or b.point.uncertain)
            for a, b in zip(plot_points, plot_points[1:], strict=False)
        ]
        plotted.append(PlotSeries(s.key, s.label, plot_points, segments))

    return Chart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        x_ticks=placed_x_ticks,
        y_ticks=placed_y_ticks,
        series=plotted,
    )
