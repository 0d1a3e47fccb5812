"""The schedule: due dates and statuses of each item."""

from __future__ import annotations

import datetime as dt

import pytest

from alpha4.knowledge import EU, US
from alpha4.rules import Status
from tests.helpers import codes, d, infusions, jcv, patient, run


def item(a: object, name: str) -> object:
    return next(s for s in a.schedule if s.item == name)  # type: ignore[attr-defined]


def base(**fields: object) -> object:
    return patient(
        infusions=infusions("2025-12-08", 6),
        jcv_results=[jcv("2025-11-20", "negative", 0.1)],
        mri_scans=[{"id": "m", "date": "2025-11-15", "kind": "baseline"}],
        **fields,
    )


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        ("2026-05-10", Status.OK),
        ("2026-05-11", Status.DUE_SOON),
        ("2026-05-25", Status.DUE),
        ("2026-06-01", Status.DUE),
        ("2026-06-02", Status.OVERDUE),
    ],
)
def test_next_infusion_every_four_weeks(as_of: str, status: Status) -> None:
    """Last infusion 2026-04-27: due 2026-05-25, overdue after 5 weeks (2026-06-01)."""
    s = item(run(base(), as_of=d(as_of)), "infusion")
    assert (s.due, s.status) == (d("2026-05-25"), status)  # type: ignore[attr-defined]


def test_jcv_negative_retest_every_six_months_and_stale_result_holds() -> None:
    s = item(run(base(), as_of=d("2026-05-10")), "jcv_antibody_test")
    assert s.due == d("2026-05-20")  # type: ignore[attr-defined]
    late = run(base(), as_of=d("2026-06-18"))
    assert item(late, "jcv_antibody_test").status is Status.OVERDUE  # type: ignore[attr-defined]
    assert "SCHEDULE_JCV_OVERDUE" in late.gate.reasons


def test_positive_low_index_retest_starts_at_two_years() -> None:
    p = patient(
        infusions=infusions("2025-01-06", 16),
        jcv_results=[jcv("2025-01-02", "positive", 0.7)],
        mri_scans=[{"id": "m", "date": "2025-01-01"}],
    )
    s = item(run(p, as_of=d("2026-03-10")), "jcv_antibody_test")
    assert s.due == d("2027-01-06")  # type: ignore[attr-defined]


def test_positive_high_index_needs_no_more_jcv_tests() -> None:
    p = patient(
        infusions=infusions("2025-01-06", 16),
        jcv_results=[jcv("2025-01-02", "positive", 2.1)],
        mri_scans=[{"id": "m", "date": "2025-01-01"}],
    )
    assert item(run(p, as_of=d("2026-03-10")), "jcv_antibody_test").status is Status.NOT_REQUIRED  # type: ignore[attr-defined]


def test_higher_risk_mri_every_three_to_six_months() -> None:
    p = patient(
        infusions=infusions("2023-01-02", 44),
        jcv_results=[jcv("2025-12-01", "positive", 2.4)],
        mri_scans=[{"id": "m", "date": "2026-02-01", "kind": "abbreviated"}],
    )
    a = run(p, as_of=d("2026-05-20"))
    s = item(a, "mri")
    assert (s.due, s.overdue_after) == (d("2026-05-01"), d("2026-08-01"))  # type: ignore[attr-defined]
    assert s.status is Status.DUE  # type: ignore[attr-defined]


def test_routine_mri_yearly() -> None:
    s = item(run(base(), as_of=d("2026-05-10")), "mri")
    assert s.due == d("2026-11-15")  # type: ignore[attr-defined]


def test_baseline_mri_holds_the_first_infusion() -> None:
    p = patient(jcv_results=[jcv("2026-05-01", "negative", 0.1)])
    a = run(p, as_of=d("2026-05-10"))
    assert "MRI_BASELINE_NEEDED" in a.gate.reasons


def test_touch_assessments_at_3_and_6_months_then_every_6() -> None:
    a = run(base(), as_of=d("2026-02-20"))
    assert item(a, "reassessment").due == d("2026-03-08")  # type: ignore[attr-defined]
    done = [{"id": "r1", "date": "2026-03-06", "kind": "reassessment"}]
    assert item(run(base(authorizations=done), as_of=d("2026-04-01")), "reassessment").due == d("2026-06-08")  # type: ignore[attr-defined]
    eu = run(base(), as_of=d("2026-02-20"), profile=EU)
    assert item(eu, "reassessment").due == d("2026-06-08")  # type: ignore[attr-defined]


def test_no_recorded_authorization_is_a_finding_not_a_hold() -> None:
    a = run(base(), as_of=d("2026-05-10"), profile=US)
    assert "REMS_AUTHORIZATION_UNVERIFIED" in codes(a)
    assert "REMS_AUTHORIZATION_UNVERIFIED" not in a.gate.reasons


def test_lapsed_authorization_holds() -> None:
    auth = [{"id": "a", "date": "2025-11-01", "kind": "enrollment"}]
    assert (
        "REMS_AUTHORIZATION_LAPSED" not in run(base(authorizations=auth), as_of=d("2026-05-01")).gate.reasons
    )
    late = run(base(authorizations=auth), as_of=d("2026-05-02"))
    assert "REMS_AUTHORIZATION_LAPSED" in late.gate.reasons
    assert (
        "REMS_AUTHORIZATION_LAPSED"
        not in run(base(authorizations=auth), as_of=d("2026-05-02"), profile=EU).gate.reasons
    )


def test_follow_up_six_months_after_discontinuation() -> None:
    p = base(discontinuation={"id": "s", "date": "2026-05-01", "reason": "switch"})
    s = item(run(p, as_of=d("2026-06-01")), "discontinuation_follow_up")
    assert s.due == d("2026-11-01")  # type: ignore[attr-defined]
    names = {x.item for x in run(p, as_of=d("2026-06-01")).schedule}
    assert "infusion" not in names and "antibody_test" not in names


def test_labs_routine_interval() -> None:
    labs = [{"id": "l", "date": "2026-01-05", "loinc": "777-3", "value": 250, "unit": "10*3/uL"}]
    a = run(base(labs=labs), as_of=d("2026-05-10"))
    assert item(a, "complete_blood_count").due == d("2026-07-05")  # type: ignore[attr-defined]
    assert item(a, "liver_function_tests").due == d("2025-12-08")  # type: ignore[attr-defined]
    assert item(a, "liver_function_tests").status is Status.OVERDUE  # type: ignore[attr-defined]
    _ = dt


def test_status_urgency_orders_overdue_first_and_nothing_to_do_last() -> None:
    """The store keeps each REMS item's most urgent status by this order (``Status.rank``)."""
    order = [Status.NOT_REQUIRED, Status.DONE, Status.OK, Status.DUE_SOON, Status.DUE, Status.OVERDUE]
    assert [s.rank for s in order] == [0, 0, 1, 2, 3, 4]
