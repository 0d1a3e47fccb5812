"""The nurse's pre-infusion screening answers (TOUCH Pre-infusion Patient Checklist topics).

Each answer is ``True`` (yes), ``False`` (no) or absent (not asked yet). An
unanswered question is never read as "no".
"""

from __future__ import annotations

from pydantic import Field

from .base import Day, Flag, Record


class Clearance(Record):
    """A prescriber's recorded decision to go ahead despite a hold (or an overridable stop)."""

    code: str = Field(min_length=1, description="The finding code being cleared")
    reason: str = Field(min_length=3)
    prescriber: str = Field(min_length=1)


class PreInfusionChecklist(Record):
    date: Day | None = Field(default=None, description="Day of the visit; defaults to as_of")
    authorization_verified: Flag | None = Field(
        default=None, description="Patient's current authorization verified (REMS step 1)"
    )
    new_or_worsening_neurological_symptoms: Flag | None = Field(
        default=None,
        description="New or worsening medical problems (thinking, eyesight, balance, strength) lasting several days",
    )
    immunocompromising_condition_or_medicine: Flag | None = Field(
        default=None,
        description="HIV/AIDS, leukaemia/lymphoma, organ transplant, or immunosuppressive medicines in the past month",
    )
    serious_active_infection: Flag | None = None
    steroids_past_month: Flag | None = Field(
        default=None, description="Oral or IV steroids in the past month (Crohn's checklist)"
    )
    pregnant_or_planning: Flag | None = None
    breastfeeding: Flag | None = None
    previous_infusion_reaction: Flag | None = None
    medication_guide_given: Flag | None = None
    clearances: tuple[Clearance, ...] = ()

    def answered(self) -> dict[str, bool]:
        return {k: v for k, v in self.model_dump().items() if isinstance(v, bool)}

    def unanswered(self) -> tuple[str, ...]:
        return tuple(q for q in QUESTIONS if getattr(self, q) is None)


QUESTIONS: tuple[str, ...] = (
    "authorization_verified",
    "new_or_worsening_neurological_symptoms",
    "immunocompromising_condition_or_medicine",
    "serious_active_infection",
    "steroids_past_month",
    "pregnant_or_planning",
    "breastfeeding",
)


def checklist_json_schema() -> dict[str, object]:
    """The JSON Schema (draft 2020-12) of the checklist answers file (`alpha4 assess --checklist`)."""
    from .patient import SCHEMA_VERSION

    schema: dict[str, object] = PreInfusionChecklist.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://alpha4.example/schema/checklist/{SCHEMA_VERSION}"
    schema["description"] = (
        "The nurse's pre-infusion screening answers: true (yes), false (no); "
        "a question left out is not asked yet, never 'no'."
    )
    return schema


EXAMPLE_ANSWERS: dict[str, object] = {
    "date": "2025-06-01",
    "authorization_verified": True,
    "new_or_worsening_neurological_symptoms": False,
    "immunocompromising_condition_or_medicine": False,
    "serious_active_infection": False,
    "steroids_past_month": False,
    "pregnant_or_planning": False,
    "breastfeeding": False,
    "previous_infusion_reaction": False,
    "medication_guide_given": True,
    "clearances": [],
}
"""A complete set of answers with nothing to hold for (``alpha4 schema checklist --example``)."""
