"""``alpha4 score``: the stable JSON contract and exit code 2 naming the option on bad input."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from alpha4.cli import app
from alpha4.cli.score import _compute
from alpha4.rules.scores import ScoreInputError, ScoreResult

runner = CliRunner()

HBI = [
    "score",
    "hbi",
    "--wellbeing",
    "2",
    "--pain",
    "1",
    "--liquid-stools",
    "4",
    "--mass",
    "1",
    "--complications",
    "1",
]
CDAI = [
    "score",
    "cdai",
    "--liquid-stools-week",
    "21",
    "--pain-week",
    "7",
    "--wellbeing-week",
    "14",
    "--complications",
    "1",
    "--mass",
    "0",
    "--hematocrit",
    "40",
    "--sex",
    "male",
    "--weight",
    "63",
    "--standard-weight",
    "70",
]


def test_hbi_json_contract() -> None:
    result = runner.invoke(app, [*HBI, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["score"] == 9 and data["band"] == "moderate" and data["remission"] is False
    assert data["terms"] == {
        "general_wellbeing": 2,
        "abdominal_pain": 1,
        "liquid_stools": 4,
        "abdominal_mass": 1,
        "complications": 1,
    }


def test_cdai_json_contract_worked_example() -> None:
    result = runner.invoke(app, [*CDAI, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["score"], data["band"]) == (247.0, "moderate_to_severe")
    assert data["terms"]["hematocrit"] == 42 and data["terms"]["body_weight"] == 10
    assert sum(data["terms"].values()) == pytest.approx(data["score"])


def test_antidiarrheal_flag_adds_30() -> None:
    data = json.loads(runner.invoke(app, [*CDAI, "--antidiarrheal", "--format", "json"]).stdout)
    assert data["score"] == 277 and data["terms"]["antidiarrheal"] == 30


def test_text_output() -> None:
    result = runner.invoke(app, CDAI)
    assert result.exit_code == 0
    assert "CDAI 247: moderate to severe" in result.stdout


@pytest.mark.parametrize(
    ("args", "option"),
    [
        ([*HBI[:2], "--wellbeing", "5", *HBI[4:]], "--wellbeing"),
        ([*HBI[:4], "--pain", "4", *HBI[6:]], "--pain"),
        ([*HBI[:8], "--mass", "4", *HBI[10:]], "--mass"),
        ([*CDAI[:10], "--mass", "3", *CDAI[12:]], "--mass"),
        ([*CDAI[:4], "--pain-week", "22", *CDAI[6:]], "--pain-week"),
        ([*CDAI[:14], "--sex", "other", *CDAI[16:]], "--sex"),
        ([*CDAI[:12], "--hematocrit", "5", *CDAI[14:]], "--hematocrit"),
    ],
)
def test_out_of_range_exits_2_naming_the_option(args: list[str], option: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert option in result.output


def test_calculator_errors_exit_2_naming_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    """Limits the calculator enforces itself map back to option names."""

    def too_heavy() -> ScoreResult:
        raise ScoreInputError("weight_kg", "450 is outside 20-400")

    with pytest.raises(typer.Exit) as error:
        _compute(too_heavy)
    assert error.value.exit_code == 2
    assert "--weight: 450 is outside 20-400" in capsys.readouterr().err
