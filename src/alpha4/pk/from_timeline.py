"""Adapter from the patient timeline (:class:`alpha4.domain.Patient`) to the PK functions.

It reads infusions, drug levels, weights, antibody results, medications, relapses and MRI
scans, and turns them into plain inputs: dose days, doses, measured (day, concentration)
pairs and covariates. It never reads the clock: ``as_of`` defaults to the latest infusion or
drug level in the record.

Records the model cannot place are refused with a :class:`PkInputError` naming the record
and the value (the CLI exits with code 2): a drug level dated before the first infusion, or
one whose ``hours_after_dose`` puts the sample at or after the next infusion. Negative
weights and concentrations never get here (the domain records refuse them); a missing
weight is not an error but an *insufficient data* finding, because unknown is an answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alpha4.domain import (
    AntibodyResult,
    DrugLevel,
    Medication,
    MedicineClass,
    MriScan,
    Patient,
    Relapse,
    Route,
)
from alpha4.domain import Disease as DomainDisease
from alpha4.knowledge import pk as kb
from alpha4.rules.antibodies import AntibodyStatus as RulesAntibodyStatus
from alpha4.rules.antibodies import classify
from alpha4.rules.findings import EvidenceItem, evidence, medication_evidence

from .estimate import Observation, estimate_individual
from .model import AntibodyStatus, Covariates, Disease, FloatArray
from .planner import IntervalPlan, PlanInputs, plan_interval

_TROUGH_OFFSET_DAYS = 0.01  # a trough drawn on an infusion day is taken just before the dose
_SAMPLE_DATE_TOLERANCE_DAYS = 1.0  # hours_after_dose may cross midnight


class PkInputError(ValueError):
    """A record the PK model cannot place; the message names the record and the value."""


@dataclass(frozen=True, slots=True)
class TimelineInputs:
    """Plain PK inputs read from a patient record."""

    first_dose_date: dt.date | None
    as_of: dt.date
    dose_times: FloatArray
    doses_mg: FloatArray
    observations: tuple[Observation, ...]
    plan_inputs: PlanInputs


_FROM_RULES = {
    RulesAntibodyStatus.NOT_TESTED: AntibodyStatus.UNKNOWN,
    RulesAntibodyStatus.NEGATIVE: AntibodyStatus.NEGATIVE,
    RulesAntibodyStatus.POSITIVE_UNCONFIRMED: AntibodyStatus.TRANSIENT,
    RulesAntibodyStatus.TRANSIENT: AntibodyStatus.TRANSIENT,
    RulesAntibodyStatus.PERSISTENT: AntibodyStatus.PERSISTENT,
}


def antibody_status(results: tuple[AntibodyResult, ...], as_of: dt.date) -> AntibodyStatus:
    """The PK covariate from the rules' one classification (:func:`alpha4.rules.antibodies.classify`).

    Persistent (positive at two or more times at least 6 weeks apart, Calabresi 2007) raises
    clearance; a single positive not yet confirmed is not persistent for the model (the rules ask for
    the confirmatory test). Two positives 50 days apart are persistent here exactly as in the rules.

    >>> d = dt.date
    >>> pos = lambda i, day: AntibodyResult(id=i, date=day, positive=True)
    >>> antibody_status((pos("a", d(2024, 1, 1)), pos("b", d(2024, 2, 20))), d(2024, 6, 1)).value
    'persistent'
    >>> antibody_status((), d(2024, 6, 1)).value
    'unknown'
    """
    known = tuple(sorted((r for r in results if r.date <= as_of), key=lambda r: r.date))
    return _FROM_RULES[classify(known).status]


def takes_interferon_beta(medications: tuple[Medication, ...], as_of: dt.date) -> bool:
    return any(m.medicine_class is MedicineClass.INTERFERON_BETA and m.active_on(as_of) for m in medications)


def _mri_active(scan: MriScan) -> bool:
    counts = (scan.new_t2_lesions, scan.enlarging_t2_lesions, scan.gadolinium_enhancing_lesions)
    return any(c is not None and c > 0 for c in counts)


def _mri_read(scan: MriScan) -> bool:
    counts = (scan.new_t2_lesions, scan.enlarging_t2_lesions, scan.gadolinium_enhancing_lesions)
    return any(c is not None for c in counts)


def _mri_counts(scan: MriScan) -> str:
    def shown(count: int | None) -> str:
        return "not read" if count is None else str(count)

    return (
        f"new T2 {shown(scan.new_t2_lesions)}, enlarging T2 {shown(scan.enlarging_t2_lesions)}, "
        f"enhancing {shown(scan.gadolinium_enhancing_lesions)}"
    )


def disease_activity(
    relapses: tuple[Relapse, ...], mri_scans: tuple[MriScan, ...], as_of: dt.date
) -> tuple[bool | None, tuple[str, ...]]:
    """Relapse or MRI activity in the lookback window; ``None`` when no MRI in it was read.

    Returns the answer and the ids of the records it rests on.
    """
    months = kb.DISEASE_ACTIVITY_LOOKBACK_MONTHS.value
    start = as_of - dt.timedelta(days=round(months * 365.25 / 12))
    recent_relapses = [r for r in relapses if start < r.date <= as_of]
    recent_scans = [s for s in mri_scans if start < s.date <= as_of and _mri_read(s)]
    active_scans = [s for s in recent_scans if _mri_active(s)]
    if recent_relapses or active_scans:
        return True, tuple(r.id for r in recent_relapses) + tuple(s.id for s in active_scans)
    if recent_scans:
        return False, tuple(s.id for s in recent_scans)
    return None, ()


def _latest_date(patient: Patient) -> dt.date:
    dates = [i.date for i in patient.infusions] + [d.date for d in patient.drug_levels]
    if not dates:
        raise ValueError("the record has no infusion and no drug level")
    return max(dates)


def observation_day(level: DrugLevel, first: dt.date, dose_times: FloatArray) -> float:
    """When a level was drawn, in days after the first infusion; refuses what cannot be placed.

    A level without ``hours_after_dose`` is a trough: on an infusion day it is placed just
    before that dose. With ``hours_after_dose`` it is counted from the last infusion on or
    before its date so that it lands on its date, and must not fall after the next infusion.
    """
    where = f"drug level {level.id!r} ({level.date.isoformat()}, {level.concentration_ug_per_ml:g} µg/mL)"
    if level.date < first:
        raise PkInputError(
            f"{where} is dated before the first infusion ({first.isoformat()}); "
            "record the earlier infusions or correct the date"
        )
    day = float((level.date - first).days)
    if level.hours_after_dose is None:
        return day - _TROUGH_OFFSET_DAYS if day in dose_times else day
    hours = level.hours_after_dose
    # the latest infusion from which hours_after_dose lands on the level's date
    lands = np.abs(dose_times + hours / 24.0 - day) <= _SAMPLE_DATE_TOLERANCE_DAYS
    if not np.any(lands):
        last = float(dose_times[dose_times <= day][-1])
        raise PkInputError(
            f"{where}: hours_after_dose {hours:g} counted from the infusion on day {last:g} gives "
            f"day {last + hours / 24.0:g}, not the level's date (day {day:g})"
        )
    k = int(np.flatnonzero(lands)[-1])
    sampled = float(dose_times[k]) + hours / 24.0
    if k + 1 < dose_times.size and sampled > dose_times[k + 1]:
        next_date = first + dt.timedelta(days=float(dose_times[k + 1]))
        raise PkInputError(
            f"{where}: hours_after_dose {hours:g} counts from the infusion on day {dose_times[k]:g}, "
            f"so the sample was taken at day {sampled:g}, after the next infusion "
            f"({next_date.isoformat()}, day {dose_times[k + 1]:g}); the model cannot place a "
            "sample drawn after a later dose was given as a trough of the earlier one"
        )
    if k + 1 < dose_times.size and sampled == dose_times[k + 1]:
        return sampled - _TROUGH_OFFSET_DAYS  # drawn at the next infusion: just before it
    return sampled


def inputs_from_patient(
    patient: Patient,
    as_of: dt.date | None = None,
    profile: str = "us",
    extra_levels: Sequence[DrugLevel] = (),
) -> TimelineInputs:
    """Read the PK inputs of ``patient`` as of a date.

    ``extra_levels`` are measured levels not (yet) in the record, e.g. typed on the command line;
    they are checked like the record's own.
    """
    as_of = as_of or _latest_date(patient)
    infusions = [i for i in patient.infusions if i.date <= as_of]
    missing: list[str] = []
    caveats: list[str] = []
    records: list[EvidenceItem] = [evidence(i, f"{i.dose_mg:g} mg {i.route.value}") for i in infusions]
    first = infusions[0].date if infusions else None
    if first is None:
        missing.append("no natalizumab infusion recorded")
    if any(i.route is not Route.INTRAVENOUS for i in infusions):
        missing.append("subcutaneous doses are not modelled (intravenous model)")
    dose_times = np.array([(i.date - first).days for i in infusions] if first else [], dtype=np.float64)
    doses = np.array([i.dose_mg for i in infusions], dtype=np.float64)

    observations: list[Observation] = []
    levels = sorted([*patient.drug_levels, *extra_levels], key=lambda level: level.date)
    for level in levels:
        if first is None or level.date > as_of:
            continue
        day = observation_day(level, first, dose_times)
        observations.append(Observation(day, level.concentration_ug_per_ml, level.id))
        records.append(evidence(level, f"{level.concentration_ug_per_ml:g} µg/mL"))

    weight = patient.weight_on(as_of)
    if weight is None:
        missing.append("no body weight recorded")
    else:
        records.extend(evidence(w, f"{w.weight_kg:g} kg") for w in patient.weights if w.date <= as_of)

    antibodies = antibody_status(patient.antibody_results, as_of)
    records.extend(
        evidence(r, "positive" if r.positive else "negative")
        for r in patient.antibody_results
        if r.date <= as_of
    )
    if antibodies is AntibodyStatus.UNKNOWN:
        caveats.append("anti-natalizumab antibody status not tested")
    interferon = takes_interferon_beta(patient.medications, as_of)
    if interferon:
        records.extend(
            medication_evidence(m)
            for m in patient.medications
            if m.medicine_class is MedicineClass.INTERFERON_BETA and m.active_on(as_of)
        )
        caveats.append("interferon beta: the model does not adjust clearance (no verified effect size)")
    disease = (
        Disease.CROHNS_DISEASE
        if patient.indication.disease is DomainDisease.CROHNS_DISEASE
        else Disease.MULTIPLE_SCLEROSIS
    )
    activity, activity_ids = disease_activity(patient.relapses, patient.mri_scans, as_of)
    relapses = {r.id: r for r in patient.relapses}
    scans = {s.id: s for s in patient.mri_scans}
    records.extend(
        evidence(relapses[i], "relapse") if i in relapses else evidence(scans[i], _mri_counts(scans[i]))
        for i in activity_ids
    )
    covariates = Covariates(
        weight_kg=weight if weight is not None else kb.REFERENCE_WEIGHT_KG.value,
        antibodies=antibodies,
        interferon_beta=interferon,
        disease=disease,
        profile=profile,
    )
    return TimelineInputs(
        first_dose_date=first,
        as_of=as_of,
        dose_times=dose_times,
        doses_mg=doses,
        observations=tuple(observations),
        plan_inputs=PlanInputs(
            covariates=covariates,
            disease_activity=activity,
            records=tuple(records),
            caveats=tuple(caveats),
            missing=tuple(missing),
            as_of=as_of,
        ),
    )


def plan_for_patient(
    patient: Patient,
    as_of: dt.date | None = None,
    target_ug_per_ml: float = kb.TROUGH_TARGET_UG_PER_ML.value,
    profile: str = "us",
    extra_levels: Sequence[DrugLevel] = (),
) -> IntervalPlan:
    """The interval planner's answer for a patient record."""
    inputs = inputs_from_patient(patient, as_of, profile, extra_levels)
    estimate = None
    if inputs.observations and not inputs.plan_inputs.missing:
        estimate = estimate_individual(
            inputs.plan_inputs.covariates, inputs.dose_times, inputs.observations, inputs.doses_mg
        )
    return plan_interval(inputs.plan_inputs, estimate, target_ug_per_ml)
