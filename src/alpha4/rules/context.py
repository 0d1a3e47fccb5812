"""The view of a timeline a rule sees: the record as it stood on ``as_of``.

Rules read the timeline only through these views (``ctx.infusions``, ``ctx.mri_scans`` ...), never
``ctx.patient.<list>`` (a layer test checks), so a record dated after ``as_of`` can never change an
answer.

Rules never read the clock: the assessment date is an argument, and records dated
after it are invisible, so assessing a record "as of" a past date gives the answer
that was due then.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

from alpha4.domain import (
    AdverseEvent,
    AntibodyResult,
    AuthorizationEvent,
    CrohnsScore,
    DrugLevel,
    EdssScore,
    Event,
    HypersensitivityHistory,
    Infusion,
    JcvResult,
    LabResult,
    LactationRecord,
    Medication,
    MedicineClass,
    MriScan,
    OtherRecord,
    Patient,
    PregnancyRecord,
    PreInfusionChecklist,
    Relapse,
    WeightRecord,
)
from alpha4.knowledge import Profile

from .dates import whole_months_between

IMMUNOSUPPRESSIVE_CLASSES = frozenset(
    {MedicineClass.IMMUNOSUPPRESSANT, MedicineClass.ANTINEOPLASTIC, MedicineClass.TNF_INHIBITOR}
)
PRIOR_IS_CLASSES = frozenset({MedicineClass.IMMUNOSUPPRESSANT, MedicineClass.ANTINEOPLASTIC})


E = TypeVar("E", bound=Event)


def _upto(items: tuple[E, ...], day: dt.date) -> tuple[E, ...]:
    """The records dated on or before ``day``.

    The patient's lists are sorted by date (the domain model sorts them), so this is a prefix:
    the common case (nothing after ``day``) returns the list itself without copying it.
    """
    if not items or items[-1].date <= day:
        return items
    return items[: bisect_right(items, day, key=_date)]


def _date(item: Event) -> dt.date:
    return item.date


V = TypeVar("V")


class _view(Generic[V]):
    """``functools.cached_property`` without its lock: computed on first read, then a plain attribute.

    A context belongs to one assessment in one thread; the lock ``cached_property`` takes on every
    first read (Python 3.11) was a visible share of the rules' time.
    """

    def __init__(self, compute: Callable[[Context], V]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type) -> _view[V]: ...
    @overload
    def __get__(self, instance: Context, owner: type) -> V: ...
    def __get__(self, instance: Context | None, owner: type) -> V | _view[V]:
        if instance is None:
            return self
        value = self.compute(instance)
        instance.__dict__[self.name] = value
        return value


@dataclass(frozen=True)
class Context:
    """A patient's timeline seen on ``as_of`` under one label profile (plus checklist answers)."""

    patient: Patient
    as_of: dt.date
    profile: Profile
    checklist: PreInfusionChecklist | None = None
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @_view
    def infusions(self) -> tuple[Infusion, ...]:
        return _upto(self.patient.infusions, self.as_of)

    @_view
    def labs(self) -> tuple[LabResult, ...]:
        return _upto(self.patient.labs, self.as_of)

    @_view
    def jcv_results(self) -> tuple[JcvResult, ...]:
        return _upto(self.patient.jcv_results, self.as_of)

    @_view
    def antibody_results(self) -> tuple[AntibodyResult, ...]:
        return _upto(self.patient.antibody_results, self.as_of)

    @_view
    def adverse_events(self) -> tuple[AdverseEvent, ...]:
        return _upto(self.patient.adverse_events, self.as_of)

    @_view
    def weights(self) -> tuple[WeightRecord, ...]:
        return _upto(self.patient.weights, self.as_of)

    @_view
    def pregnancies(self) -> tuple[PregnancyRecord, ...]:
        return _upto(self.patient.pregnancies, self.as_of)

    @_view
    def lactation(self) -> tuple[LactationRecord, ...]:
        return _upto(self.patient.lactation, self.as_of)

    @_view
    def hypersensitivities(self) -> tuple[HypersensitivityHistory, ...]:
        return _upto(self.patient.hypersensitivities, self.as_of)

    @_view
    def drug_levels(self) -> tuple[DrugLevel, ...]:
        return _upto(self.patient.drug_levels, self.as_of)

    @_view
    def mri_scans(self) -> tuple[MriScan, ...]:
        return _upto(self.patient.mri_scans, self.as_of)

    @_view
    def relapses(self) -> tuple[Relapse, ...]:
        return _upto(self.patient.relapses, self.as_of)

    @_view
    def edss_scores(self) -> tuple[EdssScore, ...]:
        return _upto(self.patient.edss_scores, self.as_of)

    @_view
    def crohns_scores(self) -> tuple[CrohnsScore, ...]:
        return _upto(self.patient.crohns_scores, self.as_of)

    @_view
    def authorizations(self) -> tuple[AuthorizationEvent, ...]:
        return _upto(self.patient.authorizations, self.as_of)

    @_view
    def other_records(self) -> tuple[OtherRecord, ...]:
        return _upto(self.patient.other_records, self.as_of)

    @_view
    def medications(self) -> tuple[Medication, ...]:
        return tuple(m for m in self.patient.medications if m.start is None or m.start <= self.as_of)

    @property
    def first_infusion(self) -> Infusion | None:
        return self.infusions[0] if self.infusions else None

    @property
    def last_infusion(self) -> Infusion | None:
        return self.infusions[-1] if self.infusions else None

    @property
    def infusion_count(self) -> int:
        return len(self.infusions)

    @property
    def discontinued(self) -> bool:
        d = self.patient.discontinuation
        return d is not None and d.date <= self.as_of

    @property
    def on_treatment(self) -> bool:
        return bool(self.infusions) and not self.discontinued

    @property
    def months_since_first_infusion(self) -> int:
        """Completed calendar months of treatment (0 before the first infusion)."""
        first = self.first_infusion
        return whole_months_between(first.date, self.as_of) if first else 0

    @property
    def age(self) -> int:
        return self.patient.age_on(self.as_of)

    @_view
    def prior_immunosuppressant(self) -> bool | None:
        """Immunosuppressant or antineoplastic use before natalizumab; None when unknown.

        A recorded medicine of those classes that started before the first infusion
        (or before ``as_of`` when treatment has not started) answers yes. Otherwise the
        prescriber's report answers; an empty medicine list alone never answers "no".
        """
        start = self.first_infusion.date if self.first_infusion else self.as_of
        for m in self.medications:
            if m.medicine_class in PRIOR_IS_CLASSES and (m.start is None or m.start < start):
                return True
        return self.patient.prior_immunosuppressant_reported

    def prior_immunosuppressants(self) -> tuple[Medication, ...]:
        start = self.first_infusion.date if self.first_infusion else self.as_of
        return tuple(
            m
            for m in self.medications
            if m.medicine_class in PRIOR_IS_CLASSES and (m.start is None or m.start < start)
        )

    def active_medications(self, *classes: MedicineClass) -> tuple[Medication, ...]:
        return tuple(m for m in self.medications if m.medicine_class in classes and m.active_on(self.as_of))
