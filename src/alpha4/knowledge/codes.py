"""Terminology alpha4 reads: LOINC laboratory codes, UCUM unit conversions, medicine classes.

Codes from reference-laboratory catalogues and public LOINC mappings
(``../shared/knowledge/clinical-facts.md`` §5); conversions from UCUM and the
analytes' molar masses.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .base import fact
from .sources import LOINC, UCUM


class Analyte(StrEnum):
    LYMPHOCYTES = "lymphocytes"
    NEUTROPHILS = "neutrophils"
    MONOCYTES = "monocytes"
    EOSINOPHILS = "eosinophils"
    BASOPHILS = "basophils"
    NUCLEATED_RED_CELLS = "nucleated_red_cells"
    NUCLEATED_RED_CELLS_PER_100_WBC = "nucleated_red_cells_per_100_wbc"
    LEUKOCYTES = "leukocytes"
    PLATELETS = "platelets"
    HEMOGLOBIN = "hemoglobin"
    HEMATOCRIT = "hematocrit"
    ALT = "alt"
    AST = "ast"
    BILIRUBIN_TOTAL = "bilirubin_total"
    ALKALINE_PHOSPHATASE = "alkaline_phosphatase"
    LYMPHOCYTES_PERCENT = "lymphocytes_percent"
    NEUTROPHILS_PERCENT = "neutrophils_percent"
    MONOCYTES_PERCENT = "monocytes_percent"
    EOSINOPHILS_PERCENT = "eosinophils_percent"
    BASOPHILS_PERCENT = "basophils_percent"


class Panel(StrEnum):
    CBC = "complete_blood_count"
    LFT = "liver_function_tests"


@dataclass(frozen=True, slots=True)
class LabCode:
    loinc: str
    analyte: Analyte
    display: str
    unit: str  # the canonical UCUM unit rules compare in
    panel: Panel


_COUNT = "10*3/uL"
LAB_CODES = fact(
    "codes.loinc.labs",
    {
        c.loinc: c
        for c in (
            LabCode(
                "731-0",
                Analyte.LYMPHOCYTES,
                "Lymphocytes [#/volume] in Blood by Automated count",
                _COUNT,
                Panel.CBC,
            ),
            LabCode("26474-7", Analyte.LYMPHOCYTES, "Lymphocytes [#/volume] in Blood", _COUNT, Panel.CBC),
            LabCode(
                "751-8",
                Analyte.NEUTROPHILS,
                "Neutrophils [#/volume] in Blood by Automated count",
                _COUNT,
                Panel.CBC,
            ),
            LabCode(
                "742-7",
                Analyte.MONOCYTES,
                "Monocytes [#/volume] in Blood by Automated count",
                _COUNT,
                Panel.CBC,
            ),
            LabCode(
                "711-2",
                Analyte.EOSINOPHILS,
                "Eosinophils [#/volume] in Blood by Automated count",
                _COUNT,
                Panel.CBC,
            ),
            LabCode(
                "704-7",
                Analyte.BASOPHILS,
                "Basophils [#/volume] in Blood by Automated count",
                _COUNT,
                Panel.CBC,
            ),
            LabCode(
                "771-6",
                Analyte.NUCLEATED_RED_CELLS,
                "Nucleated erythrocytes [#/volume] in Blood by Automated count",
                _COUNT,
                Panel.CBC,
            ),
            LabCode(
                "58413-6",
                Analyte.NUCLEATED_RED_CELLS_PER_100_WBC,
                "Nucleated erythrocytes/100 leukocytes in Blood by Automated count",
                "/100{WBCs}",
                Panel.CBC,
            ),
            LabCode(
                "6690-2",
                Analyte.LEUKOCYTES,
                "Leukocytes [#/volume] in Blood by Automated count",
                _COUNT,
                Panel.CBC,
            ),
            LabCode(
                "777-3",
                Analyte.PLATELETS,
                "Platelets [#/volume] in Blood by Automated count",
                _COUNT,
                Panel.CBC,
            ),
            LabCode("718-7", Analyte.HEMOGLOBIN, "Hemoglobin [Mass/volume] in Blood", "g/dL", Panel.CBC),
            LabCode(
                "4544-3",
                Analyte.HEMATOCRIT,
                "Hematocrit [Volume Fraction] of Blood by Automated count",
                "%",
                Panel.CBC,
            ),
            LabCode(
                "736-9",
                Analyte.LYMPHOCYTES_PERCENT,
                "Lymphocytes/100 leukocytes in Blood by Automated count",
                "%",
                Panel.CBC,
            ),
            LabCode(
                "770-8",
                Analyte.NEUTROPHILS_PERCENT,
                "Neutrophils/100 leukocytes in Blood by Automated count",
                "%",
                Panel.CBC,
            ),
            LabCode(
                "5905-5",
                Analyte.MONOCYTES_PERCENT,
                "Monocytes/100 leukocytes in Blood by Automated count",
                "%",
                Panel.CBC,
            ),
            LabCode(
                "713-8",
                Analyte.EOSINOPHILS_PERCENT,
                "Eosinophils/100 leukocytes in Blood by Automated count",
                "%",
                Panel.CBC,
            ),
            LabCode(
                "706-2",
                Analyte.BASOPHILS_PERCENT,
                "Basophils/100 leukocytes in Blood by Automated count",
                "%",
                Panel.CBC,
            ),
            LabCode(
                "1742-6",
                Analyte.ALT,
                "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
                "U/L",
                Panel.LFT,
            ),
            LabCode(
                "1743-4",
                Analyte.ALT,
                "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma by With P-5'-P",
                "U/L",
                Panel.LFT,
            ),
            LabCode(
                "1920-8",
                Analyte.AST,
                "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
                "U/L",
                Panel.LFT,
            ),
            LabCode(
                "1975-2",
                Analyte.BILIRUBIN_TOTAL,
                "Bilirubin.total [Mass/volume] in Serum or Plasma",
                "mg/dL",
                Panel.LFT,
            ),
            LabCode(
                "6768-6",
                Analyte.ALKALINE_PHOSPHATASE,
                "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma",
                "U/L",
                Panel.LFT,
            ),
        )
    },
    LOINC,
    description="LOINC codes alpha4 interprets, with the canonical UCUM unit of each",
)

# Conversions UCUM arithmetic cannot make, because they need knowledge of the analyte: factor to
# multiply a value in the key's unit by to get the canonical unit. Every other conversion (10*9/L,
# /uL, g/L, ukat/L, L/L ...) is UCUM arithmetic, done by the UCUM library (alpha4.domain.units).
UNIT_CONVERSIONS = fact(
    "codes.ucum.conversions",
    {
        "g/dL": {"mmol/L": 1.611},  # haemoglobin monomer 16.1145 g/mmol
        "U/L": {"[IU]/L": 1.0},  # enzyme activity: laboratories report IU/L and U/L as the same unit
        "mg/dL": {"umol/L": 1 / 17.1},  # bilirubin 584.66 g/mol: 1 mg/dL = 17.1 umol/L
        "/100{WBCs}": {"%": 1.0},  # per 100 leukocytes = percent of leukocytes
    },
    UCUM,
    description="Analyte-specific unit conversions (molar masses, conventions), factor to the canonical unit",
)

JCV_ANTIBODY_LOINC = fact(
    "codes.loinc.jcv_antibody", "70173-0", LOINC, description="JC virus Ab (STRATIFY JCV)"
)
JCV_INDEX_LOINC = fact("codes.loinc.jcv_index", "100977-8", LOINC, description="JC virus Ab index")
NATALIZUMAB_ANTIBODY_LOINC = fact(
    "codes.loinc.natalizumab_antibody", "58012-6", LOINC, description="Natalizumab Ab"
)
