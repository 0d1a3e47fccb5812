"""``alpha4 report NAME``: the cohort reports from the registry's per-patient summaries.

NAME is a report (safety, pml, effectiveness, rems, discontinuations, interruptions, infusions),
``analytic`` (the de-identified one-row-per-patient table for pooling, best as Parquet) or
``refresh`` (recompute expired summaries only, e.g. nightly from cron). Before a report runs, the
summaries that expired (a summary holds for the day it was computed for) are recomputed, with a
progress bar. Statistics, Arrow and matplotlib are imported inside the command, so ``alpha4
--help`` and every other command start without them.
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import ProfileName, err, fail, out, parse_date, print_json
from .progress import progress_bar
from .registry import now, registry, store_errors

if TYPE_CHECKING:
    from alpha4.store import Database
    from alpha4.store.reports import Report, ReportFilter


class ReportFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"
    PARQUET = "parquet"
    PDF = "pdf"


class Interval(enum.StrEnum):
    CLOPPER_PEARSON = "clopper-pearson"
    WILSON = "wilson"


REPORT_NAMES = ("safety", "pml", "effectiveness", "rems", "discontinuations", "interruptions", "infusions")
SPECIAL = ("analytic", "refresh")
HELP = (
    "Report: " + ", ".join(REPORT_NAMES) + "; 'analytic' (de-identified per-patient table); "
    "'refresh' (recompute expired summaries only)"
)


def refresh_summaries(db: Database, *, everyone: bool = False) -> int:
    """Recompute the summaries that expired (all of them with ``everyone``), as of today."""
    from alpha4.store.summary import count_stale, refresh_stale

    at = now()
    with db.reading() as session:
        total = count_stale(session=session, as_of=at.date())
        if everyone:
            from alpha4.store import count_patients

            total = count_patients(session=session)
    if not total:
        return 0
    with progress_bar() as progress, db.writing() as session:
        task = progress.add_task("refreshing summaries", total=total)
        result = refresh_stale(
            session=session,
            as_of=at.date(),
            computed_at=at,
            everyone=everyone,
            progress=lambda n: progress.advance(task, n),
        )
    return result.patients


def print_report(report: Report) -> None:
    from rich.table import Table

    table = Table(title=report.title, title_justify="left")
    for column in report.columns:
        table.add_column(column.title, justify="right" if column.kind != "text" else "left")
    for row in report.rows:
        table.add_row(*(report.cell(row, c) for c in report.columns))
    out.print(table)
    shown = {k: v for k, v in report.filters.described().items() if v}
    out.print(f"As of {report.as_of or '(no summaries)'}; " + ", ".join(f"{k} {v}" for k, v in shown.items()))
    if report.suppressed_cells:
        out.print(
            f"{report.suppressed_cells} cells suppressed (fewer than {report.filters.min_cell} patients)."
        )
    for note in report.notes:
        out.print(f"- {note}", highlight=False)
    for source in report.sources:
        out.print(f"Source: {source}", highlight=False)


def write_csv(records: list[dict[str, Any]], output: Path | None) -> None:
    import csv
    import io

    buffer = io.StringIO()
    if records:
        writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    if output is None:
        sys.stdout.write(buffer.getvalue())
    else:
        output.write_text(buffer.getvalue(), encoding="utf-8")


def write_parquet_records(records: list[dict[str, Any]], output: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(records), output)


def export_analytic(db: Database, f: ReportFilter, fmt: ReportFormat, output: Path | None) -> int:
    """Stream the analytic table to Parquet (batch by batch), CSV or JSON; returns the row count."""
    from alpha4.store.analytic import ANALYTIC_COLUMNS, TYPES, iter_analytic_rows

    rows = 0
    with db.reading() as session:
        batches = iter_analytic_rows(
            session=session,
            profile=f.profile,
            disease=f.disease,
            site=f.site,
            treated_from=f.date_from,
            treated_to=f.date_to,
        )
        if fmt is ReportFormat.PARQUET:
            import pyarrow as pa
            import pyarrow.parquet as pq

            if output is None:
                fail("--format parquet writes a file: give --output")
            schema = pa.schema([(c, getattr(pa, TYPES[c])()) for c in ANALYTIC_COLUMNS])
            with pq.ParquetWriter(output, schema) as writer:
                for batch in batches:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    rows += len(batch)
            return rows
        collected = [r for batch in batches for r in batch]
    if fmt is ReportFormat.JSON:
        print_json(collected)
    else:
        write_csv(collected, output)
    return len(collected)


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report_command(
        name: Annotated[str, typer.Argument(help=HELP, metavar="NAME")],
        format: Annotated[
            ReportFormat,
            typer.Option(
                "--format",
                "-f",
                help="text, json, csv, parquet (needs --output), pdf (safety; needs --output)",
            ),
        ] = ReportFormat.TEXT,
        date_from: Annotated[
            str | None, typer.Option("--from", help="Start of the period (YYYY-MM-DD)")
        ] = None,
        date_to: Annotated[str | None, typer.Option("--to", help="End of the period (YYYY-MM-DD)")] = None,
        indication: Annotated[
            str | None, typer.Option("--indication", help="multiple_sclerosis or crohns_disease")
        ] = None,
        site: Annotated[str | None, typer.Option("--site", help="One site only")] = None,
        profile: Annotated[ProfileName, typer.Option("--profile", help="Label profile")] = ProfileName.US,
        min_cell: Annotated[
            int | None,
            typer.Option(
                "--min-cell", min=1, help="Suppress cells under this many patients (default 5; 1: none)"
            ),
        ] = None,
        interval: Annotated[
            Interval, typer.Option("--interval", help="95% interval for proportions")
        ] = Interval.CLOPPER_PEARSON,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="File to write (csv, parquet, pdf)")
        ] = None,
        everyone: Annotated[
            bool, typer.Option("--all", help="With 'refresh': recompute every summary")
        ] = False,
    ) -> None:
        """A cohort report (aggregates only, small cells suppressed), the de-identified analytic
        table, or a refresh of the per-patient summaries."""
        if name not in (*REPORT_NAMES, *SPECIAL):
            fail(f"no report {name!r}; choose one of: {', '.join((*REPORT_NAMES, *SPECIAL))}")
        if indication not in (None, "multiple_sclerosis", "crohns_disease"):
            fail(f"--indication: {indication!r} is not multiple_sclerosis or crohns_disease")
        if format in (ReportFormat.PARQUET, ReportFormat.PDF) and output is None:
            fail(f"--format {format.value} writes a file: give --output")
        if format is ReportFormat.PDF and name != "safety":
            fail("--format pdf is the printable safety report: use NAME safety")
        from alpha4.store.report_stats import Method
        from alpha4.store.reports import ReportFilter, run_report

        try:
            f = ReportFilter(
                profile=profile.value,
                disease=indication,
                site=site,
                date_from=parse_date(date_from, "--from") if date_from else None,
                date_to=parse_date(date_to, "--to") if date_to else None,
                method=Method(interval.value),
                **({"min_cell": min_cell} if min_cell is not None else {}),
            )
        except ValueError as error:
            fail(str(error))
        with registry() as db, store_errors(db):
            refreshed = refresh_summaries(db, everyone=everyone and name == "refresh")
            if name == "refresh":
                out.print(f"{refreshed} patients' summaries recomputed.")
                return
            if refreshed:
                err.print(f"{refreshed} expired summaries recomputed first.")
            if name == "analytic":
                if format is ReportFormat.TEXT:
                    fail("the analytic table is data: use --format parquet, csv or json")
                count = export_analytic(db, f, format, output)
                err.print(f"{count} de-identified rows written.")
                return
            if format is ReportFormat.PDF:
                from alpha4.app.report_pdf import safety_pdf

                if output is None:
                    fail("--format pdf writes a file: give --output")
                with db.reading() as session:
                    reports = [run_report(session, n, f) for n in ("safety", "pml", "effectiveness")]
                pages = safety_pdf(reports, output)
                err.print(f"{output}: {pages} pages.")
                return
            with db.reading() as session:
                report = run_report(session, name, f)
        if format is ReportFormat.JSON:
            print_json(report.to_json())
        elif format is ReportFormat.CSV:
            write_csv(report.records(), output)
        elif format is ReportFormat.PARQUET:
            if output is None:
                fail("--format parquet writes a file: give --output")
            write_parquet_records(report.records(), output)
        else:
            print_report(report)


commands = typer.Typer(add_completion=False)
register(commands)
