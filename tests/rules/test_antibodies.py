"""Anti-natalizumab antibodies: 6 weeks apart makes persistent; persistent stops (overridable)."""

from __future__ import annotations

import datetime as dt

import pytest

from alpha4.domain import AntibodyResult, PreInfusionChecklist
from alpha4.rules import Decision
from alpha4.rules.antibodies import AntibodyStatus, classify
from tests.helpers import codes, d, infusions, jcv, patient, run


def ab(day: str, positive: bool, conc: float | None = None) -> AntibodyResult:
    return AntibodyResult(id=f"ab-{day}", date=d(day), positive=positive, concentration_ug_per_ml=conc)


@pytest.mark.parametrize(
    ("days", "status"), [(41, AntibodyStatus.POSITIVE_UNCONFIRMED), (42, AntibodyStatus.PERSISTENT)]
)
def test_six_weeks_minus_one_day_is_not_persistent(days: int, status: AntibodyStatus) -> None:
    second = (d("2026-01-05") + dt.timedelta(days=days)).isoformat()
    assert classify((ab("2026-01-05", True), ab(second, True))).status is status


def test_positive_then_negative_is_transient() -> None:
    assert classify((ab("2026-01-05", True), ab("2026-03-01", False))).status is AntibodyStatus.TRANSIENT


def test_concentration_at_threshold_counts_as_positive() -> None:
    assert classify((ab("2026-01-05", False, 0.5),)).status is AntibodyStatus.POSITIVE_UNCONFIRMED
    assert classify((ab("2026-01-05", False, 0.49),)).status is AntibodyStatus.NEGATIVE


def _treated(**fields: object) -> object:
    return patient(
        infusions=infusions("2025-12-08", 6),
        jcv_results=[jcv("2025-11-20", "negative", 0.1)],
        mri_scans=[{"id": "m", "date": "2025-11-15", "kind": "baseline"}],
        authorizations=[{"id": "a", "date": "2025-11-20", "kind": "enrollment"}],
        **fields,
    )


def test_persistent_antibodies_stop_and_only_a_prescriber_clearance_overrides() -> None:
    results = [ab("2026-03-02", True).model_dump(), ab("2026-04-13", True).model_dump()]
    p = _treated(antibody_results=results)
    a = run(p, as_of=d("2026-05-25"))
    assert a.gate.decision is Decision.STOP
    assert "ANTIBODY_PERSISTENT" in a.gate.reasons
    cleared = PreInfusionChecklist.model_validate(
        {
            "clearances": [
                {
                    "code": "ANTIBODY_PERSISTENT",
                    "reason": "antibody titre falling; switching soon",
                    "prescriber": "Dr Example",
                }
            ]
        }
    )
    b = run(p, as_of=d("2026-05-25"), checklist=cleared)
    assert "ANTIBODY_PERSISTENT" not in b.gate.reasons
    assert b.gate.cleared[0].code == "ANTIBODY_PERSISTENT"


def test_first_positive_asks_for_confirmation_six_weeks_later() -> None:
    a = run(_treated(antibody_results=[ab("2026-03-02", True).model_dump()]), as_of=d("2026-03-20"))
    assert "ANTIBODY_POSITIVE_UNCONFIRMED" in codes(a)
    item = next(s for s in a.schedule if s.item == "antibody_test")
    assert item.due == d("2026-04-13")


def test_antibody_test_due_every_12_weeks() -> None:
    a = run(_treated(antibody_results=[ab("2026-03-02", False).model_dump()]), as_of=d("2026-05-10"))
    item = next(s for s in a.schedule if s.item == "antibody_test")
    assert item.due == d("2026-05-25")
    assert item.status.value == "ok"


def test_infusion_reaction_since_last_test_suggests_testing() -> None:
    p = _treated(antibody_results=[ab("2026-01-05", False).model_dump()])
    data = p.model_dump()  # type: ignore[attr-defined]
    data["infusions"][-1]["reaction"] = {"kind": "infusion_reaction", "grade": 2, "onset_minutes": 40}
    a = run(type(p).model_validate(data), as_of=d("2026-05-25"))
    assert "ANTIBODY_TEST_INDICATED" in codes(a)
