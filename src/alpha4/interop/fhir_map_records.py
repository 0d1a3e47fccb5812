"""DiagnosticReport, ImagingStudy, Procedure, Task and Basic -> MRI scans, procedures, authorizations
and alpha4's own records.
"""

from __future__ import annotations

import json

from alpha4.domain import (
    AuthorizationEvent,
    AuthorizationKind,
    Medication,
    MedicineClass,
    MriKind,
    MriScan,
    OtherRecord,
)

from . import codes as c
from .fhir_bundle import (
    _Entry,
)
from .fhir_map_base import MapperBase
from .fhir_readers import (
    _day,
    _extension,
    _local_codes,
    _local_suffix,
    _says_contrast,
    _text,
)


class RecordMapper(MapperBase):
    def report(self, e: _Entry) -> None:
        m = e.model
        local = _local_codes(m.code)
        is_mri = c.LOCAL["mri"] in local or any(
            w in _text(m.code).lower() for w in ("mri", "magnetic resonance")
        )
        if not is_mri:
            self.skip(e, "report: alpha4 reads its results from the Observations themselves")
            return
        counts: dict[str, int | None] = {"new-t2": None, "enlarging-t2": None, "gd-enhancing": None}
        for ref in m.result or []:
            target = self.resolve(ref)
            if target is None or target.type != "Observation":
                continue
            codes = _local_codes(target.model.code)
            for key in counts:
                if c.LOCAL[key] in codes and target.model.valueInteger is not None:
                    counts[key] = int(target.model.valueInteger)
                    self.consumed.add(self.place(target))
        for study in m.imagingStudy or []:
            target = self.resolve(study)
            if target is not None:
                self.consumed.add(self.place(target))
        kind = next((k for k in MriKind if f"mri-{k.value}" in local), MriKind.ROUTINE)
        day = (
            _day(m.effectiveDateTime)
            or (_day(m.effectivePeriod.start) if m.effectivePeriod else None)
            or _day(m.issued)
        )
        self.t.lists["mri_scans"].append(
            self.build(
                e,
                MriScan,
                id=self.rid(e),
                date=self.need_day(e, "effective[x]", day),
                source_ref=e.ref,
                kind=kind,
                contrast="mri-contrast" in local or _says_contrast(_text(m.code)),
                new_t2_lesions=counts["new-t2"],
                enlarging_t2_lesions=counts["enlarging-t2"],
                gadolinium_enhancing_lesions=counts["gd-enhancing"],
                pml_suspected=any(
                    c.LOCAL["pml-suspected"] in _local_codes(x) for x in m.conclusionCode or []
                ),
                report=str(m.conclusion or ""),
            )
        )

    def imaging(self, e: _Entry) -> None:
        m = e.model
        modalities = {str(x.code) for x in m.modality or []}
        if "MR" not in modalities:
            self.skip(e, "imaging study other than MR")
            return
        self.t.lists["mri_scans"].append(
            self.build(
                e,
                MriScan,
                id=self.rid(e),
                date=self.need_day(e, "started", m.started),
                source_ref=e.ref,
                kind=MriKind.ROUTINE,
                report=str(m.description or ""),
            )
        )

    def procedure(self, e: _Entry) -> None:
        m = e.model
        text = _text(m.code).lower()
        period = m.performedPeriod
        start = _day(period.start) if period else _day(m.performedDateTime)
        end = _day(period.end) if period else start
        if (
            c.LOCAL["plasma-exchange"] in _local_codes(m.code)
            or "plasma exchange" in text
            or "plasmapheresis" in text
        ):
            self.t.lists["medications"].append(
                self.build(
                    e,
                    Medication,
                    id=self.rid(e),
                    name=_text(m.code) or "plasma exchange",
                    medicine_class=MedicineClass.PLASMA_EXCHANGE,
                    start=start,
                    end=end if period else None,
                    source_ref=e.ref,
                )
            )
            return
        if c.LOCAL["mri"] in _local_codes(m.code) or "mri" in text.split():
            self.t.lists["mri_scans"].append(
                self.build(
                    e, MriScan, id=self.rid(e), date=self.need_day(e, "performed[x]", start), source_ref=e.ref
                )
            )
            return
        self.skip(e, "procedure not in alpha4's tables")

    def task(self, e: _Entry) -> None:
        m = e.model
        kind = _local_suffix(m.code, "rems-")
        if kind not in {k.value for k in AuthorizationKind}:
            self.skip(e, "task not in alpha4's tables")
            return
        if m.status != "completed":
            self.skip(e, f"REMS step with status {m.status}")
            return
        period = m.executionPeriod
        self.t.lists["authorizations"].append(
            self.build(
                e,
                AuthorizationEvent,
                id=self.rid(e),
                date=self.need_day(e, "authoredOn", m.authoredOn, period.start if period else None),
                source_ref=e.ref,
                kind=AuthorizationKind(str(kind)),
                valid_until=_day(period.end) if period else None,
            )
        )

    def basic(self, e: _Entry) -> None:
        m = e.model
        if c.LOCAL["other-record"] not in _local_codes(m.code):
            self.skip(e, "Basic resource not in alpha4's tables")
            return
        data = _extension(m, "other-record-data")
        self.t.lists["other_records"].append(
            self.build(
                e,
                OtherRecord,
                id=self.rid(e),
                date=self.need_day(e, "created", m.created),
                source_ref=e.ref,
                type=str(m.code.text or "record"),
                data=json.loads(data) if data else {},
            )
        )
