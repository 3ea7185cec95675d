"""The work on a batch of articles, wherever it runs: plain, serialisable input (the articles as
read: their bytes and metadata; the reference table) and output (claims as JSON lines, findings,
cross-article entries). It never opens the corpus, the cache or the outputs."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from checkers import CheckRun, article_of
from checkers.base import fingerprint
from figcheck.extraction import extract_claims
from figcheck.pipeline.budget import OverBudget, TimeBudget
from figcheck.pipeline.cache import CachedArticle
from figcheck.corpus import DocumentError, RawArticle
from figcheck.records import Document, LoadProblem, failure_message
from figcheck.reference import ReferenceTable
from figcheck.report import DocumentInfo

# Articles per batch: a task run costs Prefect some tenths of a second of bookkeeping (measured
# on 2 busy cores with Prefect's process pool task runner), and a batch of 2,000 articles a few seconds
# of work; memory holds about two batches per worker.
DEFAULT_BATCH_SIZE = 2000

# Seconds one article may take before it is reported as not checked: an ordinary article takes
# milliseconds; a page of tens of thousands of figures can take minutes.
DEFAULT_ARTICLE_SECONDS = 30.0


@dataclass
class Batch:
    """Articles to check, as the run sends them to a worker: read but not parsed, so that decoding,
    the metadata files and the pages' furniture are read in parallel too."""

    number: int
    documents: list[RawArticle]
    reference: ReferenceTable
    article_seconds: float | None = DEFAULT_ARTICLE_SECONDS
    # The run's only batch, and a small one: cheaper to check where the run is than to start
    # worker processes for it.
    alone: bool = False

    @property
    def name(self) -> str:
        count = len(self.documents)
        first, last = self.documents[0].doc_id, self.documents[-1].doc_id
        which = first if count == 1 else f"{first} … {last}"
        return f"batch {self.number} ({count} article{'s' if count != 1 else ''}: {which})"


@dataclass
class BatchOutput:
    """For each article of the batch, in its order: the CachedArticle as JSON, or why it was not checked."""

    number: int
    articles: list[str | LoadProblem] = field(default_factory=list)
    seconds: float = 0.0


# One CheckRun per reference table a worker has seen: building its name index is not free.
_checks: dict[str, CheckRun] = {}


def _check_run(table: ReferenceTable) -> CheckRun:
    if table.version not in _checks:
        _checks.clear()
        _checks[table.version] = CheckRun(table)
    return _checks[table.version]


def check_batch(batch: Batch) -> BatchOutput:
    started = time.perf_counter()
    checks = _check_run(batch.reference)
    output = BatchOutput(batch.number)
    with TimeBudget(batch.article_seconds) as budget:
        for article in batch.documents:
            where = article.path or article.doc_id
            try:
                with budget.article():
                    output.articles.append(check_document(article.document(), checks).model_dump_json())
            except DocumentError as error:
                output.articles.append(LoadProblem(path=error.path, message=str(error)))
            except OverBudget:
                output.articles.append(LoadProblem(
                    path=where,
                    message=f"{where}: not checked: it took longer than the time budget of "
                            f"{batch.article_seconds:g} s for one article (see --article-seconds)",
                ))
            except Exception as error:  # noqa: BLE001 - figcheck's own failure on one article
                # A mistake of the code that one article's text sets off costs that article, not
                # the batch: failed, the batch would be tried again and its articles all lost.
                output.articles.append(LoadProblem(path=where, message=failure_message(where, error)))
    output.seconds = time.perf_counter() - started
    return output


def check_document(document: Document, checks: CheckRun) -> CachedArticle:
    """Extracts one article's claims and runs the checks within it."""
    table = checks.context.reference
    claims = extract_claims(document)
    article = article_of(document, claims, table, fingerprinted=False)
    findings = checks.add_article(article)
    entries = checks.cross_entries(article)
    # The fingerprint tells sources apart within a cross-article group: without entries, none is needed.
    position = {claim.id: i for i, claim in enumerate(claims)}
    return CachedArticle(
        document=DocumentInfo.of(document),
        claims=[claim.model_dump_json() for claim in claims],
        findings=findings,
        fingerprint=sorted(fingerprint(document.text)) if entries else [],
        entries=[(list(entry.key), entry.fact_id, position[entry.claim.id]) for entry in entries],
    )
