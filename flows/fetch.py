"""The `fetch_sources` flow: download new articles into the corpus before it is checked."""

from __future__ import annotations

import logging

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.exceptions import MissingContextError
from prefect.logging import get_run_logger

from figcheck.fetching.client import PageFetcher
from figcheck.fetching.run import (
    FetchReport,
    Revision,
    SourceFetch,
    SourceReport,
    collect_source,
    is_due,
    now_utc,
    revision_check,
    store_source,
    write_fetch_report,
)
from figcheck.fetching.robots import RobotsRules
from figcheck.fetching.store import CorpusStore
from figcheck.records import Finding
from figcheck.sources import Source, SourceList, load_sources as read_sources_file

# Downloads retry inside PageFetcher (5xx, connection errors, timeouts, with backoff);
# a Prefect retry on top would multiply them, so the fetch task has none. Results hold
# whole pages and a live HTTP client is passed in: nothing here is cached.


def run_logger() -> logging.Logger | logging.LoggerAdapter:
    """The current flow's or task's run logger (its lines show with the run in Prefect's UI);
    this module's logger when called outside a run."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


@task(cache_policy=NONE)
def load_sources(path: str) -> SourceList:
    return read_sources_file(path)


@task(cache_policy=NONE)
def fetch_source(
    source: Source, sources: SourceList, corpus: str, fetcher: PageFetcher, robots: RobotsRules
) -> SourceFetch:
    """One task per source, not per page: a feed's items are fetched inside it."""
    return collect_source(source, sources, CorpusStore(corpus), fetcher, robots=robots, logger=run_logger())


@task(cache_policy=NONE, retries=2, retry_delay_seconds=5)
def store_articles(fetched: SourceFetch, corpus: str) -> tuple[SourceReport, list[Revision]]:
    # Storing is idempotent (a page already stored is recognised by its text), so a retry is safe.
    with CorpusStore.locked(corpus) as store:
        return store_source(fetched, store, now_utc())


@task(cache_policy=NONE)
def compare_revisions(revisions: list[Revision], corpus: str) -> tuple[list[Finding], str | None]:
    return revision_check(revisions, corpus)


@task(cache_policy=NONE, retries=2, retry_delay_seconds=5)
def write_report(report: FetchReport, out: str) -> str:
    return str(write_fetch_report(report, out))


@flow(name="fetch_sources")
def fetch_sources(sources: str = "corpus/sources.yaml", corpus: str = "corpus", out: str | None = None) -> dict:
    """Fetch every due source into ``corpus``; failures are reported, never fatal."""
    logger = run_logger()
    report = FetchReport(started=now_utc(), finished=now_utc())
    source_list = load_sources(sources)
    last_runs = CorpusStore(corpus)
    with PageFetcher(source_list.settings, trusted_urls=source_list.urls()) as fetcher:
        robots = RobotsRules(fetcher)  # robots.txt read once per host for the whole run
        for source in source_list.sources:
            if not is_due(source, source_list, last_runs.last_run(source.url), now_utc()):
                report.sources.append(SourceReport(url=source.url, kind=source.kind, status="not_due"))
                continue
            fetched = fetch_source(source, source_list, corpus, fetcher, robots)
            source_report, revisions = store_articles(fetched, corpus)
            report.sources.append(source_report)
            report.revisions += revisions
    report.findings, report.revisions_unchecked = compare_revisions(report.revisions, corpus)
    report.finished = now_utc()
    if out is not None:
        write_report(report, out)
    summary = report.summary()
    logger.info("fetched %(fetched)s, unchanged %(unchanged)s, new versions %(new_versions)s, failed %(failed)s", summary)
    return summary
