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
import struct
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from figcheck.records import Finding
from figcheck.report.headline import headline
from figcheck.report.run import DocumentInfo
from figcheck.report.sources import Sources
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


@dataclass
class PageData:
    """What the page's script draws, gzipped and in base64 (``encoded``), and the parts the page
    written out before any script runs needs: its first discrepancies, the reference facts they
    cite, the checks, and a way to the sources by their place."""

    documents: DocumentRows
    findings: list[dict[str, Any]]  # the first FIRST_PAGE discrepancies
    facts: list[dict[str, Any]]
    checks: dict[str, dict[str, str]]
    encoded: str


class DocumentRows:
    """The sources as the page's data lists them, looked up by their place."""

    def __init__(self, sources: Sources) -> None:
        self._sources = sources

    def __len__(self) -> int:
        return len(self._sources)

    def __getitem__(self, position: int) -> list[str]:
        return document_row(self._sources.store.document_at(position))


def document_row(info: DocumentInfo) -> list[str]:
    return [info.doc_id, info.title or "", info.publisher or "", format_date(info.published), safe_url(info.url) or ""]


def page_data(view: ReportView) -> PageData:
    """Everything the page's script draws, in report order: findings, sources, reference facts,
    checks; encoded as it is made, a source and a finding at a time."""
    sources = view.source_list
    facts: dict[str, int] = {}
    fact_list: list[dict[str, Any]] = []
    first_page: list[dict[str, Any]] = []
    checks = {
        check: {"label": check_label(check), "rule": view.run.check_rules.get(check) or ""}
        for check, _ in view.checks
    }

    def cards():
        for item in view.ordered or ():
            entry = card(item, sources, facts, fact_list)
            if len(first_page) < FIRST_PAGE and entry["verdict"] == "discrepancy":
                first_page.append(entry)
            yield entry

    def text():
        # json.dumps of {"documents": [...], "findings": [...], "facts": ..., "checks": ...}; nothing
        # of the run's own (its id, times, previous run): a copy of the files reused by a later
        # run has those filled in, which gzipped data would not allow (figcheck.pipeline.unchanged)
        yield '{"documents":'
        yield from _json_list(document_row(info) for info in sources)
        yield ',"findings":'
        yield from _json_list(cards())
        yield ',"facts":' + _compact(fact_list) + ',"checks":' + _compact(checks) + "}"

    return PageData(DocumentRows(sources), first_page, fact_list, checks, encode_pieces(text()))


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_list(items) -> Iterator[str]:
    first = True
    for item in items:
        yield ("[" if first else ",") + _compact(item)
        first = False
    yield "[]" if first else "]"


def card(
    item: FindingView,
    sources: Sources,
    facts: dict[str, int],
    fact_list: list[dict[str, Any]],
) -> dict[str, Any]:
    """One finding as the page shows it: a headline, its arithmetic, the quotes, the values in words."""
    f = item.finding
    first_doc = f.claims[0].doc_id if f.claims else None
    # "In Harbour Times, ..." when the publisher names the source; a title in that place reads
    # badly, and the quote's citation just below names the article anyway.
    name = sources.name(first_doc) if first_doc else None
    first_info = sources.info(first_doc) if first_doc else None
    source = name if name and name == (first_info.publisher if first_info else None) else None
    positions = {doc_id: sources.position(doc_id) for doc_id in item.doc_ids}
    entry: dict[str, Any] = {
        "id": f.id,
        "check": f.check,
        "verdict": f.verdict,
        "severity": f.severity,
        "headline": headline(f, source),
        "detail": text_in_words(f.message),
        "docs": [positions[doc_id] for doc_id in item.doc_ids if positions[doc_id] is not None],
        "quotes": [
            {
                "doc": _position(sources, quote.document.doc_id),
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


def _position(sources: Sources, doc_id: str) -> int:
    position = sources.position(doc_id)
    return -1 if position is None else position


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
    articles: Counter[str] = Counter()
    for name, n in view.source_list.publisher_counts().items():
        articles[name or ""] += n
    wrong: Counter[str] = Counter()
    for doc_id, n in view.discrepancy_sources.items():
        wrong[(view.source_list.info(doc_id) or DocumentInfo(doc_id=doc_id)).publisher or ""] += n
    rows = [
        PublisherRow(name or "Publisher not given", n, wrong[name], known=bool(name)) for name, n in articles.items()
    ]
    return sorted(rows, key=lambda row: (-row.discrepancies, -row.articles, row.name))


def encode(data: dict[str, Any]) -> str:
    """``data`` as gzipped JSON in base64: a tenth of the size, and nothing in it an HTML parser would act on."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def encode_pieces(pieces: Iterable[str]) -> str:
    """``encode`` of the JSON text given a piece at a time: the same bytes, without the text whole.
    The gzip header is taken from gzip.compress (its system byte differs between versions)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    packed = bytearray(gzip.compress(b"", compresslevel=9, mtime=0)[:10])
    crc, size = 0, 0
    for piece in pieces:
        raw = piece.encode("utf-8")
        crc = zlib.crc32(raw, crc)
        size += len(raw)
        packed += compressor.compress(raw)
    packed += compressor.flush()
    packed += struct.pack("<LL", crc, size & 0xFFFFFFFF)
    return base64.b64encode(bytes(packed)).decode("ascii")


def decode(text: str) -> dict[str, Any]:
    """The inverse of ``encode``."""
    return json.loads(gzip.decompress(base64.b64decode(text)).decode("utf-8"))


# The fields of a finding as this module knows them; others (added by later checks) are shown as "also".
_BASE_FIELDS = {"id", "check", "verdict", "severity", "message", "claims", "reference", "expected", "observed"}
