"""Inline SVG plots of the cohort reports (no script): a forest plot of estimates with their 95%
intervals beside the published value, and a bar chart of counts.

Like :mod:`alpha4.app.charts`, colours come from the stylesheet's classes and each plot has a
``<title>``; suppressed rows are drawn as "suppressed", never as a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

W = 820
ROW_H = 22
LABEL_W = 380
LABEL_CHARS = 58
RIGHT = 24


def _scale(rows: Sequence[dict[str, Any]], percent: bool) -> float:
    values = [r.get(k) for r in rows for k in ("high", "published_value")]
    top = max([v for v in values if isinstance(v, int | float)] + [0.0])
    if percent:
        return min(1.0, max(0.05, top * 1.1))
    return max(1.0, top * 1.1)


def forest_svg(
    title: str, rows: Sequence[dict[str, Any]], label_keys: Sequence[str], *, percent: bool = True
) -> Markup:
    """One line per row: the estimate (dot), its 95% interval (bar), the published value (diamond).

    >>> svg = forest_svg("Safety", [{"measure": "Infusion reaction", "estimate": 0.2, "low": 0.05,
    ...     "high": 0.5, "published_value": 0.24, "suppressed": ()}], ["measure"])
    >>> svg.count("<circle"), svg.count('class="pub"'), "<title>Safety</title>" in svg
    (1, 1, True)
    """
    if not rows:
        return Markup('<p class="muted">Nothing to plot.</p>')
    top = _scale(rows, percent)
    height = 30 + ROW_H * len(rows) + 24
    width = W - LABEL_W - RIGHT

    def x(v: float) -> float:
        return LABEL_W + width * min(max(v / top, 0.0), 1.0)

    parts = [
        f'<svg class="chart forest" viewBox="0 0 {W} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i in range(5):
        v = top * i / 4
        text = f"{v * 100:.0f}%" if percent else f"{v:.3g}"
        parts.append(f'<line class="grid" x1="{x(v):.1f}" x2="{x(v):.1f}" y1="20" y2="{height - 24}"/>')
        parts.append(f'<text class="tick" x="{x(v):.1f}" y="{height - 8}" text-anchor="middle">{text}</text>')
    for n, row in enumerate(rows):
        y = 30 + ROW_H * n + ROW_H / 2
        label = " · ".join(str(row.get(k) or "") for k in label_keys if row.get(k))
        if len(label) > LABEL_CHARS:
            label = label[: LABEL_CHARS - 1] + "…"
        parts.append(
            f'<text class="label" x="{LABEL_W - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(label)}</text>'
        )
        est, low, high = row.get("estimate"), row.get("low"), row.get("high")
        if est is None or low is None or high is None:
            why = "suppressed" if row.get("suppressed") else "no patients"
            parts.append(f'<text class="tick" x="{LABEL_W + 4}" y="{y + 4:.1f}">{why}</text>')
        else:
            parts.append(f'<line class="ci" x1="{x(low):.1f}" x2="{x(high):.1f}" y1="{y:.1f}" y2="{y:.1f}"/>')
            parts.append(
                f'<circle class="pt" cx="{x(est):.1f}" cy="{y:.1f}" r="4"><title>{est:.4g} ({low:.4g}-{high:.4g})</title></circle>'
            )
        pub = row.get("published_value")
        if isinstance(pub, int | float):
            px = x(float(pub))
            parts.append(
                f'<path class="pub" d="M{px:.1f},{y - 6:.1f} l5,6 l-5,6 l-5,-6 z"><title>published {pub:g}</title></path>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars_svg(title: str, labels: Sequence[str], values: Sequence[int | None]) -> Markup:
    """Vertical bars (e.g. infusions per month); a suppressed value is left as a gap.

    >>> bars_svg("Infusions", ["2024-01", "2024-02"], [4, None]).count("<rect")
    1
    """
    if not labels:
        return Markup('<p class="muted">Nothing to plot.</p>')
    height, bottom, left = 200, 40, 48
    top = max([v for v in values if v is not None] + [1])
    step = (W - left - RIGHT) / len(labels)
    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<text class="tick" x="{left - 6}" y="18" text-anchor="end">{top}</text>',
        f'<line class="grid" x1="{left}" x2="{W - RIGHT}" y1="{height - bottom}" y2="{height - bottom}"/>',
    ]
    every = max(1, len(labels) // 12)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + i * step
        if value is not None:
            h = (height - bottom - 14) * value / top
            parts.append(
                f'<rect class="bar" x="{x + 1:.1f}" y="{height - bottom - h:.1f}" width="{max(step - 2, 1):.1f}" '
                f'height="{h:.1f}"><title>{escape(label)}: {value}</title></rect>'
            )
        if i % every == 0:
            parts.append(
                f'<text class="tick" x="{x + step / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
