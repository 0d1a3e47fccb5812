"""Every source a user can see names the canonical document, at the publisher's or regulator's own address.

The check runs over every fact in the catalogue and over every :class:`Source` defined at module
level anywhere in ``alpha4.knowledge`` (so a new module is covered the day it is added). A source
fails when its address is a mirror, a document-sharing site, a blog, an advert host or a bare IP;
when a paper has no DOI, PMID, PMCID or publisher page; when a label or regulator's document has no
official address; when a seed citation has a path or no quoted statement (or misquotes the file);
and when a source whose identifier could not be confirmed is missing from docs/verified-facts.md.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import alpha4.knowledge
from alpha4.knowledge import all_facts
from alpha4.knowledge.base import (
    CANONICAL_HOSTS,
    PUBLISHER_HOSTS,
    Evidence,
    Source,
    is_canonical_url,
    url_host,
)
from alpha4.knowledge.sources import US_LABEL, eu_smpc, seed_ms, us_label

ROOT = Path(__file__).resolve().parents[2]
VERIFIED_FACTS = ROOT / "docs" / "verified-facts.md"
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
QUOTED = re.compile(r'"([^"]{12,})"')
PMC_ARTICLE = re.compile(r"^/articles/PMC\d+/?$")


def module_sources() -> list[tuple[str, Source]]:
    """Every Source bound to a module-level name in alpha4.knowledge and its submodules."""
    found: list[tuple[str, Source]] = []
    for info in pkgutil.walk_packages(alpha4.knowledge.__path__, alpha4.knowledge.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, Source) and not name.startswith("__"):
                found.append((f"{info.name}.{name}", value))
    return found


def catalogue_sources() -> list[tuple[str, Source]]:
    return [(f"fact {f.key}", s) for f in all_facts() for s in f.sources]


def problems(source: Source, listed: str = "") -> list[str]:
    """What keeps ``source`` from being a canonical citation (empty when it is one).

    ``listed`` is the text of docs/verified-facts.md, where every source with an unconfirmed
    identifier must be named by its id.
    """
    found: list[str] = []
    shown = source.describe()
    if "http" in shown or "www." in shown:
        found.append(f"the citation text carries an address: {shown!r}")
    url = source.url
    if source.evidence is Evidence.SEED:
        if "/" in url or "\\" in url:
            found.append(f"seed source has a path in its address: {url!r}")
        if not SEED_FILE.search(source.citation):
            found.append("seed source does not name its file")
        if not QUOTED.search(source.citation):
            found.append("seed source quotes no statement")
        return found
    if url:
        host = url_host(url)
        if not is_canonical_url(url):
            found.append(f"address is not on a canonical host: {host or url}")
    identified = bool(source.doi or source.pmid)
    on_pmc = url_host(url) == "pmc.ncbi.nlm.nih.gov" and bool(PMC_ARTICLE.match(urlsplit(url).path))
    on_publisher = url_host(url) in PUBLISHER_HOSTS
    if source.evidence in (Evidence.PAPER, Evidence.GUIDELINE) and not (identified or on_pmc or on_publisher):
        found.append("paper without a DOI, PMID, PMCID or publisher page")
    if source.evidence in (Evidence.LABEL, Evidence.REGULATOR, Evidence.STANDARD) and not url:
        found.append("regulator's or standard's document without its official address")
    if source.evidence is Evidence.TO_CHECK and f"`{source.id}`" not in listed:
        found.append(f"source to check ({source.id}) is not listed in docs/verified-facts.md")
    return found


def all_sources() -> list[tuple[str, Source]]:
    return catalogue_sources() + module_sources()


def test_every_source_is_canonical() -> None:
    listed = VERIFIED_FACTS.read_text(encoding="utf-8")
    sources = all_sources()
    assert len({s.id for _, s in sources}) > 60
    failures = [f"{where} ({s.id}): {p}" for where, s in sources for p in problems(s, listed)]
    assert failures == []


def test_fact_texts_shown_to_users_carry_no_address() -> None:
    """Descriptions and notes appear in ``alpha4 knowledge``: no address may hide there either."""
    failures = [
        f.key
        for f in all_facts()
        if re.search(r"https?://|www\.|\.com\b|\.ir\b|\.org/", f.description + f.note)
    ]
    assert failures == []


def test_seed_statements_are_quoted_verbatim() -> None:
    if not SEEDS.is_dir():
        pytest.skip("the user's source documents are not beside this checkout")
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    checked = 0
    for where, source in all_sources():
        if source.evidence is not Evidence.SEED:
            continue
        name = SEED_FILE.search(source.citation)
        assert name and name.group(0) in texts, where
        for statement in QUOTED.findall(source.citation):
            assert statement in texts[name.group(0)], f"{where}: not in {name.group(0)}: {statement!r}"
            checked += 1
    assert checked >= 4


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            Source("a", "TYSABRI label", url="https://www.drugs.com/dosage/tysabri.html"),
            "address is not on a canonical host: www.drugs.com",
        ),
        (
            Source("b", "Varley", url="http://47.251.13.51:8081/40515643", evidence=Evidence.PAPER),
            "canonical host",
        ),
        (
            Source("c", "Some paper", evidence=Evidence.PAPER),
            "paper without a DOI, PMID, PMCID or publisher page",
        ),
        (Source("d", "A regulator's letter", evidence=Evidence.REGULATOR), "without its official address"),
        (
            Source(
                "e",
                'User source document 000_55df99c57c93e613.txt: "a statement long enough"',
                url="../shared/seeds/000_55df99c57c93e613.txt",
                evidence=Evidence.SEED,
            ),
            "seed source has a path",
        ),
        (
            Source("f", "User source document 000_55df99c57c93e613.txt", evidence=Evidence.SEED),
            "seed source quotes no statement",
        ),
        (Source("g", "Read at https://slideplayer.com/x", evidence=Evidence.POLICY), "carries an address"),
        (
            Source("h", "Berger JR, Fox RJ", evidence=Evidence.TO_CHECK),
            "not listed in docs/verified-facts.md",
        ),
        (
            Source("i", "Ho PR", url="https://www.researcher-app.com/paper/79178", doi="10.1016/x"),
            "canonical host",
        ),
        (Source("j", "mirror", url="https://pubmed.gov.example.com/1"), "canonical host"),
    ],
)
def test_non_canonical_sources_are_caught(source: Source, expected: str) -> None:
    assert any(expected in p for p in problems(source)), problems(source)


def test_canonical_forms_pass() -> None:
    paper = Source(
        "p", "Plavina T et al. Ann Neurol 2014;76:802-812", evidence=Evidence.PAPER, doi="10.1002/ana.24286"
    )
    pmc = Source(
        "q",
        "Zhovtis Ryerson L et al.",
        url="https://pmc.ncbi.nlm.nih.gov/articles/PMC7057061/",
        evidence=Evidence.PAPER,
    )
    assert problems(paper) == [] and problems(pmc) == []
    assert problems(us_label("8.1 Pregnancy")) == [] and problems(eu_smpc("4.3 Contraindications")) == []
    assert problems(seed_ms("Routine laboratory monitoring should include a complete blood count")) == []


def test_a_paper_links_to_its_doi_or_pubmed_record() -> None:
    by_doi = Source(
        "p", "Plavina T et al. Ann Neurol 2014;76:802-812", evidence=Evidence.PAPER, doi="10.1002/ana.24286"
    )
    assert by_doi.url == "https://doi.org/10.1002/ana.24286"
    assert by_doi.describe() == "Plavina T et al. Ann Neurol 2014;76:802-812, doi:10.1002/ana.24286"
    by_pmid = Source("s", "O'Connor P et al. Neurology 2014;83:78-86", "Results", pmid="24898925")
    assert by_pmid.url == "https://pubmed.ncbi.nlm.nih.gov/24898925/"
    assert by_pmid.describe() == "O'Connor P et al. Neurology 2014;83:78-86, Results, PMID 24898925"
    both = Source("h", "Ho PR et al.", doi="10.1016/S1474-4422(17)30282-X", pmid="28969984")
    assert both.url == "https://doi.org/10.1016/S1474-4422(17)30282-X"
    assert both.describe() == "Ho PR et al., doi:10.1016/S1474-4422(17)30282-X, PMID 28969984"
    explicit = Source(
        "r", "Ryerson LZ et al.", url="https://n.neurology.org/content/93/15/e1452", doi="10.1000/example"
    )
    assert explicit.url == "https://n.neurology.org/content/93/15/e1452"
    assert (
        by_doi.at("Table 2").describe()
        == "Plavina T et al. Ann Neurol 2014;76:802-812, Table 2, doi:10.1002/ana.24286"
    )


@pytest.mark.parametrize(
    ("doi", "pmid"), [("ana.24286", ""), ("10.1002/ana 24286", ""), ("", "PMID24898925"), ("", "0")]
)
def test_malformed_identifiers_are_refused(doi: str, pmid: str) -> None:
    with pytest.raises(ValueError, match="is not a"):
        Source("x", "x", doi=doi, pmid=pmid)


def test_label_helpers_refuse_a_copy() -> None:
    with pytest.raises(ValueError, match=re.escape("regulator's own address, not www.drugs.com")):
        us_label("2 Dosage and Administration", "https://www.drugs.com/dosage/tysabri.html")
    with pytest.raises(ValueError, match=re.escape("not sit.mimsdev.com")):
        eu_smpc("4.4 Special warnings", "https://sit.mimsdev.com/singapore/drug/info/tysabri")
    assert us_label("2 Dosage and Administration").url == US_LABEL.url
    assert eu_smpc(
        "4.3 Contraindications", "https://www.medicines.org.uk/emc/product/12443/smpc"
    ).url.startswith("https://www.medicines.org.uk/")


def test_label_sources_name_issuer_revision_and_regulator_address() -> None:
    assert "revised 10/2023" in US_LABEL.citation and "5.8 revised 3/2025" in US_LABEL.citation
    assert url_host(US_LABEL.url) == "dailymed.nlm.nih.gov"
    assert "EU/1/06/346" in eu_smpc("4.1 Therapeutic indications").citation
    assert url_host(eu_smpc("4.1 Therapeutic indications").url) == "www.ema.europa.eu"


def test_allow_list_is_https_hosts_only() -> None:
    assert all(re.fullmatch(r"[a-z0-9.-]+\.[a-z]+", h) for h in CANONICAL_HOSTS)
    assert PUBLISHER_HOSTS <= CANONICAL_HOSTS
    assert not is_canonical_url("http://dailymed.nlm.nih.gov/dailymed/")
    assert not is_canonical_url("https://dailymed.nlm.nih.gov:8443/dailymed/")


def test_finding_sources_shown_for_the_examples_are_canonical() -> None:
    """What a clinician reads beside a finding (``describe() <url>``) for every shipped example, both profiles."""
    import datetime as dt

    from alpha4.domain import load_patient
    from alpha4.knowledge import EU, US
    from alpha4.rules import assess

    examples = sorted((ROOT / "examples").glob("*.json"))
    assert examples
    shown: set[str] = set()
    for path in examples:
        patient = load_patient(path.read_text(encoding="utf-8"))
        for profile in (US, EU):
            for f in assess(patient, dt.date(2026, 6, 1), profile).findings:
                shown.update(f.sources)
    addresses = {m for text in shown for m in re.findall(r"\s<(\S+)>$", text)}
    assert addresses and all(is_canonical_url(a) for a in addresses), sorted(
        a for a in addresses if not is_canonical_url(a)
    )
    assert not [t for t in shown if re.search(r"https?://", re.sub(r"\s<\S+>$", "", t))]


def test_a_doi_or_pubmed_address_names_its_identifier() -> None:
    aithal = Source(
        "a",
        "Aithal GP et al. Clin Pharmacol Ther 2011;89:806-815",
        url="https://doi.org/10.1038/clpt.2011.58",
    )
    assert (aithal.doi, aithal.pmid) == ("10.1038/clpt.2011.58", "")
    assert (
        aithal.describe() == "Aithal GP et al. Clin Pharmacol Ther 2011;89:806-815, doi:10.1038/clpt.2011.58"
    )
    strata = Source("s", "O'Connor P et al.", url="https://pubmed.ncbi.nlm.nih.gov/24898925/")
    assert (strata.doi, strata.pmid) == ("", "24898925")
    other = Source("o", "x", url="https://pubmed.ncbi.nlm.nih.gov/?term=natalizumab")
    assert (other.doi, other.pmid) == ("", "")
