"""PML risk stratification.

Reads the anti-JCV antibody results, prior immunosuppressant use and exposure, and
returns the risk per 1,000 from the profile's table, the EU "higher risk" status and
the findings around them (missing, unreliable or assay-dependent results,
seroconversion, suspected or confirmed PML, the 2-year benefit-risk discussion,
extended-interval dosing as a recognised risk reducer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from alpha4.domain import (
    AdverseEventCategory,
    AuthorizationKind,
    JcvAssay,
    JcvResult,
    MedicineClass,
    Serostatus,
)
from alpha4.knowledge import Profile, label
from alpha4.knowledge.base import Fact
from alpha4.knowledge.pml_tables import PmlTable, RiskGroup

from .context import Context
from .dates import add_months
from .exposure import exposure_months, recent_average_interval
from .findings import EvidenceItem, Finding, GateEffect, derived, evidence, finding, medication_evidence


class PmlRisk(BaseModel):
    """A risk read from one table: the number, the cell it came from, and why that cell."""

    model_config = ConfigDict(frozen=True)

    risk_per_1000: float
    qualifier: str  # "~" approximately, "<" below
    band: str  # "<row label>, <exposure band>"
    row: str
    column: str
    group: str
    table: str
    table_title: str
    source: str
    exposure_months: int
    beyond_table: bool
    notes: tuple[str, ...] = ()
    additional: tuple[PmlRisk, ...] = ()


def risk_group(
    serostatus: Serostatus, index: float | None, prior_immunosuppressant: bool, table: PmlTable
) -> RiskGroup:
    """The table row for a patient, by the table's own index bands.

    >>> from alpha4.knowledge.pml_tables import BERGER_FOX, HO_SMPC
    >>> risk_group(Serostatus.POSITIVE, 1.5, False, BERGER_FOX.value).value
    'jcv_positive_no_prior_is_index_le_1.5'
    >>> risk_group(Serostatus.POSITIVE, 0.9, False, HO_SMPC.value).value
    'jcv_positive_no_prior_is_index_le_0.9'
    """
    if serostatus is Serostatus.NEGATIVE:
        return RiskGroup.JCV_NEGATIVE_PRIOR_IS if prior_immunosuppressant else RiskGroup.JCV_NEGATIVE
    if prior_immunosuppressant:
        return RiskGroup.JCV_POSITIVE_PRIOR_IS
    if index is None:
        return RiskGroup.JCV_POSITIVE_NO_INDEX
    low, high = label.JCV_INDEX_LOW.value, label.JCV_INDEX_HIGH.value
    if low in table.index_cutoffs and index <= low:
        return RiskGroup.INDEX_AT_MOST_0_9
    if index <= high:
        return RiskGroup.INDEX_0_9_TO_1_5 if low in table.index_cutoffs else RiskGroup.INDEX_AT_MOST_1_5
    return RiskGroup.INDEX_ABOVE_1_5


def lookup(table_fact: Fact[PmlTable], group: RiskGroup, months: int) -> PmlRisk:
    """Read one cell. Months 0 (not started) reads the first band; beyond the table, the last.

    >>> from alpha4.knowledge.pml_tables import BERGER_FOX
    >>> r = lookup(BERGER_FOX, RiskGroup.INDEX_ABOVE_1_5, 25)
    >>> r.risk_per_1000, r.column
    (8.8, '25-48 months')
    """
    table = table_fact.value
    row = table.row(group)
    if row is None:
        raise ValueError(f"table {table.id} has no row {group}")
    beyond = months > table.last_month
    month_key = max(table.bands[0].first, min(months, table.last_month))
    band_index = next(i for i, b in enumerate(table.bands) if b.contains(month_key))
    value = row.cells[band_index]
    if value is None:
        raise ValueError(f"table {table.id} has no value for {group} at {months} months")
    column = table.bands[band_index].label
    notes: list[str] = []
    if beyond:
        notes.append(
            f"The table ends at {table.last_month} months; exposure is {months} months, so the last "
            f"band ({column}) is shown. Risk beyond it is not estimated by this source."
        )
    if months == 0:
        notes.append("Not yet treated: the first exposure band is shown.")
    if row.note:
        notes.append(row.note)
    if table_fact.note:
        notes.append(table_fact.note)
    return PmlRisk(
        risk_per_1000=value,
        qualifier=row.qualifier,
        band=f"{row.label}, {column}",
        row=row.label,
        column=column,
        group=group.value,
        table=table.id,
        table_title=table.title,
        source=table_fact.source_text,
        exposure_months=months,
        beyond_table=beyond,
        notes=tuple(notes),
    )


def pml_risk(
    serostatus: Serostatus,
    index: float | None,
    prior_immunosuppressant: bool | None,
    months: int,
    profile: Profile,
) -> PmlRisk:
    """PML risk per 1,000 from the profile's table (and, under EU, the SmPC table beside it).

    Prior immunosuppressant use unknown: the higher of the two candidate rows, said in a note.

    >>> from alpha4.knowledge import US
    >>> pml_risk(Serostatus.POSITIVE, 1.6, False, 30, US).risk_per_1000
    8.8
    """

    def one(table_fact: Fact[PmlTable]) -> PmlRisk:
        if prior_immunosuppressant is not None:
            return lookup(
                table_fact, risk_group(serostatus, index, prior_immunosuppressant, table_fact.value), months
            )
        with_is = lookup(table_fact, risk_group(serostatus, index, True, table_fact.value), months)
        without = lookup(table_fact, risk_group(serostatus, index, False, table_fact.value), months)
        chosen = max(with_is, without, key=lambda r: r.risk_per_1000)
        return chosen.model_copy(
            update={
                "notes": (
                    *chosen.notes,
                    "Prior immunosuppressant use is not recorded: the higher of the two rows is shown.",
                )
            }
        )

    primary = one(profile.pml_table)
    return primary.model_copy(update={"additional": tuple(one(t) for t in profile.additional_pml_tables)})


# --- reading the JCV history ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class JcvReading:
    """The JCV status the risk is computed from, and how it was chosen."""

    result: JcvResult
    serostatus: Serostatus
    index: float | None  # None when not reported or not usable (non-STRATIFY assay)
    findings: tuple[Finding, ...]


def unreliable_reason(ctx: Context, result: JcvResult) -> str | None:
    """Why a JCV result cannot be trusted (plasma exchange or IVIG shortly before), else None."""
    for m in ctx.medications:
        end = m.end or m.start
        if end is None or end > result.date:
            # procedures are recorded with their dates; ongoing or undated cannot be placed
            if m.medicine_class in (MedicineClass.PLASMA_EXCHANGE, MedicineClass.IVIG) and (
                m.start is None or m.start <= result.date
            ):
                return f"{m.name} was ongoing at the time of the test"
            continue
        gap = result.date - end
        if (
            m.medicine_class is MedicineClass.PLASMA_EXCHANGE
            and gap.days < label.JCV_AFTER_PLASMA_EXCHANGE_DAYS.value
        ):
            return f"taken {gap.days} days after plasma exchange ({m.name})"
        if m.medicine_class is MedicineClass.IVIG and result.date < add_months(
            end, label.JCV_AFTER_IVIG_MONTHS.value
        ):
            return f"taken {gap.days} days after IVIG ({m.name})"
    return None


def earliest_valid_jcv_test(ctx: Context) -> dt.date | None:
    """The first day a new anti-JCV test can be read again after plasma exchange or IVIG (else None).

    A test within 2 weeks of plasma exchange or 6 months of IVIG measures the donor's antibodies, so the
    retest falls due then, not earlier.
    """
    valid_from: list[dt.date] = []
    for m in ctx.medications:
        if m.medicine_class not in (MedicineClass.PLASMA_EXCHANGE, MedicineClass.IVIG):
            continue
        end = min(m.end or m.start or ctx.as_of, ctx.as_of)  # ongoing or undated: counted from today
        if m.medicine_class is MedicineClass.PLASMA_EXCHANGE:
            valid_from.append(end + dt.timedelta(days=label.JCV_AFTER_PLASMA_EXCHANGE_DAYS.value))
        else:
            valid_from.append(add_months(end, label.JCV_AFTER_IVIG_MONTHS.value))
    return max(valid_from, default=None)


def read_jcv(ctx: Context) -> tuple[JcvReading | None, tuple[Finding, ...]]:
    """The latest reliable, determinate JCV result, and findings about the history (also when
    no result can be used: an excluded result is reported, never dropped)."""
    reading, notes = _read_jcv(ctx)
    return reading, notes


def _read_jcv(ctx: Context) -> tuple[JcvReading | None, tuple[Finding, ...]]:
    notes: list[Finding] = []
    usable: list[JcvResult] = []
    for r in ctx.jcv_results:
        reason = unreliable_reason(ctx, r)
        if reason:
            notes.append(
                finding(
                    "PML_JCV_UNRELIABLE",
                    f"The anti-JCV result of {r.date} is not used: {reason}. Antibodies given by "
                    "plasma exchange or IVIG make the result uninterpretable.",
                    evidence=[evidence(r, reason)],
                    facts=[label.JCV_AFTER_PLASMA_EXCHANGE_DAYS, label.JCV_AFTER_IVIG_MONTHS],
                )
            )
        else:
            usable.append(r)
    if not usable:
        return None, tuple(notes)
    latest = usable[-1]
    if latest.serostatus is Serostatus.INDETERMINATE or latest.serostatus is None:
        notes.append(
            finding(
                "PML_JCV_INDETERMINATE",
                f"The latest anti-JCV result ({latest.date}) is indeterminate"
                + (f" (index {latest.shown_index})" if latest.index is not None else "")
                + ". Risk cannot be placed in a table row.",
                evidence=[evidence(latest, f"index {latest.shown_index}")],
                facts=[label.STRATIFY_NEGATIVE_BELOW, label.STRATIFY_POSITIVE_ABOVE],
            )
        )
        determinate = [r for r in usable if r.serostatus in (Serostatus.NEGATIVE, Serostatus.POSITIVE)]
        if not determinate:
            return JcvReading(latest, Serostatus.INDETERMINATE, None, tuple(notes)), tuple(notes)
        latest = determinate[-1]
    serostatus = latest.serostatus
    if serostatus is None:  # excluded above; kept for the type checker
        raise ValueError("a determinate JCV result has no serostatus")
    index = latest.decided_index
    by_index = serostatus_from_index(latest)
    if by_index is not None and by_index is not serostatus:
        notes.append(
            finding(
                "PML_JCV_SEROSTATUS_CONTRADICTED",
                f"The anti-JCV result of {latest.date} is reported {serostatus.value} with index {latest.shown_index}; by "
                f"the STRATIFY cut-offs (negative below {label.STRATIFY_NEGATIVE_BELOW.value}, positive above "
                f"{label.STRATIFY_POSITIVE_ABOVE.value}) the index says {by_index.value}, and the index decides.",
                evidence=[evidence(latest, f"{serostatus.value}, index {latest.shown_index}")],
                facts=[label.STRATIFY_NEGATIVE_BELOW, label.STRATIFY_POSITIVE_ABOVE],
            )
        )
        serostatus = by_index

    assays = {r.assay for r in usable}
    if len(assays) > 1:
        notes.append(
            finding(
                "PML_JCV_ASSAY_CHANGED",
                "Anti-JCV results come from different assays ("
                + ", ".join(sorted(a.value for a in assays))
                + "); results are not interchangeable near the cut-offs, so a change in status or "
                "index may reflect the assay, not the patient.",
                evidence=[evidence(r, r.assay.value) for r in usable],
                facts=[label.JCV_ASSAY_INTERCHANGEABILITY],
            )
        )
    if latest.assay is not JcvAssay.STRATIFY and index is not None:
        notes.append(
            finding(
                "PML_JCV_INDEX_NOT_STRATIFY",
                f"The index {latest.shown_index} was measured with {latest.assay.value}. The published risk "
                f"tables and the {label.JCV_INDEX_LOW.value} / {label.JCV_INDEX_HIGH.value} cut-offs were "
                "derived with STRATIFY JCV DxSelect, so the "
                "risk uses the 'index not available' row.",
                evidence=[evidence(latest, f"index {latest.shown_index} ({latest.assay.value})")],
                facts=[label.JCV_ASSAY_INTERCHANGEABILITY, label.JCV_INDEX_HIGH],
            )
        )
        index = None

    earlier = [
        r
        for r in usable
        if r.date < latest.date and r.serostatus in (Serostatus.NEGATIVE, Serostatus.POSITIVE)
    ]
    if serostatus is Serostatus.POSITIVE and any(r.serostatus is Serostatus.NEGATIVE for r in earlier):
        last_negative = next(r for r in reversed(earlier) if r.serostatus is Serostatus.NEGATIVE)
        notes.append(
            finding(
                "PML_JCV_SEROCONVERSION",
                f"Anti-JCV antibodies were negative on {last_negative.date} and are positive on "
                f"{latest.date}: the PML risk has risen.",
                evidence=[
                    evidence(last_negative, "negative"),
                    evidence(latest, f"positive, index {latest.shown_index}"),
                ],
                facts=[label.JCV_RETEST_NEGATIVE_MONTHS],
            )
        )
    if serostatus is Serostatus.NEGATIVE and any(r.serostatus is Serostatus.POSITIVE for r in earlier):
        last_positive = next(r for r in reversed(earlier) if r.serostatus is Serostatus.POSITIVE)
        notes.append(
            finding(
                "PML_JCV_SEROREVERSION",
                f"Anti-JCV antibodies were positive on {last_positive.date} and negative on "
                f"{latest.date}. One negative result after a positive one does not establish "
                "seronegativity; the risk is computed as positive with the index not available.",
                evidence=[evidence(last_positive, "positive"), evidence(latest, "negative")],
                facts=[label.STRATIFY_POSITIVE_ABOVE],
            )
        )
        serostatus, index = Serostatus.POSITIVE, None
    return JcvReading(latest, serostatus, index, tuple(notes)), tuple(notes)


def serostatus_from_index(result: JcvResult) -> Serostatus | None:
    """What a STRATIFY index says outside the indeterminate band (None inside it or without an index).

    Between the cut-offs the confirmatory (inhibition) step decides, so the reported serostatus stands.

    >>> import datetime as dt
    >>> r = JcvResult(id="j", date=dt.date(2024, 1, 1), assay="stratify_jcv_dxselect", serostatus="negative", index=0.41)
    >>> serostatus_from_index(r).value
    'positive'
    >>> serostatus_from_index(r.model_copy(update={"index": 0.40})) is None
    True
    >>> serostatus_from_index(r.model_copy(update={"index": 0.19})).value
    'negative'
    """
    index = result.decided_index
    if index is None or result.assay is not JcvAssay.STRATIFY:
        return None
    if index < label.STRATIFY_NEGATIVE_BELOW.value:
        return Serostatus.NEGATIVE
    if index > label.STRATIFY_POSITIVE_ABOVE.value:
        return Serostatus.POSITIVE
    return None


def is_higher_risk(
    serostatus: Serostatus, index: float | None, prior_immunosuppressant: bool | None, treatment_months: int
) -> bool | None:
    """EU "higher risk": anti-JCV positive and > 2 years of treatment and either prior
    immunosuppressant use, or no prior use with an index above 1.5. None when it cannot be told.

    >>> is_higher_risk(Serostatus.POSITIVE, 1.6, False, 25)
    True
    >>> is_higher_risk(Serostatus.POSITIVE, 1.5, False, 25)
    False
    >>> is_higher_risk(Serostatus.POSITIVE, 3.0, False, 24)
    False
    """
    if serostatus is not Serostatus.POSITIVE:
        return False if serostatus is Serostatus.NEGATIVE else None
    if treatment_months <= label.HIGHER_RISK_TREATMENT_MONTHS.value:
        return False
    if prior_immunosuppressant:
        return True
    if index is None:
        return None
    above = index > label.JCV_INDEX_HIGH.value
    if prior_immunosuppressant is None:
        return True if above else None
    return above


HIGHER_RISK_FACTS = (
    label.HIGHER_RISK_TREATMENT_MONTHS,
    label.JCV_INDEX_HIGH,
    label.MRI_INTERVAL_HIGHER_RISK_MONTHS,
)


@dataclass(frozen=True, slots=True)
class PmlAssessment:
    risk: PmlRisk | None
    reading: JcvReading | None
    higher_risk: bool | None
    findings: tuple[Finding, ...]


def assess_pml(ctx: Context) -> PmlAssessment:
    """Everything about PML for one patient on ``as_of``."""
    found: list[Finding] = []
    found += _pml_events(ctx)
    reading, jcv_notes = read_jcv(ctx)
    found += jcv_notes
    if any(f.code == "PML_CONFIRMED" for f in found):
        # A patient with PML is never shown a "continue if the benefit outweighs the risk" estimate.
        return PmlAssessment(None, reading, None, tuple(found))
    prior_is = ctx.prior_immunosuppressant
    months = exposure_months(ctx)
    treatment_months = ctx.months_since_first_infusion
    base_evidence: list[EvidenceItem] = [
        derived("infusion_count", months, ctx.as_of),
        derived("months_since_first_infusion", treatment_months, ctx.as_of),
        derived("prior_immunosuppressant", "unknown" if prior_is is None else prior_is),
    ]
    base_evidence += [medication_evidence(m) for m in ctx.prior_immunosuppressants()]

    if prior_is is None:
        found.append(
            finding(
                "PML_PRIOR_IS_UNKNOWN",
                "Prior immunosuppressant use (e.g. mitoxantrone, azathioprine, methotrexate, "
                "cyclophosphamide, mycophenolate) is not recorded. It is one of the three PML risk factors.",
                evidence=base_evidence,
                facts=[ctx.profile.pml_table],
            )
        )

    if reading is None:
        not_before = earliest_valid_jcv_test(ctx)
        waiting = not_before is not None and not_before > ctx.as_of and ctx.on_treatment
        found.append(
            finding(
                "PML_JCV_MISSING",
                "No usable anti-JCV antibody result is recorded, so PML risk cannot be stratified."
                + (
                    f" A valid test is possible from {not_before} (plasma exchange or IVIG): the risk is "
                    "unknown until then and the prescriber weighs continuing."
                    if waiting
                    else ""
                ),
                evidence=base_evidence,
                facts=[
                    label.JCV_RETEST_NEGATIVE_MONTHS,
                    label.HIGHER_RISK_TREATMENT_MONTHS,
                    label.JCV_AFTER_PLASMA_EXCHANGE_DAYS,
                    label.JCV_AFTER_IVIG_MONTHS,
                ],
                gate=GateEffect.NONE if waiting else None,
            )
        )
        return PmlAssessment(None, None, None, tuple(found))
    if reading.serostatus is Serostatus.INDETERMINATE:
        return PmlAssessment(None, reading, None, tuple(found))

    risk = pml_risk(reading.serostatus, reading.index, prior_is, months, ctx.profile)
    jcv_evidence = [
        evidence(reading.result, f"{reading.serostatus.value}, index {reading.result.shown_index}")
    ]
    found.append(
        finding(
            "PML_RISK_ESTIMATE",
            f"Estimated PML risk {risk.qualifier}{risk.risk_per_1000} per 1,000 ({risk.band}; table "
            f"{risk.table}). Exposure {months} infusions over {treatment_months} months."
            + "".join(f" {n}" for n in risk.notes),
            evidence=[*jcv_evidence, *base_evidence],
            facts=[ctx.profile.pml_table, *ctx.profile.additional_pml_tables],
        )
    )
    if risk.beyond_table:
        found.append(
            finding(
                "PML_BEYOND_TABLE",
                f"Exposure of {months} infusions is beyond the table's last band; the last band is shown.",
                evidence=[derived("infusion_count", months)],
                facts=[ctx.profile.pml_table],
            )
        )

    higher = is_higher_risk(reading.serostatus, reading.index, prior_is, treatment_months)
    if higher:
        found.append(
            finding(
                "PML_HIGHER_RISK",
                f"Higher PML risk: anti-JCV positive, {treatment_months} months of treatment "
                f"(> {label.HIGHER_RISK_TREATMENT_MONTHS.value}), and "
                + (
                    "prior immunosuppressant use."
                    if prior_is
                    else f"index {reading.result.shown_index} (> {label.JCV_INDEX_HIGH.value})."
                ),
                evidence=[*jcv_evidence, *base_evidence],
                facts=HIGHER_RISK_FACTS,
            )
        )
    found += _benefit_risk_discussion(ctx, reading.serostatus)
    found += _extended_interval(ctx, reading.serostatus)
    return PmlAssessment(risk, reading, higher, tuple(found))


def _pml_events(ctx: Context) -> list[Finding]:
    found: list[Finding] = []
    for e in ctx.adverse_events:
        if e.category is AdverseEventCategory.PML and e.confirmed:
            found.append(
                finding(
                    "PML_CONFIRMED",
                    f"PML was diagnosed on {e.date} ({e.term}). PML is a contraindication: natalizumab "
                    "must not be given again.",
                    evidence=[evidence(e, e.term)],
                    facts=[label.SUSPECTED_PML_ACTION, label.COMPROMISED_IMMUNITY],
                )
            )
        elif (
            e.category is AdverseEventCategory.PML
            and e.resolved_on is not None
            and e.resolved_on <= ctx.as_of
        ):
            found.append(
                finding(
                    "PML_EXCLUDED",
                    f"PML was suspected on {e.date} ({e.term}) and excluded on {e.resolved_on}: the hold is "
                    "released.",
                    evidence=[evidence(e, f"{e.term}; excluded {e.resolved_on}")],
                    facts=[label.SUSPECTED_PML_ACTION],
                )
            )
        elif (e.category is AdverseEventCategory.PML and not e.confirmed) or (
            e.category is AdverseEventCategory.NEUROLOGICAL_SYMPTOMS and e.ongoing_on(ctx.as_of)
        ):
            found.append(
                finding(
                    "PML_SUSPECTED",
                    f"{e.term} since {e.date}: new or worsening neurological symptoms must be treated "
                    "as possible PML until it is excluded.",
                    evidence=[evidence(e, e.term)],
                    facts=[label.SUSPECTED_PML_ACTION],
                )
            )
    for scan in ctx.mri_scans:
        if scan.pml_suspected:
            resolved = any(
                s.date > scan.date and s.kind.value == "pml_workup" and not s.pml_suspected
                for s in ctx.mri_scans
            )
            if not resolved:
                found.append(
                    finding(
                        "PML_SUSPECTED",
                        f"The MRI of {scan.date} shows lesions suspicious for PML and no later work-up "
                        "excludes it.",
                        evidence=[evidence(scan, scan.report or "PML suspected")],
                        facts=[label.SUSPECTED_PML_ACTION],
                    )
                )
    return found


def _benefit_risk_discussion(ctx: Context, serostatus: Serostatus) -> list[Finding]:
    first = ctx.first_infusion
    if first is None or not ctx.on_treatment:
        return []
    point = add_months(first.date, label.BENEFIT_RISK_DISCUSSION_MONTHS.value)
    early = dt.timedelta(days=label.DUE_SOON_DAYS.value)  # a discussion just before the point counts
    if ctx.as_of < point:
        return []
    discussed = [
        a
        for a in ctx.authorizations
        if a.kind is AuthorizationKind.BENEFIT_RISK_DISCUSSION and point - early <= a.date <= ctx.as_of
    ]
    if discussed:
        return []
    return [
        finding(
            "PML_BENEFIT_RISK_DISCUSSION_DUE",
            f"Treatment reached 2 years on {point}; the patient should be re-informed of the PML risk "
            f"(anti-JCV {serostatus.value}) and the benefit-risk balance re-discussed. No discussion is "
            "recorded since.",
            evidence=[evidence(first, "first infusion"), derived("two_year_point", point)],
            facts=[label.BENEFIT_RISK_DISCUSSION_MONTHS],
        )
    ]


def _extended_interval(ctx: Context, serostatus: Serostatus) -> list[Finding]:
    recent = recent_average_interval(ctx)
    if recent is None or serostatus is not Serostatus.POSITIVE:
        return []
    low, high = label.EXTENDED_INTERVAL_THRESHOLD_DAYS.value, label.EXTENDED_INTERVAL_MAX_DAYS.value
    if not low < recent.average_days <= high:
        return []
    return [
        finding(
            "PML_EXTENDED_INTERVAL",
            f"Average dosing interval {recent.average_days:.1f} days over {recent.infusions} infusions "
            f"since {recent.window_start} (> 5 weeks): extended-interval dosing. In the TOUCH registry it "
            f"was associated with a much lower PML risk (hazard ratio {label.EID_HAZARD_RATIO.value}). "
            "This is observational evidence; alpha4 does not lower the table estimate for it.",
            evidence=[derived("average_interval_days", round(recent.average_days, 1), ctx.as_of)],
            facts=[
                label.EXTENDED_INTERVAL_THRESHOLD_DAYS,
                label.EXTENDED_INTERVAL_WINDOW_MONTHS,
                label.EID_HAZARD_RATIO,
            ],
        )
    ]
