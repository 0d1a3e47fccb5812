"""Typed, immutable records of a natalizumab patient's timeline.

These are plain data: they say what happened and when, and check only what
makes a record meaningless (a negative dose, an index without a serostatus).
Interpretation belongs to :mod:`alpha4.rules`.
"""

from __future__ import annotations

import datetime as dt
import math
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator

from alpha4.knowledge.plausibility import (
    MAX_CONCENTRATION_UG_PER_ML,
    MAX_CROHNS_SCORE,
    MAX_HOURS_AFTER_DOSE,
    MAX_JCV_INDEX,
    MAX_LAB_VALUE,
    MAX_LESION_COUNT,
    MAX_OBSERVATION_MINUTES,
    MAX_WEIGHT_KG,
)

from .base import Count, Day, Event, Flag, Real, Record, RecordId, check_free_data, ends_after

_MINUTES = MAX_OBSERVATION_MINUTES.value
_CONC = MAX_CONCENTRATION_UG_PER_ML.value
_LESIONS = MAX_LESION_COUNT.value


# --- indication ------------------------------------------------------------------------------
class Disease(StrEnum):
    MULTIPLE_SCLEROSIS = "multiple_sclerosis"
    CROHNS_DISEASE = "crohns_disease"


class MSCourse(StrEnum):
    CLINICALLY_ISOLATED_SYNDROME = "cis"
    RELAPSING_REMITTING = "rrms"
    ACTIVE_SECONDARY_PROGRESSIVE = "active_spms"
    NON_ACTIVE_SECONDARY_PROGRESSIVE = "non_active_spms"
    PRIMARY_PROGRESSIVE = "ppms"


class AntiTnfFailure(StrEnum):
    PRIMARY_NON_RESPONSE = "primary_non_response"
    SECONDARY_LOSS_OF_RESPONSE = "secondary_loss_of_response"
    INTOLERANCE = "intolerance"


class AntiTnfCourse(Record):
    """One course of a TNF-α inhibitor before natalizumab, and how it ended."""

    drug: str
    start: Day | None = None
    end: Day | None = None
    outcome: AntiTnfFailure

    @model_validator(mode="after")
    def _ends_after_start(self) -> AntiTnfCourse:
        ends_after(self.start, self.end, "end")
        return self


class CrohnsHistory(Record):
    """What the US label's Crohn's indication asks for, as recorded by the prescriber."""

    moderately_to_severely_active: Flag | None = None
    evidence_of_inflammation: Flag | None = Field(
        default=None, description="e.g. raised CRP, endoscopic or radiological inflammation"
    )
    conventional_therapy_inadequate: Flag | None = Field(
        default=None, description="inadequate response to, or intolerance of, conventional CD therapy"
    )
    anti_tnf_courses: tuple[AntiTnfCourse, ...] = ()


class MSActivity(Record):
    """EU indication: highly active RRMS despite a full course of a DMT, or rapidly evolving severe."""

    despite_full_course_of_dmt: Flag | None = None
    rapidly_evolving_severe: Flag | None = None


class Indication(Record):
    disease: Disease
    ms_course: MSCourse | None = None
    diagnosis_date: Day | None = None
    crohns: CrohnsHistory | None = None
    ms_activity: MSActivity | None = None
    codes: tuple[str, ...] = Field(default=(), description="e.g. 'SNOMED:426373005', 'ICD10:G35.A'")

    @model_validator(mode="after")
    def _course_matches_disease(self) -> Indication:
        if self.disease is Disease.MULTIPLE_SCLEROSIS and self.crohns is not None:
            raise ValueError("crohns history given for a multiple sclerosis indication")
        if self.disease is Disease.CROHNS_DISEASE and self.ms_course is not None:
            raise ValueError("ms_course given for a Crohn's disease indication")
        return self


# --- medicines -------------------------------------------------------------------------------
class MedicineClass(StrEnum):
    IMMUNOSUPPRESSANT = "immunosuppressant"
    ANTINEOPLASTIC = "antineoplastic"
    TNF_INHIBITOR = "tnf_inhibitor"
    INTERFERON_BETA = "interferon_beta"
    CORTICOSTEROID = "corticosteroid"
    AMINOSALICYLATE = "aminosalicylate"
    IVIG = "ivig"
    PLASMA_EXCHANGE = "plasma_exchange"
    IMMUNOMODULATOR = "immunomodulator"  # other MS disease-modifying therapies (e.g. glatiramer)
    OTHER = "other"


class Route(StrEnum):
    ORAL = "oral"
    INTRAVENOUS = "intravenous"
    SUBCUTANEOUS = "subcutaneous"
    INTRAMUSCULAR = "intramuscular"
    TOPICAL = "topical"
    INHALED = "inhaled"
    RECTAL = "rectal"
    OTHER = "other"


class Medication(Record):
    """A medicine or procedure other than natalizumab, current or past."""

    id: RecordId
    name: str = Field(min_length=1)
    medicine_class: MedicineClass
    start: Day | None = None
    end: Day | None = Field(default=None, description="None while it continues")
    route: Route | None = None
    rxnorm: str | None = Field(default=None, pattern=r"^[0-9]{1,10}$")
    source_ref: str | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> Medication:
        ends_after(self.start, self.end, "end")
        return self

    def active_on(self, day: dt.date) -> bool:
        started = self.start is None or self.start <= day
        return started and (self.end is None or self.end >= day)


# --- reproductive status ---------------------------------------------------------------------
class PregnancyStatus(StrEnum):
    PREGNANT = "pregnant"
    NOT_PREGNANT = "not_pregnant"
    ENDED = "ended"  # delivery or loss


class PregnancyRecord(Event):
    """A pregnancy status report. ``date`` is when it was reported."""

    status: PregnancyStatus
    gestational_weeks: Annotated[Real | None, Field(ge=0, le=45)] = Field(
        default=None, description="Gestational age in weeks on the report date"
    )
    end_date: Day | None = None

    @model_validator(mode="after")
    def _ends_after_report(self) -> PregnancyRecord:
        ends_after(self.date, self.end_date, "end_date")
        return self


class LactationRecord(Event):
    """Breastfeeding started (``date``) and, when known, stopped."""

    end_date: Day | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> LactationRecord:
        ends_after(self.date, self.end_date, "end_date")
        return self


# --- natalizumab -----------------------------------------------------------------------------
class Product(StrEnum):
    TYSABRI = "tysabri"
    TYRUKO = "tyruko"  # natalizumab-sztn biosimilar


class ReactionKind(StrEnum):
    INFUSION_REACTION = "infusion_reaction"
    HYPERSENSITIVITY = "hypersensitivity"
    ANAPHYLAXIS = "anaphylaxis"


class InfusionReaction(Record):
    kind: ReactionKind
    grade: Annotated[Count, Field(ge=1, le=5, description="CTCAE grade 1-5")]
    onset_minutes: Annotated[Count | None, Field(ge=0, le=_MINUTES)] = None
    description: str = ""
    manifestations: tuple[Annotated[str, Field(min_length=1, max_length=200)], ...] = Field(
        default=(),
        description=(
            "What was seen, in words (e.g. 'urticaria', 'wheeze', 'headache'): tells a hypersensitivity "
            "reaction from a non-allergic infusion reaction"
        ),
    )

    @property
    def serious_hypersensitivity(self) -> bool:
        """Anaphylaxis, or a hypersensitivity reaction of grade 3 or more (CTCAE: severe)."""
        if self.kind is ReactionKind.ANAPHYLAXIS:
            return True
        return self.kind is ReactionKind.HYPERSENSITIVITY and self.grade >= 3


class Infusion(Event):
    dose_mg: Annotated[Real, Field(gt=0, le=1000)]
    product: Product = Product.TYSABRI
    route: Route = Route.INTRAVENOUS
    observation_minutes: Annotated[Count | None, Field(ge=0, le=_MINUTES)] = None
    reaction: InfusionReaction | None = None


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class HypersensitivityHistory(Event):
    """A hypersensitivity reaction recorded outside an infusion record (e.g. from an allergy list)."""

    agent: str = Field(min_length=1, description="'natalizumab' or the other agent")
    severity: Severity
    description: str = ""

    @property
    def to_natalizumab(self) -> bool:
        return self.agent.strip().lower() in {"natalizumab", "tysabri", "tyruko", "natalizumab-sztn"}


# --- laboratory ------------------------------------------------------------------------------
class Comparator(StrEnum):
    """How a reported value relates to the true one (FHIR ``Quantity.comparator``): ``<50`` means the
    result is below 50, the exact value unknown (a laboratory's reporting limit)."""

    BELOW = "<"
    AT_MOST = "<="
    AT_LEAST = ">="
    ABOVE = ">"

    @property
    def words(self) -> str:
        """``<`` -> "below", for findings a clinician reads."""
        return {"<": "below", "<=": "at most", ">=": "at least", ">": "above"}[self.value]


def decided_value(bound: float, comparator: Comparator | None) -> float:
    """The value a rule compares for a reported bound: the bound itself, just inside the open side.

    ``<50`` is compared as the largest number below 50 (so "below 50" holds and "below 40" does not),
    ``>3.0`` as the smallest above 3.0 (so "above 3.0" holds). This is the limiting value, on the side
    a threshold at the bound would decide unsafely if the bound were read as an exact value. What
    the bound cannot decide is :meth:`alpha4.domain.units.NormalisedLab.below`'s None.

    >>> decided_value(50, Comparator.BELOW) < 50, decided_value(3.0, Comparator.ABOVE) > 3.0
    (True, True)
    >>> decided_value(50, Comparator.AT_MOST), decided_value(50, None)
    (50, 50)
    """
    if comparator is Comparator.BELOW:
        return math.nextafter(bound, -math.inf)
    if comparator is Comparator.ABOVE:
        return math.nextafter(bound, math.inf)
    return bound


class LabResult(Event):
    """A laboratory result by LOINC code, in the unit the laboratory reported (UCUM)."""

    loinc: str = Field(pattern=r"^[0-9]{1,7}-[0-9]$")
    value: Annotated[Real, Field(ge=0, le=MAX_LAB_VALUE.value)]
    comparator: Comparator | None = Field(
        default=None,
        description="When the laboratory reported a bound ('<50'): value is the bound, not the result",
    )
    unit: str = Field(min_length=1, description="UCUM unit, e.g. '10*3/uL', 'U/L', 'mg/dL'")
    reference_low: Annotated[Real | None, Field(ge=0, le=MAX_LAB_VALUE.value)] = None
    reference_high: Annotated[Real | None, Field(ge=0, le=MAX_LAB_VALUE.value)] = None

    @model_validator(mode="after")
    def _range_is_ordered(self) -> LabResult:
        if (
            self.reference_low is not None
            and self.reference_high is not None
            and self.reference_low > self.reference_high
        ):
            raise ValueError("reference_low is above reference_high")
        return self


class JcvAssay(StrEnum):
    STRATIFY = "stratify_jcv_dxselect"
    IMMUNOWELL = "immunowell"
    OTHER = "other"


class Serostatus(StrEnum):
    NEGATIVE = "negative"
    INDETERMINATE = "indeterminate"
    POSITIVE = "positive"


class JcvResult(Event):
    """Anti-JCV antibody result: serostatus and, when reported, the index."""

    assay: JcvAssay
    serostatus: Serostatus | None = None
    index: Annotated[Real | None, Field(ge=0, le=MAX_JCV_INDEX.value)] = None
    index_comparator: Comparator | None = Field(
        default=None, description="When the index was reported as a bound ('>3.0'): index is the bound"
    )

    @property
    def decided_index(self) -> float | None:
        """The index the rules compare: a reported bound just inside its open side (:func:`decided_value`)."""
        return None if self.index is None else decided_value(self.index, self.index_comparator)

    @property
    def shown_index(self) -> str:
        """The index as the laboratory gave it: ``1.2`` or ``>3.0``."""
        if self.index is None:
            return "not reported"
        return f"{self.index_comparator.value if self.index_comparator else ''}{self.index:g}"

    @model_validator(mode="after")
    def _index_needs_serostatus(self) -> JcvResult:
        if self.index is not None and self.serostatus is None:
            raise ValueError("index given without a serostatus")
        if self.index_comparator is not None and self.index is None:
            raise ValueError("index_comparator given without an index")
        if self.index is None and self.serostatus is None:
            raise ValueError("neither serostatus nor index given")
        return self


class AntibodyResult(Event):
    """Anti-natalizumab antibody test."""

    positive: Flag
    concentration_ug_per_ml: Annotated[Real | None, Field(ge=0, le=_CONC)] = None


class DrugLevel(Event):
    """Measured natalizumab serum concentration (trough unless ``hours_after_dose`` says otherwise)."""

    concentration_ug_per_ml: Annotated[Real, Field(ge=0, le=_CONC)]
    hours_after_dose: Annotated[Real | None, Field(ge=0, le=MAX_HOURS_AFTER_DOSE.value)] = None


# --- disease activity ------------------------------------------------------------------------
class MriKind(StrEnum):
    BASELINE = "baseline"
    ROUTINE = "routine"
    ABBREVIATED = "abbreviated"  # PML surveillance protocol (FLAIR, T2, DWI)
    PML_WORKUP = "pml_workup"


class MriScan(Event):
    kind: MriKind = MriKind.ROUTINE
    contrast: Flag = False
    new_t2_lesions: Annotated[Count | None, Field(ge=0, le=_LESIONS)] = None
    enlarging_t2_lesions: Annotated[Count | None, Field(ge=0, le=_LESIONS)] = None
    gadolinium_enhancing_lesions: Annotated[Count | None, Field(ge=0, le=_LESIONS)] = None
    pml_suspected: Flag = False
    report: str = ""


class Relapse(Event):
    """A clinical MS relapse; ``date`` is the onset."""

    steroid_treated: Flag | None = None
    severity: Severity | None = None


class EdssScore(Event):
    score: Annotated[Real, Field(ge=0, le=10, multiple_of=0.5)]


class CrohnsIndexKind(StrEnum):
    CDAI = "cdai"
    HBI = "hbi"


class CrohnsScore(Event):
    index: CrohnsIndexKind
    score: Annotated[Real, Field(ge=0)]

    @model_validator(mode="after")
    def _score_in_range(self) -> CrohnsScore:
        top = MAX_CROHNS_SCORE.value[self.index.value]
        if self.score > top:
            raise ValueError(
                f"{self.index.value.upper()} score {self.score} is above {top:g}: check the value"
            )
        return self


class AdverseEventCategory(StrEnum):
    PML = "pml"
    OPPORTUNISTIC_INFECTION = "opportunistic_infection"
    HERPES_INFECTION = "herpes_infection"  # encephalitis, meningitis, acute retinal necrosis
    SERIOUS_INFECTION = "serious_infection"
    INFECTION = "infection"
    LIVER_INJURY = "liver_injury"
    DEPRESSION = "depression"
    CHOLELITHIASIS = "cholelithiasis"
    THROMBOCYTOPENIA = "thrombocytopenia"
    NEUROLOGICAL_SYMPTOMS = "neurological_symptoms"  # new or worsening, lasting days
    IMMUNOCOMPROMISE = "immunocompromise"  # HIV, leukaemia, lymphoma, transplant ...
    MALIGNANCY = "malignancy"
    OTHER = "other"


class AdverseEvent(Event):
    """An adverse event or intercurrent condition; ``date`` is the onset."""

    category: AdverseEventCategory
    term: str = Field(min_length=1)
    serious: Flag = False
    resolved_on: Day | None = None
    confirmed: Flag = Field(default=True, description="False while only suspected")

    @model_validator(mode="after")
    def _resolved_after_onset(self) -> AdverseEvent:
        if self.resolved_on is not None and self.resolved_on < self.date:
            raise ValueError(f"resolved_on ({self.resolved_on}) is before the onset ({self.date})")
        return self

    def ongoing_on(self, day: dt.date) -> bool:
        return self.date <= day and (self.resolved_on is None or self.resolved_on > day)


class AuthorizationKind(StrEnum):
    ENROLLMENT = "enrollment"  # patient enrolled in the REMS / treatment registered
    AUTHORIZATION = "authorization"  # authorization or reauthorization granted
    REASSESSMENT = "reassessment"  # prescriber's periodic PML assessment
    BENEFIT_RISK_DISCUSSION = "benefit_risk_discussion"  # informed consent re-discussed (EU: at 2 years)
    DISCONTINUATION_QUESTIONNAIRE = "discontinuation_questionnaire"
    FOLLOW_UP = "follow_up"  # the assessment 6 months after discontinuation


class AuthorizationEvent(Event):
    kind: AuthorizationKind
    valid_until: Day | None = None

    @model_validator(mode="after")
    def _valid_after_granted(self) -> AuthorizationEvent:
        if self.valid_until is not None and self.valid_until <= self.date:
            raise ValueError(f"valid_until ({self.valid_until}) is not after the date granted ({self.date})")
        return self


class WeightRecord(Event):
    weight_kg: Annotated[Real, Field(gt=0, le=MAX_WEIGHT_KG.value)]


class Discontinuation(Event):
    reason: str = Field(min_length=1)


class OtherRecord(Event):
    """Well-formed data alpha4 does not interpret: kept, shown, reported, never dropped."""

    type: str = Field(min_length=1)
    data: Annotated[dict[str, Any], AfterValidator(check_free_data)] = Field(default_factory=dict)
