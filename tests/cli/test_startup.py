"""Start-up stays small: ``alpha4 --help`` and the clinical commands import only what they use.

Timing is measured by ``benchmarks/cli_startup.py``; these tests pin the cause of slowness
(which heavy packages a command imports), which does not depend on the machine's load.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from alpha4.cli import COMMANDS, app, resolve

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ms_jcv_positive_high_index.json"
HEAVY = ("sqlalchemy", "fastapi", "starlette", "fhir", "scipy", "matplotlib", "uvicorn", "alembic", "psycopg")

PROBE = """
import json, sys
from alpha4.cli import main
sys.argv = ["alpha4", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def modules_after(*args: str) -> set[str]:
    """Every module a fresh interpreter has imported after running ``alpha4 ARGS``."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = next(x for x in result.stderr.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def imported_by(*args: str) -> set[str]:
    """The top-level packages a fresh interpreter has imported after running ``alpha4 ARGS``."""
    return {m.split(".")[0] for m in modules_after(*args)}


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["--help"], set()),
        (["pml-risk", "--jcv", "positive", "--index", "1.6", "--months", "30"], set()),
        (["assess", str(EXAMPLE), "--as-of", "2026-11-24"], set()),
        (["schema", "checklist"], set()),
        (["score", "hbi", "--help"], set()),
    ],
    ids=["help", "pml-risk", "assess", "schema", "score-help"],
)
def test_a_command_imports_no_heavy_package_it_does_not_use(args: list[str], allowed: set[str]) -> None:
    heavy = {m for m in imported_by(*args) if m.startswith(HEAVY)} - allowed
    assert not heavy, f"alpha4 {' '.join(args)} imported {sorted(heavy)}"


@pytest.mark.parametrize("args", [["knowledge"], ["schema", "checklist"]], ids=["knowledge", "schema"])
def test_knowledge_and_schema_do_not_load_the_rules(args: list[str]) -> None:
    assert not {m for m in modules_after(*args) if m.startswith("alpha4.rules")}


def test_help_imports_no_alpha4_command_module() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE.replace("sorted(sys.modules)", "sorted(m for m in sys.modules if m.startswith('alpha4'))"),
            '["--help"]',
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stderr
    modules = json.loads(
        next(x for x in loaded.splitlines() if x.startswith("MODULES ")).removeprefix("MODULES ")
    )
    assert modules == ["alpha4", "alpha4.cli"]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_listed_help_is_the_commands_own(name: str) -> None:
    command = resolve(name)
    own = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
    assert COMMANDS[name].help == own


def test_every_command_is_listed_with_its_help() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name, entry in COMMANDS.items():
        assert f"{name} " in result.stdout and entry.help in result.stdout


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_help_reads_well(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Usage: alpha4 " + name in result.stdout
    command = resolve(name)
    subcommands = getattr(command, "commands", {})
    for sub in subcommands:
        inner = CliRunner().invoke(app, [name, sub, "--help"], env={"COLUMNS": "200"})
        assert inner.exit_code == 0, (sub, inner.output)
        assert (subcommands[sub].help or "").strip(), f"alpha4 {name} {sub} has no help"


def test_an_unknown_command_is_exit_2() -> None:
    result = CliRunner().invoke(app, ["asess"])
    assert result.exit_code == 2 and "No such command" in result.output
    assert isinstance(typer.main.get_group(app), typer.core.TyperGroup)
