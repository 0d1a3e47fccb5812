"""`alpha4 patient correct` keeps an infusion's date unless the actor is a prescriber of the registry."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from alpha4.cli import app
from alpha4.store import Database, load_patient
from alpha4.store.users import Role, create_user
from tests.store.helpers import AT, cohort, store


def test_moving_an_infusions_date_from_the_command_line_needs_a_prescriber(
    db: Database, tmp_path: Path
) -> None:
    patient = cohort(1)[0]
    store(db, [patient])
    with db.writing() as session:
        create_user(
            session=session, username="dr.who", password="x" * 12, roles=[Role.PRESCRIBER], actor="t", at=AT
        )
    first = patient.infusions[0]
    moved = tmp_path / "moved.json"
    moved.write_text(
        json.dumps(
            first.model_copy(update={"date": first.date - dt.timedelta(days=1)}).model_dump(mode="json")
        )
    )
    url = db.url.render_as_string(hide_password=False)
    args = [
        "patient",
        "correct",
        patient.id,
        "--kind",
        "infusions",
        "--record",
        first.id,
        "--expected-version",
        "1",
        "--reason",
        "date typed wrong",
        "--json",
        str(moved),
    ]
    runner = CliRunner()
    refused = runner.invoke(app, [*args, "--actor", "nurse.jones"], env={"ALPHA4_DATABASE_URL": url})
    assert refused.exit_code == 2
    assert "only a prescriber may move an infusion's date" in " ".join(refused.stderr.split())
    with db.reading() as session:
        assert load_patient(session=session, patient_id=patient.id) == patient  # nothing written
    done = runner.invoke(app, [*args, "--actor", "dr.who"], env={"ALPHA4_DATABASE_URL": url})
    assert done.exit_code == 0, done.output
    assert "corrected as version 2" in done.stdout
