"""Findings as schema.org ClaimReview records (JSON-LD), the form fact-check search tools read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from figcheck.records import ClaimRef, Finding
from figcheck.report.findings_file import report_order
from figcheck.report.run import DocumentInfo, RunInfo
from figcheck.report.view import format_date, safe_url

# One scale for every review: 1 (worst) to 3 (best).
WORST_RATING = 1
BEST_RATING = 3


def rating(finding: Finding) -> tuple[int, str]:
    """The rating value and its name for ``finding``.

    An error is a figure that cannot be right ("Incorrect"); a warning or note is one
    the sources or the reference disagree with but that could be right ("Disputed").
    """
    if finding.verdict == "consistent":
        return 3, "Correct"
    if finding.verdict == "discrepancy":
        return (1, "Incorrect") if finding.severity == "error" else (2, "Disputed")
    raise ValueError(f"finding {finding.id}: an unverifiable finding has no rating")


def claimreview(
    findings: Iterable[Finding],
    run: RunInfo,
    include_consistent: bool = False,
    report_url: str | None = None,
) -> list[dict[str, Any]]:
    """ClaimReview JSON-LD for each discrepancy (and each verified claim if asked).

    A finding about several articles (two sources disagreeing) gives one review per
    article, each reviewing what that article says. ``report_url`` is where the HTML
    report is published; each review then links to its finding there.
    """
    verdicts = {"discrepancy", "consistent"} if include_consistent else {"discrepancy"}
    reviewed = (run.finished or run.started).date()
    documents = {info.doc_id: info for info in run.documents}
    reviews = []
    for finding in sorted(findings, key=report_order):
        if finding.verdict not in verdicts or not finding.claims:
            continue
        by_document: dict[str, list[ClaimRef]] = {}
        for ref in finding.claims:
            by_document.setdefault(ref.doc_id, []).append(ref)
        for doc_id, refs in by_document.items():
            document = documents.get(doc_id) or DocumentInfo(doc_id=doc_id)
            reviews.append(_review(finding, document, refs, reviewed, report_url))
    return reviews


def _review(
    finding: Finding,
    document: DocumentInfo,
    refs: list[ClaimRef],
    reviewed: date,
    report_url: str | None,
) -> dict[str, Any]:
    value, name = rating(finding)
    sentences = list(dict.fromkeys(" ".join((ref.sentence or ref.text).split()) for ref in refs))
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if url := safe_url(document.url):
        appearance["url"] = url
    if document.title:
        appearance["headline"] = document.title
    if document.publisher:
        appearance["publisher"] = {"@type": "Organization", "name": document.publisher}
    if document.published:
        appearance["datePublished"] = format_date(document.published)
    item: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
    if document.publisher:
        item["author"] = {"@type": "Organization", "name": document.publisher}
    if document.published:
        item["datePublished"] = format_date(document.published)
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": finding.id if len(finding.claims) == len(refs) else f"{finding.id}/{document.doc_id}",
        "claimReviewed": " … ".join(sentences),
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": name,
        },
        "author": {"@type": "Organization", "name": "figcheck"},
        "datePublished": reviewed.isoformat(),
        "reviewBody": _review_body(finding),
    }
    if report_url and safe_url(report_url):
        review["url"] = f"{report_url.split('#', 1)[0]}#{finding.id}"
    return review


def _review_body(finding: Finding) -> str:
    body = finding.message
    if finding.reference is not None:
        fact = finding.reference
        cited = "; ".join(source.stated_in for source in fact.sources)
        body += f" Reference: {fact.subject}, {fact.property} = {fact.value}" + (f" ({cited})." if cited else ".")
    return body
