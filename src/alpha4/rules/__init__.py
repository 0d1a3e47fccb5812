"""Pure rules: a patient timeline and an ``as_of`` date in, findings out."""

from .assess import Assessment, assess
from .findings import EvidenceItem, Finding, GateEffect, Severity
from .gate import Decision, Gate
from .pml import PmlRisk, pml_risk
from .schedule import ScheduleItem, Status

__all__ = [
    "Assessment",
    "Decision",
    "EvidenceItem",
    "Finding",
    "Gate",
    "GateEffect",
    "PmlRisk",
    "ScheduleItem",
    "Severity",
    "Status",
    "assess",
    "pml_risk",
]
