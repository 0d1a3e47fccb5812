"""Crohn's disease stop rules from the US label (section 2).

- No therapeutic benefit by week 12 of induction: discontinue.
- Oral steroids not tapered off within 6 months of starting: discontinue.
- After that, steroids needed for more than 3 months in a calendar year: consider stopping.

"Benefit" is read from recorded activity scores: a fall of at least 70 CDAI points
or 3 HBI points from the last score before the first infusion (clinical response,
as in ENCORE/ENACT), or remission.
"""

from __future__ import annotations

import datetime as dt

from alpha4.domain import CrohnsIndexKind, CrohnsScore, Disease, MedicineClass, Route
from alpha4.knowledge import label

from .context import Context
from .dates import add_months
from .findings import Finding, derived, evidence, finding

DAYS_PER_MONTH = 365.25 / 12


def _drop_needed(kind: CrohnsIndexKind) -> float:
    return float(
        label.CD_RESPONSE_CDAI_DROP.value
        if kind is CrohnsIndexKind.CDAI
        else label.CD_RESPONSE_HBI_DROP.value
    )


def shows_benefit(baseline: CrohnsScore, later: CrohnsScore) -> bool:
    """Clinical response relative to the same index's baseline.

    >>> b = CrohnsScore(id="b", date=dt.date(2024, 1, 1), index="cdai", score=300)
    >>> shows_benefit(b, CrohnsScore(id="w12", date=dt.date(2024, 3, 25), index="cdai", score=230))
    True
    >>> shows_benefit(b, CrohnsScore(id="w12", date=dt.date(2024, 3, 25), index="cdai", score=231))
    False
    """
    return baseline.score - later.score >= _drop_needed(baseline.index)


def crohns_findings(ctx: Context) -> list[Finding]:
    if ctx.patient.indication.disease is not Disease.CROHNS_DISEASE or ctx.first_infusion is None:
        return []
    return _induction_benefit(ctx) + _steroids(ctx)


def _induction_benefit(ctx: Context) -> list[Finding]:
    first = ctx.first_infusion
    if first is None:  # crohns_findings only calls this once treatment has started
        return []
    week12 = first.date + dt.timedelta(weeks=label.CD_INDUCTION_BENEFIT_WEEKS.value)
    if ctx.as_of < week12 or not ctx.on_treatment:
        return []
    scores = [s for s in ctx.crohns_scores if s.date <= ctx.as_of]
    facts = [label.CD_INDUCTION_BENEFIT_WEEKS, label.CD_RESPONSE_CDAI_DROP, label.CD_RESPONSE_HBI_DROP]
    baselines = {s.index: s for s in scores if s.date <= first.date}
    later = [s for s in scores if s.date > first.date and s.index in baselines]
    benefit = [s for s in later if s.date <= ctx.as_of and shows_benefit(baselines[s.index], s)]
    if benefit:
        return []
    at_or_after_12 = [s for s in later if s.date >= week12]
    if not baselines or not at_or_after_12:
        return [
            finding(
                "CROHNS_BENEFIT_UNKNOWN",
                f"Week 12 of induction was {week12}; "
                + (
                    "no baseline CDAI or HBI before the first infusion"
                    if not baselines
                    else "no CDAI or HBI at or after week 12"
                )
                + " is recorded, so benefit cannot be judged.",
                evidence=[
                    evidence(first, "first infusion"),
                    *(evidence(s, f"{s.index.value} {s.score:g}") for s in scores),
                ],
                facts=facts,
            )
        ]
    return [
        finding(
            "CROHNS_NO_BENEFIT_WEEK_12",
            "No therapeutic benefit by week 12 of induction: "
            + "; ".join(
                f"{s.index.value.upper()} {baselines[s.index].score:g} -> {s.score:g} on {s.date}"
                for s in later
            )
            + f" (response needs a fall of at least {label.CD_RESPONSE_CDAI_DROP.value} CDAI or "
            f"{label.CD_RESPONSE_HBI_DROP.value} HBI points).",
            evidence=[evidence(baselines[k], f"baseline {k.value} {v.score:g}") for k, v in baselines.items()]
            + [evidence(s, f"{s.index.value} {s.score:g}") for s in later],
            facts=facts,
        )
    ]


def _steroid_days(ctx: Context, start: dt.date, end: dt.date) -> tuple[int, list[str]]:
    days = 0
    ids: list[str] = []
    for m in ctx.medications:
        if m.medicine_class is not MedicineClass.CORTICOSTEROID or m.route not in (
            None,
            Route.ORAL,
            Route.INTRAVENOUS,
        ):
            continue
        s = max(m.start or start, start)
        e = min(m.end or ctx.as_of, end, ctx.as_of)
        if e >= s:
            days += (e - s).days + 1
            ids.append(m.id)
    return days, ids


def _steroids(ctx: Context) -> list[Finding]:
    first = ctx.first_infusion
    if first is None:
        return []
    taper_by = add_months(first.date, label.CD_STEROID_TAPER_MONTHS.value)
    found: list[Finding] = []
    steroids = [
        m
        for m in ctx.medications
        if m.medicine_class is MedicineClass.CORTICOSTEROID and m.route in (None, Route.ORAL)
    ]
    on_at_start = [m for m in steroids if m.active_on(first.date)]
    if on_at_start and ctx.as_of > taper_by and ctx.on_treatment:
        still = [m for m in on_at_start if m.end is None or m.end > taper_by]
        if still:
            found.append(
                finding(
                    "CROHNS_STEROIDS_NOT_TAPERED",
                    "Oral corticosteroids taken at the start of natalizumab ("
                    + ", ".join(m.name for m in still)
                    + f") were not tapered off within {label.CD_STEROID_TAPER_MONTHS.value} months (by {taper_by}).",
                    evidence=[
                        derived("medication", f"{m.name} {m.start} to {m.end or 'ongoing'}", m.start)
                        for m in still
                    ],
                    facts=[label.CD_STEROID_TAPER_MONTHS],
                )
            )
    if ctx.as_of > taper_by and ctx.on_treatment:
        year_start = dt.date(ctx.as_of.year, 1, 1)
        window_start = max(year_start, taper_by)
        days, ids = _steroid_days(ctx, window_start, dt.date(ctx.as_of.year, 12, 31))
        limit = label.CD_STEROID_MONTHS_PER_YEAR.value * DAYS_PER_MONTH
        if days > limit:
            found.append(
                finding(
                    "CROHNS_STEROIDS_PROLONGED",
                    f"Steroids on {days} days in {ctx.as_of.year} after the initial taper (more than "
                    f"{label.CD_STEROID_MONTHS_PER_YEAR.value} months).",
                    evidence=[
                        derived("steroid_days", days, ctx.as_of),
                        *(derived("medication", i) for i in ids),
                    ],
                    facts=[label.CD_STEROID_MONTHS_PER_YEAR],
                )
            )
    return found
