"""Charts a clinician reads at a glance: round value ticks, month ticks, labelled reference bands."""

from __future__ import annotations

import datetime as dt
import re

from alpha4.app.charts import Band, Line, Point, line_chart, month_ticks, value_ticks


def _ticks(svg: str) -> list[str]:
    return re.findall(r'<text class="tick"[^>]*>([^<]+)</text>', svg)


def test_an_alt_chart_has_round_value_ticks_month_ticks_and_a_labelled_band() -> None:
    points = [
        Point(dt.date(2025, 11, 20), 22),
        Point(dt.date(2026, 2, 3), 57),
        Point(dt.date(2026, 5, 2), 31),
    ]
    svg = str(
        line_chart(
            "ALT", points, unit="U/L", bands=[Band(7, 40, "reference 7-40 U/L")], lines=[Line(120, "3x ULN")]
        )
    )
    assert _ticks(svg) == ["Dec 2025", "Jan 2026", "Feb", "Mar", "Apr", "May", "0", "50", "100", "150"]
    assert '<text class="bandtext"' in svg and "reference 7-40 U/L" in svg


def test_ticks_one_unit_either_side_of_the_steps() -> None:
    assert value_ticks(0, 1.8) == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert value_ticks(0, 400) == [0.0, 100.0, 200.0, 300.0, 400.0]
    assert value_ticks(0, 401) == [0.0, 200.0, 400.0, 600.0]  # one more: the next round step
    eight = month_ticks(dt.date(2026, 1, 1), dt.date(2026, 8, 31))  # 8 month starts: monthly
    nine = month_ticks(dt.date(2026, 1, 1), dt.date(2026, 9, 1))  # 9: every second month
    assert len(eight) == 8 and [d.month for d in nine] == [1, 3, 5, 7, 9]
    assert month_ticks(dt.date(2020, 1, 2), dt.date(2026, 1, 1)) == []  # six years: year ticks instead
