"""``alpha4 demo``: build a registry from the seeded synthetic cohort, then print its worklist.

The registry is ``ALPHA4_DATABASE_URL`` or the default SQLite file; the schema is brought up to
date first. The same seed and date give the same registry: running the demo again changes
nothing (patients are matched by id). The worklist is computed from the database, not from the
generated objects, so the demo exercises the whole path a clinic's data takes.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer

from alpha4.domain import Patient
from alpha4.knowledge import get_profile
from alpha4.rules.cohort_summary import format_cohort_summary, summarize_cohort
from alpha4.rules.worklist import build_worklist
from alpha4.store import upgrade
from alpha4.store.transfer import Incoming, import_patients

from .common import Format, ProfileName, out, parse_date, print_json
from .core import print_worklist, worklist_json
from .registry import actor_of, assess_registry, now, progress_bar, registry, store_errors


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
        """Build a registry from a synthetic cohort and print its worklist, most urgent first."""
        from alpha4.synthetic import generate_cohort

        day = parse_date(as_of, "--as-of")
        prof = get_profile(profile.value)
        with registry(check_schema=False) as db:
            with store_errors(db):
                upgrade(db)
            started = time.perf_counter()
            with progress_bar() as progress, store_errors(db):
                task = progress.add_task("building the registry", total=patients)
                cohort = (
                    Incoming("synthetic", n + 1, p)
                    for n, (_, p) in enumerate(generate_cohort(patients, day, seed=seed))
                )
                report = import_patients(
                    db,
                    cohort,
                    actor=actor_of(None),
                    at=now(),
                    progress=lambda n: progress.update(task, completed=n),
                )
            built = time.perf_counter() - started
            started = time.perf_counter()
            loaded: list[Patient] = []
            assessments = assess_registry(db, day, prof, each_chunk=loaded.extend)
            elapsed = time.perf_counter() - started
            rows = build_worklist(assessments)
            if format is Format.JSON:
                print_json([worklist_json(r) for r in rows])
                return
            decisions = {
                d: sum(1 for a in assessments if a.gate.decision.value == d) for d in ("go", "hold", "stop")
            }
            out.print(
                f"[bold]alpha4 demo[/]: registry {db.shown_url}: {patients} synthetic patients (seed {seed}): "
                f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged in {built:.2f} s",
                highlight=False,
            )
            out.print(
                f"{len(assessments)} patients loaded from the registry and assessed as of {day} "
                f"under the {prof.name.upper()} profile in {elapsed:.2f} s",
                highlight=False,
            )
            out.print(f"gate: {decisions['go']} go, {decisions['hold']} hold, {decisions['stop']} stop")
            print_worklist(rows[:limit])
            if len(rows) > limit:
                out.print(f"[dim]... {len(rows) - limit} more rows (--limit)[/]")
            out.print(format_cohort_summary(summarize_cohort((p, day) for p in loaded)), highlight=False)
