"""The interval planner's decisions."""

from __future__ import annotations

import pytest

from alpha4.pk.estimate import Observation, estimate_individual
from alpha4.pk.model import AntibodyStatus, Covariates, Disease
from alpha4.pk.planner import CODES, PlanInputs, plan_interval
from alpha4.pk.simulate import regular_dose_times

DOSES = regular_dose_times(4, 12)


def _estimate(trough: float, covariates: Covariates | None = None):  # type: ignore[no-untyped-def]
    obs = [
        Observation(float(DOSES[10]) - 0.01, trough),
        Observation(float(DOSES[11]) + 27.99, trough),
    ]
    return estimate_individual(covariates or Covariates(), DOSES, obs)


def test_high_troughs_allow_an_extended_interval_with_sources() -> None:
    finding = plan_interval(PlanInputs(Covariates(), disease_activity=False), _estimate(45.0))
    assert finding.code == "PK_INTERVAL_EXTEND"
    assert finding.recommended_interval_weeks is not None and finding.recommended_interval_weeks >= 6
    chosen = next(
        e
        for e in finding.evidence
        if e["kind"] == "interval_prediction" and e["interval_weeks"] == finding.recommended_interval_weeks
    )
    assert chosen["predicted_trough_ug_per_ml"] >= 10.0
    assert chosen["probability_below_target"] <= 0.2
    assert any("NEXT-MS" in s for s in finding.sources)
    assert "off-label" in finding.detail


def test_typical_troughs_extend_to_five_or_six_weeks_at_10() -> None:
    finding = plan_interval(PlanInputs(Covariates(), disease_activity=False), _estimate(26.0))
    assert finding.recommended_interval_weeks in (5.0, 6.0)


def test_a_lower_target_allows_a_longer_interval() -> None:
    est = _estimate(26.0)
    at_10 = plan_interval(PlanInputs(Covariates(), disease_activity=False), est, target_ug_per_ml=10.0)
    at_5 = plan_interval(PlanInputs(Covariates(), disease_activity=False), est, target_ug_per_ml=5.0)
    assert at_5.recommended_interval_weeks is not None and at_10.recommended_interval_weeks is not None
    assert at_5.recommended_interval_weeks > at_10.recommended_interval_weeks


def test_low_troughs_keep_every_4_weeks() -> None:
    finding = plan_interval(PlanInputs(Covariates(), disease_activity=False), _estimate(11.0))
    assert finding.code == "PK_INTERVAL_KEEP_LABEL"
    assert finding.recommended_interval_weeks == 4.0


def test_troughs_below_target_at_4_weeks_suggest_antibody_testing() -> None:
    finding = plan_interval(PlanInputs(Covariates(), disease_activity=False), _estimate(3.0))
    assert finding.code == "PK_INTERVAL_BELOW_TARGET_AT_LABEL"
    assert finding.severity == "warning" and "antibodies" in finding.action


@pytest.mark.parametrize(
    ("inputs", "code"),
    [
        (
            PlanInputs(Covariates(antibodies=AntibodyStatus.PERSISTENT), False),
            "PK_INTERVAL_KEEP_LABEL_ANTIBODIES",
        ),
        (
            PlanInputs(Covariates(), disease_activity=True),
            "PK_INTERVAL_KEEP_LABEL_DISEASE_ACTIVITY",
        ),
        (
            PlanInputs(Covariates(disease=Disease.CROHNS_DISEASE), False),
            "PK_INTERVAL_KEEP_LABEL_CROHNS",
        ),
        (PlanInputs(Covariates(), disease_activity=None), "PK_INTERVAL_INSUFFICIENT_DATA"),
    ],
)
def test_never_leaves_every_4_weeks_when_the_rules_say_no(inputs: PlanInputs, code: str) -> None:
    """Even with troughs that would allow 8 weeks."""
    finding = plan_interval(inputs, _estimate(60.0, inputs.covariates))
    assert finding.code == code
    assert finding.recommended_interval_weeks == 4.0
    assert finding.sources and finding.detail and finding.action


def test_no_measured_level_is_insufficient_data() -> None:
    finding = plan_interval(PlanInputs(Covariates(), disease_activity=False), estimate=None)
    assert finding.code == "PK_INTERVAL_INSUFFICIENT_DATA"
    assert "concentration" in finding.detail


def test_every_code_returned_is_declared() -> None:
    assert len(set(CODES)) == len(CODES)
    finding = plan_interval(PlanInputs(Covariates(), disease_activity=False), _estimate(45.0))
    assert finding.code in CODES
    assert set(finding.to_dict()) >= {
        "code",
        "severity",
        "title",
        "detail",
        "action",
        "evidence",
        "sources",
    }
