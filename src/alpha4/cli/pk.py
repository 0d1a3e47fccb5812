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
from rich.markup import escape
from rich.table import Table

from alpha4.knowledge import pk as kb

from .common import (
    check_output,
    fail,
    out,
    parse_date,
    parse_json,
    patient_record,
    read_text,
    written_problem,
)
from .progress import progress_bar

app = typer.Typer(
    help="Precision dosing: natalizumab level, α4-integrin saturation, interval planning.",
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"


class SummaryFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


_INTERVAL_WEEKS = (1.0, 12.0)  # the intervals the model is asked about: 1 to 12 weeks


def _check_intervals(values: list[float] | None) -> list[float] | None:
    low, high = _INTERVAL_WEEKS
    for value in values or []:
        if not (math.isfinite(value) and low <= value <= high):
            raise typer.BadParameter(f"{value:g} weeks is not between {low:g} and {high:g} weeks")
    return values


def rounded(value: object, digits: int = 4) -> object:
    """``value`` with every float rounded to ``digits`` decimals (model output has no more precision)."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v, digits) for v in value]
    return value


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
        float, typer.Option("--interval-weeks", min=1, max=12, help="Dosing interval (weeks), 1-12")
    ] = 4.0,
    doses: Annotated[int, typer.Option("--doses", min=1, max=200, help="Number of 300 mg doses")] = 13,
    antibodies: Annotated[
        AntibodyOption, typer.Option("--antibodies", help="Anti-natalizumab antibodies")
    ] = AntibodyOption.NONE,
    interferon: Annotated[
        bool, typer.Option("--interferon", help="Co-administered interferon beta-1a")
    ] = False,
    disease: Annotated[
        DiseaseOption, typer.Option("--disease", help="ms or crohns (Crohn's disease clears faster)")
    ] = DiseaseOption.MS,
    profile: Annotated[
        ProfileOption, typer.Option("--profile", help="Label profile for covariates")
    ] = ProfileOption.US,
    step_days: Annotated[
        float, typer.Option("--step-days", min=0.05, max=7, help="Time step of the curves (days)")
    ] = 1.0,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="text (a summary), json or csv (the curves)")
    ] = OutputFormat.TEXT,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a PNG or SVG figure")] = None,
    target: Annotated[float, typer.Option("--target", min=0, help="Target trough (µg/mL), for the plot")] = (
        kb.TROUGH_TARGET_UG_PER_ML.value
    ),
) -> None:
    """Concentration, saturation and troughs of the typical patient on a regular regimen."""
    check_output(plot, "--plot")
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
        except OSError as error:
            fail(f"--plot: cannot write {plot} ({error.strerror})")
    if output_format is OutputFormat.JSON:
        typer.echo(json.dumps(rounded(result.to_dict()), indent=2))
        return
    if output_format is OutputFormat.TEXT:
        troughs = result.troughs
        out.print(
            f"[bold]typical patient[/], {weight:g} kg, 300 mg every {interval_weeks:g} weeks x {doses} "
            f"(antibodies: {antibodies.value}{', interferon beta' if interferon else ''}; {profile.value.upper()})",
            highlight=False,
        )
        if troughs:
            last = troughs[-1]
            out.print(
                f"  trough before dose {last.dose_number} (day {last.day:g}): "
                f"{last.concentration_ug_per_ml:.1f} µg/mL (target {target:g} µg/mL)",
                highlight=False,
            )
        peak = max(result.concentration_ug_per_ml)
        out.print(f"  highest concentration: {peak:.1f} µg/mL", highlight=False)
        out.print(
            f"  α4-integrin saturation: {min(result.saturation_percent):.0f}-"
            f"{max(result.saturation_percent):.0f}%",
            highlight=False,
        )
        for note in result.notes:
            out.print(f"  [dim]{note}[/]", highlight=False)
        out.print("  [dim](--format json or csv for the curves)[/]")
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["time_days", "concentration_ug_per_ml", "saturation_percent"])
    for row in zip(result.times_days, result.concentration_ug_per_ml, result.saturation_percent, strict=True):
        writer.writerow([f"{row[0]:g}", f"{row[1]:.4f}", f"{row[2]:.2f}"])
    typer.echo(buffer.getvalue(), nl=False)


@app.command("plan")
def plan(
    patient_file: Annotated[
        Path, typer.Argument(help="Patient record (alpha4 JSON)", metavar="PATIENT.json")
    ],
    target: Annotated[float, typer.Option("--target", min=0.1, help="Target trough (µg/mL)")] = (
        kb.TROUGH_TARGET_UG_PER_ML.value
    ),
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Evaluation date (YYYY-MM-DD); default: the latest infusion or level, of the record "
            "and of --level",
        ),
    ] = None,
    profile: Annotated[
        ProfileOption, typer.Option("--profile", help="Label profile: us (FDA label) or eu (EMA SmPC)")
    ] = ProfileOption.US,
    level: Annotated[
        list[str] | None,
        typer.Option(
            "--level",
            help="A measured level not in the record, DATE:VALUE:UNIT (UCUM mass concentration, "
            "e.g. 2025-01-31:12.5:ug/mL or 12500 ng/mL); repeat the option for several",
        ),
    ] = None,
    output_format: Annotated[
        SummaryFormat, typer.Option("--format", help="text or json")
    ] = SummaryFormat.TEXT,
) -> None:
    """Plan the patient's dosing interval from their measured concentrations.

    Every level is used: one dated after --as-of (or after today) is an error, never dropped.
    """
    from alpha4.domain import DrugLevel
    from alpha4.domain.validation import check_patient
    from alpha4.pk.from_timeline import PkInputError, latest_date, plan_for_patient

    levels = [_parse_level(text) for text in level or []]
    day = parse_date(as_of, "--as-of") if as_of else None
    text = read_text(patient_file)
    data = parse_json(patient_file, text)
    patient = patient_record(patient_file, text, data)
    extra = [
        DrugLevel(id=f"cli-level-{i}", date=date, concentration_ug_per_ml=value, source_ref="command line")
        for i, (date, value) in enumerate(levels, start=1)
    ]
    today = dt.date.today()
    for n, (date, _) in enumerate(levels, start=1):
        if date > today:
            fail(f"--level {n}: {date} is in the future (today is {today})")
        if day is not None and date > day:
            fail(f"--level {n}: {date} is after --as-of {day}; give a later --as-of or leave it out")
    try:
        evaluated = day or latest_date(patient, extra)
    except ValueError as error:
        fail(f"{patient_file}: cannot plan: {error}")
    problems = check_patient(patient, today if day is None else day)  # nothing after today or --as-of
    if problems:
        lines = [str(written_problem(p, data)) for p in problems]
        fail(f"{patient_file}: cannot plan\n  " + "\n  ".join(lines))
    try:
        plan = plan_for_patient(
            patient, evaluated, target_ug_per_ml=target, profile=profile.value, extra_levels=extra
        )
    except PkInputError as error:
        fail(f"cannot plan: {error}")
    if output_format is SummaryFormat.JSON:
        typer.echo(json.dumps(plan.to_dict(), indent=2, ensure_ascii=False))
        return
    f = plan.finding
    out.print(f"[bold]{escape(patient.id)}[/] as of {evaluated}: {escape(f.title)}", highlight=False)
    out.print(f"  recommended interval: every {plan.recommended_interval_weeks:g} weeks", highlight=False)
    out.print(f"  {escape(f.detail)}", highlight=False)
    out.print(f"  [dim]action:[/] {escape(f.action)}", highlight=False)
    for p in plan.predictions:
        out.print(
            f"  every {p.interval_weeks:>4g} weeks: trough {p.predicted_trough_ug_per_ml:5.1f} µg/mL "
            f"(90% {p.interval_90_ug_per_ml[0]:.1f}-{p.interval_90_ug_per_ml[1]:.1f}), "
            f"{100 * p.probability_below_target:.0f}% chance below {p.target_ug_per_ml:g}",
            highlight=False,
        )
    out.print(f"  [dim]{f.code}; --format json for the evidence and sources[/]", highlight=False)


@app.command("population")
def population(
    n: Annotated[int, typer.Option("--n", min=1, max=1_000_000, help="Number of virtual patients")] = 1000,
    interval_weeks: Annotated[
        list[float] | None,
        typer.Option(
            "--interval-weeks",
            callback=_check_intervals,
            help="Interval(s) to compare, 1-12 weeks (repeat the option; default 4 and 6)",
        ),
    ] = None,
    weight: Annotated[
        float, typer.Option("--weight", min=20, max=250, help="Body weight of the typical patient (kg)")
    ] = 70.0,
    doses: Annotated[
        int,
        typer.Option(
            "--doses", min=2, max=200, help="Number of 300 mg doses (the last trough is steady state)"
        ),
    ] = 13,
    target: Annotated[
        float, typer.Option("--target", min=0.1, help="Target trough (µg/mL)")
    ] = kb.TROUGH_TARGET_UG_PER_ML.value,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the virtual population")] = 0,
    output_format: Annotated[
        SummaryFormat, typer.Option("--format", help="text or json")
    ] = SummaryFormat.TEXT,
) -> None:
    """Compare regimens over N virtual patients: troughs, share below target, saturation."""
    from alpha4.pk.model import Covariates
    from alpha4.pk.population import compare_regimens

    intervals = interval_weeks or [4.0, 6.0]
    with progress_bar() as progress:
        progress.add_task(f"simulating {n} virtual patients", total=None)
        summaries = compare_regimens(n, intervals, Covariates(weight_kg=weight), doses, target, seed)
    if output_format is SummaryFormat.JSON:
        typer.echo(json.dumps({"regimens": [rounded(s.to_dict()) for s in summaries]}, indent=2))
        return
    table = Table(
        "every",
        "median trough",
        "5th-95th percentile",
        f"below {target:g} µg/mL",
        "below saturation at trough",
        title=f"{n} virtual patients, {weight:g} kg, {doses} doses of 300 mg",
    )
    for r in summaries:
        p = r.trough_percentiles_ug_per_ml
        table.add_row(
            f"{r.interval_weeks:g} weeks",
            f"{p['p50']:.1f} µg/mL",
            f"{p['p5']:.1f}-{p['p95']:.1f} µg/mL" if "p5" in p and "p95" in p else "-",
            f"{100 * r.fraction_below_target:.0f}%",
            f"{100 * r.fraction_of_patients_below_saturation_at_trough:.0f}% (<{r.saturation_threshold_percent:g}%)",
        )
    out.print(table)
