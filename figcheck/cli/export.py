"""`figcheck export`: a run's findings in formats other tools read (schema.org ClaimReview)."""

from __future__ import annotations

from pathlib import Path

import typer

from figcheck.cli.app import app, fail
from figcheck.report import FindingsFileError, load_findings, write_text_atomically
from figcheck.report.claimreview import ClaimReviewError, Organisation, claimreview, dumps, review_page

export_app = typer.Typer(name="export", help="Export a run's findings for other tools.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("claimreview")
def export_claimreview(
    author_name: str = typer.Option(..., "--author-name", help="The fact-checking organisation publishing the reviews."),
    author_url: str = typer.Option(..., "--author-url", help="The organisation's web address."),
    findings: Path = typer.Option(
        Path("reports/latest/findings.json"), "--findings", help="findings.json of the run to export."
    ),
    out: str = typer.Option("-", "--out", help="File to write the JSON-LD to, or - for standard output."),
    report_url: str | None = typer.Option(
        None, "--report-url", help="Where report.html is published; each review's url is its finding's anchor there."
    ),
    pages: Path | None = typer.Option(
        None, "--pages", help="Also write one HTML page per review (its JSON-LD in the head) into this folder."
    ),
    pages_url: str | None = typer.Option(
        None, "--pages-url", help="Where the --pages folder is published; each review's url is its page there."
    ),
    include_consistent: bool = typer.Option(
        False, "--include-consistent", help="Also export the figures that were verified, rated Correct."
    ),
) -> None:
    """Write schema.org ClaimReview JSON-LD: one review per figure found wrong.

    Every review needs a url of its own: give --report-url (where report.html is published),
    or --pages DIR with --pages-url (where DIR is published).
    """
    if (pages is None) != (pages_url is None):
        fail("--pages and --pages-url go together: the folder to write and where it is published")
    if pages is not None and not pages.parent.is_dir():
        fail(f"{pages}: folder {pages.parent} does not exist")
    try:
        run, loaded = load_findings(findings)
    except FindingsFileError as error:
        fail(str(error))
    try:
        reviews = claimreview(
            loaded,
            run,
            Organisation(name=author_name, url=author_url),
            report_url=report_url,
            pages_url=pages_url,
            include_consistent=include_consistent,
        )
    except ClaimReviewError as error:
        fail(str(error))
    if pages is not None:
        pages.mkdir(exist_ok=True)
        for review in reviews:
            write_text_atomically(pages / f"{review['identifier']}.html", review_page(review))
    text = dumps(reviews) + "\n"
    if out == "-":
        typer.echo(text, nl=False)
        return
    target = Path(out)
    if not target.parent.is_dir():
        fail(f"{target}: folder {target.parent} does not exist")
    write_text_atomically(target, text)
