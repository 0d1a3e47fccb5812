"""Shared pieces of the command line: output formats, clear input errors, JSON encoding."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from pathlib import Path
from typing import Any, NoReturn

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from alpha4.domain import Patient, PreInfusionChecklist, load_patient
from alpha4.domain.validation import check_patient

err = Console(stderr=True)
out = Console()


class Format(enum.StrEnum):
    TEXT = "text"
    JSON = "json"


class ProfileName(enum.StrEnum):
    US = "us"
    EU = "eu"


EXIT_BAD_INPUT = 2


def fail(message: str) -> NoReturn:
    """Report bad input and exit with code 2 (nothing computed)."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def validation_lines(error: ValidationError) -> list[str]:
    lines = []
    for e in error.errors():
        where = ".".join(str(p) for p in e["loc"]) or "(record)"
        lines.append(f"{where}: {e['msg']}")
    return lines


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        fail(f"{path}: cannot read ({error.strerror})")


def load_patient_file(path: Path, as_of: dt.date) -> Patient:
    """Load and check one patient: alpha4's record or a FHIR R4 Bundle (it has ``resourceType``).

    Every problem is named (for FHIR: the resource and the element); exit 2 on any.
    """
    loaded = load_patients_file(path, as_of)
    if len(loaded) > 1:
        fail(f"{path}: {len(loaded)} patients in the bundle; name one with --patient")
    return loaded[0].patient


@dataclasses.dataclass(frozen=True, slots=True)
class Loaded:
    """One patient read from a file; ``deceased`` says how the EHR records a death (then no assessment)."""

    patient: Patient
    deceased: str | None = None


def load_patients_file(path: Path, as_of: dt.date, patient_id: str | None = None) -> list[Loaded]:
    """Every patient of a file (a FHIR Bundle may hold several), or the one ``patient_id`` names.

    A patient that cannot be read is named on stderr and the others are still returned; exit 2 when
    none can be read.
    """
    text = read_text(path)
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not (isinstance(data, dict) and "resourceType" in data):
        try:
            patient = load_patient(text)
        except ValidationError as error:
            fail(f"{path}: invalid patient record\n  " + "\n  ".join(validation_lines(error)))
        if patient_id is not None and patient.id != patient_id:
            fail(f"{path}: no patient {patient_id!r}")
        return [Loaded(_checked(path, patient, as_of))]
    from alpha4.interop.fhir_in import FhirInputError, bundle_to_patients  # loaded only for FHIR input
    from alpha4.interop.summary import summarise

    try:
        read = bundle_to_patients(data)
    except FhirInputError as error:
        fail(f"{path}: {error}")
    chosen = [
        p
        for p in read.patients
        if patient_id is None
        or p.ref in (patient_id, f"Patient/{patient_id}")
        or (p.imported is not None and p.imported.patient.id == patient_id)
    ]
    if not chosen:
        fail(f"{path}: no patient {patient_id!r} in the bundle")
    if len(chosen) == 1 and chosen[0].error is not None:
        fail(f"{path}: {chosen[0].error}")
    loaded: list[Loaded] = []
    for line in summarise(read.unmapped):
        err.print(f"[yellow]unmapped:[/] {line}", highlight=False, soft_wrap=True)
    for p in chosen:
        if p.error is not None or p.imported is None:
            err.print(f"[bold red]error:[/] {path}: {p.ref}: {p.error}", highlight=False, soft_wrap=True)
            continue
        for line in summarise(p.imported.unmapped):
            err.print(f"[yellow]unmapped:[/] {line}", highlight=False, soft_wrap=True)
        patient = p.imported.patient
        loaded.append(Loaded(_checked(path, patient, as_of), p.imported.deceased))
    if not loaded:
        raise typer.Exit(EXIT_BAD_INPUT)
    return loaded


def _checked(path: Path, patient: Patient, as_of: dt.date) -> Patient:
    problems = check_patient(patient, as_of)
    if problems:
        fail(f"{path}: cannot assess\n  " + "\n  ".join(str(p) for p in problems))
    return patient


def load_checklist_file(path: Path) -> PreInfusionChecklist:
    text = read_text(path)
    try:
        return PreInfusionChecklist.model_validate_json(text)
    except ValidationError as error:
        fail(f"{path}: invalid checklist\n  " + "\n  ".join(validation_lines(error)))


def to_jsonable(value: Any) -> Any:
    """JSON-ready form of facts' values, pydantic models and dataclasses."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    typer.echo(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def parse_date(text: str | None, option: str) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a date (YYYY-MM-DD)")
