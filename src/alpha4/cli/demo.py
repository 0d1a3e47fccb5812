"""``alpha4 demo``: the whole system on a synthetic cohort."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from alpha4.knowledge import get_profile
from alpha4.rules import assess
from alpha4.rules.worklist import build_worklist

from .common import Format, ProfileName, out, parse_date, print_json
from .core import print_worklist, worklist_json


def register(app: typer.Typer) -> None:
    """Attach ``demo`` to ``app``."""

    @app.command("demo")
    def demo(
        patients: Annotated[int, typer.Option("--patients", min=1, max=1_000_000)] = 300,
        seed: Annotated[int, typer.Option("--seed")] = 4,
        as_of: Annotated[str | None, typer.Option("--as-of")] = None,
        profile: Annotated[ProfileName, typer.Option("--profile")] = ProfileName.US,
        limit: Annotated[int, typer.Option("--limit", help="Rows of the worklist to print")] = 25,
        format: Annotated[Format, typer.Option("--format")] = Format.TEXT,
    ) -> None:
        """Run alpha4 on a synthetic cohort and print the worklist, most urgent first."""
        from alpha4.synthetic import generate_cohort

        day = parse_date(as_of, "--as-of")
        prof = get_profile(profile.value)
        started = time.perf_counter()
        assessments = [assess(p, day, prof) for _, p in generate_cohort(patients, day, seed=seed)]
        elapsed = time.perf_counter() - started
        rows = build_worklist(assessments)
        if format is Format.JSON:
            print_json([worklist_json(r) for r in rows])
            return
        decisions = {
            d: sum(1 for a in assessments if a.gate.decision.value == d) for d in ("go", "hold", "stop")
        }
        out.print(
            f"[bold]alpha4 demo[/]: {patients} synthetic patients (seed {seed}) assessed as of {day} "
            f"under the {prof.name.upper()} profile in {elapsed:.2f} s"
        )
        out.print(f"gate: {decisions['go']} go, {decisions['hold']} hold, {decisions['stop']} stop")
        print_worklist(rows[:limit])
        if len(rows) > limit:
            out.print(f"[dim]... {len(rows) - limit} more rows (--limit)[/]")
