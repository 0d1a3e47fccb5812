"""``alpha4 fhir``: FHIR R4 in and out (alpha4 record <-> Bundle; assessment as FHIR; the registry)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from alpha4.domain.validation import check_patient
from alpha4.interop.fhir_in import FhirInputError, Imported, bundle_to_patient, bundle_to_patients
from alpha4.interop.fhir_out import assessment_to_bundle, patient_to_bundle, patients_to_bundle
from alpha4.knowledge import get_profile
from alpha4.rules import assess
from alpha4.store import count_patients, iter_patients
from alpha4.store import load_patient as load_stored_patient
from alpha4.store.transfer import Incoming, Rejected, import_patients

from .common import (
    EXIT_BAD_INPUT,
    ProfileName,
    check_output,
    check_readable,
    err,
    fail,
    load_patient_file,
    out,
    parse_date,
    parse_json,
    patient_record,
    read_json,
    read_text,
    write_output,
)
from .progress import progress_bar
from .registry import actor_of, now, registry, store_errors, store_fail

app = typer.Typer(
    help="FHIR R4: convert records to and from Bundles, write assessments as FHIR.", no_args_is_help=True
)


def _write(data: Any, output: Path | None) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if output is None:
        typer.echo(text)
    else:
        write_output(output, text + "\n", "--output")


def read_bundle(path: Path, *, strict: bool = False) -> Imported:
    """Read a Bundle file; errors name the resource and element (exit 2, nothing written)."""
    data = read_json(path)
    try:
        imported = bundle_to_patient(data)
    except FhirInputError as error:
        fail(f"{path}: {error}")
    for u in imported.unmapped:
        err.print(f"[yellow]unmapped:[/] {u}", highlight=False, soft_wrap=True)
    if strict and imported.unmapped:
        fail(f"{path}: {len(imported.unmapped)} resource(s) could not be mapped (--strict)")
    return imported


@app.command("to-bundle")
def to_bundle(
    patient_file: Annotated[
        Path, typer.Argument(help="alpha4 patient record (JSON)", metavar="PATIENT.json")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")
    ] = None,
) -> None:
    """Write an alpha4 patient record as a FHIR R4 collection Bundle."""
    check_output(output, "--output")
    text = read_text(patient_file)
    patient = patient_record(patient_file, text, parse_json(patient_file, text))
    _write(patient_to_bundle(patient), output)


@app.command("from-bundle")
def from_bundle(
    bundle_file: Annotated[Path, typer.Argument(help="FHIR R4 Bundle (JSON)", metavar="BUNDLE.json")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")
    ] = None,
    unmapped_report: Annotated[
        Path | None, typer.Option("--unmapped", help="Write the unmapped-resource report (JSON) here")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail when any resource cannot be mapped")] = False,
) -> None:
    """Read a FHIR R4 Bundle into an alpha4 patient record; unmapped resources are reported on stderr."""
    check_output(output, "--output")
    check_output(unmapped_report, "--unmapped")
    imported = read_bundle(bundle_file, strict=strict)
    if unmapped_report is not None:
        rows = [{"resource_type": u.resource_type, "id": u.id, "reason": u.reason} for u in imported.unmapped]
        write_output(unmapped_report, json.dumps(rows, indent=2) + "\n", "--unmapped")
    _write(imported.patient.model_dump(mode="json"), output)


@app.command("assessment")
def assessment(
    record: Annotated[
        Path, typer.Argument(help="FHIR Bundle or alpha4 record", metavar="BUNDLE_OR_PATIENT.json")
    ],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD (default today)")
    ] = None,
    profile: Annotated[
        ProfileName, typer.Option("--profile", help="Label profile: us (FDA label) or eu (EMA SmPC)")
    ] = ProfileName.US,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")
    ] = None,
) -> None:
    """Assess and write the result as FHIR: DetectedIssue, RiskAssessment, ServiceRequest."""
    check_output(output, "--output")
    day = parse_date(as_of, "--as-of")
    patient = load_patient_file(record, day)
    result = assess(patient, day, get_profile(profile.value))
    _write(assessment_to_bundle(result), output)


def read_bundle_patients(path: Path, *, not_after: dt.date) -> Iterator[Incoming | Rejected]:
    """Every Patient of a Bundle file as an :class:`Incoming` patient, or :class:`Rejected` with the
    resource and element at fault. ``line`` is the Patient's place in ``Bundle.entry``."""
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        yield Rejected(source, 0, "(file)", f"cannot read: {error}")
        return
    except ValueError as error:
        yield Rejected(source, 0, "(json)", f"not JSON: {error}")
        return
    try:
        read = bundle_to_patients(data)
    except FhirInputError as error:
        yield Rejected(source, 0, f"{error.resource} {error.element}".strip(), error.message)
        return
    for u in read.unmapped:
        err.print(f"[yellow]unmapped:[/] {escape(source)}: {escape(str(u))}", highlight=False, soft_wrap=True)
    for p in read.patients:
        if p.imported is None:
            # a patient that was not read always carries why; a missing reason is still a rejection
            why = p.error or FhirInputError(p.ref, "", "not read (no reason recorded)")
            where = f"{why.resource} {why.element}".strip()
            yield Rejected(source, p.entry, where, f"{why.message} ({p.ref}: nothing imported)")
            continue
        patient = p.imported.patient
        for u in p.imported.unmapped:
            err.print(
                f"[yellow]unmapped:[/] {escape(source)} {escape(p.ref)}: {escape(str(u))}",
                highlight=False,
                soft_wrap=True,
            )
        problems = check_patient(patient, not_after)
        if problems:
            for problem in problems:
                yield Rejected(
                    source, p.entry, problem.field, f"{problem.message} ({p.ref}, patient {patient.id})"
                )
            continue
        yield Incoming(source, p.entry, patient)


@app.command("import")
def import_command(
    bundles: Annotated[
        list[Path],
        typer.Argument(help="FHIR R4 Bundles (JSON), one or several patients each", metavar="BUNDLE..."),
    ],
    actor: Annotated[
        str | None,
        typer.Option("--actor", help="Who makes the change (default: $ALPHA4_ACTOR or the OS user)"),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Refuse records dated after this day (default today)")
    ] = None,
) -> None:
    """Load FHIR R4 Bundles into the registry: each patient all-or-nothing, matched by its identifier.

    Importing the same data again changes nothing. A patient that cannot be read is named with the
    resource and element at fault and nothing of it is written; the other patients and bundles go on,
    and the exit code is 2.
    """
    day = parse_date(as_of, "--as-of")
    for path in bundles:
        check_readable(path)
    who, at = actor_of(actor), now()
    with registry() as db:
        with progress_bar() as progress, store_errors(db):
            task = progress.add_task("importing", total=None)
            items = (item for path in bundles for item in read_bundle_patients(path, not_after=day))
            report = import_patients(
                db, items, actor=who, at=at, progress=lambda n: progress.update(task, completed=n)
            )
        for r in report.rejected:
            where = f"entry[{r.line}]" if r.field not in ("(file)", "(json)") else ""
            err.print(
                f"[red]rejected[/] {escape(r.source)} {where} {escape(r.field)}: {escape(r.message)}",
                highlight=False,
                soft_wrap=True,
            )
        out.print(
            f"imported: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.rejected_patients} rejected ({report.records_added} records added, "
            f"{report.records_corrected} corrected)",
            highlight=False,
        )
        if report.rejected:
            raise typer.Exit(EXIT_BAD_INPUT)


@app.command("export")
def export_command(
    patient_id: Annotated[
        str | None, typer.Option("--patient", help="Only this patient (default: every patient)", metavar="ID")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--out", "--output", "-o", help="Write here instead of stdout")
    ] = None,
) -> None:
    """Write the registry (or one patient) as one FHIR R4 collection Bundle."""
    check_output(output, "--output")
    with registry() as db, store_errors(db), db.reading() as session:
        if patient_id is not None:
            patient = load_stored_patient(session=session, patient_id=patient_id)
            if patient is None:
                store_fail(f"no patient {patient_id!r} in the registry")
            bundle = patient_to_bundle(patient)
            count = 1
        else:
            with progress_bar() as progress:
                task = progress.add_task("exporting", total=count_patients(session=session))
                patients = []
                for p in iter_patients(session=session, by_id=True):
                    patients.append(p)
                    progress.advance(task)
            bundle = patients_to_bundle(patients)
            count = len(patients)
    _write(bundle, output)
    err.print(f"exported {count} patient(s), {len(bundle.get('entry', []))} resources", highlight=False)
