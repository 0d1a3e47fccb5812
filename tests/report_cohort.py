"""A small cohort whose report figures are computed by hand (see each comment).

Ten MS patients start on 2024-01-01 and have 12 infusions every 28 days (Jan 1, Jan 29, Feb 26,
... Nov 4, 2024); four JCV-positive MS patients with 30 infusions from 2022-01-03; two Crohn's
patients. Everything is seen on 2025-01-01.

- infusion reactions: m1, m2, m3 (3 of 10 MS on the short course; 3 of 16 overall)
- hypersensitivity: m4 (grade 2, not serious)
- antibodies: m5 persistent (positive 12 weeks apart), m6 transient (positive, then negative),
  m7 negative: 3 tested, 1 persistent, 1 transient
- serious infection: m8; liver injury: m9
- PML: j1..j4 anti-JCV positive, index 2.0, no prior immunosuppressant, 30 infusions (25-48
  month band of Berger & Fox); j1 has confirmed PML (2024-04-20): 1 case among 4 patients;
  j1 stopped on 2024-04-25 (reason "PML"), j2 on 2024-12-01 ("patient choice")
- m1..m10 anti-JCV negative, no prior immunosuppressant: up to 24 months, 0 cases of 10
- relapses: m1 two in 2023 and one on 2024-09-01; m2 one in 2023; m4 one in 2023
- Crohn's c1, c2: CDAI 300 at the first infusion (2024-01-01), at week 12 (2024-03-25)
  c1 200 (response, no remission), c2 140 (response and remission)
"""

from __future__ import annotations

import datetime as dt

from alpha4.domain import (
    AdverseEvent,
    AdverseEventCategory,
    AntibodyResult,
    CrohnsScore,
    Discontinuation,
    Disease,
    Indication,
    Infusion,
    InfusionReaction,
    JcvAssay,
    JcvResult,
    Patient,
    ReactionKind,
    Relapse,
)
from alpha4.domain.builders import infusion_series, ms_patient
from alpha4.domain.records import CrohnsHistory, CrohnsIndexKind, MSCourse, Serostatus

AS_OF = dt.date(2025, 1, 1)
AT = dt.datetime(2025, 1, 1, 8, 0, tzinfo=dt.UTC)
START = dt.date(2024, 1, 1)


def _with_reaction(
    infusions: tuple[Infusion, ...], kind: ReactionKind, grade: int = 1
) -> tuple[Infusion, ...]:
    second = infusions[1].model_copy(update={"reaction": InfusionReaction(kind=kind, grade=grade)})
    return (infusions[0], second, *infusions[2:])


def _jcv(pid: str, day: dt.date, status: Serostatus, index: float | None) -> JcvResult:
    return JcvResult(id=f"{pid}-jcv", date=day, assay=JcvAssay.STRATIFY, serostatus=status, index=index)


def ms(n: int, **fields: object) -> Patient:
    pid = f"m{n}"
    base: dict[str, object] = {
        "jcv_results": (_jcv(pid, dt.date(2023, 12, 1), Serostatus.NEGATIVE, 0.1),),
        "prior_immunosuppressant_reported": False,
        "site": "North" if n <= 5 else "South",
    }
    data: dict[str, object] = {
        "id": pid,
        "birth_date": dt.date(1985, 3, 14),
        "sex": "female",
        "indication": Indication(disease=Disease.MULTIPLE_SCLEROSIS, ms_course=MSCourse.RELAPSING_REMITTING),
        "infusions": infusion_series(START, 12),
    }
    return Patient.model_validate(data | base | fields)


def cohort() -> list[Patient]:
    series = infusion_series(START, 12)
    patients = [
        ms(
            1,
            infusions=_with_reaction(series, ReactionKind.INFUSION_REACTION),
            relapses=(
                Relapse(id="m1-r1", date=dt.date(2023, 3, 1)),
                Relapse(id="m1-r2", date=dt.date(2023, 9, 1)),
                Relapse(id="m1-r3", date=dt.date(2024, 9, 1)),
            ),
        ),
        ms(
            2,
            infusions=_with_reaction(series, ReactionKind.INFUSION_REACTION),
            relapses=(Relapse(id="m2-r1", date=dt.date(2023, 5, 1)),),
        ),
        ms(3, infusions=_with_reaction(series, ReactionKind.INFUSION_REACTION)),
        ms(
            4,
            infusions=_with_reaction(series, ReactionKind.HYPERSENSITIVITY, grade=2),
            relapses=(Relapse(id="m4-r1", date=dt.date(2023, 6, 1)),),
        ),
        ms(
            5,
            antibody_results=(
                AntibodyResult(id="m5-a1", date=dt.date(2024, 3, 25), positive=True),
                AntibodyResult(id="m5-a2", date=dt.date(2024, 6, 17), positive=True),
            ),
        ),
        ms(
            6,
            antibody_results=(
                AntibodyResult(id="m6-a1", date=dt.date(2024, 3, 25), positive=True),
                AntibodyResult(id="m6-a2", date=dt.date(2024, 4, 22), positive=False),
            ),
        ),
        ms(7, antibody_results=(AntibodyResult(id="m7-a1", date=dt.date(2024, 3, 25), positive=False),)),
        ms(
            8,
            adverse_events=(
                AdverseEvent(
                    id="m8-ae",
                    date=dt.date(2024, 5, 1),
                    category=AdverseEventCategory.SERIOUS_INFECTION,
                    term="pneumonia",
                    serious=True,
                    resolved_on=dt.date(2024, 5, 20),
                ),
            ),
        ),
        ms(
            9,
            adverse_events=(
                AdverseEvent(
                    id="m9-ae",
                    date=dt.date(2024, 7, 1),
                    category=AdverseEventCategory.LIVER_INJURY,
                    term="raised transaminases",
                    resolved_on=dt.date(2024, 8, 1),
                ),
            ),
        ),
        ms(10),
    ]
    jcv_start = dt.date(2022, 1, 3)
    for n in range(1, 5):
        pid = f"j{n}"
        events: tuple[AdverseEvent, ...] = ()
        stop = {
            1: Discontinuation(id="j1-stop", date=dt.date(2024, 4, 25), reason="PML"),
            2: Discontinuation(id="j2-stop", date=dt.date(2024, 12, 1), reason="patient choice"),
        }.get(n)
        if n == 1:
            events = (
                AdverseEvent(
                    id="j1-pml",
                    date=dt.date(2024, 4, 20),
                    category=AdverseEventCategory.PML,
                    term="progressive multifocal leukoencephalopathy",
                    serious=True,
                ),
            )
        patients.append(
            ms_patient(
                id=pid,
                first_infusion=jcv_start,
                infusions=30,
                prior_immunosuppressant_reported=False,
                jcv_results=(_jcv(pid, dt.date(2021, 12, 1), Serostatus.POSITIVE, 2.0),),
                adverse_events=events,
                discontinuation=stop,
                site="North",
            )
        )
    for n, week12 in ((1, 200.0), (2, 140.0)):
        pid = f"c{n}"
        patients.append(
            Patient.model_validate(
                {
                    "id": pid,
                    "birth_date": dt.date(1990, 1, 1),
                    "sex": "male",
                    "site": "South",
                    "indication": Indication(
                        disease=Disease.CROHNS_DISEASE,
                        crohns=CrohnsHistory(
                            moderately_to_severely_active=True,
                            evidence_of_inflammation=True,
                            conventional_therapy_inadequate=True,
                        ),
                    ),
                    "prior_immunosuppressant_reported": False,
                    "jcv_results": (_jcv(pid, dt.date(2023, 12, 1), Serostatus.NEGATIVE, 0.1),),
                    "infusions": infusion_series(START, 12),
                    "crohns_scores": (
                        CrohnsScore(id=f"{pid}-s0", date=START, index=CrohnsIndexKind.CDAI, score=300),
                        CrohnsScore(
                            id=f"{pid}-s1",
                            date=dt.date(2024, 3, 25),
                            index=CrohnsIndexKind.CDAI,
                            score=week12,
                        ),
                    ),
                }
            )
        )
    return patients
