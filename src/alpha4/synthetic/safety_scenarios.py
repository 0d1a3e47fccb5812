"""Clinical-safety scenarios for the demo cohort and the examples: one per label stop or hold that
issue 12 made explicit (hypersensitivity of any grade, herpes, ITP, jaundice, an excluded PML, an
active malignancy, a product switch, a Crohn's patient with no score after week 12).

Registered in :data:`alpha4.synthetic.cohort.SCENARIOS` by the last lines of that module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from alpha4.domain import (
    AdverseEvent,
    AdverseEventCategory,
    InfusionReaction,
    Product,
    ReactionKind,
    Serostatus,
)

from .cohort import Builder, _crohns_base


def _event(b: Builder, days_ago: int, category: AdverseEventCategory, term: str, **kw: object) -> None:
    b.add(
        "adverse_events",
        AdverseEvent(
            id=b.rid("ae"),
            date=b.as_of - dt.timedelta(days=days_ago),
            category=category,
            term=term,
            **kw,
        ),
    )


def ms_hypersensitivity_mild(b: Builder) -> None:
    """A grade 1 urticarial reaction: hypersensitivity of any grade is a permanent stop."""
    b.demographics()
    b.on_treatment(b.rng.randint(3, 12))
    last = b.data["infusions"][-1]
    b.data["infusions"][-1] = last.model_copy(
        update={
            "reaction": InfusionReaction(
                kind=ReactionKind.INFUSION_REACTION,
                grade=1,
                onset_minutes=40,
                manifestations=("urticaria", "pruritus"),
            )
        }
    )


def ms_herpes_encephalitis(b: Builder) -> None:
    """HSV encephalitis, treated and resolved: natalizumab is not resumed."""
    b.demographics()
    b.on_treatment(b.rng.randint(12, 40))
    _event(
        b,
        70,
        AdverseEventCategory.HERPES_INFECTION,
        "herpes simplex encephalitis",
        serious=True,
        resolved_on=b.as_of - dt.timedelta(days=30),
    )


def ms_herpes_zoster(b: Builder) -> None:
    """Uncomplicated dermatomal zoster: treat, hold while active."""
    b.demographics()
    b.on_treatment(b.rng.randint(6, 40))
    _event(b, 5, AdverseEventCategory.HERPES_INFECTION, "herpes zoster, T10 dermatome")


def ms_immune_thrombocytopenia(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(6, 30))
    b.labs(b.as_of - dt.timedelta(days=3), plt=21.0)
    _event(b, 3, AdverseEventCategory.THROMBOCYTOPENIA, "immune thrombocytopenic purpura", serious=True)
    _event(b, 4, AdverseEventCategory.OTHER, "petechiae and gum bleeding")


def ms_jaundice(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(2, 10))
    _event(b, 4, AdverseEventCategory.LIVER_INJURY, "jaundice", serious=False)


def ms_pml_excluded(b: Builder) -> None:
    """Suspected PML, excluded by MRI and CSF: the hold is released."""
    b.demographics()
    b.on_treatment(b.rng.randint(30, 60), jcv=Serostatus.POSITIVE, index=0.8)
    _event(
        b,
        40,
        AdverseEventCategory.PML,
        "suspected PML, CSF JCV DNA negative",
        confirmed=False,
        resolved_on=b.as_of - dt.timedelta(days=10),
    )


def ms_active_malignancy(b: Builder) -> None:
    b.demographics()
    b.on_treatment(b.rng.randint(12, 40))
    _event(b, 20, AdverseEventCategory.MALIGNANCY, "breast carcinoma, on treatment", serious=True)


def ms_product_switch(b: Builder) -> None:
    """Switched to the biosimilar for the last three infusions: exposure counts across both."""
    b.demographics()
    b.on_treatment(b.rng.randint(12, 20))
    infusions = b.data["infusions"]
    for i in range(len(infusions) - 3, len(infusions)):
        infusions[i] = infusions[i].model_copy(update={"product": Product.TYRUKO})


def crohns_week12_unscored(b: Builder) -> None:
    """Week 12 has passed and no CDAI or HBI was recorded after it: benefit unknown holds."""
    _crohns_base(b, 4)


SAFETY_SCENARIOS: dict[str, tuple[Callable[[Builder], None], float]] = {
    "ms_hypersensitivity_mild": (ms_hypersensitivity_mild, 0.5),
    "ms_herpes_encephalitis": (ms_herpes_encephalitis, 0.2),
    "ms_herpes_zoster": (ms_herpes_zoster, 0.5),
    "ms_immune_thrombocytopenia": (ms_immune_thrombocytopenia, 0.2),
    "ms_jaundice": (ms_jaundice, 0.2),
    "ms_pml_excluded": (ms_pml_excluded, 0.3),
    "ms_active_malignancy": (ms_active_malignancy, 0.3),
    "ms_product_switch": (ms_product_switch, 1),
    "crohns_week12_unscored": (crohns_week12_unscored, 0.5),
}
