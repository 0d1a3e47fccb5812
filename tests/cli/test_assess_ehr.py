"""`alpha4 assess` on EHR bundles: several patients (all, or --patient), a deceased patient, and
the records no rule reads summarised on one line each kind."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from alpha4.cli import app
from alpha4.domain.builders import ms_patient
from alpha4.interop.fhir_out import patients_to_bundle
from tests.interop import ehr_variants as v

runner = CliRunner()
AS_OF = "2026-11-24"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def two_patients(tmp_path: Path) -> Path:
    import datetime as dt

    start = dt.date(2024, 1, 1)
    bundle = patients_to_bundle(
        [
            ms_patient(id="A", first_infusion=start, infusions=3),
            ms_patient(id="B", first_infusion=start, infusions=5),
        ]
    )
    path = tmp_path / "two.json"
    path.write_text(json.dumps(bundle))
    return path


def test_every_patient_of_a_bundle_is_assessed(tmp_path: Path) -> None:
    code, out, err = run("assess", str(two_patients(tmp_path)), "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    got = json.loads(out)
    assert [(a["patient_id"], a["infusion_count"]) for a in got] == [("A", 3), ("B", 5)]


def test_patient_picks_one(tmp_path: Path) -> None:
    code, out, err = run(
        "assess", str(two_patients(tmp_path)), "--as-of", AS_OF, "--format", "json", "--patient", "B"
    )
    assert code == 0, err
    got = json.loads(out)
    assert (got["patient_id"], got["infusion_count"]) == ("B", 5)
    code, _, err = run("assess", str(two_patients(tmp_path)), "--as-of", AS_OF, "--patient", "C")
    assert code == 2 and "no patient 'C'" in err


def test_a_deceased_patient_gets_no_assessment(tmp_path: Path) -> None:
    path = tmp_path / "deceased.json"
    path.write_text(json.dumps(v.build("deceased")))
    code, out, err = run("assess", str(path), "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    assert json.loads(out) == {
        "patient_id": "MRN-448812",
        "as_of": AS_OF,
        "deceased": "deceased on 2026-10-01",
    }
    code, out, _ = run("assess", str(path), "--as-of", AS_OF)
    assert "recorded as deceased on 2026-10-01" in out and "schedule" in out and "HOLD" not in out


def test_records_no_rule_reads_are_one_line_per_kind(tmp_path: Path) -> None:
    path = tmp_path / "chart.json"
    path.write_text(json.dumps(v.synthea_like(400)))
    code, _, err = run("assess", str(path), "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    lines = [line for line in err.splitlines() if line.startswith("unmapped:")]
    assert len(lines) <= 8, lines
    assert any(
        line.startswith("unmapped: ") and "laboratory results no alpha4 rule reads" in line for line in lines
    )
    assert any("Encounter: Encounter is not read by alpha4" in line for line in lines)
