"""The editable code tables of alpha4's FHIR mapping: systems, conditions, medicines, observations.

Every entry names its status: ``verified`` codes were confirmed in a public
source (``docs/verified-facts.md``, ``shared/knowledge/interop-sources.md``);
``unverified`` codes are common usage, kept here so that a site can correct them
in one place. A code that is not in these tables is never guessed: the resource
is reported as unmapped.

Concepts without a standard code (REMS steps, MS course qualifiers, alpha4's own
record kinds) use alpha4's local code system :data:`ALPHA4`, so an exported
bundle re-imports to the same timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alpha4.domain import (
    AdverseEventCategory,
    AntiTnfFailure,
    AuthorizationKind,
    CrohnsIndexKind,
    MedicineClass,
    MriKind,
    MSCourse,
    Product,
    ReactionKind,
    Route,
)
from alpha4.knowledge.brands import BRAND_INGREDIENT

# --- code systems (FHIR R4 4.0.1, "Using Codes" / terminology pages) --------------------------
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NDC = "http://hl7.org/fhir/sid/ndc"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074"
ADVERSE_EVENT_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
DETECTED_ISSUE_CATEGORY = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

# alpha4's own systems (not standard terminology; documented in docs/interop.md)
BASE = "https://alpha4.example/fhir"
ALPHA4 = f"{BASE}/CodeSystem/alpha4"
FINDING_CODES = f"{BASE}/CodeSystem/finding"
PATIENT_ID = f"{BASE}/patient-id"
RECORD_ID = f"{BASE}/record-id"
EXT = f"{BASE}/StructureDefinition/"

KNOWN_SYSTEMS = frozenset(
    {
        SNOMED,
        ICD10CM,
        ICD10,
        LOINC,
        RXNORM,
        NDC,
        ALPHA4,
        UCUM,
        OBSERVATION_CATEGORY,
        INTERPRETATION,
    }
)


class Status(StrEnum):
    VERIFIED = "verified"
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True)
class Code:
    system: str
    code: str
    display: str
    status: Status
    source: str = ""


# --- conditions ------------------------------------------------------------------------------
_SRC_SCT = "interop-sources.md §2; docs/verified-facts.md item 13"

MS_SNOMED = Code(SNOMED, "24700007", "Multiple sclerosis", Status.VERIFIED, _SRC_SCT)
CROHNS_SNOMED = Code(SNOMED, "34000006", "Crohn's disease", Status.VERIFIED, _SRC_SCT)
PML_SNOMED = Code(
    SNOMED,
    "22255007",
    "Progressive multifocal leukoencephalopathy",
    Status.VERIFIED,
    "docs/verified-facts.md item 16",
)
PML_ICD10 = "A81.2"
MS_ICD10_PREFIX = "G35"  # G35 until 2025-09-30, then G35.A / G35.B0-B2 / G35.C0-C2 / G35.D
CROHNS_ICD10_PREFIX = "K50"

MS_COURSE_SNOMED: dict[str, MSCourse] = {
    "426373005": MSCourse.RELAPSING_REMITTING,  # verified (verified-facts item 13)
    "425500002": MSCourse.ACTIVE_SECONDARY_PROGRESSIVE,  # SPMS; activity from the alpha4 qualifier
    "428700003": MSCourse.PRIMARY_PROGRESSIVE,  # verified
}
MS_COURSE_ICD10: dict[str, MSCourse] = {
    "G35.A": MSCourse.RELAPSING_REMITTING,
    "G35.B0": MSCourse.PRIMARY_PROGRESSIVE,
    "G35.B1": MSCourse.PRIMARY_PROGRESSIVE,
    "G35.B2": MSCourse.PRIMARY_PROGRESSIVE,
    "G35.C0": MSCourse.ACTIVE_SECONDARY_PROGRESSIVE,
    "G35.C1": MSCourse.ACTIVE_SECONDARY_PROGRESSIVE,
    "G35.C2": MSCourse.ACTIVE_SECONDARY_PROGRESSIVE,
}
COURSE_SNOMED: dict[MSCourse, str] = {
    MSCourse.RELAPSING_REMITTING: "426373005",
    MSCourse.ACTIVE_SECONDARY_PROGRESSIVE: "425500002",
    MSCourse.NON_ACTIVE_SECONDARY_PROGRESSIVE: "425500002",
    MSCourse.PRIMARY_PROGRESSIVE: "428700003",
}

PREGNANT_SNOMED = Code(SNOMED, "77386006", "Pregnant", Status.VERIFIED, "docs/verified-facts.md item 7")
NOT_PREGNANT_SNOMED = Code(
    SNOMED, "60001007", "Not pregnant", Status.VERIFIED, "docs/verified-facts.md item 7"
)
ANAPHYLAXIS_SNOMED = Code(SNOMED, "39579001", "Anaphylaxis", Status.VERIFIED, _SRC_SCT)
POSITIVE_SNOMED = "10828004"  # Positive (qualifier value), unverified: matched, never written
NEGATIVE_SNOMED = "260385009"  # Negative (qualifier value), unverified: matched, never written

# --- observations (LOINC; see knowledge.codes for the laboratory table) -----------------------
JCV_ANTIBODY = "70173-0"
JCV_INDEX = "100977-8"
NATALIZUMAB_ANTIBODY = "58012-6"
BODY_WEIGHT = "29463-7"
PREGNANCY_STATUS = "82810-3"
HCG_URINE = "2106-3"
JCV_DNA_PCR = "42921-7"
EDSS_SNOMED = Code(
    SNOMED,
    "273554001",
    "Kurtzke multiple sclerosis rating scale",
    Status.VERIFIED,
    "docs/verified-facts.md item 16",
)

# --- medicines (RxNorm ingredients, docs/verified-facts.md item 4) ----------------------------
NATALIZUMAB_RXCUI = "354770"
TYSABRI_NDC = "64406-320-01"


def ndc_digits(code: str) -> str:
    """An NDC as its digits in the 11-digit 5-4-2 form (10-digit 5-3-2 codes padded), for matching.

    >>> ndc_digits("64406-320-01"), ndc_digits("64406032001"), ndc_digits("64406-0320-01")
    ('64406032001', '64406032001', '64406032001')
    """
    parts = code.strip().split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return parts[0].zfill(5) + parts[1].zfill(4) + parts[2].zfill(2)
    return "".join(ch for ch in code if ch.isdigit())


TYSABRI_NDC_FORMS = frozenset({ndc_digits(TYSABRI_NDC)})
NATALIZUMAB_NAMES: dict[str, Product] = {
    "natalizumab": Product.TYSABRI,
    "tysabri": Product.TYSABRI,
    "tyruko": Product.TYRUKO,
    "natalizumab-sztn": Product.TYRUKO,
}


@dataclass(frozen=True, slots=True)
class Ingredient:
    rxcui: str
    name: str
    medicine_class: MedicineClass


INGREDIENTS: tuple[Ingredient, ...] = (
    Ingredient("1256", "azathioprine", MedicineClass.IMMUNOSUPPRESSANT),
    Ingredient("6851", "methotrexate", MedicineClass.IMMUNOSUPPRESSANT),
    Ingredient("103", "mercaptopurine", MedicineClass.IMMUNOSUPPRESSANT),
    Ingredient("3008", "cyclosporine", MedicineClass.IMMUNOSUPPRESSANT),
    Ingredient("68149", "mycophenolate mofetil", MedicineClass.IMMUNOSUPPRESSANT),
    Ingredient("7145", "mycophenolic acid", MedicineClass.IMMUNOSUPPRESSANT),
    Ingredient("42316", "tacrolimus", MedicineClass.IMMUNOSUPPRESSANT),
    Ingredient("3002", "cyclophosphamide", MedicineClass.ANTINEOPLASTIC),
    Ingredient("7005", "mitoxantrone", MedicineClass.ANTINEOPLASTIC),
    Ingredient("121191", "rituximab", MedicineClass.ANTINEOPLASTIC),
    Ingredient("1876366", "ocrelizumab", MedicineClass.ANTINEOPLASTIC),
    Ingredient("117055", "alemtuzumab", MedicineClass.ANTINEOPLASTIC),
    Ingredient("44157", "cladribine", MedicineClass.ANTINEOPLASTIC),
    Ingredient("191831", "infliximab", MedicineClass.TNF_INHIBITOR),
    Ingredient("327361", "adalimumab", MedicineClass.TNF_INHIBITOR),
    Ingredient("75917", "interferon beta-1a", MedicineClass.INTERFERON_BETA),
    Ingredient("72257", "interferon beta-1b", MedicineClass.INTERFERON_BETA),
    Ingredient("1546168", "peginterferon beta-1a", MedicineClass.INTERFERON_BETA),
    Ingredient("8640", "prednisone", MedicineClass.CORTICOSTEROID),
    Ingredient("6902", "methylprednisolone", MedicineClass.CORTICOSTEROID),
    Ingredient("52582", "mesalamine", MedicineClass.AMINOSALICYLATE),
    Ingredient("1012892", "fingolimod", MedicineClass.IMMUNOMODULATOR),
    Ingredient("84375", "glatiramer acetate", MedicineClass.IMMUNOMODULATOR),
    Ingredient("214582", "glatiramer acetate", MedicineClass.IMMUNOMODULATOR),
    Ingredient("1373478", "dimethyl fumarate", MedicineClass.IMMUNOMODULATOR),
    Ingredient("1310520", "teriflunomide", MedicineClass.IMMUNOMODULATOR),
    Ingredient("712566", "ofatumumab", MedicineClass.IMMUNOMODULATOR),
)
BY_RXCUI: dict[str, Ingredient] = {i.rxcui: i for i in INGREDIENTS}
BY_NAME: dict[str, Ingredient] = {i.name: i for i in INGREDIENTS}
# Unverified RxCUIs (certolizumab pegol, golimumab) are matched by name only.
NAME_ONLY: dict[str, MedicineClass] = {
    "certolizumab pegol": MedicineClass.TNF_INHIBITOR,
    "golimumab": MedicineClass.TNF_INHIBITOR,
    "mesalazine": MedicineClass.AMINOSALICYLATE,
    "immune globulin": MedicineClass.IVIG,
    "immunoglobulin": MedicineClass.IVIG,
    "ivig": MedicineClass.IVIG,
    "plasma exchange": MedicineClass.PLASMA_EXCHANGE,
    "plasmapheresis": MedicineClass.PLASMA_EXCHANGE,
}


_SYMBOLS = str.maketrans({ch: " " for ch in "®™©()[],;:/+*\"'!?"})


def words(text: str) -> str:
    """Text folded for name matching: lower case, symbols and punctuation as blanks, padded.

    >>> words("TYSABRI® 300 mg/15 mL")
    ' tysabri 300 mg 15 ml '
    """
    return " " + " ".join(text.lower().translate(_SYMBOLS).split()) + " "


def _names_in(text: str) -> list[str]:
    """Ingredient names the text holds (directly, or through a brand name), longest first."""
    folded = words(text)
    found: list[str] = []
    for brand, ingredient in BRAND_INGREDIENT.value.items():
        if f" {brand} " in folded:
            found.append(ingredient)
    for name in (*BY_NAME, *NAME_ONLY, *NATALIZUMAB_NAMES):
        if f" {name} " in folded:
            found.append(name)
    return sorted(dict.fromkeys(found), key=len, reverse=True)


def medicine_class_by_name(name: str) -> MedicineClass | None:
    """Class of a medicine from a name or product string: its ingredient, or a brand of it.

    Case- and symbol-insensitive; the ingredient or brand may stand anywhere in the text.

    >>> medicine_class_by_name("Azathioprine 50 MG Oral Tablet").value
    'immunosuppressant'
    >>> medicine_class_by_name("Humira 40 MG/0.4ML Pen").value, medicine_class_by_name("24 HR tacrolimus").value
    ('tnf_inhibitor', 'immunosuppressant')
    >>> medicine_class_by_name("paracetamol") is None
    True
    """
    for known in _names_in(name):
        if known in BY_NAME:
            return BY_NAME[known].medicine_class
        if known in NAME_ONLY:
            return NAME_ONLY[known]
    return None


def natalizumab_product(text: str) -> Product | None:
    """Product named by a medicine text (Tysabri, Tyruko, natalizumab-sztn, natalizumab).

    >>> natalizumab_product("TYSABRI 300 MG/15ML Injection").value, natalizumab_product("Tyruko").value
    ('tysabri', 'tyruko')
    >>> natalizumab_product("TYSABRI® 300 mg/15 mL").value, natalizumab_product("natalizumab-sztn 20 MG/ML").value
    ('tysabri', 'tyruko')
    """
    folded = words(text)
    if " natalizumab-sztn " in folded or " tyruko " in folded:
        return Product.TYRUKO
    if " tysabri " in folded or " natalizumab " in folded:
        return Product.TYSABRI
    return None


# --- alpha4 local codes -----------------------------------------------------------------------
ROUTE_SNOMED: dict[Route, str] = {}  # route SNOMED codes not verified: written as alpha4 codes only

LOCAL = {
    "indication": "natalizumab-indication",
    "ms-course": "ms-course",
    "adverse-event": "adverse-event",
    "relapse": "ms-relapse",
    "edss": "edss",
    "crohns-score": "crohns-score",
    "drug-level": "natalizumab-concentration",
    "lactation": "breastfeeding",
    "pregnancy-ended": "pregnancy-ended",
    "gestational-age": "gestational-age",
    "prior-is": "prior-immunosuppressant-reported",
    "highly-active-despite-dmt": "highly-active-despite-dmt",
    "rapidly-evolving-severe": "rapidly-evolving-severe",
    "crohns-moderate-severe": "crohns-moderately-to-severely-active",
    "crohns-inflammation": "crohns-evidence-of-inflammation",
    "crohns-conventional-inadequate": "crohns-conventional-therapy-inadequate",
    "anti-tnf-course": "anti-tnf-course",
    "mri": "mri-brain",
    "new-t2": "mri-new-t2-lesions",
    "enlarging-t2": "mri-enlarging-t2-lesions",
    "gd-enhancing": "mri-gadolinium-enhancing-lesions",
    "pml-suspected": "mri-pml-suspected",
    "authorization": "rems",
    "other-record": "other-record",
    "plasma-exchange": "plasma-exchange",
    "medicine-class": "medicine-class",
    "reaction": "infusion-reaction",
    "hypersensitivity": "hypersensitivity",
    "serostatus": "jcv-serostatus",
}

LOCAL_CODES: frozenset[str] = frozenset(
    [
        *LOCAL.values(),
        *(f"ms-course-{c.value}" for c in MSCourse),
        *(f"adverse-event-{c.value}" for c in AdverseEventCategory),
        *(f"rems-{k.value}" for k in AuthorizationKind),
        *(f"crohns-score-{k.value}" for k in CrohnsIndexKind),
        *(f"mri-{k.value}" for k in MriKind),
        *(f"medicine-class-{c.value}" for c in MedicineClass),
        *(f"route-{r.value}" for r in Route),
        *(f"reaction-{r.value}" for r in ReactionKind),
        *(f"anti-tnf-{o.value}" for o in AntiTnfFailure),
        *(f"product-{p.value}" for p in Product),
        "jcv-assay-stratify_jcv_dxselect",
        "jcv-assay-immunowell",
        "jcv-assay-other",
        "mri-contrast",
    ]
)

# What alpha4 orders when something is due (ServiceRequest / CDS suggestions): a standard, orderable
# code an EHR understands first, alpha4's own code beside it (so a re-imported order is recognised).
_LOINC_SEEN = "LOINC code as used in public FHIR order and report examples (loinc.org/<code>)"


@dataclass(frozen=True, slots=True)
class Orderable:
    code: Code  # the standard code (LOINC), sent first
    local: str  # alpha4's own code for the same order

    @property
    def display(self) -> str:
        return self.code.display


ORDERS: dict[str, Orderable] = {
    "jcv": Orderable(
        Code(LOINC, JCV_ANTIBODY, "JC virus Ab [Presence] in Serum (STRATIFY JCV)", Status.VERIFIED),
        "jcv-antibody",
    ),
    "antibody": Orderable(
        Code(LOINC, NATALIZUMAB_ANTIBODY, "Natalizumab Ab [Presence] in Serum", Status.VERIFIED),
        "natalizumab-antibody",
    ),
    "mri": Orderable(Code(LOINC, "24590-2", "MR Brain", Status.UNVERIFIED, _LOINC_SEEN), LOCAL["mri"]),
    "cbc": Orderable(
        Code(LOINC, "57021-8", "CBC W Auto Differential panel - Blood", Status.UNVERIFIED, _LOINC_SEEN),
        "cbc",
    ),
    "lft": Orderable(
        Code(LOINC, "24325-3", "Hepatic function 2000 panel - Serum or Plasma", Status.UNVERIFIED, _LOINC_SEEN),
        "lft",
    ),
}
ORDERABLE: dict[str, Code] = {key: o.code for key, o in ORDERS.items()}


def order_concept(key: str) -> dict[str, object]:
    """The ServiceRequest.code of an order: the standard code first, alpha4's own code beside it.

    >>> [cd["system"].rsplit("/", 1)[-1] for cd in order_concept("cbc")["coding"]]
    ['loinc.org', 'alpha4']
    """
    order = ORDERS[key]
    return {
        "coding": [
            {"system": order.code.system, "code": order.code.code, "display": order.code.display},
            {"system": ALPHA4, "code": order.local, "display": order.code.display},
        ],
        "text": order.code.display,
    }
