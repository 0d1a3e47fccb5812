"""PML risk stratification: table lookups at their boundaries and the JCV history rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alpha4.domain import Serostatus
from alpha4.knowledge import EU, US
from alpha4.rules import Decision, pml_risk
from alpha4.rules.pml import is_higher_risk
from tests.helpers import codes, d, finding, infusions, jcv, patient, run

POS, NEG = Serostatus.POSITIVE, Serostatus.NEGATIVE


@pytest.mark.parametrize(
    ("months", "expected", "column"),
    [
        (0, 8.8 / 8.8 * 1.2, "up to 24 months"),
        (1, 1.2, "up to 24 months"),
        (24, 1.2, "up to 24 months"),
        (25, 8.8, "25-48 months"),
        (48, 8.8, "25-48 months"),
        (49, 10.1, "49-72 months"),
        (72, 10.1, "49-72 months"),
    ],
)
def test_exposure_band_boundaries(months: int, expected: float, column: str) -> None:
    r = pml_risk(POS, 2.0, False, months, US)
    assert r.risk_per_1000 == pytest.approx(expected)
    assert r.column == column
    assert r.table == "berger-fox-2016"


@pytest.mark.parametrize(
    ("index", "us_expected", "eu_expected"),
    [(0.9, 1.1, 0.2), (0.91, 1.1, 0.8), (0.89, 1.1, 0.2), (1.5, 1.1, 0.8), (1.51, 8.8, 3.0)],
)
def test_index_cutoffs_are_inclusive_upper_bounds(
    index: float, us_expected: float, eu_expected: float
) -> None:
    """Index <= 0.9, > 0.9 to <= 1.5, > 1.5; at 30 months of exposure."""
    r = pml_risk(POS, index, False, 30, EU)
    assert r.risk_per_1000 == us_expected  # primary table is the verified one in both profiles
    (smpc,) = r.additional
    expected_band = 0.2 if index <= 0.9 else 0.8 if index <= 1.5 else 3.0
    assert smpc.risk_per_1000 == expected_band == eu_expected
    assert "TO BE CHECKED" in " ".join(smpc.notes)


def test_beyond_72_months_shows_last_band_and_says_so() -> None:
    r = pml_risk(POS, None, True, 96, US)
    assert r.risk_per_1000 == 13
    assert r.beyond_table
    assert "ends at 72 months" in r.notes[0]


def test_jcv_negative_rows() -> None:
    assert pml_risk(NEG, None, False, 24, US).risk_per_1000 == 0.02
    assert pml_risk(NEG, None, False, 25, US).risk_per_1000 == 0.2
    assert pml_risk(NEG, None, True, 25, US).risk_per_1000 == 0.9
    eu = pml_risk(NEG, None, False, 30, EU).additional[0]
    assert (eu.qualifier, eu.risk_per_1000) == ("<", 0.07)


def test_unknown_prior_immunosuppressant_takes_the_higher_row() -> None:
    r = pml_risk(POS, 0.5, None, 30, US)
    assert r.risk_per_1000 == 12  # prior-IS row (12) above index <= 1.5 row (1.1)
    assert any("not recorded" in n for n in r.notes)


@given(
    status=st.sampled_from([POS, NEG]),
    index=st.one_of(st.none(), st.floats(0, 5, allow_nan=False)),
    prior=st.booleans(),
    months=st.integers(0, 100),
    extra=st.integers(0, 40),
)
def test_risk_never_falls_as_exposure_grows_within_a_row(
    status: Serostatus, index: float | None, prior: bool, months: int, extra: int
) -> None:
    for profile in (US, EU):
        a = pml_risk(status, index, prior, months, profile)
        b = pml_risk(status, index, prior, months + extra, profile)
        assert a.group == b.group
        assert b.risk_per_1000 >= a.risk_per_1000
        for x, y in zip(a.additional, b.additional, strict=True):
            if x.group != "jcv_positive_prior_is":  # the SmPC prior-IS row falls at 61-72 months as published
                assert y.risk_per_1000 >= x.risk_per_1000


@pytest.mark.parametrize(
    ("status", "index", "prior", "months", "expected"),
    [
        (POS, 1.6, False, 25, True),
        (POS, 1.6, False, 24, False),
        (POS, 1.5, False, 36, False),
        (POS, None, True, 25, True),
        (POS, None, False, 36, None),
        (NEG, None, True, 60, False),
    ],
)
def test_eu_higher_risk_definition(
    status: Serostatus, index: float | None, prior: bool, months: int, expected: bool | None
) -> None:
    assert is_higher_risk(status, index, prior, months) is expected


# --- the JCV history --------------------------------------------------------------------------
def _on_treatment(**fields: object) -> object:
    return patient(
        infusions=infusions("2023-01-02", 41), mri_scans=[{"id": "m", "date": "2026-01-10"}], **fields
    )


def test_no_jcv_result_holds_and_says_risk_cannot_be_computed() -> None:
    a = run(_on_treatment())
    assert a.pml is None
    assert "PML_JCV_MISSING" in a.gate.reasons
    assert a.gate.decision is Decision.HOLD


def test_latest_result_is_used_with_its_evidence() -> None:
    a = run(_on_treatment(jcv_results=[jcv("2025-12-01", "positive", 1.8, id="j1")]))
    assert a.pml is not None and a.pml.risk_per_1000 == 8.8
    est = finding(a, "PML_RISK_ESTIMATE")
    assert est.evidence[0].record_id == "j1"
    assert "PML_HIGHER_RISK" in codes(a)


def test_result_within_two_weeks_of_plasma_exchange_is_not_used() -> None:
    meds = [
        {
            "id": "plex",
            "name": "plasma exchange",
            "medicine_class": "plasma_exchange",
            "start": "2026-04-01",
            "end": "2026-04-06",
        }
    ]
    a = run(_on_treatment(medications=meds, jcv_results=[jcv("2026-04-19", "negative", 0.1)]))
    assert "PML_JCV_UNRELIABLE" in codes(a)
    assert a.pml is None
    b = run(_on_treatment(medications=meds, jcv_results=[jcv("2026-04-20", "negative", 0.1)]))
    assert "PML_JCV_UNRELIABLE" not in codes(b)
    assert b.pml is not None


def test_result_within_six_months_of_ivig_is_not_used() -> None:
    meds = [
        {"id": "ivig", "name": "IVIG", "medicine_class": "ivig", "start": "2025-10-01", "end": "2025-10-01"}
    ]
    a = run(_on_treatment(medications=meds, jcv_results=[jcv("2026-03-31", "negative", 0.1)]))
    assert "PML_JCV_UNRELIABLE" in codes(a)
    b = run(_on_treatment(medications=meds, jcv_results=[jcv("2026-04-01", "negative", 0.1)]))
    assert "PML_JCV_UNRELIABLE" not in codes(b)


def test_immunowell_index_is_not_used_for_index_bands() -> None:
    a = run(_on_treatment(jcv_results=[jcv("2026-03-01", "positive", 0.6, assay="immunowell")]))
    assert "PML_JCV_INDEX_NOT_STRATIFY" in codes(a)
    assert a.pml is not None and a.pml.group == "jcv_positive_no_prior_is_no_index"


def test_seroconversion_and_seroreversion() -> None:
    a = run(
        _on_treatment(jcv_results=[jcv("2025-06-01", "negative", 0.1), jcv("2026-03-01", "positive", 0.7)])
    )
    assert "PML_JCV_SEROCONVERSION" in codes(a)
    b = run(
        _on_treatment(jcv_results=[jcv("2025-06-01", "positive", 0.7), jcv("2026-03-01", "negative", 0.15)])
    )
    assert "PML_JCV_SEROREVERSION" in codes(b)
    assert b.pml is not None and b.pml.group == "jcv_positive_no_prior_is_no_index"


def test_indeterminate_gives_insufficient_data_not_low_risk() -> None:
    a = run(_on_treatment(jcv_results=[jcv("2026-03-01", "indeterminate", 0.3)]))
    assert a.pml is None
    assert "PML_JCV_INDETERMINATE" in codes(a)


def test_neurological_symptoms_hold_as_suspected_pml() -> None:
    ae = [
        {
            "id": "ae1",
            "date": "2026-05-25",
            "category": "neurological_symptoms",
            "term": "new ataxia for 5 days",
        }
    ]
    a = run(_on_treatment(jcv_results=[jcv("2026-03-01", "negative", 0.1)], adverse_events=ae))
    assert a.gate.decision is Decision.HOLD and "PML_SUSPECTED" in a.gate.reasons


def test_confirmed_pml_stops() -> None:
    ae = [{"id": "ae1", "date": "2026-05-25", "category": "pml", "term": "PML", "confirmed": True}]
    a = run(_on_treatment(jcv_results=[jcv("2026-03-01", "positive", 2.0)], adverse_events=ae))
    assert a.gate.decision is Decision.STOP and "PML_CONFIRMED" in a.gate.reasons


def test_two_year_benefit_risk_discussion() -> None:
    base = {"jcv_results": [jcv("2026-03-01", "negative", 0.1)]}
    a = run(_on_treatment(**base))
    assert "PML_BENEFIT_RISK_DISCUSSION_DUE" in codes(a)
    done = [{"id": "brd", "date": "2025-01-10", "kind": "benefit_risk_discussion"}]
    assert "PML_BENEFIT_RISK_DISCUSSION_DUE" not in codes(run(_on_treatment(authorizations=done, **base)))


def test_extended_interval_is_reported_as_evidence_not_a_multiplier() -> None:
    p = patient(
        infusions=infusions("2024-08-26", 16, every=42),
        extended_interval_weeks=6,
        jcv_results=[jcv("2026-03-01", "positive", 1.2)],
    )
    a = run(p, as_of=d("2026-06-01"))
    assert "PML_EXTENDED_INTERVAL" in codes(a)
    assert a.pml is not None and a.pml.risk_per_1000 == 0.2  # 16 infusions: table value unchanged
    assert a.next_infusion == d("2026-05-18") + dt.timedelta(days=42)
