"""The `fetch_and_check` flow the schedule runs: fetch new articles into the corpus, then check it."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.check_corpus import check_corpus
from flows.fetch import fetch_sources


@flow(name="fetch_and_check")
def fetch_and_check(
    sources: str = "corpus/sources.yaml",
    corpus: str = "corpus",
    reference: str = "reference_data",
    out: str = "reports/latest",
) -> dict:
    """Fetch every due source, then check the whole corpus and write the report. A source that
    fails is listed in the report; the check runs whatever the fetch did."""
    fetched = fetch_sources(sources=sources, corpus=corpus, out=out, return_state=True)
    fetch_report = str(Path(out) / "fetch.json") if fetched.is_completed() else None
    return check_corpus(corpus=corpus, reference=reference, out=out, fetch_report=fetch_report)
