"""Treatment response in multiple sclerosis: relapse rate, MRI activity, disability, NEDA-3, rebound.

Definitions (each threshold is a fact in :mod:`alpha4.knowledge.response`):

- **Annualised relapse rate** (ARR): relapses with onset in a window divided by its
  length in years. Before treatment: the 12 months before the first infusion. On
  treatment: first infusion to today (or to discontinuation).
- **Re-baselining**: activity in the first 6 months is shown but not counted as
  failure. A scan within 45 days of month 6 is the new MRI reference: its new or
  enlarging T2 lesions (counted against the pre-treatment scan) are not counted,
  its gadolinium-enhancing lesions are.
- **Confirmed disability worsening** (CDW): EDSS up by 1.5 from below 1.0, 1.0 from
  1.0-5.5, 0.5 from above 5.5, over the last EDSS on or before the first infusion,
  still met by a score at least 3 months later (and every score in between);
  scores within 30 days after a relapse onset are not used.
- **NEDA-3** over a period: no relapse, no new/enlarging T2 or enhancing lesion, no
  confirmed worsening. Unknown, never "achieved", when no assessable MRI or EDSS
  falls in the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from alpha4.domain import Disease, EdssScore, Infusion, MriScan, Patient, Relapse
from alpha4.knowledge import Fact, label
from alpha4.knowledge import response as kb

from .antibodies import AntibodyStatus, classify
from .context import Context
from .dates import add_months, whole_months_between
from .findings import EvidenceItem, Finding, derived, evidence, finding
from .response_crohns import crohns_response_findings

YEAR_DAYS = 365.25


# --- relapse rate -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RelapseRate:
    """Relapses in a stated window and, when the window is long enough, the annualised rate."""

    label: str
    start: dt.date
    end: dt.date
    relapses: tuple[Relapse, ...]
    annualised: bool = True

    @property
    def years(self) -> float:
        return max((self.end - self.start).days, 0) / YEAR_DAYS

    @property
    def rate(self) -> float | None:
        if not self.annualised or self.years <= 0:
            return None
        return round(len(self.relapses) / self.years, 2)

    def describe(self) -> str:
        count = f"{len(self.relapses)} relapse{'s' if len(self.relapses) != 1 else ''}"
        rate = f"ARR {self.rate:.2f}" if self.rate is not None else "not annualised (window under 6 months)"
        return f"{self.label}: {count} from {self.start} to {self.end} ({self.years:.1f} y), {rate}"


def first_infusion(patient: Patient, as_of: dt.date) -> Infusion | None:
    return next((i for i in patient.infusions if i.date <= as_of), None)


def treatment_end(patient: Patient, as_of: dt.date) -> dt.date:
    """Discontinuation date when treatment has stopped by ``as_of``; otherwise ``as_of``."""
    stop = patient.discontinuation
    return stop.date if stop is not None and stop.date <= as_of else as_of


def pre_treatment_rate(patient: Patient, first: dt.date) -> RelapseRate:
    """Relapses in the 12 months before the first infusion.

    >>> from alpha4.domain.builders import ms_patient
    >>> p = ms_patient(first_infusion=dt.date(2024, 1, 1), infusions=1,
    ...     relapses=[Relapse(id="r1", date=dt.date(2023, 3, 1)), Relapse(id="r2", date=dt.date(2023, 9, 1))])
    >>> pre_treatment_rate(p, dt.date(2024, 1, 1)).rate
    2.0
    """
    start = add_months(first, -kb.ARR_PRE_TREATMENT_WINDOW_MONTHS.value)
    found = tuple(r for r in patient.relapses if start <= r.date < first)
    return RelapseRate("Before natalizumab", start, first, found)


def on_treatment_rate(patient: Patient, first: dt.date, end: dt.date) -> RelapseRate:
    """Relapses from the first infusion to ``end``; annualised over at least 6 months."""
    found = tuple(r for r in patient.relapses if first <= r.date <= end)
    long_enough = add_months(first, kb.ARR_MIN_WINDOW_MONTHS.value) <= end
    return RelapseRate("On natalizumab", first, end, found, annualised=long_enough)


# --- MRI activity -----------------------------------------------------------------------------
class ScanRole(StrEnum):
    PRE_TREATMENT = "pre-treatment"
    BEFORE_REBASELINE = "before re-baseline"
    REFERENCE = "re-baseline reference"
    ON_TREATMENT = "on treatment"
    AFTER_STOP = "after stopping"


@dataclass(frozen=True, slots=True)
class ScanActivity:
    """One scan: its lesion counts and whether they count as on-treatment activity."""

    scan: MriScan
    role: ScanRole
    new_or_enlarging: int | None  # None: not reported
    enhancing: int | None  # None: not reported, or no contrast given
    counted_t2: bool
    counted_enhancing: bool
    note: str = ""

    @property
    def any_activity(self) -> bool:
        return (self.new_or_enlarging or 0) > 0 or (self.enhancing or 0) > 0

    @property
    def counted_activity(self) -> bool:
        t2 = self.counted_t2 and (self.new_or_enlarging or 0) > 0
        return t2 or (self.counted_enhancing and (self.enhancing or 0) > 0)

    def describe(self) -> str:
        t2 = (
            "T2 not reported"
            if self.new_or_enlarging is None
            else f"{self.new_or_enlarging} new/enlarging T2"
        )
        gd = "Gd+ not assessed" if self.enhancing is None else f"{self.enhancing} Gd+"
        note = f"; {self.note}" if self.note else ""
        return f"{self.scan.date} ({self.role.value}): {t2}, {gd}{note}"


def scan_counts(scan: MriScan) -> tuple[int | None, int | None]:
    """New-or-enlarging T2 and enhancing lesion counts; None when not reported.

    Many reports give one "new or enlarging" count, recorded as ``new_t2_lesions``;
    a missing half is read as 0 when the other half is reported. Enhancing lesions
    are only assessable on a contrast scan.
    """
    if scan.new_t2_lesions is None and scan.enlarging_t2_lesions is None:
        t2 = None
    else:
        t2 = (scan.new_t2_lesions or 0) + (scan.enlarging_t2_lesions or 0)
    enhancing = scan.gadolinium_enhancing_lesions if scan.contrast else None
    return t2, enhancing


def rebaseline_date(first: dt.date) -> dt.date:
    """Six months after the first infusion.

    >>> rebaseline_date(dt.date(2024, 1, 15))
    datetime.date(2024, 7, 15)
    """
    return add_months(first, kb.REBASELINE_MONTHS.value)


def classify_scans(patient: Patient, first: dt.date, as_of: dt.date) -> tuple[ScanActivity, ...]:
    """Every scan up to ``as_of`` with its role in judging response."""
    reb = rebaseline_date(first)
    window = dt.timedelta(days=kb.REBASELINE_SCAN_WINDOW_DAYS.value)
    scans = [s for s in patient.mri_scans if s.date <= as_of]
    stop = patient.discontinuation.date if patient.discontinuation else None
    reference = next((s for s in scans if first < s.date and reb - window <= s.date <= reb + window), None)
    out: list[ScanActivity] = []
    first_counted = True
    for s in scans:
        t2, gd = scan_counts(s)
        if s.date <= first:
            out.append(ScanActivity(s, ScanRole.PRE_TREATMENT, t2, gd, False, False))
        elif stop is not None and s.date > stop:
            out.append(ScanActivity(s, ScanRole.AFTER_STOP, t2, gd, False, False))
        elif s is reference:
            out.append(
                ScanActivity(s, ScanRole.REFERENCE, t2, gd, False, True, "new MRI reference; T2 not counted")
            )
        elif s.date < reb:
            out.append(ScanActivity(s, ScanRole.BEFORE_REBASELINE, t2, gd, False, False))
        else:
            note = ""
            if reference is None and first_counted:
                note = (
                    "no scan near month 6: T2 lesions counted, may include some formed before the re-baseline"
                )
            first_counted = False
            out.append(ScanActivity(s, ScanRole.ON_TREATMENT, t2, gd, True, True, note))
    return tuple(out)


# --- disability -------------------------------------------------------------------------------
def required_increase(baseline: float) -> float:
    """EDSS increase that counts as worsening from ``baseline``.

    >>> [required_increase(b) for b in (0.0, 0.5, 1.0, 5.5, 6.0, 7.5)]
    [1.5, 1.5, 1.0, 1.0, 0.5, 0.5]
    """
    rows = kb.CDW_INCREASE.value
    need = rows[0][1]
    for lowest, increase in rows:
        if baseline >= lowest:
            need = increase
    return need


class WorseningStatus(StrEnum):
    CONFIRMED = "confirmed"
    AWAITING_CONFIRMATION = "awaiting_confirmation"


@dataclass(frozen=True, slots=True)
class Worsening:
    baseline: EdssScore
    event: EdssScore
    confirmation: EdssScore | None
    increase_needed: float
    status: WorseningStatus

    def describe(self) -> str:
        text = (
            f"EDSS {self.baseline.score:g} ({self.baseline.date}) -> {self.event.score:g} ({self.event.date}), "
            f"+{self.increase_needed:g} needed"
        )
        if self.confirmation is not None:
            return f"{text}; confirmed {self.confirmation.score:g} on {self.confirmation.date}"
        return f"{text}; not yet confirmed"


def baseline_edss(patient: Patient, first: dt.date) -> EdssScore | None:
    """The last EDSS on or before the first infusion (None: no reference, so worsening is unknown)."""
    before = [s for s in patient.edss_scores if s.date <= first]
    return before[-1] if before else None


def find_worsening(
    scores: Sequence[EdssScore],
    baseline: EdssScore,
    relapses: Sequence[Relapse],
    as_of: dt.date,
    *,
    confirm_months: int | None = None,
) -> Worsening | None:
    """The first confirmed worsening from ``baseline``, else one awaiting confirmation, else None.

    >>> b = EdssScore(id="e0", date=dt.date(2024, 1, 1), score=1.0)
    >>> s = [EdssScore(id="e1", date=dt.date(2024, 7, 1), score=2.0),
    ...      EdssScore(id="e2", date=dt.date(2024, 10, 1), score=2.0)]
    >>> find_worsening(s, b, [], dt.date(2025, 1, 1)).status.value
    'confirmed'
    """
    months = confirm_months if confirm_months is not None else kb.CDW_CONFIRM_MONTHS.value
    exclusion = kb.EDSS_RELAPSE_EXCLUSION_DAYS.value

    def near_relapse(score: EdssScore) -> bool:
        return any(0 <= (score.date - r.date).days <= exclusion for r in relapses)

    eligible = [s for s in scores if baseline.date < s.date <= as_of and not near_relapse(s)]
    need = required_increase(baseline.score)
    target = baseline.score + need
    pending: Worsening | None = None
    for i, event in enumerate(eligible):
        if event.score < target:
            continue
        confirm_by = add_months(event.date, months)
        sustained = True
        for later in eligible[i + 1 :]:
            if later.score < target:
                sustained = False
                break
            if later.date >= confirm_by:
                return Worsening(baseline, event, later, need, WorseningStatus.CONFIRMED)
        if sustained and pending is None:
            pending = Worsening(baseline, event, None, need, WorseningStatus.AWAITING_CONFIRMATION)
    return pending


# --- NEDA-3 -----------------------------------------------------------------------------------
class NedaStatus(StrEnum):
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Neda3:
    status: NedaStatus
    start: dt.date
    end: dt.date
    counted_from: dt.date
    activity: tuple[tuple[dt.date, str], ...]
    missing: tuple[str, ...]
    evidence: tuple[EvidenceItem, ...]

    def describe(self) -> str:
        text = f"NEDA-3 from {self.counted_from} to {self.end}: {self.status.value.replace('_', ' ')}"
        if self.activity:
            text += " (" + "; ".join(a for _, a in self.activity) + ")"
        elif self.missing:
            text += " (" + "; ".join(self.missing) + ")"
        return text


def neda3(
    patient: Patient,
    as_of: dt.date,
    start: dt.date,
    end: dt.date,
    *,
    confirm_months: int | None = None,
) -> Neda3:
    """NEDA-3 over ``start``..``end`` (clamped to ``as_of``), counted from the re-baseline date."""
    end = min(end, as_of)
    first = first_infusion(patient, as_of)
    if first is None:
        return Neda3(NedaStatus.UNKNOWN, start, end, start, (), ("no infusion recorded",), ())
    counted_from = max(start, rebaseline_date(first.date))
    if end < counted_from:
        return Neda3(
            NedaStatus.UNKNOWN,
            start,
            end,
            counted_from,
            (),
            (f"the period ends before the re-baseline date {counted_from}",),
            (),
        )
    activity: list[tuple[dt.date, str]] = []
    missing: list[str] = []
    ev: list[EvidenceItem] = []
    for r in patient.relapses:
        if counted_from <= r.date <= end:
            activity.append((r.date, f"relapse {r.date}"))
            ev.append(evidence(r, "relapse"))
    scans = [s for s in classify_scans(patient, first.date, as_of) if counted_from <= s.scan.date <= end]
    for s in scans:
        ev.append(evidence(s.scan, s.describe()))
        if s.counted_activity:
            activity.append((s.scan.date, f"MRI {s.describe()}"))
    if not any(s.counted_t2 and s.new_or_enlarging is not None for s in scans):
        missing.append("no MRI with T2 lesion counts in the period")
    base = baseline_edss(patient, first.date)
    if base is None:
        missing.append("no EDSS on or before the first infusion")
    else:
        ev.append(evidence(base, f"baseline EDSS {base.score:g}"))
        w = find_worsening(patient.edss_scores, base, patient.relapses, as_of, confirm_months=confirm_months)
        if w is not None and w.status is WorseningStatus.CONFIRMED and counted_from <= w.event.date <= end:
            activity.append((w.event.date, f"confirmed disability worsening: {w.describe()}"))
            ev.append(evidence(w.event, "EDSS worsening"))
        if not any(counted_from <= s.date <= end for s in patient.edss_scores):
            missing.append("no EDSS in the period")
    if activity:
        status = NedaStatus.NOT_ACHIEVED
    elif missing:
        status = NedaStatus.UNKNOWN
    else:
        status = NedaStatus.ACHIEVED
    activity.sort(key=lambda a: a[0])
    return Neda3(status, start, end, counted_from, tuple(activity), tuple(missing), tuple(ev))


# --- one patient's picture --------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MsResponse:
    first_infusion: Infusion
    rebaseline: dt.date
    end: dt.date
    before: RelapseRate
    during: RelapseRate
    last_relapse: Relapse | None
    scans: tuple[ScanActivity, ...]
    baseline_edss: EdssScore | None
    latest_edss: EdssScore | None
    worsening: Worsening | None
    recent: Neda3


def ms_response(patient: Patient, as_of: dt.date) -> MsResponse | None:
    """The MS response picture on ``as_of``; None before the first infusion or for Crohn's disease."""
    if patient.indication.disease is not Disease.MULTIPLE_SCLEROSIS:
        return None
    first = first_infusion(patient, as_of)
    if first is None:
        return None
    end = treatment_end(patient, as_of)
    relapses = [r for r in patient.relapses if r.date <= as_of]
    base = baseline_edss(patient, first.date)
    edss = [s for s in patient.edss_scores if s.date <= as_of]
    worsening = find_worsening(edss, base, relapses, as_of) if base is not None else None
    return MsResponse(
        first_infusion=first,
        rebaseline=rebaseline_date(first.date),
        end=end,
        before=pre_treatment_rate(patient, first.date),
        during=on_treatment_rate(patient, first.date, end),
        last_relapse=relapses[-1] if relapses else None,
        scans=classify_scans(patient, first.date, as_of),
        baseline_edss=base,
        latest_edss=edss[-1] if edss else None,
        worsening=worsening,
        recent=neda3(patient, as_of, max(first.date, add_months(end, -kb.NEDA3_RECENT_MONTHS.value)), end),
    )


# --- findings ---------------------------------------------------------------------------------
_SUMMARY_FACTS: tuple[Fact[object], ...] = (
    kb.ARR_METHOD,
    kb.ARR_PRE_TREATMENT_WINDOW_MONTHS,
    kb.ARR_MIN_WINDOW_MONTHS,
    kb.AFFIRM_ARR_VALUES,
    kb.REBASELINE_MONTHS,
    kb.REBASELINE_SCAN_WINDOW_DAYS,
    kb.CDW_INCREASE,
    kb.CDW_CONFIRM_MONTHS,
    kb.EDSS_RELAPSE_EXCLUSION_DAYS,
    kb.NEDA3_DEFINITION,
    kb.NEDA3_RECENT_MONTHS,
)


def response_findings(ctx: Context) -> list[Finding]:
    """Treatment-response findings for MS and Crohn's disease (the one entry point ``assess`` calls)."""
    return ms_response_findings(ctx) + crohns_response_findings(ctx)


def ms_response_findings(ctx: Context) -> list[Finding]:
    r = ms_response(ctx.patient, ctx.as_of)
    if r is None:
        return []
    found = [_summary(ctx, r)]
    if ctx.discontinued:
        return found + _after_stop(ctx, r)
    found += _early_activity(r)
    if r.worsening is not None and r.worsening.status is WorseningStatus.AWAITING_CONFIRMATION:
        found.append(
            finding(
                "MS_WORSENING_UNCONFIRMED",
                f"EDSS worsening not yet confirmed: {r.worsening.describe()}.",
                evidence=[
                    evidence(r.worsening.baseline, f"baseline EDSS {r.worsening.baseline.score:g}"),
                    evidence(r.worsening.event, f"EDSS {r.worsening.event.score:g}"),
                ],
                facts=[kb.CDW_INCREASE, kb.CDW_CONFIRM_MONTHS, kb.EDSS_RELAPSE_EXCLUSION_DAYS],
            )
        )
    if ctx.as_of < r.rebaseline:
        return found
    if r.recent.status is NedaStatus.NOT_ACHIEVED:
        found.append(_suboptimal(ctx, r))
    elif r.recent.status is NedaStatus.UNKNOWN and ctx.as_of >= add_months(
        r.first_infusion.date, kb.NEDA3_RECENT_MONTHS.value
    ):
        found.append(
            finding(
                "MS_NEDA3_UNKNOWN",
                f"NEDA-3 from {r.recent.counted_from} to {r.recent.end} cannot be judged: "
                + "; ".join(r.recent.missing)
                + ".",
                evidence=[*r.recent.evidence, derived("neda3", r.recent.status.value, r.recent.end)],
                facts=[kb.NEDA3_DEFINITION, kb.REBASELINE_MONTHS, kb.NEDA3_RECENT_MONTHS],
            )
        )
    return found


def _summary(ctx: Context, r: MsResponse) -> Finding:
    months = whole_months_between(r.first_infusion.date, r.end)
    parts = [f"Treated from {r.first_infusion.date} ({months} months to {r.end})."]
    parts.append(r.before.describe() + ".")
    parts.append(r.during.describe() + ".")
    if r.last_relapse is not None:
        days = (ctx.as_of - r.last_relapse.date).days
        parts.append(f"Last relapse {r.last_relapse.date} ({days} days ago).")
    else:
        parts.append("No relapse recorded.")
    after_start = [s for s in r.scans if s.role is not ScanRole.PRE_TREATMENT]
    reference = next((s for s in r.scans if s.role is ScanRole.REFERENCE), None)
    parts.append(
        f"Re-baseline {r.rebaseline}: "
        + (f"reference scan {reference.scan.date}." if reference else "no scan within 45 days of it.")
    )
    if after_start:
        parts.append("MRI: " + "; ".join(s.describe() for s in after_start) + ".")
    else:
        parts.append("No MRI since the first infusion.")
    if r.baseline_edss is None:
        parts.append("No EDSS on or before the first infusion: disability worsening cannot be judged.")
    else:
        latest = r.latest_edss
        latest_text = f", latest {latest.score:g} ({latest.date})" if latest else ""
        parts.append(f"EDSS baseline {r.baseline_edss.score:g} ({r.baseline_edss.date}){latest_text}.")
        parts.append(
            f"Disability worsening: {r.worsening.describe()}." if r.worsening else "No disability worsening."
        )
    parts.append(r.recent.describe() + ".")
    ev: list[EvidenceItem] = [
        evidence(r.first_infusion, "first infusion"),
        derived(
            "arr_before", r.before.rate if r.before.rate is not None else len(r.before.relapses), r.before.end
        ),
        derived(
            "arr_on_treatment",
            r.during.rate
            if r.during.rate is not None
            else f"{len(r.during.relapses)} relapses (not annualised)",
            r.during.end,
        ),
        derived("neda3_recent", r.recent.status.value, r.recent.end),
    ]
    ev += [evidence(x, "relapse") for x in ctx.relapses if x.date <= ctx.as_of]
    ev += [evidence(s.scan, s.describe()) for s in r.scans]
    if r.baseline_edss is not None:
        ev.append(evidence(r.baseline_edss, f"baseline EDSS {r.baseline_edss.score:g}"))
    if r.latest_edss is not None and r.latest_edss is not r.baseline_edss:
        ev.append(evidence(r.latest_edss, f"latest EDSS {r.latest_edss.score:g}"))
    return finding("MS_RESPONSE_SUMMARY", " ".join(parts), evidence=ev, facts=_SUMMARY_FACTS)


def _early_activity(r: MsResponse) -> list[Finding]:
    first = r.first_infusion.date
    relapses = [x for x in r.during.relapses if first <= x.date < r.rebaseline]
    scans = [
        s
        for s in r.scans
        if (s.role is ScanRole.BEFORE_REBASELINE and s.any_activity)
        or (s.role is ScanRole.REFERENCE and (s.new_or_enlarging or 0) > 0)
    ]
    if not relapses and not scans:
        return []
    items = [f"relapse {x.date}" for x in relapses] + [f"MRI {s.describe()}" for s in scans]
    return [
        finding(
            "MS_EARLY_ACTIVITY",
            f"Activity before the re-baseline date {r.rebaseline}: " + "; ".join(items) + ".",
            evidence=[evidence(x, "relapse") for x in relapses]
            + [evidence(s.scan, s.describe()) for s in scans],
            facts=[kb.REBASELINE_MONTHS, kb.REBASELINE_SCAN_WINDOW_DAYS],
        )
    ]


def possible_causes(ctx: Context, since: dt.date) -> tuple[list[str], list[EvidenceItem], bool]:
    """Causes of breakthrough activity to check: antibodies, late doses, a long interval.

    Returns the causes as text, their evidence, and whether antibodies are persistent.
    """
    causes: list[str] = []
    ev: list[EvidenceItem] = []
    reading = classify(ctx.antibody_results)
    persistent = reading.status is AntibodyStatus.PERSISTENT
    if persistent:
        causes.append(
            f"persistent anti-natalizumab antibodies ({reading.positives[0].date} to {reading.positives[-1].date})"
        )
        ev += [evidence(a, "antibody positive") for a in reading.positives]
    elif reading.status is AntibodyStatus.POSITIVE_UNCONFIRMED:
        causes.append(
            f"anti-natalizumab antibodies positive on {reading.positives[0].date}, not yet confirmed"
        )
        ev += [evidence(a, "antibody positive") for a in reading.positives]
    elif reading.latest is None:
        causes.append("anti-natalizumab antibodies never tested: test now")
    elif reading.latest.date < since:
        causes.append(
            f"no antibody test since the activity (last {reading.latest.date}, {reading.status.value})"
        )
    else:
        ev.append(evidence(reading.latest, f"antibodies {reading.status.value}"))
    window_start = add_months(since, -kb.DOSING_LOOKBACK_MONTHS.value)
    prescribed = (
        round(ctx.patient.extended_interval_weeks * 7)
        if ctx.patient.extended_interval_weeks
        else label.STANDARD_INTERVAL_DAYS.value
    )
    late_after = max(label.STANDARD_INTERVAL_UPPER_DAYS.value, prescribed + kb.LATE_DOSE_TOLERANCE_DAYS.value)
    infusions = list(ctx.infusions)
    late = [
        (a, b)
        for a, b in pairwise(infusions)
        if b.date >= window_start and (b.date - a.date).days > late_after
    ]
    for a, b in late:
        causes.append(f"late dose: {(b.date - a.date).days} days between {a.date} and {b.date}")
        ev.append(evidence(b, f"{(b.date - a.date).days} days after the previous infusion"))
    in_window = [i for i in infusions if window_start <= i.date <= ctx.as_of]
    if len(in_window) >= 2:
        average = (in_window[-1].date - in_window[0].date).days / (len(in_window) - 1)
        tested = kb.EID_EFFICACY_TESTED_DAYS.value
        if average > tested or prescribed > tested:
            causes.append(
                f"dosing interval longer than every 6 weeks (average {average:.0f} days, prescribed {prescribed} days), "
                "beyond the interval tested for efficacy"
            )
            ev.append(derived("average_interval_days", f"{average:.0f}", in_window[-1].date))
    return causes, ev, persistent


def _suboptimal(ctx: Context, r: MsResponse) -> Finding:
    since = r.recent.activity[0][0]
    causes, cause_ev, persistent = possible_causes(ctx, since)
    activity = "; ".join(a for _, a in r.recent.activity)
    cause_text = (
        " Possible causes to check: " + "; ".join(causes) + "."
        if causes
        else " No antibody or dosing cause is found in the record."
    )
    before = f" {r.before.describe()}."
    detail = (
        f"Disease activity on natalizumab after the re-baseline ({r.recent.counted_from} to {r.recent.end}): "
        f"{activity}.{before}{cause_text}"
    )
    return finding(
        "MS_NON_RESPONSE_ANTIBODIES" if persistent else "MS_SUBOPTIMAL_RESPONSE",
        detail,
        evidence=[*r.recent.evidence, derived("neda3", r.recent.status.value, r.recent.end), *cause_ev],
        facts=[
            kb.NEDA3_DEFINITION,
            kb.REBASELINE_MONTHS,
            kb.CDW_INCREASE,
            kb.DOSING_LOOKBACK_MONTHS,
            kb.LATE_DOSE_TOLERANCE_DAYS,
            kb.EID_EFFICACY_TESTED_DAYS,
            label.STANDARD_INTERVAL_UPPER_DAYS,
            label.ANTIBODY_PERSISTENT_GAP_DAYS,
        ],
    )


def _after_stop(ctx: Context, r: MsResponse) -> list[Finding]:
    last = ctx.last_infusion
    if last is None:
        return []
    watch_end = add_months(last.date, kb.REBOUND_WATCH_MONTHS.value)
    until = min(ctx.as_of, watch_end)
    relapses = [x for x in ctx.relapses if last.date < x.date <= until]
    scans = [s for s in r.scans if last.date < s.scan.date <= until and s.any_activity]
    facts = [kb.REBOUND_WATCH_MONTHS, kb.REBOUND_TIMING, kb.ARR_PRE_TREATMENT_WINDOW_MONTHS]
    if relapses or scans:
        items = [
            f"relapse {x.date} ({(x.date - last.date).days} days after the last infusion)" for x in relapses
        ]
        items += [f"MRI {s.describe()} ({(s.scan.date - last.date).days} days after)" for s in scans]
        return [
            finding(
                "MS_ACTIVITY_AFTER_STOP",
                f"Natalizumab stopped (last infusion {last.date}); disease activity since: "
                + "; ".join(items)
                + f". {r.before.describe()}. Sources: {kb.REBOUND_TIMING.value}.",
                evidence=[evidence(last, "last infusion")]
                + [evidence(x, "relapse after stopping") for x in relapses]
                + [evidence(s.scan, s.describe()) for s in scans],
                facts=facts,
            )
        ]
    if ctx.as_of <= watch_end:
        return [
            finding(
                "MS_WATCH_AFTER_STOP",
                f"Natalizumab stopped (last infusion {last.date}); no activity recorded since. Watch until "
                f"{watch_end}: {kb.REBOUND_TIMING.value}.",
                evidence=[evidence(last, "last infusion")],
                facts=facts,
            )
        ]
    return []
