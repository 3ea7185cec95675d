"""The run history: keeping the last runs compactly, finding one, and what changed between two."""

from __future__ import annotations

import gzip
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_report import FINDINGS, sample_report
from typer.testing import CliRunner

from figcheck.cli import app
from figcheck.cli.run import _print_summary
from figcheck.pipeline import check_corpus
from figcheck.report import write_report
from figcheck.report.run import NO_PREVIOUS_RUN, describe_changes
from figcheck.runs import RunHistoryError, diff_runs, find_run, prune_runs, stored_runs

ROOT = Path(__file__).resolve().parents[1]
IDS = [f"2024-03-0{day}T10-00-00Z-ab{day}{day}" for day in range(1, 6)]


def store_run(runs_dir: Path, run_id: str, findings=None, started: datetime | None = None) -> Path:
    run, all_findings, claims = sample_report()
    run = run.model_copy(update={"run_id": run_id, "started": started or run.started})
    folder = runs_dir / run_id
    write_report(folder, run, all_findings if findings is None else findings, claims)
    (folder / "claims.jsonl").write_text("".join(c.model_dump_json() + "\n" for c in claims), encoding="utf-8")
    return folder


@pytest.fixture
def history(tmp_path) -> Path:
    runs_dir = tmp_path / "reports" / "runs"
    for run_id in IDS:
        store_run(runs_dir, run_id)
    return runs_dir


def test_prune_keeps_the_newest_and_linked_runs_and_gzips_older_claims(history):
    claims = (history / IDS[3] / "claims.jsonl").read_bytes()
    unfinished = history / "2024-03-00T09-00-00Z-0000"
    unfinished.mkdir()
    (unfinished / "claims.jsonl").write_text("{}\n", encoding="utf-8")
    # reports/latest links to the oldest run: it must survive, unchanged.
    os.symlink(history / IDS[0], history.parent / "latest")
    result = prune_runs(history, keep=2)
    assert result.removed == IDS[1:3]
    assert [run.run_id for run in stored_runs(history)] == [IDS[0], IDS[3], IDS[4]]
    assert result.compacted == [IDS[3]]
    assert sorted(p.name for p in (history / IDS[3]).iterdir()) == [
        "claims.jsonl.gz", "findings.json.gz", "report.html", "report.md.gz"
    ]
    assert gzip.decompress((history / IDS[3] / "claims.jsonl.gz").read_bytes()) == claims
    # A compacted run reads as before.
    assert find_run(history, IDS[3]).load()[0].run_id == IDS[3]
    for untouched in (IDS[0], IDS[4]):
        assert sorted(p.name for p in (history / untouched).iterdir()) == [
            "claims.jsonl", "findings.json", "report.html", "report.md"
        ]
    assert unfinished.is_dir() and (unfinished / "claims.jsonl").is_file(), "a run being written is never touched"
    again = prune_runs(history, keep=2)
    assert again.removed == [] and again.compacted == []
    with pytest.raises(ValueError, match="at least 1"):
        prune_runs(history, keep=0)


def test_find_run_by_id_start_latest_and_previous(history, tmp_path):
    assert find_run(history, "latest").run_id == IDS[-1]
    assert find_run(history, "previous").run_id == IDS[-2]
    assert find_run(history, "2024-03-02").run_id == IDS[1]
    with pytest.raises(RunHistoryError, match="names 5 runs"):
        find_run(history, "2024-03")
    with pytest.raises(RunHistoryError, match="no run '1999'"):
        find_run(history, "1999")
    with pytest.raises(RunHistoryError, match="no finished runs"):
        find_run(tmp_path / "empty", "latest")


def test_diff_names_new_and_resolved_discrepancies(tmp_path):
    runs_dir = tmp_path / "runs"
    wrong, gone = FINDINGS["armistice_wrong"], FINDINGS["guests_differ"]
    store_run(runs_dir, IDS[0], [gone, FINDINGS["armistice_right"]])
    store_run(runs_dir, IDS[1], [wrong, FINDINGS["armistice_right"]])
    changes = diff_runs(find_run(runs_dir, "previous"), find_run(runs_dir, "latest"))
    assert [f.id for f in changes.appeared] == [wrong.id]
    assert [s.id for s in changes.resolved] == [gone.id]


def test_runs_commands(history):
    runner = CliRunner()
    listed = runner.invoke(app, ["runs", "list", "--runs", str(history)])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert len(lines) == 1 + len(IDS) and all(run_id in listed.stdout for run_id in IDS)
    assert lines[1].split()[:1] == [IDS[0]] and "corpus/" in lines[1]
    shown = runner.invoke(app, ["runs", "show", IDS[2][:10], "--runs", str(history)])
    assert shown.exit_code == 0, shown.output
    assert f"Run        {IDS[2]}" in shown.stdout and "3 errors, 2 warnings, 1 notes" in shown.stdout
    diffed = runner.invoke(app, ["runs", "diff", "--runs", str(history)])
    assert diffed.exit_code == 0 and f"Run {IDS[4]} against run {IDS[3]}: 0 new, 0 resolved." in diffed.stdout
    missing = runner.invoke(app, ["runs", "show", "1999", "--runs", str(history)])
    assert missing.exit_code == 2 and "no run '1999'" in missing.stderr
    pruned = runner.invoke(app, ["runs", "prune", "--keep-runs", "3", "--runs", str(history)])
    assert pruned.exit_code == 0 and "Removed 2 runs, compacted 2; 3 kept" in pruned.stdout


def test_first_run_says_the_same_about_changes_in_report_summary_and_cli(tmp_path, capsys):
    from flows.check_corpus import summary_dict, summary_markdown

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for article in sorted((ROOT / "corpus").glob("*.txt"))[:2]:
        shutil.copy(article, corpus / article.name)
        meta = article.with_name(article.stem + ".meta.yaml")
        if meta.exists():
            shutil.copy(meta, corpus / meta.name)
    out = tmp_path / "reports" / "latest"
    first = check_corpus(corpus, ROOT / "reference_data", out, workers=1, use_cache=False)
    assert first.previous_run_id is None and first.new == 0 and first.resolved == 0
    _print_summary(summary_dict(first), out)
    printed = capsys.readouterr().out
    for text in (printed, summary_markdown(first), (out / "report.md").read_text(encoding="utf-8"),
                 (out / "report.html").read_text(encoding="utf-8")):
        assert NO_PREVIOUS_RUN in text
        assert " new since" not in text and "new, " not in text
    second = check_corpus(corpus, ROOT / "reference_data", out, workers=1, use_cache=False)
    said = describe_changes(first.run_id, 0, 0)
    assert second.previous_run_id == first.run_id
    _print_summary(summary_dict(second), out)
    for text in (capsys.readouterr().out, summary_markdown(second), (out / "report.md").read_text(encoding="utf-8")):
        assert said in text
    # The end of a run prunes the history: the earlier run's claims are now gzipped.
    assert (first.run_dir / "claims.jsonl.gz").is_file() and (second.run_dir / "claims.jsonl").is_file()


def test_runs_started_in_the_same_second_keep_their_order(tmp_path):
    runs_dir = tmp_path / "runs"
    # Same second, and the later run's random suffix sorts first.
    for run_id, micro in (("2024-03-01T10-00-00Z-ffff", 100), ("2024-03-01T10-00-00Z-0000", 900_000)):
        store_run(runs_dir, run_id, started=datetime(2024, 3, 1, 10, 0, 0, micro, tzinfo=UTC))
    assert [run.run_id for run in stored_runs(runs_dir)] == ["2024-03-01T10-00-00Z-ffff", "2024-03-01T10-00-00Z-0000"]
    assert prune_runs(runs_dir, keep=1).removed == ["2024-03-01T10-00-00Z-ffff"]


def test_an_unreadable_run_is_named_not_fatal(history):
    (history / IDS[1] / "findings.json").write_text('{"run": ', encoding="utf-8")
    listed = CliRunner().invoke(app, ["runs", "list", "--runs", str(history)])
    assert listed.exit_code == 0
    assert f"{IDS[1]:<28} unreadable:" in listed.stdout and IDS[2] in listed.stdout
    shown = CliRunner().invoke(app, ["runs", "show", IDS[1], "--runs", str(history)])
    assert shown.exit_code == 2 and "findings.json: cannot be read" in shown.stderr
