"""Finding codes of the PK-guided interval planner (``alpha4.pk.planner``).

Each planner step returns exactly one of these; the planner may sharpen the title and
action with the chosen interval, the default wording here is what a card shows otherwise.
"""

from __future__ import annotations

from .codespec import CodeSpec

PK_CODES: dict[str, CodeSpec] = {
    "PK_INTERVAL_EXTEND": CodeSpec(
        "A longer dosing interval is predicted to keep the trough on target",
        "info",
        "pk",
        "Consider extending the interval and measure a trough before the next infusions to confirm.",
    ),
    "PK_INTERVAL_KEEP_LABEL": CodeSpec(
        "Keep every 4 weeks: a longer interval would fall below target",
        "info",
        "pk",
        "Keep every 4 weeks.",
    ),
    "PK_INTERVAL_KEEP_LABEL_ANTIBODIES": CodeSpec(
        "Keep every 4 weeks: persistent anti-natalizumab antibodies",
        "warning",
        "pk",
        "Do not extend the interval; review whether natalizumab should continue.",
    ),
    "PK_INTERVAL_KEEP_LABEL_DISEASE_ACTIVITY": CodeSpec(
        "Keep every 4 weeks: disease activity in the last 12 months",
        "warning",
        "pk",
        "Do not extend the interval while the disease is active.",
    ),
    "PK_INTERVAL_KEEP_LABEL_CROHNS": CodeSpec(
        "Keep every 4 weeks: trough-guided extension is studied in MS only",
        "info",
        "pk",
        "Keep the label interval for Crohn's disease.",
    ),
    "PK_INTERVAL_BELOW_TARGET_AT_LABEL": CodeSpec(
        "Predicted trough below target even every 4 weeks",
        "warning",
        "pk",
        "Do not extend; consider testing for anti-natalizumab antibodies.",
    ),
    "PK_INTERVAL_INSUFFICIENT_DATA": CodeSpec(
        "Not enough data to plan an extended interval",
        "info",
        "pk",
        "Keep every 4 weeks; record the missing data (trough level, MRI, relapses).",
    ),
}
