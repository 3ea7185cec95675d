"""The pipeline's steps called directly (no Prefect): outputs, the cache, and what a fetch hands on."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from figcheck.fetching.client import FetchProblem
from figcheck.fetching.run import FetchReport, SourceReport
from figcheck.pipeline import check_corpus
from figcheck.records import ClaimRef, Finding

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder, ignore=shutil.ignore_patterns("raw", ".*", "sources.yaml"))
    return folder


def test_claims_file_keeps_the_offset_contract(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "latest"
    summary = check_corpus(corpus, ROOT / "reference_data", out, workers=1)
    lines = (out / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == summary.claims > 40
    for line in lines:
        claim = json.loads(line)
        text = (corpus / f"{claim['doc_id']}.txt").read_text(encoding="utf-8")
        assert text[claim["start"] : claim["end"]] == claim["text"]


def test_worker_processes_give_the_same_result_as_one_process(corpus: Path, tmp_path: Path) -> None:
    one = check_corpus(corpus, ROOT / "reference_data", tmp_path / "a" / "latest", workers=1, batch_size=5)
    two = check_corpus(corpus, ROOT / "reference_data", tmp_path / "b" / "latest", workers=2, batch_size=2)
    first = json.loads((tmp_path / "a" / "latest" / "findings.json").read_text())["findings"]
    second = json.loads((tmp_path / "b" / "latest" / "findings.json").read_text())["findings"]
    assert (one.articles, one.claims) == (two.articles, two.claims)
    assert sorted(f["id"] for f in first) == sorted(f["id"] for f in second)


def test_a_worker_that_dies_mid_batch_is_replaced_and_the_batch_checked_again(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker process dies in the middle of a batch (killed when memory ran out, say): the batch
    is handed out again, to new workers, and the run's outputs are those of a run where none died.
    The dead worker's pool can take no more work; handed to it again, the batch would fail at
    once, three times, and its articles be listed as not checked."""
    import figcheck.pipeline.work as work

    from tests.dying_workers import dies_once

    expected = check_corpus(corpus, ROOT / "reference_data", tmp_path / "plain" / "latest", workers=1, batch_size=2)
    monkeypatch.setattr(work, "check_batch", dies_once)
    monkeypatch.setenv("FIGCHECK_TEST_DIED", str(tmp_path / "died"))
    out = tmp_path / "died-once" / "latest"
    summary = check_corpus(corpus, ROOT / "reference_data", out, workers=2, batch_size=2, use_cache=False)
    assert (tmp_path / "died").exists()  # a worker did die
    assert (summary.articles, summary.claims, summary.problems) == (expected.articles, expected.claims, [])
    findings = [json.loads((folder / "findings.json").read_text())["findings"] for folder in (out, tmp_path / "plain" / "latest")]
    assert findings[0] == findings[1]


def test_a_worker_does_not_import_the_module_its_parent_runs_as_main(tmp_path: Path) -> None:
    """A spawned process imports the module its parent runs as __main__, unless told otherwise: a
    flow run that a Prefect runner starts runs `python -m prefect.engine`, whose import would cost
    each worker a second or two. The workers import only what their work needs."""
    import os
    import subprocess
    import sys

    imported = tmp_path / "imported"
    done = subprocess.run([sys.executable, "-m", "tests.spawns_workers"], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "FIGCHECK_TEST_IMPORTED": str(imported)}, timeout=120)
    assert done.returncode == 0, done.stderr
    workers = done.stdout.split()
    importers = imported.read_text(encoding="utf-8").split()
    assert len(importers) == 1 and importers[0] not in workers and 1 <= len(workers) <= 2


def test_an_unchanged_run_comes_from_the_cache_with_the_same_findings(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "latest"
    check_corpus(corpus, ROOT / "reference_data", out, workers=1)
    before = json.loads((out / "findings.json").read_text())["findings"]
    again = check_corpus(corpus, ROOT / "reference_data", out, workers=1)
    after = json.loads((out / "findings.json").read_text())["findings"]
    assert again.cached == again.articles == 5
    assert [f["id"] for f in before] == [f["id"] for f in after]


def test_a_fetch_report_puts_failures_and_revised_figures_into_the_report(corpus: Path, tmp_path: Path) -> None:
    from figcheck.pipeline import Completed, CorpusRun, check_batch, run_batches

    revision = Finding(
        id="f-revision", check="article_revision", verdict="discrepancy", severity="warning",
        message="The figure changed between versions: 1,204 nurses became 1,402 nurses.",
        claims=[ClaimRef(claim_id="c-1", doc_id="example--v2", start=0, end=5, text="1,402")],
    )
    report = FetchReport(
        started=datetime.now(UTC), finished=datetime.now(UTC),
        sources=[SourceReport(url="http://127.0.0.1:9/feed.xml", kind="feed", status="failed",
                              problems=[FetchProblem(url="http://127.0.0.1:9/feed.xml", reason="http_5xx",
                                                     message="HTTP 503 after 4 attempts")])],
        findings=[revision],
    )
    fetch_json = tmp_path / "fetch.json"
    fetch_json.write_text(report.model_dump_json(), encoding="utf-8")

    out = tmp_path / "out"
    run = CorpusRun(corpus, ROOT / "reference_data", out)
    run.add_fetch_report(fetch_json)
    run_batches(run, lambda batch: Completed(check_batch, batch), batch_size=500, window=1)
    run.finish()

    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert any("HTTP 503" in p["message"] and p["path"].endswith("feed.xml") for p in data["run"]["problems"])
    assert any(f["id"] == "f-revision" for f in data["findings"])
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "HTTP 503" in markdown and "1,402" in markdown


def test_a_changed_rule_invalidates_the_cache(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import figcheck.pipeline.cache as pipeline

    out = tmp_path / "reports" / "latest"
    check_corpus(corpus, ROOT / "reference_data", out, workers=1)
    monkeypatch.setattr(pipeline, "code_version", lambda: "another version of the rules")
    again = check_corpus(corpus, ROOT / "reference_data", out, workers=1)
    assert again.cached == 0


def test_a_jsonl_corpus_and_the_same_articles_as_files_give_the_same_findings(corpus: Path, tmp_path: Path) -> None:
    from figcheck.corpus import load_document

    folder = tmp_path / "as-files"
    folder.mkdir()
    lines = []
    for article in sorted(corpus.glob("*.txt")):
        meta = load_document(article).meta
        record = {"id": article.stem, "title": meta.title, "source": meta.publisher, "url": meta.url,
                  "published": meta.published.isoformat() if meta.published else None,
                  "text": article.read_text(encoding="utf-8")}
        lines.append(json.dumps(record))
        # The same fields as the JSON line, no more, so that both say the same about the article.
        (folder / article.name).write_text(record["text"], encoding="utf-8")
        fields = {"title": record["title"], "publisher": record["source"], "url": record["url"], "published": record["published"]}
        (folder / f"{article.stem}.meta.yaml").write_text(
            "".join(f"{key}: {json.dumps(value)}\n" for key, value in fields.items() if value is not None), encoding="utf-8"
        )
    jsonl = tmp_path / "articles.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")

    from_files = check_corpus(folder, ROOT / "reference_data", tmp_path / "a" / "latest", workers=1)
    from_jsonl = check_corpus(jsonl, ROOT / "reference_data", tmp_path / "b" / "latest", workers=1)
    assert (from_jsonl.articles, from_jsonl.claims) == (from_files.articles, from_files.claims) == (5, from_files.claims)
    first = json.loads((tmp_path / "a" / "latest" / "findings.json").read_text())["findings"]
    second = json.loads((tmp_path / "b" / "latest" / "findings.json").read_text())["findings"]
    assert first == second
    assert (tmp_path / "a" / "latest" / "claims.jsonl").read_text() == (tmp_path / "b" / "latest" / "claims.jsonl").read_text()


def test_a_link_leaving_the_corpus_is_refused_unless_asked(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "far.txt").write_text("The bridge, 1,204 metres long, opened on June 25, 1950.\n", encoding="utf-8")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "near.txt").write_text("The dam holds 3,000 tonnes of water.\n", encoding="utf-8")
    (folder / "far.txt").symlink_to(outside / "far.txt")

    refused = check_corpus(folder, ROOT / "reference_data", tmp_path / "a" / "latest", workers=1)
    assert refused.articles == 1
    assert any("far.txt" in problem.path for problem in refused.problems)

    followed = check_corpus(folder, ROOT / "reference_data", tmp_path / "b" / "latest", workers=1, follow_symlinks=True)
    assert followed.articles == 2 and not followed.problems


def test_the_next_run_reads_the_previous_discrepancies_as_load_findings_gives_them(corpus: Path, tmp_path: Path) -> None:
    from figcheck.report import load_findings
    from figcheck.report.findings_file import FindingsFileError, load_discrepancies

    article = corpus / "blog-all-koreans-fought-to-defend-their-country.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("three-year-long", "five-year-long"), encoding="utf-8")
    out = tmp_path / "reports" / "latest"
    check_corpus(corpus, ROOT / "reference_data", out, workers=1)
    path = out / "findings.json"
    info, findings = load_findings(path)
    run_id, discrepancies = load_discrepancies(path)
    assert run_id == info.run_id
    assert discrepancies == [f for f in findings if f.verdict == "discrepancy"] != []
    # A damaged discrepancy is as damaged as for load_findings: that run is no reference.
    data = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in data["findings"] if f["verdict"] == "discrepancy")["severity"] = "dire"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FindingsFileError, match=r"findings\[\d+\].*severity"):
        load_discrepancies(path)


def test_an_unchanged_article_is_never_parsed_and_a_changed_one_is_parsed_once(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import figcheck.corpus

    out = tmp_path / "reports" / "latest"
    check_corpus(corpus, ROOT / "reference_data", out, workers=1)
    article = corpus / "blog-all-koreans-fought-to-defend-their-country.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("three-year-long", "five-year-long"), encoding="utf-8")
    parsed: list[str] = []
    real_read_page, real_parse_meta = figcheck.corpus.read_page, figcheck.corpus.parse_meta
    monkeypatch.setattr(figcheck.corpus, "read_page", lambda text: parsed.append(text[:30]) or real_read_page(text))
    monkeypatch.setattr(figcheck.corpus, "parse_meta", lambda raw, path: parsed.append(path.name) or real_parse_meta(raw, path))
    again = check_corpus(corpus, ROOT / "reference_data", out, workers=1)
    assert again.cached == 4 and again.articles == 5
    assert parsed == [article.stem + ".meta.yaml", article.read_text(encoding="utf-8")[:30]]


def test_an_entry_that_breaks_while_its_article_waits_is_checked_from_its_file(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from figcheck.pipeline.cache import ClaimCache

    out = tmp_path / "reports" / "latest"
    check_corpus(corpus, ROOT / "reference_data", out, workers=1)
    first = json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]
    # The first article in corpus order changes, so the four after it wait for its batch.
    changed = corpus / "blog-all-koreans-fought-to-defend-their-country.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    real_get, looked_up = ClaimCache.get, []

    def get(cache: ClaimCache, key: str):
        looked_up.append(key)
        return None if len(looked_up) == 4 else real_get(cache, key)  # the last waiting one broke

    monkeypatch.setattr(ClaimCache, "get", get)
    again = check_corpus(corpus, ROOT / "reference_data", out, workers=1, batch_size=500)
    assert (again.articles, again.cached, again.problems) == (5, 3, [])
    assert json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"] == first


@pytest.mark.parametrize(("module", "not_needed"), [
    # The guardian watches processes: nothing of the checks, the report or the run.
    ("figcheck.pipeline.guardian", ("figcheck.pipeline.run", "figcheck.report", "checkers", "figcheck.extraction")),
    # A worker checks batches: it never reads the corpus folder, the run history or the previous run.
    ("figcheck.pipeline.work", ("figcheck.pipeline.run", "figcheck.runs", "figcheck.pipeline.outputs")),
    # Every command imports the commands' module: it must not bring the page fetcher and its
    # extractor with it (the fetch command imports them when it runs).
    ("figcheck.cli", ("figcheck.fetching", "trafilatura")),
])
def test_processes_import_only_what_they_run(module: str, not_needed: tuple[str, ...]) -> None:
    import subprocess
    import sys

    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith({not_needed!r})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.strip() == "[]"


def test_workers_are_started_before_the_first_batch_is_full_and_not_for_an_unchanged_corpus(
    corpus: Path, tmp_path: Path
) -> None:
    """Worker processes take a while to start: they are started once the first batch holds a
    few hundred articles (or is full), while the rest of it is read; never for a run with nothing
    to check, nor for one whose few articles are checked where the run is."""
    from figcheck.pipeline import CorpusRun

    def batches(out: Path, size: int = 3) -> list[str]:
        seen: list[str] = []
        run = CorpusRun(corpus, ROOT / "reference_data", out)
        try:
            for batch in run.batches(size, first_miss=lambda: seen.append("first miss")):
                seen.append(f"batch of {len(batch.documents)}")
        finally:
            run.abandon()
        return seen

    out = tmp_path / "reports" / "latest"
    assert batches(out, 3) == ["first miss", "batch of 3", "batch of 2"]
    assert batches(out, 2000) == ["batch of 5"]  # alone: checked in the run's process
    check_corpus(corpus, ROOT / "reference_data", out, workers=2)
    assert batches(out) == []


def test_a_fingerprint_is_sent_back_only_with_cross_article_entries(corpus: Path) -> None:
    # The fingerprint tells near-copies apart among the sources of a cross-article group: an
    # article filed in no group needs none, and most articles of an archive are in none.
    from checkers import CheckRun
    from checkers.base import fingerprint
    from figcheck.corpus import load_document
    from figcheck.pipeline.work import check_document
    from figcheck.reference import ReferenceTable

    checks = CheckRun(ReferenceTable.load(ROOT / "reference_data"))
    seen = {True: 0, False: 0}
    for path in sorted(corpus.glob("*.txt")):
        document = load_document(path)
        entry = check_document(document, checks)
        seen[bool(entry.entries)] += 1
        assert entry.fingerprint == (sorted(fingerprint(document.text)) if entry.entries else [])
    bare = load_document(next(iter(sorted(corpus.glob("*.txt")))))
    bare = bare.model_copy(update={"text": "Nothing here but words, with no figure at all in them."})
    assert check_document(bare, checks).fingerprint == []
    assert seen[True] > 0


def test_the_last_batches_of_a_corpus_get_smaller_so_that_the_workers_finish_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each batch takes at most its share of what is left to read (split ways), so that the last
    # ones handed out are small and no worker is left with a large batch while the others wait.
    from figcheck.pipeline import CorpusRun, run as run_module

    monkeypatch.setattr(run_module, "_SMALLEST_BATCH", 1)
    folder = tmp_path / "corpus"
    folder.mkdir()
    for number in range(40):
        (folder / f"a{number:02d}.txt").write_text(f"Article {number} says 40 people came on Monday.\n", encoding="utf-8")
    run = CorpusRun(folder, ROOT / "reference_data", tmp_path / "reports" / "latest")
    try:
        batches = list(run.batches(8, split=4))
    finally:
        run.abandon()
    assert [len(batch.documents) for batch in batches] == [8, 8, 6, 5, 4, 3, 2, 1, 1, 1, 1]
    assert [d.doc_id for batch in batches for d in batch.documents] == [f"a{n:02d}" for n in range(40)]
    assert [batch.number for batch in batches] == list(range(11))
