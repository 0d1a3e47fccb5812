"""Plots of concentration and α4-integrin saturation with the target line (matplotlib Agg)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from alpha4.knowledge import pk as kb

from .simulate import SimulationResult


def plot_simulation(
    result: SimulationResult,
    path: str | Path,
    target_ug_per_ml: float = kb.TROUGH_TARGET_UG_PER_ML.value,
    saturation_threshold: float = kb.SATURATION_THRESHOLD_PERCENT.value,
    title: str = "Natalizumab: predicted concentration and α4-integrin saturation",
) -> Path:
    """Write a two-panel figure (PNG or SVG, from the suffix) and return its path."""
    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg"):
        raise ValueError("plot file must end in .png or .svg")
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(9, 6))
    try:
        days = result.times_days
        top.plot(days, result.concentration_ug_per_ml, color="tab:blue", label="concentration")
        top.scatter(
            [t.day for t in result.troughs],
            [t.concentration_ug_per_ml for t in result.troughs],
            color="tab:blue",
            s=12,
            zorder=3,
            label="troughs",
        )
        top.axhline(
            target_ug_per_ml,
            color="tab:red",
            linestyle="--",
            label=f"target {target_ug_per_ml:g} µg/mL",
        )
        top.set_ylabel("µg/mL")
        top.legend(loc="upper right", fontsize="small")
        top.set_title(title)
        bottom.plot(days, result.saturation_percent, color="tab:green", label="saturation")
        bottom.axhline(
            saturation_threshold,
            color="tab:red",
            linestyle="--",
            label=f"{saturation_threshold:g}%",
        )
        bottom.set_ylim(0, 100)
        bottom.set_ylabel("α4-integrin saturation (%)")
        bottom.set_xlabel("days since first dose")
        bottom.legend(loc="lower right", fontsize="small")
        fig.tight_layout()
        fig.savefig(out)
    finally:
        plt.close(fig)
    return out
