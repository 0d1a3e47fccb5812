"""Special populations: children, older adults, pregnancy, lactation."""

from __future__ import annotations

import datetime as dt

from alpha4.domain import PregnancyRecord, PregnancyStatus
from alpha4.knowledge import label

from .context import Context
from .findings import Finding, GateEffect, derived, evidence, finding


def age_findings(ctx: Context) -> list[Finding]:
    age = ctx.age
    if age < label.ADULT_AGE_YEARS.value:
        return [
            finding(
                "POP_PEDIATRIC",
                f"Age {age}: natalizumab has not been studied in patients under 18 and is not recommended.",
                evidence=[derived("age", age, ctx.as_of)],
                facts=[label.ADULT_AGE_YEARS],
            )
        ]
    if age >= label.OLDER_ADULT_AGE_YEARS.value:
        return [
            finding(
                "POP_OLDER_ADULT",
                f"Age {age}: there are insufficient data in patients 65 and over; evaluate carefully "
                "(infection risk, comorbidity, PML risk).",
                evidence=[derived("age", age, ctx.as_of)],
                facts=[label.OLDER_ADULT_AGE_YEARS],
            )
        ]
    return []


def current_pregnancy(ctx: Context) -> PregnancyRecord | None:
    """The latest pregnancy report on or before ``as_of`` if it says pregnant."""
    reports = [r for r in ctx.pregnancies if r.date <= ctx.as_of]
    if not reports or reports[-1].status is not PregnancyStatus.PREGNANT:
        return None
    latest = reports[-1]
    if latest.end_date is not None and latest.end_date <= ctx.as_of:
        return None
    return latest


def gestational_week(report: PregnancyRecord, day: dt.date) -> float | None:
    if report.gestational_weeks is None:
        return None
    return report.gestational_weeks + (day - report.date).days / 7


def pregnancy_findings(ctx: Context) -> list[Finding]:
    found: list[Finding] = []
    current = current_pregnancy(ctx)
    last = ctx.last_infusion
    if current is not None:
        newly = last is None or current.date > last.date
        found.append(
            finding(
                "POP_PREGNANCY_NEW" if newly else "POP_PREGNANCY",
                f"Pregnancy reported on {current.date}"
                + (f" ({current.gestational_weeks:g} weeks)" if current.gestational_weeks is not None else "")
                + (", after the last infusion" if newly and last else "")
                + ". Human data are limited; animal studies showed fetal thrombocytopenia at high doses. "
                "Weigh the benefit (risk of disease reactivation) against the risk.",
                evidence=[evidence(current, current.status.value)],
                facts=[label.PREGNANCY_CATEGORY_SEED, label.PREGNANCY_NEONATAL_MONITORING],
            )
        )
    found += _third_trimester(ctx)
    lactating = [
        r
        for r in ctx.lactation
        if r.date <= ctx.as_of and (r.end_date is None or r.end_date > ctx.as_of)
    ]
    if lactating:
        current_l = lactating[-1]
        newly = last is None or current_l.date > last.date
        found.append(
            finding(
                "POP_LACTATION",
                f"Breastfeeding since {current_l.date}. {label.LACTATION_ADVICE.value}.",
                evidence=[evidence(current_l, "breastfeeding")],
                facts=[label.LACTATION_ADVICE],
                gate=GateEffect.HOLD if newly else None,
            )
        )
    return found


def _third_trimester(ctx: Context) -> list[Finding]:
    """Infusions in gestational week 28 or later call for neonatal platelet and haemoglobin checks."""
    week = label.THIRD_TRIMESTER_WEEK.value
    found: list[Finding] = []
    for report in ctx.pregnancies:
        if report.date > ctx.as_of or report.gestational_weeks is None:
            continue
        end = report.end_date or ctx.as_of
        exposed = [
            i
            for i in ctx.infusions
            if i.date <= end
            and (gestational_week(report, i.date) or 0) >= week
            and (gestational_week(report, i.date) or 0) <= label.PREGNANCY_LONGEST_WEEKS.value
        ]
        if exposed:
            found.append(
                finding(
                    "POP_THIRD_TRIMESTER_EXPOSURE",
                    f"{len(exposed)} infusion(s) in the third trimester (from week {week}), last on "
                    f"{exposed[-1].date}: monitor the newborn's platelets and haemoglobin.",
                    evidence=[evidence(report, f"{report.gestational_weeks:g} weeks on {report.date}")]
                    + [evidence(i, f"week {gestational_week(report, i.date):.0f}") for i in exposed],
                    facts=[label.THIRD_TRIMESTER_WEEK, label.PREGNANCY_NEONATAL_MONITORING],
                )
            )
    return found
