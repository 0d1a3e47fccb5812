"""The clinical data checked against the audit log, and the chain's head anchored outside it.

:func:`verify_audit_chain` proves the log is unbroken; this module proves the data is what the log
says was written:

* every timeline row (every version, current or not) is explained by an audit entry: a
  ``record.create`` / ``record.correct`` / ``record.retract`` naming that version with the same
  payload (or the same retraction reason), or the ``patient.create`` that imported it, whose
  record count and SHA-256 over the whole patient must match the rows;
* for every record exactly its latest version is current (a current flag flipped by hand, with no
  new version, is reported), and no audited version is missing from the table;
* every patient row has its ``patient.create`` entry; every user's roles are the roles the latest
  ``user.create`` / ``user.set_roles`` entry gave them.

The anchor (:class:`Anchor`) is the head's sequence number and hash, kept outside the database
(printed, and written to a file by ``alpha4 db audit --anchor FILE``). A later check against it
detects entries deleted from the end of the log together with the head row, which a chain alone
cannot. ``docs/registry.md`` says what this detects and what it cannot.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from .audit import AuditEntry, audit_head
from .timeline import PatientRow, TimelineRecordRow, assemble_patient, patient_digest
from .users import UserRoleRow, UserRow


@dataclass(frozen=True, slots=True)
class DataProblem:
    """One piece of data the audit log does not account for."""

    entity: str
    reason: str

    def __str__(self) -> str:
        return f"{self.entity}: {self.reason}"


def _digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass
class _Audited:
    versions: dict[
        str, dict[int, tuple[str, str]]
    ]  # entity -> version -> ("payload", sha) | ("retracted", why)
    creations: dict[str, tuple[Any, int, str]]  # patient id -> (at, records, sha256)
    roles: dict[str, set[str]]  # username -> roles per the latest audited grant


def _read_audit(session: Session) -> _Audited:
    audited = _Audited(defaultdict(dict), {}, {})
    query = (
        select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.at, AuditEntry.after)
        .where(AuditEntry.entity.in_(("timeline_record", "patient", "user")))
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=5000)
    )
    for action, entity_id, at, after in session.execute(query):
        after = after if isinstance(after, dict) else {}
        if action in ("record.create", "record.correct") and "version" in after:
            audited.versions[entity_id][int(after["version"])] = ("payload", _digest(after.get("payload")))
        elif action == "record.retract" and "version" in after:
            audited.versions[entity_id][int(after["version"])] = ("retracted", str(after.get("retracted")))
        elif action == "patient.create":
            audited.creations[entity_id] = (at, int(after.get("records", -1)), str(after.get("sha256")))
        elif action in ("user.create", "user.set_roles") and isinstance(after.get("roles"), list):
            audited.roles[entity_id] = {str(r) for r in after["roles"]}
    return audited


def verify_data_against_audit(*, session: Session) -> list[DataProblem]:
    """Every timeline row, current flag, patient and role grant the audit log does not account for."""
    audited = _read_audit(session)
    problems: list[DataProblem] = []
    _T = TimelineRecordRow
    rows = session.execute(
        select(
            PatientRow.patient_id,
            _T.kind,
            _T.record_id,
            _T.version,
            _T.payload,
            _T.is_current,
            _T.retraction_reason,
            _T.recorded_at,
        )
        .join(PatientRow, PatientRow.pk == _T.patient_pk)
        .order_by(_T.pk)
        .execution_options(yield_per=5000)
    )
    by_entity: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    created: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for pid, kind, record_id, version, payload, is_current, retraction, recorded_at in rows:
        entity = f"{pid}/{kind}/{record_id}"
        by_entity[entity].append((version, is_current))
        expected = audited.versions.get(entity, {}).get(version)
        if expected is not None:
            what, value = expected
            if what == "payload" and (retraction is not None or _digest(payload) != value):
                problems.append(DataProblem(entity, f"version {version} differs from its audit entry"))
            elif what == "retracted" and retraction != value:
                problems.append(
                    DataProblem(entity, f"version {version}: retraction differs from its audit entry")
                )
            continue
        creation = audited.creations.get(pid)
        if version == 1 and creation is not None and recorded_at == creation[0]:
            created[pid].append((kind, payload))
            continue
        problems.append(DataProblem(entity, f"version {version} has no audit entry"))
    for entity, versions in by_entity.items():
        latest = max(v for v, _ in versions)
        wrong = [v for v, current in versions if current != (v == latest)]
        if wrong:
            problems.append(
                DataProblem(entity, f"current flag of version(s) {wrong} changed with no audit entry")
            )
        missing = set(audited.versions.get(entity, {})) - {v for v, _ in versions}
        if missing:
            problems.append(
                DataProblem(entity, f"audited version(s) {sorted(missing)} missing from the table")
            )
    problems += _check_creations(session, audited, created)
    problems += _check_roles(session, audited)
    return problems


def _check_creations(
    session: Session, audited: _Audited, created: dict[str, list[tuple[str, dict[str, Any]]]]
) -> list[DataProblem]:
    problems: list[DataProblem] = []
    for (pid,) in session.execute(select(PatientRow.patient_id)):
        if pid not in audited.creations:
            problems.append(DataProblem(pid, "patient has no patient.create audit entry"))
    for pid, (_, count, sha) in audited.creations.items():
        parts = created.get(pid, [])
        if not parts:
            continue  # no rows at all for an audited patient: reported as missing versions above, if any
        if len(parts) != count:
            problems.append(DataProblem(pid, f"imported with {count} records, {len(parts)} rows found"))
            continue
        try:
            digest = patient_digest(assemble_patient(parts))
        except ValidationError:
            problems.append(DataProblem(pid, "imported rows no longer form a valid patient: cannot compare"))
            continue
        if digest != sha:
            problems.append(DataProblem(pid, "imported rows differ from the import's audit entry (sha256)"))
    return problems


def _check_roles(session: Session, audited: _Audited) -> list[DataProblem]:
    current: dict[str, set[str]] = defaultdict(set)
    users = session.execute(select(UserRow.username)).scalars().all()
    for username, role in session.execute(
        select(UserRow.username, UserRoleRow.role).join(UserRoleRow, UserRoleRow.user_pk == UserRow.pk)
    ):
        current[username].add(role)
    problems: list[DataProblem] = []
    for username in users:
        granted = audited.roles.get(username)
        if granted is None:
            problems.append(DataProblem(f"user {username}", "no user.create audit entry"))
        elif current.get(username, set()) != granted:
            problems.append(
                DataProblem(
                    f"user {username}",
                    f"roles {sorted(current.get(username, set()))} differ from the audited {sorted(granted)}",
                )
            )
    return problems


# --- the anchor ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Anchor:
    """The chain's head as seen at one moment: keep it where the database's users cannot write."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq} {self.hash}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        parts = text.split()
        if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 64:
            raise ValueError("an anchor is '<sequence number> <64 hex digits>'")
        return cls(int(parts[0]), parts[1].lower())


def read_anchor(path: Path) -> Anchor | None:
    """The last anchor written to ``path`` (one per line); None if the file does not exist."""
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Anchor.parse(lines[-1]) if lines else None


def check_anchor(*, session: Session, anchor: Anchor) -> str | None:
    """None when the log still holds the anchored entry (and has not shrunk); else what is wrong."""
    seq, _ = audit_head(session=session)
    if seq < anchor.seq:
        return f"the log ends at entry {seq}, but the anchor names entry {anchor.seq}: entries were removed"
    found = session.execute(select(AuditEntry.hash).where(AuditEntry.seq == anchor.seq)).scalar_one_or_none()
    if found != anchor.hash:
        return f"entry {anchor.seq} no longer has the anchored hash: the log was rewritten"
    return None
