"""The interval planner's decisions."""

from __future__ import annotations

import pytest

from alpha4.pk.estimate import Observation, estimate_individual
from alpha4.pk.model import AntibodyStatus, Covariates, Disease
from alpha4.pk.planner import PlanInputs, plan_interval
from alpha4.pk.simulate import regular_dose_times
from alpha4.rules.codes import CODES
from alpha4.rules.findings import Finding, Severity
from alpha4.rules.pk_codes import PK_CODES

DOSES = regular_dose_times(4, 12)


def _estimate(trough: float, covariates: Covariates | None = None):  # type: ignore[no-untyped-def]
    obs = [
        Observation(float(DOSES[10]) - 0.01, trough),
        Observation(float(DOSES[11]) + 27.99, trough),
    ]
    return estimate_individual(covariates or Covariates(), DOSES, obs)


def test_high_troughs_allow_an_extended_interval_with_sources() -> None:
    plan = plan_interval(PlanInputs(Covariates(), disease_activity=False), _estimate(45.0))
    finding = plan.finding
    assert finding.code == "PK_INTERVAL_EXTEND"
    assert plan.recommended_interval_weeks >= 6
    chosen = next(p for p in plan.predictions if p.interval_weeks == plan.recommended_interval_weeks)
    assert chosen.predicted_trough_ug_per_ml >= 10.0
    assert chosen.probability_below_target <= 0.2
    assert any("NEXT-MS" in s for s in finding.sources)
    assert "pk.trough_target" in " ".join(finding.facts)
    assert "off-label" in finding.detail
    assert f"every {plan.recommended_interval_weeks:g} weeks" in finding.action
    # every interval's prediction is in the evidence, as a derived value
    derived = {e.record_id: e.value for e in finding.evidence if e.record_type == "derived"}
    assert all(f"every {w:g} weeks" in derived for w in (4, 5, 6, 7, 8))
    assert "map_eta_clearance" in derived


def test_typical_troughs_extend_to_five_or_six_weeks_at_10() -> None:
    plan = plan_interval(PlanInputs(Covariates(), disease_activity=False), _estimate(26.0))
    assert plan.recommended_interval_weeks in (5.0, 6.0)


def test_a_lower_target_allows_a_longer_interval() -> None:
    est = _estimate(26.0)
    at_10 = plan_interval(PlanInputs(Covariates(), disease_activity=False), est, target_ug_per_ml=10.0)
    at_5 = plan_interval(PlanInputs(Covariates(), disease_activity=False), est, target_ug_per_ml=5.0)
    assert at_5.recommended_interval_weeks > at_10.recommended_interval_weeks


def test_low_troughs_keep_every_4_weeks() -> None:
    plan = plan_interval(PlanInputs(Covariates(), disease_activity=False), _estimate(11.0))
    assert plan.code == "PK_INTERVAL_KEEP_LABEL"
    assert plan.recommended_interval_weeks == 4.0


def test_troughs_below_target_at_4_weeks_suggest_antibody_testing() -> None:
    finding = plan_interval(PlanInputs(Covariates(), disease_activity=False), _estimate(3.0)).finding
    assert finding.code == "PK_INTERVAL_BELOW_TARGET_AT_LABEL"
    assert finding.severity is Severity.WARNING and "antibodies" in finding.action


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
    plan = plan_interval(inputs, _estimate(60.0, inputs.covariates))
    assert plan.code == code
    assert plan.recommended_interval_weeks == 4.0
    assert plan.finding.sources and plan.finding.detail and plan.finding.action


def test_no_measured_level_is_insufficient_data() -> None:
    finding = plan_interval(PlanInputs(Covariates(), disease_activity=False), estimate=None).finding
    assert finding.code == "PK_INTERVAL_INSUFFICIENT_DATA"
    assert "concentration" in finding.detail


_SCENARIOS = [
    (PlanInputs(Covariates(), disease_activity=False), 45.0),
    (PlanInputs(Covariates(), disease_activity=False), 11.0),
    (PlanInputs(Covariates(), disease_activity=False), 3.0),
    (PlanInputs(Covariates(antibodies=AntibodyStatus.PERSISTENT), False), 60.0),
    (PlanInputs(Covariates(antibodies=AntibodyStatus.PERSISTENT, profile="eu"), False), 60.0),
    (PlanInputs(Covariates(), disease_activity=True), 60.0),
    (PlanInputs(Covariates(disease=Disease.CROHNS_DISEASE), False), 60.0),
    (PlanInputs(Covariates(), disease_activity=None), 60.0),
]


def test_every_code_emitted_is_registered_and_every_registered_code_is_reachable() -> None:
    emitted = set()
    for inputs, trough in _SCENARIOS:
        plan = plan_interval(inputs, _estimate(trough, inputs.covariates))
        assert isinstance(plan.finding, Finding)
        assert plan.code in CODES and CODES[plan.code].category == "pk"
        assert plan.finding.category == "pk"
        emitted.add(plan.code)
    assert emitted == set(PK_CODES)


def test_antibody_detail_follows_the_profile() -> None:
    eu = PlanInputs(Covariates(antibodies=AntibodyStatus.PERSISTENT, profile="eu"), False)
    finding = plan_interval(eu, estimate=None).finding
    assert "2.45-fold" in finding.detail
    assert finding.facts[0] == "pk.antibody_clearance_factor@eu"


def test_json_is_a_superset_of_the_earlier_output() -> None:
    data = plan_interval(PlanInputs(Covariates(), disease_activity=False), _estimate(45.0)).to_dict()
    assert set(data) >= {
        "code",
        "severity",
        "title",
        "detail",
        "action",
        "evidence",
        "sources",
        "recommended_interval_weeks",
        "predictions",
    }
    assert data["severity"] == "info" and data["category"] == "pk"
    assert {"record_type", "record_id", "date", "value", "source_ref"} <= set(data["evidence"][0])
    assert [p["interval_weeks"] for p in data["predictions"]] == [4.0, 5.0, 6.0, 7.0, 8.0]
