"""Findings as schema.org ClaimReview records (JSON-LD), in the form fact-check search tools read.

One review per figure found wrong: a finding's first claim is the figure it is about (every
check lists the figure at fault first, then what it was compared with), and several findings
about one figure become one review. A figure that the reference table confirms against a
preferred fact is never rated down because another source disagrees with it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from figcheck.records import ClaimRef, Finding
from figcheck.report.findings_file import report_order
from figcheck.report.run import DocumentInfo, RunInfo
from figcheck.report.view import format_date, safe_url
from figcheck.report.words import in_words

# One scale for every review: 1 (worst) to 3 (best).
WORST_RATING = 1
BEST_RATING = 3

# Google asks for a claimReviewed under 75 characters, so it does not wrap on a phone.
SHORT_CLAIM = 75
_CLAUSE_BREAK = re.compile(r"[;:()\[\]—–]|,\s|\s-\s")


@dataclass(frozen=True)
class Organisation:
    """Who publishes the reviews: the fact-checking organisation."""

    name: str
    url: str


class ClaimReviewError(ValueError):
    """Options that cannot make a publishable review (no url, an author without a web address)."""


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
    author: Organisation,
    *,
    report_url: str | None = None,
    pages_url: str | None = None,
    include_consistent: bool = False,
) -> list[dict[str, Any]]:
    """ClaimReview JSON-LD for each figure found wrong (and each verified one if asked).

    Each review needs a ``url`` of its own: ``report_url`` is where report.html is
    published (a review links to its finding's anchor there); ``pages_url`` is where one
    page per review is published (``<pages_url>/<review id>.html``, see ``review_page``).
    """
    if not author.name.strip():
        raise ClaimReviewError("the author's name is empty")
    if not safe_url(author.url):
        raise ClaimReviewError(f"the author's url {author.url!r} is not a web address")
    base = pages_url or report_url
    if not base:
        raise ClaimReviewError("each review needs a url: give --report-url, or --pages with --pages-url")
    if not safe_url(base):
        raise ClaimReviewError(f"{base!r} is not a web address")

    findings = sorted(findings, key=report_order)
    verified = _verified_against_preferred(findings)
    verdicts = {"discrepancy", "consistent"} if include_consistent else {"discrepancy"}
    by_figure: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.verdict not in verdicts or not finding.claims:
            continue
        figure = finding.claims[0]
        if finding.verdict == "discrepancy" and figure.claim_id in verified:
            continue
        by_figure.setdefault(figure.claim_id, []).append(finding)

    reviewed = (run.finished or run.started).date()
    documents = {info.doc_id: info for info in run.documents}
    reviews = []
    for group in by_figure.values():
        # The worst verdict speaks for the figure; a figure both right and wrong is wrong.
        group.sort(key=lambda f: rating(f)[0])
        figure = group[0].claims[0]
        document = documents.get(figure.doc_id) or DocumentInfo(doc_id=figure.doc_id)
        identifier = review_id(group[0])
        if pages_url:
            url = f"{pages_url.rstrip('/')}/{identifier}.html"
        else:
            url = f"{report_url.split('#', 1)[0]}#{group[0].id}"
        reviews.append(_review(group, figure, document, reviewed, author, identifier, url))
    return reviews


def review_id(finding: Finding) -> str:
    """A review's stable name: its finding's id (the same figure and check give the same id every run)."""
    return finding.id


def claim_clause(ref: ClaimRef, limit: int = SHORT_CLAIM) -> str:
    """The clause of ``ref``'s sentence that holds the figure, cut to about ``limit`` characters."""
    sentence = " ".join((ref.sentence or "").split()) if ref.sentence else ""
    text = " ".join(ref.text.split())
    if not sentence:
        return text
    raw = ref.sentence or ""
    offset = ref.start - ref.sentence_start if ref.sentence_start is not None else -1
    if not (0 <= offset and raw[offset : offset + len(ref.text)] == ref.text):
        offset = raw.find(ref.text)
    if offset < 0:
        return text
    before, after = raw[:offset], raw[offset + len(ref.text) :]
    breaks_before = [m.end() for m in _CLAUSE_BREAK.finditer(before)]
    breaks_after = [m.start() for m in _CLAUSE_BREAK.finditer(after)]
    left = before[breaks_before[-1] if breaks_before else 0 :]
    right = after[: breaks_after[0] if breaks_after else len(after)]
    clause = " ".join((left + ref.text + right).split()).strip(" .,;:")
    if len(clause) <= limit:
        return clause
    # Too long still: keep whole words around the figure, as many as fit.
    words_left, words_right = left.split(), right.split()
    kept = text
    while words_left or words_right:
        grown = False
        if words_right and len(kept) + len(words_right[0]) + 3 <= limit:
            kept = f"{kept} {words_right.pop(0)}"
            grown = True
        if words_left and len(kept) + len(words_left[-1]) + 3 <= limit:
            kept = f"{words_left.pop()} {kept}"
            grown = True
        if not grown:
            break
    return ("…" if words_left else "") + kept.strip(" .,;:") + ("…" if words_right else "")


def dumps(reviews: list[dict[str, Any]] | dict[str, Any], indent: int | None = 2) -> str:
    """JSON with ``<``, ``>`` and ``&`` escaped, safe inside a ``<script type="application/ld+json">``."""
    text = json.dumps(reviews, ensure_ascii=False, indent=indent)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def review_page(review: dict[str, Any]) -> str:
    """One review as a small HTML page: the review in words, and its JSON-LD in the head."""
    item = review["itemReviewed"]
    appearance = item.get("appearance") or {}
    source = appearance.get("headline") or appearance.get("url") or ""
    link = safe_url(appearance.get("url"))
    cited = (
        f'<a href="{html.escape(link)}" rel="noreferrer">{html.escape(source)}</a>' if link else html.escape(source)
    )
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(review['reviewRating']['alternateName'])}: {html.escape(review['claimReviewed'])}</title>\n"
        f'<script type="application/ld+json">\n{dumps(review)}\n</script>\n</head>\n<body>\n'
        f"<h1>{html.escape(review['reviewRating']['alternateName'])}: “{html.escape(review['claimReviewed'])}”</h1>\n"
        f"<p>{cited}</p>\n<p>{html.escape(review['reviewBody'])}</p>\n"
        f"<p>Reviewed by {html.escape(review['author']['name'])} on {html.escape(review['datePublished'])}.</p>\n"
        "</body>\n</html>\n"
    )


def _verified_against_preferred(findings: list[Finding]) -> set[str]:
    """The claims a consistent finding confirms against a preferred reference fact."""
    return {
        ref.claim_id
        for f in findings
        if f.verdict == "consistent" and f.reference is not None and f.reference.rank == "preferred"
        for ref in f.claims[:1]
    }


def _review(
    group: list[Finding],
    figure: ClaimRef,
    document: DocumentInfo,
    reviewed: date,
    author: Organisation,
    identifier: str,
    url: str,
) -> dict[str, Any]:
    value, name = rating(group[0])
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if link := safe_url(document.url):
        appearance["url"] = link
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
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": identifier,
        "url": url,
        "claimReviewed": claim_clause(figure),
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": name,
            "name": name,
        },
        "author": {"@type": "Organization", "name": author.name, "url": author.url},
        "datePublished": reviewed.isoformat(),
        "reviewBody": " ".join(_review_body(f) for f in group),
    }


def _review_body(finding: Finding) -> str:
    body = in_words(finding.message)
    if finding.reference is not None:
        fact = finding.reference
        cited = "; ".join(source.stated_in for source in fact.sources)
        body += f" Reference: {fact.subject}, {fact.property}: {in_words(fact.value)}" + (
            f" ({cited})." if cited else "."
        )
    return body
