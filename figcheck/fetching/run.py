"""One fetch run: every due source downloaded, its articles stored, the outcome reported.

A failing source or page never stops the run: it becomes a FetchProblem in the report,
and the other sources are still fetched. Each page's outcome is also logged, to the logger
the caller gives (a flow gives its run logger, so the messages show with the run).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from figcheck.fetching.article import extract_article
from figcheck.fetching.client import (
    Download,
    EncodingProblem,
    FetchProblem,
    NotModified,
    Outcome,
    PageFetcher,
    decode_html,
)
from figcheck.fetching.listings import ListedItem, Listing, ListingError, looks_like_listing, read_listing
from figcheck.fetching.revisions import check_revisions
from figcheck.fetching.robots import RobotsRules
from figcheck.fetching.store import CorpusStore, FetchedPage, Stored, write_atomically
from figcheck.records import Finding, LoadProblem
from figcheck.sources import Source, SourceList

log = logging.getLogger(__name__)
Logger = logging.Logger | logging.LoggerAdapter

REPORT_FILE = "fetch.json"
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_XML_TYPES = {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml"}
_LISTING_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"

PageEvent = FetchedPage | NotModified | FetchProblem


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class SourceFetch:
    """What downloading one source gave, before anything is stored."""

    source: Source
    kind: Literal["article", "feed", "sitemap", "unknown"] = "unknown"
    pages: list[FetchedPage] = field(default_factory=list)
    not_modified: list[NotModified] = field(default_factory=list)
    problems: list[FetchProblem] = field(default_factory=list)
    listing_download: Download | None = None
    # The item URLs of a feed or sitemap, to be remembered for a later 304.
    listing: list[str] | None = None


class Revision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    old_doc_id: str
    new_doc_id: str


class SourceReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    kind: str
    # fetched: at least one page fetched or unchanged; failed: nothing could be had;
    # not_due: fetched less than `every` ago, left alone this run.
    status: Literal["fetched", "failed", "not_due"]
    new: list[str] = Field(default_factory=list)
    new_versions: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    same_article: list[str] = Field(default_factory=list)
    problems: list[FetchProblem] = Field(default_factory=list)


class FetchReport(BaseModel):
    """The outcome of one fetch run, as written to ``fetch.json``."""

    model_config = ConfigDict(extra="forbid")

    started: datetime
    finished: datetime
    sources: list[SourceReport] = Field(default_factory=list)
    revisions: list[Revision] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    # Why revision findings were not computed, when they were not.
    revisions_unchecked: str | None = None

    @property
    def problems(self) -> list[FetchProblem]:
        return [problem for source in self.sources for problem in source.problems]

    def load_problems(self) -> list[LoadProblem]:
        """The failures in the form the check report lists documents that could not be loaded."""
        return [LoadProblem(path=p.url, message=f"fetch failed ({p.reason}): {p.message}") for p in self.problems]

    def summary(self) -> dict[str, object]:
        return {
            "sources": len(self.sources),
            "not_due": sum(s.status == "not_due" for s in self.sources),
            "fetched": sum(len(s.new) for s in self.sources),
            "unchanged": sum(len(s.unchanged) for s in self.sources),
            "new_versions": sum(len(s.new_versions) for s in self.sources),
            "same_article": sum(len(s.same_article) for s in self.sources),
            "failed": len(self.problems),
            "revision_findings": len(self.findings),
            "problems": [p.model_dump(mode="json", exclude_none=True) for p in self.problems],
        }


# --- downloading ---------------------------------------------------------------------------


def is_due(source: Source, sources: SourceList, last_run: datetime | None, now: datetime) -> bool:
    every = sources.every(source)
    return every is None or last_run is None or now - last_run >= every


def collect_source(
    source: Source,
    sources: SourceList,
    store: CorpusStore,
    fetcher: PageFetcher,
    on_page: Callable[[PageEvent], None] | None = None,
    *,
    robots: RobotsRules | None = None,
    logger: Logger | None = None,
) -> SourceFetch:
    """Download one source and, for a feed or sitemap, its newest items. Stores nothing.

    ``robots`` holds the run's robots.txt answers (one per host per run; a new one is made
    if none is given). An unexpected error in one page becomes that page's problem.
    """
    logger = logger or log
    robots = robots if robots is not None else RobotsRules(fetcher)

    def notify(event: PageEvent) -> None:
        _log_event(logger, event)
        if on_page is not None:
            on_page(event)

    def refusal(url: str) -> FetchProblem | None:
        return robots.refusal(url, source.url) if source.robots == "obey" else None

    try:
        return _collect(source, sources, store, fetcher, notify, refusal)
    except Exception as exc:  # a bug or an input nobody foresaw: this source fails, the run goes on
        logger.exception("unexpected error while fetching %s", source.url)
        problem = _problem(source.url, source, "unexpected_error", f"{type(exc).__name__}: {exc}")
        notify(problem)
        return SourceFetch(source=source, problems=[problem])


def _collect(
    source: Source,
    sources: SourceList,
    store: CorpusStore,
    fetcher: PageFetcher,
    notify: Callable[[PageEvent], None],
    refusal: Callable[[str], FetchProblem | None],
) -> SourceFetch:
    result = SourceFetch(source=source)
    if (refused := refusal(source.url)) is not None:
        result.problems.append(refused)
        notify(refused)
        return result
    expects_listing = source.kind in ("feed", "sitemap")
    etag, last_modified = store.validators(source.url)
    answer = fetcher.get(
        source.url,
        etag=etag,
        last_modified=last_modified,
        max_bytes=fetcher.settings.max_listing_bytes if expects_listing else None,
        accept=_LISTING_ACCEPT if expects_listing else "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        may_follow=refusal,
    )
    if isinstance(answer, FetchProblem):
        result.problems.append(answer.model_copy(update={"source": source.url}))
        notify(result.problems[-1])
        return result
    if isinstance(answer, NotModified):
        listing = store.listing(source.url)
        if not listing:
            result.kind = "article"
            result.not_modified.append(answer)
            notify(answer)
            return result
        result.kind = store.source_kind(source.url) or "feed"  # type: ignore[assignment]
        items = [ListedItem(url=url) for url in listing[: sources.max_items(source)]]
    else:
        kind = _kind_of(answer, source)
        if isinstance(kind, FetchProblem):
            result.problems.append(kind)
            notify(kind)
            return result
        if kind == "article":
            result.kind = "article"
            page = _page(answer, source, source.url)
            (result.pages if isinstance(page, FetchedPage) else result.problems).append(page)
            notify(page)
            return result
        try:
            result.kind, listing_items, child_problems = _listing_items(answer, source, fetcher, refusal)
        except ListingError as exc:
            problem = _problem(source.url, source, "bad_listing", f"cannot read the feed or sitemap: {exc}")
            result.problems.append(problem)
            notify(problem)
            return result
        for problem in child_problems:
            result.problems.append(problem)
            notify(problem)
        result.listing_download = answer
        items = _newest(listing_items, sources.max_items(source))
        result.listing = [item.url for item in items]

    def fetch_item(item: ListedItem) -> PageEvent:
        try:
            if (refused := refusal(item.url)) is not None:
                return refused
            etag, last_modified = store.validators(item.url)
            outcome = fetcher.get(item.url, etag=etag, last_modified=last_modified, may_follow=refusal)
            return _page(outcome, source, item.url, item.published)
        except Exception as exc:  # one page's surprise is that page's problem
            log.exception("unexpected error while fetching %s", item.url)
            return _problem(item.url, source, "unexpected_error", f"{type(exc).__name__}: {exc}")

    # Hosts are spaced by the fetcher's rate limit; threads only overlap different hosts'
    # waits and the text extraction.
    with ThreadPoolExecutor(max_workers=fetcher.settings.workers, thread_name_prefix="fetch") as pool:
        for event in pool.map(fetch_item, items):
            if isinstance(event, FetchedPage):
                result.pages.append(event)
            elif isinstance(event, NotModified):
                result.not_modified.append(event)
            else:
                result.problems.append(event)
            notify(event)
    return result


def _log_event(logger: Logger, event: PageEvent) -> None:
    if isinstance(event, FetchProblem):
        logger.warning("fetch failed: %s (%s): %s", event.url, event.reason, event.message)
    elif isinstance(event, NotModified):
        logger.info("unchanged: %s", event.url)
    else:
        logger.info("fetched: %s", event.url)


def _problem(url: str, source: Source, reason: str, message: str, status: int | None = None) -> FetchProblem:
    return FetchProblem(url=url, reason=reason, message=message, status=status, source=source.url)  # type: ignore[arg-type]


def _is_html(download: Download) -> bool:
    if download.media_type in _HTML_TYPES:
        return True
    if download.media_type:
        return False
    head = download.body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _kind_of(download: Download, source: Source) -> Literal["article", "listing"] | FetchProblem:
    if source.kind == "article" or (source.kind == "auto" and _is_html(download)):
        return "article"
    if source.kind in ("feed", "sitemap") or download.media_type in _XML_TYPES or looks_like_listing(download.body):
        return "listing"
    return _problem(
        source.url, source, "not_html",
        f"content type {download.content_type or 'missing'!r} is neither an HTML page nor a feed or sitemap",
        download.status,
    )


def _listing_items(
    download: Download, source: Source, fetcher: PageFetcher, refusal: Callable[[str], FetchProblem | None]
) -> tuple[Literal["feed", "sitemap"], list[ListedItem], list[FetchProblem]]:
    """The items of a feed or sitemap (a sitemap index's children read), and the children that failed."""
    listing = read_listing(download.body, download.final_url, download.content_type)
    if listing.kind in ("rss", "atom"):
        return "feed", listing.items, []
    if listing.kind == "sitemap":
        return "sitemap", listing.items, []
    items: list[ListedItem] = []
    problems: list[FetchProblem] = []
    for child in listing.newest(fetcher.settings.max_child_sitemaps):
        answer = refusal(child.url) or fetcher.get(
            child.url, max_bytes=fetcher.settings.max_listing_bytes, accept=_LISTING_ACCEPT, may_follow=refusal
        )
        if isinstance(answer, Download):
            try:
                child_listing = read_listing(answer.body, answer.final_url, answer.content_type)
            except ListingError as exc:
                problems.append(_problem(child.url, source, "bad_listing", f"cannot read the child sitemap: {exc}"))
                continue
            if child_listing.kind != "sitemap_index":  # one level of nesting, as the protocol allows
                items += child_listing.items
        elif isinstance(answer, FetchProblem):
            problems.append(answer.model_copy(update={"source": source.url}))
    return "sitemap", items, problems


def _newest(items: list[ListedItem], count: int) -> list[ListedItem]:
    return Listing(kind="rss", items=items).newest(count)


def _page(outcome: Outcome, source: Source, url: str, listed_published: datetime | None = None) -> PageEvent:
    if not isinstance(outcome, Download):
        return outcome.model_copy(update={"source": source.url}) if isinstance(outcome, FetchProblem) else outcome
    if not _is_html(outcome):
        return _problem(url, source, "not_html",
                        f"content type {outcome.content_type or 'missing'!r} is not an HTML page", outcome.status)
    try:
        html, _ = decode_html(outcome.body, outcome.charset)
    except EncodingProblem as exc:
        return _problem(url, source, "bad_encoding", str(exc), outcome.status)
    article = extract_article(html, outcome.final_url)
    if article is None:
        return _problem(url, source, "no_text", "no article text found in the page", outcome.status)
    return FetchedPage(
        url=url,
        source_url=source.url,
        download=outcome,
        article=article,
        publisher=source.publisher,
        language=source.language,
        listed_published=listed_published,
    )


# --- storing -------------------------------------------------------------------------------


def store_source(fetched: SourceFetch, store: CorpusStore, now: datetime) -> tuple[SourceReport, list[Revision]]:
    """Write what one source gave into the corpus and say what happened to each page."""
    report = SourceReport(url=fetched.source.url, kind=fetched.kind, status="fetched", problems=list(fetched.problems))
    revisions: list[Revision] = []
    if fetched.listing_download is not None:
        store.record_listing_download(fetched.listing_download, now)
    for answer in fetched.not_modified:
        stored = store.record_not_modified(answer, now)
        if stored is not None:
            report.unchanged.append(stored.doc_id)
    for problem in fetched.problems:
        store.record_problem(problem, now)
    for page in fetched.pages:
        stored = store.store(page, now)
        _file(report, stored)
        if stored.outcome == "new_version" and stored.previous_doc_id:
            revisions.append(Revision(url=page.url, old_doc_id=stored.previous_doc_id, new_doc_id=stored.doc_id))
    if not (fetched.pages or fetched.not_modified) and fetched.problems:
        report.status = "failed"
    else:
        store.record_source(fetched.source.url, now, fetched.kind, fetched.listing)
    return report, revisions


def _file(report: SourceReport, stored: Stored) -> None:
    {
        "new": report.new,
        "new_version": report.new_versions,
        "unchanged": report.unchanged,
        "same_article": report.same_article,
    }[stored.outcome].append(stored.doc_id)


def revision_check(revisions: list[Revision], corpus: str | Path) -> tuple[list[Finding], str | None]:
    """Findings for the new versions, or none and the reason claim extraction could not run."""
    if not revisions:
        return [], None
    try:
        return check_revisions([(r.old_doc_id, r.new_doc_id) for r in revisions], corpus), None
    except ImportError as exc:
        return [], f"claim extraction is not available ({exc})"


# --- the whole run -------------------------------------------------------------------------


def update_corpus(
    sources: SourceList,
    corpus: str | Path,
    *,
    force: bool = False,
    fetcher: PageFetcher | None = None,
    on_page: Callable[[PageEvent], None] | None = None,
    clock: Callable[[], datetime] = now_utc,
    logger: Logger | None = None,
) -> FetchReport:
    """Fetch every due source into ``corpus`` and report; ``force`` ignores ``every``."""
    started = clock()
    report = FetchReport(started=started, finished=started)
    own_fetcher = fetcher is None
    fetcher = fetcher or PageFetcher(sources.settings, trusted_urls=sources.urls())
    robots = RobotsRules(fetcher)
    try:
        with CorpusStore.locked(corpus) as store:
            for source in sources.sources:
                if not force and not is_due(source, sources, store.last_run(source.url), clock()):
                    report.sources.append(SourceReport(url=source.url, kind=source.kind, status="not_due"))
                    continue
                fetched = collect_source(source, sources, store, fetcher, on_page, robots=robots, logger=logger)
                source_report, revisions = store_source(fetched, store, clock())
                # Saved after every source, so an interrupted run keeps what it has stored.
                store.save()
                report.sources.append(source_report)
                report.revisions += revisions
    finally:
        if own_fetcher:
            fetcher.close()
    report.findings, report.revisions_unchecked = revision_check(report.revisions, corpus)
    report.finished = clock()
    return report


def write_fetch_report(report: FetchReport, out: str | Path) -> Path:
    """Write ``fetch.json`` into the folder ``out``; return its path."""
    path = Path(out) / REPORT_FILE
    write_atomically(path, report.model_dump_json(indent=2, exclude_none=True).encode("utf-8"))
    return path
