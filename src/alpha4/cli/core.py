"""Commands of the clinical core: knowledge, schema, pml-risk, assess, demo."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:  # `knowledge` and `schema` do not load the rules
    from alpha4.rules import Assessment
    from alpha4.rules.worklist import WorklistRow

from .common import (
    Format,
    ProfileName,
    fail,
    load_checklist_file,
    load_patients_file,
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


SCHEMAS = ("patient", "checklist")


def register(app: typer.Typer) -> None:
    """Attach the clinical-core commands to ``app``."""

    @app.command("knowledge")
    def knowledge(
        format: Annotated[Format, typer.Option("--format", help="text or json")] = Format.TEXT,
        code: Annotated[
            str | None,
            typer.Option(
                "--code",
                help="One finding code (e.g. PML_SUSPECTED): the rule that emits it, the facts it reads, their sources",
            ),
        ] = None,
    ) -> None:
        """List every clinical fact alpha4 applies, with its source (or, with --code, one finding's provenance)."""
        from alpha4.knowledge import CATALOGUE, all_facts

        if code is not None:
            from alpha4.rules.code_index import EMITTED_BY, FACTS_READ
            from alpha4.rules.codes import CODES

            key = code.strip().upper()
            if key not in CODES:
                fail(
                    f"--code: unknown finding code {code!r}; `alpha4 knowledge --format json` lists the facts"
                )
            spec = CODES[key]
            facts = [CATALOGUE[k] for k in FACTS_READ.get(key, ()) if k in CATALOGUE]
            entry = {
                "code": key,
                "title": spec.title,
                "severity": spec.severity,
                "gate": spec.gate,
                "action": spec.action,
                "emitted_by": list(EMITTED_BY.get(key, ())),
                "facts": [
                    {"id": f.key, "value": to_jsonable(f.value), "unit": f.unit, "source": f.source_text}
                    for f in facts
                ],
            }
            if format is Format.JSON:
                print_json(entry)
                return
            out.print(
                f"[bold]{key}[/]: {escape(spec.title)} ({spec.severity}; gate {spec.gate})", highlight=False
            )
            out.print(f"  action: {escape(spec.action)}", highlight=False)
            for fn in entry["emitted_by"]:
                out.print(f"  emitted by: {fn}", highlight=False)
            for f in facts:
                out.print(
                    f"  fact {escape(f.key)} = {escape(fact_value_text(to_jsonable(f.value), f.unit))}",
                    highlight=False,
                )
                out.print(f"    source: {escape(f.source_text)}", highlight=False)
            return
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
        for r in rows:
            out.print(
                f"[bold]{escape(r['id'])}[/]"
                + (f"  [dim]({r['profile'].upper()} profile)[/]" if r["profile"] else ""),
                highlight=False,
            )
            if r["description"]:
                out.print(f"  {escape(r['description'])}", highlight=False)
            out.print(f"  value:  {escape(fact_value_text(r['value'], r['unit']))}", highlight=False)
            out.print(f"  source: {escape(r['source'])}", highlight=False)
            if r["note"]:
                out.print(f"  note:   {escape(r['note'])}", highlight=False)
        out.print(f"[dim]{len(rows)} facts; --format json for the structured sources[/]")

    @app.command("schema")
    def schema(
        name: Annotated[
            str,
            typer.Argument(
                help="patient (a patient record) or checklist (the --checklist answers of assess)"
            ),
        ] = "patient",
        example: Annotated[
            bool, typer.Option("--example", help="Print an example instead of the schema (checklist)")
        ] = False,
    ) -> None:
        """Print the JSON Schema of a patient record or of the checklist answers."""
        from alpha4.domain import dump_schema
        from alpha4.domain.checklist import EXAMPLE_ANSWERS, checklist_json_schema

        if name not in SCHEMAS:
            fail(f"schema: unknown schema {name!r} (known: {', '.join(SCHEMAS)})")
        if example:
            if name != "checklist":
                fail("--example: there is an example of the checklist answers; patients: see examples/")
            print_json(EXAMPLE_ANSWERS)
        elif name == "checklist":
            typer.echo(json.dumps(checklist_json_schema(), indent=2, sort_keys=True))
        else:
            typer.echo(dump_schema())

    @app.command("pml-risk")
    def pml_risk_command(
        jcv: Annotated[str, typer.Option("--jcv", help="Anti-JCV antibody status: negative or positive")],
        months: Annotated[int, typer.Option("--months", help="Months (infusions) of natalizumab exposure")],
        index: Annotated[
            float | None, typer.Option("--index", help="Anti-JCV antibody index (STRATIFY)")
        ] = None,
        prior_immunosuppressant: Annotated[
            bool, typer.Option("--prior-immunosuppressant", help="Prior immunosuppressant use")
        ] = False,
        profile: Annotated[
            ProfileName, typer.Option("--profile", help="Label profile: us (FDA label) or eu (EMA SmPC)")
        ] = ProfileName.US,
        format: Annotated[
            Format, typer.Option("--format", help="text (for people) or json (for scripts)")
        ] = Format.TEXT,
    ) -> None:
        """PML risk per 1,000 from the published table for one set of risk factors."""
        from alpha4.domain import Serostatus
        from alpha4.knowledge import get_profile
        from alpha4.rules import pml_risk

        status = jcv.strip().lower()
        if status not in ("negative", "positive"):
            fail(f"--jcv: {jcv!r} is not 'negative' or 'positive'")
        if months < 0:
            fail(f"--months: {months} is negative")
        if index is not None and not math.isfinite(index):
            fail(f"--index: {index} is not a number")
        if index is not None and index < 0:
            fail(f"--index: {index} is negative")
        if status == "negative" and index is not None:
            fail(
                f"--index {index:g} with --jcv negative: an antibody index belongs to a positive result; "
                "give --jcv positive with its index, or --jcv negative alone"
            )
        risk = pml_risk(
            Serostatus(status), index, prior_immunosuppressant, months, get_profile(profile.value)
        )
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
            Path,
            typer.Argument(
                help="The patient: an alpha4 record (JSON, `alpha4 schema patient`) or a FHIR R4 Bundle",
                metavar="PATIENT.json",
            ),
        ],
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD (default today)")
        ] = None,
        profile: Annotated[
            ProfileName, typer.Option("--profile", help="Label profile: us (FDA label) or eu (EMA SmPC)")
        ] = ProfileName.US,
        checklist: Annotated[
            Path | None,
            typer.Option(
                "--checklist",
                help="Pre-infusion checklist answers (JSON; `alpha4 schema checklist [--example]`)",
            ),
        ] = None,
        format: Annotated[
            Format, typer.Option("--format", help="text (for people) or json (for scripts)")
        ] = Format.TEXT,
        patient_id: Annotated[
            str | None,
            typer.Option("--patient", help="The patient to assess when the bundle holds several (id)"),
        ] = None,
    ) -> None:
        """Assess one patient: infusion gate, findings, schedule and PML risk.

        Takes alpha4's patient record or a FHIR R4 Bundle (as `alpha4 fhir to-bundle` writes or
        an EHR sends; every patient of a bundle holding several, or the one --patient names); bad
        input exits 2 naming the field as written in the file.
        """
        from alpha4.knowledge import get_profile
        from alpha4.rules import assess

        day = parse_date(as_of, "--as-of")
        loaded = load_patients_file(patient_file, day, patient_id)
        answers = load_checklist_file(checklist) if checklist else None
        results: list[dict[str, Any]] = []
        for n, item in enumerate(loaded):
            if item.deceased is not None:
                # No gate, no schedule, no PML risk: there is nothing to decide for this patient.
                results.append(
                    {"patient_id": item.patient.id, "as_of": day.isoformat(), "deceased": item.deceased}
                )
                if format is Format.TEXT:
                    out.print(
                        f"[bold]{escape(item.patient.id)}[/]: recorded as {escape(item.deceased)} "
                        "(Patient.deceased); no assessment, schedule or worklist entry"
                    )
                continue
            result = assess(item.patient, day, get_profile(profile.value), answers)
            results.append(assessment_json(result))
            if format is Format.TEXT:
                if n:
                    out.rule()
                print_assessment(result)
        if format is Format.JSON:
            print_json(results[0] if len(results) == 1 else results)


def assessment_json(a: Assessment) -> dict[str, Any]:
    data: dict[str, Any] = a.model_dump(mode="json")
    if a.pml is None:
        data["pml_reason"] = next(
            (f.code for f in a.findings if f.code in {"PML_JCV_MISSING", "PML_JCV_INDETERMINATE", "PML_CONFIRMED"}),
            None,
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
            item_words(s.item),
            str(s.due or ""),
            styled(status_words(s.status.value), STATUS_STYLE.get(s.status.value, "")),
            str(s.last or ""),
            escape(s.reason),
        )
    out.print(table)


def print_worklist(rows: list[WorklistRow]) -> None:
    table = Table("patient", "gate", "next infusion", "PML risk per 1,000", "what needs doing")
    for r in rows:
        things = []
        for i in r.items:
            if i.code:
                things.append(styled(i.title or i.code, SEVERITY_STYLE.get(i.severity or "info", "")))
            else:
                words = f"{item_words(i.item or '')}: {status_words(i.status)}"
                things.append(styled(words, STATUS_STYLE.get(i.status, "")))
        table.add_row(
            escape(r.patient_id),
            f"[{GATE_STYLE[r.gate]}] {r.gate} [/]",
            str(r.next_infusion or "-"),
            pml_text(r.pml_risk_per_1000),
            "; ".join(things),
        )
    out.print(table)


def pml_text(risk_per_1000: float | None) -> str:
    """PML risk per 1,000 in one format for every row (two decimals: the tables go down to 0.01)."""
    return "unknown" if risk_per_1000 is None else f"{risk_per_1000:.2f}"


def item_words(item: str) -> str:
    """A schedule item as words (``jcv_antibody_test`` -> ``anti-JCV antibody test``)."""
    from alpha4.rules.schedule import ITEM_LABELS

    label = ITEM_LABELS.get(item)
    return label.removeprefix("The ") if label else item.replace("_", " ")


def status_words(status: str) -> str:
    return status.replace("_", " ")


def fact_value_text(value: Any, unit: str | None) -> str:
    """A fact's value in full, as text (tables as compact JSON)."""
    if isinstance(value, str | int | float | bool):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    return f"{text} {unit}" if unit else text


commands = typer.Typer(add_completion=False)
register(commands)
