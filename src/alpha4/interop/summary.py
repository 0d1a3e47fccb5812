"""What alpha4 did not read, summarised for people: like records on one line, not one line each.

An EHR's chart holds hundreds of resources no natalizumab rule reads (encounters, claims, routine
chemistry). Listing each buries what matters (an administration alpha4 could not name, a lab whose
unit does not convert). Records that stand alone keep their own line; the rest are counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from .fhir_in import Unmapped


def summarise(unmapped: Iterable[Unmapped], *, kinds_shown: int = 5) -> list[str]:
    """One line per group of like records (count and kinds), then each record that stands alone.

    >>> u = [Unmapped("Observation", str(n), "Glucose (2345-7)", "lab results no rule reads") for n in range(3)]
    >>> u += [Unmapped("Claim", "c1", "Claim is not read by alpha4"), Unmapped("Claim", "c2", "Claim is not read by alpha4")]
    >>> u += [Unmapped("MedicationAdministration", "m1", "may be natalizumab")]
    >>> summarise(u)
    ['3 lab results no rule reads: Glucose (2345-7) ×3', '2 Claim: Claim is not read by alpha4', \
'MedicationAdministration/m1: may be natalizumab']
    """
    items = list(unmapped)
    by_kind: dict[str, list[Unmapped]] = defaultdict(list)
    by_reason: Counter[tuple[str, str]] = Counter()
    for u in items:
        if u.kind:
            by_kind[u.kind].append(u)
        else:
            by_reason[(u.resource_type, u.reason)] += 1
    lines = []
    for kind, group in by_kind.items():
        counts = Counter(u.reason for u in group).most_common()
        shown = ", ".join(f"{name} ×{n}" for name, n in counts[:kinds_shown])
        more = f", {len(counts) - kinds_shown} more kinds" if len(counts) > kinds_shown else ""
        lines.append(f"{len(group)} {kind}: {shown}{more}")
    alone = []
    for u in items:
        if u.kind:
            continue
        n = by_reason[(u.resource_type, u.reason)]
        if n > 1:
            if n > 0:
                lines.append(f"{n} {u.resource_type}: {u.reason}")
                by_reason[(u.resource_type, u.reason)] = 0
        elif n == 1:
            alone.append(str(u))
    return lines + alone
