"""MS treatment response: relapse rates, re-baselining, disability worsening, NEDA-3, rebound."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alpha4.domain import AntibodyResult, EdssScore, MriScan, Patient, Relapse
from alpha4.domain.builders import ms_patient
from alpha4.domain.records import Discontinuation
from alpha4.knowledge import CATALOGUE, US
from alpha4.knowledge import response as kb
from alpha4.rules import assess
from alpha4.rules.context import Context
from alpha4.rules.dates import add_months
from alpha4.rules.response_ms import (
    NedaStatus,
    ScanRole,
    WorseningStatus,
    classify_scans,
    find_worsening,
    ms_response,
    ms_response_findings,
    neda3,
    on_treatment_rate,
    pre_treatment_rate,
    rebaseline_date,
    required_increase,
)
from alpha4.synthetic import scenario_patient

START = dt.date(2024, 1, 8)


def edss(i: int, day: dt.date, score: float) -> EdssScore:
    return EdssScore(id=f"e{i}", date=day, score=score)


def mri(i: int, day: dt.date, new: int | None = 0, gd: int | None = 0, contrast: bool = True) -> MriScan:
    return MriScan(
        id=f"m{i}", date=day, new_t2_lesions=new, gadolinium_enhancing_lesions=gd, contrast=contrast
    )


def patient(months: int = 30, **fields: Any) -> Patient:
    return ms_patient(first_infusion=START, infusions=months * 28 // 26, **fields)


def quiet_patient(**fields: Any) -> Patient:
    """Treated 30 months: baseline EDSS 2.0, scans at 6 (reference), 12 and 24 months, EDSS every 6 months."""
    data: dict[str, Any] = {
        "mri_scans": [mri(0, START - dt.timedelta(days=20))]
        + [mri(k, add_months(START, k)) for k in (6, 12, 24)],
        "edss_scores": [edss(k, add_months(START, k), 2.0) for k in (0, 6, 12, 18, 24)],
    }
    data.update(fields)
    return patient(**data)


# --- disability worsening ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("baseline", "needed"),
    [(0.0, 1.5), (0.5, 1.5), (1.0, 1.0), (3.0, 1.0), (5.5, 1.0), (6.0, 0.5), (8.0, 0.5)],
)
def test_increase_needed_by_baseline(baseline: float, needed: float) -> None:
    assert required_increase(baseline) == needed


@pytest.mark.parametrize(
    ("baseline", "later", "worsened"),
    [
        (0.0, 1.0, False),
        (0.0, 1.5, True),
        (1.0, 1.5, False),
        (1.0, 2.0, True),  # exactly +1.0 from 1.0
        (5.5, 6.0, False),  # +0.5 from 5.5 is not enough
        (5.5, 6.5, True),
        (6.0, 6.5, True),  # exactly +0.5 from 6.0
        (6.0, 6.0, False),
    ],
)
def test_worsening_thresholds_at_the_boundary(baseline: float, later: float, worsened: bool) -> None:
    base = edss(0, START, baseline)
    scores = [edss(1, add_months(START, 6), later), edss(2, add_months(START, 9), later)]
    w = find_worsening(scores, base, [], add_months(START, 12))
    assert (w is not None and w.status is WorseningStatus.CONFIRMED) is worsened


def test_confirmed_at_exactly_3_months_not_one_day_earlier() -> None:
    base = edss(0, START, 1.0)
    event = add_months(START, 6)
    at_3 = find_worsening(
        [edss(1, event, 2.0), edss(2, add_months(event, 3), 2.0)], base, [], dt.date(2026, 1, 1)
    )
    assert at_3 is not None and at_3.status is WorseningStatus.CONFIRMED
    assert at_3.confirmation is not None and at_3.confirmation.id == "e2"
    early = [edss(1, event, 2.0), edss(2, add_months(event, 3) - dt.timedelta(days=1), 2.0)]
    pending = find_worsening(early, base, [], dt.date(2026, 1, 1))
    assert pending is not None and pending.status is WorseningStatus.AWAITING_CONFIRMATION


def test_strict_confirmation_needs_6_months() -> None:
    base = edss(0, START, 1.0)
    event = add_months(START, 6)
    scores = [edss(1, event, 2.0), edss(2, add_months(event, 4), 2.0)]
    strict = find_worsening(
        scores, base, [], dt.date(2026, 1, 1), confirm_months=kb.CDW_CONFIRM_MONTHS_STRICT.value
    )
    assert strict is not None and strict.status is WorseningStatus.AWAITING_CONFIRMATION


def test_worsening_that_recovers_is_not_confirmed() -> None:
    base = edss(0, START, 2.0)
    scores = [
        edss(1, add_months(START, 6), 3.0),
        edss(2, add_months(START, 8), 2.0),
        edss(3, add_months(START, 10), 2.0),
    ]
    assert find_worsening(scores, base, [], dt.date(2026, 1, 1)) is None


def test_scores_within_30_days_of_a_relapse_are_not_used() -> None:
    base = edss(0, START, 2.0)
    relapse = Relapse(id="r1", date=add_months(START, 6))
    scores = [edss(1, relapse.date + dt.timedelta(days=30), 3.0), edss(2, add_months(START, 9), 2.0)]
    assert find_worsening(scores, base, [relapse], dt.date(2026, 1, 1)) is None
    scores = [edss(1, relapse.date + dt.timedelta(days=31), 3.0), edss(2, add_months(START, 10), 3.0)]
    w = find_worsening(scores, base, [relapse], dt.date(2026, 1, 1))
    assert w is not None and w.status is WorseningStatus.CONFIRMED


# --- relapse rates -------------------------------------------------------------------------------
def test_relapse_rates_with_their_windows() -> None:
    p = patient(
        relapses=[
            Relapse(id="r0", date=dt.date(2022, 12, 1)),  # outside the 12-month window
            Relapse(id="r1", date=dt.date(2023, 3, 1)),
            Relapse(id="r2", date=dt.date(2023, 10, 1)),
            Relapse(id="r3", date=dt.date(2025, 3, 1)),
        ]
    )
    before = pre_treatment_rate(p, START)
    assert (before.start, before.end, len(before.relapses), before.rate) == (
        dt.date(2023, 1, 8),
        START,
        2,
        2.0,
    )
    during = on_treatment_rate(p, START, dt.date(2026, 1, 8))
    assert len(during.relapses) == 1
    assert during.rate == pytest.approx(1 / ((dt.date(2026, 1, 8) - START).days / 365.25), abs=0.01)


def test_short_window_is_not_annualised() -> None:
    p = patient(months=6, relapses=[Relapse(id="r1", date=START + dt.timedelta(days=30))])
    assert on_treatment_rate(p, START, add_months(START, 6) - dt.timedelta(days=1)).rate is None
    assert on_treatment_rate(p, START, add_months(START, 6)).rate is not None


# --- MRI re-baselining ---------------------------------------------------------------------------
def test_reference_scan_near_month_6_does_not_count_its_t2_lesions() -> None:
    p = patient(
        mri_scans=[
            mri(1, add_months(START, 6) + dt.timedelta(days=20), new=3, gd=1),
            mri(2, add_months(START, 12)),
        ]
    )
    scans = classify_scans(p, START, dt.date(2026, 1, 1))
    ref, later = scans
    assert ref.role is ScanRole.REFERENCE and not ref.counted_t2 and ref.counted_enhancing
    assert ref.counted_activity  # the enhancing lesion counts
    assert later.role is ScanRole.ON_TREATMENT and later.note == ""


def test_without_a_reference_scan_the_first_later_scan_is_flagged() -> None:
    p = patient(
        mri_scans=[mri(1, add_months(START, 3), new=2), mri(2, add_months(START, 12), new=1, contrast=False)]
    )
    early, first_counted = classify_scans(p, START, dt.date(2026, 1, 1))
    assert early.role is ScanRole.BEFORE_REBASELINE and not early.counted_activity
    assert first_counted.counted_activity and "no scan near month 6" in first_counted.note
    assert first_counted.enhancing is None  # no contrast: enhancing lesions not assessed


def test_rebaseline_is_six_months() -> None:
    assert rebaseline_date(START) == dt.date(2024, 7, 8)
    assert CATALOGUE["response.ms.rebaseline"].value == 6


# --- NEDA-3 --------------------------------------------------------------------------------------
def test_neda3_achieved_over_the_first_two_years() -> None:
    result = neda3(quiet_patient(), dt.date(2026, 7, 1), START, add_months(START, 24))
    assert result.status is NedaStatus.ACHIEVED
    assert result.counted_from == rebaseline_date(START)


def test_relapse_before_rebaseline_is_not_counted_after_it_is() -> None:
    early = quiet_patient(relapses=[Relapse(id="r1", date=add_months(START, 3))])
    assert neda3(early, dt.date(2026, 7, 1), START, add_months(START, 12)).status is NedaStatus.ACHIEVED
    late = quiet_patient(relapses=[Relapse(id="r1", date=add_months(START, 9))])
    result = neda3(late, dt.date(2026, 7, 1), START, add_months(START, 12))
    assert result.status is NedaStatus.NOT_ACHIEVED
    assert any(e.record_id == "r1" for e in result.evidence)


def test_neda3_lost_by_confirmed_worsening() -> None:
    p = quiet_patient(
        edss_scores=[
            edss(0, START, 2.0),
            edss(1, add_months(START, 8), 3.0),
            edss(2, add_months(START, 11), 3.0),
        ]
    )
    result = neda3(p, dt.date(2026, 7, 1), START, add_months(START, 12))
    assert result.status is NedaStatus.NOT_ACHIEVED
    assert "disability worsening" in result.activity[0][1]


def test_neda3_unknown_without_mri_or_edss() -> None:
    no_mri = quiet_patient(mri_scans=[])
    result = neda3(no_mri, dt.date(2026, 7, 1), START, add_months(START, 12))
    assert result.status is NedaStatus.UNKNOWN and "no MRI" in result.missing[0]
    no_edss = quiet_patient(edss_scores=[])
    assert neda3(no_edss, dt.date(2026, 7, 1), START, add_months(START, 12)).status is NedaStatus.UNKNOWN


def test_activity_wins_over_missing_data() -> None:
    p = quiet_patient(edss_scores=[], relapses=[Relapse(id="r1", date=add_months(START, 9))])
    assert neda3(p, dt.date(2026, 7, 1), START, add_months(START, 12)).status is NedaStatus.NOT_ACHIEVED


# --- findings ------------------------------------------------------------------------------------
def codes(p: Patient, as_of: dt.date) -> dict[str, Any]:
    return {f.code: f for f in ms_response_findings(Context(p, as_of, US))}


def test_responder_summary_carries_rates_evidence_and_facts() -> None:
    p = quiet_patient(relapses=[Relapse(id="r1", date=dt.date(2023, 6, 1))])
    found = codes(p, dt.date(2026, 7, 1))
    assert set(found) == {"MS_RESPONSE_SUMMARY"}
    summary = found["MS_RESPONSE_SUMMARY"]
    assert "ARR 1.00" in summary.detail and "achieved" in summary.detail
    assert {"response.ms.cdw_increase", "response.ms.rebaseline"} <= set(summary.facts)
    assert any(e.record_id == "r1" and e.date == dt.date(2023, 6, 1) for e in summary.evidence)


def test_relapse_after_12_months_with_a_late_dose_is_suboptimal() -> None:
    base = quiet_patient(relapses=[Relapse(id="r1", date=add_months(START, 20))])
    infusions = [i for i in base.infusions if i.id != "inf-19"]  # a missed dose before the relapse
    p = base.model_copy(update={"infusions": tuple(infusions)})
    found = codes(p, add_months(START, 22))
    f = found["MS_SUBOPTIMAL_RESPONSE"]
    assert "relapse" in f.detail and "late dose: 56 days" in f.detail
    assert "antibodies never tested" in f.detail
    assert f.severity.value == "warning"


def test_activity_with_persistent_antibodies_is_a_non_response() -> None:
    p = quiet_patient(
        relapses=[Relapse(id="r1", date=add_months(START, 9))],
        antibody_results=[
            AntibodyResult(id="ab1", date=START + dt.timedelta(weeks=12), positive=True),
            AntibodyResult(id="ab2", date=START + dt.timedelta(weeks=24), positive=True),
        ],
    )
    found = codes(p, add_months(START, 10))
    assert "MS_NON_RESPONSE_ANTIBODIES" in found and "MS_SUBOPTIMAL_RESPONSE" not in found
    assert {e.record_id for e in found["MS_NON_RESPONSE_ANTIBODIES"].evidence} >= {"r1", "ab1", "ab2"}


def test_early_activity_is_shown_not_counted() -> None:
    p = quiet_patient(relapses=[Relapse(id="r1", date=add_months(START, 2))])
    found = codes(p, add_months(START, 4))
    assert set(found) == {"MS_RESPONSE_SUMMARY", "MS_EARLY_ACTIVITY"}


def test_extended_interval_beyond_6_weeks_is_a_possible_cause() -> None:
    p = ms_patient(
        first_infusion=START,
        infusions=14,
        interval_days=56,
        extended_interval_weeks=8,
        relapses=[Relapse(id="r1", date=add_months(START, 20))],
        mri_scans=[mri(1, add_months(START, 12))],
        edss_scores=[edss(0, START, 2.0), edss(1, add_months(START, 18), 2.0)],
    )
    detail = codes(p, add_months(START, 21))["MS_SUBOPTIMAL_RESPONSE"].detail
    assert "longer than every 6 weeks (average 56 days" in detail


def test_return_of_activity_after_stopping() -> None:
    last = START + dt.timedelta(weeks=4 * 25)
    p = quiet_patient(
        discontinuation=Discontinuation(id="stop", date=last + dt.timedelta(days=14), reason="PML risk"),
        relapses=[Relapse(id="r9", date=last + dt.timedelta(days=90))],
    )
    p = p.model_copy(update={"infusions": tuple(i for i in p.infusions if i.date <= last)})
    found = codes(p, last + dt.timedelta(days=120))
    f = found["MS_ACTIVITY_AFTER_STOP"]
    assert "90 days after the last infusion" in f.detail and "RESTORE" in f.detail
    assert "response.ms.rebound_watch" in f.facts
    quiet = p.model_copy(update={"relapses": ()})
    assert "MS_WATCH_AFTER_STOP" in codes(quiet, last + dt.timedelta(days=120))
    assert "MS_WATCH_AFTER_STOP" not in codes(quiet, add_months(last, 13))


def test_crohns_patient_has_no_ms_response() -> None:
    p = scenario_patient("crohns_responder", dt.date(2026, 11, 24))
    assert ms_response(p, dt.date(2026, 11, 24)) is None


# --- demo scenarios ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("scenario", "expected", "absent"),
    [
        ("ms_responder_neda", "MS_RESPONSE_SUMMARY", "MS_SUBOPTIMAL_RESPONSE"),
        ("ms_suboptimal_responder", "MS_SUBOPTIMAL_RESPONSE", "MS_NON_RESPONSE_ANTIBODIES"),
        ("ms_antibody_nonresponder", "MS_NON_RESPONSE_ANTIBODIES", "MS_SUBOPTIMAL_RESPONSE"),
        ("ms_rebound_after_stop", "MS_ACTIVITY_AFTER_STOP", "MS_SUBOPTIMAL_RESPONSE"),
    ],
)
@pytest.mark.parametrize("as_of", [dt.date(2026, 11, 24), dt.date(2027, 2, 3)])
def test_scenarios_show_their_response(scenario: str, expected: str, absent: str, as_of: dt.date) -> None:
    found = {f.code for f in assess(scenario_patient(scenario, as_of), as_of, US).findings}
    assert expected in found and absent not in found


def test_responder_scenario_is_neda3() -> None:
    as_of = dt.date(2026, 11, 24)
    r = ms_response(scenario_patient("ms_responder_neda", as_of), as_of)
    assert r is not None and r.recent.status is NedaStatus.ACHIEVED
    assert r.before.rate == 2.0 and r.during.rate == 0.0
