"""`figcheck runs`: the runs kept under ``runs/``: list them, show one, compare two, keep the last few."""

from __future__ import annotations

from pathlib import Path

import typer

from figcheck.cli.app import app, fail
from figcheck.report.run import RunInfo, describe_changes
from figcheck.report.view import format_time
from figcheck.runs import DEFAULT_KEEP, RunHistoryError, diff_runs, find_run, prune_runs, stored_runs

runs_app = typer.Typer(name="runs", help="The history of runs: list, show, diff, prune.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")

RUNS_OPTION = typer.Option(Path("reports/runs"), "--runs", help="The folder of kept runs (beside --out of `figcheck run`).")


@runs_app.command("list")
def list_runs(runs: Path = RUNS_OPTION) -> None:
    """One line per kept run, oldest first: id, start, corpus and counts."""
    stored = stored_runs(runs)
    if not stored:
        typer.echo(f"No finished runs in {runs}.")
        return
    typer.echo(f"{'run':<28} {'started':<21} {'docs':>6} {'claims':>7} {'errors':>6} {'warnings':>8} {'notes':>5}  corpus")
    for run in stored:
        try:
            info = run.info()
        except RunHistoryError as error:
            typer.echo(f"{run.run_id:<28} unreadable: {error}")
            continue
        counts = info.counts.discrepancies_by_severity
        typer.echo(
            f"{run.run_id:<28} {format_time(info.started):<21} {info.counts.documents:>6} {info.counts.claims:>7} "
            f"{counts.get('error', 0):>6} {counts.get('warning', 0):>8} {counts.get('info', 0):>5}  {info.corpus}"
        )


@runs_app.command("show")
def show_run(
    run: str = typer.Argument("latest", help="A run id (or its start), latest or previous."),
    runs: Path = RUNS_OPTION,
) -> None:
    """One run's summary: when, over what, what it found, what changed since the run before it."""
    try:
        stored = find_run(runs, run)
        info = stored.info()
    except RunHistoryError as error:
        fail(str(error))
    typer.echo(_summary(info, stored.path, stored.size()))


@runs_app.command("diff")
def diff(
    old: str = typer.Argument("previous", help="The earlier run (id, start of id, latest or previous)."),
    new: str = typer.Argument("latest", help="The later run."),
    runs: Path = RUNS_OPTION,
) -> None:
    """The discrepancies new in NEW that OLD did not report, and those of OLD that NEW no longer reports."""
    try:
        changes = diff_runs(find_run(runs, old), find_run(runs, new))
    except RunHistoryError as error:
        fail(str(error))
    typer.echo(
        f"Run {changes.new.run_id} against run {changes.old.run_id}: "
        f"{len(changes.appeared)} new, {len(changes.resolved)} resolved."
    )
    for finding in changes.appeared:
        typer.echo(f"  new       {finding.id}  {finding.check}: {finding.message}")
    for summary in changes.resolved:
        typer.echo(f"  resolved  {summary.id}  {summary.check}: {summary.message}")


@runs_app.command("prune")
def prune(
    keep: int = typer.Option(DEFAULT_KEEP, "--keep-runs", "--keep", min=1, help="How many of the newest runs to keep."),
    runs: Path = RUNS_OPTION,
) -> None:
    """Delete all but the newest runs; gzip the claims of the older ones kept. The newest and linked runs stay as they are."""
    result = prune_runs(runs, keep=keep)
    typer.echo(f"Removed {len(result.removed)} runs, compacted {len(result.compacted)}; {len(stored_runs(runs))} kept in {runs}.")


def _summary(info: RunInfo, path: Path, size: int) -> str:
    counts = info.counts
    by_severity = counts.discrepancies_by_severity
    lines = [
        f"Run        {info.run_id}",
        f"Started    {format_time(info.started)}" + (f", finished {format_time(info.finished)}" if info.finished else ""),
        f"Corpus     {info.corpus}" + (f" ({info.corpus_version})" if info.corpus_version else ""),
        f"Reference  {info.reference}" + (f" ({info.reference_version})" if info.reference_version else ""),
        f"Counts     {counts.documents} documents, {counts.claims} claims, {counts.findings} findings: "
        f"{by_severity.get('error', 0)} errors, {by_severity.get('warning', 0)} warnings, {by_severity.get('info', 0)} notes, "
        f"{counts.by_verdict.get('consistent', 0)} verified, {counts.by_verdict.get('unverifiable', 0)} unverifiable",
        f"Changes    {describe_changes(info.previous_run_id, len(info.new_finding_ids), len(info.resolved_findings))}",
        f"Problems   {len(info.problems)} sources could not be read" if info.problems else "Problems   none",
        f"Stored     {path} ({size / 1e6:.1f} MB)",
    ]
    return "\n".join(lines)
