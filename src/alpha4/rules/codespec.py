"""The shape of a registered finding code."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CodeSpec:
    title: str
    severity: str  # info | warning | critical
    category: str
    action: str
    gate: str = "none"  # none | hold | stop
    overridable: bool = False  # a stop the prescriber may override with a reason
