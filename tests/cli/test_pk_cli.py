"""``alpha4 pk``: the JSON contract of ``simulate``, ``plan`` and ``population``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from alpha4.cli import app
from alpha4.rules.codes import CODES

runner = CliRunner()


def _message(text: str) -> str:
    """Error text with the terminal panel's borders and line wrapping removed."""
    return " ".join(text.replace("│", " ").replace("╭", " ").replace("╰", " ").split())


def test_simulate_json_contract() -> None:
    result = runner.invoke(
        app,
        ["pk", "simulate", "--format", "json", "--weight", "70", "--interval-weeks", "4", "--doses", "13"],
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
    q4 = json.loads(
        runner.invoke(
            app,
            [
                "pk",
                "simulate",
                "--format",
                "json",
                "--weight",
                "70",
                "--interval-weeks",
                "4",
                "--doses",
                "20",
            ],
        ).output
    )
    q6 = json.loads(
        runner.invoke(
            app,
            [
                "pk",
                "simulate",
                "--format",
                "json",
                "--weight",
                "70",
                "--interval-weeks",
                "6",
                "--doses",
                "20",
            ],
        ).output
    )
    ratio = q6["troughs"][-1]["concentration_ug_per_ml"] / q4["troughs"][-1]["concentration_ug_per_ml"]
    assert 0.30 <= ratio <= 0.40


def test_simulate_antibodies_and_interferon() -> None:
    result = runner.invoke(
        app,
        [
            "pk",
            "simulate",
            "--format",
            "json",
            "--weight",
            "70",
            "--antibodies",
            "persistent",
            "--doses",
            "3",
            "--interferon",
        ],
    )
    data = json.loads(result.output)
    assert data["troughs"][2]["concentration_ug_per_ml"] < 2.6  # published week 12: about 1.3 µg/mL
    assert any("Interferon" in note for note in data["notes"])


def test_simulate_csv_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "course.png"
    result = runner.invoke(
        app,
        [
            "pk",
            "simulate",
            "--format",
            "json",
            "--weight",
            "70",
            "--format",
            "csv",
            "--doses",
            "2",
            "--plot",
            str(png),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "time_days,concentration_ug_per_ml,saturation_percent"
    assert len(lines) == 1 + 57  # days 0..56
    assert png.read_bytes()[:4] == b"\x89PNG"
    svg = tmp_path / "course.svg"
    assert (
        runner.invoke(
            app, ["pk", "simulate", "--format", "json", "--weight", "70", "--doses", "2", "--plot", str(svg)]
        ).exit_code
        == 0
    )
    assert b"<svg" in svg.read_bytes()[:500]


def test_simulate_rejects_a_bad_plot_suffix(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["pk", "simulate", "--format", "json", "--weight", "70", "--plot", str(tmp_path / "x.gif")]
    )
    assert result.exit_code != 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--weight", "-5"], "body weight -5 kg is not between 20 and 250 kg"),
        (["--weight", "nan"], "body weight nan kg is not between 20 and 250 kg"),
        ([], "Missing option '--weight'"),
    ],
)
def test_simulate_refuses_a_negative_or_missing_weight(args: list[str], expected: str) -> None:
    result = runner.invoke(app, ["pk", "simulate", "--format", "json", *args])
    assert result.exit_code == 2
    assert expected in _message(result.stderr)


def _write_patient(tmp_path: Path, trough: float, **extra: Any) -> Path:
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
    record.update(extra)
    path = tmp_path / "patient.json"
    path.write_text(json.dumps(record))
    return path


def test_plan_reads_the_patient_and_returns_a_finding(tmp_path: Path) -> None:
    path = _write_patient(tmp_path, 40.0)
    result = runner.invoke(app, ["pk", "plan", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    finding = json.loads(result.stdout)
    assert finding["code"] == "PK_INTERVAL_EXTEND" and finding["code"] in CODES
    assert finding["recommended_interval_weeks"] > 4
    assert finding["sources"] and finding["evidence"]
    # a superset of the earlier output: the rules' finding fields plus interval and predictions
    assert set(finding) >= {
        "code",
        "severity",
        "title",
        "detail",
        "action",
        "evidence",
        "sources",
        "recommended_interval_weeks",
        "category",
        "facts",
        "predictions",
    }
    assert finding["severity"] == "info"
    assert {"record_type": "DrugLevel", "record_id": "l2"}.items() <= next(
        e for e in finding["evidence"] if e["record_id"] == "l2"
    ).items()
    stricter = json.loads(
        runner.invoke(app, ["pk", "plan", str(path), "--format", "json", "--target", "20"]).stdout
    )
    assert stricter["recommended_interval_weeks"] < finding["recommended_interval_weeks"]


def test_plan_refuses_an_invalid_record(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"id": "x"}')
    result = runner.invoke(app, ["pk", "plan", str(path), "--format", "json"])
    assert result.exit_code == 2


def test_plan_refuses_a_level_dated_before_the_first_infusion(tmp_path: Path) -> None:
    early = {"id": "l0", "date": "2023-12-20", "concentration_ug_per_ml": 4.0}
    path = _write_patient(tmp_path, 40.0)
    record = json.loads(path.read_text())
    record["drug_levels"].append(early)
    path.write_text(json.dumps(record))
    result = runner.invoke(app, ["pk", "plan", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert "drug level 'l0' (2023-12-20, 4 µg/mL) is dated before the first infusion (2024-01-08)" in (
        _message(result.stderr)
    )


def test_plan_refuses_a_sample_taken_after_the_next_infusion(tmp_path: Path) -> None:
    late = {"id": "l9", "date": "2024-02-06", "concentration_ug_per_ml": 20.0, "hours_after_dose": 700}
    path = _write_patient(tmp_path, 40.0)
    record = json.loads(path.read_text())
    record["drug_levels"].append(late)
    path.write_text(json.dumps(record))
    result = runner.invoke(app, ["pk", "plan", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert "after the next infusion (2024-02-05" in _message(result.stderr)


def test_plan_refuses_a_negative_weight_in_the_record(tmp_path: Path) -> None:
    path = _write_patient(tmp_path, 40.0, weights=[{"id": "w", "date": "2024-01-08", "weight_kg": -75}])
    result = runner.invoke(app, ["pk", "plan", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert "weight_kg" in result.stderr and "-75" in result.stderr


def test_plan_converts_a_level_given_in_another_mass_unit(tmp_path: Path) -> None:
    path = _write_patient(tmp_path, 40.0, drug_levels=[])
    day = (dt.date(2024, 1, 8) + dt.timedelta(weeks=52)).isoformat()
    in_ng = runner.invoke(app, ["pk", "plan", str(path), "--format", "json", "--level", f"{day}:40000:ng/mL"])
    in_ug = runner.invoke(app, ["pk", "plan", str(path), "--format", "json", "--level", f"{day}:40:ug/mL"])
    assert in_ng.exit_code == 0, in_ng.output
    ng, ug = json.loads(in_ng.stdout), json.loads(in_ug.stdout)
    assert ng["code"] == ug["code"] == "PK_INTERVAL_EXTEND"
    assert ng["predictions"] == ug["predictions"]
    level = next(e for e in ng["evidence"] if e["record_id"] == "cli-level-1")
    assert level["value"] == "40 µg/mL" and level["source_ref"] == "command line"


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("2025-01-06:80:nmol/L", "unit 'nmol/L' is not a mass concentration"),
        ("2025-01-06:12:UG/ML", "unit 'UG/ML' is not a mass concentration"),
        ("2025-01-06:-3:mg/L", "concentration -3.0 mg/L must be a finite number"),
        ("2025-01-06:12", "is not DATE:VALUE:UNIT"),
        ("06/01/2025:12:mg/L", "date '06/01/2025'"),
    ],
)
def test_plan_refuses_a_level_it_cannot_read(tmp_path: Path, level: str, expected: str) -> None:
    path = _write_patient(tmp_path, 40.0)
    result = runner.invoke(app, ["pk", "plan", str(path), "--format", "json", "--level", level])
    assert result.exit_code == 2
    assert expected in _message(result.stderr)


def test_population_compares_regimens() -> None:
    result = runner.invoke(
        app,
        [
            "pk",
            "population",
            "--format",
            "json",
            "--n",
            "500",
            "--interval-weeks",
            "4",
            "--interval-weeks",
            "6",
        ],
    )
    assert result.exit_code == 0, result.output
    q4, q6 = json.loads(result.output)["regimens"]
    assert q4["interval_weeks"] == 4.0 and q6["interval_weeks"] == 6.0
    assert q6["fraction_below_target"] > q4["fraction_below_target"]
    assert 20 <= q4["trough_percentiles_ug_per_ml"]["p50"] <= 30
