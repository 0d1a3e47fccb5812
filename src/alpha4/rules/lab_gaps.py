"""Results a laboratory safety check needs but cannot use: said in a finding, never ignored.

Two ways a result reaches the rules and still cannot decide a check:

- it could not be interpreted at all: a unit that does not convert, or, from an EHR, no value
  (``dataAbsentReason``), an unconvertible unit or a corrupt code (the FHIR reader keeps such an
  Observation as an uninterpreted record carrying its LOINC code);
- it is a reported bound that does not settle the threshold: platelets ``<200`` against a limit of
  150 may be 190 or 10; ALT ``>80`` with an upper limit of 40 may be 2x or 10x ULN.

Either way, when it is the newest result of its analyte, the check that reads it (thrombocytopenia,
liver injury, neutropenia) says so here, and the gate holds where that check can hold or stop: the
last word on the count is unknown, so it is not treated as normal. An older unusable result behind
a newer good one is only the usual "kept, not interpreted" record.
"""

from __future__ import annotations

from dataclasses import dataclass

from alpha4.domain import Comparator, LabResult, OtherRecord
from alpha4.domain.units import NormalisedLab, UnitError, known_code, normalise
from alpha4.knowledge import Fact, label
from alpha4.knowledge.codes import LAB_CODES, Analyte

from .context import Context
from .findings import Finding, GateEffect, evidence, finding
from .liver import times_uln


@dataclass(frozen=True, slots=True)
class _Check:
    name: str  # as a clinician says it
    holds: bool  # the check can hold or stop the infusion: an unusable newest result holds too


_CHECKS: dict[Analyte, _Check] = {
    Analyte.PLATELETS: _Check("the thrombocytopenia check", True),
    Analyte.ALT: _Check("the liver-injury check", True),
    Analyte.AST: _Check("the liver-injury check", True),
    Analyte.BILIRUBIN_TOTAL: _Check("the liver-injury check", True),
    Analyte.ALKALINE_PHOSPHATASE: _Check("the liver-injury check", True),
    Analyte.NEUTROPHILS: _Check("the neutropenia check", False),
}

# The thresholds each check compares with: a lower limit (below is unsafe) or a multiple of the
# upper limit of normal (above is unsafe).
_ULN_MULTIPLE: dict[Analyte, Fact[float]] = {
    Analyte.ALT: label.TRANSAMINASE_ULN_MULTIPLE,
    Analyte.AST: label.TRANSAMINASE_ULN_MULTIPLE,
    Analyte.BILIRUBIN_TOTAL: label.BILIRUBIN_ULN_MULTIPLE,
    Analyte.ALKALINE_PHOSPHATASE: label.ALP_ULN_MULTIPLE,
}
_DEFAULT_LOWER: dict[Analyte, Fact[float]] = {
    Analyte.PLATELETS: label.THROMBOCYTOPENIA_DEFAULT_BELOW,
    Analyte.NEUTROPHILS: label.NEUTROPENIA_DEFAULT_BELOW,
}


def _gate(check: _Check) -> GateEffect:
    return GateEffect.HOLD if check.holds else GateEffect.NONE


def unusable_results(ctx: Context, latest: dict[Analyte, NormalisedLab]) -> list[Finding]:
    """Findings for the newest result of each checked analyte that cannot decide its check."""
    found: list[Finding] = []
    found += _uninterpretable(ctx, latest)
    found += _inconclusive_bounds(latest)
    return found


def _uninterpretable(ctx: Context, latest: dict[Analyte, NormalisedLab]) -> list[Finding]:
    newest: dict[Analyte, tuple[LabResult | OtherRecord, str]] = {}
    for lab in ctx.labs:
        code = known_code(lab)
        if code is None or code.analyte not in _CHECKS:
            continue
        try:
            normalise(lab)
        except UnitError as error:
            newest[code.analyte] = (lab, f"{lab.value} {lab.unit}: {error}")
    for other in ctx.other_records:
        loinc = other.data.get("loinc")
        known = LAB_CODES.value.get(loinc) if isinstance(loinc, str) else None
        if known is None or known.analyte not in _CHECKS:
            continue
        held = newest.get(known.analyte)
        if held is None or held[0].date <= other.date:
            newest[known.analyte] = (other, str(other.data.get("reason") or other.type))
    found: list[Finding] = []
    for analyte, (record, why) in newest.items():
        good = latest.get(analyte)
        if good is not None and good.result.date > record.date:
            continue  # a newer result the check reads
        check = _CHECKS[analyte]
        before = (
            f" It reads the previous result instead: {analyte.value} {good.shown} {good.unit} of "
            f"{good.result.date}."
            if good is not None
            else " No other result of it is recorded."
        )
        found.append(
            finding(
                "LAB_NEEDED_RESULT_UNREADABLE",
                f"The {analyte.value} result of {record.date} cannot be interpreted ({why}), so "
                f"{check.name} cannot use it." + before,
                evidence=[evidence(record, why)],
                gate=_gate(check),
            )
        )
    return found


def _inconclusive_bounds(latest: dict[Analyte, NormalisedLab]) -> list[Finding]:
    found: list[Finding] = []
    for analyte, n in latest.items():
        if n.comparator is None or analyte not in _CHECKS:
            continue
        check = _CHECKS[analyte]
        why = _undecided(analyte, n)
        if why is None:
            continue
        found.append(
            finding(
                "LAB_BOUND_INCONCLUSIVE",
                f"{analyte.value} of {n.result.date} was reported as {n.shown} {n.unit}{n.bound_words}: "
                f"{why}, so {check.name} cannot tell.",
                evidence=[evidence(n.result, f"{n.shown} {n.unit}")],
                gate=_gate(check),
            )
        )
    return found


def _undecided(analyte: Analyte, n: NormalisedLab) -> str | None:
    """Why the bound cannot settle the analyte's threshold (None when it does)."""
    if analyte in _DEFAULT_LOWER:
        limit = n.reference_low if n.reference_low is not None else _DEFAULT_LOWER[analyte].value
        if n.below(limit) is None:
            return f"the true value may be on either side of the lower limit {limit:.3g}"
        return None
    multiple = times_uln(n)
    if multiple is None or n.comparator not in (Comparator.ABOVE, Comparator.AT_LEAST):
        return None  # "<80": at most the bound, the worst case the check already reads
    threshold = _ULN_MULTIPLE[analyte].value
    inclusive = analyte is Analyte.ALKALINE_PHOSPHATASE  # "at or above 2x ULN"
    if multiple > threshold or (inclusive and multiple >= threshold):
        return None  # already past the threshold the check decides on
    return f"it may be above {threshold:g}x the upper limit of normal"
