"""JSON text as alpha4 reads it on every path (import files, REST bodies, command-line records).

Two things the standard allows parsers to differ on are refused, so every reader sees the same record:
a key given twice in one object (readers disagree on which value wins: a REST body with two
``dose_mg`` could be checked with one and stored with the other), and the ``NaN`` / ``Infinity``
literals, which are not JSON at all.
"""

from __future__ import annotations

import json
from typing import Any


class JsonRefused(ValueError):
    """The text is JSON a careful reader would not trust (the message says why and where)."""


def _reject_constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not a number (JSON has no NaN or infinity)")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object; a key given twice is refused."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JsonRefused(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


STRICT_DECODER = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)
"""A decoder that refuses duplicate keys and NaN/Infinity (``raw_decode`` for a stream of values)."""


def strict_loads(text: str | bytes) -> Any:
    """Parse one JSON document, refusing duplicate keys and NaN/Infinity.

    >>> strict_loads('{"dose_mg": 300}')
    {'dose_mg': 300}
    >>> strict_loads('{"dose_mg": 300, "dose_mg": 3000}')
    Traceback (most recent call last):
    ...
    alpha4.domain.json_text.JsonRefused: the key 'dose_mg' appears twice in one object
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    return STRICT_DECODER.decode(text)
