"""Interval planner: the longest interval whose predicted trough stays at or above a target.

It decides in named steps, each a small function, and returns a :class:`Finding` with the
evidence it read and the sources of every knowledge item it applied:

1. ``keeps_label_interval_for_antibodies``: persistent anti-natalizumab antibodies mean loss
   of efficacy (label 6.2); never extend.
2. ``keeps_label_interval_for_disease_activity``: the extended-interval trials enrolled patients
   free of relapses and MRI activity in the prior 12 months; never extend with activity.
3. ``keeps_label_interval_for_crohns``: the trough-guided evidence is in MS only.
4. Unknown disease activity or no measured concentration is an *insufficient data* finding.
5. Otherwise: the longest candidate interval whose MAP steady-state trough is at or above the
   target **and** whose probability of a trough below target is at most 20% (policy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from alpha4.knowledge import pk as kb
from alpha4.knowledge.base import Fact

from .estimate import IndividualEstimate, IntervalPrediction, predict_interval_troughs
from .model import AntibodyStatus, Covariates, Disease

Severity = Literal["info", "warning", "critical"]


@dataclass(frozen=True, slots=True)
class Finding:
    """A planner result, shaped like the rules' findings (the lead will unify them)."""

    code: str
    severity: Severity
    title: str
    detail: str
    action: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    recommended_interval_weeks: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "title": self.title,
            "detail": self.detail,
            "action": self.action,
            "recommended_interval_weeks": self.recommended_interval_weeks,
            "evidence": self.evidence,
            "sources": self.sources,
        }


@dataclass(frozen=True, slots=True)
class PlanInputs:
    """What the planner reads besides the PK estimate.

    ``disease_activity``: relapse or new/enlarging/enhancing MRI lesions in the last 12 months;
    ``None`` when the record cannot tell. ``record_ids``: the records the inputs came from.
    """

    covariates: Covariates
    disease_activity: bool | None
    record_ids: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


CODES: tuple[str, ...] = (
    "PK_INTERVAL_EXTEND",
    "PK_INTERVAL_KEEP_LABEL",
    "PK_INTERVAL_KEEP_LABEL_ANTIBODIES",
    "PK_INTERVAL_KEEP_LABEL_DISEASE_ACTIVITY",
    "PK_INTERVAL_KEEP_LABEL_CROHNS",
    "PK_INTERVAL_BELOW_TARGET_AT_LABEL",
    "PK_INTERVAL_INSUFFICIENT_DATA",
)


def _sources(*facts: Fact[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for item in facts:
        for source in item.sources:
            seen.setdefault(f"{item.id}: {source.describe()}", None)
    return list(seen)


def _input_evidence(inputs: PlanInputs) -> list[dict[str, Any]]:
    cov = inputs.covariates
    return [
        {
            "kind": "inputs",
            "weight_kg": cov.weight_kg,
            "antibodies": cov.antibodies.value,
            "interferon_beta": cov.interferon_beta,
            "disease": cov.disease.value,
            "disease_activity_last_12_months": inputs.disease_activity,
            "profile": cov.profile,
            "record_ids": list(inputs.record_ids),
            "caveats": list(inputs.caveats),
            "missing": list(inputs.missing),
        }
    ]


def keeps_label_interval_for_antibodies(inputs: PlanInputs) -> bool:
    return inputs.covariates.antibodies is AntibodyStatus.PERSISTENT


def keeps_label_interval_for_disease_activity(inputs: PlanInputs) -> bool:
    return inputs.disease_activity is True


def keeps_label_interval_for_crohns(inputs: PlanInputs) -> bool:
    return inputs.covariates.disease is Disease.CROHNS_DISEASE


def _prediction_evidence(
    estimate: IndividualEstimate, predictions: list[IntervalPrediction]
) -> list[dict[str, Any]]:
    return [
        {
            "kind": "bayesian_estimate",
            "eta_clearance": float(estimate.eta[0]),
            "eta_volume": float(estimate.eta[1]),
            "standard_errors": [float(x) for x in estimate.standard_errors],
            "clearance_ml_per_h_at_10_ug_per_ml": estimate.clearance_ml_per_h(10.0),
            "observations": [
                {
                    "day": o.day,
                    "measured_ug_per_ml": o.concentration_ug_per_ml,
                    "predicted_ug_per_ml": float(p),
                }
                for o, p in zip(estimate.observations, estimate.predictions, strict=True)
            ],
            "converged": estimate.converged,
        },
        *(
            {
                "kind": "interval_prediction",
                "interval_weeks": p.interval_weeks,
                "predicted_trough_ug_per_ml": round(p.predicted_trough_ug_per_ml, 2),
                "interval_90_ug_per_ml": [round(x, 2) for x in p.interval_90_ug_per_ml],
                "probability_below_target": round(p.probability_below_target, 3),
                "target_ug_per_ml": p.target_ug_per_ml,
            }
            for p in predictions
        ),
    ]


def choose_interval(
    predictions: list[IntervalPrediction],
    max_probability_below: float = kb.MAX_PROBABILITY_BELOW_TARGET.value,
) -> IntervalPrediction | None:
    """The longest interval meeting the target with acceptable probability; ``None`` if none does.

    Intervals are checked from the shortest: the first failure stops the search, so a longer
    interval is never chosen past a shorter one that fails.
    """
    chosen: IntervalPrediction | None = None
    for prediction in sorted(predictions, key=lambda p: p.interval_weeks):
        meets = (
            prediction.predicted_trough_ug_per_ml >= prediction.target_ug_per_ml
            and prediction.probability_below_target <= max_probability_below
        )
        if not meets:
            break
        chosen = prediction
    return chosen


def plan_interval(
    inputs: PlanInputs,
    estimate: IndividualEstimate | None,
    target_ug_per_ml: float = kb.TROUGH_TARGET_UG_PER_ML.value,
    intervals_weeks: tuple[float, ...] = kb.CANDIDATE_INTERVALS_WEEKS.value,
    max_probability_below: float = kb.MAX_PROBABILITY_BELOW_TARGET.value,
) -> Finding:
    """Recommend a dosing interval, or say why the label's every 4 weeks stays.

    >>> from alpha4.pk.model import AntibodyStatus, Covariates
    >>> persistent = Covariates(antibodies=AntibodyStatus.PERSISTENT)
    >>> inputs = PlanInputs(persistent, disease_activity=False)
    >>> f = plan_interval(inputs, estimate=None)
    >>> f.code, f.recommended_interval_weeks
    ('PK_INTERVAL_KEEP_LABEL_ANTIBODIES', 4.0)
    """
    label = kb.LABEL_INTERVAL_WEEKS.value
    evidence = _input_evidence(inputs)
    target_note = f"target trough {target_ug_per_ml:g} µg/mL"

    if keeps_label_interval_for_antibodies(inputs):
        return Finding(
            code="PK_INTERVAL_KEEP_LABEL_ANTIBODIES",
            severity="warning",
            title="Keep every 4 weeks: persistent anti-natalizumab antibodies",
            detail=(
                "Persistent antibodies raise natalizumab clearance about 3-fold and were "
                "associated with loss of efficacy (week-12 trough about 1.3 vs 15 µg/mL). "
                "Extending the interval is not considered."
            ),
            action="Do not extend the interval; review whether natalizumab should continue.",
            evidence=evidence,
            sources=_sources(
                kb.ANTIBODY_CLEARANCE_FACTOR_US,
                kb.WEEK12_TROUGH_BY_ANTIBODY,
                kb.LABEL_INTERVAL_WEEKS,
            ),
            recommended_interval_weeks=label,
        )
    if keeps_label_interval_for_disease_activity(inputs):
        return Finding(
            code="PK_INTERVAL_KEEP_LABEL_DISEASE_ACTIVITY",
            severity="warning",
            title="Keep every 4 weeks: disease activity in the last 12 months",
            detail=(
                "Extended-interval trials (NOVA, personalised EID) enrolled only patients without "
                "relapses or MRI activity in the prior 12 months."
            ),
            action="Do not extend the interval while the disease is active.",
            evidence=evidence,
            sources=_sources(kb.DISEASE_ACTIVITY_LOOKBACK_MONTHS, kb.LABEL_INTERVAL_WEEKS),
            recommended_interval_weeks=label,
        )
    if keeps_label_interval_for_crohns(inputs):
        return Finding(
            code="PK_INTERVAL_KEEP_LABEL_CROHNS",
            severity="info",
            title="Keep every 4 weeks: trough-guided extension is studied in MS only",
            detail="The extended-interval and trough-target evidence is from multiple sclerosis.",
            action="Keep the label interval for Crohn's disease.",
            evidence=evidence,
            sources=_sources(kb.TROUGH_TARGET_UG_PER_ML, kb.LABEL_INTERVAL_WEEKS),
            recommended_interval_weeks=label,
        )
    if inputs.disease_activity is None or estimate is None or inputs.missing:
        missing = list(inputs.missing)
        if inputs.disease_activity is None:
            missing.append("disease activity over the last 12 months (relapses, MRI) is not recorded")
        if estimate is None and not inputs.missing:
            missing.append("no measured natalizumab concentration")
        return Finding(
            code="PK_INTERVAL_INSUFFICIENT_DATA",
            severity="info",
            title="Not enough data to plan an extended interval",
            detail="; ".join(missing).capitalize() + ".",
            action="Keep every 4 weeks; record the missing data (trough level, MRI, relapses).",
            evidence=evidence,
            sources=_sources(kb.DISEASE_ACTIVITY_LOOKBACK_MONTHS, kb.TROUGH_TARGET_UG_PER_ML),
            recommended_interval_weeks=label,
        )

    predictions = predict_interval_troughs(estimate, intervals_weeks, target_ug_per_ml)
    evidence += _prediction_evidence(estimate, predictions)
    sources = _sources(
        kb.TROUGH_TARGET_UG_PER_ML,
        kb.MAX_PROBABILITY_BELOW_TARGET,
        kb.CANDIDATE_INTERVALS_WEEKS,
        kb.VOLUME_L,
        kb.LINEAR_CLEARANCE_ML_PER_H,
        kb.LOW_CONCENTRATION_CLEARANCE_ML_PER_H,
        kb.MICHAELIS_CONSTANT_UG_PER_ML,
        kb.WEIGHT_CLEARANCE_EXPONENT,
        kb.BSV_CLEARANCE,
        kb.BSV_VOLUME,
        kb.RESIDUAL_PROPORTIONAL,
        kb.LABEL_INTERVAL_WEEKS,
    )
    chosen = choose_interval(predictions, max_probability_below)
    at_label = min(predictions, key=lambda p: p.interval_weeks)
    if chosen is None and at_label.predicted_trough_ug_per_ml >= at_label.target_ug_per_ml:
        chosen = at_label  # on target, but too uncertain to extend
    if chosen is None:
        return Finding(
            code="PK_INTERVAL_BELOW_TARGET_AT_LABEL",
            severity="warning",
            title="Predicted trough below target even every 4 weeks",
            detail=(
                "Predicted steady-state trough "
                f"{at_label.predicted_trough_ug_per_ml:.1f} µg/mL every "
                f"{at_label.interval_weeks:g} weeks ({target_note}). "
                "Low levels can signal anti-natalizumab antibodies."
            ),
            action="Do not extend; consider testing for anti-natalizumab antibodies.",
            evidence=evidence,
            sources=sources,
            recommended_interval_weeks=label,
        )
    probability = f"{100 * chosen.probability_below_target:.0f}%"
    low, high = chosen.interval_90_ug_per_ml
    if chosen.interval_weeks <= label:
        return Finding(
            code="PK_INTERVAL_KEEP_LABEL",
            severity="info",
            title="Keep every 4 weeks: a longer interval would fall below target",
            detail=(
                f"Every {chosen.interval_weeks:g} weeks: predicted trough "
                f"{chosen.predicted_trough_ug_per_ml:.1f} µg/mL ({target_note}, "
                f"probability below {probability})."
            ),
            action="Keep every 4 weeks.",
            evidence=evidence,
            sources=sources,
            recommended_interval_weeks=label,
        )
    return Finding(
        code="PK_INTERVAL_EXTEND",
        severity="info",
        title=f"Every {chosen.interval_weeks:g} weeks is predicted to keep the trough on target",
        detail=(
            f"Predicted steady-state trough {chosen.predicted_trough_ug_per_ml:.1f} µg/mL "
            f"(90% interval {low:.1f}-{high:.1f}) "
            f"every {chosen.interval_weeks:g} weeks; {target_note}; probability below target "
            f"{probability}. Extended-interval dosing is off-label in the US."
        ),
        action=(
            f"Consider extending to every {chosen.interval_weeks:g} weeks and measure a trough "
            "before the next infusions to confirm."
        ),
        evidence=evidence,
        sources=sources,
        recommended_interval_weeks=chosen.interval_weeks,
    )
