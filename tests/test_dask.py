"""The check_corpus flow on a Dask cluster gives what the default task runner gives, and a worker
that dies mid-batch loses nothing."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from figcheck.corpus import iter_jsonl_documents

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT.parent / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz"
pytestmark = [pytest.mark.prefect, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder, ignore=shutil.ignore_patterns("raw", ".*", "sources.yaml"))
    return folder


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


def _run(corpus: Path, out: Path, runner=None, **options) -> dict:
    from flows.check_corpus import check_corpus

    flow = check_corpus.with_options(task_runner=runner) if runner is not None else check_corpus
    return flow(corpus=str(corpus), reference=str(ROOT / "reference_data"), out=str(out), **options)


def _outputs(out: Path) -> tuple[list, str]:
    """The findings and the claims of a run; what differs between two runs of the same input
    (run ids, times, the previous run) is in findings.json's run header, left out here."""
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]
    return findings, (out / "claims.jsonl").read_text(encoding="utf-8")


def _dask(cluster):
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner(address=cluster.scheduler_address)


def test_a_dask_cluster_gives_the_same_outputs_as_the_default_runner(corpus: Path, tmp_path: Path, cluster) -> None:
    default = _run(corpus, tmp_path / "default" / "latest", batch_size=2)
    on_dask = _run(corpus, tmp_path / "dask" / "latest", _dask(cluster), batch_size=2)
    assert default["task_runs"] == on_dask["task_runs"] == 4  # three batches and the report
    assert _outputs(tmp_path / "default" / "latest") == _outputs(tmp_path / "dask" / "latest")
    assert on_dask["articles"] == 5 and on_dask["claims"] > 40


def test_figcheck_run_on_a_dask_cluster_gives_the_default_runners_outputs(corpus: Path, tmp_path: Path, cluster) -> None:
    """The command, not only the flow: what ``figcheck run`` adds to the flow (the hook that tells
    the run's guardian its flow run) goes to the workers with every task run, and must travel."""
    from typer.testing import CliRunner

    from figcheck.cli import app

    _run(corpus, tmp_path / "default" / "latest", batch_size=2)
    result = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--reference", str(ROOT / "reference_data"),
                                      "--out", str(tmp_path / "dask" / "latest"), "--batch-size", "2",
                                      "--dask", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert _outputs(tmp_path / "default" / "latest") == _outputs(tmp_path / "dask" / "latest")


@pytest.mark.skipif(not ARCHIVE.is_file(), reason=f"the KCNA archive is not here ({ARCHIVE}); CI has it")
def test_a_dask_cluster_gives_the_same_outputs_on_500_archive_articles(tmp_path: Path, cluster) -> None:
    folder = tmp_path / "kcna"
    folder.mkdir()
    for document in iter_jsonl_documents(ARCHIVE, limit=500):
        (folder / f"{document.doc_id}.txt").write_text(document.text, encoding="utf-8")
        meta = document.meta
        (folder / f"{document.doc_id}.meta.yaml").write_text(
            f"title: {json.dumps(meta.title)}\npublisher: {json.dumps(meta.publisher)}\n"
            f"published: {meta.published.isoformat() if meta.published else 'null'}\n",
            encoding="utf-8",
        )
    default = _run(folder, tmp_path / "default" / "latest", batch_size=100, use_cache=False)
    on_dask = _run(folder, tmp_path / "dask" / "latest", _dask(cluster), batch_size=100, use_cache=False)
    assert default["articles"] == on_dask["articles"] == 500
    assert _outputs(tmp_path / "default" / "latest") == _outputs(tmp_path / "dask" / "latest")


def _kill_workers(cluster, marker: Path, always: bool = False) -> None:
    """Makes the first batch to start on any worker end that worker's process, as an
    out-of-memory kill would: once in the whole cluster (a marker file says it happened), or
    every time when ``always``."""
    from distributed import Client, WorkerPlugin

    class DieOnFirstTask(WorkerPlugin):  # defined here so that it travels to the workers by value
        def __init__(self, marker: str, always: bool) -> None:
            self.marker, self.always = marker, always

        def transition(self, key, start, finish, **kwargs) -> None:
            if finish == "executing" and (self.always or not os.path.exists(self.marker)):
                Path(self.marker).touch()
                os._exit(1)

    with Client(cluster.scheduler_address) as client:
        client.register_plugin(DieOnFirstTask(str(marker), always), name="die-on-first-task")


def _forget_plugin(cluster) -> None:
    from distributed import Client

    with Client(cluster.scheduler_address) as client:
        client.unregister_worker_plugin("die-on-first-task")


def test_a_worker_that_dies_mid_batch_is_replaced_and_the_batch_checked_again(corpus: Path, tmp_path: Path, cluster) -> None:
    expected = _run(corpus, tmp_path / "default" / "latest", batch_size=2, use_cache=False)
    _kill_workers(cluster, tmp_path / "died")
    try:
        result = _run(corpus, tmp_path / "dask" / "latest", _dask(cluster), batch_size=2, use_cache=False)
    finally:
        _forget_plugin(cluster)
    assert (tmp_path / "died").exists()  # a worker did die
    assert result["problems"] == 0 and result["articles"] == expected["articles"]
    assert _outputs(tmp_path / "default" / "latest") == _outputs(tmp_path / "dask" / "latest")


def test_a_batch_whose_workers_always_die_is_reported_by_name_and_the_rest_is_kept(corpus: Path, tmp_path: Path) -> None:
    import dask
    from distributed import LocalCluster

    out = tmp_path / "reports" / "latest"
    before = _run(corpus, out, batch_size=3)
    kept = (out / "report.html").read_bytes()
    # The scheduler gives up on a task at the first worker it kills, so that the flow sees it.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        _kill_workers(cluster, tmp_path / "died", always=True)
        result = _run(corpus, out, _dask(cluster), batch_size=3, use_cache=False)
    problems = json.loads((out / "findings.json").read_text(encoding="utf-8"))["run"]["problems"]
    assert result["problems"] == 5 and result["articles"] == 0
    assert all("not checked: batch " in p["message"] and "failed" in p["message"] for p in problems)
    assert {p["message"].split(": not checked: ")[1].split(" (")[0] for p in problems} == {"batch 0", "batch 1"}
    # The previous run is kept whole in the run history.
    assert (tmp_path / "reports" / "runs" / before["run_id"] / "report.html").read_bytes() == kept


def test_only_workers_on_this_machine_render_the_copy_aside() -> None:
    """The copy of a run's files the next run takes is rendered by the task runner's workers only
    where they see this machine's files: the local process pool, a temporary local Dask cluster of
    processes; not a cluster given by its address, nor threads."""
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    from flows.runners import idle_workers_here, task_runner

    assert idle_workers_here(task_runner()) and idle_workers_here(task_runner("local", 2))
    assert not idle_workers_here(task_runner("tcp://127.0.0.1:8786"))
    assert not idle_workers_here(DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs={"processes": False}))
    assert not idle_workers_here(DaskTaskRunner())  # may join a cluster found in the process
    assert not idle_workers_here(ThreadPoolTaskRunner())


def test_a_run_on_a_temporary_local_cluster_leaves_the_next_run_its_copy(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first run on ``--dask local`` has a worker render the copy of its files: the next run with
    nothing changed takes it without rendering."""
    import figcheck.pipeline.cache as cache_module
    import figcheck.pipeline.run as pipeline_run

    from flows.runners import task_runner

    monkeypatch.setattr(pipeline_run, "_COPY_ASIDE_FROM", 0)  # 2,000 sources otherwise
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0.0)  # files just written: trust their stat
    out = tmp_path / "reports" / "latest"
    first = _run(corpus, out, task_runner("local", 2), batch_size=2)
    assert first["task_runs"] == 5  # three batches, the report, the copy
    rendered = []
    real_write = pipeline_run.write_report
    monkeypatch.setattr(pipeline_run, "write_report", lambda *a, **k: rendered.append(1) or real_write(*a, **k))
    second = _run(corpus, out)
    assert rendered == [] and (second["previous_run_id"], second["cached"]) == (first["run_id"], 5)
    info = json.loads((out / "findings.json").read_text(encoding="utf-8"))["run"]
    assert (info["run_id"], info["previous_run_id"]) == (second["run_id"], first["run_id"])


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def silent_server():
    """A server on 127.0.0.1 that takes connections and never says a word, as a web server waiting
    for a request does."""
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


@pytest.mark.parametrize("case", ["refused", "silent", "malformed"])
def test_a_dask_address_without_a_scheduler_is_refused_before_the_run_starts(
        corpus: Path, tmp_path: Path, case: str, request: pytest.FixtureRequest) -> None:
    """Dask would find out only when the first batch is handed out (never, for a corpus of one
    batch), after 30 s and with a traceback: the command says so at once, naming the address."""
    from typer.testing import CliRunner

    from figcheck.cli import app

    address, said = {
        "refused": (lambda: f"tcp://127.0.0.1:{_closed_port()}", "no Dask scheduler reached at 127.0.0.1:"),
        "silent": (lambda: f"tcp://127.0.0.1:{request.getfixturevalue('silent_server')}", "but not as a Dask scheduler"),
        "malformed": (lambda: "tcp://127.0.0.1:port", "not a scheduler's address"),
    }[case]
    address = address()
    out = tmp_path / "reports" / "latest"
    result = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--reference", str(ROOT / "reference_data"),
                                      "--out", str(out), "--dask", address])
    assert result.exit_code == 2, result.output
    assert f"figcheck: error: --dask {address}: " in result.output and said in result.output, result.output
    assert not out.parent.exists()  # refused before the run began: nothing written
