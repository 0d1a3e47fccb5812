"""Shared pieces of the command line: output formats, clear input errors, JSON encoding."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

if TYPE_CHECKING:  # the domain model is imported when a record is read, not when the CLI starts
    from alpha4.domain import Patient, PreInfusionChecklist

err = Console(stderr=True, emoji=False)  # no ":name:" emoji codes: record text is printed as written
out = Console(emoji=False)


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


def validation_lines(error: ValidationError, written: Any = None) -> list[str]:
    """One ``field: message`` line per problem, the field as the user wrote it (``infusions[0].date``).

    pydantic validates each list item before the record sorts the list by date, so its indices are
    already those of the file; only checks on the loaded (sorted) patient need mapping back
    (:func:`written_problem`). ``written`` is accepted for callers that pass the raw record.
    """
    from alpha4.domain.locations import format_location

    del written
    lines = []
    for e in error.errors():
        where = format_location(e["loc"])
        found = e.get("input")
        shown = f" (found {json.dumps(found, ensure_ascii=False)})" if _scalar(found) else ""
        lines.append(f"{where}: {e['msg']}{shown}")
    return lines


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and len(str(value)) <= 80


_BOMS = (
    (b"\xef\xbb\xbf", "UTF-8 with a byte-order mark"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def encoding_problem(head: bytes) -> str | None:
    """Why the first bytes of a file are not plain UTF-8 JSON (``None``: they are).

    JSON exchanged between systems is UTF-8 without a byte-order mark (RFC 8259 section 8.1);
    Windows editors often save UTF-16 or add a mark. The file is refused with the way to fix
    it rather than guessed at: a guess could change a patient's data.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return f"the file is saved as {name}: save it as UTF-8 (without a byte-order mark) and retry"
    if b"\x00" in head[:4]:
        return "the file looks like UTF-16 or UTF-32 (NUL bytes): save it as UTF-8 and retry"
    return None


def read_bytes(path: Path, limit: int = -1) -> bytes:
    """The first ``limit`` bytes of a file (all: -1), refused (exit 2) when they are not plain
    UTF-8 JSON or the file cannot be read (missing, a folder, no permission)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit)
    except IsADirectoryError:
        fail(f"{path}: is a folder, not a file")
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except OSError as error:
        fail(f"{path}: cannot read ({error.strerror})")
    problem = encoding_problem(data[:4])
    if problem:
        fail(f"{path}: {problem}")
    return data


def read_text(path: Path) -> str:
    """The text of a UTF-8 file; exit 2 naming the file and the problem (missing, a folder,
    UTF-16, a byte-order mark, bytes that are not UTF-8)."""
    data = read_bytes(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        fail(f"{path}: byte {error.start} (line {line}) is not UTF-8: save the file as UTF-8 and retry")


def check_readable(path: Path) -> None:
    """Exit 2 unless ``path`` is a readable UTF-8 file (only its first bytes are read)."""
    read_bytes(path, 4)


def check_output(path: Path | None, option: str) -> None:
    """Exit 2 before any work when ``path`` cannot be written: its folder is missing, or it is a folder."""
    if path is None or str(path) == "-":
        return
    if path.is_dir():
        fail(f"{option}: {path} is a folder; name a file")
    folder = path.parent
    if not folder.is_dir():
        fail(f"{option}: the folder {folder} does not exist (create it first)")


def write_output(path: Path, text: str, option: str) -> None:
    """Write ``text`` to ``path`` (UTF-8); exit 2 with the reason when the system refuses."""
    check_output(path, option)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"{option}: cannot write {path} ({error.strerror})")


def read_json(path: Path) -> Any:
    """A JSON file's value; exit 2 naming the line and column of a syntax error."""
    return parse_json(path, read_text(path))


def load_patient_file(path: Path, as_of: dt.date) -> Patient:
    """Load and check one patient: alpha4's record or a FHIR R4 Bundle (it has ``resourceType``).

    Every problem is named (for FHIR: the resource and the element; for alpha4's record: the
    field as written in the file); exit 2 on any.
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

    alpha4's own record is validated with every problem named as the field is written in the file.
    A FHIR patient that cannot be read is named on stderr and the others are still returned; exit 2
    when none can be read.
    """
    text = read_text(path)
    data = parse_json(path, text)
    if not (isinstance(data, dict) and "resourceType" in data):
        patient = patient_record(path, text, data)
        if patient_id is not None and patient.id != patient_id:
            fail(f"{path}: no patient {patient_id!r}")
        return [Loaded(_checked(path, patient, as_of, data))]
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
        loaded.append(Loaded(_checked(path, p.imported.patient, as_of, None), p.imported.deceased))
    if not loaded:
        raise typer.Exit(EXIT_BAD_INPUT)
    return loaded


def _checked(path: Path, patient: Patient, as_of: dt.date, written: Any) -> Patient:
    """The patient, or exit 2 naming every problem (as written in the file for alpha4 records)."""
    from alpha4.domain.validation import check_patient

    problems = check_patient(patient, as_of)
    if problems:
        lines = [str(written_problem(p, written)) for p in problems]
        fail(f"{path}: cannot assess\n  " + "\n  ".join(lines))
    return patient


def patient_record(path: Path | str, text: str, data: Any) -> Patient:
    """The alpha4 patient record in ``text`` (``data``: its parsed JSON), validated; exit 2 naming
    each field as written in the file."""
    from alpha4.domain import load_patient

    if isinstance(data, dict) and "resourceType" in data:
        fail(
            f"{path}: this is a FHIR {data.get('resourceType')}, not an alpha4 record: use `alpha4 fhir ...`"
        )
    if not isinstance(data, dict):
        fail(f"{path}: expected one patient record (a JSON object), found {json_type(data)}")
    try:
        return load_patient(text)
    except ValidationError as error:
        fail(f"{path}: invalid patient record\n  " + "\n  ".join(validation_lines(error, data)))


def parse_json(path: Path | str, text: str) -> Any:
    """The file's JSON, read as every alpha4 path reads it (a key given twice or NaN is refused)."""
    from alpha4.domain.json_text import JsonRefused, strict_loads

    try:
        return strict_loads(text)
    except json.JSONDecodeError as error:
        fail(f"{path}: invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
    except JsonRefused as error:
        fail(f"{path}: invalid JSON: {error}")


def written_problem(problem: Any, data: Any) -> Any:
    """``problem`` (a :class:`~alpha4.domain.validation.Problem`) with its field as written in
    ``data`` (the raw record; ``None``: as it is)."""
    from alpha4.domain.locations import written_location

    if data is None:
        return problem
    return dataclasses.replace(problem, field=written_location(problem.field, data))


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def load_checklist_file(path: Path) -> PreInfusionChecklist:
    from alpha4.domain import PreInfusionChecklist

    data = read_json(path)
    if not isinstance(data, dict):
        fail(f"{path}: expected the checklist answers (a JSON object), found {json_type(data)}")
    try:
        return PreInfusionChecklist.model_validate(data)
    except ValidationError as error:
        fail(
            f"{path}: invalid checklist (see `alpha4 schema checklist`)\n  "
            + "\n  ".join(validation_lines(error))
        )


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
