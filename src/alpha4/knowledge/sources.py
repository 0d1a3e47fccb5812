"""The documents alpha4's clinical knowledge comes from.

URLs are the public copies the facts were read from (see ``../shared/knowledge``);
labels change, so each source names the revision it was read at.
"""

from __future__ import annotations

from .base import Evidence, Source

DAILYMED = (
    "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?"
    "setid=c5fdde91-1989-4dd2-9129-4f3323ea2962&audience=professional"
)

US_LABEL = Source(
    "us-label",
    "TYSABRI (natalizumab) US Prescribing Information, revised 10/2023 (5.8 3/2025)",
    url=DAILYMED,
)


def us_label(section: str, url: str = DAILYMED) -> Source:
    """The US prescribing information at one section."""
    return Source(f"us-label:{section}", US_LABEL.citation, section, url, Evidence.LABEL)


def eu_smpc(section: str, url: str = "https://medicines.org.uk/emc/product/12443/smpc/print") -> Source:
    """The EU Summary of Product Characteristics at one section."""
    return Source(
        f"eu-smpc:{section}",
        "TYSABRI 300 mg concentrate, EU Summary of Product Characteristics",
        section,
        url,
        Evidence.LABEL,
    )


US_BOXED_WARNING = us_label("Boxed warning; 5.1 Progressive multifocal leukoencephalopathy")
US_INDICATIONS = us_label("1 Indications and usage")
US_DOSING = us_label("2 Dosage and administration", "https://www.drugs.com/dosage/tysabri.html")
US_OBSERVATION = us_label(
    "2.3 Administration (10/2023)", "https://www.tysabrihcp.com/en_us/home/therapy/dosing.html"
)
US_CROHNS_DOSING = us_label("2.2 Crohn's disease", "https://www.drugs.com/dosage/tysabri.html")
US_CONTRAINDICATIONS = us_label("4 Contraindications", "https://scholarsinmedicine.com/resources/drugs/283")
US_HYPERSENSITIVITY = us_label(
    "5.3 Hypersensitivity/antibody formation",
    "https://www.tysabrihcp.com/en_us/home/safety/more-safety-info.html",
)
US_IMMUNOSUPPRESSION = us_label("5.4 Immunosuppression/infections", DAILYMED)
US_HEPATOTOXICITY = us_label(
    "5.5 Hepatotoxicity", "http://genericspatent.blogspot.com/2008/02/fda-medwatch-tysabri-natalizumab.html"
)
US_THROMBOCYTOPENIA = us_label("5.7 Thrombocytopenia", DAILYMED)
US_LAB_EFFECTS = us_label(
    "5.8 Laboratory test abnormalities; 12.2",
    "https://www.tysabrihcp.com/en_us/home/pharmacokinetics/pharmacokinetics-residual-effects.html",
)
US_ADVERSE_REACTIONS = us_label(
    "6.1 Clinical trials experience (AFFIRM)",
    "https://www.tysabrihcp.com/en_us/home/efficacy-safety/adverse-reactions.html",
)
US_IMMUNOGENICITY = us_label("6.2 Immunogenicity", "https://medlibrary.org/lib/rx/meds/tysabri-3/page/4/")
US_PREGNANCY = us_label("8.1 Pregnancy", "https://www.drugs.com/pregnancy/natalizumab.html")
US_LACTATION = us_label("8.2 Lactation", "https://www.drugs.com/pregnancy/natalizumab.html")
US_PEDIATRIC = us_label(
    "8.4 Pediatric use", "https://reference.medscape.com/drug/tysabri-tyruko-natalizumab-343085"
)
US_GERIATRIC = us_label("8.5 Geriatric use", DAILYMED)
US_PK = us_label("12.3 Pharmacokinetics", "https://www.tysabrihcp.com/en_us/home/pharmacokinetics.html")
US_REMS = Source(
    "us-rems-touch",
    "TOUCH Prescribing Program (TYSABRI REMS), FDA REMS@FDA entry REMS=63, 09/01/2023",
    "Prescriber and infusion-site requirements",
    "https://www.accessdata.fda.gov/scripts/cder/rems/index.cfm?event=IndvRemsDetails.page&REMS=63",
    Evidence.REGULATOR,
)
US_REMS_CHECKLIST = Source(
    "us-rems-checklist",
    "TOUCH Pre-infusion Patient Checklist (version 6/1/2013)",
    "Step 1 authorization; patient screening questions",
    "https://info.5y1.org/new-infusion-for-crohn-s-disease_1_fd9162.html",
    Evidence.REGULATOR,
    note="Topics verified; the exact question wording is not reproduced.",
)
FDA_DSC_2012 = Source(
    "fda-dsc-2012",
    "FDA Drug Safety Communication, 20 Jan 2012: new risk factor for PML with Tysabri",
    url="https://www.fda.gov/drugs/drug-safety-and-availability/fda-drug-safety-communication-new-risk-factor-progressive-multifocal-leukoencephalopathy-pml",
    evidence=Evidence.REGULATOR,
)

EU_SMPC_PML = eu_smpc("4.4 Special warnings: PML", "https://sit.mimsdev.com/singapore/drug/info/tysabri")
EU_SMPC_INDICATIONS = eu_smpc(
    "4.1 Therapeutic indications", "https://docslib.org/doc/12634509/tysabri-inn-natalizumab"
)
EU_SMPC_PREGNANCY = eu_smpc(
    "4.6 Fertility, pregnancy and lactation",
    "https://uat.mimsdev.com/thailand/drug/info/tysabri/use-in-pregnancy-lactation",
)
EU_SMPC_INFECTIONS = eu_smpc(
    "4.4 Special warnings: other opportunistic infections",
    "https://sit.mimsdev.com/singapore/drug/info/tysabri",
)
EMA_PRAC_2016 = Source(
    "ema-prac-2016",
    "EMA/PRAC 2016: updated recommendations to minimise the risk of PML with Tysabri",
    url="https://viglya.com/ema-confirms-recommendations-to-minimise-risk-of-brain-infection-pml-with-tysabri/",
    evidence=Evidence.REGULATOR,
)
SWISSMEDIC_2016 = Source(
    "swissmedic-dhpc-2016",
    "Swissmedic DHPC 22.09.2016: Tysabri, PML risk and the anti-JCV antibody index",
    url="https://compendium.ch/news/10312",
    evidence=Evidence.REGULATOR,
)
SWISS_PK = Source(
    "swiss-fachinfo-pk",
    "Tysabri Swiss Fachinformation, Pharmacokinetics (population PK of 12 studies)",
    url="https://ch.oddb.org:443/en/gcc/fachinfo/reg/57273/chapter/kinetic",
    evidence=Evidence.LABEL,
)

BERGER_FOX_2016 = Source(
    "berger-fox-2016",
    "Berger JR, Fox RJ. J Neurovirol 2016;22:533-5 (with Kuesters 2015, Plavina 2014), "
    "as reproduced in UpToDate graphic 55637 v8.0",
    "PML risk estimates by JCV status, index, prior immunosuppressant use and exposure",
    "https://pro.uptodatefree.ir/Show/55637",
    Evidence.PAPER,
)
HO_2017 = Source(
    "ho-2017",
    "Ho PR et al. Lancet Neurol 2017 (STRATIFY-2, STRATA, TOP, TYGRIS; 37,249 patients)",
    "PML risk by anti-JCV index band and exposure (as in EU SmPC 4.4)",
    "https://www.researcher-app.com/paper/79178",
    Evidence.TO_CHECK,
    note=(
        "Cell values are a transcription not found in a retrieved source; check them against the "
        "current EU SmPC section 4.4 and Ho et al. 2017 before clinical use."
    ),
)
CALABRESI_2007 = Source(
    "calabresi-2007",
    "Calabresi PA et al. Neurology 2007;69:1391-403: incidence and significance of anti-natalizumab antibodies",
    url="https://pure.johnshopkins.edu/en/publications/the-incidence-and-significance-of-anti-natalizumab-antibodies-res-5",
    evidence=Evidence.PAPER,
)
STRATA_REEXPOSURE = Source(
    "strata-2014",
    "STRATA re-exposure data, Neurology 2014;83:78",
    url="https://n.neurology.org/content/83/1/78",
    evidence=Evidence.PAPER,
)
RYERSON_2019 = Source(
    "ryerson-2019",
    "Ryerson LZ et al. Neurology 2019;93:e1452 (TOUCH extended-interval dosing analysis)",
    url="https://ez-admanager.com/content/neurology/93/15/655.full-text.pdf",
    evidence=Evidence.PAPER,
)
STRATIFY_ASSAY = Source(
    "stratify-assay",
    "STRATIFY JCV DxSelect (Quest 91665) reference-laboratory interpretation",
    url="https://uchicagomedlabs.testcatalog.org/show/LABRFJCABS-1",
    evidence=Evidence.STANDARD,
)
VARLEY_2025 = Source(
    "varley-2025",
    "Varley et al. Mult Scler 2025 (PMID 40515643): STRATIFY vs ImmunoWELL after switch to Tyruko",
    url="http://47.251.13.51:8081/40515643",
    evidence=Evidence.PAPER,
)
HAGHIKIA_2014 = Source(
    "haghikia-2014",
    "Haghikia A et al. JAMA Neurol 2014;71:891: third-trimester exposure and neonatal haematology",
    url="http://www.pubmed.gov/24821217/",
    evidence=Evidence.PAPER,
)
AGA_2021 = Source(
    "aga-2021",
    "AGA clinical practice guideline on moderate-to-severe Crohn's disease (Feuerstein et al. 2021)",
    "recommendations 1B, 1D, 2B, 2C",
    "https://eguideline.guidelinecentral.com/i/1512411/3",
    Evidence.GUIDELINE,
)
LIVER_HYS_LAW = Source(
    "fda-dili-2009",
    "FDA Guidance for Industry: Drug-Induced Liver Injury, Premarketing Clinical Evaluation (July 2009)",
    "Hy's law: ALT or AST > 3x ULN with total bilirubin > 2x ULN",
    "https://www.fda.gov/media/116737/download",
    Evidence.REGULATOR,
)

SEED_MS = Source(
    "seed-000",
    "User source document 000_55df99c57c93e613.txt (natalizumab in relapsing MS)",
    url="../shared/seeds/000_55df99c57c93e613.txt",
    evidence=Evidence.SEED,
)
SEED_CD = Source(
    "seed-004",
    "User source document 004_839cc72a0fbe01b1.txt (natalizumab in Crohn's disease after anti-TNF failure)",
    url="../shared/seeds/004_839cc72a0fbe01b1.txt",
    evidence=Evidence.SEED,
)
ALPHA4_POLICY = Source(
    "alpha4-policy",
    "alpha4 clinical-safety policy (a site may change it; see docs/decisions.md)",
    evidence=Evidence.POLICY,
)

CTCAE_V5 = Source(
    "ctcae-5",
    "NCI Common Terminology Criteria for Adverse Events (CTCAE) v5.0, 2017",
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
    "LOINC, Regenstrief Institute (codes as listed by reference-laboratory catalogues)",
    url="https://loinc.org",
    evidence=Evidence.STANDARD,
)

EU_PACKAGE_LEAFLET = Source(
    "eu-package-leaflet",
    "TYSABRI EU package leaflet (ePI, as encoded in joofio/test-epi-composition input/fsh/tysabri.fsh)",
    "2. What you need to know before you are given TYSABRI",
    "https://build.fhir.org/ig/joofio/test-epi-composition/",
    Evidence.LABEL,
    note="The 3-month re-exposure gap was confirmed here, not in a copy of the US label (docs/verified-facts.md item 1).",
)
