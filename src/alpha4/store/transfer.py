"""Import and export of patient records in the published JSON schema (``alpha4 schema patient``).

A file holds one patient (a JSON object), a JSON array of patients, or NDJSON (one patient per
line). Each bad record is reported with its file, line and field, and the rest go on; each good
one is written all-or-nothing (:func:`alpha4.store.timeline.put_patients`). Patients are matched
by their ``id``, so importing the same data again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError
from sqlalchemy.orm import Session

from alpha4.domain import Patient
from alpha4.domain.json_text import STRICT_DECODER
from alpha4.domain.validation import check_patient

from .cohort import iter_patients
from .engine import Database
from .errors import StoreError
from .timeline import PutOutcome, PutResult, put_patients

DEFAULT_BATCH = 200


@dataclass(frozen=True, slots=True)
class Incoming:
    """A patient read from a file, with where it starts."""

    source: str
    line: int
    patient: Patient


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that was not imported, with where and why."""

    source: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.field}: {self.message}"


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


@dataclass(frozen=True, slots=True)
class _Unparsable:
    """A top-level value that is not JSON alpha4 can read, and why."""

    message: str


# NaN/Infinity literals and duplicate keys are refused while parsing (the message can say what the
# text was); a number too long or nesting too deep is refused below.
_decoder = STRICT_DECODER


def _unparsable(error: ValueError | RecursionError) -> _Unparsable:
    if isinstance(error, json.JSONDecodeError):
        return _Unparsable(f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
    if isinstance(error, RecursionError):
        return _Unparsable("not readable: arrays or objects nested too deeply")
    return _Unparsable(f"not readable: {error}")


def decode_text(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is allowed) or UTF-16 with its byte-order mark.

    >>> decode_text(b"\\xef\\xbb\\xbf{}"), decode_text("{}".encode("utf-16"))
    ('{}', '{}')
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def _values(text: str) -> Iterator[tuple[int, Any] | tuple[int, _Unparsable]]:
    """(line, value) for each top-level JSON value: a single object, an array's items, or NDJSON.

    After a syntax error (reported at the line where the broken value starts) the reader resumes
    at the next line that starts a new record (``{`` first on the line), so one broken line does not
    hide the rest of an NDJSON file.
    """
    pos = _skip_space(text, 0)
    in_array = text.startswith("[", pos)
    if in_array:
        pos = _skip_space(text, pos + 1)
    while pos < len(text):
        if in_array and text[pos] == "]":
            return
        try:
            value, end = _decoder.raw_decode(text, pos)
        except (ValueError, RecursionError) as error:  # bad syntax, NaN, a 5,000-digit number, deep nesting
            yield _line_of(text, pos), _unparsable(error)
            nxt = text.find("\n{", pos)
            if nxt < 0:
                return
            pos = nxt + 1
            continue
        yield _line_of(text, pos), value
        pos = _skip_space(text, end)
        if in_array and pos < len(text) and text[pos] == ",":
            pos = _skip_space(text, pos + 1)


def read_patients(path: Path, *, not_after: dt.date) -> Iterator[Incoming | Rejected]:
    """Every record of ``path``, validated: an :class:`Incoming` patient or a :class:`Rejected` one.

    ``not_after`` is the import date: a record dated after it is refused (a future the registry
    cannot know), as are unknown units and malformed LOINC codes.
    """
    source = str(path)
    try:
        text = decode_text(path.read_bytes())
    except OSError as error:
        yield Rejected(source, 0, "(file)", f"cannot read: {error.strerror or error}")
        return
    except UnicodeDecodeError as error:
        yield Rejected(
            source,
            0,
            "(file)",
            f"not UTF-8 text (byte {error.start}): save the file as UTF-8 and import it again",
        )
        return
    for line, value in _values(text):
        if isinstance(value, _Unparsable):
            yield Rejected(source, line, "(json)", value.message)
            continue
        if not isinstance(value, dict):
            yield Rejected(
                source, line, "(record)", f"expected a patient object, found {type(value).__name__}"
            )
            continue
        try:
            patient = Patient.model_validate(value)
        except RecursionError:
            yield Rejected(source, line, "(record)", "not readable: nested too deeply")
            continue
        except ValidationError as error:
            pid = value.get("id", "?")
            for e in error.errors():
                where = ".".join(str(p) for p in e["loc"]) or "(record)"
                yield Rejected(source, line, where, f"{e['msg']} (patient {pid})")
            continue
        problems = check_patient(patient, not_after)
        if problems:
            for p in problems:
                yield Rejected(source, line, p.field, f"{p.message} (patient {patient.id})")
            continue
        yield Incoming(source, line, patient)


@dataclass
class ImportReport:
    """What an import did: counts per outcome and every rejected record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    records_added: int = 0
    records_corrected: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def rejected_patients(self) -> int:
        return len({(r.source, r.line) for r in self.rejected})

    def count(self, result: PutResult) -> None:
        if result.outcome is PutOutcome.CREATED:
            self.created += 1
        elif result.outcome is PutOutcome.UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1
        self.records_added += result.added
        self.records_corrected += result.corrected


def import_patients(
    db: Database,
    items: Iterable[Incoming | Rejected],
    *,
    actor: str,
    at: dt.datetime,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Write every incoming patient; each batch is one transaction with a savepoint per patient.

    A patient id seen twice in the input is imported once per batch in order (the later record
    wins by correction). ``progress`` is called with the number of records handled so far.
    """
    report = ImportReport()
    batch: list[Incoming] = []
    handled = 0

    def flush() -> None:
        nonlocal handled
        if not batch:
            return
        for group in _unique_id_groups(batch):
            with db.writing() as session:
                results = put_patients(
                    session=session, patients=[i.patient for i in group], actor=actor, at=at
                )
            for incoming, result in zip(group, results, strict=True):
                if isinstance(result, StoreError):
                    report.rejected.append(Rejected(incoming.source, incoming.line, "(patient)", str(result)))
                else:
                    report.count(result)
        handled += len(batch)
        batch.clear()
        if progress:
            progress(handled)

    for item in items:
        if isinstance(item, Rejected):
            report.rejected.append(item)
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            flush()
    flush()
    return report


def _unique_id_groups(batch: list[Incoming]) -> list[list[Incoming]]:
    """Split a batch so no group holds one patient id twice (each group sees the previous one's writes)."""
    groups: list[list[Incoming]] = [[]]
    ids: set[str] = set()
    for item in batch:
        if item.patient.id in ids:
            groups.append([])
            ids = set()
        groups[-1].append(item)
        ids.add(item.patient.id)
    return groups


def export_patients(*, session: Session, out: TextIO) -> int:
    """Write every patient's current timeline as NDJSON, ordered by patient id; returns the count.

    The output imports back into an empty registry as the same patients (and exports identically).
    """
    count = 0
    for patient in iter_patients(session=session, by_id=True):
        out.write(patient.model_dump_json())
        out.write("\n")
        count += 1
    return count
