"""Label sections and papers behind the clinical-safety rules (stops, holds, the chair-side checklist).

Built with the same :func:`~alpha4.knowledge.sources.us_label` / :func:`~alpha4.knowledge.sources.eu_smpc`
helpers as every other label section, so each one names the regulator's own document. Where the
wording was checked on a copy rather than on the regulator's page, ``docs/verified-facts.md`` says so.
"""

from __future__ import annotations

from .base import Evidence, Source
from .sources import eu_smpc, us_label

US_HERPES = us_label(
    "Warnings and Precautions: Herpes infections (encephalitis, meningitis, acute retinal necrosis)"
)
US_HYPERSENSITIVITY_RETREAT = us_label(
    "4 Contraindications; Warnings and Precautions: Hypersensitivity/antibody formation"
)
US_LIVER_INJURY = us_label("Warnings and Precautions: Hepatotoxicity")
US_PLATELETS = us_label("Warnings and Precautions: Thrombocytopenia")
US_MONOTHERAPY = us_label(
    "1 Indications and usage (monotherapy); Warnings and Precautions: Immunosuppression/infections"
)
US_ADMINISTRATION = us_label(
    "2 Dosage and administration (300 mg intravenous infusion every four weeks; observation)"
)
US_MRI_BEFORE_START = us_label("Boxed warning; Warnings and Precautions: PML (MRI before initiating)")

EU_CONTRAINDICATIONS = eu_smpc("4.3 Contraindications")
EU_POSOLOGY = eu_smpc(
    "4.2 Posology and method of administration (intravenous and subcutaneous use; observation)"
)
EU_HYPERSENSITIVITY = eu_smpc("4.4 Special warnings: hypersensitivity reactions")
EU_INFECTIONS = eu_smpc(
    "4.4 Special warnings: herpes infections, acute retinal necrosis, opportunistic infections"
)
EU_LIVER = eu_smpc("4.4 Special warnings: hepatic events")
EU_PLATELETS = eu_smpc("4.4 Special warnings: thrombocytopenia")
EU_MRI_BASELINE = eu_smpc("4.4 Special warnings: PML, MRI monitoring (a recent MRI, usually within 3 months)")
EU_PRIOR_THERAPY = eu_smpc(
    "4.4 Special warnings: treatment with immunosuppressants before natalizumab (blood count)"
)

AITHAL_2011 = Source(
    "aithal-2011",
    "Aithal GP, Watkins PB, Andrade RJ, et al. Case definition and phenotype standardization in "
    "drug-induced liver injury. Clin Pharmacol Ther 2011;89(6):806-815",
    "Biochemical criteria for a case of drug-induced liver injury (ALP >= 2x ULN; ALT >= 5x ULN; "
    "ALT >= 3x ULN with bilirubin > 2x ULN)",
    "https://doi.org/10.1038/clpt.2011.58",
    Evidence.PAPER,
    note="PMID 21544079.",
)
SENTINEL_2006 = Source(
    "sentinel-2006",
    "Rudick RA, Stuart WH, Calabresi PA, et al. Natalizumab plus interferon beta-1a for relapsing "
    "multiple sclerosis (SENTINEL). N Engl J Med 2006;354(9):911-923",
    "Results: efficacy and safety of the combination; two cases of PML on the combination",
    "https://doi.org/10.1056/NEJMoa044396",
    Evidence.PAPER,
)
