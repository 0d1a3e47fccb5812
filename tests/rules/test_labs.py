"""Laboratory interpretation: expected rises, unexplained cytopenias, liver injury, 16 weeks."""

from __future__ import annotations

import pytest

from alpha4.domain import LabResult
from alpha4.domain.units import UnitError, normalise
from alpha4.rules import Decision
from tests.helpers import codes, d, finding, infusions, jcv, lab, patient, run

ON = {
    "infusions": infusions("2025-06-02", 12),
    "jcv_results": [jcv("2026-03-01", "negative", 0.1)],
    "mri_scans": [{"id": "m", "date": "2026-01-10"}],
}
AS_OF = d("2026-05-12")


def test_lymphocytosis_on_treatment_is_information_not_alarm() -> None:
    a = run(patient(labs=[lab("2026-05-01", "731-0", 4.2, "10*3/uL", 1.0, 3.2)], **ON), as_of=AS_OF)
    f = finding(a, "LAB_EXPECTED_RISE")
    assert f.severity.value == "info" and f.gate.value == "none"


def test_neutropenia_is_not_explained_by_the_drug() -> None:
    a = run(patient(labs=[lab("2026-05-01", "751-8", 1.2, "10*3/uL", 1.8, 7.7)], **ON), as_of=AS_OF)
    assert finding(a, "LAB_NEUTROPENIA").severity.value == "warning"


def test_neutropenia_default_limit_without_range() -> None:
    assert "LAB_NEUTROPENIA" in codes(
        run(patient(labs=[lab("2026-05-01", "751-8", 1.49, "10*3/uL")], **ON), as_of=AS_OF)
    )
    assert "LAB_NEUTROPENIA" not in codes(
        run(patient(labs=[lab("2026-05-01", "751-8", 1.5, "10*3/uL")], **ON), as_of=AS_OF)
    )


def test_units_are_normalised_before_comparison() -> None:
    """1,200 /uL is 1.2 x10^3/uL: neutropenic."""
    a = run(patient(labs=[lab("2026-05-01", "751-8", 1200, "/uL", 1800, 7700)], **ON), as_of=AS_OF)
    assert "LAB_NEUTROPENIA" in codes(a)


@pytest.mark.parametrize(("alt", "expected"), [(168.0, False), (168.1, True)])
def test_transaminases_above_three_times_uln_hold(alt: float, expected: bool) -> None:
    a = run(patient(labs=[lab("2026-05-01", "1742-6", alt, "U/L", 7, 56)], **ON), as_of=AS_OF)
    assert ("LAB_TRANSAMINASES_RAISED" in a.gate.reasons) is expected


def test_with_bilirubin_above_twice_uln_it_stops() -> None:
    labs = [
        lab("2026-05-01", "1742-6", 200, "U/L", 7, 56),
        lab("2026-05-01", "1975-2", 42.0, "umol/L", 3, 20.5),
    ]
    a = run(patient(labs=labs, **ON), as_of=AS_OF)
    assert a.gate.decision is Decision.STOP and "LAB_LIVER_INJURY_STOP" in a.gate.reasons


def test_bilirubin_exactly_twice_uln_does_not_stop() -> None:
    labs = [
        lab("2026-05-01", "1742-6", 200, "U/L", 7, 56),
        lab("2026-05-01", "1975-2", 2.4, "mg/dL", 0.1, 1.2),
    ]
    a = run(patient(labs=labs, **ON), as_of=AS_OF)
    assert "LAB_LIVER_INJURY_STOP" not in codes(a)
    assert "LAB_TRANSAMINASES_RAISED" in a.gate.reasons


def test_missing_upper_limit_is_reported_not_ignored() -> None:
    a = run(patient(labs=[lab("2026-05-01", "1742-6", 400, "U/L")], **ON), as_of=AS_OF)
    assert "LAB_RANGE_MISSING" in codes(a)


def test_unknown_loinc_is_kept_and_reported() -> None:
    a = run(patient(labs=[lab("2026-05-01", "2345-7", 5.4, "mmol/L")], **ON), as_of=AS_OF)
    assert "LAB_NOT_INTERPRETED" in codes(a)


def test_unit_that_cannot_convert_is_refused() -> None:
    bad = LabResult(id="x", date=d("2026-05-01"), loinc="1742-6", value=3, unit="mg/dL")
    with pytest.raises(UnitError, match="mg/dL"):
        normalise(bad)


@pytest.mark.parametrize(("lab_day", "expected"), [("2026-07-21", False), ("2026-07-22", True)])
def test_counts_should_be_back_to_baseline_16_weeks_after_last_dose(lab_day: str, expected: bool) -> None:
    """Last dose 2026-03-31; 16 weeks later is 2026-07-21."""
    p = patient(
        infusions=infusions("2026-01-06", 4),
        jcv_results=[jcv("2025-12-20", "negative", 0.1)],
        discontinuation={"id": "stop", "date": "2026-04-10", "reason": "planned pregnancy"},
        labs=[lab(lab_day, "731-0", 4.0, "10*3/uL", 1.0, 3.2)],
    )
    a = run(p, as_of=d("2026-08-01"))
    assert ("LAB_NOT_BACK_TO_BASELINE" in codes(a)) is expected
