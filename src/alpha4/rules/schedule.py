"""What is due: next infusion, JCV and antibody tests, blood counts and liver tests, MRI,
TOUCH assessments and reauthorization, the 2-year discussion, the post-discontinuation follow-up.

Each item has a due date and the day after which it is overdue; its status on ``as_of``
is ok, due_soon, due or overdue (or not_required / done, with the reason).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from alpha4.domain import AuthorizationKind, Serostatus
from alpha4.knowledge import CATALOGUE, label
from alpha4.knowledge.base import Fact
from alpha4.knowledge.codes import Panel

from .antibodies import AntibodyReading, AntibodyStatus
from .context import Context
from .dates import add_months
from .exposure import prescribed_interval_days
from .findings import Finding, derived, evidence, finding
from .pml import PmlAssessment, earliest_valid_jcv_test


class Status(StrEnum):
    OK = "ok"
    DUE_SOON = "due_soon"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_REQUIRED = "not_required"
    DONE = "done"

    @property
    def rank(self) -> int:
        """Urgency, least to most: nothing to do, in order, due soon, due, overdue."""
        return next(i for i, level in enumerate(URGENCY) if self in level)


URGENCY: tuple[frozenset[Status], ...] = (
    frozenset({Status.NOT_REQUIRED, Status.DONE}),
    frozenset({Status.OK}),
    frozenset({Status.DUE_SOON}),
    frozenset({Status.DUE}),
    frozenset({Status.OVERDUE}),
)
"""Statuses from least to most urgent; the store's per-patient summary keeps each item's most urgent."""


class ScheduleItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    item: str
    due: dt.date | None
    overdue_after: dt.date | None
    status: Status
    last: dt.date | None = None
    reason: str = ""
    facts: tuple[str, ...] = ()


def status_on(as_of: dt.date, due: dt.date, overdue_after: dt.date) -> Status:
    """Status of an item on ``as_of``.

    >>> d = dt.date(2024, 6, 1)
    >>> [status_on(dt.date(2024, 5, m), d, dt.date(2024, 6, 29)).value for m in (17, 18)]
    ['ok', 'due_soon']
    >>> status_on(d, d, dt.date(2024, 6, 29)).value, status_on(dt.date(2024, 6, 30), d, dt.date(2024, 6, 29)).value
    ('due', 'overdue')
    """
    if as_of > overdue_after:
        return Status.OVERDUE
    if as_of >= due:
        return Status.DUE
    if as_of >= due - dt.timedelta(days=label.DUE_SOON_DAYS.value):
        return Status.DUE_SOON
    return Status.OK


def _item(
    ctx: Context,
    name: str,
    due: dt.date,
    *,
    overdue_after: dt.date | None = None,
    last: dt.date | None = None,
    reason: str,
    facts: tuple[Fact[object], ...],
) -> ScheduleItem:
    grace = dt.timedelta(days=label.TEST_GRACE_DAYS.value)
    late = overdue_after or due + grace
    return ScheduleItem(
        item=name,
        due=due,
        overdue_after=late,
        status=status_on(ctx.as_of, due, late),
        last=last,
        reason=reason,
        facts=tuple(f.key for f in (*facts, label.TEST_GRACE_DAYS)),
    )


def _not(
    name: str, reason: str, status: Status = Status.NOT_REQUIRED, last: dt.date | None = None
) -> ScheduleItem:
    return ScheduleItem(item=name, due=None, overdue_after=None, status=status, last=last, reason=reason)


def next_infusion(ctx: Context) -> ScheduleItem | None:
    last = ctx.last_infusion
    if last is None or ctx.discontinued:
        return None
    interval = prescribed_interval_days(ctx)
    tolerance = label.STANDARD_INTERVAL_UPPER_DAYS.value - label.STANDARD_INTERVAL_DAYS.value
    due = last.date + dt.timedelta(days=interval)
    return ScheduleItem(
        item="infusion",
        due=due,
        overdue_after=due + dt.timedelta(days=tolerance),
        status=status_on(ctx.as_of, due, due + dt.timedelta(days=tolerance)),
        last=last.date,
        reason=f"every {interval} days"
        + (" (extended interval)" if interval != label.STANDARD_INTERVAL_DAYS.value else ""),
        facts=(label.STANDARD_INTERVAL_DAYS.key, label.STANDARD_INTERVAL_UPPER_DAYS.key),
    )


def jcv_test(ctx: Context, pml: PmlAssessment) -> ScheduleItem:
    """The next anti-JCV test, never before a result can validly be read after plasma exchange or IVIG."""
    item = _jcv_test(ctx, pml)
    not_before = earliest_valid_jcv_test(ctx)
    if not_before is None or item.due is None or item.due >= not_before:
        return item
    grace = dt.timedelta(days=label.TEST_GRACE_DAYS.value)
    return item.model_copy(
        update={
            "due": not_before,
            "overdue_after": not_before + grace,
            "status": status_on(ctx.as_of, not_before, not_before + grace),
            "reason": item.reason + f"; not before {not_before} (plasma exchange or IVIG)",
            "facts": (*item.facts, label.JCV_AFTER_PLASMA_EXCHANGE_DAYS.key, label.JCV_AFTER_IVIG_MONTHS.key),
        }
    )


def _jcv_test(ctx: Context, pml: PmlAssessment) -> ScheduleItem:
    reading = pml.reading
    facts: tuple[Fact[object], ...] = (label.JCV_RETEST_NEGATIVE_MONTHS, label.JCV_RETEST_LOW_INDEX_MONTHS)
    if reading is None:
        return _item(
            ctx,
            "jcv_antibody_test",
            ctx.as_of,
            overdue_after=ctx.as_of if ctx.on_treatment else None,
            reason="no usable anti-JCV result",
            facts=facts,
        )
    last = reading.result.date
    every = label.JCV_RETEST_NEGATIVE_MONTHS.value
    if reading.serostatus in (Serostatus.NEGATIVE, Serostatus.INDETERMINATE):
        return _item(
            ctx,
            "jcv_antibody_test",
            add_months(last, every),
            last=last,
            reason=f"anti-JCV {reading.serostatus.value}: retest every {every} months",
            facts=facts,
        )
    prior = ctx.prior_immunosuppressant
    high = reading.index is not None and reading.index > label.JCV_INDEX_HIGH.value
    if prior or high:
        why = (
            "prior immunosuppressant use"
            if prior
            else f"index {reading.result.shown_index} > {label.JCV_INDEX_HIGH.value}"
        )
        return _not(
            "jcv_antibody_test", f"anti-JCV positive with {why}: already in the higher-risk group", last=last
        )
    first = ctx.first_infusion
    two_years = add_months(first.date if first else ctx.as_of, label.HIGHER_RISK_TREATMENT_MONTHS.value)
    due = max(add_months(last, label.JCV_RETEST_LOW_INDEX_MONTHS.value), two_years)
    return _item(
        ctx,
        "jcv_antibody_test",
        due,
        last=last,
        reason=(
            "anti-JCV positive, low or unknown index, no prior immunosuppressant: every "
            f"{label.JCV_RETEST_LOW_INDEX_MONTHS.value} months from "
            f"{label.HIGHER_RISK_TREATMENT_MONTHS.value} months of treatment"
        ),
        facts=facts,
    )


def antibody_test(ctx: Context, antibodies: AntibodyReading) -> ScheduleItem | None:
    if not ctx.on_treatment:
        return None
    facts: tuple[Fact[object], ...] = (label.ANTIBODY_TEST_INTERVAL_DAYS,)
    if antibodies.status is AntibodyStatus.PERSISTENT:
        return _not("antibody_test", "persistent antibodies: a treatment decision is due, not another test")
    if antibodies.status is AntibodyStatus.POSITIVE_UNCONFIRMED:
        first = antibodies.positives[0].date
        due = first + dt.timedelta(days=label.ANTIBODY_PERSISTENT_GAP_DAYS.value)
        return _item(
            ctx,
            "antibody_test",
            due,
            last=antibodies.latest.date if antibodies.latest else None,
            reason=f"confirm the positive result at least {label.ANTIBODY_PERSISTENT_GAP_DAYS.value} days later",
            facts=(label.ANTIBODY_PERSISTENT_GAP_DAYS,),
        )
    start = antibodies.latest.date if antibodies.latest else ctx.first_infusion.date  # type: ignore[union-attr]
    due = start + dt.timedelta(days=label.ANTIBODY_TEST_INTERVAL_DAYS.value)
    return _item(
        ctx,
        "antibody_test",
        due,
        last=antibodies.latest.date if antibodies.latest else None,
        reason=f"every {label.ANTIBODY_TEST_INTERVAL_DAYS.value // 7} weeks during treatment",
        facts=facts,
    )


def panel_test(ctx: Context, panel: Panel) -> ScheduleItem | None:
    from .labs import latest_by_analyte  # local: labs depends on nothing here

    if ctx.discontinued:
        return None
    latest, _ = latest_by_analyte(ctx)
    dates = [n.result.date for n in latest.values() if n.code.panel is panel]
    name = "complete_blood_count" if panel is Panel.CBC else "liver_function_tests"
    facts: tuple[Fact[object], ...] = (label.ROUTINE_LAB_INTERVAL_MONTHS,)
    if not dates:
        first = ctx.first_infusion
        due = first.date if first else ctx.as_of
        return _item(ctx, name, due, reason="baseline before treatment, then routinely", facts=facts)
    last = max(dates)
    return _item(
        ctx,
        name,
        add_months(last, label.ROUTINE_LAB_INTERVAL_MONTHS.value),
        last=last,
        reason=f"routine, every {label.ROUTINE_LAB_INTERVAL_MONTHS.value} months (site default)",
        facts=facts,
    )


def mri(ctx: Context, pml: PmlAssessment) -> ScheduleItem | None:
    scans = ctx.mri_scans
    if ctx.discontinued:
        return None
    if not scans:
        first = ctx.first_infusion
        due = first.date if first else ctx.as_of
        return _item(
            ctx,
            "mri",
            due,
            overdue_after=due,
            reason="baseline MRI before starting",
            facts=(label.MRI_BEFORE_START,),
        )
    last = scans[-1].date
    if pml.higher_risk:
        early, late = label.MRI_INTERVAL_HIGHER_RISK_MONTHS.value
        return _item(
            ctx,
            "mri",
            add_months(last, early),
            overdue_after=add_months(last, late),
            last=last,
            reason=f"higher PML risk: abbreviated MRI every {early}-{late} months",
            facts=(label.MRI_INTERVAL_HIGHER_RISK_MONTHS,),
        )
    every = label.MRI_INTERVAL_ROUTINE_MONTHS.value
    return _item(
        ctx,
        "mri",
        add_months(last, every),
        last=last,
        reason=f"full MRI at least every {every} months",
        facts=(label.MRI_INTERVAL_ROUTINE_MONTHS,),
    )


def assessment_points(first: dt.date, first_points: tuple[int, ...], every: int, count: int) -> dt.date:
    """The date of the ``count``-th (0-based) periodic assessment.

    >>> start = dt.date(2024, 1, 10)
    >>> [assessment_points(start, (3, 6), 6, n).isoformat() for n in range(4)]
    ['2024-04-10', '2024-07-10', '2025-01-10', '2025-07-10']
    """
    if count < len(first_points):
        return add_months(first, first_points[count])
    last_fixed = first_points[-1] if first_points else 0
    return add_months(first, last_fixed + every * (count - len(first_points) + 1))


def reassessment(ctx: Context) -> ScheduleItem | None:
    first = ctx.first_infusion
    if first is None or ctx.discontinued:
        return None
    done = [
        a
        for a in ctx.authorizations
        if a.kind is AuthorizationKind.REASSESSMENT and first.date < a.date <= ctx.as_of
    ]
    points: tuple[int, ...]
    if ctx.profile.rems_authorization:
        points = label.TOUCH_FIRST_ASSESSMENTS_MONTHS.value
        facts: tuple[Fact[object], ...] = (
            label.TOUCH_FIRST_ASSESSMENTS_MONTHS,
            ctx.profile.reassessment_interval_months,
        )
        reason = (
            f"TOUCH: PML assessment {' and '.join(str(m) for m in points)} months after the first "
            f"infusion, then every {ctx.profile.reassessment_interval_months.value} months"
        )
    else:
        points = ()
        facts = (ctx.profile.reassessment_interval_months,)
        reason = f"clinical reassessment for PML signs every {ctx.profile.reassessment_interval_months.value} months"
    due = assessment_points(first.date, points, ctx.profile.reassessment_interval_months.value, len(done))
    return _item(ctx, "reassessment", due, last=done[-1].date if done else None, reason=reason, facts=facts)


def reauthorization(ctx: Context) -> ScheduleItem | None:
    if not ctx.profile.rems_authorization or ctx.discontinued:
        return None
    grants = [
        a
        for a in ctx.authorizations
        if a.kind in (AuthorizationKind.AUTHORIZATION, AuthorizationKind.ENROLLMENT) and a.date <= ctx.as_of
    ]
    if not grants:
        return _not("reauthorization", "no authorization is recorded: verify it in TOUCH On-Line", Status.DUE)
    last = grants[-1]
    expires = last.valid_until or add_months(last.date, label.REAUTHORIZATION_MONTHS.value)
    return _item(
        ctx,
        "reauthorization",
        expires,
        overdue_after=expires,
        last=last.date,
        reason=f"TOUCH reauthorization every {label.REAUTHORIZATION_MONTHS.value} months",
        facts=(label.REAUTHORIZATION_MONTHS,),
    )


def benefit_risk_discussion(ctx: Context) -> ScheduleItem | None:
    first = ctx.first_infusion
    if first is None or ctx.discontinued:
        return None
    point = add_months(first.date, label.BENEFIT_RISK_DISCUSSION_MONTHS.value)
    done = [
        a
        for a in ctx.authorizations
        if a.kind is AuthorizationKind.BENEFIT_RISK_DISCUSSION
        and point - dt.timedelta(days=label.DUE_SOON_DAYS.value) <= a.date <= ctx.as_of
    ]
    if done:
        return _not(
            "benefit_risk_discussion", "re-discussed at the 2-year point", Status.DONE, last=done[-1].date
        )
    return _item(
        ctx,
        "benefit_risk_discussion",
        point,
        reason=f"re-inform of PML risk after {label.BENEFIT_RISK_DISCUSSION_MONTHS.value} months of treatment",
        facts=(label.BENEFIT_RISK_DISCUSSION_MONTHS,),
    )


def discontinuation_follow_up(ctx: Context) -> ScheduleItem | None:
    stop = ctx.patient.discontinuation
    if stop is None or stop.date > ctx.as_of:
        return None
    done = [
        a
        for a in ctx.authorizations
        if a.kind is AuthorizationKind.FOLLOW_UP and stop.date < a.date <= ctx.as_of
    ]
    if done:
        return _not("discontinuation_follow_up", "follow-up done", Status.DONE, last=done[-1].date)
    due = add_months(stop.date, label.FOLLOW_UP_AFTER_STOP_MONTHS.value)
    return _item(
        ctx,
        "discontinuation_follow_up",
        due,
        last=stop.date,
        reason=f"PML vigilance: follow up {label.FOLLOW_UP_AFTER_STOP_MONTHS.value} months after discontinuation",
        facts=(label.FOLLOW_UP_AFTER_STOP_MONTHS,),
    )


def build_schedule(ctx: Context, pml: PmlAssessment, antibodies: AntibodyReading) -> list[ScheduleItem]:
    items = [
        next_infusion(ctx),
        jcv_test(ctx, pml) if not ctx.discontinued else None,
        antibody_test(ctx, antibodies),
        panel_test(ctx, Panel.CBC),
        panel_test(ctx, Panel.LFT),
        mri(ctx, pml),
        reassessment(ctx),
        reauthorization(ctx),
        benefit_risk_discussion(ctx),
        discontinuation_follow_up(ctx),
    ]
    return [i for i in items if i is not None]


ITEM_LABELS = {
    "infusion": "The next infusion",
    "jcv_antibody_test": "The anti-JCV antibody test",
    "antibody_test": "The anti-natalizumab antibody test",
    "complete_blood_count": "The complete blood count",
    "liver_function_tests": "The liver function tests",
    "mri": "The brain MRI",
    "reassessment": "The PML reassessment",
    "reauthorization": "The TOUCH reauthorization",
    "benefit_risk_discussion": "The 2-year benefit-risk discussion",
    "discontinuation_follow_up": "The post-discontinuation follow-up",
}

OVERDUE_CODES = {
    "jcv_antibody_test": "SCHEDULE_JCV_OVERDUE",
    "antibody_test": "SCHEDULE_ANTIBODY_TEST_OVERDUE",
    "complete_blood_count": "SCHEDULE_LABS_OVERDUE",
    "liver_function_tests": "SCHEDULE_LABS_OVERDUE",
    "mri": "SCHEDULE_MRI_OVERDUE",
    "reassessment": "SCHEDULE_REASSESSMENT_OVERDUE",
    "reauthorization": "REMS_AUTHORIZATION_LAPSED",
    "discontinuation_follow_up": "SCHEDULE_FOLLOW_UP_OVERDUE",
    "infusion": "SCHEDULE_INFUSION_OVERDUE",
}


def schedule_findings(ctx: Context, items: list[ScheduleItem]) -> list[Finding]:
    """Findings for overdue items (a lapsed authorization or stale JCV result holds the infusion)."""
    found: list[Finding] = []
    verified_at_chair = ctx.checklist is not None and ctx.checklist.authorization_verified is True
    for item in items:
        if item.item == "reauthorization" and (
            (item.due is None and item.status is Status.DUE) or item.status is Status.OVERDUE
        ):
            found += _authorization(ctx, item, verified_at_chair)
            continue
        if item.status is not Status.OVERDUE:
            continue
        code = OVERDUE_CODES.get(item.item)
        if code is None:  # reported by its own rule (e.g. the 2-year discussion, in pml.py)
            continue
        found.append(
            finding(
                code,
                f"{ITEM_LABELS.get(item.item, item.item)} was due on {item.due} and is overdue "
                f"since {item.overdue_after} ({item.reason}"
                + (f"; last {item.last}" if item.last else "; none recorded")
                + ").",
                evidence=[derived(item.item, f"due {item.due}, last {item.last}", item.due)],
                facts=[CATALOGUE[k] for k in item.facts],
            )
        )
    if ctx.infusion_count == 0 and not ctx.discontinued:
        found += _baseline_mri(ctx)
    return found


def _authorization(ctx: Context, item: ScheduleItem, verified_at_chair: bool) -> list[Finding]:
    """TOUCH: no enrolment recorded, or the authorization lapsed; the nurse's 'yes' at the chair settles it.

    Checklist step 1 ("Is the patient currently authorized?") is verified in TOUCH On-Line by the
    infusion site: a 'yes' releases the hold without a prescriber's clearance, and asks for the record
    to be brought up to date.
    """
    facts = [label.REAUTHORIZATION_MONTHS, label.CHECKLIST_REQUIRED, label.CHECKLIST_AUTHORIZATION_AT_CHAIR]
    if verified_at_chair:
        return [
            finding(
                "REMS_AUTHORIZATION_VERIFIED_AT_CHAIR",
                "The nurse verified at the chair that the patient is currently authorized in TOUCH"
                + (
                    f"; alpha4's record shows the authorization lapsed on {item.due}."
                    if item.due
                    else "; alpha4 has no enrolment or authorization recorded."
                ),
                facts=facts,
            )
        ]
    if item.due is None and ctx.infusion_count == 0:
        return [
            finding(
                "REMS_ENROLLMENT_MISSING",
                "A first infusion with no TOUCH enrolment or authorization recorded: verify it at the chair "
                "(checklist step 1) before infusing.",
                facts=facts,
            )
        ]
    if item.due is None:
        return [finding("REMS_AUTHORIZATION_UNVERIFIED", item.reason.capitalize() + ".", facts=facts)]
    return [
        finding(
            "REMS_AUTHORIZATION_LAPSED",
            f"TOUCH authorization was due for renewal on {item.due} and is overdue since {item.overdue_after} "
            f"({item.reason}; last {item.last}).",
            evidence=[derived(item.item, f"due {item.due}, last {item.last}", item.due)],
            facts=facts,
        )
    ]


def _baseline_mri(ctx: Context) -> list[Finding]:
    """Before the first infusion: a brain MRI recent enough to be the reference (profile's months)."""
    months = ctx.profile.baseline_mri_months
    scans = ctx.mri_scans
    if not scans:
        return [
            finding(
                "MRI_BASELINE_NEEDED",
                "No brain MRI is recorded before the first infusion.",
                facts=[label.MRI_BEFORE_START, months],
            )
        ]
    last = scans[-1]
    oldest_allowed = add_months(ctx.as_of, -months.value)
    if last.date >= oldest_allowed:
        return []
    return [
        finding(
            "MRI_BASELINE_OUTDATED",
            f"The latest brain MRI is of {last.date}, older than {months.value} months (before {oldest_allowed}): "
            "an old scan is not a baseline.",
            evidence=[evidence(last, last.kind.value), derived("oldest_allowed_baseline", oldest_allowed)],
            facts=[label.MRI_BEFORE_START, months],
        )
    ]
