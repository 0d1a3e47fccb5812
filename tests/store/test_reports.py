"""Each report figure against the hand-computed cohort (tests/report_cohort.py), on SQLite and
PostgreSQL; intervals against scipy.stats reference values; small cells suppressed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from scipy import stats

from alpha4.store import Database, put_patients
from alpha4.store.report_stats import Method
from alpha4.store.reports import REPORTS, Report, ReportFilter, run_report
from tests.report_cohort import AT, cohort

from .helpers import count_queries

YEAR = 365.25
ALL_ONE = ReportFilter(min_cell=1)


@pytest.fixture
def registry(db: Database) -> Database:
    with db.writing() as session:
        results = put_patients(session=session, patients=cohort(), actor="tester", at=AT)
    assert not [r for r in results if isinstance(r, Exception)]
    return db


def run(db: Database, name: str, f: ReportFilter = ALL_ONE) -> Report:
    with db.reading() as session:
        return run_report(session, name, f)


def row(report: Report, **match: Any) -> dict[str, Any]:
    found = [r for r in report.rows if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, report.rows)
    return found[0]


def clopper_pearson(k: int, n: int) -> tuple[float, float]:
    """Reference: the beta-quantile form of the exact interval, straight from scipy.stats.beta."""
    low = 0.0 if k == 0 else float(stats.beta.ppf(0.025, k, n - k + 1))
    high = 1.0 if k == n else float(stats.beta.ppf(0.975, k + 1, n - k))
    return low, high


def garwood(k: int, exposure: float) -> tuple[float, float]:
    """Reference: the exact Poisson interval from the chi-square quantiles (scipy.stats.chi2)."""
    low = 0.0 if k == 0 else float(stats.chi2.ppf(0.025, 2 * k)) / 2
    return low / exposure, float(stats.chi2.ppf(0.975, 2 * k + 2)) / 2 / exposure


def test_safety_proportions_match_the_hand_count_and_the_exact_interval(registry: Database) -> None:
    report = run(registry, "safety")
    ms = "Multiple sclerosis"
    expected = {  # measure: (patients, events) among the 14 MS patients (antibodies: the 3 tested)
        "Infusion reaction": (14, 3),
        "Hypersensitivity reaction": (14, 1),
        "Serious hypersensitivity (anaphylaxis, grade >= 3)": (14, 0),
        "Persistent anti-natalizumab antibodies": (3, 1),
        "Transient anti-natalizumab antibodies": (3, 1),
        "Serious or opportunistic infection": (14, 1),
        "Herpes encephalitis, meningitis or retinal necrosis": (14, 0),
        "Liver injury": (14, 1),
    }
    for measure, (n, k) in expected.items():
        r = row(report, indication=ms, measure=measure)
        assert (r["patients"], r["events"]) == (n, k), measure
        assert r["estimate"] == pytest.approx(k / n)
        assert (r["low"], r["high"]) == pytest.approx(clopper_pearson(k, n), abs=1e-9), measure
        exact = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
        assert (r["low"], r["high"]) == pytest.approx((exact.low, exact.high), abs=1e-9), measure
    reaction = row(report, indication=ms, measure="Infusion reaction")
    assert (round(reaction["low"], 4), round(reaction["high"], 4)) == (0.0466, 0.508)
    assert reaction["published"] == "label ~24% (placebo 18%); seed ~22%"
    assert reaction["published_in_interval"] == "label: yes; seed: yes"
    persistent = row(report, indication=ms, measure="Persistent anti-natalizumab antibodies")
    assert persistent["published"] == "label ~6%"
    total = row(report, indication="All indications", measure="Infusion reaction")
    assert (total["patients"], total["events"]) == (16, 3)
    # patient-years: m1..m10 2024-01-01 to 2025-01-01; j1 to its stop, j2 to its stop, j3, j4 to today
    days = 10 * 366 + (dt.date(2024, 4, 25) - dt.date(2022, 1, 3)).days
    days += (dt.date(2024, 12, 1) - dt.date(2022, 1, 3)).days + 2 * (
        dt.date(2025, 1, 1) - dt.date(2022, 1, 3)
    ).days
    assert reaction["patient_years"] == round(days / YEAR, 1)
    assert report.as_of == dt.date(2025, 1, 1)


def test_the_wilson_interval_is_scipys(registry: Database) -> None:
    report = run(registry, "safety", ReportFilter(min_cell=1, method=Method.WILSON))
    r = row(report, indication="Multiple sclerosis", measure="Infusion reaction")
    z = stats.norm.ppf(0.975)
    n, p = 14, 3 / 14
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    assert (r["low"], r["high"]) == pytest.approx((centre - half, centre + half), abs=1e-9)
    wilson = stats.binomtest(3, 14).proportion_ci(confidence_level=0.95, method="wilson")
    assert (r["low"], r["high"]) == pytest.approx((wilson.low, wilson.high), abs=1e-9)


def test_pml_cases_per_1000_by_published_cell(registry: Database) -> None:
    report = run(registry, "pml")
    assert [(r["risk_group"], r["exposure_band"], r["patients"], r["events"]) for r in report.rows] == [
        ("anti-JCV negative, no prior immunosuppressant", "up to 24 months", 12, 0),
        ("anti-JCV positive, no prior immunosuppressant, index > 1.5", "25-48 months", 4, 1),
    ]
    positive = report.rows[1]
    low, high = clopper_pearson(1, 4)
    assert positive["estimate"] == 250.0
    assert (positive["low"], positive["high"]) == pytest.approx((1000 * low, 1000 * high), abs=1e-6)
    assert positive["published"] == "~8.8"
    assert positive["published_in_interval"] == "yes"
    negative = report.rows[0]
    assert negative["published"] == "~0.02"
    assert negative["high"] == pytest.approx(1000 * clopper_pearson(0, 12)[1])


def test_relapse_rates_use_the_exact_poisson_interval(registry: Database) -> None:
    report = run(registry, "effectiveness")
    ms = "Multiple sclerosis"
    before = row(report, indication=ms, measure="Annualised relapse rate before natalizumab (12 months)")
    exposure = 14 * 365 / YEAR  # the 12 months before each first infusion (2023 for m*, 2021 for j*)
    assert (before["patients"], before["events"]) == (14, 4)
    assert before["estimate"] == pytest.approx(4 / exposure, rel=1e-6)
    assert (before["low"], before["high"]) == pytest.approx(garwood(4, exposure), rel=1e-5)
    during = row(report, indication=ms, measure="Annualised relapse rate on natalizumab")
    assert (during["patients"], during["events"]) == (14, 1)
    days = 10 * 366 + (dt.date(2024, 4, 25) - dt.date(2022, 1, 3)).days
    days += (dt.date(2024, 12, 1) - dt.date(2022, 1, 3)).days + 2 * (
        dt.date(2025, 1, 1) - dt.date(2022, 1, 3)
    ).days
    assert (during["low"], during["high"]) == pytest.approx(garwood(1, days / YEAR), rel=1e-5)


def test_neda_disability_and_crohns_response_count_unknowns_apart(registry: Database) -> None:
    report = run(registry, "effectiveness")
    ms, cd = "Multiple sclerosis", "Crohn's disease"

    def triple(indication: str, measure: str) -> tuple[int, int, int]:
        r = row(report, indication=indication, measure=measure)
        return r["patients"], r["events"], r["unknown"]

    # m1's relapse on 2024-09-01 (after the 6-month re-baseline) fails NEDA-3; no one has an MRI,
    # so the other 9 m patients and j1..j4 are not assessable at 1 year; at 2 years only j1..j4
    # (treated 2 years, and j1, j2 stopped after their second year) are in the set, all unknown
    assert triple(ms, "NEDA-3 at 1 year") == (1, 0, 13)
    assert triple(ms, "NEDA-3 at 2 years") == (0, 0, 4)
    assert triple(ms, "Confirmed disability worsening") == (0, 0, 14)  # no baseline EDSS anywhere
    assert triple(cd, "Crohn's response at week 12") == (2, 2, 0)
    assert triple(cd, "Crohn's remission at week 12") == (2, 1, 0)
    assert triple(cd, "Crohn's remission at the latest score") == (2, 1, 0)
    remission = row(report, indication=cd, measure="Crohn's remission at week 12")
    assert (remission["low"], remission["high"]) == pytest.approx(clopper_pearson(1, 2), abs=1e-9)


def test_rems_discontinuations_interruptions_and_infusions(registry: Database) -> None:
    rems = run(registry, "rems")
    follow = row(rems, item="6-month follow-up after discontinuation")
    assert (follow["patients"], follow["due_soon"], follow["due"], follow["overdue"]) == (16, 0, 0, 1)
    stops = run(registry, "discontinuations")
    assert [(r["reason"], r["follow_up"], r["patients"]) for r in stops.rows] == [
        ("PML", "overdue", 1),  # 6 months after 2024-04-25
        ("patient choice", "not yet due", 1),
    ]
    in_december = run(registry, "discontinuations", ReportFilter(min_cell=1, date_from=dt.date(2024, 12, 1)))
    assert [r["reason"] for r in in_december.rows] == ["patient choice"]
    gaps = run(registry, "interruptions")
    assert row(gaps, indication="All indications")["events"] == 0
    infusions = run(
        registry,
        "infusions",
        ReportFilter(min_cell=1, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 1, 31)),
    )
    # January 2024: Jan 1 and Jan 29 for each of the 12 patients who started then; the j patients'
    # infusions fell on Jan 1 2024 (day 728 = 26 x 28) and Jan 29 2024
    assert [(r["site"], r["month"], r["infusions"], r["patients"]) for r in infusions.rows] == [
        ("North", "2024-01", 18, 9),
        ("South", "2024-01", 14, 7),
    ]


def test_filters_select_indication_site_and_treatment_period(registry: Database) -> None:
    crohns = run(registry, "safety", ReportFilter(min_cell=1, disease="crohns_disease"))
    assert {r["indication"] for r in crohns.rows} == {"Crohn's disease"}
    south = run(registry, "safety", ReportFilter(min_cell=1, site="South"))
    assert row(south, indication="All indications", measure="Infusion reaction")["patients"] == 7
    # treated during 2025: j1 and j2 had stopped, the other 14 are still on treatment
    later = run(registry, "safety", ReportFilter(min_cell=1, date_from=dt.date(2025, 1, 1)))
    assert row(later, indication="All indications", measure="Infusion reaction")["patients"] == 14
    before_2024 = run(registry, "safety", ReportFilter(min_cell=1, date_to=dt.date(2023, 12, 31)))
    assert row(before_2024, indication="All indications", measure="Infusion reaction")["patients"] == 4
    with pytest.raises(ValueError, match="ends"):
        ReportFilter(date_from=dt.date(2025, 1, 2), date_to=dt.date(2025, 1, 1))


def test_small_cells_are_suppressed_with_everything_derived_from_them(registry: Database) -> None:
    report = run(registry, "safety", ReportFilter())  # default threshold: 5 patients
    reaction = row(report, indication="Multiple sclerosis", measure="Infusion reaction")
    assert reaction["patients"] == 14
    assert reaction["events"] is None and reaction["estimate"] is None
    assert reaction["low"] is None and reaction["high"] is None
    assert reaction["suppressed"] == ("events", "estimate", "low", "high", "published_in_interval")
    zero = row(
        report, indication="Multiple sclerosis", measure="Herpes encephalitis, meningitis or retinal necrosis"
    )
    assert zero["events"] == 0 and zero["suppressed"] == ()  # zero reveals no one
    crohns = row(report, indication="Crohn's disease", measure="Infusion reaction")
    assert crohns["patients"] is None  # 2 patients
    pml = run(registry, "pml", ReportFilter())
    assert pml.rows[1]["patients"] is None and pml.rows[1]["events"] is None
    assert report.suppressed_cells > 0
    record = report.records()[0]
    assert set(record) == {c.key for c in report.columns} | {"suppressed"}


def test_one_query_or_two_per_report_whatever_the_cohort(registry: Database) -> None:
    with registry.reading() as session, count_queries(registry) as queries:
        for name in REPORTS:
            run_report(session, name, ALL_ONE)
    # safety, effectiveness, interruptions: grouped + total + as-of; the others: one + as-of
    assert len(queries) == 3 * 3 + 4 * 2
    assert all("patient_summary" in q for q in queries)
    assert not any("patient_id" in q for q in queries)


def test_each_profile_reads_its_own_summaries_and_primary_table(registry: Database) -> None:
    """The EU profile's primary PML table is Berger & Fox too (the SmPC table is shown beside it on
    the patient's page); its summaries are its own rows, so a profile filter never mixes them."""
    us = run(registry, "pml", ReportFilter(min_cell=1, profile="us"))
    eu = run(registry, "pml", ReportFilter(min_cell=1, profile="eu"))
    assert [(r["table"], r["exposure_band"], r["patients"], r["events"]) for r in eu.rows] == [
        ("berger-fox-2016", "up to 24 months", 12, 0),
        ("berger-fox-2016", "25-48 months", 4, 1),
    ]
    assert eu.rows == us.rows
    assert eu.filters.profile == "eu"
