"""The check of a whole corpus as plain steps — list the articles, extract and check them batch by
batch (cached by content), compare across articles, write the outputs — for flows/check_corpus.py
to run as Prefect tasks. Nothing here knows of Prefect."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from checkers import ALL_CHECKS, CHECKS_VERSION, CheckRun, article_of, rule_of
from checkers.base import Article
from figcheck.corpus import ARTICLE_SUFFIX, META_SUFFIX, DocumentError, document_hash, load_document
from figcheck.extraction import EXTRACTOR_VERSION, extract_claims
from figcheck.records import Claim, Finding, LoadProblem
from figcheck.reference import ReferenceTable
from figcheck.report import DocumentInfo, RunInfo, compare_runs, load_findings, write_report
from figcheck.report.findings_file import FindingsFileError

OUTPUT_FILES = ("findings.json", "claims.jsonl", "report.md", "report.html")
# The checks whose findings the report's timeline draws: it needs their claims' values.
_TIMELINE_CHECKS = {"reference", "cross_source"}


def list_articles(corpus: Path) -> tuple[list[Path], list[LoadProblem]]:
    """The articles of a corpus folder in file-name order, and metadata files with no article."""
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise DocumentError(corpus, "no such corpus folder" if not corpus.exists() else "not a folder")
    articles = sorted(
        p for p in corpus.iterdir() if p.suffix == ARTICLE_SUFFIX and not p.name.startswith(".") and p.is_file()
    )
    if not articles:
        raise DocumentError(corpus, f"no articles (*{ARTICLE_SUFFIX} files) in this folder")
    stems = {p.stem for p in articles}
    problems = [
        LoadProblem(path=str(meta), message=f"{meta}: metadata without an article (no {meta.name.removesuffix(META_SUFFIX)}{ARTICLE_SUFFIX} beside it)")
        for meta in sorted(corpus.glob(f"*{META_SUFFIX}"))
        if meta.name.removesuffix(META_SUFFIX) not in stems and not meta.name.startswith(".")
    ]
    return articles, problems


def batches(paths: list[Path], size: int) -> Iterator[list[Path]]:
    for i in range(0, len(paths), size):
        yield paths[i : i + size]


class ClaimCache:
    """Claims and article-level findings of articles already checked, keyed on the article's
    content, the extractor's and checkers' versions and the reference table's version, so an
    unchanged article is not extracted or checked again. One SQLite file: safe to interrupt."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS article (key TEXT PRIMARY KEY, claims TEXT NOT NULL, findings TEXT NOT NULL,"
            " fingerprint TEXT NOT NULL, named TEXT NOT NULL)"
        )

    @staticmethod
    def key(content: str, reference_version: str) -> str:
        parts = (content, EXTRACTOR_VERSION, CHECKS_VERSION, reference_version)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def get(self, key: str) -> tuple[list[Claim], list[Finding], frozenset[int], frozenset[str]] | None:
        row = self._db.execute("SELECT claims, findings, fingerprint, named FROM article WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        claims = [Claim.model_validate_json(line) for line in row[0].splitlines()]
        findings = [Finding.model_validate_json(line) for line in row[1].splitlines()]
        return claims, findings, frozenset(json.loads(row[2])), frozenset(json.loads(row[3]))

    def put(self, key: str, claims: list[Claim], findings: list[Finding], article: Article) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO article VALUES (?, ?, ?, ?, ?)",
            (
                key,
                "\n".join(c.model_dump_json() for c in claims),
                "\n".join(f.model_dump_json() for f in findings),
                json.dumps(sorted(article.fingerprint)),
                json.dumps(sorted(article.named_facts or ())),
            ),
        )

    def commit(self) -> None:
        self._db.commit()

    def close(self) -> None:
        self._db.commit()
        self._db.close()


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
    ) -> None:
        self.started = datetime.now(UTC)
        self.run_id = self.started.strftime("%Y-%m-%dT%H-%M-%SZ") + "-" + secrets.token_hex(2)
        self.corpus, self.reference_dir, self.out = Path(corpus), Path(reference), Path(out)
        self.runs_dir = runs_dir or self.out.parent / "runs"
        self.table = ReferenceTable.load(self.reference_dir)
        self.checks = CheckRun(self.table)
        self.cache = ClaimCache(cache_path or self.out.parent / "cache" / "claims.sqlite") if use_cache else None
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
        """Loads, extracts and checks some articles; a broken one is recorded and skipped."""
        started = time.perf_counter()
        result = BatchResult()
        for path in paths:
            try:
                document = load_document(path)
            except DocumentError as error:
                self.problems.append(LoadProblem(path=str(error.path), message=str(error)))
                result.problems += 1
                continue
            digest = document_hash(document)
            key = ClaimCache.key(digest, self.table.version)
            hit = self.cache.get(key) if self.cache else None
            if hit is not None:
                claims, findings, fingerprint, named = hit
                article = article_of(document, claims)
                article.fingerprint, article.named_facts = fingerprint, named
                self.checks.collect(article)
                result.cached += 1
            else:
                claims = extract_claims(document)
                article = article_of(document, claims, self.table)
                findings = self.checks.add(article)
                if self.cache:
                    self.cache.put(key, claims, findings, article)
            for claim in claims:
                self._claims_file.write(claim.model_dump_json())
                self._claims_file.write("\n")
            self.findings.extend(findings)
            self.documents.append(DocumentInfo.of(document))
            self._hashes.append((document.doc_id, digest))
            result.articles += 1
            result.claims += len(claims)
        if self.cache:
            self.cache.commit()
        self._claims_file.flush()
        self.claims += result.claims
        self.cached += result.cached
        result.seconds = time.perf_counter() - started
        return result

    def finish(self) -> RunSummary:
        """Runs the cross-article checks and writes findings.json, claims.jsonl, report.md and
        report.html into ``out``, and a copy of them under ``runs/<run id>/``."""
        self.findings.extend(self.checks.finish())
        self._claims_file.close()
        if self.cache:
            self.cache.close()
        claims_out = self.out / "claims.jsonl"
        os.replace(self._claims_path, claims_out)

        previous_id, previous = self._previous_run()
        new_ids, resolved = compare_runs(self.findings, previous)
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
        )

    def abandon(self) -> None:
        """Closes what a failed run opened, leaving the previous outputs as they were."""
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
    on_batch: Callable[[int, int, BatchResult], None] | None = None,
) -> RunSummary:
    """The whole pipeline without Prefect: for tests, benchmarks and the flow's reference."""
    paths, problems = list_articles(corpus)
    run = CorpusRun(corpus, reference, out, use_cache=use_cache)
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
