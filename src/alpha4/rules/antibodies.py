"""Anti-natalizumab antibodies: transient vs persistent, confirmation, when to test.

Persistent = positive at two or more times at least 6 weeks apart (Calabresi 2007);
persistent antibodies bring more infusion reactions and efficacy like placebo.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alpha4.domain import AntibodyResult
from alpha4.knowledge import label

from .context import Context
from .findings import Finding, evidence, finding


class AntibodyStatus(StrEnum):
    NOT_TESTED = "not_tested"
    NEGATIVE = "negative"
    POSITIVE_UNCONFIRMED = "positive_unconfirmed"
    TRANSIENT = "transient"
    PERSISTENT = "persistent"


@dataclass(frozen=True, slots=True)
class AntibodyReading:
    status: AntibodyStatus
    positives: tuple[AntibodyResult, ...]
    latest: AntibodyResult | None


def is_positive(result: AntibodyResult) -> bool:
    if result.concentration_ug_per_ml is not None:
        return result.concentration_ug_per_ml >= label.ANTIBODY_POSITIVE_THRESHOLD.value or result.positive
    return result.positive


def classify(results: tuple[AntibodyResult, ...]) -> AntibodyReading:
    """Classify a date-ordered antibody history.

    >>> import datetime as dt
    >>> r = lambda i, d, p: AntibodyResult(id=i, date=dt.date.fromisoformat(d), positive=p)
    >>> classify((r("a", "2024-01-01", True), r("b", "2024-02-12", True))).status.value
    'persistent'
    >>> classify((r("a", "2024-01-01", True), r("b", "2024-02-11", True))).status.value
    'positive_unconfirmed'
    """
    if not results:
        return AntibodyReading(AntibodyStatus.NOT_TESTED, (), None)
    positives = tuple(r for r in results if is_positive(r))
    latest = results[-1]
    gap = label.ANTIBODY_PERSISTENT_GAP_DAYS.value
    if positives and (positives[-1].date - positives[0].date).days >= gap:
        return AntibodyReading(AntibodyStatus.PERSISTENT, positives, latest)
    if not positives:
        return AntibodyReading(AntibodyStatus.NEGATIVE, (), latest)
    later_negatives = [r for r in results if r.date > positives[-1].date and not is_positive(r)]
    if later_negatives:
        return AntibodyReading(AntibodyStatus.TRANSIENT, positives, latest)
    return AntibodyReading(AntibodyStatus.POSITIVE_UNCONFIRMED, positives, latest)


def antibody_findings(ctx: Context) -> tuple[AntibodyReading, list[Finding]]:
    reading = classify(ctx.antibody_results)
    gap_weeks = label.ANTIBODY_PERSISTENT_GAP_DAYS.value // 7
    found: list[Finding] = []
    if reading.status is AntibodyStatus.PERSISTENT:
        found.append(
            finding(
                "ANTIBODY_PERSISTENT",
                f"Anti-natalizumab antibodies are persistently positive ({len(reading.positives)} positive "
                f"results, {reading.positives[0].date} to {reading.positives[-1].date}, at least {gap_weeks} weeks "
                "apart). Persistent antibodies bring more infusion reactions and efficacy similar to placebo.",
                evidence=[evidence(r, "positive") for r in reading.positives],
                facts=[
                    label.ANTIBODY_PERSISTENT_GAP_DAYS,
                    label.ANTIBODY_POSITIVE_THRESHOLD,
                    label.ANTIBODY_PERSISTENT_RATE,
                ],
            )
        )
    elif reading.status is AntibodyStatus.POSITIVE_UNCONFIRMED:
        first = reading.positives[0]
        found.append(
            finding(
                "ANTIBODY_POSITIVE_UNCONFIRMED",
                f"Anti-natalizumab antibodies were positive on {first.date}. One positive result may be "
                f"transient; a second positive at least {gap_weeks} weeks later means persistent "
                f"({label.ANTIBODY_PERSISTENT_RATE.value}).",
                evidence=[evidence(r, "positive") for r in reading.positives],
                facts=[label.ANTIBODY_PERSISTENT_GAP_DAYS, label.ANTIBODY_POSITIVE_THRESHOLD],
            )
        )
    elif reading.status is AntibodyStatus.TRANSIENT:
        found.append(
            finding(
                "ANTIBODY_TRANSIENT",
                "A positive anti-natalizumab antibody result was followed by a negative one: transient "
                "antibodies. Transiently positive patients regained full efficacy in AFFIRM.",
                evidence=[
                    evidence(r, "positive" if is_positive(r) else "negative") for r in ctx.antibody_results
                ],
                facts=[label.ANTIBODY_PERSISTENT_GAP_DAYS],
            )
        )
    found += _testing_indicated(ctx, reading)
    return reading, found


def _testing_indicated(ctx: Context, reading: AntibodyReading) -> list[Finding]:
    """An infusion reaction or a relapse on treatment since the last test suggests antibodies."""
    if reading.status is AntibodyStatus.PERSISTENT or not ctx.on_treatment:
        return []
    since = reading.latest.date if reading.latest else None
    triggers = [
        evidence(i, f"{i.reaction.kind.value} grade {i.reaction.grade}")
        for i in ctx.infusions
        if i.reaction is not None and (since is None or i.date > since)
    ]
    first = ctx.first_infusion
    triggers += [
        evidence(r, "relapse on treatment")
        for r in ctx.relapses
        if first is not None and first.date < r.date <= ctx.as_of and (since is None or r.date > since)
    ]
    if not triggers:
        return []
    return [
        finding(
            "ANTIBODY_TEST_INDICATED",
            "An infusion reaction or a relapse on treatment since the last antibody test suggests "
            "anti-natalizumab antibodies.",
            evidence=triggers,
            facts=[label.ANTIBODY_TEST_INTERVAL_DAYS, label.ANTIBODY_PERSISTENT_RATE],
        )
    ]
