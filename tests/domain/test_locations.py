"""Error locations name the item as the user wrote it, not its place after date sorting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alpha4.domain import load_patient
from alpha4.domain.locations import format_location, written_location, written_order

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ms_jcv_positive_high_index.json"


def test_format_location_uses_brackets_for_list_positions() -> None:
    assert format_location(("infusions", 0, "date")) == "infusions[0].date"
    assert format_location(("indication", "ms_course")) == "indication.ms_course"
    assert format_location(()) == "(record)"


def test_written_order_mirrors_the_patient_sorting() -> None:
    raw = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    raw["infusions"].reverse()  # the file lists the newest first
    raw["labs"] = raw["labs"][1::2] + raw["labs"][::2]
    patient = load_patient(json.dumps(raw))
    for name in ("infusions", "labs"):
        order = written_order(raw, name)
        assert order is not None
        loaded = getattr(patient, name)
        assert [r.id for r in loaded] == [raw[name][k]["id"] for k in order]


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("infusions[0].date", "infusions[2].date"),  # the oldest, written last
        ("infusions[2].dose_mg", "infusions[0].dose_mg"),
        ("infusions[1]", "infusions[1]"),
        ("infusions[7].date", "infusions[7].date"),  # out of range: unchanged
        ("birth_date", "birth_date"),
        ("indication.ms_course", "indication.ms_course"),
    ],
)
def test_written_location(field: str, expected: str) -> None:
    raw = {
        "infusions": [
            {"id": "c", "date": "2024-03-01"},
            {"id": "b", "date": "2024-02-01"},
            {"id": "a", "date": "2024-01-01"},
        ]
    }
    assert written_location(field, raw) == expected


def test_a_list_the_record_does_not_sort_keeps_its_indices() -> None:
    raw = {"infusions": [{"id": "c", "date": "2024-03-01"}, {"id": "b"}]}  # one date missing
    assert written_location("infusions[1].date", raw) == "infusions[1].date"
