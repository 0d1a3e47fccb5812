"""The FHIR mapper's shared state and helpers: what every resource-family mapper builds on.

One mapper reads one patient's resources. The per-family mixins (patient, conditions and
allergies, observations and labs, medicines, reports and other records) each add the
methods for their resources; this base holds the timeline being built, the reference
index, and the helpers that report what cannot be read (``skip``, ``review``, ``note``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from alpha4.domain import (
    AntiTnfCourse,
    Discontinuation,
    Indication,
    OtherRecord,
)

from .fhir_bundle import (
    FhirInputError,
    Unmapped,
    _Entry,
    _first_error,
)
from .fhir_readers import (
    _day,
    _partial_of,
    _record_id,
    _summary,
)


@dataclass
class _Timeline:
    lists: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    prior_is: bool | None = None
    extended_interval_weeks: float | None = None
    discontinuation: Discontinuation | None = None
    indication: list[tuple[_Entry, Indication]] = field(default_factory=list)
    ms_activity: dict[str, bool] = field(default_factory=dict)
    crohns: dict[str, bool] = field(default_factory=dict)
    anti_tnf: list[AntiTnfCourse] = field(default_factory=list)


class MapperBase:
    def __init__(
        self,
        entries: list[_Entry],
        patient_id: str | None,
        unmapped: list[Unmapped],
        *,
        patient: _Entry | None = None,
        shared: bool = False,
    ) -> None:
        self.entries = entries
        self.wanted_patient = patient_id
        self.chosen = patient
        # A bundle of several patients: the others' resources are theirs, not unmapped, and a resource
        # that names no patient cannot be placed (the caller reports it once for the bundle).
        self.shared = shared
        self.unmapped = unmapped
        self.t = _Timeline()
        self.index: dict[str, _Entry] = {}
        for e in entries:
            if e.full_url:
                self.index[e.full_url] = e
            if e.id:
                self.index[f"{e.type}/{e.id}"] = e
        self.places = {id(e): n for n, e in enumerate(entries)}
        self.consumed: set[int] = set()
        self.used_ids: set[str] = set()
        self.infusion_by_entry: dict[int, int] = {}
        self.jcv: list[_Entry] = []
        self.patient_refs: set[str] = set()

    def place(self, e: _Entry) -> int:
        return self.places[id(e)]

    def resolve(self, reference: Any, within: _Entry | None = None) -> _Entry | None:
        """The entry a Reference points at: contained in ``within`` (``#id``), by fullUrl
        (``urn:uuid:``, absolute URL) or as ``Type/id`` (relative, or the tail of an absolute URL)."""
        ref = getattr(reference, "reference", None)
        if not ref:
            return None
        ref = str(ref)
        if ref.startswith("#"):
            if within is None:
                return None
            for raw, model in zip(
                within.raw.get("contained") or [], within.model.contained or [], strict=False
            ):
                if isinstance(raw, dict) and raw.get("id") == ref[1:]:
                    return _Entry(None, raw, model)
            return None
        if ref in self.index:
            return self.index[ref]
        parts = ref.split("?")[0].rstrip("/").split("/")
        if len(parts) >= 4 and parts[-2] == "_history":
            parts = parts[:-2]  # a versioned reference: Type/id/_history/n
        if len(parts) >= 2:
            return self.index.get(f"{parts[-2]}/{parts[-1]}")
        return None

    def skip(self, e: _Entry, reason: str) -> None:
        self.unmapped.append(Unmapped(e.type, e.id or e.full_url, reason))

    def rid(self, e: _Entry, suffix: str = "") -> str:
        base = _record_id(e) + suffix
        rid, n = base, 1
        while rid in self.used_ids:
            n += 1
            rid = f"{base}-{n}"
        self.used_ids.add(rid)
        return rid

    def build(self, e: _Entry, cls: type[Any], **fields: Any) -> Any:
        try:
            return cls(**fields)
        except ValidationError as error:
            element, message = _first_error(error)
            raise FhirInputError(e.ref, element, f"cannot be read as {cls.__name__}: {message}") from None

    def need_day(self, e: _Entry, element: str, *values: Any) -> dt.date:
        """The record's day. A date the EHR recorded only to the month or year (``2024-05``) is
        kept: the earliest day of it is used (a test or dose then counts as older, so what is due
        comes due sooner, never later) and a note on the timeline says so."""
        for v in values:
            day = _day(v)
            if day is not None:
                return day
        partial = _partial_of(e.raw)
        if partial is not None:
            self.note(
                e,
                partial.earliest,
                f"date recorded as {partial.text} ({partial.precision.value} only): alpha4 uses "
                f"{partial.earliest.isoformat()}, the earliest day it can be",
            )
            return partial.earliest
        raise FhirInputError(e.ref, element, "a date is required")

    def review(self, e: _Entry, day: dt.date | None, reason: str, *, loinc: str | None = None) -> None:
        """Unmapped, and kept on the timeline as an uninterpreted record (a finding shows it).

        ``loinc``: the laboratory test it is a result of, so a rule that needs that test can say its
        newest result could not be interpreted (:mod:`alpha4.rules.lab_gaps`)."""
        self.skip(e, reason)
        extra = {"loinc": loinc} if loinc else {}
        if day is not None:
            self.t.lists["other_records"].append(
                self.build(
                    e,
                    OtherRecord,
                    id=self.rid(e),
                    date=day,
                    source_ref=e.ref,
                    type=_summary(f"FHIR {e.type} ({reason})"),
                    data={"reason": reason, "reference": e.ref, **extra},
                )
            )

    def note(self, e: _Entry, day: dt.date | None, text: str) -> None:
        """Something a clinician must know about a record alpha4 did read: an uninterpreted record
        on the timeline (a finding shows it), or an unmapped note when it has no date."""
        if day is None:
            self.skip(e, text)
            return
        self.t.lists["other_records"].append(
            self.build(
                e,
                OtherRecord,
                id=self.rid(e, "-note"),
                date=day,
                source_ref=e.ref,
                type=_summary(text),
                data={"note": text, "reference": e.ref},
            )
        )
