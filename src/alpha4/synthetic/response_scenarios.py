"""Treatment-response scenarios for the demo cohort: responders, suboptimal responders,
antibody-positive non-responders, return of activity after stopping, Crohn's remission
and prolonged steroids.

Registered in :data:`alpha4.synthetic.cohort.SCENARIOS` by the last line of that module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from alpha4.domain import (
    AntibodyResult,
    CrohnsIndexKind,
    CrohnsScore,
    Discontinuation,
    EdssScore,
    Medication,
    MedicineClass,
    MriKind,
    MriScan,
    Relapse,
    Route,
    Serostatus,
    Severity,
)

from .cohort import Builder, _crohns_base


def _months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, min(day.day, 28))


def _pre_treatment_relapses(b: Builder, start: dt.date, count: int) -> None:
    for k in range(count):
        b.add(
            "relapses",
            Relapse(
                id=b.rid("rel"),
                date=start - dt.timedelta(days=40 + k * b.rng.randint(90, 150)),
                steroid_treated=True,
                severity=Severity.MODERATE,
            ),
        )


def _rebaseline_scan(b: Builder, start: dt.date, *, new_t2: int = 0, enhancing: int = 0) -> None:
    b.add(
        "mri_scans",
        MriScan(
            id=b.rid("mri"),
            date=_months(start, 6) + dt.timedelta(days=b.rng.randint(-10, 10)),
            kind=MriKind.ROUTINE,
            contrast=True,
            new_t2_lesions=new_t2,
            enlarging_t2_lesions=0,
            gadolinium_enhancing_lesions=enhancing,
        ),
    )


def ms_responder_neda(b: Builder) -> None:
    """Two relapses in the year before natalizumab; none since; quiet MRI; stable EDSS."""
    b.demographics()
    start = b.on_treatment(b.rng.randint(26, 40))
    _pre_treatment_relapses(b, start, 2)
    _rebaseline_scan(b, start, new_t2=b.rng.randint(0, 2))


def ms_suboptimal_responder(b: Builder) -> None:
    """Relapse and new lesions after 12 months on treatment, with one late dose; antibodies negative."""
    b.demographics()
    start = b.on_treatment(b.rng.randint(20, 30))
    _pre_treatment_relapses(b, start, 2)
    _rebaseline_scan(b, start)
    relapse_day = b.as_of - dt.timedelta(days=b.rng.randint(60, 120))
    infusions = b.data["infusions"]
    before = [i for i in infusions if i.date < relapse_day - dt.timedelta(days=60)]
    if len(before) >= 3:  # a missed dose two months before the relapse
        infusions.remove(before[-1])
    b.add(
        "relapses",
        Relapse(id=b.rid("rel"), date=relapse_day, steroid_treated=True, severity=Severity.MODERATE),
    )
    b.add(
        "mri_scans",
        MriScan(
            id=b.rid("mri"),
            date=relapse_day + dt.timedelta(days=14),
            contrast=True,
            new_t2_lesions=2,
            enlarging_t2_lesions=1,
            gadolinium_enhancing_lesions=1,
        ),
    )
    b.add(
        "antibody_results",
        AntibodyResult(id=b.rid("ab"), date=relapse_day + dt.timedelta(days=10), positive=False),
    )


def ms_antibody_nonresponder(b: Builder) -> None:
    """Persistent anti-natalizumab antibodies from week 12, then relapses and enhancing lesions."""
    b.demographics()
    start = b.on_treatment(b.rng.randint(11, 16))
    _pre_treatment_relapses(b, start, 2)
    _rebaseline_scan(b, start, new_t2=1, enhancing=1)
    b.data["antibody_results"] = [
        AntibodyResult(
            id=b.rid("ab"), date=start + dt.timedelta(weeks=w), positive=True, concentration_ug_per_ml=c
        )
        for w, c in ((12, 1.6), (24, 2.9), (36, 3.4))
        if start + dt.timedelta(weeks=w) <= b.as_of
    ]
    for months in (7, 10):
        day = _months(start, months)
        if day <= b.as_of:
            b.add(
                "relapses", Relapse(id=b.rid("rel"), date=day, steroid_treated=True, severity=Severity.SEVERE)
            )
    scan_day = _months(start, 10) + dt.timedelta(days=12)
    if scan_day <= b.as_of:
        b.add(
            "mri_scans",
            MriScan(
                id=b.rid("mri"),
                date=scan_day,
                contrast=True,
                new_t2_lesions=4,
                enlarging_t2_lesions=1,
                gadolinium_enhancing_lesions=3,
            ),
        )
    b.add("edss_scores", EdssScore(id=b.rid("edss"), date=b.as_of - dt.timedelta(days=20), score=3.5))


def ms_rebound_after_stop(b: Builder) -> None:
    """Stopped after 3+ years (JCV index 2.4); relapse at about 3 months and an active MRI at 4 months."""
    b.demographics()
    start = b.on_treatment(b.rng.randint(40, 52), jcv=Serostatus.POSITIVE, index=2.4)
    _pre_treatment_relapses(b, start, 2)
    last_day = b.as_of - dt.timedelta(days=b.rng.randint(150, 200))
    b.data["infusions"] = [i for i in b.data["infusions"] if i.date <= last_day]
    last = b.latest_infusion()
    stop = last.date + dt.timedelta(days=14)
    b.fields["discontinuation"] = Discontinuation(
        id=b.rid("stop"), date=stop, reason="PML risk (anti-JCV index 2.4 after 3 years)"
    )
    for name in ("authorizations", "mri_scans", "edss_scores", "antibody_results", "jcv_results", "labs"):
        b.data[name] = [r for r in b.data.get(name, []) if r.date <= stop]
    b.add(
        "relapses",
        Relapse(
            id=b.rid("rel"),
            date=last.date + dt.timedelta(days=100),
            steroid_treated=True,
            severity=Severity.SEVERE,
        ),
    )
    b.add(
        "mri_scans",
        MriScan(
            id=b.rid("mri"),
            date=last.date + dt.timedelta(days=122),
            contrast=True,
            new_t2_lesions=9,
            enlarging_t2_lesions=2,
            gadolinium_enhancing_lesions=6,
        ),
    )
    b.labs(b.as_of - dt.timedelta(days=5), lymph=2.4)


def crohns_remission(b: Builder) -> None:
    """CDAI from over 300 to remission by week 12 and still in remission; HBI in remission."""
    start = _crohns_base(b, b.rng.randint(12, 30))
    for day, score in (
        (start + dt.timedelta(weeks=12), b.rng.randint(100, 140)),
        (b.as_of - dt.timedelta(days=b.rng.randint(10, 40)), b.rng.randint(70, 130)),
    ):
        b.add(
            "crohns_scores", CrohnsScore(id=b.rid("cdai"), date=day, index=CrohnsIndexKind.CDAI, score=score)
        )
    b.add(
        "crohns_scores",
        CrohnsScore(
            id=b.rid("hbi"),
            date=b.as_of - dt.timedelta(days=5),
            index=CrohnsIndexKind.HBI,
            score=b.rng.randint(1, 4),
        ),
    )


def crohns_steroids_prolonged(b: Builder) -> None:
    """Tapered off prednisone within 6 months, then more than 3 months of steroids in a later calendar year."""
    start = _crohns_base(b, b.rng.randint(22, 34))
    base = b.data["crohns_scores"][0].score
    b.add(
        "crohns_scores",
        CrohnsScore(
            id=b.rid("cdai"),
            date=start + dt.timedelta(weeks=12),
            index=CrohnsIndexKind.CDAI,
            score=base - 110,
        ),
    )
    year_start = dt.date(b.as_of.year, 1, 1)
    if (b.as_of - year_start).days >= 175:  # room for 130 days this year, ending 40 days ago
        course = (b.as_of - dt.timedelta(days=170), b.as_of - dt.timedelta(days=40))
    else:  # last calendar year (the rule looks at the previous complete year too)
        course = (dt.date(b.as_of.year - 1, 3, 1), dt.date(b.as_of.year - 1, 7, 15))
    b.fields["medications"] = (
        Medication(
            id=b.rid("med"),
            name="prednisone",
            medicine_class=MedicineClass.CORTICOSTEROID,
            rxnorm="8640",
            start=start - dt.timedelta(days=45),
            end=start + dt.timedelta(days=110),
            route=Route.ORAL,
        ),
        Medication(
            id=b.rid("med"),
            name="prednisone (flare)",
            medicine_class=MedicineClass.CORTICOSTEROID,
            rxnorm="8640",
            start=course[0],
            end=course[1],
            route=Route.ORAL,
        ),
    )


RESPONSE_SCENARIOS: dict[str, tuple[Callable[[Builder], None], float]] = {
    "ms_responder_neda": (ms_responder_neda, 8),
    "ms_suboptimal_responder": (ms_suboptimal_responder, 3),
    "ms_antibody_nonresponder": (ms_antibody_nonresponder, 1),
    "ms_rebound_after_stop": (ms_rebound_after_stop, 1.5),
    "crohns_remission": (crohns_remission, 2),
    "crohns_steroids_prolonged": (crohns_steroids_prolonged, 1),
}
