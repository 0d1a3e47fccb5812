"""The ``alpha4`` command line (Typer), assembled lazily.

Each command group lives in its own module; this module only names them. A module is imported
when its command runs (or its ``--help`` is asked), never before: ``alpha4 --help`` must not pay
for SQLAlchemy, FastAPI, fhir.resources, SciPy or matplotlib, and ``alpha4 pml-risk`` only for
the rules it applies. The one-line help of every command is therefore written here too;
``tests/cli/test_startup.py`` checks it matches the command's own docstring.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

CLINICAL = "Clinical answers (no registry needed)"
REGISTRY = "The registry"
INTEROP = "Interoperability, dosing and scores"


@dataclass(frozen=True, slots=True)
class Lazy:
    """Where a top-level command lives: ``module`` holds a Typer ``attr``; ``group`` when the
    command is that Typer itself (``alpha4 fhir ...``), else one command registered on it."""

    module: str
    attr: str
    help: str
    panel: str
    group: bool = False


# -- commands (one line each, in the order `alpha4 --help` lists them) --
COMMANDS: dict[str, Lazy] = {
    "assess": Lazy("core", "commands", "Assess one patient: infusion gate, findings, schedule and PML risk.", CLINICAL),
    "pml-risk": Lazy("core", "commands", "PML risk per 1,000 from the published table for one set of risk factors.", CLINICAL),
    "knowledge": Lazy("core", "commands", "List every clinical fact alpha4 applies, with its source (or, with --code, one finding's provenance).", CLINICAL),
    "schema": Lazy("core", "commands", "Print the JSON Schema of a patient record or of the checklist answers.", CLINICAL),
    "demo": Lazy("demo", "commands", "Build a demo registry from a synthetic cohort and print its worklist, most urgent first.", REGISTRY),
    "worklist": Lazy("registry", "commands", "What is due, overdue or alarming across the registry, most urgent first.", REGISTRY),
    "import": Lazy("registry", "commands", "Import patient records; each patient all-or-nothing, bad records reported, the rest go on.", REGISTRY),
    "export": Lazy("registry", "commands", "Write every patient's current timeline as NDJSON (the import format), ordered by patient id.", REGISTRY),
    "patient": Lazy("registry", "patient_app", "One patient of the registry: show, history, correct, retract.", REGISTRY, group=True),
    "user": Lazy("users", "app", "Registry users: create, list, deactivate, reactivate, change roles, set a password.", REGISTRY, group=True),
    "db": Lazy("registry", "db_app", "The registry database: schema migrations and the audit chain.", REGISTRY, group=True),
    "backup": Lazy("registry", "commands", "A consistent online copy of the registry (SQLite); pg_dump custom format on PostgreSQL.", REGISTRY),
    "restore": Lazy("registry", "commands", "Replace the registry with a backup (checked first: integrity, schema, audit chain).", REGISTRY),
    "report": Lazy("report", "commands", "A cohort report (aggregates only, small cells suppressed), the de-identified analytic table, or a refresh of the per-patient summaries.", REGISTRY),
    "serve": Lazy("serve", "commands", "Start the web application on the configured registry (ALPHA4_DATABASE_URL).", REGISTRY),
    "fhir": Lazy("fhir", "app", "FHIR R4: convert records to and from Bundles, write assessments as FHIR.", INTEROP, group=True),
    "pk": Lazy("pk", "app", "Precision dosing: natalizumab level, α4-integrin saturation, interval planning.", INTEROP, group=True),
    "score": Lazy("score", "app", "Crohn's disease activity scores: Harvey-Bradshaw Index and CDAI, with bands.", INTEROP, group=True),
}  # fmt: skip
# -- end of commands --


def resolve(name: str) -> Any:
    """The click command of ``name``, importing its module now."""
    entry = COMMANDS[name]
    owner = getattr(importlib.import_module(f"{__name__}.{entry.module}"), entry.attr)
    group = typer.main.get_group(owner)
    if entry.group:
        group.name = name
        return group
    return group.commands[name]


class LazyGroup(TyperGroup):
    """A Typer group whose commands are imported only when one of them is used."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._listing = False
        self._resolved: dict[str, Any] = {}

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *super().list_commands(ctx)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        entry = COMMANDS[cmd_name]
        if self._listing:  # the help page needs only the name and one line
            stub = TyperCommand(name=cmd_name, help=entry.help, rich_help_panel=entry.panel)
            return stub
        if cmd_name not in self._resolved:
            self._resolved[cmd_name] = resolve(cmd_name)
        return self._resolved[cmd_name]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="alpha4",
    help="Natalizumab therapy management: eligibility, infusion gate, schedule, PML risk, dosing.",
    epilog="Every command has --help; bad input exits with code 2 naming the field, registry errors with code 1.",
    cls=LazyGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Natalizumab therapy management: eligibility, infusion gate, schedule, PML risk, dosing."""


def main() -> None:
    """Entry point of the ``alpha4`` script."""
    app()
