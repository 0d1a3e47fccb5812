"""Cohort safety, effectiveness, REMS and operations reports: SQL ``GROUP BY`` over the
per-patient summary (:mod:`alpha4.store.summary`), intervals from :mod:`.report_stats`.

Each report is one or two aggregate queries whatever the registry's size; Python only turns the
few aggregate rows into estimates, intervals and the published comparison. The same statements
run on SQLite and PostgreSQL (portable SQLAlchemy Core: ``CASE``, ``SUM``, ``EXTRACT``).

Reports hold aggregates only: no patient identifier, no per-patient row. Cells counting fewer
patients than ``min_cell`` (but not zero) are suppressed (value None, listed in the row's
``suppressed``), and so is every figure derived from them, as registries do.

Filters: one profile's summaries; an indication; a site; and a date range. For the patient
reports (safety, PML, effectiveness, REMS, interruptions) the range selects the patients treated
during it (first infusion on or before its end, treatment running or ended on or after its start)
and counts each one's whole record up to the summaries' date; for the event reports
(discontinuations, infusions per month) it bounds the events' own dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, case, extract, func, select
from sqlalchemy.orm import Session

from alpha4.knowledge import cohort_rates
from alpha4.knowledge.pml_tables import TABLES, RiskGroup
from alpha4.rules.response_ms import YEAR_DAYS

from .report_stats import Estimate, Method, poisson_rate, proportion
from .summary import PatientSummaryRow, summary_filter
from .timeline import TimelineRecordRow

_S = PatientSummaryRow
_T = TimelineRecordRow
PER_1000 = 1000.0
DISEASE_TITLES = {"multiple_sclerosis": "Multiple sclerosis", "crohns_disease": "Crohn's disease"}
ALL = "All indications"


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """What a report counts: one profile's summaries, optionally one indication and site, a date
    range, the small-cell threshold and the interval method."""

    profile: str = "us"
    disease: str | None = None
    site: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    min_cell: int = cohort_rates.SMALL_CELL_MINIMUM.value
    method: Method = Method.CLOPPER_PEARSON

    def __post_init__(self) -> None:
        if self.min_cell < 1:
            raise ValueError("min_cell must be at least 1 (1 suppresses nothing)")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"the date range ends ({self.date_to}) before it starts ({self.date_from})")

    def patients(self) -> list[ColumnElement[bool]]:
        return [
            *summary_filter(
                profile=self.profile,
                disease=self.disease,
                site=self.site,
                treated_from=self.date_from,
                treated_to=self.date_to,
            ),
            _S.infusion_count > 0,
        ]

    def described(self) -> dict[str, str | None]:
        return {
            "profile": self.profile,
            "indication": self.disease,
            "site": self.site,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "min_cell": str(self.min_cell),
            "interval": self.method.value,
        }


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    kind: str = "text"  # text | count | number | percent | per_1000 | rate | flag


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    filters: ReportFilter
    as_of: dt.date | None
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def suppressed_cells(self) -> int:
        return sum(len(r.get("suppressed", ())) for r in self.rows)

    def cell(self, row: dict[str, Any], column: Column) -> str:
        """A cell as people read it: percentages, per-1,000 and rates rounded, a suppressed cell
        count as ``<N`` (N the small-cell threshold) and a figure derived from one as "suppressed",
        an empty figure as a dash.

        >>> r = Report("x", "x", (), (), ReportFilter(), None)
        >>> hidden = {"k": None, "p": None, "suppressed": ("k", "p")}
        >>> r.cell({"p": 0.2143}, Column("p", "p", "percent")), r.cell(hidden, Column("k", "k", "count"))
        ('21.4%', '<5')
        >>> r.cell(hidden, Column("p", "p", "percent"))
        'suppressed'
        """
        value = row.get(column.key)
        if column.key in row.get("suppressed", ()):
            return f"<{self.filters.min_cell}" if column.kind == "count" else "suppressed"
        if value is None:
            return "-"
        if column.kind == "percent":
            return f"{value * 100:.1f}%"
        if column.kind == "per_1000":
            return f"{value:.1f}"
        if column.kind == "rate":
            return f"{value:.3f}"
        if column.kind == "number":
            return f"{value:,.1f}"
        if column.kind == "count":
            return f"{value:,}"
        return str(value)

    def records(self) -> list[dict[str, Any]]:
        """The rows as flat records (``suppressed`` joined into one text), for CSV and Parquet."""
        keys = [c.key for c in self.columns]
        return [
            {k: r.get(k) for k in keys} | {"suppressed": ",".join(r.get("suppressed", ()))} for r in self.rows
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "title": self.title,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "filters": self.filters.described(),
            "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in self.columns],
            "rows": [
                {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()} for r in self.rows
            ],
            "suppressed_cells": self.suppressed_cells,
            "notes": list(self.notes),
            "sources": list(self.sources),
        }


def suppress(
    row: dict[str, Any], counts: Sequence[str], derived: Sequence[str], min_cell: int
) -> dict[str, Any]:
    """Blank every count in ``counts`` below ``min_cell`` (zero is kept) and, if any was blanked,
    every figure in ``derived`` that could reveal it.

    >>> suppress({"n": 12, "k": 3, "p": 0.25}, ["n", "k"], ["p"], 5)
    {'n': 12, 'k': None, 'p': None, 'suppressed': ('k', 'p')}
    >>> suppress({"n": 12, "k": 0, "p": 0.0}, ["n", "k"], ["p"], 5)["suppressed"]
    ()
    """
    out = dict(row)
    hidden = [k for k in counts if isinstance(row.get(k), int) and 0 < row[k] < min_cell]
    if hidden:
        hidden += [k for k in derived if k not in hidden and row.get(k) is not None]
    for k in hidden:
        out[k] = None
    out["suppressed"] = tuple(hidden)
    return out


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def summaries_as_of(session: Session, profile: str) -> dt.date | None:
    """The newest day the profile's summaries were computed for (None: no summaries yet)."""
    value = session.execute(select(func.max(_S.as_of)).where(_S.profile == profile)).scalar_one()
    return value if isinstance(value, dt.date) else None


def _estimate_columns(per: str) -> tuple[Column, ...]:
    return (
        Column("estimate", "Per 1,000" if per == "per_1000" else "Proportion", per),
        Column("low", "95% CI low", per),
        Column("high", "95% CI high", per),
    )


_SAFETY_MEASURES: tuple[tuple[str, str, Callable[[], ColumnElement[bool]], str], ...] = (
    ("infusion_reaction", "Infusion reaction", lambda: _S.infusion_reaction.is_(True), "treated"),
    ("hypersensitivity", "Hypersensitivity reaction", lambda: _S.hypersensitivity.is_(True), "treated"),
    (
        "serious_hypersensitivity",
        "Serious hypersensitivity (anaphylaxis, grade >= 3)",
        lambda: _S.serious_hypersensitivity.is_(True),
        "treated",
    ),
    (
        "persistent_antibodies",
        "Persistent anti-natalizumab antibodies",
        lambda: _S.antibody_status == "persistent",
        "tested",
    ),
    (
        "transient_antibodies",
        "Transient anti-natalizumab antibodies",
        lambda: _S.antibody_status == "transient",
        "tested",
    ),
    (
        "serious_infection",
        "Serious or opportunistic infection",
        lambda: _S.serious_infection.is_(True),
        "treated",
    ),
    (
        "herpes_infection",
        "Herpes encephalitis, meningitis or retinal necrosis",
        lambda: _S.herpes_infection.is_(True),
        "treated",
    ),
    ("liver_injury", "Liver injury", lambda: _S.liver_injury.is_(True), "treated"),
)

_MEASURE_COLUMNS = (
    Column("indication", "Indication"),
    Column("measure", "Measure"),
    Column("patients", "Patients", "count"),
    Column("patient_years", "Patient-years", "number"),
    Column("events", "Patients with the event", "count"),
)


def _by_indication(
    session: Session, f: ReportFilter, columns: Sequence[ColumnElement[Any]]
) -> list[tuple[str, dict[str, Any]]]:
    """One aggregate row per indication (GROUP BY) and the total over all of them."""
    labelled = [c.label(f"c{i}") for i, c in enumerate(columns)]
    grouped = session.execute(
        select(_S.disease, *labelled).where(*f.patients()).group_by(_S.disease).order_by(_S.disease)
    ).all()
    total = session.execute(select(*labelled).where(*f.patients())).one()
    out = [
        (DISEASE_TITLES.get(r[0], str(r[0])), {f"c{i}": r[i + 1] for i in range(len(columns))})
        for r in grouped
    ]
    if f.disease is None:
        out.append((ALL, {f"c{i}": total[i] for i in range(len(columns))}))
    return out


def _published(key: str, estimate: Estimate) -> tuple[str | None, str | None, tuple[str, ...]]:
    facts = cohort_rates.RATES.get(key, ())
    if not facts:
        return None, None, ()
    texts = [f"{'seed' if f.id.endswith('.seed') else 'label'} {f.value.text()}" for f in facts]
    within: list[str] = []
    if estimate.low is not None and estimate.high is not None:
        within = [
            f"{'seed' if f.id.endswith('.seed') else 'label'}: {'yes' if f.value.within(estimate.low, estimate.high) else 'no'}"
            for f in facts
        ]
    cited = tuple(dict.fromkeys(d for f in facts for d in (s.describe() for s in f.sources)))
    return "; ".join(texts), "; ".join(within) or None, cited


def _first_value(key: str) -> float | None:
    facts = cohort_rates.RATES.get(key, ())
    return facts[0].value.value if facts else None


def safety_report(session: Session, f: ReportFilter) -> Report:
    """Safety proportions per indication, each with its exact (or Wilson) 95% interval, beside the
    label's rates. Antibody proportions count the patients tested at least once."""
    tested = _S.antibody_status != "not_tested"
    columns: list[ColumnElement[Any]] = [func.count(), _count(tested), func.sum(_S.treatment_days)]
    columns += [_count(condition()) for _, _, condition, _ in _SAFETY_MEASURES]
    rows: list[dict[str, Any]] = []
    sources: set[str] = set()
    for indication, agg in _by_indication(session, f, columns):
        treated, tested_n, years = int(agg["c0"] or 0), int(agg["c1"] or 0), int(agg["c2"] or 0) / YEAR_DAYS
        for i, (key, title, _, base) in enumerate(_SAFETY_MEASURES):
            events = int(agg[f"c{i + 3}"] or 0)
            patients = treated if base == "treated" else tested_n
            estimate = proportion(events, patients, f.method)
            published, within, cited = _published(key, estimate)
            sources.update(cited)
            row = {
                "indication": indication,
                "measure": title,
                "patients": patients,
                "patient_years": round(years, 1),
                "events": events,
                "estimate": estimate.value,
                "low": estimate.low,
                "high": estimate.high,
                "published": published,
                "published_in_interval": within,
                "published_value": _first_value(key),
            }
            rows.append(
                suppress(
                    row,
                    ["patients", "events"],
                    ["estimate", "low", "high", "published_in_interval"],
                    f.min_cell,
                )
            )
    return Report(
        "safety",
        "Safety: infusion reactions, hypersensitivity, antibodies, infections, liver injury",
        (
            *_MEASURE_COLUMNS,
            *_estimate_columns("percent"),
            Column("published", "Published"),
            Column("published_in_interval", "Published value in the 95% CI"),
        ),
        tuple(rows),
        f,
        summaries_as_of(session, f.profile),
        notes=(
            f"95% intervals: {f.method.value} (statsmodels proportion_confint).",
            "Antibody proportions are among patients tested at least once; the others among treated patients.",
            "Patient-years: first infusion to discontinuation or the summaries' date.",
        ),
        sources=tuple(sorted(sources)),
    )


def pml_report(session: Session, f: ReportFilter) -> Report:
    """PML cases per 1,000 treated by the published table's cell (JCV status, index band, prior
    immunosuppressant use, exposure band) beside the cell's published value. A case counts in the
    cell the patient was in when PML was diagnosed (the day before the diagnosis)."""
    query = (
        select(
            _S.pml_table,
            _S.pml_group,
            _S.pml_band,
            func.count().label("patients"),
            _count(_S.pml_case.is_(True)).label("cases"),
            func.sum(_S.treatment_days).label("years"),
        )
        .where(*f.patients())
        .group_by(_S.pml_table, _S.pml_group, _S.pml_band)
    )
    found = session.execute(query).all()
    rows: list[dict[str, Any]] = []
    order: list[tuple[int, int, int]] = []
    sources: set[str] = set()
    for r in found:
        table_fact = TABLES.get(r.pml_table) if r.pml_table else None
        estimate = proportion(int(r.cases or 0), int(r.patients), f.method)
        per = Estimate(
            *(None if v is None else v * PER_1000 for v in (estimate.value, estimate.low, estimate.high))
        )
        published: float | None = None
        qualifier = ""
        row_label = "JCV status unknown or indeterminate (no table cell)"
        rank = (99, 99, 99)
        if table_fact is not None:
            table = table_fact.value
            sources.update(source.describe() for source in table_fact.sources)
            risk_row = table.row(RiskGroup(r.pml_group))
            band_index = next((i for i, b in enumerate(table.bands) if b.label == r.pml_band), None)
            if risk_row is not None and band_index is not None:
                published, qualifier, row_label = (
                    risk_row.cells[band_index],
                    risk_row.qualifier,
                    risk_row.label,
                )
                rank = (0, table.rows.index(risk_row), band_index)
        within = None
        if published is not None and per.low is not None and per.high is not None:
            bound = cohort_rates.PublishedRate(published, qualifier)
            within = "yes" if bound.within(per.low, per.high) else "no"
        order.append(rank)
        row = {
            "table": table_fact.value.id if table_fact else None,
            "risk_group": row_label,
            "exposure_band": r.pml_band,
            "patients": int(r.patients),
            "patient_years": round(int(r.years or 0) / YEAR_DAYS, 1),
            "events": int(r.cases or 0),
            "estimate": per.value,
            "low": per.low,
            "high": per.high,
            "published": f"{qualifier}{published:g}" if published is not None else None,
            "published_in_interval": within,
            "published_value": published,
        }
        rows.append(
            suppress(
                row, ["patients", "events"], ["estimate", "low", "high", "published_in_interval"], f.min_cell
            )
        )
    ordered = [
        row
        for _, row in sorted(zip(order, rows, strict=True), key=lambda x: (x[0], x[1]["exposure_band"] or ""))
    ]
    return Report(
        "pml",
        "PML cases per 1,000 treated, by risk group and exposure, beside the published estimate",
        (
            Column("table", "Table"),
            Column("risk_group", "Risk group"),
            Column("exposure_band", "Exposure"),
            Column("patients", "Patients", "count"),
            Column("patient_years", "Patient-years", "number"),
            Column("events", "PML cases", "count"),
            *_estimate_columns("per_1000"),
            Column("published", "Published per 1,000"),
            Column("published_in_interval", "Published value in the 95% CI"),
        ),
        tuple(ordered),
        f,
        summaries_as_of(session, f.profile),
        notes=(
            f"Cases per 1,000 patients with a 95% {f.method.value} interval (statsmodels proportion_confint) x 1,000.",
            "Each patient counts once, in the cell of their JCV status, index, prior immunosuppressant use "
            "and infusions to date (for a case: when PML was diagnosed); the published figures are "
            "cumulative risks by exposure band, so a young registry's cells compare with them only roughly.",
        ),
        sources=tuple(sorted(sources)),
    )


def _status_count(column: Any, values: Iterable[str]) -> ColumnElement[int]:
    return _count(column.in_(list(values)))


def effectiveness_report(session: Session, f: ReportFilter) -> Report:
    """ARR before and on natalizumab (exact Poisson interval), NEDA-3 at 1 and 2 years, confirmed
    disability worsening, Crohn's response and remission at week 12 and at the latest score."""
    judged = ("achieved", "not_achieved")
    columns: list[ColumnElement[Any]] = [
        func.count(_S.relapses_before),
        func.sum(_S.relapses_before),
        func.sum(_S.days_before),
        func.count(_S.relapses_on),
        func.sum(_S.relapses_on),
        func.sum(_S.days_on),
    ]
    proportions: list[tuple[str, Any, str, tuple[str, ...]]] = [
        ("NEDA-3 at 1 year", _S.neda3_1y, "achieved", judged),
        ("NEDA-3 at 2 years", _S.neda3_2y, "achieved", judged),
        ("Confirmed disability worsening", _S.disability_worsening, "confirmed", ("confirmed", "no")),
        ("Crohn's response at week 12", _S.crohns_response_w12, "yes", ("yes", "no")),
        ("Crohn's remission at week 12", _S.crohns_remission_w12, "yes", ("yes", "no")),
        ("Crohn's remission at the latest score", _S.crohns_remission_latest, "yes", ("yes", "no")),
    ]
    for _, column, good, known in proportions:
        columns += [_count(column == good), _status_count(column, known), _count(column == "unknown")]
    rows: list[dict[str, Any]] = []
    for indication, agg in _by_indication(session, f, columns):
        for i, title in enumerate(
            (
                "Annualised relapse rate before natalizumab (12 months)",
                "Annualised relapse rate on natalizumab",
            )
        ):
            patients, events, years = (
                int(agg[f"c{3 * i}"] or 0),
                int(agg[f"c{3 * i + 1}"] or 0),
                int(agg[f"c{3 * i + 2}"] or 0) / YEAR_DAYS,
            )
            if not patients:
                continue
            rate = poisson_rate(events, years)
            row = {
                "indication": indication,
                "measure": title,
                "patients": patients,
                "events": events,
                "patient_years": round(years, 1),
                "unknown": 0,
                "estimate": rate.value,
                "low": rate.low,
                "high": rate.high,
                "unit": "relapses per patient-year",
            }
            rows.append(
                suppress(
                    row, ["patients"], ["events", "patient_years", "estimate", "low", "high"], f.min_cell
                )
            )
        for j, (title, _, _, _) in enumerate(proportions):
            base = 6 + 3 * j
            events, patients, unknown = (int(agg[f"c{base + k}"] or 0) for k in range(3))
            if not patients and not unknown:
                continue
            estimate = proportion(events, patients, f.method)
            row = {
                "indication": indication,
                "measure": title,
                "patients": patients,
                "events": events,
                "patient_years": None,
                "unknown": unknown,
                "estimate": estimate.value,
                "low": estimate.low,
                "high": estimate.high,
                "unit": "proportion of patients judged",
            }
            rows.append(
                suppress(row, ["patients", "events", "unknown"], ["estimate", "low", "high"], f.min_cell)
            )
    return Report(
        "effectiveness",
        "Effectiveness: relapse rate, NEDA-3, disability worsening, Crohn's response",
        (
            Column("indication", "Indication"),
            Column("measure", "Measure"),
            Column("patients", "Patients judged", "count"),
            Column("events", "Events / patients meeting it", "count"),
            Column("patient_years", "Patient-years", "number"),
            Column("unknown", "Not assessable", "count"),
            Column("estimate", "Estimate", "rate"),
            Column("low", "95% CI low", "rate"),
            Column("high", "95% CI high", "rate"),
            Column("unit", "Unit"),
        ),
        tuple(rows),
        f,
        summaries_as_of(session, f.profile),
        notes=(
            "Relapse rates: total relapses over total patient-years, exact Poisson 95% interval (statsmodels).",
            f"Proportions: among patients whose status could be judged, 95% {f.method.value} interval; "
            "'not assessable' patients (missing MRI, EDSS or score) are counted, never taken as a success.",
            "NEDA-3 at 1 (2) years: patients treated at least that long and not stopped before.",
        ),
    )


REMS_TITLES = {
    "reauthorization": "Reauthorization / PML reassessment",
    "jcv": "Anti-JCV antibody retest",
    "mri": "MRI",
    "antibody": "Anti-natalizumab antibody test",
    "labs": "Blood counts and liver tests",
    "follow_up": "6-month follow-up after discontinuation",
}


def rems_report(session: Session, f: ReportFilter) -> Report:
    """How many patients are due soon, due or overdue for each REMS and monitoring item."""
    statuses = ("due_soon", "due", "overdue")
    columns = [_count(getattr(_S, f"status_{item}") == status) for item in REMS_TITLES for status in statuses]
    agg = session.execute(select(func.count(), *columns).where(*f.patients())).one()
    rows = []
    for i, title in enumerate(REMS_TITLES.values()):
        counts = {s: int(agg[1 + 3 * i + k] or 0) for k, s in enumerate(statuses)}
        rows.append(
            suppress(
                {"item": title, "patients": int(agg[0] or 0), **counts},
                ["patients", *statuses],
                [],
                f.min_cell,
            )
        )
    return Report(
        "rems",
        "REMS and monitoring: patients due or overdue",
        (
            Column("item", "Item"),
            Column("patients", "Patients treated", "count"),
            Column("due_soon", "Due soon", "count"),
            Column("due", "Due", "count"),
            Column("overdue", "Overdue", "count"),
        ),
        tuple(rows),
        f,
        summaries_as_of(session, f.profile),
        notes=(
            "Statuses are the rules' schedule on the summaries' date; a patient is counted once per item.",
        ),
    )


FOLLOW_UP_TITLES = {
    None: "no follow-up item",
    "ok": "not yet due",
    "due_soon": "due soon",
    "due": "due",
    "overdue": "overdue",
    "done": "done",
    "not_required": "not required",
}


def discontinuation_report(session: Session, f: ReportFilter) -> Report:
    """Discontinuations by reason and the state of their post-discontinuation follow-up (the
    6-month PML vigilance); the date range bounds the discontinuation date."""
    clauses = [c for c in summary_filter(profile=f.profile, disease=f.disease, site=f.site)]
    clauses.append(_S.discontinued_on.is_not(None))
    if f.date_from:
        clauses.append(_S.discontinued_on >= f.date_from)
    if f.date_to:
        clauses.append(_S.discontinued_on <= f.date_to)
    found = session.execute(
        select(_S.discontinuation_reason, _S.status_follow_up, func.count())
        .where(*clauses)
        .group_by(_S.discontinuation_reason, _S.status_follow_up)
        .order_by(func.count().desc(), _S.discontinuation_reason)
    ).all()
    rows = [
        suppress(
            {"reason": reason, "follow_up": FOLLOW_UP_TITLES.get(status, status), "patients": int(n)},
            ["patients"],
            ["reason"],
            f.min_cell,
        )
        for reason, status, n in found
    ]
    return Report(
        "discontinuations",
        "Discontinuations: reasons and post-discontinuation follow-up",
        (
            Column("reason", "Reason"),
            Column("follow_up", "Follow-up"),
            Column("patients", "Patients", "count"),
        ),
        tuple(rows),
        f,
        summaries_as_of(session, f.profile),
        notes=(
            "A reason given by fewer patients than the small-cell threshold is suppressed with its count.",
        ),
    )


def interruption_report(session: Session, f: ReportFilter) -> Report:
    """Treatment interruptions: gaps between infusions of at least the label's re-exposure gap."""
    columns: list[ColumnElement[Any]] = [
        func.count(),
        _count(_S.interruptions > 0),
        func.sum(_S.interruptions),
    ]
    rows = []
    for indication, agg in _by_indication(session, f, columns):
        patients, interrupted, total = (int(agg[k] or 0) for k in ("c0", "c1", "c2"))
        estimate = proportion(interrupted, patients, f.method)
        row = {
            "indication": indication,
            "patients": patients,
            "events": interrupted,
            "interruptions": total,
            "estimate": estimate.value,
            "low": estimate.low,
            "high": estimate.high,
        }
        rows.append(
            suppress(row, ["patients", "events"], ["interruptions", "estimate", "low", "high"], f.min_cell)
        )
    return Report(
        "interruptions",
        "Treatment interruptions",
        (
            Column("indication", "Indication"),
            Column("patients", "Patients treated", "count"),
            Column("events", "Patients with an interruption", "count"),
            Column("interruptions", "Interruptions", "count"),
            *_estimate_columns("percent"),
        ),
        tuple(rows),
        f,
        summaries_as_of(session, f.profile),
        notes=(
            "An interruption is a gap of 90 days or more between infusions (the label's re-exposure gap).",
        ),
    )


def infusion_report(session: Session, f: ReportFilter) -> Report:
    """Infusions per month per site (the date range bounds the infusion date)."""
    year, month = extract("year", _T.date).label("year"), extract("month", _T.date).label("month")
    clauses = [
        _T.kind == "infusions",
        _T.is_current.is_(True),
        _T.retraction_reason.is_(None),
        *summary_filter(profile=f.profile, disease=f.disease, site=f.site),
    ]
    if f.date_from:
        clauses.append(_T.date >= f.date_from)
    if f.date_to:
        clauses.append(_T.date <= f.date_to)
    found = session.execute(
        select(_S.site, year, month, func.count(), func.count(func.distinct(_T.patient_pk)))
        .select_from(_T)
        .join(_S, and_(_S.patient_pk == _T.patient_pk))
        .where(*clauses)
        .group_by(_S.site, year, month)
        .order_by(_S.site, year, month)
    ).all()
    rows = [
        suppress(
            {
                "site": site or "(no site)",
                "month": f"{int(y):04d}-{int(m):02d}",
                "infusions": int(n),
                "patients": int(p),
            },
            ["patients"],
            ["infusions"],
            f.min_cell,
        )
        for site, y, m, n, p in found
    ]
    return Report(
        "infusions",
        "Infusions per month per site",
        (
            Column("site", "Site"),
            Column("month", "Month"),
            Column("infusions", "Infusions", "count"),
            Column("patients", "Patients", "count"),
        ),
        tuple(rows),
        f,
        summaries_as_of(session, f.profile),
    )


@dataclass(frozen=True, slots=True)
class ReportSpec:
    name: str
    title: str
    build: Callable[[Session, ReportFilter], Report]
    description: str = field(default="")


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            "safety", "Safety", safety_report, "Infusion reactions, hypersensitivity, antibodies, infections"
        ),
        ReportSpec("pml", "PML", pml_report, "PML cases per 1,000 by risk group beside the published table"),
        ReportSpec(
            "effectiveness",
            "Effectiveness",
            effectiveness_report,
            "ARR, NEDA-3, disability, Crohn's response",
        ),
        ReportSpec(
            "rems", "REMS", rems_report, "Patients due or overdue for reauthorization, JCV, MRI, tests"
        ),
        ReportSpec("discontinuations", "Discontinuations", discontinuation_report, "Reasons and follow-up"),
        ReportSpec("interruptions", "Interruptions", interruption_report, "Gaps of 90 days or more"),
        ReportSpec("infusions", "Infusions", infusion_report, "Infusions per month per site"),
    )
}


def run_report(session: Session, name: str, f: ReportFilter | None = None) -> Report:
    """Run one report by name (``KeyError`` with the known names if it does not exist)."""
    try:
        spec = REPORTS[name]
    except KeyError:
        raise KeyError(f"no report {name!r}; choose one of: {', '.join(REPORTS)}") from None
    return spec.build(session, f or ReportFilter())


def sites(session: Session, profile: str = "us") -> list[str]:
    """The sites named in the summaries (for the filter's choices)."""
    found = session.execute(
        select(_S.site).where(_S.profile == profile, _S.site.is_not(None)).group_by(_S.site).order_by(_S.site)
    ).scalars()
    return [s for s in found if s]


__all__ = [
    "REPORTS",
    "Column",
    "Report",
    "ReportFilter",
    "ReportSpec",
    "discontinuation_report",
    "effectiveness_report",
    "infusion_report",
    "interruption_report",
    "pml_report",
    "rems_report",
    "run_report",
    "safety_report",
    "sites",
    "suppress",
]
