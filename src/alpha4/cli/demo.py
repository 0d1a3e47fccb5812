"""``alpha4 demo``: build a demo registry from the seeded synthetic cohort, then print its worklist.

The demo never writes into a real registry: it builds its own SQLite database,
``<user data dir>/alpha4/demo.sqlite3`` (rebuilt on every run), next to the default registry
file. ``--into-registry`` loads the cohort into the configured registry (``ALPHA4_DATABASE_URL``)
instead, and only when that registry holds no patient. The same seed and date give the same
cohort. The worklist is computed from the database, not from the generated objects, so the demo
exercises the whole path a clinic's data takes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from alpha4.domain import Patient
from alpha4.knowledge import get_profile
from alpha4.rules.cohort_summary import format_cohort_summary, summarize_cohort
from alpha4.rules.worklist import build_worklist
from alpha4.store import count_patients, upgrade
from alpha4.store.transfer import Incoming, import_patients

from .common import Format, ProfileName, err, out, parse_date, print_json
from .core import print_worklist, worklist_json
from .progress import progress_bar
from .registry import actor_of, assess_registry, now, registry, store_errors, store_fail


def demo_database_path() -> Path:
    """Where the demo builds its registry: ``demo.sqlite3`` beside the default registry file."""
    from alpha4.settings import default_database_path

    return default_database_path().with_name("demo.sqlite3")


def fresh_demo_database() -> str:
    """The URL of an empty demo database (the previous demo's file is removed)."""
    path = demo_database_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
    except OSError as error:
        store_fail(f"cannot prepare the demo database {path}: {error.strerror}")
    return f"sqlite:///{path}"


def register(app: typer.Typer) -> None:
    """Attach ``demo`` to ``app``."""

    @app.command("demo")
    def demo(
        patients: Annotated[
            int, typer.Option("--patients", min=1, max=1_000_000, help="Synthetic patients to generate")
        ] = 300,
        seed: Annotated[
            int, typer.Option("--seed", help="Random seed: the same seed and date give the same cohort")
        ] = 4,
        as_of: Annotated[
            str | None,
            typer.Option(
                "--as-of", help="Date the cohort is generated and assessed on, YYYY-MM-DD (default today)"
            ),
        ] = None,
        profile: Annotated[
            ProfileName, typer.Option("--profile", help="Label profile: us (FDA label) or eu (EMA SmPC)")
        ] = ProfileName.US,
        limit: Annotated[int, typer.Option("--limit", help="Rows of the worklist to print")] = 25,
        format: Annotated[
            Format, typer.Option("--format", help="text (for people) or json (for scripts)")
        ] = Format.TEXT,
        into_registry: Annotated[
            bool,
            typer.Option(
                "--into-registry",
                help="Load the cohort into the configured registry (ALPHA4_DATABASE_URL), "
                "which must hold no patient; default: a separate demo database",
            ),
        ] = False,
    ) -> None:
        """Build a demo registry from a synthetic cohort and print its worklist, most urgent first.

        The demo has its own database (<user data dir>/alpha4/demo.sqlite3, rebuilt on every run):
        the configured registry is never touched unless --into-registry is given on an empty one.
        """
        from alpha4.synthetic import generate_cohort

        day = parse_date(as_of, "--as-of")
        prof = get_profile(profile.value)
        url = None if into_registry else fresh_demo_database()
        with registry(check_schema=False, url=url) as db:
            with store_errors(db):
                upgrade(db)
                if into_registry:
                    with db.reading() as session:
                        held = count_patients(session=session)
                    if held:
                        store_fail(
                            f"{db.shown_url} holds {held} patients: the demo loads only into an empty "
                            "registry (without --into-registry it builds its own demo database)"
                        )
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
            if not into_registry:
                err.print(
                    f"demo database: {db.shown_url} (rebuilt on every run; your registry is not touched). "
                    f"Explore it with ALPHA4_DATABASE_URL={db.shown_url} alpha4 worklist",
                    highlight=False,
                    soft_wrap=True,
                )
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


commands = typer.Typer(add_completion=False)
register(commands)
