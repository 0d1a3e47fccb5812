"""Clinical vocabularies the safety rules read recorded words with.

An adverse event or an infusion reaction arrives as words (a term, a list of manifestations). The
label decides by kind: a hypersensitivity reaction is a permanent stop, a non-allergic infusion
reaction is not; herpes encephalitis is a stop, a dermatomal zoster is a hold. These word lists say
which recorded words mean which kind, each with the label text they come from. Matching is on whole
words after lower-casing and removing punctuation (:func:`mentions`), so "Urticaria (grade 2)" and
"urticaria" match alike. A word that no list knows is *unclassified*: the rules say so and hold for
the prescriber, never read it as the milder kind.
"""

from __future__ import annotations

import re

from .base import Fact, fact
from .label_sections import (
    EU_CONTRAINDICATIONS,
    EU_HYPERSENSITIVITY,
    EU_INFECTIONS,
    US_HERPES,
    US_HYPERSENSITIVITY_RETREAT,
    US_LIVER_INJURY,
    US_PLATELETS,
)
from .sources import ALPHA4_POLICY, US_ADVERSE_REACTIONS, seed_ms

HYPERSENSITIVITY_MANIFESTATIONS = fact(
    "terms.hypersensitivity_manifestations",
    (
        "urticaria",
        "hives",
        "pruritus",
        "itching",
        "itch",
        "rash",
        "wheeze",
        "wheezing",
        "bronchospasm",
        "angioedema",
        "swelling of the lips",
        "swelling of the tongue",
        "swelling of the face",
        "throat tightness",
        "stridor",
        "hypotension",
        "low blood pressure",
        "anaphylaxis",
        "anaphylactic",
        "anaphylactoid",
        "dyspnoea",
        "dyspnea",
        "shortness of breath",
        "trouble breathing",
        "chest pain",
        "chest tightness",
    ),
    US_HYPERSENSITIVITY_RETREAT,
    EU_HYPERSENSITIVITY,
    seed_ms(
        "hypersensitivity reactions (including severe systemic reactions such as anaphylaxis, with an incidence rate of <1%)"
    ),
    description=(
        "Manifestations that make a reaction a hypersensitivity reaction (label: urticaria, rash, pruritus, "
        "hypotension, dyspnoea, chest pain; anaphylaxis; plus wheeze and angioedema): a permanent stop"
    ),
)
INFUSION_REACTION_MANIFESTATIONS = fact(
    "terms.infusion_reaction_manifestations",
    (
        "headache",
        "dizziness",
        "flushing",
        "nausea",
        "fatigue",
        "tiredness",
        "fever",
        "pyrexia",
        "rigors",
        "chills",
        "vomiting",
    ),
    US_ADVERSE_REACTIONS,
    ALPHA4_POLICY,
    description=(
        "Manifestations of a non-allergic infusion reaction (AFFIRM: headache, dizziness, fatigue, rigors within "
        "2 hours) when none of the hypersensitivity manifestations is recorded"
    ),
    note="A reaction with any hypersensitivity manifestation is hypersensitivity, whatever else is recorded.",
)
HERPES_CNS_OR_EYE_TERMS = fact(
    "terms.herpes_cns_or_eye",
    (
        "encephalitis",
        "meningitis",
        "meningoencephalitis",
        "retinal necrosis",
        "arn",
        "retinitis",
        "myelitis",
    ),
    US_HERPES,
    EU_INFECTIONS,
    description=(
        "Herpes simplex or varicella-zoster encephalitis, meningitis or acute retinal necrosis: discontinue; "
        "the history decides (a resolved episode does not release the stop)"
    ),
)
ITP_TERMS = fact(
    "terms.immune_thrombocytopenia",
    (
        "immune thrombocytopenia",
        "immune thrombocytopenic purpura",
        "idiopathic thrombocytopenic purpura",
        "itp",
        "autoimmune thrombocytopenia",
        "drug induced immune thrombocytopenia",
        "ditp",
    ),
    US_PLATELETS,
    description="Immune thrombocytopenia (ITP) diagnosed on natalizumab: discontinue",
)
BLEEDING_TERMS = fact(
    "terms.bleeding_signs",
    (
        "bleeding",
        "haemorrhage",
        "hemorrhage",
        "petechiae",
        "petechia",
        "purpura",
        "bruising",
        "easy bruising",
        "ecchymosis",
        "ecchymoses",
        "epistaxis",
        "nosebleed",
        "gum bleeding",
        "menorrhagia",
        "heavy menstrual bleeding",
    ),
    US_PLATELETS,
    description="Signs of thrombocytopenia (label: easy bruising, abnormal bleeding, petechiae)",
)
JAUNDICE_TERMS = fact(
    "terms.jaundice",
    ("jaundice", "icterus", "icteric", "yellowing of the skin", "yellowing of the eyes"),
    US_LIVER_INJURY,
    description="Jaundice: discontinue (label: 'patients with jaundice or other evidence of significant liver injury')",
)
BASAL_CELL_CARCINOMA_TERMS = fact(
    "terms.basal_cell_carcinoma",
    ("basal cell carcinoma", "basal cell cancer", "basalioma", "bcc", "basal cell epithelioma"),
    EU_CONTRAINDICATIONS,
    description="The one active malignancy the EU contraindication excepts",
)

_WORDS = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, padded so whole-word search is a substring search.

    >>> normalise("Urticaria (grade 2), WHEEZE")
    ' urticaria grade 2 wheeze '
    """
    return " " + _WORDS.sub(" ", text.lower()).strip() + " "


def mentions(text: str, terms: Fact[tuple[str, ...]]) -> tuple[str, ...]:
    """The terms of a vocabulary that ``text`` mentions as whole words.

    >>> mentions("Herpes zoster ophthalmicus with acute retinal necrosis", HERPES_CNS_OR_EYE_TERMS)
    ('retinal necrosis',)
    >>> mentions("shingles, T10 dermatome", HERPES_CNS_OR_EYE_TERMS)
    ()
    """
    words = normalise(text)
    return tuple(t for t in terms.value if normalise(t) in words)
