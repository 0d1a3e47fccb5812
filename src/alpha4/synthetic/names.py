"""Synthetic names and medical record numbers for the demo cohort (no real person's).

Names are drawn from short lists of common given and family names by a hash of the patient's id,
not from the cohort's random stream: adding identity leaves every clinical record of a seeded
cohort exactly as it was. The MRN is ``SYN`` and seven digits, a form no clinic issues, so a
synthetic patient can never be mistaken for a real one.
"""

from __future__ import annotations

import hashlib

from alpha4.domain import Patient, Sex

FAMILY = (
    "Abbott", "Adeyemi", "Andersen", "Bauer", "Becker", "Bianchi", "Brennan", "Carvalho", "Chen",
    "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Hansen", "Horvath", "Ivanova",
    "Jansen", "Kaur", "Keller", "Kowalski", "Larsen", "Lindqvist", "Lopez", "Meyer", "Moreau",
    "Murphy", "Nakamura", "Novak", "Okafor", "Olsen", "Patel", "Petrov", "Quinn", "Rossi", "Santos",
    "Schmidt", "Silva", "Smith", "Sorensen", "Tanaka", "Thompson", "Vargas", "Weber", "Wilson",
    "Yilmaz", "Young", "Zhang", "Zimmermann",
)  # fmt: skip
GIVEN_FEMALE = (
    "Ada", "Alice", "Amara", "Anna", "Beatriz", "Chloe", "Clara", "Elena", "Emma", "Fatima", "Grace",
    "Hana", "Ines", "Julia", "Lea", "Lina", "Maria", "Maya", "Nora", "Priya", "Sara", "Sofia", "Yuki",
    "Zoe",
)  # fmt: skip
GIVEN_MALE = (
    "Adam", "Ahmed", "Ben", "Carlos", "Daniel", "David", "Elias", "Felix", "Hugo", "Ivan", "Jonas",
    "Kenji", "Leo", "Lucas", "Marco", "Mateo", "Noah", "Omar", "Paul", "Ravi", "Samuel", "Tom",
    "Victor", "Yusuf",
)  # fmt: skip


def _draw(pid: str, salt: str, choices: tuple[str, ...]) -> str:
    digest = hashlib.sha256(f"{salt}:{pid}".encode()).digest()
    return choices[int.from_bytes(digest[:4], "big") % len(choices)]


def synthetic_mrn(pid: str) -> str:
    """``SYN`` and seven digits from the id (the same id always gets the same MRN)."""
    digest = hashlib.sha256(f"mrn:{pid}".encode()).digest()
    return f"SYN{int.from_bytes(digest[:4], 'big') % 10_000_000:07d}"


def with_synthetic_identity(patient: Patient) -> Patient:
    """The patient with a synthetic name and MRN (kept if it already has them)."""
    given = GIVEN_MALE if patient.sex is Sex.MALE else GIVEN_FEMALE
    return patient.model_copy(
        update={
            "family_name": patient.family_name or _draw(patient.id, "family", FAMILY),
            "given_name": patient.given_name or _draw(patient.id, "given", given),
            "mrn": patient.mrn or synthetic_mrn(patient.id),
        }
    )
