"""Where a problem is, as the user wrote it.

A patient record keeps every timeline list in date order (:class:`~alpha4.domain.patient.Patient`
sorts them when it loads), so pydantic's error locations and
:func:`~alpha4.domain.validation.check_patient`'s fields count positions in the *sorted* list.
The person fixing the file needs the position in *their* file: ``infusions[0].date`` must be the
first infusion they typed, whatever its date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .patient import _EVENT_FIELDS

_INDEXED = re.compile(r"^(?P<name>[a-z_]+)\[(?P<index>\d+)\](?P<rest>.*)$", re.DOTALL)


def format_location(loc: Sequence[int | str]) -> str:
    """pydantic's ``("infusions", 0, "date")`` as ``infusions[0].date`` (``(record)`` when empty)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(record)"


def written_order(data: Any, name: str) -> list[int] | None:
    """For the list ``name`` of the raw record ``data``: position in the loaded (sorted) list ->
    position in the file; ``None`` when the record keeps the list as written.

    Mirrors ``Patient._sort_events``: a list whose items all have a text ``date`` is sorted by
    it, stably (``tests/domain/test_locations.py`` pins the two together).
    """
    if name not in _EVENT_FIELDS or not isinstance(data, dict):
        return None
    items = data.get(name)
    if not isinstance(items, list | tuple) or not all(
        isinstance(i, dict) and isinstance(i.get("date"), str) for i in items
    ):
        return None
    return sorted(range(len(items)), key=lambda k: items[k]["date"])


def written_location(field: str, data: Any) -> str:
    """``field`` (e.g. ``infusions[3].date``, an index in the sorted list) with the index of the
    same item in the raw record ``data``; other fields are returned unchanged."""
    match = _INDEXED.match(field)
    if match is None:
        return field
    order = written_order(data, match["name"])
    index = int(match["index"])
    if order is None or index >= len(order):
        return field
    return f"{match['name']}[{order[index]}]{match['rest']}"
