"""Brand names -> ingredient: how EHRs name the medicines alpha4 checks.

EHRs send a medicine as an RxNorm product (SCD/SBD) or as free text such as
"TYSABRI® 300 mg/15 mL" or "Humira 40 MG/0.4ML Pen". alpha4 classifies a medicine
by its ingredient (:mod:`alpha4.interop.codes`), so every brand name of natalizumab
and of each concomitant-medicine class alpha4 checks (anti-TNF, immunosuppressants,
antineoplastics, MS disease-modifying therapies, corticosteroids) is listed here with
its ingredient. Names are RxNorm brand names (term type BN), looked up by name in
RxNav; matching is case- and symbol-insensitive (``®``, ``™``, punctuation ignored).

Why a table and not a guess: a brand that is not recognised makes alpha4 under-count
natalizumab exposure or miss a concomitant immunosuppressant. An unknown name is
reported as unmapped, never silently read as "no such medicine".
"""

from __future__ import annotations

from .base import Evidence, Source, fact

RXNORM = Source(
    "rxnorm",
    "RxNorm, U.S. National Library of Medicine (brand names, term type BN, with their ingredients)",
    section="RxNav search by brand name",
    url="https://mor.nlm.nih.gov/RxNav/",
    evidence=Evidence.STANDARD,
    note="Names as RxNorm spells its BN concepts; each maps to the ingredient (IN) of its products.",
)
FDA_PURPLE_BOOK = Source(
    "fda-purple-book",
    "FDA Purple Book: Database of Licensed Biological Products (biosimilar proper names with suffixes)",
    url="https://purplebooksearch.fda.gov/",
    evidence=Evidence.REGULATOR,
)

# brand (lower case, as RxNorm names it) -> ingredient name as in alpha4's ingredient table
BRAND_INGREDIENT = fact(
    "codes.rxnorm.brands",
    {
        # natalizumab
        "tysabri": "natalizumab",
        "tyruko": "natalizumab-sztn",
        # TNF-alpha inhibitors (and their biosimilars)
        "humira": "adalimumab",
        "amjevita": "adalimumab",
        "cyltezo": "adalimumab",
        "hadlima": "adalimumab",
        "hyrimoz": "adalimumab",
        "hulio": "adalimumab",
        "idacio": "adalimumab",
        "yusimry": "adalimumab",
        "yuflyma": "adalimumab",
        "abrilada": "adalimumab",
        "simlandi": "adalimumab",
        "remicade": "infliximab",
        "inflectra": "infliximab",
        "renflexis": "infliximab",
        "avsola": "infliximab",
        "ixifi": "infliximab",
        "zymfentra": "infliximab",
        "cimzia": "certolizumab pegol",
        "simponi": "golimumab",
        "simponi aria": "golimumab",
        # immunosuppressants
        "imuran": "azathioprine",
        "azasan": "azathioprine",
        "trexall": "methotrexate",
        "otrexup": "methotrexate",
        "rasuvo": "methotrexate",
        "xatmep": "methotrexate",
        "jylamvo": "methotrexate",
        "reditrex": "methotrexate",
        "purixan": "mercaptopurine",
        "purinethol": "mercaptopurine",
        "sandimmune": "cyclosporine",
        "neoral": "cyclosporine",
        "gengraf": "cyclosporine",
        "cellcept": "mycophenolate mofetil",
        "myfortic": "mycophenolic acid",
        "prograf": "tacrolimus",
        "envarsus": "tacrolimus",
        "astagraf": "tacrolimus",
        # antineoplastics / lymphocyte-depleting therapies
        "cytoxan": "cyclophosphamide",
        "novantrone": "mitoxantrone",
        "rituxan": "rituximab",
        "truxima": "rituximab",
        "ruxience": "rituximab",
        "riabni": "rituximab",
        "ocrevus": "ocrelizumab",
        "lemtrada": "alemtuzumab",
        "campath": "alemtuzumab",
        "mavenclad": "cladribine",
        # MS disease-modifying therapies
        "avonex": "interferon beta-1a",
        "rebif": "interferon beta-1a",
        "betaseron": "interferon beta-1b",
        "extavia": "interferon beta-1b",
        "plegridy": "peginterferon beta-1a",
        "gilenya": "fingolimod",
        "tascenso": "fingolimod",
        "copaxone": "glatiramer acetate",
        "glatopa": "glatiramer acetate",
        "tecfidera": "dimethyl fumarate",
        "aubagio": "teriflunomide",
        "kesimpta": "ofatumumab",
        # corticosteroids
        "deltasone": "prednisone",
        "rayos": "prednisone",
        "medrol": "methylprednisolone",
        "solu-medrol": "methylprednisolone",
        "depo-medrol": "methylprednisolone",
        # aminosalicylates
        "asacol": "mesalamine",
        "lialda": "mesalamine",
        "pentasa": "mesalamine",
        "apriso": "mesalamine",
        "delzicol": "mesalamine",
    },
    RXNORM,
    FDA_PURPLE_BOOK,
    description="Brand names (RxNorm BN) of the medicines alpha4 classifies, with their ingredient",
    note="Unverified per name against a dated RxNorm release; a site corrects or extends them here.",
)
