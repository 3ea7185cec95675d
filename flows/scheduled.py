"""The `fetch_and_check` flow the schedule runs: fetch new articles into the corpus, then check it."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.check_corpus import check_corpus
from flows.fetch import fetch_sources
from flows.runners import task_runner


@flow(name="fetch_and_check")
def fetch_and_check(
    sources: str = "corpus/sources.yaml",
    corpus: str = "corpus",
    reference: str = "reference_data",
    out: str = "reports/latest",
    dask: str | None = None,
    workers: int | None = None,
) -> dict:
    """Fetch every due source, then check the whole corpus and write the report. A source that
    fails is listed in the report; the check runs whatever the fetch did. ``dask`` and
    ``workers`` choose where the check runs, as `figcheck run --dask --workers` do."""
    # The fetch's report goes beside `out`, not into it: `out` is the previous run's folder until
    # the check switches it to its own, which keeps a copy of the report.
    fetch_folder = Path(out).parent / "fetch"
    fetched = fetch_sources(sources=sources, corpus=corpus, out=str(fetch_folder), return_state=True)
    fetch_report = str(fetch_folder / "fetch.json") if fetched.is_completed() else None
    check = check_corpus.with_options(task_runner=task_runner(dask, workers))
    return check(corpus=corpus, reference=reference, out=out, fetch_report=fetch_report, workers=workers)
