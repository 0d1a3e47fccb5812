"""Finding codes of the PK-guided interval planner (``alpha4.pk.planner``)."""

from __future__ import annotations

from .codespec import CodeSpec

PK_CODES: dict[str, CodeSpec] = {}
