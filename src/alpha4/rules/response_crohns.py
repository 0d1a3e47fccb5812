"""Treatment response in Crohn's disease: response and remission by CDAI or HBI over time.

The label's stop rules (no benefit by week 12, steroids not tapered within 6 months,
more than 3 months of steroids in a calendar year) are :mod:`alpha4.rules.crohns`;
this module reads the same scores for the running picture and reuses that module's
benefit test and steroid-day count. It adds the previous complete calendar year to
the steroid check (the stop-rule module looks at the current year only).

- Baseline: the last score of each index on or before the first infusion.
- Response: CDAI fall of at least 70 (also reported: at least 100) or HBI fall of at least 3.
- Remission: CDAI below 150 or HBI below 5.
- Loss of response: an earlier score on treatment showed response or remission and
  the latest shows neither.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from alpha4.domain import CrohnsIndexKind, CrohnsScore, Disease, Patient
from alpha4.knowledge import label
from alpha4.knowledge import response as kb

from .context import Context
from .crohns import DAYS_PER_MONTH, _steroid_days, shows_benefit
from .dates import add_months
from .findings import Finding, derived, evidence, finding, medication_evidence
from .scores import ResponseAssessment, assess_change, cdai_band, hbi_band, remission_below


@dataclass(frozen=True, slots=True)
class IndexCourse:
    """One index's course on treatment: baseline, every later score and the latest change."""

    index: CrohnsIndexKind
    baseline: CrohnsScore | None
    later: tuple[CrohnsScore, ...]

    @property
    def latest(self) -> CrohnsScore | None:
        return self.later[-1] if self.later else None

    @property
    def change(self) -> ResponseAssessment | None:
        if self.baseline is None or self.latest is None:
            return None
        return assess_change(self.index, self.baseline.score, self.latest.score)

    @property
    def in_remission(self) -> bool | None:
        """Latest score in remission; None without a score on treatment."""
        if self.latest is None:
            return None
        return self.latest.score < remission_below(self.index).value

    @property
    def lost_response(self) -> bool:
        """An earlier score on treatment met response or remission; the latest meets neither."""
        if self.baseline is None or len(self.later) < 2:
            return False
        base = self.baseline

        def good(s: CrohnsScore) -> bool:
            return shows_benefit(base, s) or s.score < remission_below(self.index).value

        return any(good(s) for s in self.later[:-1]) and not good(self.later[-1])


def band(index: CrohnsIndexKind, score: float) -> str:
    return cdai_band(score) if index is CrohnsIndexKind.CDAI else hbi_band(score)


def crohns_courses(patient: Patient, as_of: dt.date) -> tuple[IndexCourse, ...]:
    """Each recorded index's course from the first infusion to ``as_of`` (empty before treatment)."""
    first = next((i for i in patient.infusions if i.date <= as_of), None)
    if patient.indication.disease is not Disease.CROHNS_DISEASE or first is None:
        return ()
    scores = [s for s in patient.crohns_scores if s.date <= as_of]
    out: list[IndexCourse] = []
    for kind in CrohnsIndexKind:
        mine = [s for s in scores if s.index is kind]
        if not mine:
            continue
        before = [s for s in mine if s.date <= first.date]
        after = tuple(s for s in mine if s.date > first.date)
        out.append(IndexCourse(kind, before[-1] if before else None, after))
    return tuple(out)


def latest_in_remission(patient: Patient, as_of: dt.date) -> bool | None:
    """Remission by the most recent score on treatment (either index); None without one."""
    courses = [c for c in crohns_courses(patient, as_of) if c.latest is not None]
    if not courses:
        return None
    latest = max(courses, key=lambda c: c.latest.date if c.latest else dt.date.min)
    return latest.in_remission


def _describe(c: IndexCourse) -> str:
    name = c.index.value.upper()
    latest = c.latest
    if latest is None:
        return f"{name}: no score since the first infusion"
    text = f"{name} {latest.score:g} on {latest.date} ({band(c.index, latest.score).replace('_', ' ')})"
    change = c.change
    if c.baseline is None or change is None:
        return text + "; no pre-treatment score, so response cannot be judged"
    text += f"; baseline {c.baseline.score:g} ({c.baseline.date}), fall {change.fall:g}"
    verdicts = []
    if change.remission:
        verdicts.append("remission")
    if change.response:
        verdicts.append("response" + (" (>= 100)" if change.response_100 else ""))
    return text + ": " + (", ".join(verdicts) if verdicts else "neither response nor remission")


def crohns_response_findings(ctx: Context) -> list[Finding]:
    courses = crohns_courses(ctx.patient, ctx.as_of)
    if not courses:
        return []
    facts = [
        label.CD_RESPONSE_CDAI_DROP,
        label.CD_RESPONSE_HBI_DROP,
        kb.CDAI_RESPONSE_100,
        kb.CDAI_REMISSION_BELOW,
        kb.HBI_REMISSION_BELOW,
        kb.CDAI_BANDS,
        kb.HBI_BANDS,
    ]
    ev = [
        evidence(s, f"{s.index.value} {s.score:g}")
        for c in courses
        for s in ((c.baseline,) if c.baseline else ()) + c.later
    ]
    found = [
        finding(
            "CROHNS_RESPONSE_STATUS",
            "; ".join(_describe(c) for c in courses) + ".",
            evidence=ev,
            facts=facts,
        )
    ]
    lost = [c for c in courses if c.lost_response]
    if lost and ctx.on_treatment:
        found.append(
            finding(
                "CROHNS_LOSS_OF_RESPONSE",
                "Response or remission earlier on treatment has been lost: "
                + "; ".join(_describe(c) for c in lost)
                + ".",
                evidence=[evidence(s, f"{s.index.value} {s.score:g}") for c in lost for s in c.later],
                facts=facts,
            )
        )
    found += _previous_year_steroids(ctx)
    return found


def _previous_year_steroids(ctx: Context) -> list[Finding]:
    """Steroids for more than 3 months in the last complete calendar year after the initial taper."""
    first = ctx.first_infusion
    if first is None or not ctx.on_treatment:
        return []
    taper_by = add_months(first.date, label.CD_STEROID_TAPER_MONTHS.value)
    year = ctx.as_of.year - 1
    year_end = dt.date(year, 12, 31)
    if taper_by >= year_end:
        return []
    start = max(dt.date(year, 1, 1), taper_by)
    days, ids = _steroid_days(ctx, start, year_end)
    if days <= label.CD_STEROID_MONTHS_PER_YEAR.value * DAYS_PER_MONTH:
        return []
    return [
        finding(
            "CROHNS_STEROIDS_PROLONGED",
            f"Steroids on {days} days in {year} after the initial taper (more than "
            f"{label.CD_STEROID_MONTHS_PER_YEAR.value} months in that calendar year).",
            evidence=[
                derived("steroid_days", days, year_end),
                *(medication_evidence(m) for m in ctx.medications if m.id in ids),
            ],
            facts=[label.CD_STEROID_MONTHS_PER_YEAR, label.CD_STEROID_TAPER_MONTHS],
        )
    ]
