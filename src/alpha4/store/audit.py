"""The append-only audit log: who changed what, when, with the state before and after.

Each entry's ``hash`` is SHA-256 over its canonical JSON and the previous entry's hash, so
changing, removing or reordering any entry breaks the chain from that entry on
(:func:`verify_audit_chain` names the first broken one). ``audit_head`` holds the last sequence
number and hash: every append updates it first, which serialises concurrent writers (a row lock
on PostgreSQL, the write lock on SQLite) so the chain never forks, and lets truncation of the
tail be detected. Database triggers refuse UPDATE and DELETE on ``audit_log``.

A hash chain proves tampering only by someone who did not also rewrite every later hash and the
head; copy the head hash (``alpha4 db audit``) somewhere else to anchor it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Integer, String, func, insert, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base, UtcDateTime

GENESIS_HASH = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    entity: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(400), nullable=False, index=True)
    before: Mapped[Any | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    after: Mapped[Any | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)


class AuditHead(Base):
    """The single row naming the chain's last entry."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


def entry_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    """SHA-256 of the entry's canonical JSON (sorted keys, no spaces) and the previous hash.

    >>> at = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    >>> entry_hash(seq=1, at=at, actor="nurse1", action="record.create", entity="timeline_record",
    ...            entity_id="P1/infusions/i1", before=None, after={"dose_mg": 300},
    ...            prev_hash=GENESIS_HASH)[:16]
    '07fc09dce17cf433'
    """
    canonical = json.dumps(
        {
            "seq": seq,
            "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": before,
            "after": after,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append_audit(
    *,
    session: Session,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    before: Any = None,
    after: Any = None,
) -> int:
    """Append one entry in the caller's transaction; returns its sequence number."""
    head = session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
    ).one()
    seq, prev_hash = int(head.seq), str(head.hash)
    at = at.astimezone(dt.UTC)
    digest = entry_hash(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=before,
        after=after,
        prev_hash=prev_hash,
    )
    session.execute(
        insert(AuditEntry).values(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=digest))
    return seq


@dataclass(frozen=True, slots=True)
class AuditBreak:
    """The first entry at which the chain does not hold, and why."""

    seq: int
    reason: str

    def __str__(self) -> str:
        return f"audit entry {self.seq}: {self.reason}"


def verify_audit_chain(*, session: Session, chunk_size: int = 5000) -> AuditBreak | None:
    """Recompute every hash in order; None when the whole chain holds, else the first break."""
    expected_seq, prev = 1, GENESIS_HASH
    result = session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=chunk_size)
    )
    try:
        for entry in result.scalars():
            problem = _entry_problem(entry, expected_seq, prev)
            if problem:
                return problem
            prev, expected_seq = entry.hash, expected_seq + 1
    finally:
        result.close()
    head = session.get(AuditHead, 1)
    if head is None:
        return AuditBreak(expected_seq, "the audit head row is missing")
    if head.seq != expected_seq - 1 or head.hash != prev:
        return AuditBreak(
            expected_seq, f"entries after {expected_seq - 1} are missing (head is at {head.seq})"
        )
    return None


def _entry_problem(entry: AuditEntry, expected_seq: int, prev: str) -> AuditBreak | None:
    if entry.seq != expected_seq:
        return AuditBreak(expected_seq, f"missing (next entry is {entry.seq})")
    if entry.prev_hash != prev:
        return AuditBreak(entry.seq, "prev_hash does not match the previous entry's hash")
    digest = entry_hash(
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        entity=entry.entity,
        entity_id=entry.entity_id,
        before=entry.before,
        after=entry.after,
        prev_hash=entry.prev_hash,
    )
    if digest != entry.hash:
        return AuditBreak(entry.seq, "content does not match its hash (changed after it was written)")
    return None


def audit_head(*, session: Session) -> tuple[int, str]:
    """The last sequence number and hash (write them down elsewhere to anchor the chain)."""
    head = session.get(AuditHead, 1)
    return (head.seq, head.hash) if head else (0, GENESIS_HASH)


def entries_for(*, session: Session, entity_id_prefix: str) -> list[AuditEntry]:
    """Audit entries whose entity id starts with ``entity_id_prefix`` (e.g. a patient id + '/')."""
    return list(
        session.execute(
            select(AuditEntry)
            .where(AuditEntry.entity_id.startswith(entity_id_prefix, autoescape=True))
            .order_by(AuditEntry.seq)
        ).scalars()
    )


def patient_of_entry(entity: str, entity_id: str) -> str | None:
    """The patient an audit entry is about (None: not about one patient's timeline).

    >>> patient_of_entry("timeline_record", "P/1/labs/lab-3"), patient_of_entry("user", "nurse1")
    ('P/1', None)
    """
    if entity == "patient":
        return entity_id
    if entity == "checklist":
        head, sep, _ = entity_id.rpartition("/checklist/")
        return head if sep else None
    if entity == "timeline_record":
        from .timeline import KINDS  # the timeline module writes through this one: import it late

        cuts = [i for k in KINDS if (i := entity_id.find(f"/{k}/")) > 0]
        return entity_id[: min(cuts)] if cuts else None
    return None


def patients_changed_since(*, session: Session, seq: int) -> set[str]:
    """Patients named by audit entries after ``seq`` (one query over the log's tail)."""
    rows = session.execute(select(AuditEntry.entity, AuditEntry.entity_id).where(AuditEntry.seq > seq))
    return {pid for entity, entity_id in rows if (pid := patient_of_entry(entity, entity_id)) is not None}


def last_sign_ins(*, session: Session, usernames: Iterable[str]) -> dict[str, dt.datetime]:
    """Each user's last successful sign-in (from the audit log; users never signed in are absent).

    One query, read through the ``entity_id`` index: a user's entries are the few whose entity id
    is the user name (created, signed in, roles changed), never the patients' records.
    """
    names = list(usernames)
    if not names:
        return {}
    rows = session.execute(
        select(AuditEntry.entity_id, func.max(AuditEntry.at))
        .where(
            AuditEntry.entity_id.in_(names),
            AuditEntry.entity == "user",
            AuditEntry.action == "session.sign_in",
        )
        .group_by(AuditEntry.entity_id)
    )
    return {name: at for name, at in rows if at is not None}


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What an admin looks for in the log; every field optional, all of them must hold."""

    actor: str | None = None
    patient_id: str | None = None
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # exclusive
    before_seq: int | None = None  # the next page: entries older than this one


def search_audit(*, session: Session, where: AuditFilter, limit: int = 100) -> list[AuditEntry]:
    """Audit entries newest first, at most ``limit`` (page on with ``before_seq`` = the last seq shown).

    A patient's entries are those :func:`patient_of_entry` attributes to them: the patient row
    (``P``) and every record or checklist under it (``P/...``), read through the ``entity_id`` index.
    """
    query = select(AuditEntry)
    if where.actor:
        query = query.where(AuditEntry.actor == where.actor)
    if where.patient_id:
        query = query.where(
            or_(
                AuditEntry.entity_id == where.patient_id,
                AuditEntry.entity_id.startswith(f"{where.patient_id}/", autoescape=True),
            )
        )
    if where.since:
        query = query.where(AuditEntry.at >= where.since)
    if where.until:
        query = query.where(AuditEntry.at < where.until)
    if where.before_seq:
        query = query.where(AuditEntry.seq < where.before_seq)
    return list(session.execute(query.order_by(AuditEntry.seq.desc()).limit(limit)).scalars())


def entry_with_hash(*, session: Session, seq: int) -> AuditEntry | None:
    """One entry by its sequence number (to check an anchor written down earlier)."""
    return session.get(AuditEntry, seq)
