"""The command line as a data manager meets it: locations as written, pk plan dates and wording,
pml-risk input, the demo's own database, one syntax for records, FHIR Bundles given to `import`,
readable text output, the checklist schema, the first-admin hint and progress bars."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from alpha4.cli import app
from alpha4.cli.progress import progress_bar
from alpha4.domain import PreInfusionChecklist
from alpha4.domain.checklist import EXAMPLE_ANSWERS, QUESTIONS
from tests.cli.test_pk_cli import _write_patient

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ms_jcv_positive_high_index.json"
AS_OF = "2026-11-24"
runner = CliRunner()


def call(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def flat(text: str) -> str:
    return " ".join(text.split())


# -- 3. error locations as the user wrote them --


def _reversed_record(tmp_path: Path, change: Any) -> Path:
    record = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    record["infusions"].reverse()  # newest first, as some exports write them
    change(record)
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_a_pydantic_error_names_the_infusion_as_written(tmp_path: Path) -> None:
    path = _reversed_record(tmp_path, lambda r: r["infusions"][0].update(dose_mg=-300))
    code, out, err = call("assess", str(path), "--as-of", AS_OF)
    assert code == 2 and out == ""
    assert (
        flat(err)
        == f"error: {path}: invalid patient record infusions[0].dose_mg: Input should be greater than 0 (found -300)"
    )


def test_a_date_after_as_of_names_the_infusion_as_written(tmp_path: Path) -> None:
    path = _reversed_record(tmp_path, lambda r: r["infusions"][0].update(date="2027-01-01"))
    code, _, err = call("assess", str(path), "--as-of", AS_OF)
    assert code == 2
    assert flat(err) == (
        f"error: {path}: cannot assess infusions[0].date: 2027-01-01 is after the assessment date {AS_OF}"
    )


# -- 4. pk plan: no level dropped, wording follows the direction --


def test_plan_uses_a_level_dated_after_the_record(tmp_path: Path) -> None:
    path = _write_patient(tmp_path, 40.0)  # the record's latest date is 2025-01-06
    code, out, err = call("pk", "plan", str(path), "--format", "json", "--level", "2025-02-03:38:ug/mL")
    assert code == 0, err
    finding = json.loads(out)
    level = next(e for e in finding["evidence"] if e["record_id"] == "cli-level-1")
    assert level["value"] == "38 µg/mL"
    derived = [e for e in finding["evidence"] if e["record_type"] == "derived"]
    assert derived and {e["date"] for e in derived} == {"2025-02-03"}  # evaluated on the level's day


def test_plan_refuses_a_level_in_the_future(tmp_path: Path) -> None:
    path = _write_patient(tmp_path, 40.0)
    later = dt.date.today() + dt.timedelta(days=1)
    code, out, err = call("pk", "plan", str(path), "--level", f"{later}:38:ug/mL")
    assert code == 2 and out == ""
    assert flat(err) == f"error: --level 1: {later} is in the future (today is {dt.date.today()})"


def test_plan_refuses_a_level_after_as_of(tmp_path: Path) -> None:
    path = _write_patient(tmp_path, 40.0)
    code, _, err = call("pk", "plan", str(path), "--as-of", "2025-01-06", "--level", "2025-01-07:38:ug/mL")
    assert code == 2
    assert "--level 1: 2025-01-07 is after --as-of 2025-01-06" in flat(err)


def test_plan_refuses_a_record_level_after_as_of(tmp_path: Path) -> None:
    path = _write_patient(tmp_path, 40.0)
    code, _, err = call("pk", "plan", str(path), "--as-of", "2024-12-31")
    assert code == 2
    assert "drug_levels[1].date: 2025-01-06 is after the assessment date 2024-12-31" in flat(err)


@pytest.mark.parametrize(
    ("current", "title", "action"),
    [
        (
            None,
            "Every 6 weeks is predicted to keep the trough on target",
            "Consider extending to every 6 weeks and measure a trough before the next infusions to confirm.",
        ),
        (
            6,
            "Every 6 weeks (the current interval) is predicted to keep the trough on target",
            "Keep every 6 weeks and measure a trough before the next infusions to confirm.",
        ),
        (
            8,
            "Every 6 weeks, shorter than the current 8, keeps the trough on target",
            "Consider shortening from every 8 to every 6 weeks and measure a trough before the next "
            "infusions to confirm.",
        ),
    ],
)
def test_plan_wording_follows_the_direction(
    tmp_path: Path, current: int | None, title: str, action: str
) -> None:
    extra = {"extended_interval_weeks": current} if current else {}
    path = _write_patient(tmp_path, 40.0, **extra)
    code, out, err = call("pk", "plan", str(path), "--format", "json")
    assert code == 0, err
    finding = json.loads(out)
    assert (finding["code"], finding["recommended_interval_weeks"]) == ("PK_INTERVAL_EXTEND", 6.0)
    assert (finding["title"], finding["action"]) == (title, action)


def test_plan_tells_a_patient_on_a_longer_interval_to_return_to_the_label(tmp_path: Path) -> None:
    path = _write_patient(tmp_path, 12.0, extended_interval_weeks=8)
    code, out, _ = call("pk", "plan", str(path), "--format", "json")
    finding = json.loads(out)
    assert code == 0 and finding["code"] == "PK_INTERVAL_KEEP_LABEL"
    assert finding["title"] == "Return to every 4 weeks: a longer interval would fall below target"
    assert finding["action"] == "Shorten the interval from every 8 to every 4 weeks."
    assert "extend" not in (finding["title"] + finding["action"]).lower()


def test_plan_text_is_a_short_summary(tmp_path: Path) -> None:
    path = _write_patient(tmp_path, 40.0)
    code, out, _ = call("pk", "plan", str(path))
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "p-cli as of 2025-01-06: Every 6 weeks is predicted to keep the trough on target"
    assert lines[1] == "  recommended interval: every 6 weeks"
    assert lines[-1] == "  PK_INTERVAL_EXTEND; --format json for the evidence and sources"
    assert any(line.startswith("  every    4 weeks: trough") for line in lines)


# -- 5. pml-risk --


@pytest.mark.parametrize("jcv", ["Positive", "POSITIVE", " positive "])
def test_pml_risk_reads_the_serostatus_in_any_case(jcv: str) -> None:
    code, out, _ = call("pml-risk", "--jcv", jcv, "--index", "1.6", "--months", "30", "--format", "json")
    assert code == 0 and json.loads(out)["risk_per_1000"] == 8.8


def test_pml_risk_refuses_an_index_with_a_negative_serostatus() -> None:
    code, out, err = call("pml-risk", "--jcv", "NEGATIVE", "--index", "2", "--months", "30")
    assert code == 2 and out == ""
    assert flat(err) == (
        "error: --index 2 with --jcv negative: an antibody index belongs to a positive result; "
        "give --jcv positive with its index, or --jcv negative alone"
    )


def test_pml_risk_negative_alone_still_answers() -> None:
    code, out, _ = call("pml-risk", "--jcv", "Negative", "--months", "30", "--format", "json")
    assert code == 0 and json.loads(out)["table"]


# -- 6. the demo never writes into a real registry --


def test_demo_builds_its_own_database(tmp_path: Path, db_url: str) -> None:
    env = {"ALPHA4_DATABASE_URL": db_url, "ALPHA4_ACTOR": "t", "XDG_DATA_HOME": str(tmp_path / "data")}
    code, out, _ = call("export", env=env)
    before = out
    code, out, err = call("demo", "--patients", "4", "--as-of", AS_OF, env=env)
    assert code == 0, err
    demo_file = tmp_path / "data" / "alpha4" / "demo.sqlite3"
    assert demo_file.is_file()
    assert f"demo database: sqlite:///{demo_file}" in flat(err)
    assert "your registry is not touched" in flat(err)
    assert call("export", env=env)[1] == before  # the registry is as it was
    again = call("demo", "--patients", "3", "--as-of", AS_OF, env=env)  # rebuilt, not added to
    assert again[0] == 0 and "3 created, 0 updated, 0 unchanged" in flat(again[1])


def test_demo_into_a_registry_that_holds_patients_is_refused(tmp_path: Path, empty_db_url: str) -> None:
    env = {"ALPHA4_DATABASE_URL": empty_db_url, "ALPHA4_ACTOR": "t"}
    assert call("demo", "--into-registry", "--patients", "2", "--as-of", AS_OF, env=env)[0] == 0
    code, out, err = call("demo", "--into-registry", "--patients", "2", "--as-of", AS_OF, env=env)
    assert code == 1 and out == ""
    assert "holds 2 patients: the demo loads only into an empty registry" in flat(err)


# -- 7. one syntax for history, correct and retract --


@pytest.mark.parametrize("command", ["history", "correct", "retract"])
def test_patient_record_commands_share_one_syntax(command: str) -> None:
    code, out, _ = call("patient", command, "--help")
    assert code == 0
    assert "--kind" in out and "--record" in out
    if command != "history":
        assert "--expected-version" in out
    assert "--version " not in out


# -- 8. import: FHIR Bundles and unknown fields --


def test_import_of_a_fhir_bundle_points_to_fhir_import(tmp_path: Path, db_url: str) -> None:
    bundle = tmp_path / "bundle.json"
    assert call("fhir", "to-bundle", str(EXAMPLE), "-o", str(bundle))[0] == 0
    code, out, err = call("import", str(bundle), env={"ALPHA4_DATABASE_URL": db_url})
    assert code == 2 and out == ""
    assert (
        flat(err)
        == f"error: {bundle}: this is a FHIR Bundle, not alpha4 records: use `alpha4 fhir import {bundle}`"
    )


def test_an_unknown_field_names_the_patient_and_the_field(tmp_path: Path, db_url: str) -> None:
    record = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    record["infusions"][0]["doze"] = 3
    no_id = dict(record)
    del no_id["id"]
    feed = tmp_path / "feed.ndjson"
    feed.write_text(json.dumps(record) + "\n" + json.dumps(no_id) + "\n", encoding="utf-8")
    code, _, err = call("import", str(feed), "--as-of", AS_OF, env={"ALPHA4_DATABASE_URL": db_url})
    assert code == 1
    text = flat(err)
    assert (
        f"{feed}:1: infusions[0].doze: not a field of the patient record (misspelt? see `alpha4 schema "
        f"patient`) (patient {record['id']})"
    ) in text
    assert f"{feed}:2: id: Field required (a record without an id)" in text
    assert "Extra inputs are not permitted" not in text and "patient ?" not in text


# -- 9. readable text --


def test_worklist_text_shows_titles_words_and_one_pml_format(db_url: str) -> None:
    env = {"ALPHA4_DATABASE_URL": db_url, "ALPHA4_ACTOR": "t"}
    call("demo", "--into-registry", "--patients", "30", "--as-of", AS_OF, "--format", "json", env=env)
    code, out, _ = call("worklist", "--as-of", AS_OF, env=env)
    rows = json.loads(call("worklist", "--as-of", AS_OF, "--format", "json", env=env)[1])
    assert code == 0
    assert "_" not in "".join(line for line in out.splitlines() if "│" in line).replace("P0000", "")
    assert "PML risk per 1,000" in out
    codes = {i["code"] for r in rows for i in r["items"] if i.get("code")}
    assert not any(c in out for c in codes)  # titles, not codes
    assert "JCV antibody test" in out or "MRI" in out or "infusion" in out


def test_assess_schedule_uses_words(tmp_path: Path) -> None:
    code, out, _ = call("assess", str(EXAMPLE), "--as-of", AS_OF)
    table = out[out.index("schedule") :]
    assert code == 0
    assert "anti-JCV antibody test" in table
    assert "jcv_antibody_test" not in table and "due_soon" not in table and "not_required" not in table


def test_knowledge_text_is_not_cut() -> None:
    code, out, _ = call("knowledge")
    data = json.loads(call("knowledge", "--format", "json")[1])
    assert code == 0
    longest = max(data, key=lambda f: len(f["source"]))
    assert " ".join(longest["source"].split()) in flat(out)
    assert f"{len(data)} facts" in out


def test_patient_show_is_a_clinicians_summary(db_url: str) -> None:
    env = {"ALPHA4_DATABASE_URL": db_url, "ALPHA4_ACTOR": "t"}
    call("demo", "--into-registry", "--patients", "2", "--as-of", AS_OF, "--format", "json", env=env)
    patient = json.loads(call("patient", "show", "P000001", "--format", "json", env=env)[1])
    code, out, _ = call("patient", "show", "P000001", env=env)
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith(f"P000001  born {patient['birth_date']} (")
    assert f"infusions ({len(patient['infusions'])})" in out
    if patient["labs"]:
        lab = patient["labs"][0]
        assert f"labs ({len(patient['labs'])})" in out
        assert f"({lab['loinc']})" in out and lab["unit"] in out
    assert "..." not in out and '{"' not in out  # no cut-off JSON


def test_pk_text_summaries() -> None:
    code, out, _ = call("pk", "simulate", "--weight", "70", "--doses", "4")
    assert code == 0 and out.startswith("typical patient, 70 kg, 300 mg every 4 weeks x 4")
    assert "trough before dose 4" in out
    code, out, _ = call("pk", "population", "--n", "50", "--interval-weeks", "4", "--interval-weeks", "6")
    assert code == 0 and "4 weeks" in out and "6 weeks" in out and "median trough" in out


def test_pk_json_has_sensible_precision() -> None:
    _, out, _ = call("pk", "population", "--n", "50", "--format", "json")
    numbers = [v for r in json.loads(out)["regimens"] for v in r.values() if isinstance(v, float)]
    assert numbers and all(len(repr(v).split(".")[-1]) <= 4 for v in numbers)


# -- 10. documentation --


def test_checklist_schema_and_example() -> None:
    code, out, _ = call("schema", "checklist")
    schema = json.loads(out)
    assert code == 0 and schema["$id"].startswith("https://alpha4.example/schema/checklist/")
    assert set(QUESTIONS) <= set(schema["properties"])
    code, out, _ = call("schema", "checklist", "--example")
    assert code == 0 and json.loads(out) == EXAMPLE_ANSWERS
    PreInfusionChecklist.model_validate(EXAMPLE_ANSWERS)


def test_the_example_answers_clear_the_checklist(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(EXAMPLE_ANSWERS), encoding="utf-8")
    code, out, _ = call(
        "assess", str(EXAMPLE), "--as-of", AS_OF, "--checklist", str(answers), "--format", "json"
    )
    assert code == 0
    assert not [f for f in json.loads(out)["findings"] if f["code"].startswith("CHECKLIST_")]


def test_assess_help_says_it_takes_fhir_bundles() -> None:
    assert "FHIR R4 Bundle" in flat(call("assess", "--help")[1])


def test_serve_on_an_empty_registry_says_how_to_make_the_first_admin(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    import alpha4.app.main

    monkeypatch.setattr(alpha4.app.main, "create_app", lambda *a, **k: object())  # no server, no app
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    code, out, _ = call("serve", env={"ALPHA4_DATABASE_URL": db_url, "ALPHA4_WEB_SECRET_KEY": "x" * 40})
    assert code == 0, out
    assert "alpha4 user create NAME --role admin" in flat(out)


# -- 11. progress bars only on a terminal --


def test_progress_shows_on_a_terminal_and_stays_quiet_when_piped() -> None:
    for terminal in (True, False):
        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=terminal, width=80)
        with progress_bar(console) as progress:
            task = progress.add_task("importing", total=3)
            progress.advance(task, 3)
            progress.refresh()
        assert ("importing" in buffer.getvalue()) is terminal


def test_long_commands_print_no_progress_when_piped(db_url: str, tmp_path: Path) -> None:
    env = {"ALPHA4_DATABASE_URL": db_url, "ALPHA4_ACTOR": "t"}
    _, _, err = call(
        "demo", "--into-registry", "--patients", "3", "--as-of", AS_OF, "--format", "json", env=env
    )
    assert "building the registry" not in err and "assessing" not in err
    code, _, err = call("export", "-o", str(tmp_path / "all.ndjson"), env=env)
    assert code == 0 and err.strip() == "exported 3 patients"


def test_the_eu_worklist_uses_its_own_programme_wording(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path)}
    args = ["demo", "--patients", "40", "--as-of", AS_OF, "--limit", "40"]
    _, us, _ = call(*args, "--profile", "us", env=env)
    code, eu, _ = call(*args, "--profile", "eu", env=env)
    assert code == 0
    assert "TOUCH reauthorization" in us  # the US REMS programme ...
    assert "TOUCH" not in eu  # ... is not the EU's


def test_plan_refuses_a_record_level_in_the_future(tmp_path: Path) -> None:
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    path = _write_patient(tmp_path, 40.0)
    record = json.loads(path.read_text(encoding="utf-8"))
    record["drug_levels"].append({"id": "l3", "date": later, "concentration_ug_per_ml": 30.0})
    path.write_text(json.dumps(record), encoding="utf-8")
    code, out, err = call("pk", "plan", str(path))
    assert code == 2 and out == ""
    assert f"drug_levels[2].date: {later} is after the assessment date {dt.date.today()}" in flat(err)
