"""``alpha4 fhir``: FHIR R4 in and out (alpha4 record <-> Bundle; assessment as FHIR)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from alpha4.domain import load_patient
from alpha4.interop.fhir_in import FhirInputError, Imported, bundle_to_patient
from alpha4.interop.fhir_out import assessment_to_bundle, patient_to_bundle
from alpha4.knowledge import get_profile
from alpha4.rules import assess

from .common import ProfileName, err, fail, load_patient_file, parse_date, read_text, validation_lines

app = typer.Typer(
    help="FHIR R4: convert records to and from Bundles, write assessments as FHIR.", no_args_is_help=True
)


def _write(data: Any, output: Path | None) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")


def read_bundle(path: Path, *, strict: bool = False) -> Imported:
    """Read a Bundle file; errors name the resource and element (exit 2, nothing written)."""
    try:
        data = json.loads(read_text(path))
    except ValueError as error:
        fail(f"{path}: not JSON ({error})")
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
    try:
        patient = load_patient(read_text(patient_file))
    except ValidationError as error:
        fail(f"{patient_file}: invalid patient record\n  " + "\n  ".join(validation_lines(error)))
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
    imported = read_bundle(bundle_file, strict=strict)
    if unmapped_report is not None:
        rows = [{"resource_type": u.resource_type, "id": u.id, "reason": u.reason} for u in imported.unmapped]
        unmapped_report.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    _write(imported.patient.model_dump(mode="json"), output)


@app.command("assessment")
def assessment(
    record: Annotated[
        Path, typer.Argument(help="FHIR Bundle or alpha4 record", metavar="BUNDLE_OR_PATIENT.json")
    ],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD (default today)")
    ] = None,
    profile: Annotated[ProfileName, typer.Option("--profile")] = ProfileName.US,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")
    ] = None,
) -> None:
    """Assess and write the result as FHIR: DetectedIssue, RiskAssessment, ServiceRequest."""
    day = parse_date(as_of, "--as-of")
    patient = load_patient_file(record, day)
    result = assess(patient, day, get_profile(profile.value))
    _write(assessment_to_bundle(result), output)
