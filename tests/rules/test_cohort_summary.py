"""The cohort's response summary: ARR, NEDA-3 at 1 and 2 years, Crohn's remission, each with its n."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alpha4.domain import (
    CrohnsHistory,
    CrohnsIndexKind,
    CrohnsScore,
    Disease,
    EdssScore,
    Indication,
    MriScan,
    Patient,
    Relapse,
)
from alpha4.domain.builders import ms_patient
from alpha4.rules.cohort_summary import format_cohort_summary, summarize_cohort
from alpha4.rules.dates import add_months
from alpha4.synthetic import SCENARIOS, generate_cohort

START = dt.date(2024, 1, 8)
AS_OF = dt.date(2026, 1, 8)  # exactly 2 years (731 days) after START


def ms(id: str, relapses: list[dt.date] = [], with_mri: bool = True, **fields: Any) -> Patient:  # noqa: B006
    return ms_patient(
        id=id,
        first_infusion=START,
        infusions=26,
        relapses=[Relapse(id=f"{id}-r{n}", date=d) for n, d in enumerate(relapses)],
        mri_scans=[MriScan(id=f"{id}-m{k}", date=add_months(START, k), new_t2_lesions=0) for k in (6, 12, 24)]
        if with_mri
        else [],
        edss_scores=[EdssScore(id=f"{id}-e{k}", date=add_months(START, k), score=2.0) for k in (0, 12, 24)],
        **fields,
    )


def crohns(id: str, latest: float | None) -> Patient:
    base = ms_patient(id=id, first_infusion=START, infusions=26)
    scores = [CrohnsScore(id=f"{id}-s0", date=START, index=CrohnsIndexKind.CDAI, score=320)]
    if latest is not None:
        scores.append(
            CrohnsScore(id=f"{id}-s1", date=add_months(START, 12), index=CrohnsIndexKind.CDAI, score=latest)
        )
    return Patient.model_validate(
        {
            **base.model_dump(),
            "indication": Indication(disease=Disease.CROHNS_DISEASE, crohns=CrohnsHistory()),
            "crohns_scores": scores,
        }
    )


def test_summary_counts_patients_behind_each_figure() -> None:
    cohort = [
        ms("a"),
        ms("b", relapses=[add_months(START, 9)]),  # activity after re-baseline in year 1
        ms("c", relapses=[add_months(START, 18), add_months(START, 20)]),  # year 2 only
        ms("d", with_mri=False),  # unknown: no MRI
        crohns("x", 120),
        crohns("y", 150),
        crohns("z", None),
    ]
    s = summarize_cohort((p, AS_OF) for p in cohort)
    arr = s.ms_arr_on_treatment
    assert (arr.events, arr.patients) == (3, 4)
    assert arr.patient_years == pytest.approx(4 * 731 / 365.25, abs=0.01)
    assert arr.value == pytest.approx(3 / (4 * 731 / 365.25), abs=0.001)
    assert (s.neda3_1_year.numerator, s.neda3_1_year.denominator, s.neda3_1_year.unknown) == (2, 3, 1)
    assert (s.neda3_2_years.numerator, s.neda3_2_years.denominator, s.neda3_2_years.unknown) == (1, 3, 1)
    assert (s.crohns_remission.numerator, s.crohns_remission.denominator, s.crohns_remission.unknown) == (
        1,
        2,
        1,
    )
    text = format_cohort_summary(s)
    assert "3 relapses over 8.0 patient-years, 4 patients" in text
    assert "NEDA-3 at 1 year (re-baselined at 6 months): 67% (2 of 3 patients); 1 not assessable" in text
    assert "Crohn's remission (latest CDAI < 150 or HBI < 5): 50% (1 of 2 patients); 1 not assessable" in text


def test_neda_at_2_years_needs_2_years_of_treatment() -> None:
    s = summarize_cohort([(ms("a"), AS_OF - dt.timedelta(days=1))])
    assert s.neda3_1_year.denominator == 1
    assert s.neda3_2_years.denominator == 0 and s.neda3_2_years.value is None


def test_demo_cohort_contains_every_response_scenario() -> None:
    names = {name for name, _ in generate_cohort(len(SCENARIOS), AS_OF, seed=4)}
    assert {
        "ms_responder_neda",
        "ms_suboptimal_responder",
        "ms_antibody_nonresponder",
        "ms_rebound_after_stop",
        "crohns_remission",
        "crohns_steroids_prolonged",
        "crohns_no_benefit",
        "crohns_steroids_not_tapered",
    } <= names


def test_demo_summary_has_every_figure() -> None:
    s = summarize_cohort((p, AS_OF) for _, p in generate_cohort(120, AS_OF, seed=4))
    assert s.ms_arr_on_treatment.patients > 50
    assert s.neda3_1_year.denominator > 0 and s.neda3_2_years.denominator > 0
    assert s.crohns_remission.denominator > 0
    assert s.neda3_1_year.numerator < s.neda3_1_year.denominator  # some patients have activity
