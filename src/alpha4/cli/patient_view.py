"""``alpha4 patient show`` as a clinician reads a chart: who, then each kind of record as a table.

Labs are named (not LOINC codes) with value, unit, the laboratory's range and a low/high flag;
infusions are a table of date, product, dose, route, observation and reaction. Every row keeps
its record id and version (what ``patient history`` and ``patient correct`` need). Nothing is
cut off: long text wraps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from .common import out

if TYPE_CHECKING:
    from alpha4.domain import Patient
    from alpha4.store.timeline import StoredRecord

_SKIP = {"id", "date", "source_ref"}


def lab_name(loinc: str) -> str:
    """The analyte of a LOINC code alpha4 knows (``751-8`` -> ``Neutrophils``), else the code."""
    from alpha4.knowledge.codes import LAB_CODES

    code = LAB_CODES.value.get(loinc)
    if code is None:
        return f"LOINC {loinc}"
    words = [w.upper() if len(w) <= 3 else w for w in code.analyte.value.split("_")]  # ALT, AST, CRP
    name = " ".join(words)
    return f"{name[:1].upper()}{name[1:]} ({loinc})"


def _number(value: Any) -> str:
    """A value as a person reads it: numbers without trailing zeros, yes/no, words for codes."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:g}"
    return str(value).replace("_", " ")


def lab_flag(value: float, low: float | None, high: float | None) -> str:
    """``low`` / ``high`` against the laboratory's own range; empty when in range or no range."""
    if low is not None and value < low:
        return "[bold yellow]low[/]"
    if high is not None and value > high:
        return "[bold yellow]high[/]"
    return ""


def details(payload: dict[str, Any]) -> str:
    """Every field of a record but the id and date, as ``name: value`` (absent ones left out)."""
    parts = []
    for key, value in payload.items():
        if key in _SKIP or value in (None, "", [], {}):
            continue
        if isinstance(value, dict):
            value = ", ".join(f"{k} {_number(v)}" for k, v in value.items() if v not in (None, ""))
        elif isinstance(value, list):
            value = ", ".join(_number(v) for v in value)
        parts.append(f"{key.replace('_', ' ')}: {_number(value)}")
    return "; ".join(parts)


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def print_patient(patient: Patient, records: Sequence[StoredRecord], today: dt.date) -> None:
    """The clinician's summary of one patient (text output of ``patient show``)."""
    indication = patient.indication
    course = getattr(indication, "ms_course", None)
    out.print(
        f"[bold]{escape(patient.id)}[/]  born {patient.birth_date} ({_age(patient.birth_date, today)} years), "
        f"{patient.sex.value}, {indication.disease.value.replace('_', ' ')}"
        + (f" ({course.value.upper()})" if course is not None else "")
        + (f", site {escape(patient.site)}" if patient.site else ""),
        highlight=False,
    )
    if patient.extended_interval_weeks:
        out.print(f"  prescribed interval: every {patient.extended_interval_weeks:g} weeks", highlight=False)
    by_kind: dict[str, list[StoredRecord]] = defaultdict(list)
    for r in records:
        if r.kind != "patient":
            by_kind[r.kind].append(r)
    if not by_kind:
        out.print("  no records yet")
        return
    for kind in sorted(by_kind, key=lambda k: (k not in ("infusions", "labs"), k)):
        rows = sorted(by_kind[kind], key=lambda r: str(r.payload.get("date") or r.payload.get("start") or ""))
        if kind == "infusions":
            table = Table("date", "product", "dose", "route", "observed", "reaction", "record (version)")
            for r in rows:
                p = r.payload
                table.add_row(
                    str(p.get("date", "")),
                    str(p.get("product", "")),
                    f"{_number(p.get('dose_mg'))} mg",
                    str(p.get("route", "")),
                    f"{p['observation_minutes']} min" if p.get("observation_minutes") is not None else "",
                    escape(details(p["reaction"]) if isinstance(p.get("reaction"), dict) else ""),
                    _ref(r),
                    style="dim" if r.retraction_reason else None,
                )
        elif kind == "labs":
            table = Table("date", "test", "value", "range", "", "record (version)")
            for r in rows:
                p = r.payload
                low, high = p.get("reference_low"), p.get("reference_high")
                shown_range = (
                    f"{_number(low) if low is not None else ''}-{_number(high) if high is not None else ''}"
                    if low is not None or high is not None
                    else ""
                )
                value = p.get("value")
                table.add_row(
                    str(p.get("date", "")),
                    escape(lab_name(str(p.get("loinc", "")))),
                    escape(f"{_number(value)} {p.get('unit', '')}"),
                    escape(shown_range),
                    lab_flag(value, low, high) if isinstance(value, int | float) else "",
                    _ref(r),
                    style="dim" if r.retraction_reason else None,
                )
        else:
            table = Table("date", "details", "record (version)")
            for r in rows:
                p = r.payload
                table.add_row(str(p.get("date") or p.get("start") or ""), escape(details(p)), _ref(r))
        table.title = f"{kind.replace('_', ' ')} ({len(rows)})"
        table.title_justify = "left"
        out.print(table)


def _ref(r: StoredRecord) -> str:
    text = f"{escape(r.record_id)} (v{r.version})"
    if r.retraction_reason:
        text += f" [dim]retracted: {escape(r.retraction_reason)}[/]"
    return text
