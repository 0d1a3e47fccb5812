"""A clinic's treatment-response summary: on-treatment ARR, NEDA-3 at 1 and 2 years, Crohn's remission.

Pure: a list of (patient, as_of) in, a :class:`CohortSummary` out; each figure
carries the number of patients behind it and how many could not be judged.

- **ARR on treatment**: relapses from the first infusion to today (or to
  discontinuation) over the pooled patient-years of every MS patient with an
  infusion (AFFIRM: total relapses / total person-years).
- **NEDA-3 at 1 and 2 years**: over the first 12 (24) months from the first
  infusion, re-baselined at 6 months, among MS patients still on treatment at
  that time; patients whose status is unknown are left out of the proportion and
  counted.
- **Crohn's remission**: the latest CDAI (< 150) or HBI (< 5) on treatment among
  Crohn's patients still on treatment; those without a score on treatment are counted
  as unknown.

>>> format_cohort_summary(summarize_cohort([])).splitlines()[1]
'  MS on-treatment ARR: no patients'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from alpha4.domain import Disease, Patient
from alpha4.knowledge import response as kb

from .dates import add_months
from .response_crohns import latest_in_remission
from .response_ms import YEAR_DAYS, NedaStatus, first_infusion, neda3, treatment_end


@dataclass(frozen=True, slots=True)
class Rate:
    events: int
    patient_years: float
    patients: int

    @property
    def value(self) -> float | None:
        return round(self.events / self.patient_years, 3) if self.patient_years > 0 else None


@dataclass(frozen=True, slots=True)
class Proportion:
    """``numerator`` of ``denominator`` patients judged; ``unknown`` could not be judged."""

    numerator: int
    denominator: int
    unknown: int = 0

    @property
    def value(self) -> float | None:
        return round(self.numerator / self.denominator, 3) if self.denominator else None


@dataclass(frozen=True, slots=True)
class CohortSummary:
    ms_arr_on_treatment: Rate
    neda3_1_year: Proportion
    neda3_2_years: Proportion
    crohns_remission: Proportion


def _neda_at(patient: Patient, as_of: dt.date, months: int) -> NedaStatus | None:
    """NEDA-3 over the first ``months`` of treatment; None when the patient is not eligible."""
    first = first_infusion(patient, as_of)
    if first is None:
        return None
    end = add_months(first.date, months)
    stop = patient.discontinuation
    if end > as_of or (stop is not None and stop.date <= end):
        return None
    return neda3(patient, as_of, first.date, end).status


def summarize_cohort(items: Iterable[tuple[Patient, dt.date]]) -> CohortSummary:
    relapses = 0
    years = 0.0
    ms_patients = 0
    neda: dict[int, list[NedaStatus]] = {m: [] for m in kb.NEDA3_PERIODS_MONTHS.value}
    remission: list[bool | None] = []
    for patient, as_of in items:
        first = first_infusion(patient, as_of)
        if first is None:
            continue
        if patient.indication.disease is Disease.MULTIPLE_SCLEROSIS:
            end = treatment_end(patient, as_of)
            ms_patients += 1
            relapses += sum(1 for r in patient.relapses if first.date <= r.date <= end)
            years += max((end - first.date).days, 0) / YEAR_DAYS
            for months, statuses in neda.items():
                status = _neda_at(patient, as_of, months)
                if status is not None:
                    statuses.append(status)
        elif patient.discontinuation is None or patient.discontinuation.date > as_of:
            remission.append(latest_in_remission(patient, as_of))

    def proportion(statuses: list[NedaStatus]) -> Proportion:
        known = [s for s in statuses if s is not NedaStatus.UNKNOWN]
        achieved = sum(1 for s in known if s is NedaStatus.ACHIEVED)
        return Proportion(achieved, len(known), len(statuses) - len(known))

    one, two = kb.NEDA3_PERIODS_MONTHS.value
    judged = [r for r in remission if r is not None]
    return CohortSummary(
        ms_arr_on_treatment=Rate(relapses, round(years, 2), ms_patients),
        neda3_1_year=proportion(neda[one]),
        neda3_2_years=proportion(neda[two]),
        crohns_remission=Proportion(sum(judged), len(judged), len(remission) - len(judged)),
    )


def _proportion_text(p: Proportion) -> str:
    if p.value is None:
        text = "no patients judged"
    else:
        text = f"{p.value:.0%} ({p.numerator} of {p.denominator} patients)"
    return text + (f"; {p.unknown} not assessable" if p.unknown else "")


def format_cohort_summary(summary: CohortSummary) -> str:
    """Plain-text lines for ``alpha4 demo``: each figure with the patients behind it."""
    arr = summary.ms_arr_on_treatment
    arr_text = (
        f"{arr.value:.2f} ({arr.events} relapses over {arr.patient_years:.1f} patient-years, {arr.patients} patients)"
        if arr.value is not None
        else "no patients"
    )
    return "\n".join(
        [
            "Treatment response:",
            f"  MS on-treatment ARR: {arr_text}",
            f"  MS NEDA-3 at 1 year (re-baselined at 6 months): {_proportion_text(summary.neda3_1_year)}",
            f"  MS NEDA-3 at 2 years: {_proportion_text(summary.neda3_2_years)}",
            f"  Crohn's remission (latest CDAI < 150 or HBI < 5): {_proportion_text(summary.crohns_remission)}",
        ]
    )
