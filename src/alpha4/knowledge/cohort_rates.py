"""Published cohort rates a registry compares its own figures with (infusion reactions,
hypersensitivity, anti-natalizumab antibodies, serious infections).

A cohort report shows its observed proportion, with a 95% interval, beside these published
figures and says whether the published value lies in the interval. Each rate is a
:class:`PublishedRate` (a fraction, how the source states it, and the comparator arm where the
source has one), cited to the canonical document: the US prescribing information on DailyMed
(section 6.1 gives the AFFIRM adverse-reaction table, 5.3 hypersensitivity, 6.2 immunogenicity)
and the trial papers. The seed document's "approximately 22%" infusion-reaction figure is kept as
the seed's own, not merged with the label's 24%.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import Evidence, Fact, Source, fact
from .sources import SEED_MS, us_label

US_LABEL_6_1 = us_label("6.1 Clinical trials experience (AFFIRM, Table 1)")
US_LABEL_5_3 = us_label("5.3 Hypersensitivity/antibody formation")
US_LABEL_6_2 = us_label("6.2 Immunogenicity")

POLMAN_2006 = Source(
    "polman-2006",
    "Polman CH, O'Connor PW, Havrdova E, et al. A randomized, placebo-controlled trial of natalizumab for "
    "relapsing multiple sclerosis (AFFIRM). N Engl J Med 2006;354:899-910. doi:10.1056/NEJMoa044397; PMID 16510744",
    "Adverse events: infusion reactions, hypersensitivity, infections",
    "https://doi.org/10.1056/NEJMoa044397",
    Evidence.PAPER,
)
CALABRESI_2007_PAPER = Source(
    "calabresi-2007-paper",
    "Calabresi PA, Giovannoni G, Confavreux C, et al. The incidence and significance of anti-natalizumab "
    "antibodies: results from AFFIRM and SENTINEL. Neurology 2007;69:1391-1403. "
    "doi:10.1212/01.wnl.0000277457.17420.b5; PMID 17761550",
    "Results: 57 of 625 (9%) positive, 20 (3%) transiently, 37 (6%) persistently",
    "https://doi.org/10.1212/01.wnl.0000277457.17420.b5",
    Evidence.PAPER,
)


@dataclass(frozen=True, slots=True)
class PublishedRate:
    """A published proportion of patients: ``value`` as a fraction, stated ``qualifier`` ("~"
    approximately, "<" below), and the comparator arm's proportion when the source gives one."""

    value: float
    qualifier: str = "~"
    comparator: float | None = None
    comparator_label: str = ""
    population: str = ""

    def text(self) -> str:
        """How the source states it, e.g. ``~24% (placebo 18%)``.

        >>> PublishedRate(0.24, comparator=0.18, comparator_label="placebo").text()
        '~24% (placebo 18%)'
        >>> PublishedRate(0.01, "<").text()
        '<1%'
        """
        main = f"{self.qualifier}{self.value * 100:g}%"
        if self.comparator is not None:
            main += f" ({self.comparator_label} {self.comparator * 100:g}%)"
        return main

    def within(self, low: float, high: float) -> bool:
        """Whether the published value is compatible with an observed interval [low, high]; a
        "<" bound is compatible when the interval reaches below it."""
        if self.qualifier == "<":
            return low < self.value
        return low <= self.value <= high


INFUSION_REACTION_LABEL = fact(
    "cohort_rate.infusion_reaction.label",
    PublishedRate(
        0.24, comparator=0.18, comparator_label="placebo", population="AFFIRM, 627 vs 312 patients"
    ),
    US_LABEL_6_1,
    POLMAN_2006,
    unit="1",
    description="Infusion reactions (any event within 2 hours of the start of an infusion), natalizumab vs placebo",
)
INFUSION_REACTION_SEED = fact(
    "cohort_rate.infusion_reaction.seed",
    PublishedRate(0.22, population="the user's source document"),
    SEED_MS,
    unit="1",
    description="Infusion reactions, 'approximately 22%' in the seed document (shown as the seed's figure)",
)
HYPERSENSITIVITY_LABEL = fact(
    "cohort_rate.hypersensitivity.label",
    PublishedRate(0.01, "<", population="clinical studies"),
    US_LABEL_5_3,
    POLMAN_2006,
    unit="1",
    description="Hypersensitivity reactions, including serious systemic reactions (anaphylaxis), in < 1% of patients",
)
SERIOUS_HYPERSENSITIVITY_LABEL = fact(
    "cohort_rate.serious_hypersensitivity.label",
    PublishedRate(0.01, "<", population="clinical studies"),
    US_LABEL_5_3,
    unit="1",
    description="Serious systemic hypersensitivity (anaphylaxis / anaphylactoid reactions) in < 1% of patients",
)
PERSISTENT_ANTIBODIES_LABEL = fact(
    "cohort_rate.persistent_antibodies.label",
    PublishedRate(0.06, population="AFFIRM, 625 patients tested every 12 weeks"),
    US_LABEL_6_2,
    CALABRESI_2007_PAPER,
    unit="1",
    description="Persistently positive anti-natalizumab antibodies (positive at two times at least 6 weeks apart)",
)
TRANSIENT_ANTIBODIES_LABEL = fact(
    "cohort_rate.transient_antibodies.label",
    PublishedRate(0.03, population="AFFIRM, 625 patients tested every 12 weeks"),
    CALABRESI_2007_PAPER,
    unit="1",
    description="Transiently positive anti-natalizumab antibodies (positive once, negative later)",
)
SERIOUS_INFECTION_LABEL = fact(
    "cohort_rate.serious_infection.label",
    PublishedRate(0.032, comparator=0.026, comparator_label="placebo", population="AFFIRM"),
    US_LABEL_6_1,
    unit="1",
    description="Serious infections, natalizumab vs placebo (AFFIRM)",
)

RATES: dict[str, tuple[Fact[PublishedRate], ...]] = {
    "infusion_reaction": (INFUSION_REACTION_LABEL, INFUSION_REACTION_SEED),
    "hypersensitivity": (HYPERSENSITIVITY_LABEL,),
    "serious_hypersensitivity": (SERIOUS_HYPERSENSITIVITY_LABEL,),
    "persistent_antibodies": (PERSISTENT_ANTIBODIES_LABEL,),
    "transient_antibodies": (TRANSIENT_ANTIBODIES_LABEL,),
    "serious_infection": (SERIOUS_INFECTION_LABEL,),
    "herpes_infection": (),
    "liver_injury": (),
}
"""The published figures beside each safety proportion (an empty tuple: none in the sources)."""

SMALL_CELL_MINIMUM = fact(
    "report.small_cell_minimum",
    5,
    Source(
        "alpha4-report-policy",
        "alpha4 registry reporting policy (a registry may change it; see docs/decisions.md)",
        evidence=Evidence.POLICY,
    ),
    unit="{patients}",
    description=(
        "Exported and displayed cells counting fewer than this many patients (other than zero) are "
        "suppressed, as registries do to prevent re-identification; configurable per report call"
    ),
)
