"""The printable safety report: a PDF (matplotlib, A4 portrait) of the safety proportions, PML
cells and effectiveness figures, each page a forest plot above its table.

Drawn with matplotlib's Agg backend (no display needed); imported only when a PDF is asked for.
Small cells are shown as the report suppresses them ("<5", "suppressed"), never as numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from alpha4.store.reports import Report

A4 = (8.27, 11.69)
MAX_ROWS_PER_PAGE = 24


def _labels(report: Report, row: dict[str, Any]) -> str:
    keys = {"safety": ("indication", "measure"), "pml": ("risk_group", "exposure_band")}.get(
        report.name, ("indication", "measure")
    )
    return " / ".join(str(row.get(k)) for k in keys if row.get(k))


def _forest(ax: Any, report: Report, rows: Sequence[dict[str, Any]]) -> None:
    labels = [_labels(report, r) for r in rows]
    ys = list(range(len(rows)))[::-1]
    for y, row in zip(ys, rows, strict=True):
        est, low, high = row.get("estimate"), row.get("low"), row.get("high")
        if est is not None and low is not None and high is not None:
            ax.errorbar(
                [est], [y], xerr=[[est - low], [high - est]], fmt="o", color="#1f4e79", capsize=3, ms=4
            )
        else:
            ax.text(
                0,
                y,
                "  suppressed" if row.get("suppressed") else "  no patients",
                va="center",
                fontsize=7,
                color="#777",
            )
        pub = row.get("published_value")
        if isinstance(pub, int | float):
            ax.plot([pub], [y], marker="D", color="#c0392b", ms=5, linestyle="none")
    ax.set_yticks(ys)
    ax.set_yticklabels([label[:60] for label in labels], fontsize=6.5)
    ax.set_xlabel(
        "per 1,000 patients" if report.name == "pml" else "estimate (95% CI); red diamond: published",
        fontsize=7,
    )
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", color="#ddd", linewidth=0.6)
    ax.set_xlim(left=0)


def _table(ax: Any, report: Report, rows: Sequence[dict[str, Any]]) -> None:
    ax.axis("off")
    columns = [c for c in report.columns if c.key not in ("published_in_interval", "unit")]
    cells = [[report.cell(r, c)[:38] for c in columns] for r in rows]
    table = ax.table(
        cellText=cells or [["-"] * len(columns)],
        colLabels=[c.title[:22] for c in columns],
        loc="upper center",
        cellLoc="left",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(5.5)
    table.scale(1, 1.15)


def safety_pdf(reports: Sequence[Report], path: Path | BinaryIO, *, generated: dt.date | None = None) -> int:
    """Write the PDF to a file or a binary stream; returns its number of pages (one or more per report)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    pages = 0
    with PdfPages(path, metadata={"Title": "alpha4 cohort safety report", "Creator": "alpha4"}) as pdf:
        for report in reports:
            rows = list(report.rows)
            chunks = [rows[i : i + MAX_ROWS_PER_PAGE] for i in range(0, len(rows), MAX_ROWS_PER_PAGE)] or [[]]
            for n, chunk in enumerate(chunks):
                fig = plt.figure(figsize=A4)
                title = report.title + (f" (continued, {n + 1}/{len(chunks)})" if len(chunks) > 1 else "")
                fig.suptitle(title, fontsize=10, x=0.05, ha="left")
                filters = ", ".join(f"{k} {v}" for k, v in report.filters.described().items() if v)
                fig.text(0.05, 0.955, f"As of {report.as_of or '-'}; {filters}", fontsize=7)
                plotted = [r for r in chunk if "estimate" in r]
                if plotted:
                    ax = fig.add_axes((0.42, 0.60, 0.53, 0.33))
                    _forest(ax, report, plotted)
                table_ax = fig.add_axes((0.03, 0.12, 0.94, 0.45 if plotted else 0.8))
                _table(table_ax, report, chunk)
                notes = list(report.notes) + [f"Source: {s}" for s in report.sources]
                fig.text(0.05, 0.03, "\n".join(n[:150] for n in notes[:6]), fontsize=5.5, va="bottom")
                if generated:
                    fig.text(0.95, 0.01, f"generated {generated}", fontsize=5, ha="right")
                pdf.savefig(fig)
                plt.close(fig)
                pages += 1
    return pages
