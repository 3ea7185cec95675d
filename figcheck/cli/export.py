"""`figcheck export`: a run's findings in formats other tools read (schema.org ClaimReview)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from figcheck.cli.app import app, fail
from figcheck.report import FindingsFileError, claimreview, load_findings, write_text_atomically

export_app = typer.Typer(name="export", help="Export a run's findings for other tools.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("claimreview")
def export_claimreview(
    findings: Path = typer.Option(
        Path("reports/latest/findings.json"), "--findings", help="findings.json of the run to export."
    ),
    out: str = typer.Option("-", "--out", help="File to write the JSON-LD to, or - for standard output."),
    include_consistent: bool = typer.Option(
        False, "--include-consistent", help="Also export the claims that were verified, rated Correct."
    ),
    report_url: str | None = typer.Option(
        None, "--report-url", help="Where report.html is published; each review links to its finding there."
    ),
) -> None:
    """Write schema.org ClaimReview JSON-LD for each discrepancy: one review per article and finding."""
    try:
        run, loaded = load_findings(findings)
    except FindingsFileError as error:
        fail(str(error))
    text = (
        json.dumps(
            claimreview(loaded, run, include_consistent=include_consistent, report_url=report_url),
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    if out == "-":
        typer.echo(text, nl=False)
        return
    target = Path(out)
    if not target.parent.is_dir():
        fail(f"{target}: folder {target.parent} does not exist")
    write_text_atomically(target, text)
