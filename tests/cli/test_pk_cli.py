"""``alpha4 pk``: the JSON contract of ``simulate``, ``plan`` and ``population``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from alpha4.cli import app

runner = CliRunner()


def test_simulate_json_contract() -> None:
    result = runner.invoke(
        app, ["pk", "simulate", "--weight", "70", "--interval-weeks", "4", "--doses", "13"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    n = len(data["times_days"])
    assert n == len(data["concentration_ug_per_ml"]) == len(data["saturation_percent"]) > 0
    assert len(data["troughs"]) == 13
    assert [t["dose_number"] for t in data["troughs"]] == list(range(1, 14))
    assert data["troughs"][0]["day"] == 28.0
    assert 23 <= data["troughs"][-1]["concentration_ug_per_ml"] <= 29


def test_simulate_every_6_weeks_troughs_are_60_to_70_percent_lower() -> None:
    q4 = json.loads(runner.invoke(app, ["pk", "simulate", "--interval-weeks", "4", "--doses", "20"]).output)
    q6 = json.loads(runner.invoke(app, ["pk", "simulate", "--interval-weeks", "6", "--doses", "20"]).output)
    ratio = q6["troughs"][-1]["concentration_ug_per_ml"] / q4["troughs"][-1]["concentration_ug_per_ml"]
    assert 0.30 <= ratio <= 0.40


def test_simulate_antibodies_and_interferon() -> None:
    result = runner.invoke(
        app, ["pk", "simulate", "--antibodies", "persistent", "--doses", "3", "--interferon"]
    )
    data = json.loads(result.output)
    assert data["troughs"][2]["concentration_ug_per_ml"] < 2.6  # published week 12: about 1.3 µg/mL
    assert any("Interferon" in note for note in data["notes"])


def test_simulate_csv_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "course.png"
    result = runner.invoke(app, ["pk", "simulate", "--format", "csv", "--doses", "2", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "time_days,concentration_ug_per_ml,saturation_percent"
    assert len(lines) == 1 + 57  # days 0..56
    assert png.read_bytes()[:4] == b"\x89PNG"
    svg = tmp_path / "course.svg"
    assert runner.invoke(app, ["pk", "simulate", "--doses", "2", "--plot", str(svg)]).exit_code == 0
    assert b"<svg" in svg.read_bytes()[:500]


def test_simulate_rejects_a_bad_plot_suffix(tmp_path: Path) -> None:
    result = runner.invoke(app, ["pk", "simulate", "--plot", str(tmp_path / "x.gif")])
    assert result.exit_code != 0


def _write_patient(tmp_path: Path, trough: float) -> Path:
    start = dt.date(2024, 1, 8)
    infusions = [
        {"id": f"inf-{i}", "date": (start + dt.timedelta(weeks=4 * i)).isoformat(), "dose_mg": 300}
        for i in range(14)
    ]
    last = start + dt.timedelta(weeks=52)
    record = {
        "id": "p-cli",
        "birth_date": "1980-02-02",
        "sex": "male",
        "indication": {"disease": "multiple_sclerosis", "ms_course": "rrms"},
        "weights": [{"id": "w", "date": start.isoformat(), "weight_kg": 75}],
        "infusions": infusions,
        "drug_levels": [
            {
                "id": "l1",
                "date": (last - dt.timedelta(weeks=4)).isoformat(),
                "concentration_ug_per_ml": trough,
            },
            {"id": "l2", "date": last.isoformat(), "concentration_ug_per_ml": trough},
        ],
        "antibody_results": [{"id": "ab", "date": start.isoformat(), "positive": False}],
        "mri_scans": [
            {
                "id": "m",
                "date": last.isoformat(),
                "new_t2_lesions": 0,
                "gadolinium_enhancing_lesions": 0,
            }
        ],
    }
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(record))
    return path


def test_plan_reads_the_patient_and_returns_a_finding(tmp_path: Path) -> None:
    path = _write_patient(tmp_path, 40.0)
    result = runner.invoke(app, ["pk", "plan", str(path)])
    assert result.exit_code == 0, result.output
    finding = json.loads(result.output)
    assert finding["code"] == "PK_INTERVAL_EXTEND"
    assert finding["recommended_interval_weeks"] > 4
    assert finding["sources"] and finding["evidence"]
    stricter = json.loads(runner.invoke(app, ["pk", "plan", str(path), "--target", "20"]).output)
    assert stricter["recommended_interval_weeks"] < finding["recommended_interval_weeks"]


def test_plan_refuses_an_invalid_record(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"id": "x"}')
    result = runner.invoke(app, ["pk", "plan", str(path)])
    assert result.exit_code == 2


def test_population_compares_regimens() -> None:
    result = runner.invoke(
        app, ["pk", "population", "--n", "500", "--interval-weeks", "4", "--interval-weeks", "6"]
    )
    assert result.exit_code == 0, result.output
    q4, q6 = json.loads(result.output)["regimens"]
    assert q4["interval_weeks"] == 4.0 and q6["interval_weeks"] == 6.0
    assert q6["fraction_below_target"] > q4["fraction_below_target"]
    assert 20 <= q4["trough_percentiles_ug_per_ml"]["p50"] <= 30
