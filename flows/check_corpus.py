"""The `check_corpus` flow: load the corpus → extract claims → run the checkers → write the report.

Work goes to Prefect in batches of articles, not one task per article: a task run costs the
client a few milliseconds and a SQLite-backed server records only some tens a second, while a
batch of hundreds of articles takes about a second of real work.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE

from figcheck.corpus import list_articles
from figcheck.pipeline import BatchResult, CorpusRun, RunSummary, batches
from figcheck.records import LoadProblem
from figcheck.report import describe_changes

# Task inputs here are live objects (an open run, its cache): nothing is cached by Prefect;
# figcheck keeps its own cache keyed on article content (figcheck.pipeline.ClaimCache).


@task(cache_policy=NONE, retries=2, retry_delay_seconds=2)
def load_corpus(corpus: str) -> tuple[list[Path], list[LoadProblem]]:
    return list_articles(Path(corpus))


@task(cache_policy=NONE)
def start_run(corpus: str, reference: str, out: str, use_cache: bool, workers: int | None) -> CorpusRun:
    return CorpusRun(Path(corpus), Path(reference), Path(out), use_cache=use_cache, workers=workers)


@task(cache_policy=NONE)
def extract_and_check(run: CorpusRun, paths: list[Path]) -> BatchResult:
    """Extract claims from a batch of articles and run the checks within each article, on
    every core (worker processes; the batch is one task either way)."""
    return run.check_batch(paths)


@task(cache_policy=NONE, retries=2, retry_delay_seconds=2)
def write_report(run: CorpusRun) -> RunSummary:
    """Compare across articles, then write findings.json, claims.jsonl, report.md, report.html."""
    return run.finish()


@flow(name="check_corpus")
def check_corpus(
    corpus: str = "corpus",
    reference: str = "reference_data",
    out: str = "reports/latest",
    batch_size: int = 500,
    use_cache: bool = True,
    fetch_report: str | None = None,
    workers: int | None = None,
) -> dict:
    """Check every figure in the corpus and write the discrepancy report; ``fetch_report`` is
    the fetch.json of a fetch run just before, whose failures and revisions the report lists."""
    logger = get_run_logger()
    paths, problems = load_corpus(corpus)
    run = start_run(corpus, reference, out, use_cache, workers)
    try:
        run.add_problems(problems)
        if fetch_report is not None and Path(fetch_report).is_file():
            run.add_fetch_report(Path(fetch_report))
        done = 0
        for batch in batches(paths, batch_size):
            result = extract_and_check(run, batch)
            done += len(batch)
            logger.info(
                "articles %d/%d: %d claims, %d from cache, %d unreadable (%.1fs)",
                done, len(paths), result.claims, result.cached, result.problems, result.seconds,
            )
        summary = write_report(run)
    except BaseException:
        run.abandon()
        raise
    for problem in summary.problems:
        logger.warning("not checked: %s", problem.message)
    publish_artifacts(summary)
    return summary_dict(summary)


def publish_artifacts(summary: RunSummary) -> None:
    """A Markdown summary and a table of discrepancies on the flow run, for the Prefect UI."""
    create_markdown_artifact(
        key="figcheck-summary",
        markdown=summary_markdown(summary),
        description="figcheck run summary",
    )
    rows = [
        {
            "severity": f.severity,
            "check": f.check,
            "article": f.claims[0].doc_id if f.claims else "",
            "figure": f.claims[0].text if f.claims else "",
            "message": f.message,
        }
        for f in sorted(summary.discrepancies, key=lambda f: ({"error": 0, "warning": 1}.get(f.severity, 2), f.check))[:500]
    ]
    if rows:
        create_table_artifact(key="figcheck-discrepancies", table=rows, description="Discrepancies (first 500)")


def summary_markdown(summary: RunSummary) -> str:
    by_check = "\n".join(f"| {check} | {n} |" for check, n in sorted(summary.findings_by_check.items())) or "| — | 0 |"
    return (
        f"# figcheck run {summary.run_id}\n\n"
        f"{summary.articles} articles, {summary.claims} claims; "
        f"{summary.errors} errors, {summary.warnings} warnings; "
        f"{describe_changes(summary.previous_run_id, summary.new, summary.resolved)} "
        f"{len(summary.problems)} articles could not be read.\n\n"
        f"| check | discrepancies |\n|---|---|\n{by_check}\n\n"
        f"Report: `{summary.out / 'report.html'}`\n"
    )


def summary_dict(summary: RunSummary) -> dict:
    return {
        "run_id": summary.run_id,
        "out": str(summary.out),
        "articles": summary.articles,
        "claims": summary.claims,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "new": summary.new,
        "resolved": summary.resolved,
        "previous_run_id": summary.previous_run_id,
        "problems": len(summary.problems),
        "cached": summary.cached,
    }
