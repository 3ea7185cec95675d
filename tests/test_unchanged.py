"""A run over an unchanged corpus: files known by their stat are not read, the last run's files are
reused rather than reduced and rendered again, and whatever the files depend on undoes that."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import figcheck.pipeline.cache as cache_module
import figcheck.pipeline.run as pipeline_run
from figcheck.pipeline import check_corpus
from figcheck.pipeline.cache import ClaimCache, FileLedger, file_signature
from figcheck.report import write_report
from figcheck.report.findings_file import load_findings
from figcheck.runs import stored_runs

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference_data"
# What differs between two runs of the same results.
RUN_FIELDS = ("run_id", "started", "finished", "previous_run_id")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder, ignore=shutil.ignore_patterns("raw", ".*", "sources.yaml"))
    return folder


@pytest.fixture(autouse=True)
def trusted_stat(monkeypatch: pytest.MonkeyPatch) -> None:
    """The files of a test are written just before its runs; a stat taken within two seconds of
    a change is not trusted (tested on its own below)."""
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0.0)


class Calls:
    """Counts the renderings, the reductions (the corpus-wide checks) and the article files read."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rendered = self.reduced = 0
        self.read: list[str] = []
        real_write, real_read = pipeline_run.write_report, pipeline_run.read_article_files
        real_merge = pipeline_run.ReportStore.merge

        def write(*args, **kwargs):
            self.rendered += 1
            return real_write(*args, **kwargs)

        def merge(*args, **kwargs):
            self.reduced += 1
            return real_merge(*args, **kwargs)

        monkeypatch.setattr(pipeline_run.ReportStore, "merge", merge)

        def read(path):
            self.read.append(Path(path).name)
            return real_read(path)

        monkeypatch.setattr(pipeline_run, "write_report", write)
        monkeypatch.setattr(pipeline_run, "read_article_files", read)

    def reset(self) -> None:
        self.rendered, self.reduced, self.read = 0, 0, []


def run(corpus: Path, out: Path, reference: Path = REFERENCE, **options):
    return check_corpus(corpus, reference, out, workers=1, **options)


def warm(corpus: Path, out: Path, calls: Calls, reference: Path = REFERENCE):
    """Three runs: cold, then nothing changed (which keeps the copy), then reused."""
    run(corpus, out, reference)
    run(corpus, out, reference)
    calls.reset()
    summary = run(corpus, out, reference)
    assert calls.rendered == 0 and calls.read == []
    return summary


def without_run_fields(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    for name in RUN_FIELDS:
        data["run"].pop(name)
    return data


def test_a_reused_run_writes_what_rendering_its_results_writes(corpus: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    out = tmp_path / "reports" / "latest"
    before = run(corpus, out)
    first_files = {name: without_run_fields(out / name) if name == "findings.json" else (out / name).read_bytes()
                   for name in ("findings.json", "claims.jsonl")}
    calls.reset()
    second = run(corpus, out)
    # The first run's results are taken as they are; its files are rendered again, for what is
    # new since it (nothing) and to keep a copy.
    assert calls.reduced == 0 and calls.read == [] and calls.rendered == 1
    assert second.previous_run_id == before.run_id and (second.new, second.resolved) == (0, 0)
    assert without_run_fields(out / "findings.json") == first_files["findings.json"]
    assert (out / "claims.jsonl").read_bytes() == first_files["claims.jsonl"]
    calls.reset()
    third = run(corpus, out)
    assert calls.rendered == calls.reduced == 0 and calls.read == []  # neither read, reduced nor rendered
    assert (third.previous_run_id, third.new, third.resolved) == (second.run_id, 0, 0)
    assert (third.articles, third.claims, third.cached) == (before.articles, before.claims, 5)
    assert [f.id for f in third.discrepancies] == [f.id for f in before.discrepancies]
    # The files are those a rendering of the run's own findings file gives, byte for byte.
    info, findings = load_findings(out / "findings.json")
    assert (info.run_id, info.previous_run_id) == (third.run_id, second.run_id)
    rendered = tmp_path / "rendered"
    claims = pipeline_run._timeline_claims(out / "claims.jsonl", findings)
    write_report(rendered, info, findings, claims=claims)
    for name in ("findings.json", "report.md", "report.html"):
        assert (out / name).read_bytes() == (rendered / name).read_bytes(), name
    assert third.run_id in (out / "report.md").read_text() and second.run_id in (out / "report.html").read_text()
    # And the same as a run that uses no cache at all, but for the run's own fields.
    plain = run(corpus, tmp_path / "plain" / "latest", use_cache=False)
    assert plain.cached == 0
    assert without_run_fields(out / "findings.json") == without_run_fields(tmp_path / "plain" / "latest" / "findings.json")
    assert (out / "claims.jsonl").read_bytes() == (tmp_path / "plain" / "latest" / "claims.jsonl").read_bytes()


def test_the_last_runs_results_are_taken_from_its_store_with_the_same_summary(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that leaves no copy of its files keeps its report's store; the next, with nothing
    changed, renders from it (no findings or sources in lists, no reduce) and says what it said."""
    article = corpus / "blog-all-koreans-fought-to-defend-their-country.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("three-year-long", "five-year-long"), encoding="utf-8")
    monkeypatch.setattr(pipeline_run, "SUMMARY_DISCREPANCIES", 0)  # the counts count them all even so
    calls = Calls(monkeypatch)
    out = tmp_path / "reports" / "latest"
    unchanged_dir = tmp_path / "reports" / "cache" / "unchanged"
    first = run(corpus, out)
    kept = list(unchanged_dir.glob("*.results.sqlite"))
    assert len(kept) == 1 and calls.reduced == 1
    first_files = {name: without_run_fields(out / name) if name == "findings.json" else (out / name).read_bytes()
                   for name in ("findings.json", "claims.jsonl")}
    wrong = [f for f in first_files["findings.json"]["findings"] if f["verdict"] == "discrepancy"]
    assert wrong and first.discrepancies == []
    summaries = [first]
    for _ in range(2):
        calls.reset()
        summaries.append(run(corpus, out))
        assert calls.reduced == 0 and calls.read == []
        assert without_run_fields(out / "findings.json") == first_files["findings.json"]
        assert (out / "claims.jsonl").read_bytes() == first_files["claims.jsonl"]
    # Taken by the second run (which keeps a copy of its files instead), not left behind.
    assert not list(unchanged_dir.glob("*.results.sqlite"))
    assert not list((tmp_path / "reports").rglob(pipeline_run.SPILL_NAME))
    for summary in summaries:
        assert (summary.articles, summary.claims) == (first.articles, first.claims)
        assert summary.findings_by_check == first.findings_by_check and sum(first.findings_by_check.values()) == len(wrong)
        assert summary.findings_by_severity == first.findings_by_severity
        assert summary.discrepancies == []


def test_a_damaged_kept_store_is_not_taken(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    out = tmp_path / "reports" / "latest"
    run(corpus, out)
    first_findings = without_run_fields(out / "findings.json")
    (kept,) = (tmp_path / "reports" / "cache" / "unchanged").glob("*.results.sqlite")
    kept.write_bytes(b"not a database at all" * 100)
    calls.reset()
    second = run(corpus, out)
    # Checked from the cache and reduced again, as if nothing had been kept.
    assert calls.reduced == 1 and second.cached == second.articles
    assert without_run_fields(out / "findings.json") == first_findings


def test_runs_that_share_a_claims_file_keep_it_once(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    out = tmp_path / "reports" / "latest"
    warm(corpus, out, calls)
    run(corpus, out)
    runs = [stored.path for stored in stored_runs(tmp_path / "reports" / "runs")]
    newest = os.stat(runs[-1] / "claims.jsonl")
    # The runs before the newest share its claims file (nothing changed since the first): they
    # keep it as it is, a link with no room of its own, rather than a gzipped copy each.
    for folder in runs[:-1]:
        assert os.stat(folder / "claims.jsonl").st_ino == newest.st_ino
        assert (folder / "findings.json.gz").is_file() and not (folder / "findings.json").exists()
    article = _first_article(corpus)
    article.write_text(article.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    run(corpus, out)  # a change: the runs before it are compacted, their shared file gzipped once
    for folder in runs:
        assert (folder / "claims.jsonl.gz").is_file() and not (folder / "claims.jsonl").exists()
    assert len({os.stat(folder / "claims.jsonl.gz").st_ino for folder in runs}) == 1


def _first_article(corpus: Path) -> Path:
    return sorted(corpus.glob("*.txt"))[0]


def test_a_changed_article_is_read_and_checked_again(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    out = tmp_path / "reports" / "latest"
    before = warm(corpus, out, calls)
    article = _first_article(corpus)
    stat = article.stat()
    text = article.read_text(encoding="utf-8")
    # Same size and same modification time: only the change time (and the bytes) tell.
    changed = text.replace("1", "2", 1) if "1" in text else text.replace("a", "b", 1)
    assert len(changed.encode()) == len(text.encode()) and changed != text
    article.write_text(changed, encoding="utf-8")
    os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    calls.reset()
    after = run(corpus, out)
    # Read to find it changed, and again to be checked; no other file is read.
    assert set(calls.read) == {article.name} and calls.rendered == calls.reduced == 1
    assert after.cached == before.articles - 1


def test_a_changed_metadata_file_is_read_again(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    out = tmp_path / "reports" / "latest"
    warm(corpus, out, calls)
    meta = sorted(corpus.glob("*.meta.yaml"))[0]
    meta.write_text(meta.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    calls.reset()
    after = run(corpus, out)
    assert set(calls.read) == {meta.name.replace(".meta.yaml", ".txt")} and calls.rendered == 1
    assert after.cached == after.articles - 1


def test_an_added_or_deleted_article_is_not_the_last_run(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    out = tmp_path / "reports" / "latest"
    before = warm(corpus, out, calls)
    article = _first_article(corpus)
    shutil.copy(article, corpus / "zz-added.txt")
    calls.reset()
    added = run(corpus, out)
    assert set(calls.read) == {"zz-added.txt"} and calls.rendered == 1
    assert added.articles == before.articles + 1
    (corpus / "zz-added.txt").unlink()
    calls.reset()
    removed = run(corpus, out)
    assert calls.read == [] and calls.rendered == 1
    assert removed.articles == before.articles and removed.claims == before.claims


def test_a_changed_reference_fact_is_not_the_last_run(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference)
    out = tmp_path / "reports" / "latest"
    warm(corpus, out, calls, reference)
    before, _ = load_findings(out / "findings.json")
    table = reference / "korean_war.yaml"
    table.write_text(table.read_text(encoding="utf-8") + "\n# a comment is a change of the table's files\n", encoding="utf-8")
    calls.reset()
    after = run(corpus, out, reference)
    assert calls.rendered == 1 and after.cached == 0  # every article checked again against the new table
    info, _ = load_findings(out / "findings.json")
    assert info.reference_version != before.reference_version


def test_new_code_is_not_the_last_run(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    out = tmp_path / "reports" / "latest"
    warm(corpus, out, calls)
    monkeypatch.setattr(pipeline_run.unchanged, "output_code_version", lambda: "another version")
    calls.reset()
    after = run(corpus, out)
    assert calls.rendered == calls.reduced == 1 and calls.read == [] and after.cached == after.articles


def test_a_run_without_the_cache_is_not_reused_by_the_next(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Calls(monkeypatch)
    out = tmp_path / "reports" / "latest"
    warm(corpus, out, calls)
    run(corpus, out, use_cache=False)
    calls.reset()
    after = run(corpus, out)
    assert calls.rendered == 1  # the newest run is not the one the copy was made from
    assert after.new == after.resolved == 0


def test_a_jsonl_corpus_is_known_by_its_stat(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from figcheck.corpus import iter_corpus

    calls = Calls(monkeypatch)
    lines = tmp_path / "articles.jsonl"
    with lines.open("w", encoding="utf-8") as stream:
        for document in iter_corpus(corpus, read_pages=False):
            stream.write(json.dumps({"id": document.doc_id, "text": document.text,
                                     **document.meta.model_dump(mode="json", exclude_none=True)}) + "\n")
        stream.write("not json\n")
    out = tmp_path / "reports" / "latest"
    read_lines = []
    real = pipeline_run.iter_corpus

    def counted(*args, **kwargs):
        read_lines.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline_run, "iter_corpus", counted)
    warm(lines, out, calls)
    read_lines.clear()
    summary = run(lines, out)
    assert read_lines == [] and calls.rendered == 0 and len(summary.problems) == 1
    with lines.open("a", encoding="utf-8") as stream:
        stream.write("\n")
    after = run(lines, out)
    assert read_lines == [1] and after.cached == after.articles == 5


def test_a_stat_taken_just_after_a_change_is_not_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 2.0)
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("a")
    new.write_text("b")
    cache = ClaimCache(tmp_path / "cache.sqlite")
    ledger = FileLedger(cache, tmp_path)
    changed = int(file_signature(new).split(".")[2])
    # A run that began 3 s after ``old`` last changed, and one that began 1 s after ``new`` did:
    # ``new`` might change again within its clock's tick without its stat moving.
    ledger.started_ns = changed + 3 * 10**9
    ledger.remember(str(old), file_signature(old), "digest-old")
    ledger.started_ns = changed + 1 * 10**9
    ledger.remember(str(new), file_signature(new), "digest-new")
    cache.commit()
    again = FileLedger(cache, tmp_path)
    assert again.known(str(old), file_signature(old)) == "digest-old"
    assert again.known(str(new), file_signature(new)) is None
    old.write_text("c")
    assert again.known(str(old), file_signature(old)) is None
    cache.close()


def test_files_changed_just_before_the_last_run_are_read_and_compared(corpus: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 3600.0)  # no stat is trusted
    calls = Calls(monkeypatch)
    out = tmp_path / "reports" / "latest"
    before = run(corpus, out)
    calls.reset()
    second = run(corpus, out)
    # Every article read again, found the same: the last run's results are taken as they are.
    assert len(calls.read) == before.articles and calls.reduced == 0 and second.cached == before.articles
    article = _first_article(corpus)
    article.write_text(article.read_text(encoding="utf-8").replace(" ", "  ", 1), encoding="utf-8")
    calls.reset()
    third = run(corpus, out)
    assert calls.reduced == 1 and third.cached == before.articles - 1


def _rendered_again(out: Path, tmp_path: Path) -> None:
    """The files in ``out`` are those a rendering of its own findings file gives, byte for byte."""
    info, findings = load_findings(out / "findings.json")
    rendered = tmp_path / f"rendered-{info.run_id}"
    write_report(rendered, info, findings, claims=pipeline_run._timeline_claims(out / "claims.jsonl", findings))
    for name in ("findings.json", "report.md", "report.html"):
        assert (out / name).read_bytes() == (rendered / name).read_bytes(), name


def test_a_run_that_changed_something_makes_the_copy_in_a_spare_process(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run with worker processes that cannot leave a copy the usual way (the first run; one with
    something new or resolved since the last) renders it in a spare process while it writes its
    own files: the next run with nothing changed neither reduces nor renders."""
    monkeypatch.setattr(pipeline_run, "_COPY_ASIDE_FROM", 0)
    article = corpus / "blog-all-koreans-fought-to-defend-their-country.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("three-year-long", "five-year-long"), encoding="utf-8")
    calls = Calls(monkeypatch)
    out = tmp_path / "reports" / "latest"
    first = check_corpus(corpus, REFERENCE, out, workers=2)
    assert first.discrepancies and calls.rendered == 1
    calls.reset()
    second = run(corpus, out)
    assert calls.rendered == calls.reduced == 0 and calls.read == []
    assert (second.previous_run_id, second.new, second.resolved) == (first.run_id, 0, 0)
    _rendered_again(out, tmp_path)
    # An article with a discrepancy goes: the run says it resolved, and leaves the copy too.
    (doc_id,) = {ref.doc_id for ref in first.discrepancies[0].claims[:1]}
    (corpus / f"{doc_id}.txt").unlink()
    (corpus / f"{doc_id}.meta.yaml").unlink(missing_ok=True)
    calls.reset()
    third = check_corpus(corpus, REFERENCE, out, workers=2)
    assert third.resolved > 0 and calls.rendered == 1
    calls.reset()
    fourth = run(corpus, out)
    assert calls.rendered == calls.reduced == 0 and calls.read == []
    assert (fourth.previous_run_id, fourth.new, fourth.resolved) == (third.run_id, 0, 0)
    assert (fourth.articles, fourth.claims) == (third.articles, third.claims)
    said = json.loads((out / "findings.json").read_text(encoding="utf-8"))["run"]
    assert (said["previous_run_id"], said["new_finding_ids"], said["resolved_findings"]) == (third.run_id, [], [])
    _rendered_again(out, tmp_path)
    assert not list((tmp_path / "reports").rglob(pipeline_run.SPILL_NAME + "*"))
