"""The registry commands end to end on both databases: demo, import, export, worklist, patient,
db upgrade/current/audit, backup/restore, and the errors a user sees."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alpha4.cli import app

runner = CliRunner()
AS_OF = "2026-11-24"


def call(url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"ALPHA4_DATABASE_URL": url, "ALPHA4_ACTOR": "cli-test"})
    return result.exit_code, result.stdout, result.stderr


def flat(text: str) -> str:
    """Console text with rich's line wrapping undone."""
    return " ".join(text.split())


def test_demo_builds_the_registry_once_and_the_worklist_reads_it(empty_db_url: str) -> None:
    code, out, err = call(
        empty_db_url, "demo", "--patients", "60", "--seed", "7", "--as-of", AS_OF, "--format", "json"
    )
    assert code == 0, err
    demo_rows = json.loads(out)
    code, out, _ = call(
        empty_db_url, "demo", "--patients", "60", "--seed", "7", "--as-of", AS_OF, "--limit", "3"
    )
    assert code == 0 and "0 created, 0 updated, 60 unchanged" in flat(out)
    code, out, _ = call(empty_db_url, "worklist", "--as-of", AS_OF, "--format", "json")
    rows = json.loads(out)
    assert rows == demo_rows and rows
    assert list(rows[0]) == ["patient_id", "gate", "next_infusion", "items"]
    assert [r["gate"] for r in rows] == sorted((r["gate"] for r in rows), key=["stop", "hold", "go"].index)
    code, out, _ = call(empty_db_url, "worklist", "--as-of", AS_OF, "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(table) == sum(len(r["items"]) for r in rows)
    assert table[0]["patient_id"] == rows[0]["patient_id"]
    code, out, _ = call(empty_db_url, "db", "audit")
    assert code == 0 and "audit chain intact: 60 entries" in flat(out)


def test_import_reports_bad_records_and_is_idempotent(db_url: str, tmp_path: Path) -> None:
    call(db_url, "demo", "--patients", "5", "--as-of", AS_OF, "--format", "json")
    code, exported, _ = call(db_url, "export")
    assert code == 0 and len(exported.splitlines()) == 5
    lines = exported.splitlines()
    bad = json.loads(lines[2])
    bad["id"] = "NEW-1"
    bad["sex"] = "robot"
    feed = tmp_path / "feed.ndjson"
    feed.write_text("\n".join([*lines, json.dumps(bad)]) + "\n")
    code, out, err = call(db_url, "import", str(feed), "--as-of", AS_OF)
    assert code == 1
    assert f"{feed}:6: sex: Input should be" in flat(err)
    assert "0 created, 0 updated, 5 unchanged, 1 rejected" in flat(out)
    code, out, _ = call(db_url, "patient", "show", "P000003", "--format", "json")
    assert code == 0 and json.loads(out) == json.loads(lines[2])
    code, out, _ = call(db_url, "patient", "show", "P000003")
    assert code == 0 and "P000003" in out and "infusions" in out
    code, _, err = call(db_url, "patient", "show", "NOBODY")
    assert code == 1 and "no patient 'NOBODY'" in flat(err)


def test_retract_from_the_command_line_needs_the_current_version(db_url: str) -> None:
    call(db_url, "demo", "--patients", "2", "--as-of", AS_OF, "--format", "json")
    _, out, _ = call(db_url, "patient", "show", "P000001", "--format", "json")
    infusion = json.loads(out)["infusions"][0]["id"]
    args = ["patient", "retract", "P000001", "infusions", infusion, "--reason", "duplicate entry"]
    code, out, err = call(db_url, *args, "--version", "1")
    assert code == 0, err
    code, _, err = call(db_url, *args, "--version", "1")
    assert code == 1 and "current one is 2" in flat(err)


def test_backup_and_restore(tmp_path: Path, empty_db_url: str) -> None:
    call(empty_db_url, "demo", "--patients", "8", "--as-of", AS_OF, "--format", "json")
    _, before, _ = call(empty_db_url, "export")
    code, _, err = call(empty_db_url, "backup", str(tmp_path / "b.backup"))
    assert code == 0, err
    code, _, err = call(empty_db_url, "restore", str(tmp_path / "b.backup"))
    assert code == 1 and "--yes" in err
    code, _, err = call(empty_db_url, "restore", str(tmp_path / "b.backup"), "--yes")
    assert code == 0, err
    assert call(empty_db_url, "export")[1] == before


def test_an_empty_database_asks_for_db_upgrade(empty_db_url: str) -> None:
    code, out, err = call(empty_db_url, "worklist")
    assert code == 1 and "run `alpha4 db upgrade`" in flat(err) and "Traceback" not in err + out
    code, out, _ = call(empty_db_url, "db", "upgrade")
    assert code == 0 and "(empty) -> 0002" in flat(out)
    code, out, _ = call(empty_db_url, "db", "current")
    assert code == 0 and "up to date" in flat(out)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://alice:s3cret@127.0.0.1:1/registry",
        "sqlite:////nonexistent-dir/but/a/file/is/here.sqlite3/x",
        "mysql://alice:s3cret@127.0.0.1/registry",
    ],
)
def test_an_unreachable_database_is_one_clear_line_without_the_password(url: str, tmp_path: Path) -> None:
    if url.startswith("sqlite"):
        blocker = tmp_path / "file"
        blocker.write_text("not a directory")
        url = f"sqlite:///{blocker}/registry.sqlite3"
    code, out, err = call(url, "worklist")
    assert code == 1
    assert "s3cret" not in err + out and "Traceback" not in err + out
    assert err.startswith("error:") and len(err.strip().splitlines()) <= 3
    if "alice" in url:
        assert "***" in err


def test_correct_one_record_from_the_command_line(db_url: str, tmp_path: Path) -> None:
    call(db_url, "demo", "--patients", "2", "--as-of", AS_OF, "--format", "json")
    _, out, _ = call(db_url, "patient", "show", "P000001", "--format", "json")
    weight = json.loads(out)["weights"][-1]
    rid = weight["id"]
    fixed = tmp_path / "weight.json"
    fixed.write_text(json.dumps({**weight, "weight_kg": 71.5}))
    args = [
        "patient",
        "correct",
        "P000001",
        "--kind",
        "weights",
        "--record",
        rid,
        "--reason",
        "scale misread",
    ]
    code, out, err = call(db_url, *args, "--expected-version", "1", "--json", str(fixed))
    assert code == 0 and "corrected as version 2" in flat(out), err
    # someone else's version 2 is there now: editing version 1 again is a conflict
    code, _, err = call(db_url, *args, "--expected-version", "1", "--json", str(fixed))
    assert code == 1 and "changed by someone else" in flat(err) and "current one is 2" in flat(err)
    # invalid records name the field and change nothing (exit 2); stdin works too
    bad = json.dumps({k: v for k, v in weight.items() if k != "id"} | {"weight_kg": "heavy"})
    result = runner.invoke(
        app,
        [*args, "--expected-version", "2", "--json", "-"],
        input=bad,
        env={"ALPHA4_DATABASE_URL": db_url, "ALPHA4_ACTOR": "cli-test"},
    )
    assert result.exit_code == 2 and "weight_kg:" in flat(result.stderr)
    future = json.dumps({**weight, "date": "2999-01-01"})
    result = runner.invoke(
        app,
        [*args, "--expected-version", "2", "--json", "-"],
        input=future,
        env={"ALPHA4_DATABASE_URL": db_url, "ALPHA4_ACTOR": "cli-test"},
    )
    assert result.exit_code == 2 and "date:" in flat(result.stderr), result.stderr
    fixed.write_text(json.dumps({**weight, "id": "other"}))
    code, _, err = call(db_url, *args, "--expected-version", "2", "--json", str(fixed))
    assert code == 2 and "id: 'other'" in flat(err)
    code, _, err = call(
        db_url,
        "patient",
        "correct",
        "P000001",
        "--kind",
        "pets",
        "--record",
        rid,
        "--reason",
        "x",
        "--expected-version",
        "1",
        "--json",
        str(fixed),
    )
    assert code == 2 and "--kind" in flat(err)
    # the history: both versions, the reason, who
    code, out, err = call(
        db_url, "patient", "history", "P000001", "--kind", "weights", "--record", rid, "--format", "json"
    )
    assert code == 0, err
    versions = json.loads(out)
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["reason"] == "scale misread" and versions[1]["recorded_by"] == "cli-test"
    assert versions[0]["current"] is False and versions[1]["payload"]["weight_kg"] == 71.5
    code, out, _ = call(db_url, "patient", "history", "P000001", "--kind", "weights", "--record", rid)
    assert code == 0 and "misread" in out and "superseded" in out and "current" in out
    code, _, err = call(db_url, "patient", "history", "P000001", "--kind", "weights", "--record", "nope")
    assert code == 1 and "no weights record 'nope'" in flat(err)


def test_correct_the_demographics_from_the_command_line(db_url: str, tmp_path: Path) -> None:
    call(db_url, "demo", "--patients", "2", "--as-of", AS_OF, "--format", "json")
    _, out, _ = call(db_url, "patient", "show", "P000002", "--format", "json")
    birth = json.loads(out)["birth_date"]
    fixed = tmp_path / "demographics.json"
    fixed.write_text(json.dumps({"birth_date": "1981-07-14"}))
    args = ["patient", "correct", "P000002", "--kind", "patient", "--reason", "wrong year"]
    code, out, err = call(
        db_url, *args, "--record", "P000002", "--expected-version", "1", "--json", str(fixed)
    )
    assert code == 0 and "P000002/patient/P000002: corrected as version 2" in flat(out), err
    _, out, _ = call(db_url, "patient", "show", "P000002", "--format", "json")
    assert json.loads(out)["birth_date"] == "1981-07-14"
    code, out, _ = call(
        db_url,
        "patient",
        "history",
        "P000002",
        "--kind",
        "patient",
        "--record",
        "P000002",
        "--format",
        "json",
    )
    versions = json.loads(out)
    assert [v["payload"]["birth_date"] for v in versions] == [birth, "1981-07-14"]
    assert versions[1]["reason"] == "wrong year"
    # a birth date in the future, a field that is not demographic, another record id: exit 2, nothing written
    for changes, where in (
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"infusions": []}, "not a demographic field"),
    ):
        fixed.write_text(json.dumps(changes))
        code, _, err = call(
            db_url, *args, "--record", "P000002", "--expected-version", "2", "--json", str(fixed)
        )
        assert code == 2 and where in flat(err), err
    code, _, err = call(db_url, *args, "--record", "other", "--expected-version", "2", "--json", str(fixed))
    assert code == 2 and "--record P000002" in flat(err)
    _, out, _ = call(db_url, "patient", "show", "P000002", "--format", "json")
    assert json.loads(out)["birth_date"] == "1981-07-14"
