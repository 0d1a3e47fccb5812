"""Progress bars for long commands: on stderr, shown only on a terminal (quiet when piped)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from .common import err


def progress_bar(console: Console | None = None) -> Progress:
    """A progress bar on stderr (or ``console``), shown only on a terminal (a pipe or a file
    stays clean)."""
    console = console or err
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
