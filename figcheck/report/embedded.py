"""The report's findings and sources as data, embedded once in report.html and rendered by its script on demand.

A run over a large archive has thousands of findings and tens of thousands of sources; the
page carries them once, gzipped, and draws only what the reader asks for (a page of
findings at a time, the verified ones when opened, sources when searched). The same
entries feed the first page of discrepancies written into the HTML itself, so the page
reads the same with or without its script.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from figcheck.records import Finding
from figcheck.report.headline import headline
from figcheck.report.view import FindingView, ReportView, check_label, format_date, safe_url
from figcheck.report.words import in_words, text_in_words

# Discrepancies written into the page itself, before any script runs; the rest on demand.
FIRST_PAGE = 50


@dataclass(frozen=True)
class PublisherRow:
    name: str
    articles: int
    discrepancies: int
    known: bool = True


def page_data(view: ReportView) -> dict[str, Any]:
    """Everything the page's script draws, in report order: findings, sources, reference facts, checks."""
    documents = view.run.documents
    index = {info.doc_id: i for i, info in enumerate(documents)}
    names = view.source_names
    publishers_by_doc = {info.doc_id: info.publisher for info in documents}
    facts: dict[str, int] = {}
    fact_list: list[dict[str, Any]] = []
    cards = []
    for item in view.ordered:
        cards.append(card(item, index, names, publishers_by_doc, facts, fact_list))
    return {
        "documents": [
            [info.doc_id, info.title or "", info.publisher or "", format_date(info.published), safe_url(info.url) or ""]
            for info in documents
        ],
        "findings": cards,
        "facts": fact_list,
        "checks": {
            check: {"label": check_label(check), "rule": view.run.check_rules.get(check) or ""}
            for check, _ in view.checks
        },
    }


def card(
    item: FindingView,
    index: dict[str, int],
    names: dict[str, str],
    publisher_of: dict[str, str | None],
    facts: dict[str, int],
    fact_list: list[dict[str, Any]],
) -> dict[str, Any]:
    """One finding as the page shows it: a headline, its arithmetic, the quotes, the values in words."""
    f = item.finding
    first_doc = f.claims[0].doc_id if f.claims else None
    # "In Harbour Times, ..." when the publisher names the source; a title in that place reads
    # badly, and the quote's citation just below names the article anyway.
    name = names.get(first_doc) if first_doc else None
    source = name if name and name == publisher_of.get(first_doc) else None
    entry: dict[str, Any] = {
        "id": f.id,
        "check": f.check,
        "verdict": f.verdict,
        "severity": f.severity,
        "headline": headline(f, source),
        "detail": text_in_words(f.message),
        "docs": [index[doc_id] for doc_id in item.doc_ids if doc_id in index],
        "quotes": [
            {
                "doc": index.get(quote.document.doc_id, -1),
                "parts": [[fragment.text, 1 if fragment.figure else 0] for fragment in quote.fragments],
            }
            for quote in item.quotes
        ],
    }
    if item.is_new:
        entry["new"] = 1
    if f.expected is not None:
        entry["expected"] = in_words(f.expected)
    if f.observed is not None:
        entry["observed"] = in_words(f.observed)
    if f.reference is not None:
        fact = f.reference
        if fact.fact_id not in facts:
            facts[fact.fact_id] = len(fact_list)
            fact_list.append(
                {
                    "subject": fact.subject,
                    "property": fact.property,
                    "value": in_words(fact.value),
                    "rank": fact.rank,
                    "sources": [
                        {
                            "name": source.stated_in,
                            "url": safe_url(source.url) or "",
                            "retrieved": format_date(source.retrieved),
                            "quote": source.quote or "",
                        }
                        for source in fact.sources
                    ],
                }
            )
        entry["fact"] = facts[fact.fact_id]
    if also := other_reasons(f):
        entry["also"] = also
    return entry


def other_reasons(finding: Finding) -> list[str]:
    """What a finding carries beyond the fields every finding has (other checks' reasons
    about the same figure, say), each as a line of text; nothing if it carries nothing more."""
    extra = {name: value for name, value in (finding.model_extra or {}).items()}
    for name in type(finding).model_fields:
        if name not in _BASE_FIELDS:
            extra[name] = getattr(finding, name)
    lines = []
    for name, value in extra.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item in (None, "", [], {}):
                continue
            lines.append(_reason_text(item))
    return [line for line in lines if line]


def _reason_text(item: object) -> str:
    if hasattr(item, "model_dump"):
        item = item.model_dump()
    if isinstance(item, dict):
        message = item.get("message") or item.get("reason") or item.get("text")
        check = item.get("check")
        if message:
            return text_in_words(f"{check_label(str(check))}: {message}" if check else str(message))
        return "; ".join(f"{key}: {value}" for key, value in item.items() if value not in (None, "", [], {}))
    return text_in_words(str(item))


def publishers(view: ReportView) -> list[PublisherRow]:
    """The sources summed up by publisher: most discrepancies first, then most articles."""
    articles = Counter(info.publisher or "" for info in view.run.documents)
    publisher_of = {info.doc_id: info.publisher or "" for info in view.run.documents}
    wrong = Counter(
        publisher_of.get(doc_id, "")
        for item in view.ordered
        if item.finding.verdict == "discrepancy"
        for doc_id in item.doc_ids
    )
    rows = [
        PublisherRow(name or "Publisher not given", n, wrong[name], known=bool(name)) for name, n in articles.items()
    ]
    return sorted(rows, key=lambda row: (-row.discrepancies, -row.articles, row.name))


def encode(data: dict[str, Any]) -> str:
    """``data`` as gzipped JSON in base64: a tenth of the size, and nothing in it an HTML parser would act on."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def decode(text: str) -> dict[str, Any]:
    """The inverse of ``encode``."""
    return json.loads(gzip.decompress(base64.b64decode(text)).decode("utf-8"))


# The fields of a finding as this module knows them; others (added by later checks) are shown as "also".
_BASE_FIELDS = {"id", "check", "verdict", "severity", "message", "claims", "reference", "expected", "observed"}
