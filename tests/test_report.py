"""The discrepancy report: its Markdown, its self-contained HTML, findings.json and the ClaimReview export."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest

from figcheck.records import (
    AnniversaryValue,
    Claim,
    ClaimRef,
    CountValue,
    DateValue,
    Document,
    DocumentMeta,
    DurationValue,
    FactRef,
    Finding,
    LoadProblem,
    SourceRef,
)
from figcheck.report import (
    DocumentInfo,
    FindingsFileError,
    FindingSummary,
    RunInfo,
    compare_runs,
    load_findings,
    render_html,
    render_markdown,
    write_report,
)
from figcheck.report.embedded import decode
from figcheck.report.render import markdown_text
from figcheck.report.words import in_words, text_in_words
from figcheck.report.timeline import describe_offset, parse_timex
from figcheck.report.view import quote_fragments

# --- a realistic run, built by hand -----------------------------------------------------------

HARBOUR = Document(
    doc_id="harbour-times-armistice",
    text=(
        "Veterans gathered on Thursday, July 27, 2023 to mark the 60th anniversary of the armistice. "
        "The armistice was signed on 27 July 1952 at Panmunjom, ending three years of fighting "
        "that began on June 25, 1950. "
        "Of the 120 veterans present, 150 had served at the front. "
        "Organisers said the <script>alert(1)</script> parade & reception drew 3,000 guests. "
        "A conference on the war opens on 4 August 2023."
    ),
    meta=DocumentMeta(
        title="Veterans mark armistice anniversary",
        publisher="Harbour Times",
        published=date(2023, 7, 27),
        url="https://harbour-times.example/2023/07/27/armistice?ref=a&b=1",
    ),
)
NORTHERN = Document(
    doc_id="northern-wire-armistice",
    text=(
        "Seventy years ago, on July 27, 1953, the armistice was signed. "
        "Hostilities had ended in 1953, three years after the war began on 25 June 1950. "
        "About 2,500 guests attended the parade & reception. "
        "The conference opens on 3 August 2023."
    ),
    meta=DocumentMeta(
        title="Seventy years since the guns fell silent",
        publisher="Northern Wire",
        published=date(2023, 7, 27),
        url="https://northern-wire.example/news/seventy-years",
    ),
)
DOCUMENTS = (HARBOUR, NORTHERN)

ARMISTICE = FactRef(
    fact_id="armistice-signed",
    subject="Korean Armistice Agreement",
    property="date signed",
    value="1953-07-27",
    rank="preferred",
    sources=[
        SourceRef(
            stated_in="Encyclopaedia of the Korean War",
            url="https://encyclopaedia.example/armistice",
            retrieved=date(2024, 3, 1),
            quote="The armistice was signed at Panmunjom on 27 July 1953.",
        )
    ],
)
WAR_BEGAN = FactRef(
    fact_id="war-began",
    subject="Korean War",
    property="start date",
    value="1950-06-25",
    rank="preferred",
    sources=[SourceRef(stated_in="National archives chronology", url=None, quote="25 June 1950: the war begins.")],
)


def make_claim(document: Document, text: str, value, kind: str, subject: str | None = None, after: str = "") -> Claim:
    """A claim for the first ``text`` after ``after`` in ``document``, with its sentence as an extractor gives it."""
    start = document.text.index(text, document.text.index(after) if after else 0)
    end = start + len(text)
    breaks = [m for m in re.finditer(r"(?<=[.!?])\s+", document.text)]
    sentence_start = max([0] + [m.end() for m in breaks if m.end() <= start])
    sentence_end = min([len(document.text)] + [m.start() for m in breaks if m.start() >= end])
    return Claim(
        id=Claim.make_id(document.doc_id, kind, start, end),
        doc_id=document.doc_id,
        kind=kind,
        text=text,
        start=start,
        end=end,
        sentence=document.text[sentence_start:sentence_end],
        sentence_start=sentence_start,
        value=value,
        subject=subject,
        confidence=0.9,
    )


CLAIMS = {
    "h_weekday": make_claim(
        HARBOUR, "Thursday, July 27, 2023", DateValue(timex="2023-07-27", stated_weekday=3), "date"
    ),
    "h_anniversary": make_claim(
        HARBOUR,
        "60th anniversary",
        AnniversaryValue(ordinal=60, event="armistice", implied_event_year=1963),
        "anniversary",
        "armistice",
    ),
    "h_armistice": make_claim(HARBOUR, "27 July 1952", DateValue(timex="1952-07-27"), "date", "armistice"),
    "h_three_years": make_claim(HARBOUR, "three years", DurationValue(timex="P3Y"), "duration", "fighting"),
    "h_war_began": make_claim(HARBOUR, "June 25, 1950", DateValue(timex="1950-06-25"), "date", "war began"),
    "h_whole": make_claim(HARBOUR, "120", CountValue(value=120), "count", "veterans"),
    "h_part": make_claim(HARBOUR, "150", CountValue(value=150), "count", "veterans"),
    "h_guests": make_claim(HARBOUR, "3,000", CountValue(value=3000), "count", "guests"),
    "h_conference": make_claim(HARBOUR, "4 August 2023", DateValue(timex="2023-08-04"), "date", "conference opening"),
    "n_armistice": make_claim(NORTHERN, "July 27, 1953", DateValue(timex="1953-07-27"), "date", "armistice"),
    "n_seventy": make_claim(NORTHERN, "Seventy years ago", DurationValue(timex="P70Y"), "duration", "armistice"),
    "n_year": make_claim(NORTHERN, "1953", DateValue(timex="1953"), "date", "armistice", after="Hostilities"),
    "n_war_began": make_claim(NORTHERN, "25 June 1950", DateValue(timex="1950-06-25"), "date", "war began"),
    "n_guests": make_claim(NORTHERN, "About 2,500", CountValue(value=2500, qualifier="approx"), "count", "guests"),
    "n_conference": make_claim(NORTHERN, "3 August 2023", DateValue(timex="2023-08-03"), "date", "conference opening"),
}


def make_finding(check: str, verdict: str, severity: str, message: str, *claim_keys: str, **extra) -> Finding:
    refs = [ClaimRef.of(CLAIMS[key]) for key in claim_keys]
    return Finding(
        id=Finding.make_id(check, *(ref.claim_id for ref in refs)),
        check=check,
        verdict=verdict,
        severity=severity,
        message=message,
        claims=refs,
        **extra,
    )


FINDINGS = {
    "armistice_wrong": make_finding(
        "reference",
        "discrepancy",
        "error",
        "The article dates the armistice signing 27 July 1952; the reference table gives 27 July 1953: 1 year earlier.",
        "h_armistice",
        reference=ARMISTICE,
        expected="1953-07-27",
        observed="1952-07-27",
    ),
    "anniversary_wrong": make_finding(
        "anniversary",
        "discrepancy",
        "error",
        "A 60th anniversary in 2023 puts the armistice in 2023 − 60 = 1963, but it was signed in 1953 (a 70th anniversary).",
        "h_anniversary",
        reference=ARMISTICE,
        expected="70th",
        observed="60th",
    ),
    "part_exceeds": make_finding(
        "part_exceeds_whole",
        "discrepancy",
        "error",
        "150 veterans had served at the front out of 120 present: a part (150) cannot exceed its whole (120).",
        "h_part",
        "h_whole",
        expected="at most 120",
        observed="150",
    ),
    "guests_differ": make_finding(
        "cross_source",
        "discrepancy",
        "warning",
        "Harbour Times gives 3,000 guests, Northern Wire about 2,500: 3,000 − 2,500 = 500, 20% of 2,500.",
        "h_guests",
        "n_guests",
        expected="about 2,500",
        observed="3,000",
    ),
    "conference_differs": make_finding(
        "cross_source",
        "discrepancy",
        "warning",
        "The conference opens on 4 August 2023 in Harbour Times and on 3 August 2023 in Northern Wire: 1 day apart.",
        "h_conference",
        "n_conference",
    ),
    "fighting_duration": make_finding(
        "duration_vs_range",
        "discrepancy",
        "info",
        "“three years” of fighting from 25 June 1950 to 27 July 1952 is 2 years 1 month (2.1 years), not 3.",
        "h_three_years",
        "h_war_began",
        "h_armistice",
        expected="P3Y",
        observed="P2Y1M2D",
    ),
    "armistice_right": make_finding(
        "reference",
        "consistent",
        "info",
        "July 27, 1953 matches the reference date of the armistice signing (1953-07-27).",
        "n_armistice",
        reference=ARMISTICE,
        expected="1953-07-27",
        observed="1953-07-27",
    ),
    "armistice_year_right": make_finding(
        "reference",
        "consistent",
        "info",
        "1953 contains the reference date of the armistice signing (1953-07-27).",
        "n_year",
        reference=ARMISTICE,
        expected="1953-07-27",
        observed="1953",
    ),
    "war_began_harbour": make_finding(
        "reference",
        "consistent",
        "info",
        "June 25, 1950 matches the reference start date of the Korean War.",
        "h_war_began",
        reference=WAR_BEGAN,
        expected="1950-06-25",
        observed="1950-06-25",
    ),
    "war_began_northern": make_finding(
        "reference",
        "consistent",
        "info",
        "25 June 1950 matches the reference start date of the Korean War.",
        "n_war_began",
        reference=WAR_BEGAN,
        expected="1950-06-25",
        observed="1950-06-25",
    ),
    "weekday_right": make_finding(
        "weekday",
        "consistent",
        "info",
        "27 July 2023 was a Thursday, as stated.",
        "h_weekday",
    ),
    "seventy_years_right": make_finding(
        "elapsed_time",
        "consistent",
        "info",
        "From 27 July 1953 to the publication date 27 July 2023 is 70 years, as stated.",
        "n_seventy",
        "n_armistice",
    ),
    "conference_future": make_finding(
        "future_reference",
        "unverifiable",
        "info",
        "3 August 2023 is after the article's publication date (2023-07-27): an announcement that cannot be checked yet.",
        "n_conference",
    ),
}

PREVIOUS_RESOLVED = FindingSummary(
    id="f-00000000000000aa", check="weekday", message="27 July 2023 was a Thursday, not a Tuesday."
)


def sample_report() -> tuple[RunInfo, list[Finding], list[Claim]]:
    """A run over two sources with findings of several checks, severities and verdicts."""
    run = RunInfo(
        run_id="2024-03-02T10-15-00Z",
        started=datetime(2024, 3, 2, 10, 15, tzinfo=UTC),
        finished=datetime(2024, 3, 2, 10, 16, 12, tzinfo=UTC),
        corpus="corpus/",
        reference="reference_data/",
        corpus_version="a1b2c3d",
        reference_version="e4f5a6b",
        extractor_version="0.1.0",
        documents=[DocumentInfo.of(document) for document in DOCUMENTS],
        problems=[
            LoadProblem(
                path="corpus/broken.meta.yaml", message="line 3, field published: not an ISO date: 'last Tuesday'"
            ),
            LoadProblem(path="https://gone.example/story", message="fetch failed: HTTP 404"),
        ],
        check_rules={"part_exceeds_whole": "A part of a group cannot be larger than the whole group."},
        previous_run_id="2024-02-24T09-00-00Z",
        new_finding_ids=[FINDINGS["armistice_wrong"].id, FINDINGS["guests_differ"].id],
        resolved_findings=[PREVIOUS_RESOLVED],
    )
    run = run.model_copy(update={"counts": run.counts.model_copy(update={"documents": len(DOCUMENTS)})})
    return run, list(FINDINGS.values()), list(CLAIMS.values())


@pytest.fixture
def sample():
    return sample_report()


class Page(HTMLParser):
    """The parts of a rendered page the tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks_by_finding: dict[str, list[str]] = {}
        self.script_text = ""
        self.data_text = ""
        self.style_text = ""
        self._finding: str | None = None
        self._depth = 0
        self._mark: list[str] | None = None
        self._in = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "article" and "data-finding" in attributes:
            self._finding = attributes["id"]
            self.marks_by_finding[self._finding] = []
        if tag == "mark" and self._finding:
            self._mark = []
        if tag in ("script", "style"):
            self._in = "data" if attributes.get("id") == "report-data" else tag

    def handle_endtag(self, tag):
        if tag == "article":
            self._finding = None
        if tag == "mark" and self._mark is not None:
            self.marks_by_finding[self._finding].append("".join(self._mark))
            self._mark = None
        if tag in ("script", "style"):
            self._in = ""

    def handle_data(self, data):
        if self._mark is not None:
            self._mark.append(data)
        if self._in == "data":
            self.data_text += data
        elif self._in == "script":
            self.script_text += data
        elif self._in == "style":
            self.style_text += data


# --- HTML -------------------------------------------------------------------------------------


def embedded(html: str) -> dict:
    """The data the page's script draws from, read back from the page."""
    page = Page(html)
    return decode(page.data_text)


def test_html_marks_wrap_exactly_the_claimed_figures(sample):
    run, findings, claims = sample
    html = render_html(run, findings, claims)
    page = Page(html)
    data = embedded(html)
    cards = {entry["id"]: entry for entry in data["findings"]}
    for finding in findings:
        figures = [text for quote in cards[finding.id]["quotes"] for text, figure in quote["parts"] if figure]
        assert sorted(figures) == sorted(ref.text for ref in finding.claims), finding.check
        if finding.verdict == "discrepancy":
            assert sorted(page.marks_by_finding[finding.id]) == sorted(figures)
    # Both figures of a part and its whole share one quoted sentence, each marked.
    assert page.marks_by_finding[FINDINGS["part_exceeds"].id] == ["120", "150"]


def test_html_escapes_article_text(sample):
    run, findings, claims = sample
    html = render_html(run, findings, claims)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; parade &amp; reception drew <mark>3,000</mark> guests" in html
    page = Page(html)
    scripts = [attributes for tag, attributes in page.tags if tag == "script"]
    assert scripts == [
        {"type": "application/octet-stream", "id": "report-data", "data-encoding": "gzip+base64"},
        {},
    ], "only the report's own inline script may run; the data block is not script"
    assert re.fullmatch(r"[A-Za-z0-9+/=]+", page.data_text), "the embedded data holds nothing a parser would act on"
    assert "<script>alert(1)</script> parade & reception" in json.dumps(embedded(html), ensure_ascii=False)
    # The URL's query string is escaped inside the attribute.
    assert 'href="https://harbour-times.example/2023/07/27/armistice?ref=a&amp;b=1"' in html


def test_html_loads_nothing_from_the_network(sample):
    run, findings, claims = sample
    page = Page(render_html(run, findings, claims))
    loading = {
        "script": "src",
        "img": "src",
        "iframe": "src",
        "link": "href",
        "source": "src",
        "video": "src",
        "audio": "src",
        "embed": "src",
        "object": "data",
        "image": "href",
        "use": "href",
    }
    for tag, attributes in page.tags:
        if tag in loading:
            target = attributes.get(loading[tag]) or attributes.get("xlink:href") or ""
            assert not target, f"<{tag}> loads {target!r}"
    assert not re.search(r"url\(|@import|@font-face", page.style_text)
    assert not re.search(r"https?:|fetch\(|XMLHttpRequest|import\(", page.script_text)
    # Links to the articles and citations are fine: they are followed only when clicked.
    assert all(tag == "a" for tag, attributes in page.tags if re.match(r"https?:|//", attributes.get("href") or ""))


def test_html_does_not_link_unsafe_urls(sample):
    run, findings, claims = sample
    hostile = run.documents[0].model_copy(update={"url": "javascript:alert(document.cookie)"})
    run = run.model_copy(update={"documents": [hostile, *run.documents[1:]]})
    html = render_html(run, findings, claims)
    assert "javascript:" not in html
    assert "javascript:" not in render_markdown(run, findings, claims)


def test_html_orders_discrepancies_by_severity_then_verified_then_unverifiable(sample):
    run, findings, claims = sample
    html = render_html(run, findings, claims)
    summary_end = html.index('<nav id="filters"')
    position = {key: html.index(f'id="{finding.id}"') for key, finding in FINDINGS.items() if finding.verdict == "discrepancy"}
    errors = [position[k] for k in ("armistice_wrong", "anniversary_wrong", "part_exceeds")]
    warnings = [position[k] for k in ("guests_differ", "conference_differs")]
    assert summary_end < min(errors), "discrepancies come right after the summary"
    assert max(errors) < min(warnings) < max(warnings) < position["fighting_duration"] < html.index('id="timeline"')
    assert html.index('id="timeline"') < html.index('id="verified"') < html.index('id="unverifiable"') < html.index('id="sources"')
    verified = html[html.index('id="verified"') : html.index('id="unverifiable"')]
    assert "<details data-lazy>" in verified and "<details open" not in verified
    order = [entry["id"] for entry in embedded(html)["findings"]]
    keys = {finding.id: key for key, finding in FINDINGS.items()}
    verdicts = [FINDINGS[keys[fid]].verdict for fid in order]
    assert verdicts == sorted(verdicts, key=["discrepancy", "consistent", "unverifiable"].index)
    assert order.index(FINDINGS["armistice_wrong"].id) < order.index(FINDINGS["guests_differ"].id)


def test_html_carries_filter_attributes_and_options(sample):
    run, findings, claims = sample
    page = Page(render_html(run, findings, claims))
    articles = {a["id"]: a for tag, a in page.tags if tag == "article" and "data-finding" in a}
    guests = articles[FINDINGS["guests_differ"].id]
    assert guests["data-severity"] == "warning" and guests["data-check"] == "cross_source"
    assert json.loads(guests["data-docs"]) == [HARBOUR.doc_id, NORTHERN.doc_id]
    options = [a.get("value") for tag, a in page.tags if tag == "option"]
    assert {"error", "warning", "info", "reference", "cross_source", "Harbour Times", "Northern Wire"} <= set(options)
    inputs = {a.get("data-filter"): a for tag, a in page.tags if tag == "input" and a.get("data-filter")}
    assert inputs["source"]["type"] == inputs["q"]["type"] == "search" and inputs["new"]["type"] == "checkbox"
    assert "disabled" not in inputs["new"], "a run with a previous one can show what is new"
    first = run.model_copy(update={"previous_run_id": None})
    lone = {a.get("data-filter"): a for tag, a in Page(render_html(first, findings, claims)).tags if tag == "input"}
    assert "disabled" in lone["new"]


def test_html_sums_up_sources_by_publisher_not_one_line_per_article(sample):
    run, findings, claims = sample
    many = [
        DocumentInfo(doc_id=f"wire-{i:05d}", title=f"Story {i}", publisher="Big Wire" if i % 3 else "Small Daily")
        for i in range(3000)
    ]
    run = run.model_copy(update={"documents": [*run.documents, *many]})
    html = render_html(run, findings, claims)
    sources = html[html.index('id="sources"') : html.index('id="problems"')]
    rows = re.findall(r"<tr><th scope=\"row\">", sources)
    assert len(rows) == 4, "one row per publisher"
    assert "Big Wire" in sources and ">2,000<" in sources and "Small Daily" in sources
    assert "Story 17" not in html, "articles are found by search, not listed"
    assert len(embedded(html)["documents"]) == len(run.documents), "every source is searchable"


def test_html_states_values_in_words_with_a_plain_headline(sample):
    run, findings, claims = sample
    html = render_html(run, findings, claims)
    cards = {entry["id"]: entry for entry in embedded(html)["findings"]}
    armistice = cards[FINDINGS["armistice_wrong"].id]
    assert armistice["headline"] == (
        "In Harbour Times, “27 July 1952” disagrees with the reference table, which gives 27 July 1953."
    )
    assert armistice["expected"] == "27 July 1953" and armistice["observed"] == "27 July 1952"
    fighting = cards[FINDINGS["fighting_duration"].id]
    assert (fighting["expected"], fighting["observed"]) == ("3 years", "2 years 1 month 2 days")
    assert "<dd>3 years</dd>" in html and "P3Y" not in html
    assert cards[FINDINGS["armistice_right"].id]["headline"] == (
        "In Northern Wire, “July 27, 1953” agrees with the reference table."
    )
    assert cards[FINDINGS["conference_future"].id]["headline"] == "In Northern Wire, “3 August 2023” could not be checked."
    for entry in cards.values():
        assert entry["headline"].endswith(".") and entry["detail"]
    # A source known only by its title is named in the quote's citation, not in the headline.
    untitled = [info.model_copy(update={"publisher": None}) for info in run.documents]
    plain = embedded(render_html(run.model_copy(update={"documents": untitled}), findings, claims))["findings"]
    assert {entry["id"]: entry for entry in plain}[FINDINGS["armistice_wrong"].id]["headline"] == (
        "“27 July 1952” disagrees with the reference table, which gives 27 July 1953."
    )


def test_html_shows_what_a_finding_carries_beyond_the_usual_fields(sample):
    run, findings, claims = sample

    class MergedFinding(Finding):
        other_reasons: list[dict] = []

    merged = MergedFinding(
        **FINDINGS["armistice_wrong"].model_dump(),
        other_reasons=[{"check": "elapsed_time", "message": "From 1950-06-25 to 1952-07-27 is P2Y1M2D, not P3Y."}],
    )
    html = render_html(run, [merged, *findings[1:]], claims)
    card = {entry["id"]: entry for entry in embedded(html)["findings"]}[merged.id]
    assert card["also"] == ["Elapsed time: From 25 June 1950 to 27 July 1952 is 2 years 1 month 2 days, not 3 years."]
    assert "<li>Elapsed time: From 25 June 1950" in html
    assert "also" not in {entry["id"]: entry for entry in embedded(render_html(run, findings, claims))["findings"]}[merged.id]


def test_timeline_has_one_row_per_dated_event_against_its_reference(sample):
    run, findings, claims = sample
    html = render_html(run, findings, claims)
    chart = html[
        html.index('<svg class="timeline-chart"') : html.index("</svg>", html.index('<svg class="timeline-chart"'))
    ]
    rows = re.findall(r'<g class="event[^"]*" data-event>', chart)
    # The war's start and the armistice from the reference table; the conference from cross_source.
    assert len(rows) == 3
    assert chart.index("Korean War") < chart.index("Korean Armistice Agreement") < chart.index("conference opening")
    assert chart.count('class="reference-mark"') == 2
    # The armistice row differs (1952 against 1953); the war row agrees.
    assert re.search(r'<g class="event differs" data-event>.*?Korean Armistice Agreement', chart, re.S)
    # A year is drawn as a span, a day as a point.
    assert re.search(
        r'<rect class="source-mark" data-mark-doc="northern-wire-armistice"[^>]*>.*?1953 \(matches\)', chart
    )
    assert "27 Jul 1952 (1 year earlier)" in chart


def test_timeline_is_left_out_without_dated_findings(sample):
    run, findings, _ = sample
    assert 'class="timeline-chart"' not in render_html(run, findings, claims=None)


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_quotes_sentences_with_figures_in_bold(sample):
    run, findings, claims = sample
    md = render_markdown(run, findings, claims)
    assert "> The armistice was signed on **27 July 1952** at Panmunjom" in md
    assert "> Of the **120** veterans present, **150** had served at the front." in md
    assert (
        "— [Veterans mark armistice anniversary](<https://harbour-times.example/2023/07/27/armistice?ref=a&b=1>), Harbour Times, 2023-07-27"
        in md
    )
    assert "Expected: 27 July 1953 · Found: 27 July 1952" in md
    assert "Reference: **Korean Armistice Agreement**, date signed: 27 July 1953" in md
    assert "**In Harbour Times, “27 July 1952” disagrees with the reference table, which gives 27 July 1953.**" in md
    assert "Expected: 3 years · Found: 2 years 1 month 2 days" in md and "P3Y" not in md
    assert "“The armistice was signed at Panmunjom on 27 July 1953.”" in md


def test_markdown_escapes_article_text(sample):
    run, findings, claims = sample
    md = render_markdown(run, findings, claims)
    assert "<script>" not in md
    assert r"the \<script\>alert(1)\</script\> parade & reception drew **3,000** guests" in md


def test_markdown_summary_table_and_section_order(sample):
    run, findings, claims = sample
    md = render_markdown(run, findings, claims)
    assert (
        "**6 discrepancies** (3 errors, 2 warnings, 1 note), 6 verified, 1 unverifiable; 2 documents, 15 claims." in md
    )
    assert "| Reference `reference` | 1 | 0 | 0 | 4 | 0 |" in md
    assert "| Cross source `cross_source` | 0 | 2 | 0 | 0 | 0 |" in md
    assert "| **All checks** | **3** | **2** | **1** | **6** | **1** |" in md
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings == ["## Summary", "## Timeline", "## Discrepancies", "## Verified (6)", "## Unverifiable (1)"]
    assert md.index("### Errors (3)") < md.index("### Warnings (2)") < md.index("### Notes (1)")


def test_markdown_lists_new_resolved_and_problems(sample):
    run, findings, claims = sample
    md = render_markdown(run, findings, claims)
    assert "2 new, 1 resolved since run 2024-02-24T09-00-00Z." in md
    assert f"- Resolved: 27 July 2023 was a Thursday, not a Tuesday. (`weekday`, `{PREVIOUS_RESOLVED.id}`)" in md
    assert "- `https://gone.example/story`: fetch failed: HTTP 404" in md
    assert md.count("**(new)**") == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1953. A year", r"1953\. A year"),
        ("# not a heading", r"\# not a heading"),
        ("a | b * c _d_", r"a \| b \* c \_d\_"),
        ("AT&T &amp; co", "AT&T &amp;amp; co"),
        ("line\nbreak", "line break"),
    ],
)
def test_markdown_text_escapes_what_markdown_would_act_on(text, expected):
    assert markdown_text(text) == expected


# --- highlighting -----------------------------------------------------------------------------


def ref(text: str, start: int) -> ClaimRef:
    return ClaimRef(claim_id="c", doc_id="d", start=start, end=start + len(text), text=text)


def test_highlight_uses_the_offset_to_pick_the_right_occurrence():
    sentence = "In 1953 and again in 1953 the talks resumed."
    fragments = quote_fragments(sentence, 100, [ref("1953", 100 + 21)])
    assert [(f.text, f.figure) for f in fragments] == [
        ("In 1953 and again in ", False),
        ("1953", True),
        (" the talks resumed.", False),
    ]


def test_highlight_finds_the_figure_when_offsets_disagree_and_leaves_absent_ones_unmarked():
    sentence = "About 2,500 guests came."
    shifted = quote_fragments(sentence, 0, [ref("2,500", 40)])
    assert [f.text for f in shifted if f.figure] == ["2,500"]
    absent = quote_fragments(sentence, 0, [ref("3,000", 6)])
    assert [f.text for f in absent if f.figure] == [] and "".join(f.text for f in absent) == sentence


# --- findings.json ----------------------------------------------------------------------------


def test_write_report_round_trips_through_load_findings(sample, tmp_path):
    run, findings, claims = sample
    paths = write_report(tmp_path / "out", run, list(reversed(findings)), claims)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["findings.json", "report.html", "report.md"]
    loaded_run, loaded = load_findings(paths.findings_json)
    assert {f.id: f for f in loaded} == {f.id: f for f in findings}
    assert [f.verdict for f in loaded] == sorted(
        (f.verdict for f in loaded), key=["discrepancy", "consistent", "unverifiable"].index
    )
    assert loaded_run.run_id == run.run_id and loaded_run.resolved_finding_ids == [PREVIOUS_RESOLVED.id]
    assert loaded_run.counts.claims == len(claims) and loaded_run.counts.findings == len(findings)
    assert loaded_run.counts.discrepancies_by_severity == {"error": 3, "warning": 2, "info": 1}
    assert loaded_run.counts.by_check["reference"] == 5
    first = paths.findings_json.read_bytes()
    write_report(tmp_path / "out", loaded_run, loaded, claims)
    assert paths.findings_json.read_bytes() == first, "findings.json must not depend on input order"


def test_findings_json_written_in_pieces_is_the_text_json_dumps_gives(sample):
    from figcheck.report.findings_file import dump_findings, findings_text

    run, findings, _ = sample
    run = run.model_copy(update={"documents": [*run.documents, DocumentInfo(doc_id="ünïcode \u2028 \"quoted\"\n")]})
    for documents, chosen in ((run.documents, findings), (run.documents[:1], findings[:1]), ([], [])):
        part = run.model_copy(update={"documents": documents})
        assert "".join(findings_text(part, chosen)) == dump_findings(part, chosen)


def test_load_findings_names_the_file_and_field(sample, tmp_path):
    run, findings, claims = sample
    missing = tmp_path / "nowhere" / "findings.json"
    with pytest.raises(FindingsFileError, match=r"nowhere/findings\.json: no such file"):
        load_findings(missing)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(FindingsFileError, match=r"broken\.json: not valid JSON.*line 1"):
        load_findings(broken)
    paths = write_report(tmp_path, run, findings, claims)
    data = json.loads(paths.findings_json.read_text(encoding="utf-8"))
    data["findings"][2]["verdict"] = "wrong-ish"
    paths.findings_json.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FindingsFileError, match=rf"findings\[2\] \({data['findings'][2]['id']}\): verdict"):
        load_findings(paths.findings_json)
    data["format"] = "something-else"
    paths.findings_json.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FindingsFileError, match="not a figcheck findings file"):
        load_findings(paths.findings_json)


def test_compare_runs_reports_new_and_resolved_discrepancies():
    wrong, right = FINDINGS["armistice_wrong"], FINDINGS["armistice_right"]
    gone = FINDINGS["guests_differ"]
    fixed = wrong.model_copy(update={"verdict": "consistent"})
    new_ids, resolved = compare_runs([fixed, right, FINDINGS["part_exceeds"]], [wrong, right, gone])
    assert new_ids == [FINDINGS["part_exceeds"].id]
    assert sorted(s.id for s in resolved) == sorted([wrong.id, gone.id])
    assert {s.id: s.message for s in resolved}[gone.id] == gone.message


# --- dates on the timeline --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timex", "label", "offset"),
    [
        ("1953-07-27", "27 Jul 1953", "matches"),
        ("1952-07-27", "27 Jul 1952", "1 year earlier"),
        ("1953-07-28", "28 Jul 1953", "1 day later"),
        ("1953-09-30", "30 Sep 1953", "2 months 3 days later"),
        ("1953-07", "Jul 1953", "matches"),
        ("1953", "1953", "matches"),
        ("1954", "1954", "5 months 5 days later"),
        ("195", "1950s", "matches"),
        ("1953-W31", "week 31 of 1953", "matches"),
        ("1953-W30", "week 30 of 1953", "1 day earlier"),
    ],
)
def test_dates_against_the_reference(timex, label, offset):
    span = parse_timex(timex)
    assert span is not None and span.label == label
    assert describe_offset(span, parse_timex("1953-07-27")) == offset


@pytest.mark.parametrize("timex", ["XXXX-10-25", "1953-02-30", "PRESENT_REF", ""])
def test_open_or_invalid_dates_are_not_placed(timex):
    assert parse_timex(timex) is None


# --- values in words --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("P3Y (P3Y–P3Y1M2D)", "3 years (3 years to 3 years 1 month 2 days)"),
        ("1950/1955", "1950 to 1955"),
        ("1950-06-25/1953-07-27", "25 June 1950 to 27 July 1953"),
        ("1953-07-27", "27 July 1953"),
        ("1953-07", "July 1953"),
        ("195", "the 1950s"),
        ("1953-W31", "week 31 of 1953"),
        ("P1.5Y", "1.5 years"),
        ("P1M1D", "1 month 1 day"),
        ("XXXX-10-25", "25 October (year not given)"),
        ("at most 120", "at most 120"),
        ("70th anniversary", "70th anniversary"),
        ("63th anniversary", "63rd anniversary"),
    ],
)
def test_values_in_words(value, words):
    assert in_words(value) == words


def test_values_in_running_text_are_said_in_words_and_plain_numbers_left_alone():
    assert text_in_words("published 2011-03-07; 2011 − 10 = 2001; founded (1948-09-09, reference x)") == (
        "published 7 March 2011; 2011 − 10 = 2001; founded (9 September 1948, reference x)"
    )
    assert text_in_words("nearly six decades (P60Y) against P3Y (P3Y–P3Y1M2D).") == (
        "nearly six decades (60 years) against 3 years (3 years to 3 years 1 month 2 days)."
    )
    assert text_in_words("in 1950/1955, id f-2011-03-07a, Juche 100 = 2011, 3,000 guests") == (
        "in 1950 to 1955, id f-2011-03-07a, Juche 100 = 2011, 3,000 guests"
    )
