"""The form every piece of clinical knowledge takes: a value with its source.

A rule never holds a bare number. It reads a :class:`Fact`, and the finding it
produces lists the facts it applied, so a clinician can see which label section
or paper a threshold came from. Every fact is registered in one catalogue
(:data:`CATALOGUE`) so that ``alpha4 knowledge`` can list them all and a test can
prove that none lacks a source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

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


@dataclass(frozen=True, slots=True)
class Source:
    """A document a fact comes from: what it is, where in it, and where to read it."""

    id: str
    citation: str
    section: str = ""
    url: str = ""
    evidence: Evidence = Evidence.LABEL
    note: str = ""

    def describe(self) -> str:
        """One line naming the document and section, as shown beside a finding."""
        where = f", {self.section}" if self.section else ""
        return f"{self.citation}{where}"


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
