"""What a report says about the run that produced it: when, over what, and what changed since the last one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from pydantic import Field, field_validator

from figcheck.records import Document, Finding, LoadProblem, Record

VERDICT_ORDER = ("discrepancy", "consistent", "unverifiable")
SEVERITY_ORDER = ("error", "warning", "info")


class DocumentInfo(Record):
    """One source as the report names it: enough to cite the article and link to it."""

    doc_id: str
    title: str | None = None
    publisher: str | None = None
    published: datetime | date | None = None
    url: str | None = None

    @field_validator("published", mode="before")
    @classmethod
    def _keep_dates_as_dates(cls, value: object) -> object:
        # Read back from JSON, "2023-07-27" must stay a date, not become midnight.
        if isinstance(value, str) and len(value.strip()) == 10:
            return date.fromisoformat(value.strip())
        return value

    @classmethod
    def of(cls, document: Document) -> DocumentInfo:
        meta = document.meta
        return cls(
            doc_id=document.doc_id,
            title=meta.title,
            publisher=meta.publisher,
            published=meta.published,
            url=meta.url,
        )

    @property
    def published_date(self) -> date | None:
        if isinstance(self.published, datetime):
            return self.published.date()
        return self.published


class FindingSummary(Record):
    """A finding reduced to what a later report needs to say it was resolved."""

    id: str
    check: str
    message: str

    @classmethod
    def of(cls, finding: Finding) -> FindingSummary:
        return cls(id=finding.id, check=finding.check, message=finding.message)


class RunCounts(Record):
    documents: int = 0
    claims: int = 0
    findings: int = 0
    by_verdict: dict[str, int] = Field(default_factory=dict)
    by_severity: dict[str, int] = Field(default_factory=dict)
    by_check: dict[str, int] = Field(default_factory=dict)
    # Severity counts among discrepancies only: consistent findings carry a severity too,
    # but "3 errors" in a summary must mean three things that are wrong.
    discrepancies_by_severity: dict[str, int] = Field(default_factory=dict)

    def tally(self, findings: Iterable[Finding]) -> RunCounts:
        """These counts with the finding tallies recomputed from ``findings``."""
        findings = list(findings)
        return self.model_copy(
            update={
                "findings": len(findings),
                "by_verdict": _ordered(Counter(f.verdict for f in findings), VERDICT_ORDER),
                "by_severity": _ordered(Counter(f.severity for f in findings), SEVERITY_ORDER),
                "by_check": dict(sorted(Counter(f.check for f in findings).items())),
                "discrepancies_by_severity": _ordered(
                    Counter(f.severity for f in findings if f.verdict == "discrepancy"), SEVERITY_ORDER
                ),
            }
        )


    def tallied(self, tallies: Iterable[tuple[str, str, str, int]]) -> RunCounts:
        """``tally`` from (verdict, severity, check, count) tallies rather than the findings themselves."""
        verdicts: Counter[str] = Counter()
        severities: Counter[str] = Counter()
        checks: Counter[str] = Counter()
        wrong: Counter[str] = Counter()
        for verdict, severity, check, n in tallies:
            verdicts[verdict] += n
            severities[severity] += n
            checks[check] += n
            if verdict == "discrepancy":
                wrong[severity] += n
        return self.model_copy(
            update={
                "findings": sum(verdicts.values()),
                "by_verdict": _ordered(verdicts, VERDICT_ORDER),
                "by_severity": _ordered(severities, SEVERITY_ORDER),
                "by_check": dict(sorted(checks.items())),
                "discrepancies_by_severity": _ordered(wrong, SEVERITY_ORDER),
            }
        )


class RunInfo(Record):
    """Metadata of one run of the pipeline, written at the head of ``findings.json``."""

    run_id: str
    started: datetime
    finished: datetime | None = None
    corpus: str
    reference: str
    corpus_version: str | None = None
    reference_version: str | None = None
    extractor_version: str | None = None
    counts: RunCounts = Field(default_factory=RunCounts)
    documents: list[DocumentInfo] = Field(default_factory=list)
    problems: list[LoadProblem] = Field(default_factory=list)
    # Each check's rule in plain words (its checker's docstring), shown under its heading.
    check_rules: dict[str, str] = Field(default_factory=dict)
    previous_run_id: str | None = None
    # Discrepancies that the previous run did not report, and those it reported that this
    # run no longer does (see ``compare_runs``).
    new_finding_ids: list[str] = Field(default_factory=list)
    resolved_findings: list[FindingSummary] = Field(default_factory=list)

    @property
    def resolved_finding_ids(self) -> list[str]:
        return [summary.id for summary in self.resolved_findings]

    def document(self, doc_id: str) -> DocumentInfo:
        """The source ``doc_id``; a bare one when the run did not describe it."""
        for info in self.documents:
            if info.doc_id == doc_id:
                return info
        return DocumentInfo(doc_id=doc_id)


NO_PREVIOUS_RUN = "No previous run to compare with."


def describe_changes(previous_run_id: str | None, new: int, resolved: int) -> str:
    """What changed since the previous run, in the one wording the report, its summary and the CLI share."""
    if previous_run_id is None:
        return NO_PREVIOUS_RUN
    return f"{new} new, {resolved} resolved since run {previous_run_id}."


def compare_runs(
    findings: Iterable[Finding],
    previous_findings: Iterable[Finding] | None,
) -> tuple[list[str], list[FindingSummary]]:
    """The discrepancies new since the previous run, and the previous ones now resolved.

    Only discrepancies are compared: a check that now passes where it used to be silent
    is not news. A finding whose verdict changed keeps its id, so a discrepancy that
    became consistent is resolved and one that became a discrepancy is new. With no
    previous run (``None``) nothing is new and nothing resolved: there is nothing to compare.
    """
    if previous_findings is None:
        return [], []
    current = {f.id for f in findings if f.verdict == "discrepancy"}
    previous = {f.id: f for f in previous_findings if f.verdict == "discrepancy"}
    new_ids = sorted(set(current) - set(previous))
    resolved = [FindingSummary.of(previous[fid]) for fid in sorted(set(previous) - set(current))]
    return new_ids, resolved


def _ordered(counts: Counter[str], order: tuple[str, ...]) -> dict[str, int]:
    known = {key: counts[key] for key in order if counts[key]}
    others = {key: n for key, n in sorted(counts.items()) if key not in order}
    return known | others
