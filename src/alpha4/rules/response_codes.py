"""Finding codes of the treatment-response rules (MS and Crohn's disease)."""

from __future__ import annotations

from .codespec import CodeSpec

RESPONSE_CODES: dict[str, CodeSpec] = {}
