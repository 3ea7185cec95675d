"""Renders a run's findings as ``report.md`` and a self-contained ``report.html``, written beside ``findings.json``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from figcheck.records import Claim, Finding
from figcheck.files import write_atomically as write_text_atomically
from figcheck.report.findings_file import findings_text
from figcheck.report.run import RunInfo
from figcheck.report.words import in_words
from figcheck.report.embedded import PageData, card, page_data, publishers
from figcheck.report.store import ReportStore
from figcheck.report.view import (
    SEVERITY_HEADINGS,
    SOURCE_COLOURS,
    Fragment,
    ReportView,
    build_view,
    report_store,
    format_date,
    format_time,
    safe_url,
)

# How much of a long list the page writes out before pointing to the rest.
LIST_LIMIT = 20
PUBLISHER_LIMIT = 12
PROBLEM_LIMIT = 100
# Past this many sources report.md sums them up by publisher instead of listing each.
SOURCE_LIMIT = 30


@dataclass(frozen=True)
class ReportPaths:
    findings_json: Path
    markdown: Path
    html: Path


def write_report(
    out_dir: Path,
    run: RunInfo,
    findings: list[Finding] | ReportStore,
    claims: Iterable[Claim] | None = None,
) -> ReportPaths:
    """Write ``findings.json``, ``report.md`` and ``report.html`` into ``out_dir``, each atomically.

    ``findings`` is a list, or a run's store of its sources and findings (then ``run`` lists no
    sources and its counts are set). The run's finding counts are recomputed from the findings
    (and its claim count from ``claims`` when given), so the files never disagree with each other.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    claim_list = list(claims) if claims is not None else None
    store = report_store(run, findings)
    run = counted(run, store, claim_list)
    paths = ReportPaths(out_dir / "findings.json", out_dir / "report.md", out_dir / "report.html")
    # One view and one page of data for both reports: building them is most of the rendering.
    view = build_view(run, store, claim_list)
    data = page_data(view)
    write_text_atomically(paths.markdown, _markdown(view, data))
    write_text_atomically(paths.html, _html(view, data))
    # Last, so a reader that finds findings.json also finds the reports that go with it.
    write_text_atomically(paths.findings_json, findings_text(run, store))
    return paths


def counted(run: RunInfo, findings: Iterable[Finding] | ReportStore, claims: list[Claim] | None) -> RunInfo:
    """``run`` with its finding counts taken from ``findings``, and its claim count from ``claims`` if given."""
    if isinstance(findings, ReportStore):
        counts = run.counts.tallied(findings.tallies())
        documents = findings.document_count
    else:
        counts = run.counts.tally(findings)
        documents = len(run.documents)
    # A run over a large corpus passes only the claims its timeline needs, with the claim
    # count already set; a count of zero means "take it from the claims".
    if claims is not None and not counts.claims:
        counts = counts.model_copy(update={"claims": len(claims)})
    if not counts.documents and documents:
        counts = counts.model_copy(update={"documents": documents})
    return run.model_copy(update={"counts": counts})


def render_markdown(run: RunInfo, findings: Iterable[Finding], claims: Iterable[Claim] | None = None) -> str:
    view = _view(run, findings, claims)
    return "".join(_markdown(view, page_data(view)))


def _markdown(view: ReportView, data: PageData) -> Iterator[str]:
    sources = view.source_list

    def card_of(item):
        return card(item, sources, {}, [])

    pieces = _environment(html=False).get_template("report.md.j2").generate(
        view=view, card_of=card_of, publisher_rows=publishers(view), source_limit=SOURCE_LIMIT
    )
    # Templates leave runs of blank lines where optional parts are absent.
    return tidy_lines(pieces)


def tidy_lines(pieces: Iterable[str]) -> Iterator[str]:
    """``re.sub(r"\\n{3,}", "\\n\\n", text).strip() + "\\n"`` of the text given in pieces, given in
    pieces: what ends in white space is held until what follows it is known."""
    held = ""
    started = False
    for text in _batched(pieces):
        text = held + text
        if not started:
            text = text.lstrip()
            if not text:
                held = ""
                continue
            started = True
        body = text.rstrip()
        held = text[len(body):]
        if body:
            yield _BLANK_LINES.sub("\n\n", body)
    yield "\n"


_BLANK_LINES = re.compile(r"\n{3,}")


def _batched(pieces: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)


def render_html(run: RunInfo, findings: Iterable[Finding], claims: Iterable[Claim] | None = None) -> str:
    """The report as one self-contained page: the summary and the first discrepancies as HTML,
    every finding and source as data embedded once, drawn by the page's script on demand."""
    view = _view(run, findings, claims)
    return _html(view, page_data(view))


def _html(view: ReportView, data: PageData) -> str:
    return _environment(html=True).get_template("report.html.j2").render(
        view=view,
        data=data,
        encoded=data.encoded,
        first_page=data.findings,
        publisher_rows=publishers(view),
        colours=SOURCE_COLOURS,
        headings=SEVERITY_HEADINGS,
        list_limit=LIST_LIMIT,
        publisher_limit=PUBLISHER_LIMIT,
        problem_limit=PROBLEM_LIMIT,
    )


def _view(run: RunInfo, findings: Iterable[Finding], claims: Iterable[Claim] | None) -> ReportView:
    store = report_store(run, list(findings))
    claims = list(claims) if claims is not None else None
    return build_view(counted(run, store, claims), store, claims)


@cache
def _environment(html: bool) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("figcheck", "templates"),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        date=format_date,
        time=format_time,
        safe_url=safe_url,
        plural=_plural,
        thousands="{:,}".format,
    )
    if html:
        environment.filters.update(json_attr=_json_attr, doc_ids=_doc_ids)
    else:
        environment.filters.update(in_words=in_words, md=markdown_text, code=markdown_code, md_quote=markdown_quote, md_link=markdown_link)
    return environment


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"


def _doc_ids(indices: Iterable[int], documents: list[list[str]]) -> list[str]:
    return [documents[i][0] for i in indices]


def _json_attr(value: object) -> str:
    # Autoescaping then makes it safe inside a quoted attribute.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- Markdown -------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^([#+\-=>])")
_LIST_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def markdown_text(value: object) -> str:
    """``value`` as inline Markdown text: one line, with what Markdown would act on escaped."""
    return _one_line(_escape_inline(str(value)))


def markdown_code(value: object) -> str:
    """``value`` as a code span, fenced with more backticks than it contains."""
    text = " ".join(str(value).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def markdown_quote(fragments: Iterable[Fragment]) -> str:
    """A quoted sentence on one line, with its figures in bold."""
    parts = []
    for fragment in fragments:
        core = fragment.text.strip()
        if not fragment.figure or not core:
            parts.append(_escape_inline(fragment.text))
            continue
        # Bold does not open or close next to a space, so keep the spaces outside it.
        lead = " " if fragment.text[:1].isspace() else ""
        trail = " " if fragment.text[-1:].isspace() else ""
        parts.append(f"{lead}**{_escape_inline(core)}**{trail}")
    return _one_line("".join(parts))


def _escape_inline(text: str) -> str:
    return _ENTITY_LIKE.sub("&amp;", _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def _one_line(text: str) -> str:
    # What would start a heading, list or quote at the head of a line is escaped.
    text = " ".join(text.split())
    return _LIST_NUMBER.sub(r"\1\\\2", _BLOCK_START.sub(r"\\\1", text))


def markdown_link(text: object, url: str | None) -> str:
    label = markdown_text(text)
    target = safe_url(url)
    if not target:
        return label
    target = target.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    return f"[{label}](<{target}>)"


__all__ = ["ReportPaths", "ReportView", "render_html", "render_markdown", "write_report"]
