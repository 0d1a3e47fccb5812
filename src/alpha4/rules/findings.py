"""What a rule returns: a finding with its code, severity, action, evidence and sources.

Rules decide; they do not store, notify or render. A finding carries everything a
clinician needs to see why it fired: the records it read, the intermediate values,
and the knowledge items (with their sources) it applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from alpha4.domain import Event, Medication
from alpha4.knowledge import Fact, Source

from .codes import CODES


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "critical": 2}[self.value]


class GateEffect(StrEnum):
    """What a finding does to today's infusion."""

    NONE = "none"
    HOLD = "hold"  # needs the prescriber's clearance
    STOP = "stop"  # discontinue; only the prescriber may override where the label allows


class EvidenceItem(BaseModel):
    """One record or derived value a rule read."""

    model_config = ConfigDict(frozen=True)

    record_type: str
    record_id: str | None = None
    date: dt.date | None = None
    value: str = ""
    source_ref: str | None = None


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    category: str
    title: str
    detail: str
    action: str
    evidence: tuple[EvidenceItem, ...] = ()
    facts: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    gate: GateEffect = GateEffect.NONE
    overridable: bool = False


def evidence(record: Event, value: str = "") -> EvidenceItem:
    """Evidence pointing at one timeline record."""
    return EvidenceItem(
        record_type=record.record_type,
        record_id=record.id,
        date=record.date,
        value=value,
        source_ref=record.source_ref,
    )


def medication_evidence(m: Medication) -> EvidenceItem:
    """Evidence for a medicine (its start date is the date shown)."""
    return EvidenceItem(
        record_type="Medication",
        record_id=m.id,
        date=m.start,
        value=f"{m.name} ({m.medicine_class.value})",
        source_ref=m.source_ref,
    )


def derived(name: str, value: object, on: dt.date | None = None) -> EvidenceItem:
    """Evidence for an intermediate value a rule computed (e.g. the infusion count)."""
    return EvidenceItem(record_type="derived", record_id=name, date=on, value=str(value))


def finding(
    code: str,
    detail: str,
    *,
    evidence: Iterable[EvidenceItem] = (),
    facts: Iterable[Fact[object]] = (),
    action: str | None = None,
    severity: Severity | None = None,
    gate: GateEffect | None = None,
    title: str | None = None,
) -> Finding:
    """Build a finding from its registered code (title, severity, action, gate defaults).

    >>> f = finding("PML_JCV_MISSING", "No anti-JCV antibody result is recorded.")
    >>> f.severity, f.gate
    (<Severity.WARNING: 'warning'>, <GateEffect.HOLD: 'hold'>)
    """
    spec = CODES[code]
    fact_list = list(facts)
    sources: list[str] = []
    for f in fact_list:
        for text in _source_lines(f):
            if text not in sources:
                sources.append(text)
    return Finding(
        code=code,
        severity=severity or Severity(spec.severity),
        category=spec.category,
        title=title or spec.title,
        detail=detail,
        action=action or spec.action,
        evidence=tuple(evidence),
        facts=tuple(f.key for f in fact_list),
        sources=tuple(sources),
        gate=gate or GateEffect(spec.gate),
        overridable=spec.overridable,
    )


_SOURCE_LINES: dict[str, tuple[tuple[Source, ...], tuple[str, ...]]] = {}


def _source_lines(fact: Fact[object]) -> tuple[str, ...]:
    """How each of a fact's sources is shown beside a finding: built once per fact, not per finding.

    Keyed by the fact's catalogue key and checked against the very sources tuple, so a fact built
    outside the catalogue under the same key never borrows another's lines.
    """
    cached = _SOURCE_LINES.get(fact.key)
    if cached is not None and cached[0] is fact.sources:
        return cached[1]
    lines = tuple(s.describe() + (f" <{s.url}>" if s.url else "") for s in fact.sources)
    _SOURCE_LINES[fact.key] = (fact.sources, lines)
    return lines
