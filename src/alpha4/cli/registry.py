"""Commands on the registry: db upgrade/current/audit, import, export, worklist, patient, backup, restore.

``patient correct`` writes one corrected record as a new version (optimistic locking: the version
read is named, a conflict is exit code 1); an invalid record is exit code 2, naming the field.

The database is ``ALPHA4_DATABASE_URL`` (default: a SQLite file in the user's data directory);
the actor every change is recorded under is ``--actor``, else ``ALPHA4_ACTOR``, else the OS user.
Store errors (database unreachable, old schema, a conflict) are one line on stderr, exit code 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, NoReturn, TextIO, cast

import typer
from pydantic import BaseModel, ValidationError
from rich.markup import escape
from rich.progress import Progress, TaskID
from rich.table import Table
from sqlalchemy.exc import DBAPIError

from alpha4.domain import Infusion, Patient
from alpha4.knowledge import Profile, get_profile
from alpha4.rules import Assessment, assess
from alpha4.rules.worklist import UrgencyKey, WorklistRow, rows_from_entries, worklist_entry
from alpha4.settings import load_settings
from alpha4.store import (
    KINDS,
    ConflictError,
    Database,
    InvalidChange,
    NotFound,
    StoreError,
    UnreadablePatient,
    audit_head,
    correct_demographics,
    correct_record,
    count_patients,
    current_revision,
    head_revision,
    iter_cohort_chunks,
    load_current_records,
    load_patient,
    record_history,
    require_current,
    retract_record,
    upgrade,
    verify_audit_chain,
)
from alpha4.store.audit import entries_for
from alpha4.store.backup import backup as backup_registry
from alpha4.store.backup import restore as restore_registry
from alpha4.store.cohort import map_cohort
from alpha4.store.errors import InvalidRecord
from alpha4.store.timeline import KIND_PATIENT, demographic_problems, record_model
from alpha4.store.transfer import Rejected, export_patients, import_patients, read_patients
from alpha4.store.users import Role, user_roles

from .common import (
    ProfileName,
    check_output,
    check_readable,
    err,
    fail,
    out,
    parse_date,
    print_json,
    read_text,
    validation_lines,
)
from .core import print_worklist, worklist_json
from .patient_view import print_patient
from .progress import progress_bar

EXIT_STORE = 1

db_app = typer.Typer(
    help="The registry database: schema migrations and the audit chain.", no_args_is_help=True
)
patient_app = typer.Typer(
    help="One patient of the registry: show, history, correct, retract.", no_args_is_help=True
)

ActorOption = Annotated[
    str | None, typer.Option("--actor", help="Who makes the change (default: $ALPHA4_ACTOR or the OS user)")
]


class ListFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"


class ShowFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"


def store_fail(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_STORE)


@contextmanager
def store_errors(db: Database | None = None) -> Iterator[None]:
    """Turn registry errors into one clear line (the URL never shows its password)."""
    try:
        yield
    except StoreError as error:
        store_fail(str(error))
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        where = f" at {db.shown_url}" if db else ""
        store_fail(f"database error{where}: {reason}")


@contextmanager
def registry(*, check_schema: bool = True, url: str | None = None) -> Iterator[Database]:
    """The configured registry (or the database at ``url``), reachable and (unless told
    otherwise) at this alpha4's schema; its connections are closed when the block ends."""
    with store_errors():
        db = Database(url or load_settings().database_url)
    try:
        with store_errors(db):
            db.check_reachable()
            if check_schema:
                require_current(db)
        yield db
    finally:
        db.dispose()


def actor_of(option: str | None) -> str:
    return option.strip() if option and option.strip() else load_settings().actor


def now() -> dt.datetime:
    """The instant recorded for a change: read here, at the edge, never inside the store."""
    return dt.datetime.now(dt.UTC)


class CountingWriter(io.TextIOBase):
    """A text stream that moves a progress bar one step per line written (one patient per line)."""

    def __init__(self, target: TextIO, progress: Progress, task: TaskID) -> None:
        self._target, self._progress, self._task = target, progress, task

    def write(self, text: str) -> int:
        written = self._target.write(text)
        if text.endswith("\n"):
            self._progress.advance(self._task, text.count("\n"))
        return written


def assess_registry(
    db: Database,
    day: dt.date,
    profile: Profile,
    *,
    each_chunk: Callable[[Sequence[Patient]], None] | None = None,
) -> list[Assessment]:
    """Load the whole cohort chunk by chunk (two queries a chunk) and assess every patient.

    ``each_chunk`` sees every loaded chunk too (e.g. to build the cohort response summary).
    """
    assessments: list[Assessment] = []
    with store_errors(db), db.reading() as session:
        total = count_patients(session=session)
        with progress_bar() as progress:
            task = progress.add_task("assessing", total=total)
            for items in iter_cohort_chunks(session=session):
                chunk = [p for p in items if isinstance(p, Patient)]
                for unreadable in (u for u in items if isinstance(u, UnreadablePatient)):
                    err.print(
                        f"[yellow]skipped:[/] {escape(str(unreadable))}", highlight=False, soft_wrap=True
                    )
                assessments.extend(assess(p, day, profile) for p in chunk)
                if each_chunk is not None:
                    each_chunk(chunk)
                progress.advance(task, len(items))
    return assessments


SMALL_REGISTRY = 2_000  # below this, forking worker processes costs more than it saves


def _worklist_item(
    day: dt.date, profile_name: str, item: Patient | UnreadablePatient
) -> tuple[UrgencyKey, WorklistRow] | str:
    """In a worker: one patient's worklist entry, or the text saying why it could not be read."""
    if isinstance(item, UnreadablePatient):
        return str(item)
    return worklist_entry(assess(item, day, get_profile(profile_name)))


def registry_worklist(
    db: Database, day: dt.date, profile: Profile, *, workers: int | None = None
) -> list[WorklistRow]:
    """The registry's worklist, streamed: each chunk is read, assessed and reduced to its rows.

    Memory holds the rows (small), never the assessments; on a registry of more than
    :data:`SMALL_REGISTRY` patients the chunks go through ``workers`` processes (default: the
    machine's CPUs, at most 4), one connection each (:func:`alpha4.store.cohort.map_cohort`).
    """
    entries: list[tuple[UrgencyKey, WorklistRow]] = []
    with store_errors(db):
        with db.reading() as session:
            total = count_patients(session=session)
        if workers is None:
            workers = 1 if total < SMALL_REGISTRY else min(4, os.cpu_count() or 1)
        with progress_bar() as progress:
            task = progress.add_task("assessing", total=total)
            for chunk in map_cohort(db, partial(_worklist_item, day, profile.name), workers=workers):
                for result in chunk:
                    if isinstance(result, str):
                        err.print(f"[yellow]skipped:[/] {escape(result)}", highlight=False, soft_wrap=True)
                    else:
                        entries.append(result)
                progress.advance(task, len(chunk))
    return rows_from_entries(entries)


def worklist_csv(rows: list[WorklistRow]) -> str:
    """One line per work item (a patient with three items has three lines), most urgent first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["patient_id", "gate", "next_infusion", "code", "item", "status", "due", "severity", "title"]
    )
    for r in rows:
        for i in r.items:
            writer.writerow(
                [
                    r.patient_id,
                    r.gate,
                    r.next_infusion or "",
                    i.code or "",
                    i.item or "",
                    i.status,
                    i.due or "",
                    i.severity or "",
                    i.title,
                ]
            )
    return buffer.getvalue()


def emit_worklist(rows: list[WorklistRow], format: ListFormat, limit: int | None) -> None:
    if format is ListFormat.JSON:
        print_json([worklist_json(r) for r in rows])
    elif format is ListFormat.CSV:
        typer.echo(worklist_csv(rows), nl=False)
    else:
        shown = rows if limit is None else rows[:limit]
        print_worklist(shown)
        if len(rows) > len(shown):
            out.print(f"[dim]... {len(rows) - len(shown)} more rows (--limit)[/]")


KindOption = Annotated[str, typer.Option("--kind", help=f"One of: {', '.join(KINDS)}")]
RecordOption = Annotated[str, typer.Option("--record", metavar="RECORD_ID", help="The record's id")]


def read_record(kind: str, record_id: str, source: str) -> BaseModel:
    """The corrected record from a JSON file (``-``: standard input), validated; exit 2 naming the
    field on any problem. A missing ``id`` is the record's; another id is refused."""
    try:
        model = record_model(kind)
    except InvalidChange as error:
        fail(f"--kind: {error}")
    text = sys.stdin.read() if source == "-" else read_text(Path(source))
    where = "standard input" if source == "-" else source
    try:
        data = json.loads(text)
    except ValueError as error:
        fail(f"{where}: not valid JSON: {error}")
    if not isinstance(data, dict):
        fail(f"{where}: expected one {kind} record (a JSON object), found {type(data).__name__}")
    data.setdefault("id", record_id)
    if data["id"] != record_id:
        fail(f"{where}: id: {data['id']!r} is not the record being corrected ({record_id!r})")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fail(f"{where}: invalid {kind} record\n  " + "\n  ".join(validation_lines(error)))


_DOTTED_INDEX = re.compile(r"\.(\d+)(?=\.|$)")


def describe_rejection(rejected: Rejected) -> str:
    """One rejected record for a person: where (file, line, patient), the field in the file's own
    notation (``infusions[0].doze``) and what to do."""
    field = _DOTTED_INDEX.sub(r"[\1]", rejected.field)
    message = rejected.message.replace("(patient ?)", "(a record without an id)")
    if message.startswith("Extra inputs are not permitted"):
        message = message.replace(
            "Extra inputs are not permitted",
            "not a field of the patient record (misspelt? see `alpha4 schema patient`)",
            1,
        )
    return f"{rejected.source}:{rejected.line}: {field}: {message}"


def check_import_file(path: Path) -> None:
    """Exit 2 unless ``path`` is a readable UTF-8 file of alpha4 records: a FHIR resource is named
    (only the first JSON value is parsed, so a large NDJSON file is not read twice)."""
    check_readable(path)
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        head = handle.read(1 << 16)
    start = head.lstrip()
    if not start.startswith("{"):
        return
    try:
        first, _ = json.JSONDecoder().raw_decode(start)
    except ValueError:
        first = None
        if '"resourceType"' not in start[:4096]:
            return
        try:  # a single object larger than the sniffed head
            first = json.loads(read_text(path))
        except ValueError:
            return
    if isinstance(first, dict) and "resourceType" in first:
        kind = first.get("resourceType")
        fail(f"{path}: this is a FHIR {kind}, not alpha4 records: use `alpha4 fhir import {path}`")


def read_demographic_changes(source: str) -> dict[str, object]:
    """The demographic fields to change, as a JSON object from a file (``-``: standard input)."""
    text = sys.stdin.read() if source == "-" else read_text(Path(source))
    where = "standard input" if source == "-" else source
    try:
        data = json.loads(text)
    except ValueError as error:
        fail(f"{where}: not valid JSON: {error}")
    if not isinstance(data, dict) or not data:
        fail(
            f'{where}: expected the demographic fields to change, as a JSON object (e.g. {{"birth_date": ...}})'
        )
    return data


def register(app: typer.Typer) -> None:
    """Attach the registry commands to ``app``."""
    app.add_typer(db_app, name="db")
    app.add_typer(patient_app, name="patient")

    @app.command("import")
    def import_command(
        files: Annotated[
            list[Path], typer.Argument(help="Patient JSON, a JSON array, or NDJSON", metavar="FILE...")
        ],
        actor: ActorOption = None,
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="Refuse records dated after this day (default today)")
        ] = None,
        batch_size: Annotated[
            int, typer.Option("--batch-size", min=1, help="Patients per transaction (each patient is atomic)")
        ] = 200,
    ) -> None:
        """Import patient records; each patient all-or-nothing, bad records reported, the rest go on.

        A file that cannot be read (missing, UTF-16, a byte-order mark) or is a FHIR Bundle (use
        `alpha4 fhir import`) stops the import before anything is written: exit code 2. Rejected
        records are listed with the patient and the field; the exit code is then 1.
        """
        day = parse_date(as_of, "--as-of")
        for path in files:
            check_import_file(path)
        who, at = actor_of(actor), now()
        with registry() as db:
            with progress_bar() as progress, store_errors(db):
                task = progress.add_task("importing", total=None)
                items = (item for path in files for item in read_patients(path, not_after=day))
                report = import_patients(
                    db,
                    items,
                    actor=who,
                    at=at,
                    batch_size=batch_size,
                    progress=lambda n: progress.update(task, completed=n),
                )
            for rejected in report.rejected:
                err.print(
                    f"[red]rejected[/] {escape(describe_rejection(rejected))}",
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
                raise typer.Exit(EXIT_STORE)

    @app.command("export")
    def export_command(
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="NDJSON file to write (default: standard output)"),
        ] = None,
    ) -> None:
        """Write every patient's current timeline as NDJSON (the import format), ordered by patient id."""
        check_output(output, "--output")
        with registry() as db:
            with store_errors(db), db.reading() as session, progress_bar() as progress:
                task = progress.add_task("exporting", total=count_patients(session=session))
                if output is None:
                    count = export_patients(
                        session=session, out=cast(TextIO, CountingWriter(sys.stdout, progress, task))
                    )
                else:
                    try:
                        handle = output.open("w", encoding="utf-8")
                    except OSError as error:
                        fail(f"--output: cannot write {output} ({error.strerror})")
                    with handle:
                        count = export_patients(
                            session=session, out=cast(TextIO, CountingWriter(handle, progress, task))
                        )
            err.print(f"exported {count} patients", highlight=False)

    @app.command("worklist")
    def worklist_command(
        as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default today)")] = None,
        profile: Annotated[
            ProfileName, typer.Option("--profile", help="Label profile: us (FDA label) or eu (EMA SmPC)")
        ] = ProfileName.US,
        format: Annotated[
            ListFormat, typer.Option("--format", help="text, json or csv (one line per item)")
        ] = ListFormat.TEXT,
        limit: Annotated[int | None, typer.Option("--limit", min=1, help="Rows to print (text)")] = None,
    ) -> None:
        """What is due, overdue or alarming across the registry, most urgent first."""
        day = parse_date(as_of, "--as-of")
        with registry() as db:
            rows = registry_worklist(db, day, get_profile(profile.value))
            emit_worklist(rows, format, limit)

    @app.command("backup")
    def backup_command(path: Annotated[Path, typer.Argument(help="New file to write")]) -> None:
        """A consistent online copy of the registry (SQLite); pg_dump custom format on PostgreSQL."""
        with registry() as db:
            with store_errors(db):
                backup_registry(db, path)
            out.print(f"backed up {db.shown_url} to {path}", highlight=False)

    @app.command("restore")
    def restore_command(
        path: Annotated[Path, typer.Argument(help="A file written by `alpha4 backup`")],
        yes: Annotated[bool, typer.Option("--yes", help="Replace a registry that holds patients")] = False,
    ) -> None:
        """Replace the registry with a backup (checked first: integrity, schema, audit chain)."""
        if not path.is_file():
            fail(f"{path}: no such backup file")
        with registry(check_schema=False) as db:
            with store_errors(db):
                if current_revision(db) is not None and not yes:
                    with db.reading() as session:
                        if count_patients(session=session):
                            store_fail(f"{db.shown_url} holds patients: pass --yes to replace it with {path}")
                restore_registry(db, path)
                require_current(db)
            out.print(f"restored {db.shown_url} from {path}", highlight=False)

    @db_app.command("upgrade")
    def db_upgrade() -> None:
        """Create or migrate the registry schema to this alpha4's version."""
        with registry(check_schema=False) as db:
            with store_errors(db):
                before, after = upgrade(db)
            out.print(f"{db.shown_url}: schema {before or '(empty)'} -> {after}", highlight=False)

    @db_app.command("current")
    def db_current() -> None:
        """The registry's schema version and the one this alpha4 needs."""
        with registry(check_schema=False) as db:
            with store_errors(db):
                current, head = current_revision(db), head_revision()
            state = "up to date" if current == head else "run `alpha4 db upgrade`"
            out.print(
                f"{db.shown_url}: schema {current or '(empty)'}, alpha4 needs {head}: {state}",
                highlight=False,
            )

    @db_app.command("audit")
    def db_audit(
        anchor: Annotated[
            Path | None,
            typer.Option(
                "--anchor",
                help="A file outside the database: the head is checked against the last anchor in it, "
                "then appended to it",
                metavar="FILE",
            ),
        ] = None,
    ) -> None:
        """Verify the audit log's hash chain and the clinical data against it; print the head to keep elsewhere."""
        from alpha4.store.audit_data import Anchor, check_anchor, read_anchor, verify_data_against_audit

        with registry() as db:
            try:
                previous = read_anchor(anchor) if anchor else None
            except (OSError, ValueError) as error:
                store_fail(f"cannot read the anchor {anchor}: {error}")
            with store_errors(db), db.reading() as session:
                broken = verify_audit_chain(session=session)
                seq, digest = audit_head(session=session)
                problems = [] if broken else verify_data_against_audit(session=session)
                moved = check_anchor(session=session, anchor=previous) if previous and not broken else None
            if broken:
                store_fail(f"audit chain broken: {broken}")
            for problem in problems[:50]:
                err.print(
                    f"[red]not in the audit log:[/] {escape(str(problem))}", highlight=False, soft_wrap=True
                )
            if problems:
                store_fail(f"{len(problems)} piece(s) of data the audit log does not account for")
            if moved:
                store_fail(f"audit log does not match the anchor ({previous}): {moved}")
            out.print(f"audit chain intact: {seq} entries, head {digest}", highlight=False)
            out.print("clinical data and role grants match the audit log", highlight=False)
            if anchor:
                try:
                    with anchor.open("a", encoding="utf-8") as f:
                        f.write(f"{Anchor(seq, digest)}\n")
                except OSError as error:
                    store_fail(f"cannot write the anchor {anchor}: {error.strerror}")
                out.print(f"anchor {seq} {digest} appended to {anchor}", highlight=False)

    @patient_app.command("show")
    def patient_show(
        patient_id: Annotated[str, typer.Argument(metavar="ID", help="The patient's id in the registry")],
        format: Annotated[
            ShowFormat, typer.Option("--format", help="text (for people) or json (for scripts)")
        ] = ShowFormat.TEXT,
    ) -> None:
        """A patient's chart: demographics, then each kind of record as a table (labs by name with
        unit and range, infusions); JSON: the patient record in the published schema."""
        with registry() as db:
            with store_errors(db), db.reading() as session:
                patient = load_patient(session=session, patient_id=patient_id)
                if patient is None:
                    store_fail(f"no patient {patient_id!r} in the registry")
                records = load_current_records(session=session, patient_id=patient_id)
            if format is ShowFormat.JSON:
                typer.echo(patient.to_json())
                return
            print_patient(patient, records, dt.date.today())

    @patient_app.command("retract")
    def patient_retract(
        patient_id: Annotated[str, typer.Argument(metavar="ID", help="The patient's id in the registry")],
        kind: Annotated[str, typer.Option("--kind", help=f"One of: {', '.join(KINDS[1:])}")],
        record_id: RecordOption,
        expected_version: Annotated[
            int, typer.Option("--expected-version", min=1, help="The version you read (`patient history`)")
        ],
        reason: Annotated[str, typer.Option("--reason", help="Why the record is withdrawn (kept for ever)")],
        actor: ActorOption = None,
    ) -> None:
        """Retract a record (the registry never deletes): a new version with the reason.

        Exit code 1 when someone changed the record since the version you read.
        """
        if not reason.strip():
            fail("--reason: say why the record is retracted")
        who, at = actor_of(actor), now()
        with registry() as db:
            with store_errors(db), db.writing() as session:
                new = retract_record(
                    session=session,
                    patient_id=patient_id,
                    kind=kind,
                    record_id=record_id,
                    reason=reason.strip(),
                    expected_version=expected_version,
                    actor=who,
                    at=at,
                )
            out.print(f"{patient_id}/{kind}/{record_id}: retracted as version {new}", highlight=False)

    @patient_app.command("correct")
    def patient_correct(
        patient_id: Annotated[str, typer.Argument(metavar="ID", help="The patient's id in the registry")],
        kind: KindOption,
        record_id: RecordOption,
        expected_version: Annotated[
            int, typer.Option("--expected-version", min=1, help="The version you read (`patient history`)")
        ],
        reason: Annotated[str, typer.Option("--reason", help="Why the record is corrected (kept for ever)")],
        json_source: Annotated[
            str,
            typer.Option(
                "--json", metavar="FILE_OR_-", help="The corrected record as JSON (-: standard input)"
            ),
        ],
        actor: ActorOption = None,
    ) -> None:
        """Correct one record: a new version (the old one stays in its history), with the reason.

        ``--kind patient --record ID`` corrects the demographics (birth date, sex, indication, ...):
        the JSON holds only the fields that change, e.g. ``{"birth_date": "1979-03-02"}``.

        Exit code 1 when someone changed the record since the version you read; 2 when the record is not valid (the field is named).
        """
        if not reason.strip():
            fail("--reason: say why the record is corrected")
        demographics = kind == KIND_PATIENT
        if demographics and record_id != patient_id:
            fail(f"--record: the demographics record is the patient itself (--record {patient_id})")
        changes = read_demographic_changes(json_source) if demographics else {}
        record = None if demographics else read_record(kind, record_id, json_source)
        who, at, day = actor_of(actor), now(), dt.date.today()
        entity = f"{patient_id}/{kind}/{record_id}"
        with registry() as db, store_errors(db):
            try:
                with db.writing() as session:
                    if record is None:
                        new = correct_demographics(
                            session=session,
                            patient_id=patient_id,
                            changes=changes,
                            expected_version=expected_version,
                            actor=who,
                            at=at,
                            reason=reason.strip(),
                        )
                    else:
                        try:
                            new = correct_record(
                                session=session,
                                patient_id=patient_id,
                                record=record,
                                expected_version=expected_version,
                                actor=who,
                                at=at,
                                today=day,
                                prescriber=Role.PRESCRIBER in user_roles(session=session, username=who),
                                reason=reason.strip(),
                            )
                        except InvalidRecord as error:
                            moved = isinstance(record, Infusion) and any(
                                p.field == "date" for p in error.problems
                            )
                            raise InvalidChange(
                                f"{error} (--actor names the prescriber)" if moved else str(error)
                            ) from None
                    patient = load_patient(session=session, patient_id=patient_id)
                    problems = (
                        [str(p) for p in demographic_problems(patient, day)]
                        if record is None and patient
                        else []
                    )
                    if problems:
                        raise InvalidChange(f"{entity}: " + "; ".join(problems))
            except ConflictError as error:
                store_fail(
                    f"not corrected: {entity} was changed by someone else since you read it ({error}); "
                    f"see `alpha4 patient history {patient_id} --kind {kind} --record {record_id}` and retry"
                )
            except InvalidChange as error:
                fail(f"not corrected: {escape(str(error))}")
        if new == expected_version:
            out.print(f"{entity}: unchanged (same as version {new})", highlight=False)
        else:
            out.print(f"{entity}: corrected as version {new}", highlight=False)

    @patient_app.command("history")
    def patient_history(
        patient_id: Annotated[str, typer.Argument(metavar="ID", help="The patient's id in the registry")],
        kind: Annotated[str, typer.Option("--kind", help=f"One of: {', '.join(KINDS)}")],
        record_id: RecordOption,
        format: Annotated[
            ShowFormat, typer.Option("--format", help="text (for people) or json (for scripts)")
        ] = ShowFormat.TEXT,
    ) -> None:
        """Every version of one record, oldest first, with who wrote it, when and why."""
        if kind not in KINDS:
            fail(f"--kind: {kind!r} is not a kind of record (one of: {', '.join(KINDS)})")
        entity = f"{patient_id}/{kind}/{record_id}"
        with registry() as db, store_errors(db), db.reading() as session:
            versions = record_history(session=session, patient_id=patient_id, kind=kind, record_id=record_id)
            reasons: dict[int, str] = {}
            for e in entries_for(session=session, entity_id_prefix=entity):
                if e.entity_id == entity and isinstance(e.after, dict):
                    why, version = e.after.get("reason") or e.after.get("retracted"), e.after.get("version")
                    if isinstance(why, str) and isinstance(version, int):
                        reasons[version] = why
        if not versions:
            store_fail(str(NotFound(f"patient {patient_id} has no {kind} record {record_id!r}")))
        if format is ShowFormat.JSON:
            print_json(
                [
                    {
                        "version": v.version,
                        "current": v.is_current,
                        "retracted": v.retracted,
                        "recorded_at": v.recorded_at.isoformat(timespec="seconds"),
                        "recorded_by": v.recorded_by,
                        "reason": reasons.get(v.version),
                        "payload": v.payload,
                    }
                    for v in versions
                ]
            )
            return
        table = Table("version", "recorded", "by", "state", "reason", "content", title=escape(entity))
        for v in versions:
            state = "retracted" if v.retracted else ("current" if v.is_current else "superseded")
            content = json.dumps({k: x for k, x in v.payload.items() if k != "id"}, ensure_ascii=False)
            table.add_row(
                str(v.version),
                v.recorded_at.strftime("%Y-%m-%d %H:%M"),
                escape(v.recorded_by),
                state,
                escape(reasons.get(v.version, "")),
                escape(content if len(content) <= 70 else content[:67] + "..."),
            )
        out.print(table)


commands = typer.Typer(add_completion=False)
register(commands)
