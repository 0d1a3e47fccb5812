"""The form every piece of clinical knowledge takes: a value with its source.

A rule never holds a bare number. It reads a :class:`Fact`, and the finding it
produces lists the facts it applied, so a clinician can see which label section
or paper a threshold came from. Every fact is registered in one catalogue
(:data:`CATALOGUE`) so that ``alpha4 knowledge`` can list them all and a test can
prove that none lacks a source.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Generic, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Evidence(StrEnum):
    """How firmly a source states a fact."""

    LABEL = "label"  # a regulatory label: US prescribing information or EU SmPC
    REGULATOR = "regulator"  # a regulator's communication (FDA DSC, EMA/PRAC, Swissmedic DHPC)
    PAPER = "paper"  # a peer-reviewed paper
    GUIDELINE = "guideline"  # a professional guideline
    SEED = "seed"  # the user's source documents (../shared/seeds)
    STANDARD = "standard"  # a terminology or interoperability standard
    TO_CHECK = "to-check"  # transcribed, not yet checked against the primary document
    POLICY = "policy"  # a choice alpha4 makes where the sources are silent (stated, configurable)


# Hosts whose pages are the canonical document itself: the regulator's own site, the journal
# publisher's article page, the DOI and PubMed resolvers, the standard's owner. A source shown to
# a user never points anywhere else (no mirror, document-sharing site, blog or advert host).
# tests/knowledge/test_citations.py holds every source to this list.
CANONICAL_HOSTS: frozenset[str] = frozenset(
    {
        "dailymed.nlm.nih.gov",  # NLM DailyMed: the FDA-approved US labeling as submitted
        "www.fda.gov",
        "www.accessdata.fda.gov",  # REMS@FDA, Drugs@FDA
        "www.ema.europa.eu",  # EPAR product information, referrals
        "www.medicines.org.uk",  # eMC: the UK SmPC as approved
        "doi.org",
        "pubmed.ncbi.nlm.nih.gov",
        "pmc.ncbi.nlm.nih.gov",  # the NLM's archive copy of the paper itself (PMCID)
        "www.swissmedic.ch",
        "www.swissmedicinfo.ch",  # Swissmedic's publication platform for Fachinformation
        "ucum.org",
        "loinc.org",
        "www.nlm.nih.gov",
        "ctep.cancer.gov",
        "www.snomed.org",
        "hl7.org",
        "n.neurology.org",  # Neurology's publisher of record (AAN/Wolters Kluwer) article pages
    }
)

# Journal publishers' own sites: a paper whose DOI and PMID could not be confirmed may be cited by
# its article page there (the canonical document, named by volume/issue/page).
PUBLISHER_HOSTS: frozenset[str] = frozenset({"n.neurology.org"})

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_PMID = re.compile(r"^[1-9]\d{0,8}$")
_PUBMED_URL = re.compile(r"^https://pubmed\.ncbi\.nlm\.nih\.gov/([1-9]\d{0,8})/?$")


def url_host(url: str) -> str:
    """The lower-case host of ``url`` ("" for a relative address)."""
    return (urlsplit(url).hostname or "").lower()


def is_canonical_url(url: str) -> bool:
    """True for an https address on :data:`CANONICAL_HOSTS` (never a bare IP address).

    >>> is_canonical_url("https://doi.org/10.1002/ana.24286")
    True
    >>> is_canonical_url("https://www.drugs.com/dosage/tysabri.html")
    False
    >>> is_canonical_url("http://47.251.13.51:8081/40515643")
    False
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return False
    return parts.scheme == "https" and parts.port is None and host in CANONICAL_HOSTS


@dataclass(frozen=True, slots=True)
class Source:
    """A document a fact comes from: what it is, where in it, and where to read it.

    A paper carries its ``doi`` and/or ``pmid``; when no ``url`` is given the address is the
    DOI resolver's (or PubMed's), so the link shown always leads to the canonical record. A
    ``url`` on doi.org or PubMed fills in the identifier it names.
    """

    id: str
    citation: str
    section: str = ""
    url: str = ""
    evidence: Evidence = Evidence.LABEL
    note: str = ""
    doi: str = ""
    pmid: str = ""

    def __post_init__(self) -> None:
        if self.doi and not _DOI.match(self.doi):
            raise ValueError(f"source {self.id!r}: {self.doi!r} is not a DOI (10.<registrant>/<suffix>)")
        if self.pmid and not _PMID.match(self.pmid):
            raise ValueError(f"source {self.id!r}: {self.pmid!r} is not a PubMed identifier")
        if not self.doi and self.url.startswith("https://doi.org/10."):
            object.__setattr__(self, "doi", self.url.removeprefix("https://doi.org/"))
        pubmed = _PUBMED_URL.match(self.url)
        if not self.pmid and pubmed:
            object.__setattr__(self, "pmid", pubmed.group(1))
        if not self.url and self.doi:
            object.__setattr__(self, "url", f"https://doi.org/{self.doi}")
        elif not self.url and self.pmid:
            object.__setattr__(self, "url", f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/")

    def describe(self) -> str:
        """One line naming the document, section and identifiers, as shown beside a finding.

        >>> Source("p", "Plavina T et al. Ann Neurol 2014;76:802-812", doi="10.1002/ana.24286").describe()
        'Plavina T et al. Ann Neurol 2014;76:802-812, doi:10.1002/ana.24286'
        """
        parts = [self.citation]
        if self.section:
            parts.append(self.section)
        if self.doi:
            parts.append(f"doi:{self.doi}")
        if self.pmid:
            parts.append(f"PMID {self.pmid}")
        return ", ".join(parts)

    def at(self, section: str) -> Source:
        """The same document at another section (same id, identifiers and address)."""
        return replace(self, section=section)


@dataclass(frozen=True, slots=True)
class Fact(Generic[T_co]):
    """One number, interval, threshold or table, with its source(s).

    ``profile`` is ``None`` for facts that hold under every label, or the name of
    the profile (``"us"``, ``"eu"``) when the sources differ.
    """

    id: str
    value: T_co
    sources: tuple[Source, ...]
    unit: str | None = None
    profile: str | None = None
    description: str = ""
    note: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        """Catalogue key: the id, with ``@profile`` for profile-specific facts."""
        return self.id if self.profile is None else f"{self.id}@{self.profile}"

    @property
    def source_text(self) -> str:
        return "; ".join(source.describe() for source in self.sources)


CATALOGUE: dict[str, Fact[object]] = {}


def fact(
    id: str,
    value: T,
    *sources: Source,
    unit: str | None = None,
    profile: str | None = None,
    description: str = "",
    note: str = "",
) -> Fact[T]:
    """Create a fact and register it in :data:`CATALOGUE`.

    >>> from alpha4.knowledge.sources import US_LABEL
    >>> f = fact("doc.example", 4, US_LABEL, unit="wk", description="an example")
    >>> f.value, f.unit
    (4, 'wk')
    >>> _ = CATALOGUE.pop("doc.example")
    """
    if not sources:
        raise ValueError(f"fact {id!r} has no source")
    key = id if profile is None else f"{id}@{profile}"
    if key in CATALOGUE:
        raise ValueError(f"fact {key!r} is defined twice")
    item: Fact[T] = Fact(
        id=id,
        value=value,
        sources=tuple(sources),
        unit=unit,
        profile=profile,
        description=description,
        note=note,
    )
    CATALOGUE[key] = item
    return item
