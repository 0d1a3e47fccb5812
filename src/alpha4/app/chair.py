"""The chair-side infusion record as nurses document it, and its validation in a nurse's words.

One form: the product and its lot number and expiry, the start and end times, the dose, the route
(only those the profile's label allows: intravenous in the US, subcutaneous too where the EU
SmPC allows it), vital signs before and after, the observation period (prefilled from the
profile's rule), any reaction with its manifestations and grade, and the nurse's signature (the
signed-in user re-entering the password). A problem is shown next to its field in words a nurse
acts on ("Enter the pulse as a number of beats a minute, e.g. 72"), and every answer is kept as
typed: nothing a nurse entered is lost because one field was wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from alpha4.domain import Infusion, InfusionReaction, Product, ReactionKind, Route
from alpha4.knowledge import Profile, label

TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
MANIFESTATIONS = (
    "urticaria",
    "itching",
    "flushing",
    "rash",
    "wheeze",
    "shortness of breath",
    "throat tightness",
    "low blood pressure",
    "dizziness",
    "headache",
    "nausea",
    "chills",
    "fever",
    "chest pain",
)
"""What nurses tick when a reaction happens; tells a hypersensitivity from an infusion reaction."""
ROUTE_TITLES = {"intravenous": "Intravenous infusion (IV)", "subcutaneous": "Subcutaneous injection (SC)"}
PRODUCT_TITLES = {
    Product.TYSABRI.value: "Tysabri (natalizumab)",
    Product.TYRUKO.value: "Tyruko (natalizumab-sztn)",
}
REACTION_TITLES = {
    "": "No reaction",
    ReactionKind.INFUSION_REACTION.value: "Infusion reaction",
    ReactionKind.HYPERSENSITIVITY.value: "Hypersensitivity (allergic) reaction",
    ReactionKind.ANAPHYLAXIS.value: "Anaphylaxis",
}


@dataclass(frozen=True, slots=True)
class Vital:
    name: str
    label: str
    low: float
    high: float
    example: str
    unit_words: str
    integer: bool = True


VITALS = (
    Vital("bp_systolic", "Blood pressure, systolic (mmHg)", 50, 260, "120", "mmHg"),
    Vital("bp_diastolic", "Blood pressure, diastolic (mmHg)", 25, 160, "80", "mmHg"),
    Vital("pulse", "Pulse (beats/min)", 25, 220, "72", "beats a minute"),
    Vital("temperature", "Temperature (°C)", 33, 43, "36.8", "degrees Celsius", integer=False),
    Vital("respiratory_rate", "Breaths/min", 5, 60, "16", "breaths a minute"),
    Vital("spo2", "Oxygen saturation (%)", 50, 100, "98", "per cent"),
)
REQUIRED_VITALS = ("bp_systolic", "bp_diastolic", "pulse")


@dataclass(frozen=True, slots=True)
class ChairForm:
    """What the form offers under the profile (the routes the label allows) and its prefills."""

    routes: tuple[tuple[str, str], ...]
    products: tuple[tuple[str, str], ...]
    defaults: dict[str, str]
    observation_help: str
    manifestations: tuple[str, ...] = MANIFESTATIONS
    vitals: tuple[Vital, ...] = VITALS
    reactions: tuple[tuple[str, str], ...] = tuple(REACTION_TITLES.items())


def chair_form(profile: Profile, infusion_number: int, observation_advice: str) -> ChairForm:
    routes = tuple((r, ROUTE_TITLES.get(r, r)) for r in profile.routes.value)
    minutes = label.OBSERVATION_MINUTES.value
    observed = profile.observe_every_infusion.value or infusion_number <= label.OBSERVED_INFUSIONS.value
    help_text = observation_advice or (
        f"Observe for {minutes} minutes after the infusion"
        + ("." if observed else " at clinical judgment (after 12 infusions without hypersensitivity).")
    )
    return ChairForm(
        routes=routes,
        products=tuple(PRODUCT_TITLES.items()),
        defaults={
            "product": Product.TYSABRI.value,
            "dose_mg": f"{label.DOSE_MG.value:g}",
            "route": routes[0][0],
            "observation_minutes": str(minutes) if observed else "",
        },
        observation_help=help_text,
    )


@dataclass
class ChairEntry:
    """The checked form: the infusion for the timeline, the chart for the chair-side table, or
    ``errors`` by field (empty when the form may be saved)."""

    errors: dict[str, str] = field(default_factory=dict)
    infusion: Infusion | None = None
    chart: dict[str, Any] = field(default_factory=dict)


def _time(raw: str) -> dt.time | None:
    m = TIME.match(raw.strip())
    return dt.time(int(m.group(1)), int(m.group(2))) if m else None


def _number(raw: str) -> float | None:
    text = raw.strip().replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def check_chair_form(data: Mapping[str, Any], form: ChairForm, *, record_id: str, day: dt.date) -> ChairEntry:
    """Every field checked at once, each problem in a nurse's words beside its field."""
    e: dict[str, str] = {}
    text = {k: str(v).strip() for k, v in data.items() if isinstance(v, str)}
    product = text.get("product", "")
    if product not in dict(form.products):
        e["product"] = "Choose the product given."
    lot = text.get("lot", "")
    if not lot:
        e["lot"] = "Enter the lot number printed on the vial or syringe."
    elif len(lot) > 40:
        e["lot"] = "The lot number is at most 40 characters: check what was typed."
    expiry: dt.date | None = None
    try:
        expiry = dt.date.fromisoformat(text.get("expiry", ""))
    except ValueError:
        e["expiry"] = "Enter the expiry date printed on the vial, e.g. 2027-06-30."
    if expiry is not None and expiry < day:
        e["expiry"] = f"This product expired on {expiry.isoformat()}: do not give it; use another vial."
    start, end = _time(text.get("start_time", "")), _time(text.get("end_time", ""))
    if start is None:
        e["start_time"] = "Enter the time the infusion started, e.g. 09:30."
    if end is None:
        e["end_time"] = "Enter the time the infusion ended, e.g. 10:15."
    if start is not None and end is not None and end <= start:
        e["end_time"] = "The end time is before the start time: check both."
    dose = _number(text.get("dose_mg", ""))
    if dose is None or not 0 < dose <= 1000:
        e["dose_mg"] = f"Enter the dose given in mg as a number, e.g. {label.DOSE_MG.value:g}."
    route = text.get("route", "")
    if route not in dict(form.routes):
        allowed = " or ".join(t for _, t in form.routes)
        e["route"] = f"Under this label natalizumab is given as: {allowed}."
    vitals: dict[str, dict[str, float]] = {"before": {}, "after": {}}
    for when in ("before", "after"):
        for v in form.vitals:
            key = f"{when}.{v.name}"
            raw = text.get(key, "")
            if not raw:
                if when == "before" and v.name in REQUIRED_VITALS:
                    e[key] = (
                        f"Enter the {v.label.split(' (')[0].lower()} before the infusion, e.g. {v.example}."
                    )
                continue
            value = _number(raw)
            if value is None or (v.integer and value != int(value)):
                e[key] = (
                    f"Enter the {v.label.split(' (')[0].lower()} as a number of {v.unit_words}, e.g. {v.example}."
                )
            elif not v.low <= value <= v.high:
                e[key] = (
                    f"{raw} {v.unit_words} is outside what can be measured ({v.low:g}–{v.high:g}): "
                    "check the reading and type it again."
                )
            else:
                vitals[when][v.name] = value
    observation: int | None = None
    raw_obs = text.get("observation_minutes", "")
    if raw_obs:
        obs = _number(raw_obs)
        if obs is None or obs != int(obs) or not 0 <= obs <= 24 * 60:
            e["observation_minutes"] = "Enter the observation after the infusion in whole minutes, e.g. 60."
        else:
            observation = int(obs)
    reaction = _reaction(text, data, e)
    if not text.get("password"):
        e["password"] = "Sign the record: enter your password."
    if e or start is None or end is None or expiry is None or dose is None:
        return ChairEntry(errors=e)
    infusion = Infusion(
        id=record_id,
        date=day,
        dose_mg=dose,
        product=Product(product),
        route=Route(route),
        observation_minutes=observation,
        reaction=reaction,
    )
    chart = {
        "product": product,
        "lot": lot,
        "expiry": expiry.isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "dose_mg": dose,
        "route": route,
        "vitals_before": vitals["before"],
        "vitals_after": vitals["after"],
        "observation_minutes": observation,
        "reaction": reaction.model_dump(mode="json") if reaction else None,
    }
    return ChairEntry(infusion=infusion, chart=chart)


def _reaction(text: Mapping[str, str], data: Mapping[str, Any], e: dict[str, str]) -> InfusionReaction | None:
    kind = text.get("reaction.kind", "")
    ticked = [m for m in MANIFESTATIONS if text.get(f"manifestation.{m}") == "yes"]
    other = [m.strip() for m in text.get("reaction.other", "").split(",") if m.strip()]
    if not kind:
        if ticked or other or text.get("reaction.grade"):
            e["reaction.kind"] = "Say what kind of reaction it was (or untick the signs)."
        return None
    if kind not in REACTION_TITLES:
        e["reaction.kind"] = "Choose the kind of reaction."
        return None
    grade = _number(text.get("reaction.grade", ""))
    if grade is None or grade != int(grade) or not 1 <= grade <= 5:
        e["reaction.grade"] = "Choose the reaction's grade, 1 (mild) to 5."
    onset: int | None = None
    if text.get("reaction.onset_minutes"):
        value = _number(text["reaction.onset_minutes"])
        if value is None or value != int(value) or not 0 <= value <= 24 * 60:
            e["reaction.onset_minutes"] = "Enter the minutes from the start of the infusion, e.g. 20."
        else:
            onset = int(value)
    if not (ticked or other):
        e["reaction.manifestations"] = "Tick what was seen (or write it under 'other signs')."
    if any(k.startswith("reaction.") for k in e):
        return None
    return InfusionReaction(
        kind=ReactionKind(kind),
        grade=int(grade or 1),
        onset_minutes=onset,
        description=text.get("reaction.description", "")[:2000],
        manifestations=tuple(m[:200] for m in ticked + other),
    )
