"""Laboratory interpretation on natalizumab.

Expected: raised lymphocytes, monocytes, eosinophils, basophils and nucleated red
cells (a drug effect, information only), back to baseline within 16 weeks of the
last dose. Not explained by the drug: neutropenia (investigate), thrombocytopenia
(:mod:`alpha4.rules.platelets`) and liver injury (:mod:`alpha4.rules.liver`).
"""

from __future__ import annotations

import datetime as dt

from alpha4.domain import LabResult
from alpha4.domain.units import NormalisedLab, UnitError, factor_for, known_code, normalise_as
from alpha4.knowledge import label
from alpha4.knowledge.codes import Analyte, LabCode

from .context import Context
from .findings import Finding, evidence, finding
from .lab_gaps import unusable_results
from .liver import liver_findings
from .platelets import platelet_findings

EXPECTED_RISE = (
    Analyte.LYMPHOCYTES,
    Analyte.MONOCYTES,
    Analyte.EOSINOPHILS,
    Analyte.BASOPHILS,
    Analyte.NUCLEATED_RED_CELLS,
    Analyte.NUCLEATED_RED_CELLS_PER_100_WBC,
)


def _describe(lab: NormalisedLab) -> str:
    ref = ""
    if lab.reference_low is not None or lab.reference_high is not None:
        ref = f" (range {_fmt(lab.reference_low)}-{_fmt(lab.reference_high)})"
    return f"{lab.code.analyte.value} {lab.shown} {lab.unit}{lab.bound_words}{ref}"


def _fmt(x: float | None) -> str:
    return "?" if x is None else f"{x:.3g}"


def latest_by_analyte(ctx: Context) -> tuple[dict[Analyte, NormalisedLab], list[Finding]]:
    """The latest normalised result of each analyte, plus findings for what cannot be read.

    Computed once per assessment (the schedule reads it too).
    """
    cached: tuple[dict[Analyte, NormalisedLab], list[Finding]] | None = ctx.memo.get("latest_by_analyte")
    if cached is None:
        cached = ctx.memo["latest_by_analyte"] = _latest_by_analyte(ctx)
    return dict(cached[0]), list(cached[1])


def _latest_by_analyte(ctx: Context) -> tuple[dict[Analyte, NormalisedLab], list[Finding]]:
    # Each lab's unit is checked (an unreadable unit is a finding wherever it is in the timeline), but
    # only the latest result of each analyte is scaled: the others are never read.
    latest_raw: dict[Analyte, tuple[LabResult, LabCode, float]] = {}
    found: list[Finding] = []
    for lab in ctx.labs:
        code = known_code(lab)
        if code is None:
            found.append(
                finding(
                    "LAB_NOT_INTERPRETED",
                    f"LOINC {lab.loinc} ({lab.value} {lab.unit}) is kept in the record but alpha4 has no "
                    "rule for it.",
                    evidence=[evidence(lab, f"{lab.value} {lab.unit}")],
                )
            )
            continue
        try:
            factor = factor_for(lab, code)
        except UnitError as error:
            found.append(
                finding("LAB_UNIT_UNKNOWN", str(error), evidence=[evidence(lab, f"{lab.value} {lab.unit}")])
            )
            continue
        latest_raw[code.analyte] = (lab, code, factor)
    latest = {analyte: normalise_as(*raw) for analyte, raw in latest_raw.items()}
    return latest, found


def lab_findings(ctx: Context) -> list[Finding]:
    latest, found = latest_by_analyte(ctx)
    found += _expected_rises(ctx, latest)
    found += _neutropenia(latest)
    found += platelet_findings(ctx, latest)
    found += liver_findings(ctx, latest)
    found += _return_to_baseline(ctx, latest)
    found += unusable_results(ctx, latest)
    return found


def _expected_rises(ctx: Context, latest: dict[Analyte, NormalisedLab]) -> list[Finding]:
    if not ctx.on_treatment:
        return []
    raised = [
        latest[a]
        for a in EXPECTED_RISE
        if a in latest and latest[a].reference_high is not None and latest[a].value > latest[a].reference_high  # type: ignore[operator]
    ]
    if not raised:
        return []
    return [
        finding(
            "LAB_EXPECTED_RISE",
            "Raised " + ", ".join(_describe(n) for n in raised) + ": an expected effect of natalizumab, "
            "not a sign of infection or leukaemia by itself.",
            evidence=[evidence(n.result, _describe(n)) for n in raised],
            facts=[label.LAB_RETURN_TO_BASELINE_WEEKS],
        )
    ]


def _lower_limit(n: NormalisedLab, default: float) -> tuple[float, bool]:
    return (n.reference_low, True) if n.reference_low is not None else (default, False)


def _neutropenia(latest: dict[Analyte, NormalisedLab]) -> list[Finding]:
    neut = latest.get(Analyte.NEUTROPHILS)
    if neut is None:
        return []
    limit, from_lab = _lower_limit(neut, label.NEUTROPENIA_DEFAULT_BELOW.value)
    if neut.below(limit) is not True:  # a bound that cannot tell: lab_gaps says so
        return []
    return [
        finding(
            "LAB_NEUTROPENIA",
            f"Neutrophils {neut.shown} {neut.unit}{neut.bound_words} on {neut.result.date}, below "
            f"{_fmt(limit)} ({'laboratory range' if from_lab else 'default limit, no range reported'}). "
            "Natalizumab does not lower neutrophils: look for another cause.",
            evidence=[evidence(neut.result, _describe(neut))],
            facts=[label.NEUTROPENIA_DEFAULT_BELOW, label.LAB_RETURN_TO_BASELINE_WEEKS],
        )
    ]


def _return_to_baseline(ctx: Context, latest: dict[Analyte, NormalisedLab]) -> list[Finding]:
    """After discontinuation, the raised counts should be back within 16 weeks of the last dose."""
    last = ctx.last_infusion
    if not ctx.discontinued or last is None:
        return []
    limit = last.date + dt.timedelta(weeks=label.LAB_RETURN_TO_BASELINE_WEEKS.value)
    still = [
        latest[a]
        for a in EXPECTED_RISE
        if a in latest
        and latest[a].result.date > limit
        and latest[a].reference_high is not None
        and latest[a].value > latest[a].reference_high  # type: ignore[operator]
    ]
    if not still:
        return []
    return [
        finding(
            "LAB_NOT_BACK_TO_BASELINE",
            f"More than {label.LAB_RETURN_TO_BASELINE_WEEKS.value} weeks after the last dose ({last.date}), "
            + ", ".join(_describe(n) for n in still)
            + " remain raised; the drug effect should have resolved by "
            f"{limit}.",
            evidence=[evidence(last, "last dose"), *(evidence(n.result, _describe(n)) for n in still)],
            facts=[label.LAB_RETURN_TO_BASELINE_WEEKS],
        )
    ]
