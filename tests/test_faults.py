"""Faults a run must survive: a damaged cache, identical articles, a concurrent or interrupted
run, a failing disk, an article that takes too long, a killed process."""

from __future__ import annotations

import errno
import gzip
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from figcheck.pipeline import OutputLocked, check_corpus

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference_data"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder, ignore=shutil.ignore_patterns("raw", ".*", "sources.yaml"))
    return folder


def _findings(out: Path) -> dict:
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


# --- the cache ---------------------------------------------------------------------------


def test_two_byte_identical_articles_stay_two_articles(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    text = "Some 1,204 nurses were hired in 2021, the ministry said.\n"
    (folder / "first.txt").write_text(text, encoding="utf-8")
    (folder / "second.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "reports" / "latest"
    for _ in range(2):  # cold, then from the cache
        check_corpus(folder, REFERENCE, out, workers=1)
        documents = [d["doc_id"] for d in _findings(out)["run"]["documents"]]
        assert documents == ["first", "second"]
        claims = [json.loads(line) for line in (out / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
        assert sorted({c["doc_id"] for c in claims}) == ["first", "second"]


def _damage_random(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def _damage_truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _damage_row(path: Path) -> None:
    # Every row: the articles' entries, and what the last run left for the next (which, whole,
    # would spare the next run reading the articles' entries at all).
    with sqlite3.connect(path) as db:
        db.execute("UPDATE article SET entry = '{\"document\": 3'")
        db.execute("UPDATE memo SET entry = '{\"key\": 3'")


@pytest.mark.parametrize("damage", [_damage_random, _damage_truncated, _damage_row], ids=["random-bytes", "truncated", "bad-row"])
def test_a_damaged_cache_is_said_in_one_line_rebuilt_and_the_run_goes_on(corpus: Path, tmp_path: Path, damage, capsys) -> None:
    out = tmp_path / "reports" / "latest"
    first = check_corpus(corpus, REFERENCE, out, workers=1)
    cache = tmp_path / "reports" / "cache" / "claims.sqlite"
    with sqlite3.connect(cache) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for companion in (cache.with_name("claims.sqlite-wal"), cache.with_name("claims.sqlite-shm")):
        companion.unlink(missing_ok=True)
    damage(cache)
    capsys.readouterr()

    again = check_corpus(corpus, REFERENCE, out, workers=1)
    said = [line for line in capsys.readouterr().out.splitlines() if str(cache) in line]
    assert len(said) == 1, said
    assert (again.articles, again.claims, again.cached) == (first.articles, first.claims, 0)
    third = check_corpus(corpus, REFERENCE, out, workers=1)  # the rebuilt cache serves the next run
    assert third.cached == third.articles == 5


# --- where a run's files go --------------------------------------------------------------


def test_out_is_switched_to_the_run_folder_and_each_run_is_stored_once(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "latest"
    first = check_corpus(corpus, REFERENCE, out, workers=1)
    second = check_corpus(corpus, REFERENCE, out, workers=1)
    runs = tmp_path / "reports" / "runs"
    assert out.is_symlink() and out.resolve() == (runs / second.run_id).resolve()
    assert sorted(p.name for p in runs.iterdir()) == sorted([first.run_id, second.run_id])
    outputs = sorted(["findings.json", "claims.jsonl", "report.md", "report.html"])
    assert sorted(p.name for p in (runs / second.run_id).iterdir()) == outputs
    # An older run is kept compactly (its data gzipped), still once.
    assert sorted(p.name.removesuffix(".gz") for p in (runs / first.run_id).iterdir()) == outputs
    assert _findings(out)["run"]["run_id"] == second.run_id
    assert _findings(out)["run"]["previous_run_id"] == first.run_id


def test_an_out_folder_of_the_earlier_layout_is_moved_into_the_history_once(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "latest"
    out.mkdir(parents=True)
    (out / "findings.json").write_text(json.dumps({"run": {"run_id": "2020-01-01T00-00-00Z-old"}, "findings": []}))
    (out / "report.md").write_text("# the old report\n")
    summary = check_corpus(corpus, REFERENCE, out, workers=1)
    runs = tmp_path / "reports" / "runs"
    assert out.is_symlink() and out.resolve().name == summary.run_id
    # Moved, not lost; as an older run it is then kept compactly (gzipped).
    moved = runs / "2020-01-01T00-00-00Z-old"
    kept = moved / "report.md"
    text = kept.read_text() if kept.exists() else gzip.decompress((moved / "report.md.gz").read_bytes()).decode()
    assert text == "# the old report\n"


def test_a_second_run_on_the_same_out_fails_clearly_while_the_first_holds_it(corpus: Path, tmp_path: Path) -> None:
    from figcheck.pipeline import CorpusRun

    out = tmp_path / "reports" / "latest"
    holder = CorpusRun(corpus, REFERENCE, out)
    try:
        with pytest.raises(OutputLocked, match="another figcheck run is writing here"):
            check_corpus(corpus, REFERENCE, out, workers=1)
    finally:
        holder.abandon()
    check_corpus(corpus, REFERENCE, out, workers=1)  # released: the next run goes ahead


def test_a_report_that_fails_to_write_leaves_the_previous_run_and_a_retry_completes(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import figcheck.pipeline.run as pipeline_run
    from figcheck.pipeline import Completed, CorpusRun, check_batch, run_batches

    out = tmp_path / "reports" / "latest"
    before = check_corpus(corpus, REFERENCE, out, workers=1)
    real_write = pipeline_run.write_report
    calls = []

    def full_disk_once(folder, *args, **kwargs):
        calls.append(folder)
        if len(calls) == 1:
            (Path(folder) / "report.md").write_text("half a rep")  # as a full disk would leave it
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(folder, *args, **kwargs)

    monkeypatch.setattr(pipeline_run, "write_report", full_disk_once)
    run = CorpusRun(corpus, REFERENCE, out)
    run_batches(run, lambda batch: Completed(check_batch, batch), batch_size=500, window=1)
    with pytest.raises(OSError) as failure:
        run.finish()
    assert failure.value.errno == errno.ENOSPC  # the real reason, not a missing part file
    assert _findings(out)["run"]["run_id"] == before.run_id  # readers still see the previous run whole
    summary = run.finish()  # the task's retry
    assert _findings(out)["run"]["run_id"] == summary.run_id
    for name in ("findings.json", "claims.jsonl", "report.md", "report.html"):
        assert (out / name).stat().st_size > 100
    assert not list((tmp_path / "reports").rglob("*.part")) and not list((tmp_path / "reports" / "runs").glob(".*"))


# --- the time budget ---------------------------------------------------------------------

# How long the work a budget must interrupt would go on without it: far past the budgets tested
# (0.2 and 0.5 s), so that a busy machine's delays cannot pass for a budget that never fired.
SPIN_SECONDS = 60


def test_the_time_budget_interrupts_python_code_in_any_thread() -> None:
    from figcheck.pipeline.budget import OverBudget, TimeBudget

    outcome = {}

    def spin() -> None:
        started = time.monotonic()
        with TimeBudget(0.2) as budget:
            with budget.article():
                pass  # a quick article is left alone
            try:
                with budget.article():
                    while time.monotonic() - started < SPIN_SECONDS:
                        pass
            except OverBudget:
                outcome["stopped after"] = time.monotonic() - started
            with budget.article():
                time.sleep(0.05)  # and so is the next one
            outcome["went on"] = True

    worker = threading.Thread(target=spin)
    worker.start()
    worker.join(SPIN_SECONDS + 30)
    # Not before the budget; and interrupted, where the loop would have gone on to its own end: a
    # bound this wide holds on a busy machine, where the watchdog may look late.
    assert 0.15 < outcome["stopped after"] < SPIN_SECONDS and outcome["went on"]


def test_an_article_over_its_time_budget_is_reported_as_not_checked_and_the_run_goes_on(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import figcheck.pipeline.work as work

    slow_id = "kcna-2010-10-21-friendship-forged-in-blood"
    real_extract = work.extract_claims
    spun_to_the_end = []

    def extract(document):
        started = time.monotonic()
        if document.doc_id == slow_id:
            while time.monotonic() - started < SPIN_SECONDS:
                pass  # as claim-dense text once did
            spun_to_the_end.append(document.doc_id)
        return real_extract(document)

    monkeypatch.setattr(work, "extract_claims", extract)
    out = tmp_path / "reports" / "latest"
    summary = check_corpus(corpus, REFERENCE, out, workers=1, article_seconds=0.5)
    assert spun_to_the_end == []  # the budget stopped it, however long the run took
    assert summary.articles == 4
    [problem] = summary.problems
    assert problem.path.endswith(f"{slow_id}.txt")
    assert "not checked" in problem.message and "time budget of 0.5 s" in problem.message


def test_an_article_figcheck_fails_on_is_reported_as_not_checked_and_its_batch_goes_on(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mistake of the code that one article sets off (an error raised while extracting) costs
    that article: the batch's other articles are checked, and the report names it."""
    import figcheck.pipeline.work as work

    failing_id = "kcna-2010-10-21-friendship-forged-in-blood"
    real_extract = work.extract_claims

    def extract(document):
        if document.doc_id == failing_id:
            raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")
        return real_extract(document)

    monkeypatch.setattr(work, "extract_claims", extract)
    summary = check_corpus(corpus, REFERENCE, tmp_path / "reports" / "latest", workers=1)
    assert summary.articles == 4 and summary.claims > 0
    [problem] = summary.problems
    assert problem.path.endswith(f"{failing_id}.txt")
    assert "not checked: figcheck failed on this article (ValueError: Exceeds the limit" in problem.message


def test_figcheck_extract_reports_an_article_it_fails_on_and_goes_on(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import figcheck.cli.extract as extract_command
    from figcheck.cli import app

    real_extract = extract_command.extract_claims

    def extract(document):
        if document.doc_id.startswith("kcna-"):
            raise RuntimeError("a mistake\nover two lines")
        return real_extract(document)

    monkeypatch.setattr(extract_command, "extract_claims", extract)
    result = CliRunner().invoke(app, ["extract", str(corpus)])
    assert result.exit_code == 2
    assert "kcna-2010-10-21-friendship-forged-in-blood.txt: not checked: figcheck failed on this article " \
           "(RuntimeError: a mistake over two lines)" in result.stderr
    assert {json.loads(line)["doc_id"] for line in result.stdout.splitlines()} == {
        p.stem for p in corpus.glob("*.txt") if not p.stem.startswith("kcna-")}


# --- a killed or interrupted figcheck run ------------------------------------------------


def _big_corpus(corpus: Path, copies: int) -> Path:
    for article in sorted(corpus.glob("*.txt")):
        for n in range(copies):
            shutil.copy(article, corpus / f"{article.stem}-copy{n}.txt")
    return corpus


def _start_run(corpus: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    out = tmp_path / "reports" / "latest"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PYTHONPATH": str(ROOT)}
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "figcheck"), "run", "--corpus", str(corpus), "--reference", str(REFERENCE),
         "--out", str(out), "--batch-size", "5", "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "run.log").open("w"),
    )
    return process, out


def _descendants_once_working(process: subprocess.Popen, runs: Path) -> list:
    """The run's processes once it is checking batches on its workers."""
    import psutil

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it could be interrupted"
        children = psutil.Process(process.pid).children(recursive=True)
        started = runs.is_dir() and any(p.name.endswith(".partial") for p in runs.iterdir())
        if started and len(children) >= 4:  # the guardian, the server, two workers
            time.sleep(1)
            return psutil.Process(process.pid).children(recursive=True)
        time.sleep(0.2)
    raise AssertionError("the run never got to its workers")


def _gone(processes: list, within: float) -> list:
    import psutil

    _, alive = psutil.wait_procs(processes, timeout=within)
    return alive


def _batches_merged(log: Path) -> int:
    """How many batches the run has merged so far, as its log says (one line each)."""
    return log.read_text(encoding="utf-8", errors="replace").count(" articles so far, ")


@pytest.mark.parametrize("how", ["SIGKILL", "Ctrl-C"])
def test_a_killed_or_interrupted_run_leaves_no_process_and_no_partial_files(
    corpus: Path, tmp_path: Path, how: str, sigint_as_at_a_terminal
) -> None:
    _big_corpus(corpus, 80)
    batches = 81  # 405 articles, 5 a batch (_start_run)
    process, out = _start_run(corpus, tmp_path)
    runs = out.parent / "runs"
    try:
        processes = _descendants_once_working(process, runs)
        merged = _batches_merged(tmp_path / "run.log")
        process.send_signal(signal.SIGKILL if how == "SIGKILL" else signal.SIGINT)
        process.wait(timeout=600)  # a hang, not a measure: how promptly it stops is counted below
        alive = _gone(processes, within=60)
        assert not alive, [p.cmdline() for p in alive]
    finally:
        if process.poll() is None:
            process.kill()
    if how == "Ctrl-C":
        # Ctrl-C stops the run where it is instead of letting it finish its corpus: of the batches
        # left when it came, at most those already handed out (two a worker) are merged after it.
        left = batches - merged
        assert left > 20, f"only {left} batches were left when the run was interrupted: too late to tell"
        assert _batches_merged(tmp_path / "run.log") - merged <= 4
    time.sleep(1)
    assert not [p for p in runs.iterdir() if p.name.startswith(".")]
    assert not out.exists()  # the run never completed: nothing was switched
    assert not list(out.parent.rglob("*.part"))
    # The run's flow run does not stay "running" on the server: the run's guardian marked it
    # crashed when it was killed, before it stopped the server; Prefect's engine did on Ctrl-C.
    state, message = _flow_run_states(tmp_path / "prefect-home")
    assert state == "CRASHED", (state, message)
    if how == "SIGKILL":
        assert "killed" in message


def _flow_run_states(prefect_home: Path) -> tuple[str, str]:
    """The state of the one flow run in a Prefect home's database, and its message."""
    import sqlite3

    with sqlite3.connect(prefect_home / "prefect.db") as db:
        rows = db.execute("select state_type, state_name from flow_run").fetchall()
        assert len(rows) == 1, rows
        message = db.execute("select message from flow_run_state where type = ?", (rows[0][0],)).fetchall()
    return rows[0][0], " ".join(m for (m,) in message if m)


def test_a_prefect_home_whose_folders_do_not_exist_yet_is_made_and_one_that_cannot_be_is_named(
    corpus: Path, tmp_path: Path
) -> None:
    """Prefect alone makes its home only where the folder above it exists, and otherwise starts no
    server; the run makes the folders, and names PREFECT_HOME when it cannot."""
    def run(home: Path) -> subprocess.CompletedProcess:
        env = {**os.environ, "PREFECT_HOME": str(home), "PYTHONPATH": str(ROOT)}
        env.pop("PREFECT_API_URL", None)
        return subprocess.run(
            [str(Path(sys.executable).parent / "figcheck"), "run", "--corpus", str(corpus), "--reference", str(REFERENCE),
             "--out", str(tmp_path / "reports" / "latest")],
            env=env, capture_output=True, text=True, timeout=600,
        )

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    refused = run(blocker / "prefect-home")
    assert refused.returncode == 2, refused.stderr
    assert f"PREFECT_HOME={blocker / 'prefect-home'}: cannot make this folder" in refused.stderr
    assert not (tmp_path / "reports" / "latest").exists()

    home = tmp_path / "not" / "yet" / "prefect-home"
    made = run(home)
    assert made.returncode == 0, made.stderr
    assert (home / "prefect.db").is_file()
    assert (tmp_path / "reports" / "latest" / "findings.json").is_file()


def test_an_out_folder_holding_more_than_a_report_is_refused_and_left_alone(corpus: Path, tmp_path: Path) -> None:
    from figcheck.pipeline import OutputNotAReport

    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my own notes\n")
    with pytest.raises(OutputNotAReport, match="holds more than a figcheck report"):
        check_corpus(corpus, REFERENCE, out, workers=1)
    assert out.is_dir() and not out.is_symlink()
    assert (out / "notes.txt").read_text() == "my own notes\n"
    assert not (tmp_path / "runs").exists()


# --- figcheck serve ----------------------------------------------------------------------

def test_a_stop_that_arrives_while_python_drops_exceptions_still_stops_serving() -> None:
    """A signal's handler runs wherever the main thread is. In a weakref callback (or a
    finaliser) an exception it raises is printed and dropped, and `figcheck serve` went on
    serving after SIGTERM. Here the handler runs in such a callback while the loop serves: the
    serving still stops, long before it would have ended by itself."""
    import asyncio
    import weakref

    from figcheck.cli import serve

    class Thing:
        pass

    def stop_inside_a_weakref_callback() -> None:
        thing = Thing()
        ref = weakref.ref(thing, lambda _: serve._interrupt(signal.SIGTERM, None))
        del thing  # the callback runs here, as the collector would run it
        assert ref() is None

    async def serving() -> None:
        asyncio.get_running_loop().call_later(0.1, stop_inside_a_weakref_callback)
        await asyncio.sleep(20)

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(serve._until_stopped(serving()))
    assert time.monotonic() - started < 10
    assert serve._stop_soon is None  # a later SIGTERM is Ctrl-C's again
