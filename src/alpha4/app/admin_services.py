"""What an admin does besides managing roles: reset a password, read and verify the audit log.

Kept apart from :mod:`alpha4.app.services` (the clinical day) because none of it touches a patient's
timeline; it works on the same registry and clock (a :class:`~alpha4.app.services.Clinic`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from alpha4.store import InvalidChange, verify_audit_chain
from alpha4.store.audit import AuditEntry, AuditFilter, audit_head, entry_with_hash, search_audit
from alpha4.store.users import set_password

from .services import Clinic

PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """The outcome of verifying the audit chain, for the admin's page."""

    intact: bool
    entries: int  # the head's sequence number: how many entries the chain holds
    head_hash: str
    problem: str | None = None  # the first break, or the anchor that does not match
    anchor_checked: bool = False


def reset_password(clinic: Clinic, username: str, password: str, *, actor: str) -> None:
    """An admin sets a new password for ``username``; every session and token of theirs ends.

    Admins change their own password with ``alpha4 user set-password`` or the same form on
    another admin's account: this form is for a colleague who forgot theirs.
    """
    if username == actor:
        raise InvalidChange("change your own password with `alpha4 user set-password`, or ask another admin")
    with clinic.db.writing() as session:
        set_password(session=session, username=username, password=password, actor=actor, at=clinic.clock())


def audit_entries(clinic: Clinic, where: AuditFilter) -> list[AuditEntry]:
    with clinic.db.reading() as session:
        entries = search_audit(session=session, where=where, limit=PAGE_SIZE)
        session.expunge_all()
        return entries


def verify_chain(clinic: Clinic, anchor: tuple[int, str] | None = None) -> ChainCheck:
    """Recompute every hash; with an ``anchor`` (a sequence number and hash written down earlier,
    outside the database) also check that entry still has that hash, which detects a rewritten tail."""
    with clinic.db.reading() as session:
        broken = verify_audit_chain(session=session)
        seq, head = audit_head(session=session)
        if broken is not None:
            return ChainCheck(False, seq, head, str(broken))
        if anchor is not None:
            at_seq, expected = anchor
            entry = entry_with_hash(session=session, seq=at_seq)
            if entry is None:
                return ChainCheck(
                    False, seq, head, f"the anchored entry {at_seq} is missing", anchor_checked=True
                )
            if entry.hash != expected:
                return ChainCheck(
                    False, seq, head, f"entry {at_seq} no longer has the anchored hash", anchor_checked=True
                )
        return ChainCheck(True, seq, head, anchor_checked=anchor is not None)


def day_bounds(
    since: dt.date | None, until: dt.date | None, zone: dt.tzinfo
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The clinic's calendar days ``since``..``until`` (inclusive) as UTC instants for the log's filter."""
    start = dt.datetime.combine(since, dt.time(), zone).astimezone(dt.UTC) if since else None
    end = (
        dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
        if until
        else None
    )
    return start, end
