"""Patient resource -> alpha4 Patient: which Patient is read, what belongs to it, birth date, sex and
the indication gathered from Conditions.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from alpha4.domain import (
    CrohnsHistory,
    Disease,
    Indication,
    MSActivity,
    Patient,
    Sex,
)
from alpha4.domain.partial_dates import Precision, parse_partial

from .fhir_bundle import (
    FhirInputError,
    NoIndicationError,
    _Entry,
    _first_error,
    _names_a_patient,
    _patient_reference,
    _same_reference,
)
from .fhir_identity import patient_identity
from .fhir_map_base import MapperBase
from .fhir_readers import (
    _day,
    _deceased,
    _first_identifier,
    _patient_identifier,
)


class PatientMapper(MapperBase):
    def patient_entry(self) -> _Entry:
        if self.chosen is not None:
            return self.chosen
        patients = [e for e in self.entries if e.type == "Patient"]
        if self.wanted_patient is not None:
            patients = [
                e
                for e in patients
                if e.id == self.wanted_patient or _patient_identifier(e) == self.wanted_patient
            ]
        if not patients:
            raise FhirInputError(
                "Bundle",
                "entry",
                "no Patient resource" + (f" {self.wanted_patient!r}" if self.wanted_patient else ""),
            )
        if len(patients) > 1:
            raise FhirInputError(
                "Bundle", "entry", f"{len(patients)} Patient resources; alpha4 reads one patient per bundle"
            )
        return patients[0]

    def belongs(self, e: _Entry) -> bool:
        target = _patient_reference(e.raw)
        if target is None:
            # No patient named: ours when the bundle holds one patient (or the type has no subject).
            return not self.shared or not _names_a_patient(e.raw)
        return _same_reference(target, self.patient_refs)

    def make_patient(self, e: _Entry) -> Patient:
        m = e.model
        birth = _day(m.birthDate)
        partial = parse_partial(m.birthDate) if birth is None and m.birthDate is not None else None
        precision = Precision.DAY
        if partial is not None:
            # Known to the year or month only: kept as a range (Patient.birth_date_precision); the
            # age rules take the safe end for each question and say so when it matters.
            birth, precision = partial.latest, partial.precision
        if birth is None:
            raise FhirInputError(e.ref, "birthDate", "required (age-dependent rules read it)")
        sex = {"female": Sex.FEMALE, "male": Sex.MALE, "other": Sex.OTHER}.get(
            str(m.gender or ""), Sex.UNKNOWN
        )
        indication = self.make_indication()
        org = m.managingOrganization
        lists = {k: tuple(v) for k, v in self.t.lists.items()}
        try:
            return Patient.model_validate(
                {
                    "id": _patient_identifier(e) or str(e.id or _first_identifier(e) or "patient"),
                    "birth_date": birth,
                    "birth_date_precision": precision,
                    "sex": sex,
                    "indication": indication,
                    "prior_immunosuppressant_reported": self.t.prior_is,
                    "extended_interval_weeks": self.t.extended_interval_weeks,
                    "site": str(org.display) if org is not None and org.display else None,
                    **patient_identity(m),
                    "discontinuation": self.t.discontinuation,
                    # Patient.deceased[x]: the stored record stops everything too (worklist, schedule)
                    "death": (
                        {"date": _day(m.deceasedDateTime), "source_ref": e.ref} if _deceased(m) else None
                    ),
                    **lists,
                }
            )
        except ValidationError as error:
            element, message = _first_error(error)
            raise FhirInputError(e.ref, element, f"the timeline is not valid: {message}") from None

    def make_indication(self) -> Indication:
        if not self.t.indication:
            raise NoIndicationError(
                "Bundle",
                "Condition",
                "no multiple sclerosis or Crohn's disease Condition (SNOMED CT or ICD-10)",
            )
        e, ind = self.t.indication[0]
        for other, _ in self.t.indication[1:]:
            self.skip(other, f"a further indication Condition; alpha4 read {e.ref}")
        update: dict[str, Any] = {}
        if self.t.ms_activity and ind.disease is Disease.MULTIPLE_SCLEROSIS:
            update["ms_activity"] = MSActivity(**self.t.ms_activity)
        if (self.t.crohns or self.t.anti_tnf) and ind.disease is Disease.CROHNS_DISEASE:
            update["crohns"] = CrohnsHistory(**self.t.crohns, anti_tnf_courses=tuple(self.t.anti_tnf))
        return ind.model_copy(update=update) if update else ind
