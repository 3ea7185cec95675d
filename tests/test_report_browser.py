"""report.html in a real headless Chromium: it loads cleanly, offline, and its filters work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_report import FINDINGS, HARBOUR, NORTHERN, sample_report

from figcheck.report import write_report
from figcheck.report.screenshot import CHROMIUM_ARGS, screenshot

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("FIGCHECK_CHROMIUM", "/usr/bin/chromium")
ALL = len(FINDINGS)


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

    def __init__(self, browser, report: Path, width: int = 1280) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.route("**/*", self._only_the_file)
        self.page.goto(report.as_uri())

    def _only_the_file(self, route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def choose(self, name: str, value: str) -> None:
        self.page.select_option(f'select[data-filter="{name}"]', value)

    def shown(self) -> set[str]:
        return set(
            self.page.evaluate("[...document.querySelectorAll('[data-finding]')].filter(e => !e.hidden).map(e => e.id)")
        )

    def count(self) -> str:
        return self.page.inner_text("#visible-count")


@pytest.fixture
def visit(browser, report):
    visit = Visit(browser, report)
    yield visit
    visit.page.close()


def ids(*keys: str) -> set[str]:
    return {FINDINGS[key].id for key in keys}


def test_report_loads_cleanly_and_offline(visit):
    assert visit.page.is_visible("#filters"), "the script shows the filter bar once it runs"
    assert visit.count() == f"{ALL} of {ALL} findings shown"
    assert visit.shown() == ids(*FINDINGS)
    assert visit.errors == []
    assert visit.requests == []
    assert visit.page.is_visible(f"#{FINDINGS['armistice_wrong'].id} mark")
    # Verified findings are collapsed until asked for.
    assert not visit.page.is_visible(f"#{FINDINGS['armistice_right'].id}")
    visit.page.click("#verified summary")
    assert visit.page.is_visible(f"#{FINDINGS['armistice_right'].id}")


def test_severity_filter_hides_the_other_severities(visit):
    visit.choose("severity", "error")
    assert visit.shown() == ids("armistice_wrong", "anniversary_wrong", "part_exceeds")
    assert visit.count() == f"3 of {ALL} findings shown"
    assert visit.page.is_visible(f"#{FINDINGS['part_exceeds'].id}")
    assert not visit.page.is_visible(f"#{FINDINGS['guests_differ'].id}")
    # The warnings heading goes with its findings.
    assert not visit.page.is_visible(".severity-group.severity-warning")
    assert visit.page.inner_text("#discrepancies [data-section-count]") == "3 of 6"
    visit.choose("severity", "warning")
    assert visit.shown() == ids("guests_differ", "conference_differs")
    assert visit.count() == f"2 of {ALL} findings shown"
    assert visit.errors == []


def test_source_filter_shows_only_that_sources_findings(visit):
    visit.choose("doc", NORTHERN.doc_id)
    expected = {f.id for f in FINDINGS.values() if any(ref.doc_id == NORTHERN.doc_id for ref in f.claims)}
    assert visit.shown() == expected
    assert visit.count() == f"{len(expected)} of {ALL} findings shown"
    assert not visit.page.is_visible(f"#{FINDINGS['part_exceeds'].id}")
    # The other source's dates fade on the timeline.
    dimmed = visit.page.eval_on_selector_all(".source-mark.dimmed", "marks => marks.map(m => m.dataset.markDoc)")
    assert dimmed and set(dimmed) == {HARBOUR.doc_id}
    visit.choose("doc", HARBOUR.doc_id)
    assert FINDINGS["part_exceeds"].id in visit.shown() and FINDINGS["armistice_right"].id not in visit.shown()


def test_filters_combine_and_reset(visit):
    visit.choose("check", "cross_source")
    visit.choose("doc", HARBOUR.doc_id)
    assert visit.shown() == ids("guests_differ", "conference_differs")
    visit.choose("severity", "error")
    assert visit.shown() == set()
    assert visit.count() == f"0 of {ALL} findings shown"
    assert visit.page.is_visible("#discrepancies [data-filtered-out]")
    visit.page.click("#filter-reset")
    assert visit.shown() == ids(*FINDINGS)
    assert visit.count() == f"{ALL} of {ALL} findings shown"
    assert visit.page.is_disabled("#filter-reset")


def test_report_fits_a_narrow_screen(browser, report):
    visit = Visit(browser, report, width=375)
    try:
        assert visit.page.evaluate("document.documentElement.scrollWidth") <= 375
        assert visit.errors == []
    finally:
        visit.page.close()


def test_screenshot_of_a_report(browser, report, tmp_path):
    png = screenshot(report, tmp_path / "shots" / "report.png", width=900, height=700)
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")) == (900, 700)
