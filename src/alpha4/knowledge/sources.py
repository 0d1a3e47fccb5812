"""The documents alpha4's clinical knowledge comes from, cited canonically.

Every source names the document itself: a paper by authors, journal, year, volume:pages and
DOI or PMID; a regulator's document by issuer, title, revision and section, at the
regulator's own address (DailyMed for the US label, the EMA for the EU SmPC, REMS@FDA for
TOUCH). Where a fact was read on a copy (a mirror, a monograph, a laboratory catalogue),
``docs/verified-facts.md`` says so; the citation here stays canonical.
``tests/knowledge/test_citations.py`` holds every source to that rule.
"""

from __future__ import annotations

from .base import Evidence, Source, is_canonical_url, url_host

DAILYMED = "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=c5fdde91-1989-4dd2-9129-4f3323ea2962"
EMA_PRODUCT_INFORMATION = (
    "https://www.ema.europa.eu/en/documents/product-information/tysabri-epar-product-information_en.pdf"
)
REMS_TOUCH = "https://www.accessdata.fda.gov/scripts/cder/rems/index.cfm?event=IndvRemsDetails.page&REMS=63"

US_LABEL = Source(
    "us-label",
    "TYSABRI (natalizumab) US Prescribing Information, Biogen Inc. (FDA-approved labeling on DailyMed), "
    "revised 10/2023; Warnings and Precautions 5.8 revised 3/2025",
    url=DAILYMED,
)
EU_SMPC = Source(
    "eu-smpc",
    "TYSABRI (natalizumab) EU Summary of Product Characteristics, EMA EPAR product information Annex I "
    "(Biogen Netherlands B.V., EU/1/06/346)",
    url=EMA_PRODUCT_INFORMATION,
)


def _canonical(url: str, default: str, what: str) -> str:
    """``url`` if it is a canonical address, else a clear error (a label is never cited by a copy)."""
    if not url:
        return default
    if not is_canonical_url(url):
        raise ValueError(
            f"{what} must be cited at the regulator's own address, not {url_host(url) or url}; "
            "record where it was read in docs/verified-facts.md"
        )
    return url


def us_label(section: str, url: str = DAILYMED, *, key: str = "") -> Source:
    """The US prescribing information at one section (by number only where the number is confirmed).

    ``key`` keeps an existing source id stable when its section text is corrected.

    >>> us_label("8.1 Pregnancy").describe().endswith("revised 3/2025, 8.1 Pregnancy")
    True
    """
    return Source(
        f"us-label:{key or section}",
        US_LABEL.citation,
        section,
        _canonical(url, DAILYMED, "the US label"),
        Evidence.LABEL,
    )


def eu_smpc(section: str, url: str = EMA_PRODUCT_INFORMATION, *, key: str = "") -> Source:
    """The EU Summary of Product Characteristics at one section (EMA product information or the eMC)."""
    return Source(
        f"eu-smpc:{key or section}",
        EU_SMPC.citation,
        section,
        _canonical(url, EMA_PRODUCT_INFORMATION, "the EU SmPC"),
        Evidence.LABEL,
    )


US_BOXED_WARNING = us_label(
    "Boxed Warning; 5.1 Progressive Multifocal Leukoencephalopathy",
    key="Boxed warning; 5.1 Progressive multifocal leukoencephalopathy",
)
US_INDICATIONS = us_label("1 Indications and Usage", key="1 Indications and usage")
US_DOSING = us_label("2 Dosage and Administration", key="2 Dosage and administration")
US_OBSERVATION = us_label(
    "Dosage and Administration: Administration (observation after the infusion)",
    key="2.3 Administration (10/2023)",
)
US_CROHNS_DOSING = us_label("Dosage and Administration: Crohn's Disease", key="2.2 Crohn's disease")
US_CONTRAINDICATIONS = us_label("4 Contraindications")
US_HYPERSENSITIVITY = us_label(
    "Warnings and Precautions: Hypersensitivity/Antibody Formation",
    key="5.3 Hypersensitivity/antibody formation",
)
US_IMMUNOSUPPRESSION = us_label(
    "Warnings and Precautions: Immunosuppression/Infections", key="5.4 Immunosuppression/infections"
)
US_HEPATOTOXICITY = us_label("Warnings and Precautions: Hepatotoxicity", key="5.5 Hepatotoxicity")
US_THROMBOCYTOPENIA = us_label("Warnings and Precautions: Thrombocytopenia", key="5.7 Thrombocytopenia")
US_LAB_EFFECTS = us_label(
    "Warnings and Precautions: Laboratory Test Abnormalities; 12.2 Pharmacodynamics",
    key="5.8 Laboratory test abnormalities; 12.2",
)
US_ADVERSE_REACTIONS = us_label(
    "6 Adverse Reactions: Clinical Trials Experience (AFFIRM)", key="6.1 Clinical trials experience (AFFIRM)"
)
US_IMMUNOGENICITY = us_label("6 Adverse Reactions: Immunogenicity", key="6.2 Immunogenicity")
US_PREGNANCY = us_label("8.1 Pregnancy")
US_LACTATION = us_label("8.2 Lactation")
US_PEDIATRIC = us_label("8.4 Pediatric Use", key="8.4 Pediatric use")
US_GERIATRIC = us_label("8.5 Geriatric Use", key="8.5 Geriatric use")
US_PK = us_label("12.3 Pharmacokinetics")
US_REMS = Source(
    "us-rems-touch",
    "TYSABRI REMS (TOUCH Prescribing Program), FDA REMS@FDA entry REMS=63, REMS last modified 09/01/2023",
    "Prescriber and infusion-site requirements",
    REMS_TOUCH,
    Evidence.REGULATOR,
)
US_REMS_CHECKLIST = Source(
    "us-rems-checklist",
    "TOUCH Prescribing Program Pre-infusion Patient Checklist, TYSABRI REMS materials "
    "(FDA REMS@FDA entry REMS=63; checklist version 6/1/2013)",
    "Step 1 authorization; patient screening questions",
    REMS_TOUCH,
    Evidence.REGULATOR,
    note="Topics verified; the exact question wording is not reproduced.",
)
FDA_DSC_2012 = Source(
    "fda-dsc-2012",
    "US Food and Drug Administration. FDA Drug Safety Communication: New risk factor for progressive "
    "multifocal leukoencephalopathy (PML) associated with Tysabri (natalizumab), 20 January 2012",
    url="https://www.fda.gov/drugs/drug-safety-and-availability/fda-drug-safety-communication-new-risk-factor-progressive-multifocal-leukoencephalopathy-pml",
    evidence=Evidence.REGULATOR,
)

EU_SMPC_PML = eu_smpc(
    "4.4 Special warnings and precautions for use: progressive multifocal leukoencephalopathy",
    key="4.4 Special warnings: PML",
)
EU_SMPC_INDICATIONS = eu_smpc("4.1 Therapeutic indications")
EU_SMPC_PREGNANCY = eu_smpc("4.6 Fertility, pregnancy and lactation")
EU_SMPC_INFECTIONS = eu_smpc(
    "4.4 Special warnings and precautions for use: other opportunistic infections",
    key="4.4 Special warnings: other opportunistic infections",
)
EMA_PRAC_2016 = Source(
    "ema-prac-2016",
    "European Medicines Agency. Tysabri: Article 20 referral, review of the risk of PML completed 25 February 2016 "
    '("EMA confirms recommendations to minimise risk of brain infection PML with Tysabri")',
    "Overview",
    "https://www.ema.europa.eu/en/medicines/human/referrals/tysabri",
    Evidence.REGULATOR,
)
SWISSMEDIC_2016 = Source(
    "swissmedic-dhpc-2016",
    "Swissmedic. DHPC – TYSABRI (Natalizumab): Risiko von PML, Aktualisierung der Massnahmen, 20.09.2016 "
    "(Biogen Switzerland AG in agreement with Swissmedic)",
    url="https://www.swissmedic.ch/swissmedic/de/home/humanarzneimittel/marktueberwachung/"
    "health-professional-communication--hpc-/archiv/dhpc-tysabri-natalizumab-2016.html",
    evidence=Evidence.REGULATOR,
)
SWISS_PK = Source(
    "swiss-fachinfo-pk",
    "Tysabri 300 mg Fachinformation (Swissmedic authorisation no. 57273, Biogen Switzerland AG), "
    "published on Swissmedic's AIPS platform swissmedicinfo.ch",
    "Pharmakokinetik (population PK of 12 studies)",
    "https://www.swissmedicinfo.ch/",
    Evidence.LABEL,
)

BERGER_FOX_2016 = Source(
    "berger-fox-2016",
    "Berger JR, Fox RJ. J Neurovirol 2016;22:533-535: PML risk estimates for natalizumab "
    "(with Plavina T et al. Ann Neurol 2014;76:802-812, doi:10.1002/ana.24286)",
    "PML risk estimates by JCV status, index, prior immunosuppressant use and exposure",
    evidence=Evidence.TO_CHECK,
    note=(
        "The table was read as reproduced in a clinical-reference graphic (see docs/verified-facts.md); "
        "the DOI/PMID of Berger & Fox 2016 could not be confirmed."
    ),
)
HO_2017 = Source(
    "ho-2017",
    "Ho PR et al. Risk of natalizumab-associated progressive multifocal leukoencephalopathy in patients with "
    "multiple sclerosis: a retrospective analysis of data from four clinical studies. "
    "Lancet Neurol 2017;16(11):925-933 (STRATIFY-2, STRATA, TOP, TYGRIS)",
    "PML risk by anti-JCV index band and exposure (as in EU SmPC 4.4)",
    evidence=Evidence.TO_CHECK,
    note=(
        "Cell values are a transcription not found in a retrieved source; check them against the "
        "current EU SmPC section 4.4 and Ho et al. 2017 before clinical use."
    ),
    doi="10.1016/S1474-4422(17)30282-X",
    pmid="28969984",
)
CALABRESI_2007 = Source(
    "calabresi-2007",
    "Calabresi PA et al. The incidence and significance of anti-natalizumab antibodies: results from AFFIRM "
    "and SENTINEL. Neurology 2007;69:1391-1403",
    "Methods and results (antibody positive at >= 0.5 ug/mL; persistent at >= 2 times >= 6 weeks apart)",
    evidence=Evidence.TO_CHECK,
    note="Abstract read on the authors' institutional repository; DOI/PMID not confirmed (docs/verified-facts.md).",
)
STRATA_REEXPOSURE = Source(
    "strata-2014",
    "O'Connor P et al. Long-term safety and effectiveness of natalizumab redosing and treatment in the STRATA MS "
    "Study. Neurology 2014;83(1):78-86",
    "Results: re-exposure after 1-2 prior doses",
    evidence=Evidence.PAPER,
    doi="10.1212/WNL.0000000000000541",
    pmid="24898925",
)
RYERSON_2019 = Source(
    "ryerson-2019",
    "Ryerson LZ et al. Risk of natalizumab-associated PML in patients with MS is reduced with extended interval "
    "dosing. Neurology 2019;93(15):e1452-e1462 (TOUCH Prescribing Program analysis)",
    "Methods: SID average interval >= 3 to <= 5 weeks, EID > 5 to <= 12 weeks over the last 18 months; "
    "primary-analysis hazard ratio",
    "https://n.neurology.org/content/93/15/e1452",
    Evidence.PAPER,
    note="Cited by the publisher's article page; the DOI could not be confirmed in a stored copy.",
)
STRATIFY_ASSAY = Source(
    "stratify-assay",
    "Lee P et al. A second-generation ELISA (STRATIFY JCV DxSelect) for detection of JC virus antibodies in human "
    "serum and plasma to support progressive multifocal leukoencephalopathy risk stratification. "
    "J Clin Virol 2013",
    "Assay cut-points: index < 0.20 negative, > 0.40 positive, 0.20-0.40 reflex inhibition assay",
    evidence=Evidence.PAPER,
    doi="10.1016/j.jcv.2013.02.002",
    note="Cut-points as reported by the reference laboratory (Quest test 91665); see docs/verified-facts.md.",
)
VARLEY_2025 = Source(
    "varley-2025",
    "Varley et al. Mult Scler 2025: STRATIFY vs ImmunoWELL anti-JCV antibody results after a switch to Tyruko",
    evidence=Evidence.PAPER,
    pmid="40515643",
)
HAGHIKIA_2014 = Source(
    "haghikia-2014",
    "Haghikia A et al. Natalizumab use during the third trimester of pregnancy. JAMA Neurol 2014;71(7):891-895",
    "Observations: haematological alterations in 10 of 13 exposed newborns",
    evidence=Evidence.PAPER,
    doi="10.1001/jamaneurol.2014.209",
    pmid="24821217",
)
AGA_2021 = Source(
    "aga-2021",
    "Feuerstein JD et al. AGA Clinical Practice Guidelines on the medical management of moderate to severe "
    "luminal and perianal fistulizing Crohn's disease. Gastroenterology 2021",
    "recommendations 1B, 1D, 2B, 2C",
    evidence=Evidence.TO_CHECK,
    note="Read on a guideline-distribution site; DOI/PMID not confirmed (docs/verified-facts.md).",
)
LIVER_HYS_LAW = Source(
    "fda-dili-2009",
    "US Food and Drug Administration. Guidance for Industry: Drug-Induced Liver Injury: Premarketing Clinical "
    "Evaluation, July 2009",
    "Hy's law: ALT or AST > 3x ULN with total bilirubin > 2x ULN",
    "https://www.fda.gov/media/116737/download",
    Evidence.REGULATOR,
)

SEED_FILE_MS = "000_55df99c57c93e613.txt"
SEED_FILE_CD = "004_839cc72a0fbe01b1.txt"


def seed_ms(statement: str) -> Source:
    """The user's MS source document, cited by file name and the statement a fact rests on.

    The statement is quoted verbatim (tests/knowledge/test_citations.py checks it against the file).
    """
    return Source(
        "seed-000",
        f'User source document {SEED_FILE_MS} (natalizumab in relapsing MS): "{statement}"',
        evidence=Evidence.SEED,
    )


def seed_cd(statement: str) -> Source:
    """The user's Crohn's disease source document, cited by file name and the quoted statement."""
    return Source(
        "seed-004",
        f"User source document {SEED_FILE_CD} (natalizumab in Crohn's disease after anti-TNF failure): "
        f'"{statement}"',
        evidence=Evidence.SEED,
    )


SEED_MS = seed_ms(
    "Natalizumab is indicated for the treatment of patients with relapsing multiple sclerosis to reduce the "
    "frequency of clinical deterioration."
)
SEED_CD = seed_cd(
    "However, a significant number of patients, approximately 30-40%, do not respond to initial anti-TNF therapy "
    "(primary non-responders), and up to 50% may lose response over time (secondary non-responders)."
)
ALPHA4_POLICY = Source(
    "alpha4-policy",
    "alpha4 clinical-safety policy (a site may change it; see docs/decisions.md)",
    evidence=Evidence.POLICY,
)

CTCAE_V5 = Source(
    "ctcae-5",
    "US National Cancer Institute. Common Terminology Criteria for Adverse Events (CTCAE) v5.0, 27 November 2017",
    "Investigations: neutrophil count decreased; platelet count decreased",
    "https://ctep.cancer.gov/protocoldevelopment/electronic_applications/docs/CTCAE_v5_Quick_Reference_8.5x11.pdf",
    Evidence.STANDARD,
)
UCUM = Source(
    "ucum",
    "The Unified Code for Units of Measure (UCUM), Regenstrief Institute",
    url="https://ucum.org/ucum",
    evidence=Evidence.STANDARD,
)
LOINC = Source(
    "loinc",
    "LOINC (Logical Observation Identifiers Names and Codes), Regenstrief Institute",
    url="https://loinc.org",
    evidence=Evidence.STANDARD,
    note="Codes and display names checked against public LOINC-based tables (docs/verified-facts.md item 7).",
)

EU_PACKAGE_LEAFLET = Source(
    "eu-package-leaflet",
    "TYSABRI (natalizumab) Package leaflet: information for the patient, EPAR product information Annex IIIB "
    "(EU/1/06/346), European Medicines Agency",
    "2. What you need to know before you are given TYSABRI; 3. If you stop using TYSABRI",
    EMA_PRODUCT_INFORMATION,
    Evidence.LABEL,
    note="The 3-month re-exposure gap was confirmed on an ePI encoding of this leaflet (docs/verified-facts.md item 1).",
)
