"""The consistency checks, one rule per module, and the runner that applies them to a corpus.

Within one article: part_exceeds_whole, qualifier_bounds, duration_vs_range, elapsed_time,
anniversary, weekday, calendar_conversion, date_order, future_reference, reference (against the
curated table) and dateline. Across articles: cross_source, which collects claims article by
article and compares them within groups of the same fact or event, and consensus, which dates
named events by the agreement of independent sources and flags the article that disagrees.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from checkers import (
    anniversary,
    calendar_conversion,
    consensus,
    cross_source,
    date_order,
    dateline,
    duration_vs_range,
    elapsed_time,
    future_reference,
    part_exceeds_whole,
    qualifier_bounds,
    reference,
    weekday,
)
from checkers.base import Article, CheckContext, fingerprint
from figcheck.records import Claim, Document, Finding, MergedFinding
from figcheck.reference import ReferenceTable

ARTICLE_CHECKS: tuple[ModuleType, ...] = (
    part_exceeds_whole,
    qualifier_bounds,
    duration_vs_range,
    elapsed_time,
    anniversary,
    weekday,
    calendar_conversion,
    date_order,
    future_reference,
    reference,
    dateline,
)
CORPUS_CHECKS: tuple[ModuleType, ...] = (cross_source, consensus)
ALL_CHECKS: tuple[ModuleType, ...] = ARTICLE_CHECKS + CORPUS_CHECKS


def rule_of(check: ModuleType) -> str:
    """The rule in plain words, as the report quotes it: the module's docstring."""
    return " ".join((check.__doc__ or "").split())


def article_of(document: Document, claims: list[Claim], reference_table: ReferenceTable | None = None, *,
               fingerprinted: bool = True) -> Article:
    """The article as the checks read it. ``fingerprinted=False`` leaves out the near-copy
    fingerprint, which only the corpus-wide checks read, and only for an article they collect
    entries of (most articles of an archive have none): the caller adds it then."""
    meta = document.meta
    return Article(
        doc_id=document.doc_id,
        claims=claims,
        published=meta.published_date,
        title=meta.title,
        publisher=meta.publisher,
        fingerprint=fingerprint(document.text) if fingerprinted else frozenset(),
        # Read when a claim asks, which in most articles none does.
        named_facts=reference_table.named_facts(document.text) if reference_table is not None else None,
        dateline=dateline.dateline_date(document),
    )


class CheckRun:
    """Checks articles one at a time (findings of each article come back at once) and the
    corpus-wide checks at the end."""

    def __init__(self, reference_table: ReferenceTable | None, only: Iterable[str] | None = None) -> None:
        names = set(only) if only is not None else None
        self.context = CheckContext(reference=reference_table)
        self.article_checks = [c for c in ARTICLE_CHECKS if names is None or c.NAME in names]
        self.cross = cross_source.CrossSource(reference_table) if names is None or cross_source.NAME in names else None
        self.consensus = consensus.CorpusConsensus(reference=reference_table) if names is None or consensus.NAME in names else None

    def add_document(self, document: Document, claims: list[Claim]) -> list[Finding]:
        return self.add(article_of(document, claims, self.context.reference))

    def add(self, article: Article) -> list[Finding]:
        """Runs the article's own checks and collects it for the corpus-wide ones."""
        findings = self.add_article(article)
        self.collect(article)
        return findings

    def add_article(self, article: Article) -> list[Finding]:
        """Runs the article's own checks only. Its links stay until another article is checked:
        ``cross_entries`` of the same article asks the same questions and reuses the answers."""
        self.context.article = article
        findings: list[Finding] = []
        for check in self.article_checks:
            findings.extend(check.check(article, self.context))
        return merge_findings(findings)

    def collect(self, article: Article) -> None:
        """Collects an article for the corpus-wide checks only (its own findings are known)."""
        self.collect_entries(cross_source.Source(article.doc_id, article.fingerprint, article.publisher,
                                                 article.title), self.cross_entries(article))

    def cross_entries(self, article: Article) -> list[cross_source.Entry]:
        """What the corpus-wide checks need of an article; may run in another process than
        ``collect_entries``, which merges them."""
        self.context.article = article
        found = cross_source.entries(article, self.context) if self.cross is not None else []
        if self.consensus is not None:
            found += consensus.entries(article, self.context)
        self.context.forget()
        return found

    def collect_entries(self, source: cross_source.Source, found: list[cross_source.Entry]) -> None:
        if not found:
            return
        source = cross_source.Held.of(source)  # packed once, shared by both checks' groups
        if self.cross is not None:
            self.cross.add_entries(source, [e for e in found if e.key[:1] != ("consensus",)])
        if self.consensus is not None:
            self.consensus.add_entries(source, found)

    def finish(self) -> list[Finding]:
        findings = self.cross.findings() if self.cross is not None else []
        return findings + (self.consensus.findings() if self.consensus is not None else [])


_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def merge_findings(findings: list[Finding]) -> list[Finding]:
    """One discrepancy per wrong figure: the discrepancies whose flagged figure (their first
    claim) is the same are merged into the most severe of them, which keeps the others' checks
    and reasons in ``merged``, and lists every claim they name."""
    groups: dict[str, list[Finding]] = {}
    out: list[Finding | str] = []
    for f in findings:
        if f.verdict != "discrepancy" or not f.claims:
            out.append(f)
            continue
        key = f.claims[0].claim_id
        if key not in groups:
            groups[key] = []
            out.append(key)
        groups[key].append(f)
    merged: list[Finding] = []
    for item in out:
        if isinstance(item, Finding):
            merged.append(item)
            continue
        group = groups[item]
        if len(group) == 1:
            merged.append(group[0])
            continue
        primary, *others = sorted(group, key=lambda f: _SEVERITY_RANK[f.severity])  # stable: check order
        claims = list(primary.claims)
        seen = {c.claim_id for c in claims}
        for other in others:
            claims.extend(c for c in other.claims if c.claim_id not in seen)
            seen.update(c.claim_id for c in other.claims)
        # The others' reasons travel in ``merged`` (the report shows each under the primary's);
        # written into the message too, a reader would see them twice.
        merged.append(primary.model_copy(update={
            "claims": claims,
            "merged": [*primary.merged, *(MergedFinding(id=o.id, check=o.check, severity=o.severity, message=o.message)
                                         for o in others)],
        }))
    return merged


def check_articles(
    articles: Iterable[Article], reference_table: ReferenceTable | None, only: Iterable[str] | None = None
) -> list[Finding]:
    run = CheckRun(reference_table, only)
    findings: list[Finding] = []
    for article in articles:
        findings.extend(run.add(article))
    # A figure flagged in its article and across articles is still one discrepancy.
    return merge_findings([*findings, *run.finish()])


__all__ = ["ALL_CHECKS", "ARTICLE_CHECKS", "CORPUS_CHECKS", "Article", "CheckRun", "article_of", "check_articles", "merge_findings", "rule_of"]
