"""The command-line contracts scripts rely on: pml-risk, assess, knowledge, schema; bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alpha4.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ms_jcv_positive_high_index.json"


def call(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_pml_risk_json_contract() -> None:
    code, out, _ = call(
        "pml-risk", "--jcv", "positive", "--index", "1.6", "--months", "30", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["risk_per_1000"] == 8.8
    assert "index > 1.5" in data["band"] and "25-48 months" in data["band"]
    assert data["table"] == "berger-fox-2016"
    assert "Berger" in data["source"]


def test_pml_risk_eu_adds_the_smpc_table_with_its_caveat() -> None:
    code, out, _ = call(
        "pml-risk",
        "--jcv",
        "positive",
        "--index",
        "0.8",
        "--months",
        "30",
        "--profile",
        "eu",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 0 and data["additional"][0]["risk_per_1000"] == 0.2
    assert any("TO BE CHECKED" in n for n in data["additional"][0]["notes"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jcv", "maybe", "--months", "3"], "--jcv"),
        (["--jcv", "positive", "--months", "-1"], "--months"),
        (["--jcv", "positive", "--months", "3", "--index", "-0.2"], "--index"),
    ],
)
def test_pml_risk_bad_input(args: list[str], message: str) -> None:
    code, _, err = call("pml-risk", *args)
    assert code == 2 and message in err


def test_assess_json_contract() -> None:
    code, out, _ = call("assess", str(EXAMPLE), "--as-of", "2026-11-24", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["gate"]["decision"] in {"go", "hold", "stop"}
    assert isinstance(data["gate"]["reasons"], list)
    for f in data["findings"]:
        assert {"code", "severity", "title", "detail", "action", "evidence", "sources"} <= f.keys()
    assert {"item", "due", "status"} <= data["schedule"][0].keys()
    assert data["pml"]["risk_per_1000"] > 0 and data["pml"]["table"] and data["pml"]["source"]


def test_assess_without_jcv_gives_null_pml_with_reason(tmp_path: Path) -> None:
    record = json.loads(EXAMPLE.read_text())
    record["jcv_results"] = []
    path = tmp_path / "p.json"
    path.write_text(json.dumps(record))
    code, out, _ = call("assess", str(path), "--as-of", "2026-11-24", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["pml"] is None and data["pml_reason"] == "PML_JCV_MISSING"


def test_assess_with_checklist(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"new_or_worsening_neurological_symptoms": True}))
    code, out, _ = call(
        "assess", str(EXAMPLE), "--as-of", "2026-11-24", "--checklist", str(answers), "--format", "json"
    )
    assert code == 0
    assert "CHECKLIST_NEUROLOGICAL_SYMPTOMS" in json.loads(out)["gate"]["reasons"]


def test_assess_text_output() -> None:
    code, out, _ = call("assess", str(EXAMPLE), "--as-of", "2026-11-24")
    assert code == 0 and "PML_HIGHER_RISK" in out


def _mutate(tmp_path: Path, change: object) -> Path:
    record = json.loads(EXAMPLE.read_text())
    change(record)  # type: ignore[operator]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(record))
    return path


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r["infusions"][0].update(dose_mg=-300), "infusions[0].dose_mg"),
        (
            lambda r: r["jcv_results"].append(
                {"id": "j9", "date": "2026-01-01", "assay": "stratify_jcv_dxselect", "index": 0.5}
            ),
            "jcv_results",
        ),
        (lambda r: r["labs"][0].update(unit="furlongs"), "labs[0].unit"),
        (lambda r: r["labs"][0].update(loinc="731-1"), "labs[0].loinc"),
        (lambda r: r["infusions"][-1].update(date="2027-01-01"), "infusions["),
        (lambda r: r.update(sex="sometimes"), "sex"),
        (lambda r: r["infusions"][0].update(doze=3), "doze"),
        (lambda r: r.pop("birth_date"), "birth_date"),
    ],
)
def test_bad_record_names_the_field_and_exits_2(tmp_path: Path, change: object, field: str) -> None:
    code, out, err = call(
        "assess", str(_mutate(tmp_path, change)), "--as-of", "2026-11-24", "--format", "json"
    )
    assert code == 2
    assert field in err.replace("\n", " ")
    assert out == ""


def test_malformed_json_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    code, _, err = call("assess", str(path))
    assert code == 2 and "invalid" in err


def test_knowledge_lists_every_fact_with_a_source() -> None:
    code, out, _ = call("knowledge", "--format", "json")
    facts = json.loads(out)
    assert code == 0 and len(facts) > 80
    assert all(f["source"] for f in facts)
    ids = {f["id"] for f in facts}
    assert {"pml.table.berger_fox_2016", "antibody.persistent_gap", "lab.return_to_baseline"} <= ids


def test_schema_patient_is_json_schema() -> None:
    code, out, _ = call("schema", "patient")
    schema = json.loads(out)
    assert code == 0 and schema["$schema"].endswith("2020-12/schema")
    assert "infusions" in schema["properties"] and "jcv_results" in schema["properties"]


def test_knowledge_code_leads_to_the_rule_and_its_facts() -> None:
    """Issue 15: a finding code leads to its rule, the facts it reads and their sources in one hop."""
    result = runner.invoke(app, ["knowledge", "--code", "lab_liver_injury_stop", "--format", "json"])
    assert result.exit_code == 0, result.output
    entry = json.loads(result.output)
    assert entry["code"] == "LAB_LIVER_INJURY_STOP" and entry["gate"] == "stop"
    assert entry["emitted_by"] == ["alpha4.rules.liver.liver_findings"]
    facts = {f["id"]: f for f in entry["facts"]}
    assert facts["lab.liver.transaminase_uln_multiple"]["value"] == 3.0
    assert "Hepatotoxicity" in facts["lab.liver.discontinue"]["source"]
    text = runner.invoke(app, ["knowledge", "--code", "LAB_LIVER_INJURY_STOP"])
    assert text.exit_code == 0 and "emitted by: alpha4.rules.liver.liver_findings" in text.output
    unknown = runner.invoke(app, ["knowledge", "--code", "NOT_A_CODE"])
    assert unknown.exit_code == 2 and "unknown finding code" in unknown.output
