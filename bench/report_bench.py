"""Benchmark of report.html at the scale of an archive: its size, and in headless Chromium its load time,
DOM size, page height, where the first discrepancy is, sideways scroll on a phone, and filter times.

    python bench/report_bench.py RUN_FOLDER        # a run's --out (findings.json, claims.jsonl)
    python bench/report_bench.py --kcna ../shared/corpora/kcna-2011-2012.jsonl.gz

With ``--kcna`` the archive is first written out as a corpus folder in a temporary directory and
checked (without Prefect); the report is then re-rendered from the run's findings and timed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# The report's time targets (issue 11) for a run over an archive of about 19,000 articles, on the
# second load of the page (the first pays for starting a tab). Measured here, by hand: a machine's
# load changes them, so tests/test_report_browser.py checks what makes them instead (a page of
# findings drawn at a time, a bounded document).
MAX_LOAD_SECONDS = 1.5
MAX_FILTER_MS = 200

FILTERS = {
    "severity": "const s = document.querySelector('select[data-filter=severity]'); s.value = 'warning'; "
    "s.dispatchEvent(new Event('change'))",
    "text search": "const q = document.querySelector('input[data-filter=q]'); q.value = 'anniversary founding'; "
    "q.dispatchEvent(new Event('input'))",
    "source": "const o = document.querySelector('input[data-filter=source]'); o.value = 'KCNA'; "
    "o.dispatchEvent(new Event('input'))",
    "reset": "document.getElementById('filter-reset').click()",
    "open unverifiable": "const d = document.querySelector('#unverifiable details'); d.open = true; "
    "d.dispatchEvent(new Event('toggle'))",
}


def measure(html: Path, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    from figcheck.report.screenshot import CHROMIUM_ARGS

    print(f"report.html: {html.stat().st_size:,} bytes")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        for width, height in ((1280, 900), (390, 844)):
            for _ in range(2):  # the second load is the one a reader waits for
                page = browser.new_page(viewport={"width": width, "height": height})
                started = time.perf_counter()
                page.goto(html.as_uri())
                page.wait_for_selector("#filters", state="visible")
                seconds = time.perf_counter() - started
                if _ == 0:
                    page.close()
            top = "el => el.getBoundingClientRect().top + scrollY"
            summary_end = page.evaluate("document.getElementById('summary').getBoundingClientRect().bottom + scrollY")
            first = page.eval_on_selector("#discrepancies [data-finding]", top)
            elements = page.evaluate("document.getElementsByTagName('*').length")
            print(
                f"{width} px: loaded in {seconds:.2f} s (target {MAX_LOAD_SECONDS} s); {elements:,} elements; "
                f"page {page.evaluate('document.documentElement.scrollHeight'):,} px tall and "
                f"{page.evaluate('document.documentElement.scrollWidth')} px wide; "
                f"first discrepancy {first - summary_end:.0f} px below the summary (at y = {first:.0f})"
            )
            for name, script in FILTERS.items():
                ms = page.evaluate(f"() => {{ const t = performance.now(); {script}; return performance.now() - t; }}")
                print(f"  {name}: {ms:.0f} ms (target {MAX_FILTER_MS} ms)")
            page.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", nargs="?", type=Path, help="a run's output folder")
    parser.add_argument("--kcna", type=Path, help="check this JSONL archive first")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    options = parser.parse_args()
    from figcheck.pipeline import _timeline_claims
    from figcheck.report import load_findings, render_html

    with tempfile.TemporaryDirectory(prefix="figcheck-report-bench-") as temporary:
        folder = options.run
        if options.kcna:
            from pipeline_bench import write_corpus

            from figcheck.pipeline import check_corpus

            corpus = Path(temporary) / "corpus"
            write_corpus(options.kcna, corpus, None)
            folder = check_corpus(corpus, ROOT / "reference_data", Path(temporary) / "out", use_cache=False).out
        if folder is None:
            parser.error("give a run folder or --kcna")
        run, findings = load_findings(folder / "findings.json")
        claims = _timeline_claims(folder / "claims.jsonl", findings)
        started = time.perf_counter()
        html = render_html(run, findings, claims)
        print(f"rendered {len(findings):,} findings over {len(run.documents):,} sources in {time.perf_counter() - started:.2f} s")
        target = Path(temporary) / "report.html"
        target.write_text(html, encoding="utf-8")
        measure(target, options.chromium)


if __name__ == "__main__":
    main()
