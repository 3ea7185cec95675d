"""One run over a corpus, in the process that drives it: read the corpus, answer unchanged articles
from the cache, hand the rest out in batches (to whatever runs them), merge what comes back in
corpus order, compare across articles, and write the run's files."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
from collections import deque
from collections.abc import Callable, Iterator, Sized
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Protocol

from checkers import ALL_CHECKS, CheckRun, merge_findings, rule_of
from checkers.cross_source import Entry, Source
from figcheck.corpus import (
    ARTICLE_SUFFIX,
    META_SUFFIX,
    DocumentError,
    RawArticle,
    corpus_form,
    document_hash,
    iter_corpus,
    list_article_names,
    read_article_files,
)
from figcheck.extraction import EXTRACTOR_VERSION
from figcheck.pipeline import outputs, unchanged
from figcheck.pipeline.cache import CachedArticle, ClaimCache, FileLedger, cache_key, file_signature
from figcheck.pipeline.work import DEFAULT_ARTICLE_SECONDS, DEFAULT_BATCH_SIZE, Batch, BatchOutput, _check_run, check_document
from figcheck.records import Claim, Finding, LoadProblem
from figcheck.reference import ReferenceTable
from figcheck.reference.table import table_version
from figcheck.files import write_atomically as write_text_atomically
from figcheck.report import RunInfo, compare_runs, write_report
from figcheck.report.run import SEVERITY_ORDER
from figcheck.report.findings_file import FindingsFileError, load_discrepancies
from figcheck.report.store import SPILL_NAME, ReportStore
from figcheck.runs import DEFAULT_KEEP, prune_runs, stored_runs

OUTPUT_FILES = ("findings.json", "claims.jsonl", "report.md", "report.html")
# Discrepancies a run's summary carries (the Prefect artifact's table shows 500): a bounded list
# however many the corpus has.
SUMMARY_DISCREPANCIES = 500
# Worker processes take about half a second of CPU each to start; a run that checks few
# articles, all in one batch, checks them in its own process (``Batch.alone``) and starts none.
# From this many articles to check, they are started before the first batch is full.
_START_WORKERS_AT = 200
# The smallest batch the last ones are cut down to (``CorpusRun.batches``' ``split``): a few
# tenths of a second of work, worth the cost of handing a batch out.
_SMALLEST_BATCH = 250
# From this many sources, a run that cannot leave the next a copy of its files the usual way (see
# ``CorpusRun._copy_aside``) renders one in a spare process, if it has one: rendering the report
# again takes about a tenth of a millisecond a source.
_COPY_ASIDE_FROM = 2000
# The checks whose findings the report's timeline draws: it needs their claims' values.
_TIMELINE_CHECKS = {"reference", "cross_source"}


# --- reading the corpus ------------------------------------------------------------------


@dataclass
class CorpusItem:
    """An article as the run first sees it: its id, a digest of everything its results depend
    on, and its raw form, which is parsed (where the work is done) only if the cache does not
    know it. An article file the ledger knows by its stat has no raw form until ``read``."""

    doc_id: str
    digest: str
    raw: RawArticle | None
    path: str | None = None
    # How many articles the corpus lists after this one (None: not known before they are read).
    left: int | None = None

    def read(self) -> RawArticle:
        return self.raw if self.raw is not None else read_article_files(Path(self.path))


class Unknown:
    """Said by ``read_corpus(..., known_only=True)`` where it stops: at the first article of a
    corpus file, or at the first of a corpus folder beyond the few it may read."""


# Files changed just before the last run (within RACY_SECONDS) have no stat to trust: a run that
# looks for the last run's articles reads up to this share of them rather than give up at once.
_KNOWN_ONLY_READS = 0.1


def read_corpus(
    corpus: Path, *, follow_symlinks: bool = False, ledger: FileLedger | None = None, known_only: bool = False
) -> Iterator[CorpusItem | LoadProblem | Unknown]:
    """The articles of a corpus folder (their bytes and their metadata files' bytes, digested,
    not parsed) or of a corpus file (through ``iter_corpus``, without reading their pages), and
    the problems of what cannot be read. Links that lead out of a corpus folder are refused
    unless ``follow_symlinks``.

    With a ``ledger``, a file whose stat is the one recorded when it was last read is not read
    again (its digest is the recorded one), and each file read is recorded. With ``known_only``,
    the listing ends with ``Unknown`` where too much would have to be read: past a tenth of a
    folder's articles (at least 100), or at once for a corpus file."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        yield from _read_corpus_file(corpus, ledger, known_only)
        return
    names, orphans = list_article_names(corpus, follow_symlinks=follow_symlinks)
    reads_left = max(100, int(len(names) * _KNOWN_ONLY_READS)) if known_only else len(names)
    # Paths as plain strings: for a large unchanged corpus, making them is most of the work.
    folder, absolute = os.path.join(str(corpus), ""), os.path.join(os.path.abspath(corpus), "")
    for index, name in enumerate(names):
        left = len(names) - index - 1
        stem = name.removesuffix(ARTICLE_SUFFIX)
        path = folder + name
        signature = None
        if ledger is not None:
            signature = f"{file_signature(path)}/{file_signature(folder + stem + META_SUFFIX)}"
            digest = ledger.known(absolute + name, signature)
            if digest is not None:
                yield CorpusItem(stem, digest, None, path, left)
                continue
        if reads_left == 0:
            yield Unknown()
            return
        reads_left -= 1
        try:
            raw = read_article_files(Path(path))
        except DocumentError as error:
            yield LoadProblem(path=error.path, message=str(error))
            continue
        item = CorpusItem(raw.doc_id, _file_digest(raw), raw, left=left)
        if ledger is not None:
            ledger.remember(absolute + name, signature, item.digest)
        yield item
    yield from orphans


def _read_corpus_file(corpus: Path, ledger: FileLedger | None, known_only: bool) -> Iterator[CorpusItem | LoadProblem | Unknown]:
    """A JSON-lines corpus (or one article file). A JSON-lines file is known as a whole by its
    stat, which only a run that needs nothing else of it asks (``known_only``): an article of it
    is not read without reading the file."""
    if corpus_form(corpus) != "jsonl":
        ledger = None
    absolute = os.path.abspath(corpus)
    signature = file_signature(corpus) if ledger is not None else None
    known = ledger.known(absolute, signature) if ledger is not None and known_only else None
    if known is not None:
        for doc_id, digest, problem in json.loads(known):
            yield CorpusItem(doc_id, digest, None, str(corpus)) if problem is None else LoadProblem(path=doc_id, message=problem)
        return
    if known_only:
        yield Unknown()
        return
    seen: list[tuple[str, str | None, str | None]] = []
    for item in iter_corpus(corpus, read_pages=False):
        if isinstance(item, LoadProblem):
            seen.append((item.path, None, item.message))
            yield item
        else:
            raw = RawArticle(item.doc_id, item.path or item.doc_id, item.text, item.meta)
            corpus_item = CorpusItem(item.doc_id, document_hash(item), raw)
            seen.append((item.doc_id, corpus_item.digest, None))
            yield corpus_item
    if ledger is not None:
        ledger.remember(absolute, signature, json.dumps(seen))


def _file_digest(raw: RawArticle) -> str:
    """The article's bytes and its metadata file's: what the claims of the article depend on."""
    digest = hashlib.sha256(raw.text)
    digest.update(b"\x00" + (raw.meta or b""))
    return digest.hexdigest()


# --- the run -----------------------------------------------------------------------------


@dataclass
class RunSummary:
    """What a run did, for the command line and the Prefect artifacts."""

    run_id: str
    out: Path
    run_dir: Path
    articles: int
    claims: int
    problems: list[LoadProblem]
    findings_by_severity: dict[str, int]
    findings_by_check: dict[str, int]
    new: int
    resolved: int
    cached: int
    seconds: float
    # The first SUMMARY_DISCREPANCIES discrepancies in report order (most severe first); the
    # counts above count them all, and findings.json lists them all.
    discrepancies: list[Finding] = field(default_factory=list)
    submitted: int = 0  # batches handed out, counting each time one was handed out again
    previous_run_id: str | None = None

    @property
    def errors(self) -> int:
        return self.findings_by_severity.get("error", 0)

    @property
    def warnings(self) -> int:
        return self.findings_by_severity.get("warning", 0)


@dataclass
class _Hit:
    """An article the cache knows, waiting for the batches before it. An article file is kept as
    its path, not its bytes: a run that changes one article early in a large corpus queues all
    the others, and needs them again only if their cache entry breaks meanwhile."""

    key: str
    source: RawArticle | Path

    def raw(self) -> RawArticle:
        return self.source if isinstance(self.source, RawArticle) else read_article_files(self.source)


@dataclass
class _Slot:
    """A batch's place in corpus order, with the cache keys of its articles."""

    number: int
    keys: list[str] = field(default_factory=list)


class CorpusRun:
    """One run over a corpus. Claims go to ``claims.jsonl`` as they come, and the sources and
    findings to the report's store (a SQLite file in the run's folder, removed when the report is
    written); what stays in memory is the cross-article groups, the problems and counts. Results
    are merged in corpus order whatever order batches finish in, so where the work ran never
    changes the outputs.

    The run holds a lock on ``out`` from start to end, writes into a folder of its own under
    ``runs/``, and switches ``out`` to that folder only when every file is written."""

    def __init__(
        self,
        corpus: Path,
        reference: Path,
        out: Path,
        *,
        runs_dir: Path | None = None,
        cache_path: Path | None = None,
        use_cache: bool = True,
        article_seconds: float | None = DEFAULT_ARTICLE_SECONDS,
        keep_runs: int = DEFAULT_KEEP,
        follow_symlinks: bool = False,
        warn: Callable[[str], None] = print,
    ) -> None:
        self.started = datetime.now(UTC)
        self.run_id = self.started.strftime("%Y-%m-%dT%H-%M-%SZ") + "-" + secrets.token_hex(2)
        self.corpus, self.reference_dir, self.out = Path(corpus), Path(reference), Path(out)
        self.runs_dir = Path(runs_dir) if runs_dir else self.out.parent / "runs"
        self.article_seconds = article_seconds
        self.keep_runs = keep_runs
        self.follow_symlinks = follow_symlinks
        self.warn = warn
        # The table's version is its files' digest: a run that finds its corpus unchanged since
        # the last one needs nothing more of it (figcheck.pipeline.unchanged), so the facts are
        # parsed only when an article is checked, or at once when nothing could be reused.
        self.reference_version = table_version(self.reference_dir)
        self._table: ReferenceTable | None = None
        self._checks: CheckRun | None = None
        if self.reference_version is None:
            self._table = ReferenceTable.load(self.reference_dir)
        outputs.check_out(self.out)
        self._lock = outputs.OutputLock(self.out)
        self._lock.acquire()
        self.cache: ClaimCache | None = None
        try:
            outputs.remove_abandoned(self.runs_dir)
            self._cache_path = (cache_path or self.out.parent / "cache" / "claims.sqlite") if use_cache else None
            self.cache = ClaimCache(self._cache_path, warn=warn) if self._cache_path else None
            self._memo = unchanged.Memo.load(self.cache) if self.cache is not None else None
            if self._table is None and self._memo is None:
                self._table = ReferenceTable.load(self.reference_dir)
            self.folder = outputs.partial_folder(self.runs_dir, self.run_id)
            self.folder.mkdir(parents=True)
            self._claims_file = (self.folder / "claims.jsonl").open("w", encoding="utf-8")
            # The sources and findings the report lists, on disk until the report is written.
            self.store = ReportStore(self.folder / SPILL_NAME)
        except BaseException:
            if self.cache is not None:
                self.cache.close()
            self._lock.release()
            raise
        # The last run's, when nothing changed since: with a copy of its files, or its results only.
        self._reused: unchanged.Memo | None = None
        self._reduced: unchanged.Memo | None = None
        self.problems: list[LoadProblem] = []
        self.discrepancies: list[Finding] = []  # the first ones, known once the report is written
        self._wrong: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self._written = False
        self._memo_out: unchanged.Memo | None = None  # what this run leaves the next
        self._queue: deque[_Hit | _Slot] = deque()  # what waits for a batch still out, in corpus order
        self._batches = 0
        self.submitted = 0
        self.claims = 0
        self.cached = 0
        self._fetch_report: Path | None = None
        self._info: RunInfo | None = None

    @property
    def table(self) -> ReferenceTable:
        if self._table is None:
            self._table = ReferenceTable.load(self.reference_dir)
            self.reference_version = self._table.version
        return self._table

    @property
    def checks(self) -> CheckRun:
        if self._checks is None:
            self._checks = CheckRun(self.table)
        return self._checks

    @property
    def documents(self) -> Sized:
        """The sources merged so far (how many: they are kept on disk)."""
        return _Merged(self.store.document_count)

    def add_problems(self, problems: list[LoadProblem]) -> None:
        self.problems.extend(problems)

    def add_fetch_report(self, path: Path) -> None:
        """Sources that failed to download, and figures that changed between versions of a
        fetched article, as the fetch before this run reported them in ``fetch.json``."""
        from figcheck.fetching.run import FetchReport

        report = FetchReport.model_validate_json(Path(path).read_text(encoding="utf-8"))
        self.problems.extend(report.load_problems())
        self.store.add_findings(report.findings)
        self._fetch_report = Path(path)

    # --- handing out the work

    def batches(self, size: int, *, split: int = 1, first_miss: Callable[[], None] | None = None) -> Iterator[Batch]:
        """The articles the cache does not know, as read (their parsing is the batch's work),
        grouped ``size`` at a time; those it knows are merged on the way without being parsed.
        ``first_miss`` is called once the first batch holds ``_START_WORKERS_AT`` articles (or
        is full, if smaller), to start what will check it while the rest of the batch is read.

        With ``split`` (the batches out at once), a corpus whose size is known as it is read (a
        folder) and that holds more than one batch gets batches of at most a ``split``-th of what
        is left to read (at least ``_SMALLEST_BATCH``): the last ones are small, so the workers
        finish at nearly the same time instead of one waiting for the other's last large batch."""
        if self._reuse():
            return
        documents: list[RawArticle] = []
        slot: _Slot | None = None
        ledger = FileLedger(self.cache, self.corpus) if self.cache is not None else None
        for item in read_corpus(self.corpus, follow_symlinks=self.follow_symlinks, ledger=ledger):
            if isinstance(item, LoadProblem):
                self.problems.append(item)
                continue
            key = cache_key(item.doc_id, item.digest, self.reference_version)
            if self.cache is not None:
                if not self._queue:
                    hit = self.cache.get(key)
                    if hit is not None:
                        self._merge(key, hit, cached=True)
                        continue
                elif self.cache.has(key):
                    self._queue.append(_Hit(key, item.raw if item.raw is not None and isinstance(item.raw.text, str)
                                            else Path(item.path or item.raw.path)))
                    continue
            try:
                raw = item.read()
            except DocumentError as error:
                self.problems.append(LoadProblem(path=error.path, message=str(error)))
                continue
            if slot is None:
                slot = _Slot(self._batches)
                self._batches += 1
                self._queue.append(slot)
                target = size
                if split > 1 and item.left is not None and (slot.number > 0 or item.left >= size):
                    target = min(size, max(_SMALLEST_BATCH, -(-(item.left + 1) // split)))
            documents.append(raw)
            slot.keys.append(key)
            if first_miss is not None and len(documents) == min(target, _START_WORKERS_AT):
                first_miss()
                first_miss = None
            if len(documents) == target:
                yield Batch(slot.number, documents, self.table, self.article_seconds)
                documents, slot = [], None
        if documents:
            yield Batch(slot.number, documents, self.table, self.article_seconds, alone=slot.number == 0)

    def _reuse(self) -> bool:
        """Whether the last run's results are this run's: every article known by its stat, in the
        same order, with the same code and reference table, and the last run's copy (or its
        report's store) at hand."""
        memo = self._memo
        if memo is None or self.cache is None or self._fetch_report is not None:
            return False
        ledger = FileLedger(self.cache, self.corpus)
        problems: list[LoadProblem] = []
        unknown = False

        def keys() -> Iterator[str]:
            nonlocal unknown
            for item in read_corpus(self.corpus, follow_symlinks=self.follow_symlinks, ledger=ledger, known_only=True):
                if isinstance(item, Unknown):
                    unknown = True
                    return
                if isinstance(item, LoadProblem):
                    problems.append(item)
                else:
                    yield cache_key(item.doc_id, item.digest, self.reference_version)

        articles = unchanged.keys_digest(keys())
        if unknown or not memo.same_state(self._state_key(articles, problems), self._newest_run_id()):
            return False
        if memo.has_copy():
            self._reused = memo
        else:
            # The last run's findings (merged) and sources, as its report's store: this run's own.
            results = unchanged.results_path(self._cache_path.parent, memo.key)
            if not results.is_file():
                return False
            path = self.store.path
            self.store.close()
            try:
                os.replace(results, path)
                self.store = ReportStore.reopen(path)
            except (OSError, sqlite3.DatabaseError):
                self.store = ReportStore(path)  # the articles are merged from the cache instead
                return False
            self.claims = memo.claims
            self._reduced = memo
        self.problems.extend(problems)
        self.cached = memo.articles
        return True

    def _state_key(self, articles: str, problems: list[LoadProblem]) -> str:
        """``articles``: the digest of the articles' cache keys in order (``unchanged.keys_digest``)."""
        return unchanged.state_key(corpus=str(self.corpus), reference=str(self.reference_dir),
                                   reference_version=self.reference_version, articles=articles,
                                   problems=problems)

    def _newest_run_id(self) -> str | None:
        """The run a new run compares itself with, if its findings can be read (see ``_previous_run``)."""
        runs = self._finished_runs()
        return runs[0].name if runs else None

    def add_output(self, output: BatchOutput) -> int:
        """Merges a batch's results (and the cached articles that come before it); returns the
        number of its claims."""
        slot = self._settle_until(output.number)
        claims = 0
        for key, result in zip(slot.keys, output.articles, strict=True):
            if isinstance(result, LoadProblem):
                self.problems.append(result)
                continue
            if self.cache is not None:
                self.cache.put(key, result)
            entry = CachedArticle.model_validate_json(result)
            self._merge(key, entry, cached=False)
            claims += len(entry.claims)
        if self.cache is not None:
            self.cache.commit()
        self._claims_file.flush()
        # Whatever ran the batch may keep its result (a task runner keeps a state per task run):
        # what it holds is merged now, and keeping it would hold the whole corpus by the end.
        output.articles.clear()
        return claims

    def add_failed(self, batch: Batch, error: BaseException) -> None:
        """A batch that could not be checked (its worker died each time it was tried): each of
        its articles is listed as not checked, naming the batch."""
        self._settle_until(batch.number)
        reason = f"{type(error).__name__}: {error}".strip().rstrip(":")
        for document in batch.documents:
            where = document.path or document.doc_id
            self.problems.append(LoadProblem(path=where, message=f"{where}: not checked: {batch.name} failed ({reason})"))

    def _settle_until(self, number: int) -> _Slot:
        while self._queue and isinstance(self._queue[0], _Hit):
            self._merge_hit(self._queue.popleft())
        slot = self._queue.popleft() if self._queue else None
        if not isinstance(slot, _Slot) or slot.number != number:
            raise RuntimeError(f"batch {number} came back out of turn; batches are merged in the order handed out")
        return slot

    def _merge_hit(self, hit: _Hit) -> None:
        entry = self.cache.get(hit.key) if self.cache is not None else None
        if entry is None:  # damaged since it was looked up: check it here
            try:
                document = hit.raw().document()
            except DocumentError as error:
                self.problems.append(LoadProblem(path=error.path, message=str(error)))
                return
            entry = check_document(document, _check_run(self.table))
            if self.cache is not None:
                self.cache.put(hit.key, entry.model_dump_json())
            self._merge(hit.key, entry, cached=False)
            return
        self._merge(hit.key, entry, cached=True)

    def _merge(self, key: str, entry: CachedArticle, *, cached: bool) -> None:
        self._claims_file.write("".join(line + "\n" for line in entry.claims))
        self.store.add_findings(entry.findings)
        info = entry.document
        source = Source(info.doc_id, frozenset(entry.fingerprint), info.publisher, info.title)
        self.checks.collect_entries(
            source,
            [Entry(tuple(group), fact_id, Claim.model_validate_json(entry.claims[index]))
             for group, fact_id, index in entry.entries],
        )
        self.store.add_article(info, key)
        self.claims += len(entry.claims)
        self.cached += cached

    # --- the end

    def finish(self, *, spare: Executor | None = None) -> RunSummary:
        """Runs the cross-article checks, writes findings.json, claims.jsonl, report.md and
        report.html into the run's folder ``runs/<run id>/``, and switches ``out`` to it.
        ``spare``: other processes (the idle workers) that may render the copy of the files the
        next run takes if nothing changes, while this one writes its own (``_copy_aside``).

        Each step is done once: called again after a failure (a retry), it redoes only what had
        not been done, and a file it writes again replaces the earlier one whole."""
        if self._reused is not None:
            return self._finish_reused()
        if self._info is None:
            if self._reduced is None:
                while self._queue:
                    head = self._queue.popleft()
                    if isinstance(head, _Slot):
                        raise RuntimeError(f"batch {head.number} was handed out but never came back")
                    self._merge_hit(head)
                # One discrepancy per wrong figure, across articles too (cross_source, consensus).
                self.store.add_findings(self.checks.finish())
                self.store.merge(merge_findings)
                self._claims_file.close()
            else:
                self._claims_file.close()
                (self.folder / "claims.jsonl").unlink()
                unchanged.link_or_copy(Path(self._reduced.claims_path), self.folder / "claims.jsonl")
            if self.cache is not None:
                self.cache.close()
                self.cache = None
            self._info = self._run_info()
        run_dir = self.runs_dir / self.run_id
        if self.folder.is_dir():
            if not self._written:
                claims_path = self.folder / "claims.jsonl"
                timeline = [f for check in sorted(_TIMELINE_CHECKS) for f in self.store.findings(check=check)]
                claims = _timeline_claims(claims_path, timeline)
                copy = self._write_reusable(claims) if self._may_be_reused() else None
                if copy is None:
                    aside = self._copy_aside(spare, claims) if spare is not None else None
                    write_report(self.folder, self._info, self.store, claims=claims)
                    copy = aside() if aside is not None else None
                # Read after the report, whose writing is the run's largest need of memory.
                self.discrepancies = list(islice(self.store.findings(verdict="discrepancy"), SUMMARY_DISCREPANCIES))
                self._wrong = _discrepancy_counts(self.store.tallies())
                self._memo_out = self._next_memo(copy)
                # The run's folder holds the report's files only; the store is kept for the next
                # run if it may take these results as they are (see ``_next_memo``).
                keep = None
                if self._memo_out is not None and self._memo_out.folder is None:
                    keep = unchanged.results_path(self._cache_path.parent, self._memo_out.key)
                    keep.parent.mkdir(parents=True, exist_ok=True)
                self.store.close(keep=keep)
                self._written = True
            if self._fetch_report is not None and self._fetch_report.is_file():
                shutil.copy2(self._fetch_report, self.folder / "fetch.json")
            os.replace(self.folder, run_dir)
        outputs.switch(self.out, run_dir)
        prune_runs(self.runs_dir, keep=self.keep_runs)
        self._remember(self._memo_out, run_dir)
        self._lock.release()

        by_severity, by_check = self._wrong
        return self._summary(run_dir, self.discrepancies, by_severity, by_check, self.store.document_count,
                             self.claims, self._info)

    def _summary(self, run_dir: Path, discrepancies: list[Finding], by_severity: dict[str, int],
                 by_check: dict[str, int], articles: int, claims: int, info: RunInfo | None,
                 previous_run_id: str | None = None) -> RunSummary:
        return RunSummary(
            run_id=self.run_id,
            out=self.out,
            run_dir=run_dir,
            articles=articles,
            claims=claims,
            problems=self.problems,
            findings_by_severity=by_severity,
            findings_by_check=by_check,
            new=len(info.new_finding_ids) if info else 0,
            resolved=len(info.resolved_findings) if info else 0,
            cached=self.cached,
            seconds=(datetime.now(UTC) - self.started).total_seconds(),
            discrepancies=discrepancies,
            submitted=self.submitted,
            previous_run_id=info.previous_run_id if info else previous_run_id,
        )

    # --- a run the next one can reuse (figcheck.pipeline.unchanged)

    def _may_be_reused(self) -> bool:
        """A run whose files the next run, if nothing changes, would write again but for its id,
        times and previous run: it keeps a cache, and has a previous run and nothing new nor
        resolved since it."""
        info = self._info
        return (self._cache_path is not None and self._fetch_report is None and info.previous_run_id is not None
                and not info.new_finding_ids and not info.resolved_findings)

    def _write_reusable(self, claims: list[Claim]) -> tuple[Path, unchanged.StandIns]:
        """Renders the run's files once with stand-ins, keeps that copy with the cache, and fills
        it in for this run; returns the copy's folder and its stand-ins."""
        key = self._state_key(unchanged.keys_digest(self.store.article_keys()), self.problems)
        folder = unchanged.render_folder(self._cache_path.parent, key)
        stand_ins = unchanged.StandIns.new()
        partial = folder.with_name(folder.name + f".{os.getpid()}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        try:
            write_report(partial, stand_ins.run_info(self._info), self.store, claims=claims)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(partial, folder)
        self._fill_in(folder, stand_ins, self._info.previous_run_id, self._info.finished)
        return folder, stand_ins

    def _copy_aside(self, spare: Executor, claims: list[Claim]) -> Callable[[], tuple[Path, unchanged.StandIns] | None] | None:
        """Has ``spare`` render what ``_write_reusable`` keeps, for a run that cannot make it by
        filling in its own files (the first run, or one with something new or resolved since the
        last, says other things than the next would): from a copy of the report's store, while
        this run writes its own files. Returns what waits for it and gives the copy's folder and
        stand-ins (None if it failed: the store is kept instead); None when not worth it."""
        if (self._cache_path is None or self._fetch_report is not None
                or self.store.document_count < _COPY_ASIDE_FROM):
            return None
        key = self._state_key(unchanged.keys_digest(self.store.article_keys()), self.problems)
        folder = unchanged.render_folder(self._cache_path.parent, key)
        partial = folder.with_name(folder.name + f".{os.getpid()}.partial")
        store = partial.with_name(partial.name + ".sqlite")
        stand_ins = unchanged.StandIns.new()
        shutil.rmtree(partial, ignore_errors=True)
        partial.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.store.commit()
            shutil.copyfile(self.store.path, store)
            future = spare.submit(unchanged.render_copy, str(partial), stand_ins.run_info(self._info).model_dump_json(),
                                  str(store), [claim.model_dump_json() for claim in claims])
        except Exception:  # a broken pool, a full disk: the store is kept, as without a spare
            store.unlink(missing_ok=True)
            return None

        def made() -> tuple[Path, unchanged.StandIns] | None:
            try:
                future.result()
            except Exception:
                shutil.rmtree(partial, ignore_errors=True)
                store.unlink(missing_ok=True)
                return None
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(partial, folder)
            return folder, stand_ins

        return made

    def _next_memo(self, copy: tuple[Path, unchanged.StandIns] | None) -> unchanged.Memo | None:
        """What the next run, if nothing changes, can take instead of this run's work: the copy of
        its files (``copy``), or else its report's store, kept by ``finish`` (the next run renders
        its files again, with what is new since this one, but does not reduce again)."""
        if self._cache_path is None or self._fetch_report is not None:
            return None
        folder, stand_ins = copy if copy is not None else (None, None)
        by_severity, by_check = self._wrong
        return unchanged.Memo(
            key=self._state_key(unchanged.keys_digest(self.store.article_keys()), self.problems), run_id=self.run_id,
            folder=str(folder) if folder is not None else None,
            stand_ins=dataclasses.asdict(stand_ins) if stand_ins is not None else {},
            claims_path="", signatures={}, articles=self.store.document_count, claims=self.claims,
            discrepancies=[f.model_dump_json() for f in self.discrepancies], by_severity=by_severity, by_check=by_check,
        )

    def _fill_in(self, folder: Path, stand_ins: unchanged.StandIns, previous_run_id: str, finished: datetime) -> None:
        for name in unchanged.FILES:
            template = (folder / name).read_bytes()
            write_text_atomically(self.folder / name, unchanged.fill_in(
                template, stand_ins, run_id=self.run_id, previous_run_id=previous_run_id, started=self.started,
                finished=finished))

    def _remember(self, memo: unchanged.Memo | None, run_dir: Path) -> None:
        """Keeps ``memo`` for the next run, with the stat of this run's files as they are left;
        without one, forgets the last (it can describe only the newest run)."""
        if self._cache_path is None:
            return
        cache = ClaimCache(self._cache_path, warn=self.warn)
        try:
            if memo is None:
                cache.put_memo(unchanged.MEMO, None)
                cache.put_memo(unchanged.RESULTS, None)
                unchanged.forget_others(self._cache_path.parent, None)
                return
            memo.run_id = self.run_id
            memo.claims_path = str(run_dir / "claims.jsonl")
            memo.signatures = {str(run_dir / name): file_signature(run_dir / name) for name in ("claims.jsonl", "findings.json")}
            memo.store(cache)
            unchanged.forget_others(self._cache_path.parent, Path(memo.folder) if memo.folder
                                    else unchanged.results_path(self._cache_path.parent, memo.key))
        finally:
            cache.close()

    def _finish_reused(self) -> RunSummary:
        """The last run's files with this run's id and times: its claims file linked, the others
        filled in from the copy kept with the cache."""
        memo = self._reused
        previous_run_id = memo.run_id
        run_dir = self.runs_dir / self.run_id
        if self.folder.is_dir():
            self._claims_file.close()
            claims = self.folder / "claims.jsonl"
            claims.unlink()
            unchanged.link_or_copy(Path(memo.claims_path), claims)
            stand_ins = unchanged.StandIns(**memo.stand_ins)
            self._fill_in(Path(memo.folder), stand_ins, previous_run_id, datetime.now(UTC))
            self.store.close()  # empty: the run's folder holds the report's files only
            if self.cache is not None:
                self.cache.close()
                self.cache = None
            os.replace(self.folder, run_dir)
        outputs.switch(self.out, run_dir)
        prune_runs(self.runs_dir, keep=self.keep_runs)
        self._remember(memo, run_dir)
        self._lock.release()
        discrepancies = [Finding.model_validate_json(line) for line in memo.discrepancies]
        return self._summary(run_dir, discrepancies, memo.by_severity, memo.by_check, memo.articles, memo.claims,
                             None, previous_run_id)

    def _run_info(self) -> RunInfo:
        previous_id, previous = self._previous_run()
        new_ids, resolved = compare_runs(self.store.findings(verdict="discrepancy"),
                                         previous if previous_id is not None else None)
        info = RunInfo(
            run_id=self.run_id,
            started=self.started,
            finished=datetime.now(UTC),
            corpus=str(self.corpus),
            reference=str(self.reference_dir),
            corpus_version=self.store.corpus_digest(),
            reference_version=self.reference_version,
            extractor_version=EXTRACTOR_VERSION,
            problems=self.problems,
            check_rules={check.NAME: rule_of(check) for check in ALL_CHECKS},
            previous_run_id=previous_id,
            new_finding_ids=new_ids,
            resolved_findings=resolved,
        )
        info.counts.documents = self.store.document_count
        info.counts.claims = self.claims
        return info

    def abandon(self) -> None:
        """Closes what a failed or interrupted run opened and removes its folder: ``out`` and the
        run history stay as they were. What the cache received so far is kept."""
        if not self._claims_file.closed:
            self._claims_file.close()
        if self.cache is not None:
            self.cache.close()
            self.cache = None
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        self._lock.release()

    def _previous_run(self) -> tuple[str | None, list[Finding]]:
        for run_dir in self._finished_runs():
            try:
                return load_discrepancies(run_dir / "findings.json")
            except FindingsFileError:
                continue  # a damaged old run is no reference for "what is new"
        return None, []

    def _finished_runs(self) -> list[Path]:
        """The folders of the runs kept with their findings as written, newest first (by the start
        time their findings record: two runs may start in the same second)."""
        return [run.path for run in reversed(stored_runs(self.runs_dir)) if (run.path / "findings.json").is_file()]


# --- driving the batches -----------------------------------------------------------------


class BatchFuture(Protocol):
    def result(self) -> BatchOutput: ...


def run_batches(
    run: CorpusRun,
    submit: Callable[[Batch], BatchFuture],
    *,
    batch_size: int,
    window: int,
    attempts: int = 3,
    on_batch: Callable[[Batch, BatchOutput | None, int], None] | None = None,
    first_miss: Callable[[], None] | None = None,
) -> None:
    """Hands the run's batches to ``submit`` (a process pool, a Prefect task runner) with at most
    ``window`` out at once, so memory stays bounded however large the corpus, and merges each
    result in turn. A batch whose worker fails is handed out again, up to ``attempts`` times in
    all; after that its articles are listed as not checked and the run goes on. ``first_miss``:
    see ``CorpusRun.batches``."""
    out: deque[tuple[Batch, BatchFuture]] = deque()

    def hand_out(batch: Batch) -> BatchFuture:
        run.submitted += 1
        return submit(batch)

    def settle(batch: Batch, future: BatchFuture) -> None:
        for attempt in range(1, attempts + 1):
            try:
                output = future.result()
            except Exception as error:  # the worker died, or the batch raised
                if attempt == attempts:
                    run.add_failed(batch, error)
                    if on_batch:
                        on_batch(batch, None, 0)
                    return
                run.warn(f"{batch.name} failed ({type(error).__name__}: {error}); trying it again")
                future = hand_out(batch)
                continue
            claims = run.add_output(output)
            if on_batch:
                on_batch(batch, output, claims)
            return

    for batch in run.batches(batch_size, split=window, first_miss=first_miss):
        out.append((batch, hand_out(batch)))
        while len(out) >= window:
            settle(*out.popleft())
    while out:
        settle(*out.popleft())


class Completed(Future):
    """The result of work done at once, in this process (one worker, or a batch that is all the work)."""

    def __init__(self, function: Callable, argument: object) -> None:
        super().__init__()
        try:
            self.set_result(function(argument))
        except Exception as error:
            self.set_exception(error)


def check_corpus(
    corpus: Path,
    reference: Path,
    out: Path,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    use_cache: bool = True,
    workers: int | None = None,
    article_seconds: float | None = DEFAULT_ARTICLE_SECONDS,
    on_batch: Callable[[Batch, BatchOutput | None, int], None] | None = None,
    follow_symlinks: bool = False,
) -> RunSummary:
    """The whole pipeline without Prefect, on a local process pool: for tests, benchmarks and as
    the flow's reference."""
    from figcheck.pipeline.work import check_batch

    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    run = CorpusRun(corpus, reference, out, use_cache=use_cache, article_seconds=article_seconds,
                    follow_symlinks=follow_symlinks)
    try:
        if workers == 1:
            run_batches(run, lambda batch: Completed(check_batch, batch), batch_size=batch_size, window=1, on_batch=on_batch)
        else:
            from figcheck.pipeline.processes import worker_pool

            with worker_pool(workers) as pool:
                run_batches(run, lambda batch: Completed(check_batch, batch) if batch.alone else pool.submit(check_batch, batch),
                            batch_size=batch_size, window=2 * workers, on_batch=on_batch,
                            first_miss=lambda: pool.start(check_batch.__module__))
                # The workers are idle now: one may render the copy the next run takes.
                return run.finish(spare=pool)
        return run.finish()
    except BaseException:
        run.abandon()
        raise


def _timeline_claims(claims_path: Path, findings: list[Finding]) -> list[Claim]:
    wanted = {ref.claim_id for f in findings if f.check in _TIMELINE_CHECKS for ref in f.claims}
    out = []
    if not wanted:
        return out
    with claims_path.open(encoding="utf-8") as lines:
        for line in lines:
            # The id opens each line: read it without parsing the rest.
            claim_id = line[7 : line.find('"', 7)] if line.startswith('{"id":"') else None
            if claim_id in wanted:
                out.append(Claim.model_validate_json(line))
    return out


def _discrepancy_counts(tallies: list[tuple[str, str, str, int]]) -> tuple[dict[str, int], dict[str, int]]:
    """Discrepancies by severity and by check, each in the order report order first meets them."""
    by_severity: dict[str, int] = {}
    by_check: dict[str, int] = {}
    wrong = sorted((SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER), check, severity, n)
                   for verdict, severity, check, n in tallies if verdict == "discrepancy")
    for _, check, severity, n in wrong:
        by_severity[severity] = by_severity.get(severity, 0) + n
        by_check[check] = by_check.get(check, 0) + n
    return by_severity, by_check


@dataclass(frozen=True)
class _Merged:
    count: int

    def __len__(self) -> int:
        return self.count
