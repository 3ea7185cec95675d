"""`figcheck fetch`: download new articles from the sources in corpus/sources.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from figcheck.cli.app import app, fail
from figcheck.sources import SourcesError, load_sources

if TYPE_CHECKING:
    from figcheck.fetching.run import FetchReport, PageEvent


@app.command()
def fetch(
    sources: Path = typer.Option(Path("corpus/sources.yaml"), "--sources", help="The list of sources to fetch."),
    corpus: Path = typer.Option(Path("corpus"), "--corpus", help="The corpus folder to store articles in."),
    out: Path | None = typer.Option(None, "--out", help="Write fetch.json (every source's outcome) into this folder."),
    force: bool = typer.Option(False, "--force", help="Fetch every source now, even one fetched less than `every` ago."),
    min_interval: float | None = typer.Option(
        None, "--min-interval", min=0, help="Seconds between two requests to one host (default from the sources file)."
    ),
    fail_on_error: bool = typer.Option(False, "--fail-on-error", help="Exit 1 when any source or page failed."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print the summary only, not each page."),
) -> None:
    """Download new and changed articles; a failing source is reported and the others still run."""
    # Imported here: the page extractor takes a tenth of a second to import, which every other
    # command, and every worker process a run starts (they import the entry script), would pay.
    from figcheck.fetching.client import FetchProblem, NotModified
    from figcheck.fetching.run import update_corpus, write_fetch_report
    from figcheck.fetching.store import StoreError

    try:
        source_list = load_sources(sources)
    except SourcesError as exc:
        fail(str(exc))
    if min_interval is not None:
        source_list.settings.min_interval = min_interval
    if not source_list.sources:
        typer.echo(f"{sources}: no sources listed; nothing to fetch")
        return

    seen = 0

    def progress(event: PageEvent) -> None:
        nonlocal seen
        seen += 1
        if quiet:
            return
        if isinstance(event, FetchProblem):
            typer.echo(f"[{seen}] failed {event.url}: {event.reason}: {event.message}", err=True)
        elif isinstance(event, NotModified):
            typer.echo(f"[{seen}] unchanged {event.url}", err=True)
        else:
            typer.echo(f"[{seen}] fetched {event.url}", err=True)

    try:
        report = update_corpus(source_list, corpus, force=force, on_page=progress)
    except StoreError as exc:
        fail(str(exc))
    if out is not None:
        path = write_fetch_report(report, out)
        typer.echo(f"report: {path}")
    typer.echo(_summary(report))
    if fail_on_error and report.problems:
        raise typer.Exit(1)


def _summary(report: FetchReport) -> str:
    counts = report.summary()
    lines = [
        f"{counts['fetched']} fetched, {counts['unchanged']} unchanged, {counts['new_versions']} new versions, "
        f"{counts['same_article']} already stored under another URL, {counts['failed']} failed"
        + (f", {counts['not_due']} sources not due" if counts["not_due"] else "")
    ]
    lines += [f"  failed {p.url}: {p.reason}: {p.message}" for p in report.problems]
    for revision in report.revisions:
        lines.append(f"  new version {revision.new_doc_id} of {revision.old_doc_id} ({revision.url})")
    lines += [f"  {finding.message}" for finding in report.findings]
    if report.revisions_unchecked:
        lines.append(f"  figures of new versions not compared: {report.revisions_unchecked}")
    return "\n".join(lines)
