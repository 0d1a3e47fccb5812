"""The ``alpha4`` command line (Typer).

Each command group lives in its own module; this module only assembles them.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="alpha4",
    help="Natalizumab therapy management: eligibility, infusion gate, schedule, PML risk, dosing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# -- command groups (one line each; keep this list sorted) --
from . import core as _core  # noqa: E402
from . import demo as _demo  # noqa: E402
from . import fhir as _fhir  # noqa: E402
from . import pk as _pk  # noqa: E402
from . import registry as _registry  # noqa: E402
from . import report as _report  # noqa: E402
from . import score as _score  # noqa: E402
from . import serve as _serve  # noqa: E402
from . import users as _users  # noqa: E402

_core.register(app)
_demo.register(app)
_registry.register(app)
_report.register(app)
_serve.register(app)
app.add_typer(_fhir.app, name="fhir")
app.add_typer(_pk.app, name="pk")
app.add_typer(_score.app, name="score")
app.add_typer(_users.app, name="user")
# -- end of command groups --


def main() -> None:
    """Entry point of the ``alpha4`` script."""
    app()
