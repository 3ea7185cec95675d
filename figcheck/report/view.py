"""The report's content arranged for reading, shared by the Markdown and HTML renderings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from figcheck.records import Claim, ClaimRef, Finding
from figcheck.report.run import SEVERITY_ORDER, DocumentInfo, FindingSummary, RunInfo, describe_changes
from figcheck.report.sources import SOURCE_COLOURS, Sources
from figcheck.report.findings_file import _rank as report_order_rank
from figcheck.report.store import ReportStore
from figcheck.report.timeline import TIMELINE_CHECKS, Timeline, build_timeline

SEVERITY_HEADINGS = {"error": "Errors", "warning": "Warnings", "info": "Notes"}


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


class FindingViews:
    """The findings of one verdict (and one check), read from the store in report order each time
    they are gone through: a report lists every finding without holding them all."""

    def __init__(self, count: int, read: Callable[[], Iterator[FindingView]]) -> None:
        self._count = count
        self._read = read

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[FindingView]:
        return self._read()

    def __getitem__(self, part: slice) -> list[FindingView]:
        return list(islice(self._read(), part.start, part.stop, part.step))


class SourceRows:
    """One row per source, made when the rows are gone through."""

    def __init__(self, sources: Sources, claims: Counter[str] | None, discrepancies: Counter[str]) -> None:
        self._sources = sources
        self._claims = claims
        self._discrepancies = discrepancies

    def __len__(self) -> int:
        return len(self._sources)

    def __bool__(self) -> bool:
        return len(self._sources) > 0

    def __iter__(self) -> Iterator[SourceRow]:
        for position, info in enumerate(self._sources):
            yield SourceRow(
                document=info,
                colour=SOURCE_COLOURS[position % len(SOURCE_COLOURS)],
                claims=self._claims[info.doc_id] if self._claims is not None else None,
                discrepancies=self._discrepancies[info.doc_id],
            )


@dataclass
class ReportView:
    run: RunInfo
    totals: CheckRow
    check_rows: list[CheckRow]
    sources: SourceRows
    discrepancies: list[SeverityGroup]
    consistent: list[CheckGroup]
    unverifiable: list[CheckGroup]
    new: FindingViews
    resolved: list[FindingSummary]
    timeline: Timeline
    source_list: Sources
    # How many discrepancies cite each source.
    discrepancy_sources: Counter[str] = field(default_factory=Counter)
    checks: list[tuple[str, str]] = field(default_factory=list)
    # Every finding in report order: discrepancies by severity, then verified, then unverifiable.
    ordered: FindingViews | None = None

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


def report_store(run: RunInfo, findings: Iterable[Finding] | ReportStore) -> ReportStore:
    """``findings`` as a store; findings in memory go into one in memory, with the run's sources."""
    if isinstance(findings, ReportStore):
        return findings
    store = ReportStore()
    store.add_documents(run.documents)
    store.add_findings(findings)
    return store


def build_view(run: RunInfo, findings: Iterable[Finding] | ReportStore, claims: Iterable[Claim] | None = None) -> ReportView:
    """The report's content; from a store (a run's), only counts and the findings the timeline
    draws are held, the findings are read again from the store as each part is written."""
    store = report_store(run, findings)
    claim_list = list(claims) if claims is not None else None
    claims_by_id = {claim.id: claim for claim in claim_list or ()}
    # Without a previous run nothing can be new, whatever an older findings file says.
    new_ids = set(run.new_finding_ids) if run.previous_run_id else set()

    timeline_findings: list[Finding] = []
    cited: set[str] = set()
    discrepancy_counts: Counter[str] = Counter()
    new_count = 0
    for finding in store.findings():
        if finding.verdict == "discrepancy":
            discrepancy_counts.update(list(dict.fromkeys(ref.doc_id for ref in finding.claims)))
            new_count += finding.id in new_ids
        if finding.check in TIMELINE_CHECKS:
            timeline_findings.append(finding)
        cited.update(ref.doc_id for ref in finding.claims)
    # The run's sources, plus any a finding cites that the run did not describe.
    store.add_cited(sorted(doc_id for doc_id in cited if not store.has_document(doc_id)))
    del cited
    sources = Sources(store)

    def view_of(finding: Finding) -> FindingView:
        return _finding_view(finding, sources, new_ids)

    def read(verdict: str | None = None, check: str | None = None, severity: str | None = None,
             only: set[str] | None = None) -> Callable[[], Iterator[FindingView]]:
        return lambda: (view_of(finding) for finding in store.findings(verdict=verdict, check=check, severity=severity)
                        if only is None or finding.id in only)

    tallies = store.tallies()
    wrong: dict[str, Counter[str]] = {}
    for verdict, severity, check, n in tallies:
        if verdict == "discrepancy":
            wrong.setdefault(severity, Counter())[check] += n
    discrepancies = [
        SeverityGroup(
            severity,
            SEVERITY_HEADINGS.get(severity, severity.capitalize()),
            tuple(
                CheckGroup(check=check, label=check_label(check), rule=run.check_rules.get(check),
                           findings=FindingViews(n, read("discrepancy", check, severity)))  # type: ignore[arg-type]
                for check, n in sorted(wrong[severity].items())
            ),
        )
        for severity in sorted(wrong, key=lambda severity: report_order_rank(severity, SEVERITY_ORDER))
    ]
    rows = _check_rows(tallies)
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

    def lazy_groups(verdict: str) -> list[CheckGroup]:
        counts = Counter()
        for v, _, check, n in tallies:
            if v == verdict:
                counts[check] += n
        return [
            CheckGroup(check=check, label=check_label(check), rule=run.check_rules.get(check),
                       findings=FindingViews(counts[check], read(verdict, check)))  # type: ignore[arg-type]
            for check in sorted(counts)
        ]

    return ReportView(
        run=run,
        totals=totals,
        check_rows=rows,
        sources=SourceRows(sources, claim_counts, discrepancy_counts),
        discrepancies=discrepancies,
        consistent=lazy_groups("consistent"),
        unverifiable=lazy_groups("unverifiable"),
        new=FindingViews(new_count, read("discrepancy", only=new_ids)),
        resolved=list(run.resolved_findings),
        timeline=build_timeline(timeline_findings, claims_by_id, sources),
        source_list=sources,
        discrepancy_sources=discrepancy_counts,
        checks=sorted((row.check, row.label) for row in rows),
        ordered=FindingViews(sum(n for *_, n in tallies), read()),
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


def _finding_view(finding: Finding, sources: Sources, new_ids: set[str]) -> FindingView:
    quotes = []
    # One quote per sentence: a part and its whole in the same sentence are marked together.
    for (doc_id, sentence, sentence_start), refs in _group_by(
        finding.claims, lambda ref: (ref.doc_id, ref.sentence or "", ref.sentence_start)
    ):
        if sentence:
            fragments = quote_fragments(sentence, sentence_start, refs)
        else:
            fragments = tuple(Fragment(ref.text, figure=True) for ref in refs)
        quotes.append(Quote(document=sources.info(doc_id) or DocumentInfo(doc_id=doc_id), fragments=fragments))
    doc_ids = tuple(dict.fromkeys(ref.doc_id for ref in finding.claims))
    return FindingView(finding=finding, quotes=tuple(quotes), doc_ids=doc_ids, is_new=finding.id in new_ids)


def _check_rows(tallies: list[tuple[str, str, str, int]]) -> list[CheckRow]:
    """One row per check from (verdict, severity, check, count) tallies."""
    discrepancies: dict[str, Counter[str]] = {}
    verdicts: dict[str, Counter[str]] = {}
    for verdict, severity, check, n in tallies:
        verdicts.setdefault(check, Counter())[verdict] += n
        if verdict == "discrepancy":
            discrepancies.setdefault(check, Counter())[severity] += n
    rows = []
    for check in sorted(verdicts):
        wrong = discrepancies.get(check, Counter())
        rows.append(
            CheckRow(
                check=check,
                label=check_label(check),
                errors=wrong["error"],
                warnings=wrong["warning"],
                notes=wrong["info"],
                consistent=verdicts[check]["consistent"],
                unverifiable=verdicts[check]["unverifiable"],
            )
        )
    # Checks that found something wrong lead, worst first.
    return sorted(rows, key=lambda r: (-r.errors, -r.warnings, -r.notes, r.check))


def _group_by(items, key):
    """``items`` grouped by ``key``, groups in the order their first item came."""
    order: dict[object, list] = {}
    for item in items:
        order.setdefault(key(item), []).append(item)
    return list(order.items())
