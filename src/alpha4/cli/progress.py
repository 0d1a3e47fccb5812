"""Progress bars for long commands: on stderr, shown only on a terminal (quiet when piped)."""

from __future__ import annotations

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from .common import err


def progress_bar() -> Progress:
    """A progress bar on stderr, shown only on a terminal (a pipe or a file stays clean)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
