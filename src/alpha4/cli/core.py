"""Commands of the clinical core: knowledge, schema, pml-risk, assess, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from alpha4.domain import Serostatus, dump_schema
from alpha4.knowledge import all_facts, get_profile
from alpha4.rules import Assessment, assess, pml_risk
from alpha4.rules.worklist import WorklistRow

from .common import (
    Format,
    ProfileName,
    fail,
    load_checklist_file,
    load_patient_file,
    out,
    parse_date,
    print_json,
    to_jsonable,
)

SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow", "info": "cyan"}
GATE_STYLE = {"stop": "bold white on red", "hold": "bold black on yellow", "go": "bold white on green"}
STATUS_STYLE = {
    "overdue": "bold red",
    "due": "yellow",
    "due_soon": "cyan",
    "ok": "green",
    "done": "dim",
    "not_required": "dim",
}


def styled(text: str, style: str) -> str:
    """Markup for ``text`` in ``style``, with the text escaped (record text never becomes markup)."""
    return f"[{style}]{escape(text)}[/]" if style else escape(text)


def register(app: typer.Typer) -> None:
    """Attach the clinical-core commands to ``app``."""

    @app.command("knowledge")
    def knowledge(
        format: Annotated[Format, typer.Option("--format", help="text or json")] = Format.TEXT,
    ) -> None:
        """List every clinical fact alpha4 applies, with its source."""
        facts = all_facts()
        rows = [
            {
                "id": f.id,
                "value": to_jsonable(f.value),
                "unit": f.unit,
                "source": f.source_text,
                "sources": [
                    {
                        "id": s.id,
                        "citation": s.citation,
                        "section": s.section,
                        "url": s.url,
                        "doi": s.doi,
                        "pmid": s.pmid,
                        "evidence": s.evidence.value,
                    }
                    for s in f.sources
                ],
                "profile": f.profile,
                "description": f.description,
                "note": f.note,
            }
            for f in facts
        ]
        if format is Format.JSON:
            print_json(rows)
            return
        table = Table("id", "value", "unit", "profile", "source", show_lines=False)
        for r in rows:
            value = r["value"]
            shown = value if isinstance(value, str | int | float | bool) else f"<{type(value).__name__}>"
            table.add_row(r["id"], str(shown)[:60], r["unit"] or "", r["profile"] or "", r["source"][:70])
        out.print(table)

    @app.command("schema")
    def schema(
        name: Annotated[str, typer.Argument(help="Which schema: 'patient'")] = "patient",
    ) -> None:
        """Print the JSON Schema of a record."""
        if name != "patient":
            fail(f"schema: unknown schema {name!r} (known: patient)")
        typer.echo(dump_schema())

    @app.command("pml-risk")
    def pml_risk_command(
        jcv: Annotated[str, typer.Option("--jcv", help="negative or positive")],
        months: Annotated[int, typer.Option("--months", help="Months (infusions) of natalizumab exposure")],
        index: Annotated[
            float | None, typer.Option("--index", help="Anti-JCV antibody index (STRATIFY)")
        ] = None,
        prior_immunosuppressant: Annotated[
            bool, typer.Option("--prior-immunosuppressant", help="Prior immunosuppressant use")
        ] = False,
        profile: Annotated[ProfileName, typer.Option("--profile")] = ProfileName.US,
        format: Annotated[Format, typer.Option("--format")] = Format.TEXT,
    ) -> None:
        """PML risk per 1,000 from the published table for one set of risk factors."""
        if jcv not in ("negative", "positive"):
            fail(f"--jcv: {jcv!r} is not 'negative' or 'positive'")
        if months < 0:
            fail(f"--months: {months} is negative")
        if index is not None and index < 0:
            fail(f"--index: {index} is negative")
        risk = pml_risk(Serostatus(jcv), index, prior_immunosuppressant, months, get_profile(profile.value))
        if format is Format.JSON:
            print_json(risk)
            return
        out.print(f"[bold]PML risk[/] {risk.qualifier}{risk.risk_per_1000} per 1,000")
        out.print(f"  band:   {risk.band}")
        out.print(f"  table:  {risk.table}")
        out.print(f"  source: {risk.source}")
        for note in risk.notes:
            out.print(f"  note:   {note}")
        for extra in risk.additional:
            out.print(
                f"  [dim]also ({extra.table}): {extra.qualifier}{extra.risk_per_1000} per 1,000, {extra.band}[/]"
            )

    @app.command("assess")
    def assess_command(
        patient_file: Annotated[
            Path, typer.Argument(help="Patient record (alpha4 JSON)", metavar="PATIENT.json")
        ],
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD (default today)")
        ] = None,
        profile: Annotated[ProfileName, typer.Option("--profile")] = ProfileName.US,
        checklist: Annotated[
            Path | None, typer.Option("--checklist", help="Pre-infusion checklist answers (JSON)")
        ] = None,
        format: Annotated[Format, typer.Option("--format")] = Format.TEXT,
    ) -> None:
        """Assess one patient: infusion gate, findings, schedule and PML risk."""
        day = parse_date(as_of, "--as-of")
        patient = load_patient_file(patient_file, day)
        answers = load_checklist_file(checklist) if checklist else None
        result = assess(patient, day, get_profile(profile.value), answers)
        if format is Format.JSON:
            print_json(assessment_json(result))
            return
        print_assessment(result)


def assessment_json(a: Assessment) -> dict[str, Any]:
    data: dict[str, Any] = a.model_dump(mode="json")
    if a.pml is None:
        data["pml_reason"] = next(
            (f.code for f in a.findings if f.code in {"PML_JCV_MISSING", "PML_JCV_INDETERMINATE"}), None
        )
    return data


def worklist_json(row: WorklistRow) -> dict[str, Any]:
    items = []
    for i in row.items:
        item: dict[str, Any] = {"code": i.code} if i.code else {"item": i.item}
        item["status"] = i.status
        if i.due:
            item["due"] = i.due.isoformat()
        if i.severity:
            item["severity"] = i.severity
        items.append(item)
    return {
        "patient_id": row.patient_id,
        "gate": row.gate,
        "next_infusion": row.next_infusion.isoformat() if row.next_infusion else None,
        "items": items,
    }


def print_assessment(a: Assessment) -> None:
    g = a.gate
    out.print(
        f"[bold]{a.patient_id}[/] as of {a.as_of} ({a.profile.upper()}): "
        f"[{GATE_STYLE[g.decision.value]}] {g.headline or g.decision.value.upper()} [/]"
        + (f"  reasons: {', '.join(g.reasons)}" if g.reasons else "")
    )
    for c in g.cleared:
        out.print(f"  cleared {c.code} by {escape(c.prescriber)}: {escape(c.reason)}")
    if g.observation:
        out.print(f"  {escape(g.observation)}")
    if a.pml:
        out.print(
            escape(f"PML risk {a.pml.qualifier}{a.pml.risk_per_1000}/1000 ({a.pml.band}; {a.pml.table})")
        )
    out.print()
    for f in a.findings:
        style = SEVERITY_STYLE[f.severity.value]
        effect = f" [{f.gate.value}]" if f.gate.value != "none" else ""
        out.print(f"{styled(f'{f.severity.value:8s}', style)} [bold]{f.code}[/]{effect}: {escape(f.title)}")
        out.print(f"          {escape(f.detail)}", highlight=False)
        out.print(f"          [dim]action:[/] {escape(f.action)}", highlight=False)
        if f.sources:
            out.print(f"          {styled('source: ' + f.sources[0], 'dim')}", highlight=False)
    out.print()
    table = Table("schedule", "due", "status", "last", "why")
    for s in a.schedule:
        table.add_row(
            s.item,
            str(s.due or ""),
            styled(s.status.value, STATUS_STYLE.get(s.status.value, "")),
            str(s.last or ""),
            escape(s.reason),
        )
    out.print(table)


def print_worklist(rows: list[WorklistRow]) -> None:
    table = Table("patient", "gate", "next infusion", "PML/1000", "what needs doing")
    for r in rows:
        things = []
        for i in r.items:
            if i.code:
                things.append(styled(i.code, SEVERITY_STYLE.get(i.severity or "info", "")))
            else:
                things.append(styled(f"{i.item} {i.status}", STATUS_STYLE.get(i.status, "")))
        table.add_row(
            r.patient_id,
            f"[{GATE_STYLE[r.gate]}] {r.gate} [/]",
            str(r.next_infusion or "-"),
            "-" if r.pml_risk_per_1000 is None else f"{r.pml_risk_per_1000:g}",
            ", ".join(things),
        )
    out.print(table)
