"""The `check_corpus` flow: load the corpus → extract claims → run the checkers → write the report.

The articles the claim cache does not know are sent to the flow's task runner in batches (a
task run per batch: one per article would cost more in Prefect's bookkeeping than the work),
as plain data: the articles as read (their bytes and their metadata's, unparsed) and the
reference table go out, claims, findings and cross-article entries come back. The flow's process
reads the corpus's bytes and the cache, merges what comes back and writes the outputs; the
workers parse the articles and never see a file. The task runner decides where
batches run: local processes by default (flows/runners.py), or a Dask cluster. Once the batches
are in, an idle worker of this machine, if the run used any, renders the copy of the run's files
that the next run takes if nothing changes (``IdleWorkers``), while the flow writes its own.
"""

from __future__ import annotations

import contextvars
import gc
from collections.abc import Callable
from concurrent.futures import Executor
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NONE
from prefect.context import FlowRunContext
from prefect.utilities.annotations import quote

from figcheck.pipeline import (
    DEFAULT_ARTICLE_SECONDS,
    DEFAULT_BATCH_SIZE,
    Batch,
    BatchOutput,
    Completed,
    CorpusRun,
    RunSummary,
    check_batch,
    run_batches,
)
from flows.runners import idle_workers_here, in_worker, local_workers, start_local_workers, takes_quoted, task_runner
from figcheck.report import describe_changes
from figcheck.runs import DEFAULT_KEEP

# figcheck keeps its own cache keyed on article content (figcheck.pipeline.ClaimCache), consulted
# before anything is sent out; Prefect's caching would only hash large inputs for nothing.


@task(cache_policy=NONE, retries=1, retry_delay_seconds=1, task_run_name="extract_and_check-{batch.number}")
def extract_and_check(batch: Batch) -> BatchOutput:
    """Extract the claims of a batch of articles and run the checks within each article: in a worker
    process of this machine, or where the task run is (a Dask worker; a run's only batch, small,
    which the flow checks itself rather than start workers for it)."""
    return check_batch(batch) if batch.alone else in_worker(check_batch, batch)


@task(cache_policy=NONE, retries=2, retry_delay_seconds=2)
def write_report(run: CorpusRun, spare: Executor | None = None) -> RunSummary:
    """Compare across articles, then write findings.json, claims.jsonl, report.md, report.html into
    a new run folder and switch ``out`` to it. Each step is done once: a retry redoes only what failed.
    ``spare``: idle workers that may render, meanwhile, the copy of the files the next run takes if
    nothing changes (``CorpusRun.finish``)."""
    return run.finish(spare=spare)


@task(cache_policy=NONE, task_run_name="aside-{function.__name__}")
def work_aside(function: Callable[..., None], arguments: tuple) -> None:
    """Work of the run's own, done by an idle worker while the run goes on (``IdleWorkers``)."""
    in_worker(function, *arguments)


class IdleWorkers(Executor):
    """The task runner's workers, idle once the batches are in, as ``CorpusRun.finish`` asks for
    spare processes: what it hands them runs as a task run of ``work_aside``. A failed one fails
    nothing: the run takes it as if it had had no spare.

    Made in the flow's body, it hands work out as from there: from within ``write_report``'s task
    run, Prefect would send that task run's context along, and with it its live ``CorpusRun``."""

    def __init__(self) -> None:
        self.submitted = 0
        self._context = contextvars.copy_context()

    def submit(self, fn, /, *args, **kwargs):
        if kwargs:
            raise TypeError("work handed aside takes its arguments by position")
        self.submitted += 1
        return self._context.copy().run(work_aside.submit, fn, args)


@flow(name="check_corpus", task_runner=task_runner())
def check_corpus(
    corpus: str = "corpus",
    reference: str = "reference_data",
    out: str = "reports/latest",
    batch_size: int = DEFAULT_BATCH_SIZE,
    use_cache: bool = True,
    fetch_report: str | None = None,
    workers: int | None = None,
    article_seconds: float | None = DEFAULT_ARTICLE_SECONDS,
    keep_runs: int = DEFAULT_KEEP,
    follow_symlinks: bool = False,
) -> dict:
    """Check every figure in the corpus and write the discrepancy report; ``fetch_report`` is
    the fetch.json of a fetch run just before, whose failures and revisions the report lists.
    ``workers`` is how many batches are worked on at once (default: one per core); the last
    ``keep_runs`` runs are kept under runs/."""
    logger = get_run_logger()
    run = CorpusRun(Path(corpus), Path(reference), Path(out), use_cache=use_cache, article_seconds=article_seconds,
                    keep_runs=keep_runs, follow_symlinks=follow_symlinks, warn=logger.warning)
    try:
        if fetch_report is not None and Path(fetch_report).is_file():
            run.add_fetch_report(Path(fetch_report))

        def progress(batch: Batch, output: BatchOutput | None, claims: int) -> None:
            if output is None:
                logger.error("%s could not be checked; its articles are listed as not checked", batch.name)
            else:
                logger.info("%s: %d claims (%.1fs); %d articles so far, %d from the cache",
                            batch.name, claims, output.seconds, len(run.documents), run.cached)

        handed_out = []  # the batches that went to the task runner's workers
        runner = FlowRunContext.get().task_runner
        quoted = takes_quoted(runner)

        def hand_out(batch: Batch):
            # A run whose work is one small batch does it here rather than start workers for it.
            if batch.alone:
                return Completed(extract_and_check, batch)
            handed_out.append(batch.number)
            return extract_and_check.submit(quote(batch) if quoted else batch)

        # Prefect's future for a batch holds the task run's final state, and with it the result, in
        # a reference cycle that only a full collection frees. What it holds is an empty shell once
        # merged (CorpusRun.add_output), left to the collector's own pace. What exists before the
        # batches (the modules, Prefect's client) is left out of its collections meanwhile.
        gc.freeze()
        try:
            run_batches(run, hand_out, batch_size=batch_size, window=2 * local_workers(workers), on_batch=progress,
                        first_miss=lambda: start_local_workers(runner, check_batch.__module__))
        finally:
            gc.unfreeze()
        # Workers that checked batches and see this machine's files render, meanwhile, what the
        # next run takes if nothing changes. None is started for it: a new worker's start (its
        # imports, the report's among them) costs this run more than rendering again costs the next.
        # Without one, the next such run renders its files again.
        spare = IdleWorkers() if handed_out and idle_workers_here(runner) else None
        summary = write_report(run, spare)
    except BaseException:
        run.abandon()
        raise
    for problem in summary.problems:
        logger.warning("not checked: %s", problem.message)
    publish_artifacts(summary)
    return summary_dict(summary, aside=spare.submitted if spare is not None else 0)


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


def summary_dict(summary: RunSummary, *, aside: int = 0) -> dict:
    """``aside``: the task runs of work handed to idle workers (``IdleWorkers``)."""
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
        "task_runs": summary.submitted + 1 + aside,
    }
