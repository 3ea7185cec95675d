"""The check of a whole corpus as plain steps — list the articles, extract and check them batch by
batch (cached by content), compare across articles, write the outputs — for flows/check_corpus.py
to run as Prefect tasks. Nothing here knows of Prefect."""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import secrets
import shutil
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel

from checkers import ALL_CHECKS, CheckRun, article_of, merge_findings, rule_of
from checkers.cross_source import Entry, Source
from figcheck.corpus import META_SUFFIX, DocumentError, list_articles, load_document
from figcheck.extraction import EXTRACTOR_VERSION, extract_claims
from figcheck.records import Claim, Finding, LoadProblem
from figcheck.reference import ReferenceTable
from figcheck.report import (
    DocumentInfo,
    RunInfo,
    compare_runs,
    load_findings,
    write_report,
)
from figcheck.report.findings_file import FindingsFileError
from figcheck.runs import DEFAULT_KEEP, prune_runs

OUTPUT_FILES = ("findings.json", "claims.jsonl", "report.md", "report.html")
# The checks whose findings the report's timeline draws: it needs their claims' values.
_TIMELINE_CHECKS = {"reference", "cross_source"}


def batches(paths: list[Path], size: int) -> Iterator[list[Path]]:
    for i in range(0, len(paths), size):
        yield paths[i : i + size]


class ClaimCache:
    """Claims and article-level findings of articles already checked, keyed on the article's
    content, the code of the extractor and checkers, and the reference table's version, so an
    unchanged article is not extracted or checked again. One SQLite file: safe to interrupt;
    worker processes read it while the run writes it."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        if read_only:
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS article (key TEXT PRIMARY KEY, entry TEXT NOT NULL)"
        )
        self._db.commit()

    @staticmethod
    def key(digest: str, reference_version: str) -> str:
        parts = (digest, EXTRACTOR_VERSION, code_version(), reference_version)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def get(self, key: str) -> CachedArticle | None:
        row = self._db.execute("SELECT entry FROM article WHERE key = ?", (key,)).fetchone()
        return CachedArticle.model_validate_json(row[0]) if row else None

    def put(self, key: str, entry: CachedArticle) -> None:
        self._db.execute("INSERT OR REPLACE INTO article VALUES (?, ?)", (key, entry.model_dump_json()))

    def commit(self) -> None:
        self._db.commit()

    def close(self) -> None:
        self._db.commit()
        self._db.close()


class CachedArticle(BaseModel):
    """Everything a run needs of an article it has checked before, so it is not even parsed."""

    document: DocumentInfo
    claims: list[str]  # Claim JSON, one a line as claims.jsonl has them
    findings: list[Finding]  # the article-level findings
    fingerprint: list[int]
    # The cross-article group keys of its claims: (key, fact id, index into claims).
    entries: list[tuple[list[str], str | None, int]]


@dataclass
class ArticleResult:
    """What checking one article gives back to the run (from a worker process, pickled)."""

    document: DocumentInfo
    digest: str
    key: str
    claims: list[str]
    findings: list[Finding]
    source: Source
    entries: list[Entry]
    cached: bool
    to_cache: CachedArticle | None = None


# The code an article's claims and findings depend on. Its digest is part of the cache key,
# so a change to a rule invalidates what it would change even if no version number was bumped.
_RESULT_CODE = ("figcheck/extraction", "figcheck/lexicon", "checkers", "figcheck/corpus.py",
                "figcheck/furniture.py", "figcheck/records.py", "figcheck/reference", "figcheck/linking")


@functools.cache
def code_version() -> str:
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for entry in _RESULT_CODE:
        path = root / entry
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.suffix in (".py", ".yaml") and file.is_file():
                digest.update(str(file.relative_to(root)).encode() + b"\x00" + file.read_bytes())
    return digest.hexdigest()[:16]


# --- one article, in whichever process checks it -----------------------------------------

_worker: dict[str, object] = {}


def _start_worker(reference: str, cache_path: str | None) -> None:
    table = ReferenceTable.load(Path(reference))
    _worker["table"] = table
    _worker["checks"] = CheckRun(table)
    _worker["cache"] = ClaimCache(Path(cache_path), read_only=True) if cache_path else None


def _check_article(path: Path) -> ArticleResult | LoadProblem:
    table: ReferenceTable = _worker["table"]
    checks: CheckRun = _worker["checks"]
    cache: ClaimCache | None = _worker["cache"]
    try:
        digest = _file_digest(path)
    except OSError as error:
        return LoadProblem(path=str(path), message=f"{path}: cannot read: {error.strerror or error}")
    key = ClaimCache.key(digest, table.version)
    hit = cache.get(key) if cache else None
    if hit is not None:
        return _from_cache(hit, digest, key)
    try:
        document = load_document(path)
    except DocumentError as error:
        return LoadProblem(path=str(error.path), message=str(error))
    claims = extract_claims(document)
    article = article_of(document, claims, table)
    findings = checks.add_article(article)
    entries = checks.cross_entries(article)
    claim_lines = [c.model_dump_json() for c in claims]
    position = {c.id: i for i, c in enumerate(claims)}
    info = DocumentInfo.of(document)
    return ArticleResult(
        document=info,
        digest=digest,
        key=key,
        claims=claim_lines,
        findings=findings,
        source=Source(article.doc_id, article.fingerprint, article.publisher, article.title),
        entries=entries,
        cached=False,
        to_cache=CachedArticle(
            document=info,
            claims=claim_lines,
            findings=findings,
            fingerprint=sorted(article.fingerprint),
            entries=[(list(e.key), e.fact_id, position[e.claim.id]) for e in entries],
        ),
    )


def _from_cache(hit: CachedArticle, digest: str, key: str) -> ArticleResult:
    info = hit.document
    entries = [
        Entry(tuple(entry_key), fact_id, Claim.model_validate_json(hit.claims[index]))
        for entry_key, fact_id, index in hit.entries
    ]
    return ArticleResult(
        document=info,
        digest=digest,
        key=key,
        claims=hit.claims,
        findings=hit.findings,
        source=Source(info.doc_id, frozenset(hit.fingerprint), info.publisher, info.title),
        entries=entries,
        cached=True,
    )


def _file_digest(article: Path) -> str:
    """The article's bytes and its metadata file's: what the claims of the article depend on."""
    digest = hashlib.sha256(article.read_bytes())
    meta = article.with_name(article.stem + META_SUFFIX)
    digest.update(b"\x00" + (meta.read_bytes() if meta.is_file() else b""))
    return digest.hexdigest()


@dataclass
class BatchResult:
    articles: int = 0
    claims: int = 0
    cached: int = 0
    problems: int = 0
    seconds: float = 0.0


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
    discrepancies: list[Finding] = field(default_factory=list)
    previous_run_id: str | None = None

    @property
    def errors(self) -> int:
        return self.findings_by_severity.get("error", 0)

    @property
    def warnings(self) -> int:
        return self.findings_by_severity.get("warning", 0)


class CorpusRun:
    """One run over a corpus. Claims go to disk as each batch is done; what stays in memory is
    the findings, one line per source, and the cross-article groups."""

    def __init__(
        self,
        corpus: Path,
        reference: Path,
        out: Path,
        *,
        runs_dir: Path | None = None,
        cache_path: Path | None = None,
        use_cache: bool = True,
        workers: int | None = None,
    ) -> None:
        self.started = datetime.now(UTC)
        self.run_id = self.started.strftime("%Y-%m-%dT%H-%M-%SZ") + "-" + secrets.token_hex(2)
        self.corpus, self.reference_dir, self.out = Path(corpus), Path(reference), Path(out)
        self.runs_dir = runs_dir or self.out.parent / "runs"
        self.table = ReferenceTable.load(self.reference_dir)
        self.checks = CheckRun(self.table)
        self.cache_path = (cache_path or self.out.parent / "cache" / "claims.sqlite") if use_cache else None
        self.cache = ClaimCache(self.cache_path) if self.cache_path else None
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        self._pool: ProcessPoolExecutor | None = None
        self._in_process_ready = False
        self.out.mkdir(parents=True, exist_ok=True)
        self._claims_path = self.out / f".claims.jsonl.{self.run_id}.part"
        self._claims_file = self._claims_path.open("w", encoding="utf-8")
        self.findings: list[Finding] = []
        self.documents: list[DocumentInfo] = []
        self.problems: list[LoadProblem] = []
        self._hashes: list[tuple[str, str]] = []
        self.claims = 0
        self.cached = 0

    def add_problems(self, problems: Iterable[LoadProblem]) -> None:
        self.problems.extend(problems)

    def add_fetch_report(self, path: Path) -> None:
        """Sources that failed to download, and figures that changed between versions of a
        fetched article, as the fetch before this run reported them in ``fetch.json``."""
        from figcheck.fetching.run import FetchReport

        report = FetchReport.model_validate_json(Path(path).read_text(encoding="utf-8"))
        self.problems.extend(report.load_problems())
        self.findings.extend(report.findings)

    def check_batch(self, paths: list[Path]) -> BatchResult:
        """Loads, extracts and checks some articles, on every core; a broken one is recorded
        and skipped. Claims go to disk here; the cross-article groups are merged here."""
        started = time.perf_counter()
        result = BatchResult()
        for item in self._map(paths):
            if isinstance(item, LoadProblem):
                self.problems.append(item)
                result.problems += 1
                continue
            self._claims_file.write("".join(line + "\n" for line in item.claims))
            if item.to_cache is not None and self.cache:
                self.cache.put(item.key, item.to_cache)
            self.findings.extend(item.findings)
            self.checks.collect_entries(item.source, item.entries)
            self.documents.append(item.document)
            self._hashes.append((item.document.doc_id, item.digest))
            result.articles += 1
            result.claims += len(item.claims)
            result.cached += item.cached
        if self.cache:
            self.cache.commit()
        self._claims_file.flush()
        self.claims += result.claims
        self.cached += result.cached
        result.seconds = time.perf_counter() - started
        return result

    def _map(self, paths: list[Path]) -> Iterator[ArticleResult | LoadProblem]:
        cache = str(self.cache_path) if self.cache_path else None
        if self.workers == 1 or len(paths) < 2 * self.workers:
            if not self._in_process_ready:
                _start_worker(str(self.reference_dir), cache)
                self._in_process_ready = True
            yield from map(_check_article, paths)
            return
        if self._pool is None:
            # Spawned, not forked: the parent may be running Prefect's threads.
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(str(self.reference_dir), cache),
            )
        yield from self._pool.map(_check_article, paths, chunksize=max(1, len(paths) // (8 * self.workers)))

    def _close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def finish(self) -> RunSummary:
        """Runs the cross-article checks and writes findings.json, claims.jsonl, report.md and
        report.html into ``out``, and a copy of them under ``runs/<run id>/``."""
        self._close()
        self.findings = merge_findings([*self.findings, *self.checks.finish()])
        self._claims_file.close()
        if self.cache:
            self.cache.close()
        claims_out = self.out / "claims.jsonl"
        os.replace(self._claims_path, claims_out)

        previous_id, previous = self._previous_run()
        new_ids, resolved = compare_runs(self.findings, previous if previous_id is not None else None)
        run = RunInfo(
            run_id=self.run_id,
            started=self.started,
            finished=datetime.now(UTC),
            corpus=str(self.corpus),
            reference=str(self.reference_dir),
            corpus_version=_digest(sorted(self._hashes)),
            reference_version=self.table.version,
            extractor_version=EXTRACTOR_VERSION,
            documents=self.documents,
            problems=self.problems,
            check_rules={check.NAME: rule_of(check) for check in ALL_CHECKS},
            previous_run_id=previous_id,
            new_finding_ids=new_ids,
            resolved_findings=resolved,
        )
        run.counts.documents = len(self.documents)
        run.counts.claims = self.claims
        write_report(self.out, run, self.findings, claims=_timeline_claims(claims_out, self.findings))

        run_dir = self.runs_dir / self.run_id
        run_dir.mkdir(parents=True, exist_ok=True)
        for name in OUTPUT_FILES:
            shutil.copy2(self.out / name, run_dir / name)
        prune_runs(self.runs_dir, keep=DEFAULT_KEEP)

        severities = Counter(f.severity for f in self.findings if f.verdict == "discrepancy")
        return RunSummary(
            run_id=self.run_id,
            out=self.out,
            run_dir=run_dir,
            articles=len(self.documents),
            claims=self.claims,
            problems=self.problems,
            findings_by_severity=dict(severities),
            findings_by_check=dict(Counter(f.check for f in self.findings if f.verdict == "discrepancy")),
            new=len(new_ids),
            resolved=len(resolved),
            cached=self.cached,
            seconds=(datetime.now(UTC) - self.started).total_seconds(),
            discrepancies=[f for f in self.findings if f.verdict == "discrepancy"],
            previous_run_id=previous_id,
        )

    def abandon(self) -> None:
        """Closes what a failed run opened, leaving the previous outputs as they were."""
        self._close()
        self._claims_file.close()
        self._claims_path.unlink(missing_ok=True)
        if self.cache:
            self.cache.close()

    def _previous_run(self) -> tuple[str | None, list[Finding]]:
        if not self.runs_dir.is_dir():
            return None, []
        for run_dir in sorted(self.runs_dir.iterdir(), reverse=True):
            path = run_dir / "findings.json"
            if run_dir.name != self.run_id and path.is_file():
                try:
                    info, findings = load_findings(path)
                except FindingsFileError:
                    continue  # a damaged old run is no reference for "what is new"
                return info.run_id, findings
        return None, []


def check_corpus(
    corpus: Path,
    reference: Path,
    out: Path,
    *,
    batch_size: int = 500,
    use_cache: bool = True,
    workers: int | None = None,
    on_batch: Callable[[int, int, BatchResult], None] | None = None,
) -> RunSummary:
    """The whole pipeline without Prefect: for tests, benchmarks and the flow's reference."""
    paths, problems = list_articles(corpus)
    run = CorpusRun(corpus, reference, out, use_cache=use_cache, workers=workers)
    try:
        run.add_problems(problems)
        done = 0
        for batch in batches(paths, batch_size):
            result = run.check_batch(batch)
            done += len(batch)
            if on_batch:
                on_batch(done, len(paths), result)
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


def _digest(items: list[tuple[str, str]]) -> str:
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()[:16]
