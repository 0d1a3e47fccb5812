"""``alpha4 pk``: simulate regimens, plan a patient's interval, compare regimens in a population."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from alpha4.knowledge import pk as kb

app = typer.Typer(
    help="Precision dosing: natalizumab level, α4-integrin saturation, interval planning.",
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class AntibodyOption(StrEnum):
    NONE = "none"
    PERSISTENT = "persistent"


class DiseaseOption(StrEnum):
    MS = "ms"
    CROHNS = "crohns"


class ProfileOption(StrEnum):
    US = "us"
    EU = "eu"


_WEIGHT_RANGE_KG = (20.0, 250.0)


def _check_weight(value: float) -> float:
    low, high = _WEIGHT_RANGE_KG
    if not (math.isfinite(value) and low <= value <= high):
        raise typer.BadParameter(f"body weight {value:g} kg is not between {low:g} and {high:g} kg")
    return value


def _parse_level(text: str) -> tuple[dt.date, float]:
    """``DATE:VALUE:UNIT`` -> (date, µg/mL); the unit must convert (see ``alpha4.pk.units``)."""
    from alpha4.pk.units import to_ug_per_ml

    parts = text.split(":", 2)
    if len(parts) != 3:
        raise typer.BadParameter(f"{text!r} is not DATE:VALUE:UNIT (e.g. 2025-01-31:12.5:ug/mL)")
    date_text, value_text, unit = parts
    try:
        day = dt.date.fromisoformat(date_text)
    except ValueError as error:
        raise typer.BadParameter(f"date {date_text!r} in {text!r} is not YYYY-MM-DD") from error
    try:
        value = float(value_text)
    except ValueError as error:
        raise typer.BadParameter(f"value {value_text!r} in {text!r} is not a number") from error
    try:
        return day, to_ug_per_ml(value, unit)
    except ValueError as error:
        raise typer.BadParameter(f"{text!r}: {error}") from error


@app.command("simulate")
def simulate(
    weight: Annotated[
        float,
        typer.Option("--weight", callback=_check_weight, help="Body weight (kg), 20-250; required"),
    ],
    interval_weeks: Annotated[
        float, typer.Option("--interval-weeks", min=1, max=12, help="Dosing interval (weeks)")
    ] = 4.0,
    doses: Annotated[int, typer.Option("--doses", min=1, max=200, help="Number of 300 mg doses")] = 13,
    antibodies: Annotated[
        AntibodyOption, typer.Option("--antibodies", help="Anti-natalizumab antibodies")
    ] = AntibodyOption.NONE,
    interferon: Annotated[
        bool, typer.Option("--interferon", help="Co-administered interferon beta-1a")
    ] = False,
    disease: Annotated[DiseaseOption, typer.Option("--disease")] = DiseaseOption.MS,
    profile: Annotated[
        ProfileOption, typer.Option("--profile", help="Label profile for covariates")
    ] = ProfileOption.US,
    step_days: Annotated[float, typer.Option("--step-days", min=0.05, max=7)] = 1.0,
    output_format: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.JSON,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a PNG or SVG figure")] = None,
    target: Annotated[float, typer.Option("--target", min=0, help="Target trough (µg/mL), for the plot")] = (
        kb.TROUGH_TARGET_UG_PER_ML.value
    ),
) -> None:
    """Concentration, saturation and troughs of the typical patient on a regular regimen."""
    from alpha4.pk.model import AntibodyStatus, Covariates, Disease
    from alpha4.pk.simulate import regular_dose_times, simulate_patient

    covariates = Covariates(
        weight_kg=weight,
        antibodies=AntibodyStatus.PERSISTENT
        if antibodies is AntibodyOption.PERSISTENT
        else AntibodyStatus.NEGATIVE,
        interferon_beta=interferon,
        disease=Disease.CROHNS_DISEASE if disease is DiseaseOption.CROHNS else Disease.MULTIPLE_SCLEROSIS,
        profile=profile.value,
    )
    result = simulate_patient(covariates, regular_dose_times(interval_weeks, doses), step_days=step_days)
    if plot is not None:
        from alpha4.pk.plot import plot_simulation

        try:
            plot_simulation(result, plot, target_ug_per_ml=target)
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--plot") from error
    if output_format is OutputFormat.JSON:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["time_days", "concentration_ug_per_ml", "saturation_percent"])
    for row in zip(result.times_days, result.concentration_ug_per_ml, result.saturation_percent, strict=True):
        writer.writerow([f"{row[0]:g}", f"{row[1]:.4f}", f"{row[2]:.2f}"])
    typer.echo(buffer.getvalue(), nl=False)


@app.command("plan")
def plan(
    patient_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Patient record (JSON)")],
    target: Annotated[float, typer.Option("--target", min=0.1, help="Target trough (µg/mL)")] = (
        kb.TROUGH_TARGET_UG_PER_ML.value
    ),
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Evaluation date (YYYY-MM-DD); default: latest record"),
    ] = None,
    profile: Annotated[ProfileOption, typer.Option("--profile")] = ProfileOption.US,
    level: Annotated[
        list[str] | None,
        typer.Option(
            "--level",
            help="A measured level not in the record, DATE:VALUE:UNIT (UCUM mass concentration, "
            "e.g. 2025-01-31:12.5:ug/mL or 12500 ng/mL); repeat the option for several",
        ),
    ] = None,
) -> None:
    """Plan the patient's dosing interval from their measured concentrations (JSON finding)."""
    from pydantic import ValidationError

    from alpha4.domain import DrugLevel, load_patient
    from alpha4.pk.from_timeline import PkInputError, plan_for_patient

    levels = [_parse_level(text) for text in level or []]
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError as error:
        raise typer.BadParameter(f"date {as_of!r} is not YYYY-MM-DD", param_hint="--as-of") from error
    try:
        patient = load_patient(patient_file.read_bytes())
    except ValidationError as error:
        typer.echo(f"invalid patient record: {error}", err=True)
        raise typer.Exit(code=2) from error
    extra = [
        DrugLevel(id=f"cli-level-{i}", date=date, concentration_ug_per_ml=value, source_ref="command line")
        for i, (date, value) in enumerate(levels, start=1)
    ]
    try:
        plan = plan_for_patient(
            patient, day, target_ug_per_ml=target, profile=profile.value, extra_levels=extra
        )
    except PkInputError as error:
        typer.echo(f"cannot plan: {error}", err=True)
        raise typer.Exit(code=2) from error
    typer.echo(json.dumps(plan.to_dict(), indent=2, ensure_ascii=False))


@app.command("population")
def population(
    n: Annotated[int, typer.Option("--n", min=1, max=1_000_000, help="Number of virtual patients")] = 1000,
    interval_weeks: Annotated[
        list[float] | None,
        typer.Option("--interval-weeks", help="Interval(s) to compare (repeat the option)"),
    ] = None,
    weight: Annotated[float, typer.Option("--weight", min=20, max=250)] = 70.0,
    doses: Annotated[int, typer.Option("--doses", min=2, max=200)] = 13,
    target: Annotated[float, typer.Option("--target", min=0.1)] = kb.TROUGH_TARGET_UG_PER_ML.value,
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Compare regimens over N virtual patients: troughs, share below target, saturation."""
    from alpha4.pk.model import Covariates
    from alpha4.pk.population import compare_regimens

    intervals = interval_weeks or [4.0, 6.0]
    summaries = compare_regimens(n, intervals, Covariates(weight_kg=weight), doses, target, seed)
    typer.echo(json.dumps({"regimens": [s.to_dict() for s in summaries]}, indent=2))
