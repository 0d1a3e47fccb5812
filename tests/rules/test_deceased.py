"""A patient recorded as deceased leaves the worklist (rules and the stored summary) and nothing is
planned for them (issue 13 item 6: Patient.deceased[x] stops everything)."""

from __future__ import annotations

import datetime as dt

from alpha4.domain import Death, Patient
from alpha4.domain.builders import ms_patient
from alpha4.knowledge import US
from alpha4.rules import assess
from alpha4.rules.worklist import build_worklist, worklist_row
from alpha4.store.summary import summary_values

AS_OF = dt.date(2024, 6, 24)


def _patients() -> tuple[Patient, Patient]:
    alive = ms_patient(first_infusion=dt.date(2024, 1, 8), infusions=6, id="alive")
    dead = alive.model_copy(update={"id": "dead", "death": Death(date=dt.date(2024, 6, 1))})
    return alive, dead


def test_a_deceased_patient_is_stopped_with_nothing_planned() -> None:
    _, dead = _patients()
    a = assess(dead, AS_OF, US)
    assert a.gate.decision.value == "stop" and "PATIENT_DECEASED" in a.gate.reasons
    assert {s.status.value for s in a.schedule} == {"not_required"}
    assert a.next_infusion is None
    assert worklist_row(a).deceased


def test_a_deceased_patient_is_not_on_the_worklist() -> None:
    alive, dead = _patients()
    rows = build_worklist([assess(p, AS_OF, US) for p in (alive, dead)], include_quiet=True)
    assert [r.patient_id for r in rows] == ["alive"]


def test_the_stored_summary_keeps_a_deceased_patient_off_the_worklist() -> None:
    alive, dead = _patients()
    assert summary_values(alive, AS_OF, US)["on_worklist"] is True
    values = summary_values(dead, AS_OF, US)
    assert (values["on_worklist"], values["gate"]) == (False, "stop")


def test_a_death_recorded_without_a_date_stops_too() -> None:
    alive, _ = _patients()
    a = assess(alive.model_copy(update={"death": Death()}), AS_OF, US)
    assert "PATIENT_DECEASED" in a.gate.reasons and a.next_infusion is None
