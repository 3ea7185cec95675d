"""report.html in a real headless Chromium: it loads cleanly, offline; its filters work and are kept in the
address; and a report the size of the shared archive meets the report's targets (size, first
discrepancy near the top, no sideways scroll on a phone) and does what keeps it fast on any machine
(a bounded document, a page of findings drawn at a time); its load and filter times are measured
by bench/report_bench.py."""

from __future__ import annotations

import os
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from test_report import FINDINGS, HARBOUR, NORTHERN, sample_report

from figcheck.records import ClaimRef, Finding
from figcheck.report import DocumentInfo, RunInfo, write_report
from figcheck.report.screenshot import CHROMIUM_ARGS, screenshot

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("FIGCHECK_CHROMIUM", "/usr/bin/chromium")
ALL = len(FINDINGS)
ARCHIVE = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz"
ROOT = Path(__file__).resolve().parents[1]

# The report's targets (issue 11), for a run over an archive of about 19,000 articles. Its load
# and filter times (1.5 s, 200 ms) depend on the machine and its load: bench/report_bench.py
# measures them. What makes them, whatever the machine, is tested here: the page draws a page of
# findings at a time (PAGE, as report.js does) and its document stays small however many findings
# and sources the run has (drawing all of the archive's would take some 100,000 elements).
MAX_BYTES = 2_000_000
PAGE = 50
MAX_ELEMENTS = 5_000
PHONE = 390


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium is needed for the browser tests and was not found at {CHROMIUM}: "
            "install it with `apt-get install -y chromium` (or point FIGCHECK_CHROMIUM at one)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    run, findings, claims = sample_report()
    return write_report(tmp_path_factory.mktemp("report"), run, findings, claims).html


class Visit:
    """One page load of the report, with every console error, page error and outside request recorded."""

    def __init__(self, browser, report: Path, width: int = 1280, fragment: str = "", height: int = 900) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._only_the_file)
        self.page.goto(report.as_uri() + fragment)
        # The script has read the embedded data and drawn the page once it shows the filters.
        self.page.wait_for_selector("#filters", state="visible", timeout=10_000)

    def _only_the_file(self, route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def choose(self, name: str, value: str) -> None:
        self.page.select_option(f'select[data-filter="{name}"]', value)

    def type(self, name: str, text: str) -> None:
        self.page.fill(f'input[data-filter="{name}"]', text)

    def settle(self) -> None:
        """Lets the page finish what a change set going: events it queued (a changed address) and
        two frames, so what is read next is what a person would see."""
        self.page.evaluate("() => new Promise(done => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(done)), 0))")

    def shown(self) -> set[str]:
        self.settle()
        return set(
            self.page.evaluate(
                "[...document.querySelectorAll('[data-finding]')].filter(e => e.getClientRects().length).map(e => e.id)"
            )
        )

    def count(self) -> str:
        self.settle()
        return self.page.inner_text("#visible-count")

    def elements(self) -> int:
        return self.page.evaluate("document.getElementsByTagName('*').length")

    def drawn(self, script: str) -> int:
        """How many findings the page draws for a change made by ``script`` (run in the page): those
        added to the document (watched by a MutationObserver) and still in it once the change has
        settled, whatever the time it took."""
        return self.page.evaluate(
            """async () => {
                const added = new Set();
                const note = records => {
                    for (const record of records) {
                        for (const node of record.addedNodes) {
                            if (node.nodeType !== Node.ELEMENT_NODE) continue;
                            if (node.matches('[data-finding]')) added.add(node);
                            node.querySelectorAll('[data-finding]').forEach(finding => added.add(finding));
                        }
                    }
                };
                const observer = new MutationObserver(note);
                observer.observe(document.documentElement, {childList: true, subtree: true});
                (() => { %s })();
                await new Promise(done => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(done)), 0));
                note(observer.takeRecords());
                observer.disconnect();
                return [...added].filter(finding => finding.isConnected).length;
            }""" % script
        )


@pytest.fixture
def visit(browser, report):
    visit = Visit(browser, report)
    yield visit
    visit.page.close()


def ids(*keys: str) -> set[str]:
    return {FINDINGS[key].id for key in keys}


DISCREPANCIES = {key for key, f in FINDINGS.items() if f.verdict == "discrepancy"}
VERIFIED = {key for key, f in FINDINGS.items() if f.verdict == "consistent"}


def test_report_loads_cleanly_and_offline(visit):
    assert visit.errors == []
    assert visit.requests == []
    assert visit.count() == f"{ALL} findings"
    assert visit.shown() == ids(*DISCREPANCIES), "verified and unverifiable findings wait until opened"
    assert visit.page.is_visible(f"#{FINDINGS['armistice_wrong'].id} mark")
    visit.page.click("#verified summary")
    assert visit.shown() == ids(*DISCREPANCIES, *VERIFIED)
    assert visit.page.is_visible(f"#{FINDINGS['armistice_right'].id} mark")
    values = visit.page.eval_on_selector_all(
        f"#{FINDINGS['fighting_duration'].id} .figures dd", "dds => dds.map(d => d.textContent)"
    )
    assert values == ["3 years", "2 years 1 month 2 days"]


def test_severity_filter_hides_the_other_severities(visit):
    visit.choose("severity", "error")
    assert visit.shown() == ids("armistice_wrong", "anniversary_wrong", "part_exceeds")
    assert visit.count() == f"3 of {ALL} findings match"
    assert not visit.page.is_visible(".severity-heading.severity-warning")
    assert visit.page.inner_text("#discrepancies [data-section-count]") == "3 of 6"
    visit.choose("severity", "warning")
    assert visit.shown() == ids("guests_differ", "conference_differs")
    assert visit.errors == []


def test_source_filter_matches_publisher_or_title(visit):
    visit.type("source", "northern wire")
    expected = {
        f.id for f in FINDINGS.values() if f.verdict == "discrepancy" and any(r.doc_id == NORTHERN.doc_id for r in f.claims)
    }
    assert visit.shown() == expected
    # The other source's dates fade on the timeline.
    dimmed = visit.page.eval_on_selector_all(".source-mark.dimmed", "marks => marks.map(m => m.dataset.markDoc)")
    assert dimmed and set(dimmed) == {HARBOUR.doc_id}
    visit.type("source", "Veterans mark")
    assert FINDINGS["part_exceeds"].id in visit.shown()


def test_source_search_finds_publishers_and_articles_and_filters_by_them(visit):
    visit.page.fill("#source-search", "seventy years")
    assert visit.page.inner_text("#source-results button") == NORTHERN.meta.title
    visit.page.fill("#source-search", "northern")
    visit.page.click("#source-results button")
    assert visit.page.input_value('input[data-filter="source"]') == "Northern Wire"
    assert visit.shown() == {
        f.id for f in FINDINGS.values() if f.verdict == "discrepancy" and any(r.doc_id == NORTHERN.doc_id for r in f.claims)
    }
    visit.page.fill("#source-search", "nothing like it")
    assert visit.page.inner_text("#source-results") == "No source matches."


def test_text_search_looks_in_quotes_and_findings(visit):
    visit.type("q", "parade reception")
    assert visit.shown() == ids("guests_differ")
    visit.type("q", "reference table")
    assert visit.shown() == ids("armistice_wrong")
    visit.page.click("#verified summary")
    assert ids("armistice_right", "war_began_harbour") <= visit.shown()


def test_new_filter_shows_what_the_previous_run_did_not_report(visit):
    visit.page.check('input[data-filter="new"]')
    assert visit.shown() == ids("armistice_wrong", "guests_differ")


def test_filters_combine_reset_and_are_kept_in_the_address(browser, visit, report):
    visit.choose("check", "cross_source")
    visit.type("source", "Harbour")
    assert visit.shown() == ids("guests_differ", "conference_differs")
    visit.type("q", "guests")
    address = visit.page.evaluate("location.hash")
    assert address == "#check=cross_source&source=Harbour&q=guests"
    visit.choose("severity", "error")
    assert visit.shown() == set()
    assert visit.page.is_visible("#discrepancies [data-filtered-out]")
    visit.page.click("#filter-reset")
    assert visit.shown() == ids(*DISCREPANCIES)
    assert visit.page.is_disabled("#filter-reset")
    assert visit.page.evaluate("location.hash") == ""
    shared = Visit(browser, report, fragment=address)
    try:
        assert shared.shown() == ids("guests_differ")
        assert shared.page.input_value('input[data-filter="q"]') == "guests"
        assert shared.page.input_value('select[data-filter="check"]') == "cross_source"
    finally:
        shared.page.close()


def test_a_link_to_one_finding_opens_it_wherever_it_is(browser, report):
    target = FINDINGS["armistice_right"].id
    visit = Visit(browser, report, fragment=f"#{target}")
    try:
        assert target in visit.shown()
        assert visit.page.evaluate("document.querySelector('#verified details').open")
    finally:
        visit.page.close()


def test_report_fits_a_narrow_screen(browser, report):
    visit = Visit(browser, report, width=PHONE)
    try:
        assert visit.page.evaluate("document.documentElement.scrollWidth") <= PHONE
        assert visit.errors == []
    finally:
        visit.page.close()


def test_screenshot_of_a_report(browser, report, tmp_path):
    png = screenshot(report, tmp_path / "shots" / "report.png", width=900, height=700)
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")) == (900, 700)


# --- at the scale of an archive ---------------------------------------------------------------

WORDS = (
    "the a of to and in on for with at by from as delegation leader visited factory plant workers "
    "meeting anniversary founding army party people's republic national day celebrations held "
    "speech report congress committee province county city farm harvest tons hectares percent "
    "cooperation friendship treaty signed years ago since war liberation victory heroes"
).split()


def large_report(folder: Path, sources: int = 18_876, wrong: int = 53, verified: int = 1_336, open_: int = 3_243):
    """A run shaped like the shared archive's: one publisher, tens of thousands of sources, a few
    dozen discrepancies among thousands of verified and unverifiable findings."""
    rng = random.Random(11)
    day = date(2011, 1, 1)
    documents = [
        DocumentInfo(
            doc_id=f"kcna-{i:05d}",
            title=" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 11))).capitalize(),
            publisher="KCNA",
            published=day + timedelta(days=i // 27),
            url=f"https://archive.example/{(day + timedelta(days=i // 27)).isoformat()}/index.html",
        )
        for i in range(sources)
    ]
    findings = []
    kinds = [("discrepancy", wrong), ("consistent", verified), ("unverifiable", open_)]
    checks = {"discrepancy": ["qualifier_bounds", "anniversary", "reference", "future_reference"],
              "consistent": ["calendar_conversion", "anniversary", "reference", "part_exceeds_whole"],
              "unverifiable": ["anniversary"]}
    n = 0
    for verdict, count in kinds:
        for _ in range(count):
            n += 1
            doc = documents[rng.randrange(sources)]
            figure = f"{rng.randint(2, 99)}th anniversary"
            words = [rng.choice(WORDS) for _ in range(rng.randint(20, 45))]
            at = rng.randrange(len(words))
            before, after = " ".join(words[:at]), " ".join(words[at:])
            sentence = f"{before.capitalize()} {figure} {after}."
            start = 1000 + len(before) + 1
            check = rng.choice(checks[verdict])
            findings.append(
                Finding(
                    id=f"f-{n:016x}",
                    check=check,
                    verdict=verdict,
                    severity=rng.choice(["error", "warning"]) if verdict == "discrepancy" else "info",
                    message=(
                        f"published {doc.published.isoformat()}; the {figure} of the founding of the "
                        f"{rng.choice(WORDS)} {rng.choice(WORDS)} implies {rng.randint(1900, 2012)} − "
                        f"{rng.randint(1, 99)} = {rng.randint(1900, 2012)}; no date for the event was found to compare."
                    ),
                    claims=[ClaimRef(claim_id=f"c-{n:016x}", doc_id=doc.doc_id, start=start, end=start + len(figure),
                                     text=figure, sentence=sentence, sentence_start=1000)],
                    expected="1948-09-09" if verdict == "discrepancy" else None,
                    observed=figure if verdict == "discrepancy" else None,
                )
            )
    run = RunInfo(
        run_id="2026-01-01T00-00-00Z-0000",
        started=datetime(2026, 1, 1, tzinfo=UTC),
        finished=datetime(2026, 1, 1, 0, 1, tzinfo=UTC),
        corpus="archive/",
        reference="reference_data/",
        documents=documents,
    )
    run = run.model_copy(update={"counts": run.counts.model_copy(update={"claims": 46_667})})
    return write_report(folder, run, findings).html


def archive_report(folder: Path) -> Path:
    """The report of a real run over the shared archive (written out as a corpus folder first)."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from pipeline_bench import write_corpus

    from figcheck.pipeline import check_corpus

    corpus = folder / "corpus"
    write_corpus(ARCHIVE, corpus, None)
    summary = check_corpus(corpus, ROOT / "reference_data", folder / "reports" / "latest", use_cache=False)
    return summary.out / "report.html"


@pytest.fixture(scope="module", params=["synthetic", "archive"])
def big_report(request, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "synthetic":
        return large_report(folder)
    if not ARCHIVE.is_file():
        pytest.skip(f"the shared archive is not here ({ARCHIVE}); the synthetic archive-sized report stands in")
    return archive_report(folder)


def test_an_archive_sized_report_meets_the_targets(browser, big_report):
    size = big_report.stat().st_size
    assert size <= MAX_BYTES, f"report.html is {size:,} bytes"
    # The first load pays for starting a tab; the second is what a reader waits for.
    Visit(browser, big_report).page.close()
    visit = Visit(browser, big_report)
    try:
        assert visit.errors == []
        total = visit.page.evaluate("document.querySelectorAll('[data-finding]').length")
        assert 0 < total <= 100, "only a page of findings is drawn at first"
        assert visit.elements() <= MAX_ELEMENTS, f"{visit.elements():,} elements once loaded"
        # The first discrepancy is within one screen of the end of the summary.
        summary_end = visit.page.evaluate("document.getElementById('summary').getBoundingClientRect().bottom + scrollY")
        first = visit.page.evaluate(
            "document.querySelector('#discrepancies [data-finding]').getBoundingClientRect().top + scrollY"
        )
        assert first - summary_end <= 900, f"first discrepancy {first - summary_end:.0f} px below the summary"
        for script in (
            "const s = document.querySelector('select[data-filter=severity]'); s.value = 'warning'; "
            "s.dispatchEvent(new Event('change'))",
            "const q = document.querySelector('input[data-filter=q]'); q.value = 'anniversary founding'; "
            "q.dispatchEvent(new Event('input'))",
            "const o = document.querySelector('input[data-filter=source]'); o.value = 'kcna-0001'; "
            "o.dispatchEvent(new Event('input'))",
            "document.getElementById('filter-reset').click()",
            "document.querySelector('#unverifiable details').open = true; "
            "document.querySelector('#unverifiable details').dispatchEvent(new Event('toggle'))",
        ):
            drawn = visit.drawn(script)
            assert drawn <= PAGE, f"{script[:40]}… drew {drawn} findings"
            assert visit.elements() <= MAX_ELEMENTS, f"{script[:40]}… left {visit.elements():,} elements"
        # Showing more draws the section's first pages again, no more.
        assert visit.drawn("document.querySelector('#unverifiable [data-more]').click()") <= 2 * PAGE
        assert visit.page.evaluate("document.querySelectorAll('#unverifiable [data-finding]').length") == 100
        assert visit.elements() <= MAX_ELEMENTS
    finally:
        visit.page.close()
    phone = Visit(browser, big_report, width=PHONE, height=844)
    try:
        assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE
        summary_end = phone.page.evaluate("document.getElementById('summary').getBoundingClientRect().bottom + scrollY")
        first = phone.page.evaluate(
            "document.querySelector('#discrepancies [data-finding]').getBoundingClientRect().top + scrollY"
        )
        assert first - summary_end <= 844
    finally:
        phone.page.close()
