"""The report's content arranged for reading, shared by the Markdown and HTML renderings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from figcheck.records import Claim, ClaimRef, Finding
from figcheck.report.findings_file import report_order
from figcheck.report.run import DocumentInfo, FindingSummary, RunInfo, describe_changes
from figcheck.report.timeline import Timeline, build_timeline, source_names

SEVERITY_HEADINGS = {"error": "Errors", "warning": "Warnings", "info": "Notes"}

# Colour-blind-safe (Okabe and Ito), one per source in the order the run lists them.
SOURCE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D1F", "#5A5A5A")


@dataclass(frozen=True)
class Fragment:
    """A run of a quoted sentence; ``figure`` marks the claimed figure itself."""

    text: str
    figure: bool = False


@dataclass(frozen=True)
class Quote:
    """One sentence of one source, with the figures a finding is about marked in it."""

    document: DocumentInfo
    fragments: tuple[Fragment, ...]


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    quotes: tuple[Quote, ...]
    doc_ids: tuple[str, ...]
    is_new: bool

    @property
    def anchor(self) -> str:
        return self.finding.id


@dataclass(frozen=True)
class CheckGroup:
    check: str
    label: str
    rule: str | None
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class SeverityGroup:
    severity: str
    heading: str
    checks: tuple[CheckGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(group.findings) for group in self.checks)


@dataclass(frozen=True)
class CheckRow:
    check: str
    label: str
    errors: int = 0
    warnings: int = 0
    notes: int = 0
    consistent: int = 0
    unverifiable: int = 0


@dataclass(frozen=True)
class SourceRow:
    document: DocumentInfo
    colour: str
    claims: int | None
    discrepancies: int


@dataclass
class ReportView:
    run: RunInfo
    totals: CheckRow
    check_rows: list[CheckRow]
    sources: list[SourceRow]
    discrepancies: list[SeverityGroup]
    consistent: list[CheckGroup]
    unverifiable: list[CheckGroup]
    new: list[FindingView]
    resolved: list[FindingSummary]
    timeline: Timeline
    colours: dict[str, str] = field(default_factory=dict)
    source_names: dict[str, str] = field(default_factory=dict)
    checks: list[tuple[str, str]] = field(default_factory=list)
    # Every finding in report order: discrepancies by severity, then verified, then unverifiable.
    ordered: list[FindingView] = field(default_factory=list)

    @property
    def changes(self) -> str:
        """What changed since the previous run, worded as everywhere else (see ``describe_changes``)."""
        return describe_changes(self.run.previous_run_id, len(self.new), len(self.resolved))

    @property
    def discrepancy_count(self) -> int:
        return sum(group.count for group in self.discrepancies)

    @property
    def consistent_count(self) -> int:
        return sum(len(group.findings) for group in self.consistent)

    @property
    def unverifiable_count(self) -> int:
        return sum(len(group.findings) for group in self.unverifiable)

    @property
    def finding_count(self) -> int:
        return self.discrepancy_count + self.consistent_count + self.unverifiable_count


def build_view(run: RunInfo, findings: Iterable[Finding], claims: Iterable[Claim] | None = None) -> ReportView:
    findings = sorted(findings, key=report_order)
    claim_list = list(claims) if claims is not None else None
    claims_by_id = {claim.id: claim for claim in claim_list or ()}
    # Without a previous run nothing can be new, whatever an older findings file says.
    new_ids = set(run.new_finding_ids) if run.previous_run_id else set()
    documents = _documents(run, findings)
    colours = {info.doc_id: SOURCE_COLOURS[i % len(SOURCE_COLOURS)] for i, info in enumerate(documents)}
    by_id = {info.doc_id: info for info in documents}
    views = [_finding_view(finding, by_id, new_ids) for finding in findings]

    by_verdict = {
        verdict: [v for v in views if v.finding.verdict == verdict]
        for verdict in ("discrepancy", "consistent", "unverifiable")
    }
    discrepancies = [
        SeverityGroup(
            severity, SEVERITY_HEADINGS.get(severity, severity.capitalize()), tuple(_check_groups(group, run))
        )
        for severity, group in _group_by(by_verdict["discrepancy"], lambda v: v.finding.severity)
    ]

    rows = _check_rows(findings)
    totals = CheckRow(
        check="",
        label="All checks",
        errors=sum(r.errors for r in rows),
        warnings=sum(r.warnings for r in rows),
        notes=sum(r.notes for r in rows),
        consistent=sum(r.consistent for r in rows),
        unverifiable=sum(r.unverifiable for r in rows),
    )
    claim_counts = Counter(claim.doc_id for claim in claim_list) if claim_list is not None else None
    discrepancy_counts = Counter(doc for v in by_verdict["discrepancy"] for doc in v.doc_ids)
    sources = [
        SourceRow(
            document=info,
            colour=colours[info.doc_id],
            claims=claim_counts[info.doc_id] if claim_counts is not None else None,
            discrepancies=discrepancy_counts[info.doc_id],
        )
        for info in documents
    ]
    return ReportView(
        run=run.model_copy(update={"documents": documents}),
        totals=totals,
        check_rows=rows,
        sources=sources,
        discrepancies=discrepancies,
        consistent=_check_groups(by_verdict["consistent"], run),
        unverifiable=_check_groups(by_verdict["unverifiable"], run),
        new=[v for v in by_verdict["discrepancy"] if v.is_new],
        resolved=list(run.resolved_findings),
        timeline=build_timeline(findings, claims_by_id, documents, colours),
        colours=colours,
        source_names=source_names(documents),
        checks=sorted((row.check, row.label) for row in rows),
        ordered=views,
    )


def check_label(check: str) -> str:
    """``part_exceeds_whole`` → ``Part exceeds whole``."""
    return check.replace("_", " ").strip().capitalize() or check


def quote_fragments(sentence: str, sentence_start: int | None, refs: Iterable[ClaimRef]) -> tuple[Fragment, ...]:
    """``sentence`` cut into plain runs and the claimed figures of ``refs``.

    A figure is placed by its document offset; if the sentence does not hold the
    figure's text there (a sentence re-flowed by the extractor, say), the first place
    it does hold it is used, and a figure it does not hold at all is left unmarked
    rather than marking the wrong words.
    """
    spans: list[tuple[int, int]] = []
    for ref in refs:
        if not ref.text:
            continue
        offset = ref.start - sentence_start if sentence_start is not None else -1
        if not (0 <= offset and sentence[offset : offset + len(ref.text)] == ref.text):
            offset = sentence.find(ref.text)
        if offset >= 0:
            spans.append((offset, offset + len(ref.text)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    fragments: list[Fragment] = []
    position = 0
    for start, end in merged:
        if start > position:
            fragments.append(Fragment(sentence[position:start]))
        fragments.append(Fragment(sentence[start:end], figure=True))
        position = end
    if position < len(sentence):
        fragments.append(Fragment(sentence[position:]))
    return tuple(fragments)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is a web address a report may link to; ``javascript:`` and the like are not."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value.isoformat()


def format_time(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None and value.utcoffset() == UTC.utcoffset(None):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.strftime("%Y-%m-%d %H:%M %z").strip()


def _finding_view(finding: Finding, documents: dict[str, DocumentInfo], new_ids: set[str]) -> FindingView:
    quotes = []
    # One quote per sentence: a part and its whole in the same sentence are marked together.
    for (doc_id, sentence, sentence_start), refs in _group_by(
        finding.claims, lambda ref: (ref.doc_id, ref.sentence or "", ref.sentence_start)
    ):
        if sentence:
            fragments = quote_fragments(sentence, sentence_start, refs)
        else:
            fragments = tuple(Fragment(ref.text, figure=True) for ref in refs)
        quotes.append(Quote(document=documents.get(doc_id) or DocumentInfo(doc_id=doc_id), fragments=fragments))
    doc_ids = tuple(dict.fromkeys(ref.doc_id for ref in finding.claims))
    return FindingView(finding=finding, quotes=tuple(quotes), doc_ids=doc_ids, is_new=finding.id in new_ids)


def _check_groups(views: list[FindingView], run: RunInfo) -> list[CheckGroup]:
    return [
        CheckGroup(check=check, label=check_label(check), rule=run.check_rules.get(check), findings=tuple(group))
        for check, group in _group_by(sorted(views, key=lambda v: v.finding.check), lambda v: v.finding.check)
    ]


def _check_rows(findings: list[Finding]) -> list[CheckRow]:
    rows = []
    for check, group in _group_by(sorted(findings, key=lambda f: f.check), lambda f: f.check):
        discrepancies = Counter(f.severity for f in group if f.verdict == "discrepancy")
        verdicts = Counter(f.verdict for f in group)
        rows.append(
            CheckRow(
                check=check,
                label=check_label(check),
                errors=discrepancies["error"],
                warnings=discrepancies["warning"],
                notes=discrepancies["info"],
                consistent=verdicts["consistent"],
                unverifiable=verdicts["unverifiable"],
            )
        )
    # Checks that found something wrong lead, worst first.
    return sorted(rows, key=lambda r: (-r.errors, -r.warnings, -r.notes, r.check))


def _documents(run: RunInfo, findings: list[Finding]) -> list[DocumentInfo]:
    """The run's sources, plus any a finding cites that the run did not describe."""
    known = {info.doc_id for info in run.documents}
    extra = sorted({ref.doc_id for f in findings for ref in f.claims} - known)
    return list(run.documents) + [DocumentInfo(doc_id=doc_id) for doc_id in extra]


def _group_by(items, key):
    """``items`` grouped by ``key``, groups in the order their first item came."""
    order: dict[object, list] = {}
    for item in items:
        order.setdefault(key(item), []).append(item)
    return list(order.items())
