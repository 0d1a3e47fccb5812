"""Calendar arithmetic the rules share (months as the label counts them).

Defined once in :mod:`alpha4.domain.months` (the synthetic cohort, a layer beside the rules, uses it
too); re-exported here for the rules.
"""

from __future__ import annotations

from alpha4.domain.months import add_months, whole_months_between

__all__ = ["add_months", "whole_months_between"]
