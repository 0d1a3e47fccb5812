"""Reading the whole registry: every patient's current timeline, streamed in chunks.

Each chunk costs two queries (the next patients by key, then all their current records in
patient order), whatever the number of patients or records: never one query per patient.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import Select, Text, cast, func, select
from sqlalchemy.orm import Session

from alpha4.domain import Patient

from .engine import Database
from .errors import UnreadablePatient, validation_reason
from .timeline import PatientRow, TimelineRecordRow, assemble_patient_json

DEFAULT_CHUNK = 500
_T = TimelineRecordRow
R = TypeVar("R")


def count_patients(*, session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(PatientRow)).scalar_one())


def count_current_records(*, session: Session) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(_T)
            .where(_T.is_current.is_(True), _T.retraction_reason.is_(None))
        ).scalar_one()
    )


def _current_rows(pks: list[int], *, payload_text: bool = False) -> Select[Any]:
    """The current, not retracted records of the patients; ``payload_text``: the payload as its
    stored JSON text (``CAST(payload AS TEXT)``) instead of decoded into Python."""
    payload = cast(_T.payload, Text) if payload_text else _T.payload
    return (
        select(_T.patient_pk, _T.kind, payload)
        .where(_T.patient_pk.in_(pks), _T.is_current.is_(True), _T.retraction_reason.is_(None))
        .order_by(_T.patient_pk, _T.pk)
    )


def _next_keys(session: Session, after: Any, chunk_size: int, by_id: bool) -> list[Any]:
    key = PatientRow.patient_id if by_id else PatientRow.pk
    query = select(PatientRow.pk, PatientRow.patient_id).order_by(key).limit(chunk_size)
    if after is not None:
        query = query.where(key > after)
    return list(session.execute(query).all())


def iter_cohort_chunks(
    *, session: Session, chunk_size: int = DEFAULT_CHUNK, by_id: bool = False
) -> Iterator[list[Patient | UnreadablePatient]]:
    """Every patient of the registry, ``chunk_size`` at a time: in registry (insertion) order, or
    ordered by patient id with ``by_id``. Two queries per chunk.

    A stored timeline that no longer passes the domain's checks comes as an
    :class:`UnreadablePatient` naming why, in its place: one bad record never hides the others.
    """
    after: Any = None
    while True:
        keys = _next_keys(session, after, chunk_size, by_id)
        if not keys:
            return
        rows = session.execute(_current_rows([k.pk for k in keys], payload_text=True)).all()
        yield _assemble_chunk(keys, rows)
        after = keys[-1].patient_id if by_id else keys[-1].pk


def _assemble_chunk(keys: Sequence[Any], rows: Sequence[Any]) -> list[Patient | UnreadablePatient]:
    grouped = {pk: list(group) for pk, group in groupby(rows, key=itemgetter(0))}
    chunk: list[Patient | UnreadablePatient] = []
    for key in keys:
        try:
            chunk.append(
                assemble_patient_json((kind, payload) for _, kind, payload in grouped.get(key.pk, ()))
            )
        except (ValidationError, RecursionError) as error:
            chunk.append(UnreadablePatient(key.patient_id, validation_reason(error)))
    return chunk


_WORKER_DB: dict[str, Database] = {}


def _map_chunk(task: tuple[str, list[Any], Callable[[Patient | UnreadablePatient], Any]]) -> list[Any]:
    """In a worker process: read one chunk of patients (its own connection), apply the function."""
    url, keys, fn = task
    db = _WORKER_DB.get(url)
    if db is None:
        db = _WORKER_DB[url] = Database(url)
    with db.reading() as session:
        rows = session.execute(_current_rows([k.pk for k in keys], payload_text=True)).all()
    return [fn(item) for item in _assemble_chunk(keys, rows)]


def map_cohort(
    db: Database,
    fn: Callable[[Patient | UnreadablePatient], R],
    *,
    workers: int = 2,
    chunk_size: int = DEFAULT_CHUNK,
) -> Iterator[list[R]]:
    """``fn`` applied to every patient of the registry, one list per chunk, in registry order.

    Cohort work (assessing everyone) is CPU-bound Python: with ``workers`` > 1 the chunks are read,
    decoded and passed through ``fn`` in that many processes, each with its own connection, so
    both cores of a small server work. The parent reads only the patients' keys; results come back
    chunk by chunk (``fn`` should return something small, e.g. a summary row, not the Patient), so
    memory holds a few chunks, never the cohort. ``fn`` must be a module-level function (it is
    sent to the workers). With ``workers`` = 1 everything runs here, with the same answers.
    """
    url = db.url.render_as_string(hide_password=False)
    if db.is_sqlite and db.sqlite_path is None:
        workers = 1  # an in-memory database exists in this process only

    def tasks() -> Iterator[tuple[str, list[Any], Callable[[Patient | UnreadablePatient], R]]]:
        after: Any = None
        with db.reading() as session:
            while True:
                keys = [tuple(k) for k in _next_keys(session, after, chunk_size, False)]
                if not keys:
                    return
                yield url, [_Key(*k) for k in keys], fn
                after = keys[-1][0]

    if workers <= 1:
        with db.reading() as session:
            for _, keys, _fn in tasks():
                rows = session.execute(_current_rows([k.pk for k in keys], payload_text=True)).all()
                yield [fn(item) for item in _assemble_chunk(keys, rows)]
        return
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    )
    with context.Pool(workers) as pool:
        yield from pool.imap(_map_chunk, tasks(), chunksize=1)


class _Key:
    """A patient's registry key and id, as the chunk reader needs them (picklable, unlike a Row)."""

    __slots__ = ("patient_id", "pk")

    def __init__(self, pk: int, patient_id: str) -> None:
        self.pk, self.patient_id = pk, patient_id


def iter_patient_chunks(
    *, session: Session, chunk_size: int = DEFAULT_CHUNK, by_id: bool = False
) -> Iterator[list[Patient]]:
    """As :func:`iter_cohort_chunks`, for readers that need every patient (an export): an
    unreadable one raises :class:`UnreadablePatient`."""
    for chunk in iter_cohort_chunks(session=session, chunk_size=chunk_size, by_id=by_id):
        patients: list[Patient] = []
        for item in chunk:
            if isinstance(item, UnreadablePatient):
                raise item
            patients.append(item)
        yield patients


def iter_patients(
    *, session: Session, chunk_size: int = DEFAULT_CHUNK, by_id: bool = False
) -> Iterator[Patient]:
    for chunk in iter_patient_chunks(session=session, chunk_size=chunk_size, by_id=by_id):
        yield from chunk


def select_current_rows(
    *, session: Session, chunk_size: int = DEFAULT_CHUNK, payload_text: bool = False
) -> int:
    """The same rows :func:`iter_patient_chunks` reads, fetched plainly (the benchmark's baseline):
    payloads decoded into Python (default), or as their stored JSON text with ``payload_text``.

    Returns the number of rows read.
    """
    count, after = 0, None
    while True:
        keys = _next_keys(session, after, chunk_size, False)
        if not keys:
            return count
        count += len(session.execute(_current_rows([k.pk for k in keys], payload_text=payload_text)).all())
        after = keys[-1].pk
