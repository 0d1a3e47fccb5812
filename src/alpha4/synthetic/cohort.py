"""Scenario builders and the seeded cohort generator.

Every scenario builds a patient relative to an anchor date (``as_of``) so that the
record is current whatever day the demo runs; the same seed gives the same cohort.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from alpha4.domain import (
    AdverseEvent,
    AdverseEventCategory,
    AntibodyResult,
    AntiTnfCourse,
    AntiTnfFailure,
    AuthorizationEvent,
    AuthorizationKind,
    CrohnsHistory,
    CrohnsIndexKind,
    CrohnsScore,
    Discontinuation,
    Disease,
    DrugLevel,
    EdssScore,
    Indication,
    Infusion,
    InfusionReaction,
    JcvAssay,
    JcvResult,
    LabResult,
    LactationRecord,
    Medication,
    MedicineClass,
    MriKind,
    MriScan,
    MSActivity,
    MSCourse,
    Patient,
    PregnancyRecord,
    PregnancyStatus,
    ReactionKind,
    Relapse,
    Route,
    Serostatus,
    Severity,
    Sex,
    WeightRecord,
)
from alpha4.domain.months import add_months

from .names import with_synthetic_identity

_add_months = add_months  # the rules' month arithmetic (one definition, dateutil.relativedelta)


@dataclass
class Builder:
    """Mutable scratchpad for one synthetic patient; :meth:`build` validates it into a :class:`Patient`."""

    rng: random.Random
    pid: str
    as_of: dt.date
    disease: Disease = Disease.MULTIPLE_SCLEROSIS
    data: dict[str, list[Any]] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    n: int = 0

    def rid(self, kind: str) -> str:
        self.n += 1
        return f"{self.pid}-{kind}-{self.n}"

    def add(self, name: str, record: Any) -> None:
        self.data.setdefault(name, []).append(record)

    def build(self) -> Patient:
        payload: dict[str, Any] = dict(self.fields)
        payload.update({k: tuple(v) for k, v in self.data.items()})
        return Patient.model_validate(payload)

    # --- building blocks ---------------------------------------------------------------------
    def demographics(self, age: int | None = None, sex: Sex | None = None) -> None:
        age = age if age is not None else self.rng.randint(22, 58)
        born = self.as_of - dt.timedelta(days=int(age * 365.25) + self.rng.randint(1, 300))
        self.fields.update(
            id=self.pid,
            birth_date=born,
            sex=sex or self.rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE]),
            prior_immunosuppressant_reported=False,
        )
        if self.disease is Disease.MULTIPLE_SCLEROSIS:
            self.fields["indication"] = Indication(
                disease=self.disease,
                ms_course=MSCourse.RELAPSING_REMITTING,
                diagnosis_date=self.as_of - dt.timedelta(days=self.rng.randint(800, 4000)),
                ms_activity=MSActivity(despite_full_course_of_dmt=True),
                codes=("SNOMED:426373005", "ICD10:G35.A"),
            )
        else:
            self.fields["indication"] = Indication(
                disease=self.disease,
                crohns=CrohnsHistory(
                    moderately_to_severely_active=True,
                    evidence_of_inflammation=True,
                    conventional_therapy_inadequate=True,
                    anti_tnf_courses=(
                        AntiTnfCourse(
                            drug=self.rng.choice(["infliximab", "adalimumab"]),
                            outcome=self.rng.choice(list(AntiTnfFailure)),
                        ),
                    ),
                ),
                codes=("SNOMED:34000006", "ICD10:K50.80"),
            )
        self.add(
            "weights",
            WeightRecord(
                id=self.rid("wt"),
                date=self.as_of - dt.timedelta(days=60),
                weight_kg=round(self.rng.uniform(50, 105), 1),
            ),
        )

    def jcv(
        self,
        day: dt.date,
        status: Serostatus,
        index: float | None = None,
        assay: JcvAssay = JcvAssay.STRATIFY,
    ) -> None:
        self.add(
            "jcv_results",
            JcvResult(id=self.rid("jcv"), date=day, assay=assay, serostatus=status, index=index),
        )

    def labs(
        self,
        day: dt.date,
        *,
        lymph: float = 3.6,
        neut: float = 4.0,
        plt: float = 250.0,
        alt: float = 24.0,
        ast: float = 22.0,
        bili: float = 0.6,
    ) -> None:
        for loinc, value, unit, lo, hi in (
            ("731-0", lymph, "10*3/uL", 1.0, 3.2),
            ("751-8", neut, "10*3/uL", 1.8, 7.7),
            ("777-3", plt, "10*3/uL", 150.0, 400.0),
            ("1742-6", alt, "U/L", 7.0, 56.0),
            ("1920-8", ast, "U/L", 10.0, 40.0),
            ("1975-2", bili, "mg/dL", 0.1, 1.2),
        ):
            self.add(
                "labs",
                LabResult(
                    id=self.rid("lab"),
                    date=day,
                    loinc=loinc,
                    value=round(value, 2),
                    unit=unit,
                    reference_low=lo,
                    reference_high=hi,
                ),
            )

    def on_treatment(
        self,
        months: int,
        *,
        interval_days: int = 28,
        jcv: Serostatus = Serostatus.NEGATIVE,
        index: float | None = None,
        maintained: bool = True,
        gap_days: int = 0,
    ) -> dt.date:
        """A patient started ``months`` ago and looked after by the book. Returns the first infusion date."""
        rng = self.rng
        start = _add_months(self.as_of, -months) + dt.timedelta(days=rng.randint(0, 6))
        pre = start - dt.timedelta(days=rng.randint(14, 40))
        self.add("mri_scans", MriScan(id=self.rid("mri"), date=pre, kind=MriKind.BASELINE, contrast=True))
        self.jcv(pre, jcv, index if jcv is Serostatus.POSITIVE else (round(rng.uniform(0.05, 0.18), 2)))
        self.labs(pre, lymph=2.1)
        self.add(
            "authorizations",
            AuthorizationEvent(id=self.rid("auth"), date=pre, kind=AuthorizationKind.ENROLLMENT),
        )
        last_day = self.as_of - dt.timedelta(days=gap_days + rng.randint(22, 27) * interval_days // 28)
        dates: list[dt.date] = []
        day = last_day
        while day >= start:
            dates.append(day)
            day -= dt.timedelta(days=interval_days)
        start = dates[-1] if dates else last_day
        for day in reversed(dates or [last_day]):
            self.add(
                "infusions", Infusion(id=self.rid("inf"), date=day, dose_mg=300.0, observation_minutes=60)
            )
        if not maintained:
            return start
        # follow-up by the book
        m = 6
        while _add_months(start, m) - dt.timedelta(days=7) <= self.as_of:
            visit = min(_add_months(start, m) - dt.timedelta(days=rng.randint(0, 7)), self.as_of)
            self.labs(visit)
            if jcv is Serostatus.NEGATIVE:
                self.jcv(visit, Serostatus.NEGATIVE, round(rng.uniform(0.05, 0.18), 2))
            elif index is not None and index <= 1.5 and m >= 24:
                self.jcv(visit, Serostatus.POSITIVE, index)
            if m % 12 == 0:
                self.add(
                    "mri_scans",
                    MriScan(
                        id=self.rid("mri"),
                        date=visit,
                        new_t2_lesions=0,
                        gadolinium_enhancing_lesions=0,
                        contrast=m % 24 == 0,
                    ),
                )
            if m == 24 and jcv is Serostatus.POSITIVE:
                self.add(
                    "authorizations",
                    AuthorizationEvent(
                        id=self.rid("brd"), date=visit, kind=AuthorizationKind.BENEFIT_RISK_DISCUSSION
                    ),
                )
            if m == 24 and jcv is Serostatus.NEGATIVE:
                self.add(
                    "authorizations",
                    AuthorizationEvent(
                        id=self.rid("brd"), date=visit, kind=AuthorizationKind.BENEFIT_RISK_DISCUSSION
                    ),
                )
            m += 6
        k = 6
        while _add_months(pre, k) <= self.as_of:
            self.add(
                "authorizations",
                AuthorizationEvent(
                    id=self.rid("auth"), date=_add_months(pre, k), kind=AuthorizationKind.AUTHORIZATION
                ),
            )
            k += 6
        n_points = [3, 6, *range(12, months + 1, 6)]
        for p in n_points:
            point = _add_months(start, p)
            if point <= self.as_of - dt.timedelta(days=3):
                self.add(
                    "authorizations",
                    AuthorizationEvent(id=self.rid("rea"), date=point, kind=AuthorizationKind.REASSESSMENT),
                )
        w = 12
        while start + dt.timedelta(weeks=w) <= self.as_of - dt.timedelta(days=3):
            self.add(
                "antibody_results",
                AntibodyResult(id=self.rid("ab"), date=start + dt.timedelta(weeks=w), positive=False),
            )
            w += 12
        if months >= 6 and jcv is Serostatus.POSITIVE and index is not None and index > 1.5 and months > 24:
            last_mri = self.as_of - dt.timedelta(days=rng.randint(20, 80))
            self.add("mri_scans", MriScan(id=self.rid("mri"), date=last_mri, kind=MriKind.ABBREVIATED))
        for k in range(0, months // 6 + 1):
            d = _add_months(start, 6 * k)
            if d <= self.as_of and self.disease is Disease.MULTIPLE_SCLEROSIS:
                self.add("edss_scores", EdssScore(id=self.rid("edss"), date=d, score=2.0))
        return start

    def natural_history(self, start: dt.date) -> None:
        """Relapses before natalizumab, and the occasional relapse or new lesion on it.

        Before: 1-3 relapses in the 2 years before the first infusion (highly active RRMS).
        On treatment: each year a relapse with probability 0.12 and new T2 lesions on the
        yearly scan with probability 0.12 (roughly the AFFIRM natalizumab arm).
        """
        rng = self.rng
        for _ in range(rng.randint(1, 3)):
            day = start - dt.timedelta(days=rng.randint(30, 700))
            self.add("relapses", Relapse(id=self.rid("rel"), date=day, steroid_treated=True))
        year = 1
        while _add_months(start, 12 * year) <= self.as_of:
            if rng.random() < 0.12:
                day = _add_months(start, 12 * (year - 1)) + dt.timedelta(days=rng.randint(30, 330))
                if day <= self.as_of:
                    self.add("relapses", Relapse(id=self.rid("rel"), date=day, steroid_treated=True))
            year += 1
        scans = self.data.get("mri_scans", [])
        for n, scan in enumerate(scans):
            if (
                scan.date > start + dt.timedelta(days=300)
                and scan.new_t2_lesions == 0
                and rng.random() < 0.12
            ):
                scans[n] = scan.model_copy(update={"new_t2_lesions": rng.randint(1, 3)})

    def latest_infusion(self) -> Infusion:
        infusions: list[Infusion] = self.data["infusions"]
        return max(infusions, key=lambda i: i.date)


# --- scenarios ------------------------------------------------------------------------------------
Scenario = Callable[[Builder], None]


def ms_stable_jcv_negative(b: Builder) -> None:
    b.demographics()
    b.natural_history(b.on_treatment(b.rng.randint(8, 40)))


def ms_new_start(b: Builder) -> None:
    """Screened and ready for the first infusion today."""
    b.demographics()
    pre = b.as_of - dt.timedelta(days=20)
    b.add("mri_scans", MriScan(id=b.rid("mri"), date=pre, kind=MriKind.BASELINE, contrast=True))
    b.jcv(pre, Serostatus.NEGATIVE, 0.11)
    b.labs(pre, lymph=2.0)
    b.add("authorizations", AuthorizationEvent(id=b.rid("auth"), date=pre, kind=AuthorizationKind.ENROLLMENT))


def ms_jcv_positive_high_index(b: Builder) -> None:
    b.demographics()
    b.natural_history(
        b.on_treatment(
            b.rng.randint(30, 60), jcv=Serostatus.POSITIVE, index=round(b.rng.uniform(1.6, 3.5), 2)
        )
    )


def ms_jcv_positive_low_index(b: Builder) -> None:
    b.demographics()
    b.natural_history(
        b.on_treatment(
            b.rng.randint(26, 48), jcv=Serostatus.POSITIVE, index=round(b.rng.uniform(0.45, 0.9), 2)
        )
    )


def ms_prior_immunosuppressant(b: Builder) -> None:
    b.demographics()
    start = b.on_treatment(b.rng.randint(26, 50), jcv=Serostatus.POSITIVE, index=1.1)
    b.fields["prior_immunosuppressant_reported"] = True
    b.fields["medications"] = (
        Medication(
            id=b.rid("med"),
            name="mitoxantrone",
            medicine_class=MedicineClass.ANTINEOPLASTIC,
            rxnorm="7005",
            start=start - dt.timedelta(days=900),
            end=start - dt.timedelta(days=400),
        ),
    )


def _drop_after(b: Builder, name: str, day: dt.date) -> None:
    b.data[name] = [r for r in b.data.get(name, []) if r.date < day]


def ms_seroconversion(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(14, 30))
    _drop_after(b, "jcv_results", b.as_of - dt.timedelta(days=60))
    b.jcv(b.as_of - dt.timedelta(days=10), Serostatus.POSITIVE, round(b.rng.uniform(0.5, 2.5), 2))


def ms_jcv_stale(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(14, 30))
    cutoff = b.as_of - dt.timedelta(days=250)
    b.data["jcv_results"] = [r for r in b.data["jcv_results"] if r.date < cutoff]


def ms_persistent_antibodies(b: Builder) -> None:
    b.demographics()
    start = b.on_treatment(b.rng.randint(5, 12))
    b.data["antibody_results"] = [
        AntibodyResult(
            id=b.rid("ab"), date=start + dt.timedelta(weeks=12), positive=True, concentration_ug_per_ml=1.8
        ),
        AntibodyResult(
            id=b.rid("ab"), date=start + dt.timedelta(weeks=19), positive=True, concentration_ug_per_ml=2.4
        ),
    ]
    b.add(
        "drug_levels",
        DrugLevel(id=b.rid("lvl"), date=start + dt.timedelta(weeks=12), concentration_ug_per_ml=1.1),
    )


def ms_antibody_unconfirmed(b: Builder) -> None:
    b.demographics()
    start = b.on_treatment(b.rng.randint(4, 8))
    b.data["antibody_results"] = [
        AntibodyResult(id=b.rid("ab"), date=b.as_of - dt.timedelta(days=20), positive=True)
    ]
    _ = start


def ms_serious_hypersensitivity(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(2, 5))
    last = b.latest_infusion()
    b.data["infusions"][-1] = last.model_copy(
        update={
            "reaction": InfusionReaction(
                kind=ReactionKind.ANAPHYLAXIS,
                grade=3,
                onset_minutes=35,
                description="urticaria, hypotension, dyspnoea",
                manifestations=("urticaria", "hypotension", "dyspnoea"),
            )
        }
    )


def ms_infusion_reaction(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(3, 10))
    last = b.latest_infusion()
    _drop_after(b, "antibody_results", last.date)
    b.data["infusions"][-1] = last.model_copy(
        update={
            "reaction": InfusionReaction(
                kind=ReactionKind.INFUSION_REACTION,
                grade=1,
                onset_minutes=50,
                description="headache, flushing",
                manifestations=("headache", "flushing"),
            )
        }
    )


def ms_suspected_pml(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(30, 70), jcv=Serostatus.POSITIVE, index=2.8)
    b.add(
        "adverse_events",
        AdverseEvent(
            id=b.rid("ae"),
            date=b.as_of - dt.timedelta(days=6),
            category=AdverseEventCategory.NEUROLOGICAL_SYMPTOMS,
            term="new left hemianopia and clumsiness, 5 days",
            serious=True,
        ),
    )


def ms_confirmed_pml(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(40, 80), jcv=Serostatus.POSITIVE, index=3.1)
    b.add(
        "adverse_events",
        AdverseEvent(
            id=b.rid("ae"),
            date=b.as_of - dt.timedelta(days=12),
            category=AdverseEventCategory.PML,
            term="PML (CSF JCV DNA positive)",
            serious=True,
            confirmed=True,
        ),
    )


def ms_liver_injury(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(2, 10))
    b.labs(b.as_of - dt.timedelta(days=2), alt=240.0, ast=190.0, bili=2.9)


def ms_transaminases(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(2, 20))
    b.labs(b.as_of - dt.timedelta(days=2), alt=190.0, ast=90.0, bili=0.8)


def ms_neutropenia(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(6, 30))
    b.labs(b.as_of - dt.timedelta(days=3), neut=0.9)


def ms_thrombocytopenia(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(6, 30))
    b.labs(b.as_of - dt.timedelta(days=3), plt=62.0)


def ms_pediatric(b: Builder) -> None:
    b.demographics(age=16)
    b.on_treatment(b.rng.randint(3, 12))


def ms_older_adult(b: Builder) -> None:
    b.demographics(age=b.rng.randint(65, 72))
    b.on_treatment(b.rng.randint(6, 30))


def ms_pregnancy_new(b: Builder) -> None:
    b.demographics(sex=Sex.FEMALE, age=b.rng.randint(24, 38))
    b.on_treatment(b.rng.randint(6, 30))
    b.add(
        "pregnancies",
        PregnancyRecord(
            id=b.rid("preg"),
            date=b.as_of - dt.timedelta(days=2),
            status=PregnancyStatus.PREGNANT,
            gestational_weeks=7,
        ),
    )


def ms_pregnancy_third_trimester(b: Builder) -> None:
    b.demographics(sex=Sex.FEMALE, age=b.rng.randint(24, 38))
    b.on_treatment(b.rng.randint(14, 30))
    b.add(
        "pregnancies",
        PregnancyRecord(
            id=b.rid("preg"),
            date=b.as_of - dt.timedelta(weeks=20),
            status=PregnancyStatus.PREGNANT,
            gestational_weeks=12,
        ),
    )


def ms_lactation(b: Builder) -> None:
    b.demographics(sex=Sex.FEMALE, age=b.rng.randint(24, 38))
    b.on_treatment(b.rng.randint(6, 30))
    b.add("lactation", LactationRecord(id=b.rid("lact"), date=b.as_of - dt.timedelta(days=3)))


def ms_interferon(b: Builder) -> None:
    b.demographics()
    start = b.on_treatment(b.rng.randint(6, 20))
    b.fields["medications"] = (
        Medication(
            id=b.rid("med"),
            name="interferon beta-1a",
            medicine_class=MedicineClass.INTERFERON_BETA,
            rxnorm="75917",
            start=start - dt.timedelta(days=30),
            route=Route.INTRAMUSCULAR,
        ),
    )


def ms_immunosuppressant(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(6, 20))
    b.fields["medications"] = (
        Medication(
            id=b.rid("med"),
            name="azathioprine",
            medicine_class=MedicineClass.IMMUNOSUPPRESSANT,
            rxnorm="1256",
            start=b.as_of - dt.timedelta(days=20),
            route=Route.ORAL,
        ),
    )


def ms_extended_interval(b: Builder) -> None:
    b.demographics()
    b.on_treatment(
        b.rng.randint(30, 50),
        interval_days=42,
        jcv=Serostatus.POSITIVE,
        index=round(b.rng.uniform(0.5, 1.4), 2),
    )
    b.fields["extended_interval_weeks"] = 6


def ms_long_gap(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(6, 14), gap_days=110)


def ms_authorization_lapsed(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(14, 30))
    auths = [a for a in b.data["authorizations"] if a.kind is AuthorizationKind.AUTHORIZATION]
    if auths:
        b.data["authorizations"].remove(auths[-1])
        if len(auths) > 1:
            b.data["authorizations"].remove(auths[-2])


def ms_discontinued(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(24, 40), jcv=Serostatus.POSITIVE, index=2.2)
    last = b.latest_infusion()
    stop = last.date + dt.timedelta(days=14)
    b.data["infusions"] = [i for i in b.data["infusions"] if i.date <= last.date]
    b.fields["discontinuation"] = Discontinuation(
        id=b.rid("stop"), date=stop, reason="PML risk (JCV index 2.2 after 3 years)"
    )
    b.data["infusions"] = [i for i in b.data["infusions"] if i.date <= b.as_of - dt.timedelta(days=200)]
    last = b.latest_infusion()
    b.fields["discontinuation"] = Discontinuation(
        id=b.rid("stop"),
        date=last.date + dt.timedelta(days=14),
        reason="PML risk (JCV index 2.2 after 3 years)",
    )
    b.data["authorizations"] = [a for a in b.data["authorizations"] if a.date <= last.date]
    b.labs(b.as_of - dt.timedelta(days=5), lymph=4.1)


def ms_opportunistic_infection(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(12, 40), jcv=Serostatus.POSITIVE, index=0.7)
    b.add(
        "adverse_events",
        AdverseEvent(
            id=b.rid("ae"),
            date=b.as_of - dt.timedelta(days=15),
            category=AdverseEventCategory.OPPORTUNISTIC_INFECTION,
            term="oesophageal candidiasis",
            serious=True,
        ),
    )


def ms_beyond_table(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(75, 100), jcv=Serostatus.POSITIVE, index=0.8)


def ms_immunowell(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(14, 30))
    _drop_after(b, "jcv_results", b.as_of - dt.timedelta(days=60))
    b.jcv(b.as_of - dt.timedelta(days=30), Serostatus.POSITIVE, 0.62, assay=JcvAssay.IMMUNOWELL)


def ms_after_plasma_exchange(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(14, 30))
    plex_end = b.as_of - dt.timedelta(days=30)
    b.fields["medications"] = (
        Medication(
            id=b.rid("med"),
            name="plasma exchange",
            medicine_class=MedicineClass.PLASMA_EXCHANGE,
            start=plex_end - dt.timedelta(days=6),
            end=plex_end,
        ),
    )
    b.jcv(plex_end + dt.timedelta(days=5), Serostatus.NEGATIVE, 0.1)


def ms_relapsing_on_treatment(b: Builder) -> None:
    b.demographics()
    start = b.on_treatment(b.rng.randint(12, 24))
    _drop_after(b, "antibody_results", b.as_of - dt.timedelta(days=40))
    b.add(
        "relapses",
        Relapse(
            id=b.rid("rel"),
            date=b.as_of - dt.timedelta(days=40),
            steroid_treated=True,
            severity=Severity.MODERATE,
        ),
    )
    b.add(
        "mri_scans",
        MriScan(
            id=b.rid("mri"),
            date=b.as_of - dt.timedelta(days=30),
            new_t2_lesions=3,
            gadolinium_enhancing_lesions=1,
            contrast=True,
        ),
    )
    _ = start


def _crohns_base(b: Builder, months: int) -> dt.date:
    b.disease = Disease.CROHNS_DISEASE
    b.demographics()
    start = b.on_treatment(months)
    b.add(
        "crohns_scores",
        CrohnsScore(
            id=b.rid("cdai"),
            date=start - dt.timedelta(days=3),
            index=CrohnsIndexKind.CDAI,
            score=round(b.rng.uniform(260, 380)),
        ),
    )
    return start


def crohns_responder(b: Builder) -> None:
    start = _crohns_base(b, b.rng.randint(6, 30))
    b.add(
        "crohns_scores",
        CrohnsScore(
            id=b.rid("cdai"),
            date=start + dt.timedelta(weeks=12),
            index=CrohnsIndexKind.CDAI,
            score=round(b.rng.uniform(90, 140)),
        ),
    )
    b.fields["medications"] = (
        Medication(
            id=b.rid("med"),
            name="mesalamine",
            medicine_class=MedicineClass.AMINOSALICYLATE,
            rxnorm="52582",
            start=start - dt.timedelta(days=400),
            route=Route.ORAL,
        ),
    )


def crohns_no_benefit(b: Builder) -> None:
    start = _crohns_base(b, 4)
    base = b.data["crohns_scores"][0].score
    b.add(
        "crohns_scores",
        CrohnsScore(
            id=b.rid("cdai"), date=start + dt.timedelta(weeks=12), index=CrohnsIndexKind.CDAI, score=base - 20
        ),
    )


def crohns_steroids_not_tapered(b: Builder) -> None:
    start = _crohns_base(b, b.rng.randint(7, 12))
    b.add(
        "crohns_scores",
        CrohnsScore(
            id=b.rid("cdai"), date=start + dt.timedelta(weeks=12), index=CrohnsIndexKind.CDAI, score=140
        ),
    )
    b.fields["medications"] = (
        Medication(
            id=b.rid("med"),
            name="prednisone",
            medicine_class=MedicineClass.CORTICOSTEROID,
            rxnorm="8640",
            start=start - dt.timedelta(days=60),
            route=Route.ORAL,
        ),
    )


SCENARIOS: dict[str, tuple[Scenario, float]] = {
    "ms_stable_jcv_negative": (ms_stable_jcv_negative, 30),
    "ms_new_start": (ms_new_start, 4),
    "ms_jcv_positive_high_index": (ms_jcv_positive_high_index, 8),
    "ms_jcv_positive_low_index": (ms_jcv_positive_low_index, 8),
    "ms_prior_immunosuppressant": (ms_prior_immunosuppressant, 3),
    "ms_seroconversion": (ms_seroconversion, 2),
    "ms_jcv_stale": (ms_jcv_stale, 3),
    "ms_persistent_antibodies": (ms_persistent_antibodies, 2),
    "ms_antibody_unconfirmed": (ms_antibody_unconfirmed, 2),
    "ms_serious_hypersensitivity": (ms_serious_hypersensitivity, 1),
    "ms_infusion_reaction": (ms_infusion_reaction, 3),
    "ms_suspected_pml": (ms_suspected_pml, 1),
    "ms_confirmed_pml": (ms_confirmed_pml, 0.5),
    "ms_liver_injury": (ms_liver_injury, 0.5),
    "ms_transaminases": (ms_transaminases, 1),
    "ms_neutropenia": (ms_neutropenia, 1),
    "ms_thrombocytopenia": (ms_thrombocytopenia, 1),
    "ms_pediatric": (ms_pediatric, 1),
    "ms_older_adult": (ms_older_adult, 2),
    "ms_pregnancy_new": (ms_pregnancy_new, 1),
    "ms_pregnancy_third_trimester": (ms_pregnancy_third_trimester, 1),
    "ms_lactation": (ms_lactation, 1),
    "ms_interferon": (ms_interferon, 1),
    "ms_immunosuppressant": (ms_immunosuppressant, 1),
    "ms_extended_interval": (ms_extended_interval, 5),
    "ms_long_gap": (ms_long_gap, 1),
    "ms_authorization_lapsed": (ms_authorization_lapsed, 2),
    "ms_discontinued": (ms_discontinued, 3),
    "ms_opportunistic_infection": (ms_opportunistic_infection, 0.5),
    "ms_beyond_table": (ms_beyond_table, 2),
    "ms_immunowell": (ms_immunowell, 2),
    "ms_after_plasma_exchange": (ms_after_plasma_exchange, 0.5),
    "ms_relapsing_on_treatment": (ms_relapsing_on_treatment, 2),
    "crohns_responder": (crohns_responder, 3),
    "crohns_no_benefit": (crohns_no_benefit, 1),
    "crohns_steroids_not_tapered": (crohns_steroids_not_tapered, 1),
}


def scenario_patient(name: str, as_of: dt.date, *, seed: int = 0, pid: str | None = None) -> Patient:
    """One patient of the named scenario, current on ``as_of``."""
    builder, _ = SCENARIOS[name]
    b = Builder(random.Random(f"{seed}:{name}:{pid}"), pid or name.replace("_", "-"), as_of)
    builder(b)
    return with_synthetic_identity(b.build())


def generate_cohort(n: int, as_of: dt.date, *, seed: int = 0) -> Iterator[tuple[str, Patient]]:
    """``n`` patients drawn from the scenarios by weight; the same seed gives the same cohort."""
    rng = random.Random(seed)
    names = list(SCENARIOS)
    weights = [SCENARIOS[k][1] for k in names]
    for i in range(n):
        name = names[i] if i < len(names) and n >= len(names) else rng.choices(names, weights)[0]
        yield name, scenario_patient(name, as_of, seed=seed, pid=f"P{i + 1:06d}")


# Treatment-response scenarios live in their own module (it imports Builder from here).
from .response_scenarios import RESPONSE_SCENARIOS  # noqa: E402

SCENARIOS.update(RESPONSE_SCENARIOS)

from .safety_scenarios import SAFETY_SCENARIOS  # noqa: E402

SCENARIOS.update(SAFETY_SCENARIOS)
