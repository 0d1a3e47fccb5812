"""Inline SVG charts, drawn on the server: no script, no network, readable when printed.

Each function takes a patient and returns SVG markup (escaped), with a ``<title>`` for screen
readers; colours come from the page's stylesheet (classes), so the charts follow the theme and
the content-security policy needs no inline style.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from alpha4.domain import Patient, Serostatus
from alpha4.domain.months import add_months
from alpha4.knowledge import label
from alpha4.knowledge.codes import LAB_CODES, Analyte

W, H = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 14, 28


@dataclass(frozen=True, slots=True)
class Point:
    day: dt.date
    value: float
    css: str = "pt"
    note: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    value: float
    text: str
    css: str = "cut"


@dataclass(frozen=True, slots=True)
class Band:
    low: float
    high: float
    text: str


class _Axes:
    def __init__(self, first: dt.date, last: dt.date, ymin: float, ymax: float) -> None:
        if last <= first:
            first, last = first - dt.timedelta(days=15), last + dt.timedelta(days=15)
        if ymax <= ymin:
            ymax = ymin + 1
        self.first, self.last, self.ymin, self.ymax = first, last, ymin, ymax

    def x(self, day: dt.date) -> float:
        span = (self.last - self.first).days
        return LEFT + (W - LEFT - RIGHT) * (day - self.first).days / span

    def y(self, value: float) -> float:
        frac = (value - self.ymin) / (self.ymax - self.ymin)
        return TOP + (H - TOP - BOTTOM) * (1 - min(max(frac, 0.0), 1.0))


def _fmt(v: float) -> str:
    return f"{v:g}"


MONTH_STEPS = (1, 2, 3, 6)
"""Month tick spacing, the first that gives at most :data:`MAX_TIME_TICKS` ticks."""
MAX_TIME_TICKS = 8


def value_ticks(low: float, high: float) -> list[float]:
    """Round ticks (steps of 1, 2, 2.5 or 5 times a power of ten) covering ``low``..``high``.

    Matplotlib's tick locator (a maintained dependency) picks them; the axis then ends on the last.

    >>> value_ticks(0, 57), value_ticks(0, 1.8)
    ([0.0, 20.0, 40.0, 60.0], [0.0, 0.5, 1.0, 1.5, 2.0])
    """
    from matplotlib.ticker import MaxNLocator

    ticks = MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    return [round(float(t), 10) for t in ticks if t >= low - 1e-9 and t <= max(high, ticks[-1])]


def month_ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of months inside ``first``..``last``, every 1, 2, 3 or 6 months (at most 8 ticks).

    >>> [d.isoformat() for d in month_ticks(dt.date(2025, 11, 20), dt.date(2026, 5, 2))]
    ['2025-12-01', '2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01']
    """
    start = dt.date(first.year, first.month, 1)
    if start < first:
        start = add_months(start, 1)
    for step in MONTH_STEPS:
        ticks = []
        day = start
        while day <= last:
            ticks.append(day)
            day = add_months(day, step)
        if len(ticks) <= MAX_TIME_TICKS:
            return ticks
    return []


def _month_label(day: dt.date, previous: dt.date | None) -> str:
    """ "Mar" within a year already named, "Jan 2026" where the year starts or is first shown."""
    name = day.strftime("%b")
    return f"{name} {day.year}" if previous is None or previous.year != day.year else name


def _date_ticks(ax: _Axes) -> list[str]:
    """Month ticks for up to about two years shown (labelled "Jan 2026", "Mar"), else year ticks."""
    out = []
    months = month_ticks(ax.first, ax.last)
    if months:
        previous: dt.date | None = None
        for day in months:
            x = ax.x(day)
            out.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{H - BOTTOM}"/>')
            out.append(
                f'<text class="tick" x="{x:.1f}" y="{H - 8}" text-anchor="middle">{_month_label(day, previous)}</text>'
            )
            previous = day
        return out
    years = range(ax.first.year, ax.last.year + 1)
    step = max(1, -(-len(years) // MAX_TIME_TICKS))
    for year in years[::step]:
        day = dt.date(year, 1, 1)
        if ax.first <= day <= ax.last:
            x = ax.x(day)
            out.append(f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{H - BOTTOM}"/>')
            out.append(f'<text class="tick" x="{x:.1f}" y="{H - 8}" text-anchor="middle">{year}</text>')
    if not out:  # a short span with no month start inside it: label the ends with their dates
        for day, anchor in ((ax.first, "start"), (ax.last, "end")):
            out.append(
                f'<text class="tick" x="{ax.x(day):.1f}" y="{H - 8}" text-anchor="{anchor}">{day}</text>'
            )
    return out


def line_chart(
    title: str,
    points: Sequence[Point],
    *,
    unit: str = "",
    lines: Sequence[Line] = (),
    bands: Sequence[Band] = (),
    ymin: float = 0.0,
    ymax: float | None = None,
) -> Markup:
    """A dated series with reference lines (cut-offs) and a shaded reference band.

    >>> svg = line_chart("JCV index", [Point(dt.date(2025, 1, 1), 0.4), Point(dt.date(2026, 1, 1), 1.7)],
    ...                  lines=[Line(1.5, "1.5")])
    >>> svg.startswith("<svg") and "<title>JCV index</title>" in svg and svg.count("<circle") == 2
    True
    """
    if not points:
        return Markup('<p class="muted">No results recorded.</p>')
    top = max([p.value for p in points] + [ln.value for ln in lines] + [b.high for b in bands])
    ticks = value_ticks(ymin, ymax if ymax is not None else top * 1.15 or 1.0)
    ax = _Axes(points[0].day, points[-1].day, ymin, ticks[-1])
    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for b in bands:
        y1, y2 = ax.y(b.high), ax.y(b.low)
        parts.append(
            f'<rect class="band" x="{LEFT}" y="{y1:.1f}" width="{W - LEFT - RIGHT}" height="{max(y2 - y1, 1):.1f}"/>'
            f'<text class="bandtext" x="{W - RIGHT - 4}" y="{y1 + 12:.1f}" text-anchor="end">{escape(b.text)}</text>'
        )
    parts += _date_ticks(ax)
    for tick in ticks:
        y = ax.y(tick)
        parts.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(tick)}</text>'
        )
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{H - BOTTOM}"/>')
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{W - RIGHT}" y1="{H - BOTTOM}" y2="{H - BOTTOM}"/>')
    for ln in lines:
        y = ax.y(ln.value)
        parts.append(
            f'<line class="{ln.css}" x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="cuttext" x="{LEFT + 4}" y="{y - 4:.1f}">{escape(ln.text)}</text>'
        )
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{ax.x(p.day):.1f},{ax.y(p.value):.1f}" for i, p in enumerate(points)
    )
    parts.append(f'<path class="series" d="{path}"/>')
    for p in points:
        tip = f"{p.day}: {_fmt(p.value)} {unit}".strip() + (f" ({p.note})" if p.note else "")
        parts.append(
            f'<circle class="{p.css}" cx="{ax.x(p.day):.1f}" cy="{ax.y(p.value):.1f}" r="4">'
            f"<title>{escape(tip)}</title></circle>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def jcv_chart(patient: Patient) -> Markup:
    """Anti-JCV index over time with the 0.9 and 1.5 cut-offs (a negative without index at 0)."""
    low, high = label.JCV_INDEX_LOW.value, label.JCV_INDEX_HIGH.value
    points = []
    for r in patient.jcv_results:
        if r.index is not None:
            css = "pt bad" if r.index > high else "pt warn" if r.index > low else "pt"
            points.append(
                Point(r.date, r.index, css, f"{r.serostatus.value if r.serostatus else ''} {r.assay.value}")
            )
        elif r.serostatus is Serostatus.NEGATIVE:
            points.append(Point(r.date, 0.0, "pt", "negative, no index"))
    return line_chart(
        "Anti-JCV antibody index over time",
        points,
        lines=[Line(low, f"{_fmt(low)} (low)"), Line(high, f"{_fmt(high)} (higher risk)", "cut bad")],
        ymax=max([p.value for p in points] + [high]) * 1.2,
    )


LAB_CHARTS: tuple[tuple[Analyte, str], ...] = (
    (Analyte.LYMPHOCYTES, "Lymphocytes"),
    (Analyte.ALT, "ALT"),
    (Analyte.AST, "AST"),
    (Analyte.BILIRUBIN_TOTAL, "Total bilirubin"),
)


def lab_charts(patient: Patient) -> list[tuple[str, Markup]]:
    """One chart per analyte (lymphocytes and liver values) against the latest reference range."""
    codes = LAB_CODES.value
    out: list[tuple[str, Markup]] = []
    for analyte, name in LAB_CHARTS:
        results = [r for r in patient.labs if (c := codes.get(r.loinc)) is not None and c.analyte is analyte]
        if not results:
            continue
        unit = results[-1].unit
        same = [r for r in results if r.unit == unit]
        points = []
        for r in same:
            outside = (r.reference_low is not None and r.value < r.reference_low) or (
                r.reference_high is not None and r.value > r.reference_high
            )
            points.append(
                Point(r.date, r.value, "pt bad" if outside else "pt", "outside range" if outside else "")
            )
        latest = same[-1]
        bands = []
        if latest.reference_low is not None or latest.reference_high is not None:
            lo = latest.reference_low if latest.reference_low is not None else 0.0
            hi = latest.reference_high if latest.reference_high is not None else max(p.value for p in points)
            bands.append(Band(lo, hi, f"range {_fmt(lo)}-{_fmt(hi)}"))
        out.append((f"{name} ({unit})", line_chart(f"{name} over time", points, unit=unit, bands=bands)))
    return out


def timeline_chart(patient: Patient) -> Markup:
    """Infusions (reactions marked), antibody results and relapses on one time line."""
    days = [i.date for i in patient.infusions] + [a.date for a in patient.antibody_results]
    days += [r.date for r in patient.relapses]
    if not days:
        return Markup('<p class="muted">No infusions recorded.</p>')
    ax = _Axes(min(days), max(days), 0, 3)
    lanes = {"Infusions": 1, "Antibodies": 2, "Relapses": 3}
    lane_y = {name: TOP + 10 + (n - 1) * 40 for name, n in lanes.items()}
    height = TOP + 10 + 3 * 40 + 10
    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {height}" role="img" aria-label="Infusions, reactions, antibody '
        f'results and relapses" xmlns="http://www.w3.org/2000/svg"><title>Infusions, reactions, antibody results '
        "and relapses over time</title>"
    ]
    for name, y in lane_y.items():
        parts.append(f'<text class="tick" x="4" y="{y + 4}">{name}</text>')
        parts.append(f'<line class="grid" x1="{LEFT + 30}" x2="{W - RIGHT}" y1="{y}" y2="{y}"/>')
    for inf in patient.infusions:
        x = ax.x(inf.date) + 30 * (1 - (ax.x(inf.date) - LEFT) / (W - LEFT - RIGHT))
        r = inf.reaction
        css = "mark bad" if r is not None else "mark"
        tip = f"{inf.date}: infusion {_fmt(inf.dose_mg)} mg {inf.product.value}"
        if r is not None:
            tip += f"; reaction: {r.kind.value} grade {r.grade}"
        y = lane_y["Infusions"]
        parts.append(
            f'<rect class="{css}" x="{x - 2:.1f}" y="{y - 8}" width="4" height="16"><title>{escape(tip)}</title></rect>'
        )
    for ab in patient.antibody_results:
        x = ax.x(ab.date) + 30 * (1 - (ax.x(ab.date) - LEFT) / (W - LEFT - RIGHT))
        y = lane_y["Antibodies"]
        css = "pt bad" if ab.positive else "pt"
        text = "positive" if ab.positive else "negative"
        parts.append(
            f'<circle class="{css}" cx="{x:.1f}" cy="{y}" r="5"><title>{ab.date}: {text}</title></circle>'
        )
    for rel in patient.relapses:
        x = ax.x(rel.date) + 30 * (1 - (ax.x(rel.date) - LEFT) / (W - LEFT - RIGHT))
        y = lane_y["Relapses"]
        parts.append(
            f'<path class="mark warn" d="M{x:.1f},{y - 7} L{x + 6:.1f},{y + 5} L{x - 6:.1f},{y + 5} Z">'
            f"<title>{rel.date}: relapse</title></path>"
        )
    for year in range(ax.first.year, ax.last.year + 1):
        day = dt.date(year, 1, 1)
        if ax.first <= day <= ax.last:
            x = ax.x(day) + 30 * (1 - (ax.x(day) - LEFT) / (W - LEFT - RIGHT))
            parts.append(
                f'<text class="tick" x="{x:.1f}" y="{height - 2}" text-anchor="middle">{year}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
