"""Interval planner: the longest interval whose predicted trough stays at or above a target.

It decides in named steps, each a small function, and returns an :class:`IntervalPlan`: a
rules :class:`~alpha4.rules.findings.Finding` (a code registered in
:mod:`alpha4.rules.pk_codes`, with the records it read, the values it computed and the
sources of every knowledge item it applied), the recommended interval and the predictions.

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

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from alpha4.knowledge import pk as kb
from alpha4.knowledge.base import Fact
from alpha4.rules.findings import EvidenceItem, Finding, derived, finding

from .estimate import IndividualEstimate, IntervalPrediction, predict_interval_troughs
from .model import AntibodyStatus, Covariates, Disease


@dataclass(frozen=True, slots=True)
class PlanInputs:
    """What the planner reads besides the PK estimate.

    ``disease_activity``: relapse or new/enlarging/enhancing MRI lesions in the last 12 months;
    ``None`` when the record cannot tell. ``records``: one evidence item per record the inputs
    came from (infusions, levels, weights, antibody tests, scans, relapses). ``as_of``: the
    evaluation date, stamped on the derived evidence. ``current_interval_weeks``: the interval
    the patient is on (``None``: unknown), so the advice says which way to move.
    """

    covariates: Covariates
    disease_activity: bool | None
    records: tuple[EvidenceItem, ...] = ()
    caveats: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    as_of: dt.date | None = None
    current_interval_weeks: float | None = None

    @property
    def record_ids(self) -> tuple[str, ...]:
        return tuple(r.record_id for r in self.records if r.record_id is not None)


@dataclass(frozen=True, slots=True)
class IntervalPlan:
    """The planner's answer: the finding, the interval it recommends, what it predicted."""

    finding: Finding
    recommended_interval_weeks: float
    predictions: tuple[IntervalPrediction, ...] = ()

    @property
    def code(self) -> str:
        return self.finding.code

    def to_dict(self) -> dict[str, Any]:
        """The finding's fields, the recommended interval and the per-interval predictions."""
        return {
            **self.finding.model_dump(mode="json"),
            "recommended_interval_weeks": self.recommended_interval_weeks,
            "predictions": [
                {
                    "interval_weeks": p.interval_weeks,
                    "predicted_trough_ug_per_ml": round(p.predicted_trough_ug_per_ml, 3),
                    "lowest_trough_ug_per_ml": round(p.lowest_trough_ug_per_ml, 3),
                    "interval_90_ug_per_ml": [round(x, 3) for x in p.interval_90_ug_per_ml],
                    "probability_below_target": round(p.probability_below_target, 4),
                    "target_ug_per_ml": p.target_ug_per_ml,
                }
                for p in self.predictions
            ],
        }


def _input_evidence(inputs: PlanInputs) -> list[EvidenceItem]:
    cov, on = inputs.covariates, inputs.as_of
    activity = {True: "yes", False: "no", None: "unknown"}[inputs.disease_activity]
    items = [
        *inputs.records,
        derived("weight_kg", f"{cov.weight_kg:g}", on),
        derived("anti_natalizumab_antibodies", cov.antibodies.value, on),
        derived("interferon_beta", "yes" if cov.interferon_beta else "no", on),
        derived("disease", cov.disease.value, on),
        derived("disease_activity_last_12_months", activity, on),
        derived("label_profile", cov.profile, on),
    ]
    items += [derived("caveat", text, on) for text in inputs.caveats]
    items += [derived("missing", text, on) for text in inputs.missing]
    return items


_SAME_INTERVAL_WEEKS = 0.5  # infusions a few days late or early are still "the same interval"


def keeps_label_interval_for_antibodies(inputs: PlanInputs) -> bool:
    return inputs.covariates.antibodies is AntibodyStatus.PERSISTENT


def keeps_label_interval_for_disease_activity(inputs: PlanInputs) -> bool:
    return inputs.disease_activity is True


def keeps_label_interval_for_crohns(inputs: PlanInputs) -> bool:
    return inputs.covariates.disease is Disease.CROHNS_DISEASE


def _prediction_evidence(
    estimate: IndividualEstimate, predictions: Iterable[IntervalPrediction], on: dt.date | None
) -> list[EvidenceItem]:
    se_cl, se_v = (float(x) for x in estimate.standard_errors)
    items = [
        derived("map_eta_clearance", f"{float(estimate.eta[0]):.3f} (SE {se_cl:.3f})", on),
        derived("map_eta_volume", f"{float(estimate.eta[1]):.3f} (SE {se_v:.3f})", on),
        derived("clearance_ml_per_h_at_10_ug_per_ml", f"{estimate.clearance_ml_per_h(10.0):.2f}", on),
        derived("estimate_converged", "yes" if estimate.converged else "no", on),
    ]
    items += [
        derived(
            f"level {o.record_id or f'day {o.day:g}'}",
            f"measured {o.concentration_ug_per_ml:g} µg/mL, predicted {float(p):.2f} µg/mL "
            f"(day {o.day:g} after the first dose)",
            on,
        )
        for o, p in zip(estimate.observations, estimate.predictions, strict=True)
    ]
    items += [
        derived(
            f"every {p.interval_weeks:g} weeks",
            f"steady-state trough {p.predicted_trough_ug_per_ml:.2f} µg/mL "
            f"(90% interval {p.interval_90_ug_per_ml[0]:.2f}-{p.interval_90_ug_per_ml[1]:.2f}); "
            f"probability of a trough below {p.target_ug_per_ml:g} µg/mL "
            f"{p.probability_below_target:.3f}",
            on,
        )
        for p in predictions
    ]
    return items


_MODEL_FACTS: tuple[Fact[object], ...] = (
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
    kb.RESIDUAL_ADDITIVE_UG_PER_ML,
    kb.LABEL_INTERVAL_WEEKS,
)


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
) -> IntervalPlan:
    """Recommend a dosing interval, or say why the label's every 4 weeks stays.

    >>> from alpha4.pk.model import AntibodyStatus, Covariates
    >>> persistent = Covariates(antibodies=AntibodyStatus.PERSISTENT)
    >>> plan = plan_interval(PlanInputs(persistent, disease_activity=False), estimate=None)
    >>> plan.finding.code, plan.finding.severity.value, plan.recommended_interval_weeks
    ('PK_INTERVAL_KEEP_LABEL_ANTIBODIES', 'warning', 4.0)
    """
    label = kb.LABEL_INTERVAL_WEEKS.value
    evidence = _input_evidence(inputs)
    target_note = f"target trough {target_ug_per_ml:g} µg/mL"

    def keep_label(code: str, detail: str, facts: Iterable[Fact[object]]) -> IntervalPlan:
        return IntervalPlan(finding(code, detail, evidence=evidence, facts=facts), label)

    if keeps_label_interval_for_antibodies(inputs):
        factor = (
            kb.ANTIBODY_CLEARANCE_FACTOR_US
            if inputs.covariates.profile == "us"
            else kb.ANTIBODY_CLEARANCE_FACTOR_EU
        )
        return keep_label(
            "PK_INTERVAL_KEEP_LABEL_ANTIBODIES",
            f"Persistent antibodies raise natalizumab clearance about {factor.value:g}-fold and were "
            "associated with loss of efficacy (week-12 trough about 1.3 vs 15 µg/mL). "
            "Extending the interval is not considered.",
            (factor, kb.WEEK12_TROUGH_BY_ANTIBODY, kb.LABEL_INTERVAL_WEEKS),
        )
    if keeps_label_interval_for_disease_activity(inputs):
        return keep_label(
            "PK_INTERVAL_KEEP_LABEL_DISEASE_ACTIVITY",
            "Extended-interval trials (NOVA, personalised EID) enrolled only patients without "
            "relapses or MRI activity in the prior 12 months.",
            (kb.DISEASE_ACTIVITY_LOOKBACK_MONTHS, kb.LABEL_INTERVAL_WEEKS),
        )
    if keeps_label_interval_for_crohns(inputs):
        return keep_label(
            "PK_INTERVAL_KEEP_LABEL_CROHNS",
            "The extended-interval and trough-target evidence is from multiple sclerosis.",
            (kb.TROUGH_TARGET_UG_PER_ML, kb.LABEL_INTERVAL_WEEKS),
        )
    if inputs.disease_activity is None or estimate is None or inputs.missing:
        missing = list(inputs.missing)
        if inputs.disease_activity is None:
            missing.append("disease activity over the last 12 months (relapses, MRI) is not recorded")
        if estimate is None and not inputs.missing:
            missing.append("no measured natalizumab concentration")
        return keep_label(
            "PK_INTERVAL_INSUFFICIENT_DATA",
            "; ".join(missing).capitalize() + ".",
            (kb.DISEASE_ACTIVITY_LOOKBACK_MONTHS, kb.TROUGH_TARGET_UG_PER_ML),
        )

    predictions = tuple(predict_interval_troughs(estimate, intervals_weeks, target_ug_per_ml))
    evidence += _prediction_evidence(estimate, predictions, inputs.as_of)

    def planned(
        code: str, detail: str, weeks: float, title: str | None = None, action: str | None = None
    ) -> IntervalPlan:
        found = finding(code, detail, evidence=evidence, facts=_MODEL_FACTS, title=title, action=action)
        return IntervalPlan(found, weeks, predictions)

    chosen = choose_interval(list(predictions), max_probability_below)
    at_label = min(predictions, key=lambda p: p.interval_weeks)
    if chosen is None and at_label.predicted_trough_ug_per_ml >= at_label.target_ug_per_ml:
        chosen = at_label  # on target, but too uncertain to extend
    if chosen is None:
        return planned(
            "PK_INTERVAL_BELOW_TARGET_AT_LABEL",
            "Predicted steady-state trough "
            f"{at_label.predicted_trough_ug_per_ml:.1f} µg/mL every "
            f"{at_label.interval_weeks:g} weeks ({target_note}). "
            "Low levels can signal anti-natalizumab antibodies.",
            label,
        )
    probability = f"{100 * chosen.probability_below_target:.0f}%"
    low, high = chosen.interval_90_ug_per_ml
    current = inputs.current_interval_weeks
    if chosen.interval_weeks <= label:
        shorten = current is not None and current > label + _SAME_INTERVAL_WEEKS
        return planned(
            "PK_INTERVAL_KEEP_LABEL",
            f"Every {chosen.interval_weeks:g} weeks: predicted trough "
            f"{chosen.predicted_trough_ug_per_ml:.1f} µg/mL ({target_note}, "
            f"probability below {probability})."
            + (
                f" The patient is on every {current:g} weeks: a longer interval than planned."
                if shorten
                else ""
            ),
            label,
            title=f"Return to every {label:g} weeks: a longer interval would fall below target"
            if shorten
            else None,
            action=(
                f"Shorten the interval from every {current:g} to every {label:g} weeks." if shorten else None
            ),
        )
    weeks = chosen.interval_weeks
    predicted = (
        f"Predicted steady-state trough {chosen.predicted_trough_ug_per_ml:.1f} µg/mL "
        f"(90% interval {low:.1f}-{high:.1f}) every {weeks:g} weeks; {target_note}; "
        f"probability below target {probability}."
    )
    confirm = "measure a trough before the next infusions to confirm."
    if current is not None and current > weeks + _SAME_INTERVAL_WEEKS:  # on a longer interval already
        return planned(
            "PK_INTERVAL_EXTEND",
            f"{predicted} The patient is on every {current:g} weeks, longer than the interval "
            "predicted to keep the trough on target.",
            weeks,
            title=f"Every {weeks:g} weeks, shorter than the current {current:g}, keeps the trough on target",
            action=f"Consider shortening from every {current:g} to every {weeks:g} weeks and {confirm}",
        )
    off_label = f"{predicted} Extended-interval dosing is off-label in the US."
    if current is not None and abs(current - weeks) <= _SAME_INTERVAL_WEEKS:
        return planned(
            "PK_INTERVAL_EXTEND",
            off_label,
            weeks,
            title=f"Every {weeks:g} weeks (the current interval) is predicted to keep the trough on target",
            action=f"Keep every {weeks:g} weeks and {confirm}",
        )
    return planned(
        "PK_INTERVAL_EXTEND",
        off_label,
        weeks,
        title=f"Every {weeks:g} weeks is predicted to keep the trough on target",
        action=f"Consider extending to every {weeks:g} weeks and {confirm}",
    )
