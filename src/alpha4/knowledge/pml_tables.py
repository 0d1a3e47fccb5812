"""Published PML risk tables (risk per 1,000 patients) as data.

Each table has exposure bands (months on natalizumab, counted as infusions: the
tables were derived with 12 infusions to the year) and one row per risk group.
Rules look a cell up; they never hold a risk number themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .base import Fact, fact
from .sources import BERGER_FOX_2016, HO_2017


class RiskGroup(StrEnum):
    """Which row of a PML table applies to a patient."""

    JCV_NEGATIVE = "jcv_negative"
    JCV_NEGATIVE_PRIOR_IS = "jcv_negative_prior_is"
    JCV_POSITIVE_NO_INDEX = "jcv_positive_no_prior_is_no_index"
    INDEX_AT_MOST_0_9 = "jcv_positive_no_prior_is_index_le_0.9"
    INDEX_0_9_TO_1_5 = "jcv_positive_no_prior_is_index_gt_0.9_le_1.5"
    INDEX_AT_MOST_1_5 = "jcv_positive_no_prior_is_index_le_1.5"
    INDEX_ABOVE_1_5 = "jcv_positive_no_prior_is_index_gt_1.5"
    JCV_POSITIVE_PRIOR_IS = "jcv_positive_prior_is"


@dataclass(frozen=True, slots=True)
class ExposureBand:
    """Months ``first``..``last`` inclusive (``last`` None: open-ended)."""

    first: int
    last: int | None
    label: str

    def contains(self, months: int) -> bool:
        return months >= self.first and (self.last is None or months <= self.last)


@dataclass(frozen=True, slots=True)
class RiskRow:
    group: RiskGroup
    label: str
    cells: tuple[float | None, ...]  # one per band; None: the table has no value there
    qualifier: str = "~"  # how the source states the number: "~" approximately, "<" below
    note: str = ""


@dataclass(frozen=True, slots=True)
class PmlTable:
    id: str
    title: str
    bands: tuple[ExposureBand, ...]
    rows: tuple[RiskRow, ...]
    index_cutoffs: tuple[float, ...]  # index band upper limits used for the JCV-positive rows

    def row(self, group: RiskGroup) -> RiskRow | None:
        return next((r for r in self.rows if r.group is group), None)

    @property
    def last_month(self) -> int:
        last = self.bands[-1].last
        if last is None:
            raise ValueError(f"PML table {self.id} has an open-ended last band")
        return last


_AFTER_24 = "The source gives 'up to 24' and 'after 24 months' only; the latter is used for every later band."

BERGER_FOX = fact(
    "pml.table.berger_fox_2016",
    PmlTable(
        id="berger-fox-2016",
        title="PML risk per 1,000 by anti-JCV status, index, prior immunosuppressant use and exposure",
        bands=(
            ExposureBand(1, 24, "up to 24 months"),
            ExposureBand(25, 48, "25-48 months"),
            ExposureBand(49, 72, "49-72 months"),
        ),
        rows=(
            # For JCV-negative patients the source gives "up to 24" and "after 24 months" only.
            RiskRow(
                RiskGroup.JCV_NEGATIVE, "anti-JCV negative, no prior immunosuppressant", (0.02, 0.2, 0.2)
            ),
            RiskRow(
                RiskGroup.JCV_NEGATIVE_PRIOR_IS,
                "anti-JCV negative, prior immunosuppressant",
                (0.06, 0.9, 0.9),
            ),
            RiskRow(
                RiskGroup.JCV_POSITIVE_NO_INDEX,
                "anti-JCV positive, no prior immunosuppressant, index not available",
                (1.0, 3.0, 6.0),
            ),
            RiskRow(
                RiskGroup.INDEX_AT_MOST_1_5,
                "anti-JCV positive, no prior immunosuppressant, index <= 1.5",
                (0.2, 1.1, 1.4),
            ),
            RiskRow(
                RiskGroup.INDEX_ABOVE_1_5,
                "anti-JCV positive, no prior immunosuppressant, index > 1.5",
                (1.2, 8.8, 10.1),
            ),
            RiskRow(
                RiskGroup.JCV_POSITIVE_PRIOR_IS,
                "anti-JCV positive, prior immunosuppressant",
                (6.0, 12.0, 13.0),
            ),
        ),
        index_cutoffs=(1.5,),
    ),
    BERGER_FOX_2016,
    unit="per 1000 patients",
    description="Default PML risk table (Berger & Fox 2016; cells checked on a reproduction, docs/verified-facts.md).",
)

HO_SMPC = fact(
    "pml.table.ho_2017_smpc",
    PmlTable(
        id="ho-2017-eu-smpc",
        title="PML risk per 1,000 in anti-JCV positive patients by index band and 12-month exposure band (EU SmPC 4.4)",
        bands=(
            ExposureBand(1, 12, "1-12 months"),
            ExposureBand(13, 24, "13-24 months"),
            ExposureBand(25, 36, "25-36 months"),
            ExposureBand(37, 48, "37-48 months"),
            ExposureBand(49, 60, "49-60 months"),
            ExposureBand(61, 72, "61-72 months"),
        ),
        rows=(
            RiskRow(RiskGroup.JCV_NEGATIVE, "anti-JCV negative", (0.07,) * 6, qualifier="<"),
            RiskRow(RiskGroup.JCV_NEGATIVE_PRIOR_IS, "anti-JCV negative", (0.07,) * 6, qualifier="<"),
            RiskRow(
                RiskGroup.JCV_POSITIVE_NO_INDEX,
                "no prior immunosuppressant, no index value",
                (0.1, 0.6, 2.0, 4.0, 5.0, 6.0),
            ),
            RiskRow(
                RiskGroup.INDEX_AT_MOST_0_9,
                "no prior immunosuppressant, index <= 0.9",
                (0.1, 0.1, 0.2, 0.4, 0.5, 0.6),
            ),
            RiskRow(
                RiskGroup.INDEX_0_9_TO_1_5,
                "no prior immunosuppressant, index > 0.9 to <= 1.5",
                (0.1, 0.3, 0.8, 2.0, 2.0, 3.0),
            ),
            RiskRow(
                RiskGroup.INDEX_ABOVE_1_5,
                "no prior immunosuppressant, index > 1.5",
                (0.2, 0.9, 3.0, 7.0, 8.0, 10.0),
            ),
            RiskRow(
                RiskGroup.JCV_POSITIVE_PRIOR_IS, "prior immunosuppressant use", (0.3, 0.4, 4.0, 8.0, 8.0, 6.0)
            ),
        ),
        index_cutoffs=(0.9, 1.5),
    ),
    HO_2017,
    unit="per 1000 patients",
    profile="eu",
    description="EU SmPC index-band table (Ho et al. 2017).",
    note=(
        "TRANSCRIPTION TO BE CHECKED against the current EU SmPC section 4.4 before clinical use: the "
        "cell values were not found in a retrieved source. Anti-JCV negative: < 0.07 per 1,000 (Ho 2017 abstract)."
    ),
)

TABLES: dict[str, Fact[PmlTable]] = {t.value.id: t for t in (BERGER_FOX, HO_SMPC)}
