"""Who a patient is, for finding them: name, birth date and MRN in one indexed row per patient.

The patient's identity lives in the ``patient`` record of the timeline (versioned like every
record); this table is a copy kept for search, rewritten with the patient's summary on every
write (:func:`write_identities`), so a search is one indexed query and never a load of every
timeline. Keys are case-folded copies, searched by prefix with a range a B-tree index answers
on SQLite and PostgreSQL alike (``key >= 'smi' AND key < 'smj'``; the ``LIKE`` beside it only
keeps exotic collations honest).

It is kept apart from ``patient_summary`` on purpose: the summary is de-identified (reports and
analysts read it), this table names the patient and is read only for identified users.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    and_,
    delete,
    insert,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from alpha4.domain import Patient

from .base import Base

BigId = BigInteger().with_variant(Integer(), "sqlite")
SEARCH_LIMIT = 20
"""Most matches a search box lists (it is for finding one patient, not browsing)."""


class PatientIdentityRow(Base):
    __tablename__ = "patient_identity"

    patient_pk: Mapped[int] = mapped_column(BigId, ForeignKey("patient.pk"), primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(128), nullable=False)
    family_name: Mapped[str | None] = mapped_column(String(200))
    given_name: Mapped[str | None] = mapped_column(String(200))
    mrn: Mapped[str | None] = mapped_column(String(64))
    birth_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    id_key: Mapped[str] = mapped_column(String(128), nullable=False)
    family_key: Mapped[str | None] = mapped_column(String(200))
    given_key: Mapped[str | None] = mapped_column(String(200))
    mrn_key: Mapped[str | None] = mapped_column(String(64))


_I = PatientIdentityRow
KEYS = ("id_key", "family_key", "given_key", "mrn_key")
for _key in KEYS:
    Index(f"ix_patient_identity_{_key}", getattr(_I, _key))


def fold(text: str | None) -> str | None:
    """The search form of a name or number: case-folded, inner spaces collapsed.

    >>> fold("  McDonald  Smith "), fold(None)
    ('mcdonald smith', None)
    """
    if text is None:
        return None
    folded = " ".join(text.split()).casefold()
    return folded or None


def identity_values(pk: int, patient: Patient) -> dict[str, Any]:
    return {
        "patient_pk": pk,
        "patient_id": patient.id,
        "family_name": patient.family_name,
        "given_name": patient.given_name,
        "mrn": patient.mrn,
        "birth_date": patient.birth_date,
        "id_key": fold(patient.id) or patient.id,
        "family_key": fold(patient.family_name),
        "given_key": fold(patient.given_name),
        "mrn_key": fold(patient.mrn),
    }


def write_identities(*, session: Session, patients: Iterable[tuple[int, Patient]]) -> None:
    """Replace the identity rows of the given ``(registry key, patient)`` pairs (two statements)."""
    rows = [identity_values(pk, p) for pk, p in patients]
    if not rows:
        return
    table = _I.__table__
    if not isinstance(table, Table):  # pragma: no cover - a declarative table is always a Table
        raise TypeError("patient_identity is not a table")
    conn = session.connection()
    conn.execute(delete(table).where(table.c.patient_pk.in_([r["patient_pk"] for r in rows])))
    conn.execute(insert(table), rows)


@dataclass(frozen=True, slots=True)
class Identity:
    """What the banner and a search result show about who the patient is."""

    patient_pk: int
    patient_id: str
    family_name: str | None
    given_name: str | None
    mrn: str | None
    birth_date: dt.date

    @property
    def display_name(self) -> str:
        """``FAMILY, Given`` as wristbands print it; the id when no name is recorded."""
        if self.family_name and self.given_name:
            return f"{self.family_name.upper()}, {self.given_name}"
        return (self.family_name or "").upper() or self.given_name or "(no name recorded)"


def _after(prefix: str) -> str:
    """The first string after every string that starts with ``prefix`` (for a range scan)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _starts(column: Any, prefix: str) -> Any:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return and_(column >= prefix, column < _after(prefix), column.like(escaped + "%", escape="\\"))


def search_clause(query: str) -> Any | None:
    """The WHERE clause of a search box's text (None: nothing to search).

    One word matches the start of the alpha4 id, the MRN, the family or the given name; two or
    more words match a family and a given name in either order ("smith jo", "jo smith",
    "smith, jo").
    """
    words = [w for w in (fold(part) for part in query.replace(",", " ").split()) if w]
    if not words:
        return None
    if len(words) == 1:
        (word,) = words
        return or_(*(_starts(getattr(_I, key), word) for key in KEYS))
    first, rest = words[0], " ".join(words[1:])
    return or_(
        and_(_starts(_I.family_key, first), _starts(_I.given_key, rest)),
        and_(_starts(_I.given_key, first), _starts(_I.family_key, words[-1])),
        _starts(_I.family_key, " ".join(words)),
    )


def _identity(row: Any) -> Identity:
    return Identity(row.patient_pk, row.patient_id, row.family_name, row.given_name, row.mrn, row.birth_date)


_COLUMNS = (_I.patient_pk, _I.patient_id, _I.family_name, _I.given_name, _I.mrn, _I.birth_date)


def search_identities(*, session: Session, query: str, limit: int = SEARCH_LIMIT) -> list[Identity]:
    """Patients whose id, MRN or name starts with the query's words, by name; one indexed query."""
    clause = search_clause(query)
    if clause is None:
        return []
    rows = session.execute(
        select(*_COLUMNS).where(clause).order_by(_I.family_key, _I.given_key, _I.id_key).limit(limit)
    )
    return [_identity(r) for r in rows]


def identities_of(*, session: Session, pks: Sequence[int]) -> dict[int, Identity]:
    """The identity of each given registry key (one query)."""
    if not pks:
        return {}
    rows = session.execute(select(*_COLUMNS).where(_I.patient_pk.in_(list(pks))))
    return {r.patient_pk: _identity(r) for r in rows}


def identity_by_id(*, session: Session, patient_id: str) -> Identity | None:
    row = session.execute(select(*_COLUMNS).where(_I.patient_id == patient_id)).first()
    return _identity(row) if row is not None else None
