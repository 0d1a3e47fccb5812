"""``alpha4 score``: Crohn's disease activity calculators (HBI, CDAI).

The JSON output is a stable contract that scripts rely on: one object with at
least ``score`` (number), ``band`` (text) and ``terms`` (each component's points).
Out-of-range input exits with code 2 and a message naming the option.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated

import typer

from alpha4.rules.scores import ScoreInputError, ScoreResult, cdai, hbi

from .common import Format, fail, out, print_json

app = typer.Typer(
    help="Crohn's disease activity scores: Harvey-Bradshaw Index and CDAI, with bands.",
    no_args_is_help=True,
)


class SexOption(StrEnum):
    MALE = "male"
    FEMALE = "female"


_OPTION = {
    "general_wellbeing": "--wellbeing",
    "abdominal_pain": "--pain",
    "liquid_stools": "--liquid-stools",
    "abdominal_mass": "--mass",
    "complications": "--complications",
    "liquid_stools_week": "--liquid-stools-week",
    "pain_week": "--pain-week",
    "wellbeing_week": "--wellbeing-week",
    "mass": "--mass",
    "hematocrit": "--hematocrit",
    "sex": "--sex",
    "weight_kg": "--weight",
    "standard_weight_kg": "--standard-weight",
}


def _mass_0_2_5(value: int) -> int:
    if value not in (0, 2, 5):
        raise typer.BadParameter("must be 0 (none), 2 (questionable) or 5 (definite)")
    return value


def _show(result: ScoreResult, format: Format) -> None:
    if format is Format.JSON:
        print_json(result.to_json())
        return
    out.print(f"[bold]{result.index.value.upper()} {result.score:g}[/]: {result.band.replace('_', ' ')}")
    for t in result.terms:
        out.print(f"  {t.name:<18} {t.value:>7g}  -> {t.points:>7g}", highlight=False)
    for note in result.notes:
        out.print(f"  [dim]{note}[/]")


def _compute(build: Callable[[], ScoreResult]) -> ScoreResult:
    try:
        return build()
    except ScoreInputError as error:
        fail(f"{_OPTION.get(error.item, error.item)}: {error.message}")


@app.command("hbi")
def hbi_command(
    wellbeing: Annotated[
        int,
        typer.Option(
            "--wellbeing", min=0, max=4, help="General well-being yesterday: 0 very well .. 4 terrible"
        ),
    ],
    pain: Annotated[int, typer.Option("--pain", min=0, max=3, help="Abdominal pain: 0 none .. 3 severe")],
    liquid_stools: Annotated[
        int, typer.Option("--liquid-stools", min=0, max=40, help="Liquid or soft stools yesterday")
    ],
    mass: Annotated[
        int,
        typer.Option("--mass", min=0, max=3, help="Abdominal mass: 0 none, 1 dubious, 2 definite, 3 tender"),
    ],
    complications: Annotated[
        int, typer.Option("--complications", min=0, max=8, help="Number of listed complications present")
    ],
    format: Annotated[
        Format, typer.Option("--format", help="text (for people) or json (for scripts)")
    ] = Format.TEXT,
) -> None:
    """Harvey-Bradshaw Index (<5 remission, 5-7 mild, 8-16 moderate, >16 severe)."""
    result = _compute(
        lambda: hbi(
            wellbeing=wellbeing,
            pain=pain,
            liquid_stools=liquid_stools,
            mass=mass,
            complications=complications,
        )
    )
    _show(result, format)


@app.command("cdai")
def cdai_command(
    liquid_stools_week: Annotated[
        int,
        typer.Option("--liquid-stools-week", min=0, max=280, help="Liquid or very soft stools over 7 days"),
    ],
    pain_week: Annotated[
        float, typer.Option("--pain-week", min=0, max=21, help="Sum of 7 daily abdominal pain ratings (0-3)")
    ],
    wellbeing_week: Annotated[
        float, typer.Option("--wellbeing-week", min=0, max=28, help="Sum of 7 daily well-being ratings (0-4)")
    ],
    complications: Annotated[
        int, typer.Option("--complications", min=0, max=6, help="Complication categories present (0-6)")
    ],
    mass: Annotated[
        int,
        typer.Option(
            "--mass", callback=_mass_0_2_5, help="Abdominal mass: 0 none, 2 questionable, 5 definite"
        ),
    ],
    hematocrit: Annotated[float, typer.Option("--hematocrit", min=10, max=70, help="Haematocrit (%)")],
    sex: Annotated[SexOption, typer.Option("--sex", help="Sex for the haematocrit reference (47% / 42%)")],
    weight: Annotated[float, typer.Option("--weight", min=20, max=400, help="Body weight (kg)")],
    standard_weight: Annotated[
        float, typer.Option("--standard-weight", min=20, max=400, help="Standard (ideal) body weight (kg)")
    ],
    antidiarrheal: Annotated[
        bool, typer.Option("--antidiarrheal", help="Diphenoxylate or loperamide for diarrhoea this week")
    ] = False,
    format: Annotated[
        Format, typer.Option("--format", help="text (for people) or json (for scripts)")
    ] = Format.TEXT,
) -> None:
    """Crohn's Disease Activity Index (<150 remission, 150-220, 221-450, >450 severe)."""
    result = _compute(
        lambda: cdai(
            liquid_stools_week=liquid_stools_week,
            pain_week=pain_week,
            wellbeing_week=wellbeing_week,
            complications=complications,
            antidiarrheal=antidiarrheal,
            mass=mass,
            hematocrit=hematocrit,
            sex="male" if sex is SexOption.MALE else "female",
            weight_kg=weight,
            standard_weight_kg=standard_weight,
        )
    )
    _show(result, format)
