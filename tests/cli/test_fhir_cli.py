"""`alpha4 fhir ...` and `alpha4 assess` on a FHIR Bundle."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from alpha4.cli import app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ms_immunosuppressant.json"
EHR = ROOT / "tests" / "interop" / "data" / "bundles" / "ehr_ms_jcv_positive.json"
runner = CliRunner()


def assess_json(path: Path) -> dict[str, object]:
    result = runner.invoke(app, ["assess", str(path), "--as-of", "2026-11-24", "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def core(a: dict[str, object]) -> tuple[object, ...]:
    findings = [(f["code"], f["severity"], f["detail"]) for f in a["findings"]]  # type: ignore[attr-defined,index]
    return a["gate"], findings, a["pml"]


def test_assess_takes_a_bundle_with_the_same_answer(tmp_path: Path) -> None:
    bundle = tmp_path / "b.json"
    result = runner.invoke(app, ["fhir", "to-bundle", str(EXAMPLE), "-o", str(bundle)])
    assert result.exit_code == 0, result.output
    assert json.loads(bundle.read_text())["resourceType"] == "Bundle"
    assert core(assess_json(bundle)) == core(assess_json(EXAMPLE))


def test_from_bundle_reports_unmapped(tmp_path: Path) -> None:
    out, report = tmp_path / "p.json", tmp_path / "u.json"
    result = runner.invoke(app, ["fhir", "from-bundle", str(EHR), "-o", str(out), "--unmapped", str(report)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["id"] == "MRN-448812"
    assert {r["resource_type"] for r in json.loads(report.read_text())} == {
        "Encounter",
        "Condition",
        "MedicationStatement",
        "Observation",
    }
    strict = runner.invoke(app, ["fhir", "from-bundle", str(EHR), "--strict", "-o", str(tmp_path / "s.json")])
    assert strict.exit_code == 2 and not (tmp_path / "s.json").exists()


def test_assessment_as_fhir() -> None:
    result = runner.invoke(app, ["fhir", "assessment", str(EHR), "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.output
    kinds = {e["resource"]["resourceType"] for e in json.loads(result.stdout)["entry"]}
    assert {"DetectedIssue", "RiskAssessment"} <= kinds


def test_bad_bundle_names_resource_and_element(tmp_path: Path) -> None:
    bundle = json.loads(EHR.read_text())
    lab = next(e["resource"] for e in bundle["entry"] if e["resource"].get("id") == "lab-1")
    lab["effectiveDateTime"] = "2024-02-31"  # no such day (a unit alpha4 cannot convert only sets the lab aside)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bundle))
    out = tmp_path / "never.json"
    result = runner.invoke(app, ["fhir", "from-bundle", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert (
        "Observation/lab-1 effectiveDateTime" in result.output.replace("\n", " ")
        or "Observation/lab-1" in result.stderr
    )
    assert not out.exists()
    assert runner.invoke(app, ["assess", str(bad), "--as-of", "2026-11-24"]).exit_code == 2
