"""What was given: dose, route and product of each recorded infusion, against the profile's label.

US: 300 mg by intravenous infusion every 4 weeks. EU: 300 mg intravenously, or 300 mg
subcutaneously as two 150 mg pre-filled syringes. A recorded dose or route the label does not allow
is flagged (usually a data error, sometimes a dosing error); a switch between Tysabri and its
biosimilar Tyruko is said, because exposure adds up across both and anti-JCV assays differ.
"""

from __future__ import annotations

from alpha4.knowledge import label

from .context import Context
from .findings import Finding, evidence, finding


def administration_findings(ctx: Context) -> list[Finding]:
    found: list[Finding] = []
    dose = label.DOSE_MG.value
    odd_dose = [i for i in ctx.infusions if i.dose_mg != dose]
    if odd_dose:
        found.append(
            finding(
                "INFUSION_DOSE_UNEXPECTED",
                "Recorded dose other than "
                f"{dose:g} mg: " + "; ".join(f"{i.date}: {i.dose_mg:g} mg" for i in odd_dose) + ".",
                evidence=[evidence(i, f"{i.dose_mg:g} mg") for i in odd_dose],
                facts=[label.DOSE_MG],
            )
        )
    routes = ctx.profile.routes
    odd_route = [i for i in ctx.infusions if i.route.value not in routes.value]
    if odd_route:
        found.append(
            finding(
                "INFUSION_ROUTE_NOT_ALLOWED",
                f"Route not allowed under the {ctx.profile.name.upper()} label ({', '.join(routes.value)}): "
                + "; ".join(f"{i.date}: {i.route.value}" for i in odd_route)
                + ".",
                evidence=[evidence(i, i.route.value) for i in odd_route],
                facts=[routes],
            )
        )
    switches = [
        (before, after)
        for before, after in zip(ctx.infusions, ctx.infusions[1:], strict=False)
        if before.product is not after.product
    ]
    if switches:
        found.append(
            finding(
                "PRODUCT_SWITCHED",
                "; ".join(
                    f"{a.product.value.title()} on {a.date} after {b.product.value.title()} on {b.date}"
                    for b, a in switches
                )
                + f". {label.PRODUCT_SWITCH.value}. All {ctx.infusion_count} infusions count as exposure.",
                evidence=[evidence(a, a.product.value) for _, a in switches],
                facts=[label.PRODUCT_SWITCH, label.JCV_ASSAY_INTERCHANGEABILITY],
            )
        )
    return found
