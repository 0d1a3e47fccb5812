"""Unit strings laboratories send that are not UCUM, each with its UCUM meaning.

FHIR asks for UCUM in ``Quantity.code``, but EHRs pass on what the analyser or
the LIS printed: ``K/uL``, ``x10E3/uL``, ``10^3/uL``, ``IU/L``, ``g/dl``, ``mg/dl``,
``µmol/L``. Read literally by a UCUM parser some of these mean something else
(``K`` is kelvin), so they are translated first, by this table, and only then
converted by the UCUM library (:mod:`alpha4.domain.units`). A string neither in
this table nor valid UCUM makes that one observation uninterpretable.

Keys are compared after folding case and removing blanks; each meaning is the
UCUM expression laboratories use for the same quantity.
"""

from __future__ import annotations

from .base import Evidence, Source, fact

UCUM_SPEC = Source(
    "ucum-spec",
    "The Unified Code for Units of Measure, Regenstrief Institute: §4 prefixes (k, m, u), §22 "
    "'10*' and '10^' powers of ten, §24 special units ([IU], U, kat)",
    url="https://ucum.org/ucum",
    evidence=Evidence.STANDARD,
)
LAB_PRINTED_UNITS = Source(
    "lab-printed-units",
    "Units as US and EU laboratory reports print them (K/uL, x10E3/uL, 10^9/L, IU/L, mcg/mL)",
    section="reference-laboratory test catalogues (e.g. LabCorp, Quest, ARUP report formats)",
    evidence=Evidence.TO_CHECK,
    note="Each string names the same quantity as its UCUM meaning; check a site's own LIS units.",
)

# printed unit (folded: lower case, no blanks) -> UCUM code
LAB_UNITS = fact(
    "codes.units.lab_printed",
    {
        # thousands per microlitre (cell counts)
        "k/ul": "10*3/uL",
        "k/μl": "10*3/uL",
        "k/µl": "10*3/uL",
        "k/mm3": "10*3/uL",
        "x10e3/ul": "10*3/uL",
        "x10^3/ul": "10*3/uL",
        "10^3/ul": "10*3/uL",
        "10e3/ul": "10*3/uL",
        "10*3/µl": "10*3/uL",
        "10^3/µl": "10*3/uL",
        "thou/ul": "10*3/uL",
        "thou/cumm": "10*3/uL",
        "10*3/ul": "10*3/uL",
        "/ul": "/uL",
        "/µl": "/uL",
        "/cumm": "/uL",
        "cells/ul": "/uL",
        "cells/µl": "/uL",
        # per litre powers of ten
        "x10e9/l": "10*9/L",
        "x10^9/l": "10*9/L",
        "10^9/l": "10*9/L",
        "10e9/l": "10*9/L",
        "10*9/l": "10*9/L",
        "g/l": "g/L",
        "giga/l": "10*9/L",
        # mass concentrations
        "g/dl": "g/dL",
        "mg/dl": "mg/dL",
        "mg/l": "mg/L",
        "ug/ml": "ug/mL",
        "µg/ml": "ug/mL",
        "mcg/ml": "ug/mL",
        "ng/ml": "ng/mL",
        "ug/l": "ug/L",
        "mcg/l": "ug/L",
        # substance concentrations
        "µmol/l": "umol/L",
        "umol/l": "umol/L",
        "mmol/l": "mmol/L",
        # catalytic activity
        "iu/l": "[IU]/L",
        "u/l": "U/L",
        "units/l": "U/L",
        "ukat/l": "ukat/L",
        "µkat/l": "ukat/L",
        # fractions
        "%": "%",
        "percent": "%",
        "l/l": "L/L",
        "fraction": "1",
        # body weight
        "kg": "kg",
        "kgs": "kg",
        "lb": "[lb_av]",
        "lbs": "[lb_av]",
        "g": "g",
    },
    LAB_PRINTED_UNITS,
    UCUM_SPEC,
    description="Non-UCUM unit strings laboratories send, each mapped to its UCUM meaning",
)
