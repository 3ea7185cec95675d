"""The Prefect flows and deployments, under Prefect's test harness (a temporary server)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from figcheck.cli import app
from tests.dying_workers import dies_once, dies_rendering
from tests.test_unchanged import Calls, _rendered_again

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.prefect, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", folder, ignore=shutil.ignore_patterns("raw", ".*"))
    return folder


def _outputs(out: Path) -> dict:
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_check_corpus_flow_writes_the_report_and_artifacts(corpus: Path, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    from flows.check_corpus import check_corpus

    out = tmp_path / "reports" / "latest"
    state = check_corpus(corpus=str(corpus), reference=str(ROOT / "reference_data"), out=str(out), batch_size=2,
                         return_state=True)
    result = state.result()
    assert result["articles"] == 5 and result["claims"] > 40 and result["errors"] == 0
    for name in ("findings.json", "claims.jsonl", "report.md", "report.html"):
        assert (out / name).stat().st_size > 0
    assert len(list((tmp_path / "reports" / "runs").iterdir())) == 1
    flow_run_id = state.state_details.flow_run_id

    async def recorded():
        async with get_client() as client:
            from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, FlowRunFilter, FlowRunFilterId

            runs = await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            artifacts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
            )
            return runs, artifacts

    runs, artifacts = asyncio.run(recorded())
    # 5 articles in batches of 2: 3 batches, each a task run named by its number, and the report.
    names = sorted(r.name for r in runs)
    assert names[:3] == ["extract_and_check-0", "extract_and_check-1", "extract_and_check-2"]
    assert names[3].startswith("write_report") and len(names) == 4
    assert all(r.state.is_completed() for r in runs)
    assert {a.key for a in artifacts} >= {"figcheck-summary"}


def test_a_second_run_reuses_unchanged_articles_and_reports_what_changed(corpus: Path, tmp_path: Path) -> None:
    from flows.check_corpus import check_corpus

    out = tmp_path / "reports" / "latest"
    first = check_corpus(corpus=str(corpus), reference=str(ROOT / "reference_data"), out=str(out))
    assert first["cached"] == 0
    article = corpus / "kcna-2010-10-21-friendship-forged-in-blood.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("Juche 39 (1950)", "Juche 39 (1951)"), encoding="utf-8")
    second = check_corpus(corpus=str(corpus), reference=str(ROOT / "reference_data"), out=str(out))
    assert second["cached"] == 4  # only the edited article was extracted again
    assert second["errors"] >= 1 and second["new"] >= 1
    data = _outputs(out)
    assert data["run"]["previous_run_id"] == first["run_id"]
    new = set(data["run"]["new_finding_ids"])
    assert any(f["check"] == "calendar_conversion" and f["id"] in new for f in data["findings"])


def test_figcheck_run_reports_a_broken_article_and_goes_on(corpus: Path, tmp_path: Path) -> None:
    (corpus / "broken.txt").write_bytes(b"caf\xe9 au lait: 3 cups")
    (corpus / "bad-meta.txt").write_text("Some 1,204 nurses were hired.", encoding="utf-8")
    (corpus / "bad-meta.meta.yaml").write_text("published: yesterday\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--reference", str(ROOT / "reference_data"),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "5 articles" in result.output and "2 unreadable" in result.output
    problems = _outputs(out)["run"]["problems"]
    assert sorted(Path(p["path"]).name for p in problems) == ["bad-meta.meta.yaml", "broken.txt"]
    assert "broken.txt" in (out / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("configured", [None, 60])
def test_figcheck_run_sends_no_heartbeats_unless_asked_to(corpus: Path, tmp_path: Path, configured: int | None,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A killed run's flow run is marked crashed by its guardian (test_faults), so the run goes
    without Prefect's heartbeats, whose thread Prefect waits for at the flow's end; a frequency
    the user set is kept."""
    from prefect.flow_engine import BaseFlowRunEngine
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    seen: list[int | None] = []
    heartbeat_seconds = BaseFlowRunEngine.heartbeat_seconds
    monkeypatch.setattr(BaseFlowRunEngine, "heartbeat_seconds",
                        property(lambda engine: seen.append(heartbeat_seconds.fget(engine)) or seen[-1]))
    args = ["run", "--corpus", str(corpus), "--reference", str(ROOT / "reference_data"), "--out", str(tmp_path / "out")]
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: configured} if configured else None):
        result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert seen and set(seen) == {configured}  # whenever the engine asks for the heartbeats' interval


def test_figcheck_run_leaves_its_guardians_hook_out_of_the_log(corpus: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Prefect's engine logs two lines for every run of a hook; the guardian's hook is plumbing
    of the command, so its lines are dropped. The engine's other lines, and the hook's errors,
    are not."""
    import logging

    from figcheck.cli.run import _HookLines

    # What passed the loggers' filters, whatever handlers Prefect's logging set-up puts in place.
    passed: list[str] = []
    call_handlers = logging.Logger.callHandlers

    def record_passed(logger: logging.Logger, record: logging.LogRecord) -> None:
        if record.name == "prefect.engine":
            passed.append(record.getMessage())
        call_handlers(logger, record)

    monkeypatch.setattr(logging.Logger, "callHandlers", record_passed)
    engine_logger = logging.getLogger("prefect.engine")
    args = ["run", "--corpus", str(corpus), "--reference", str(ROOT / "reference_data"), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert not [m for m in passed if "tell_guardian" in m], passed
    engine_logger.warning("a line of the engine after the run")
    assert "a line of the engine after the run" in passed  # the filter is gone with the run

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("prefect.engine", logging.INFO, __file__, 1, message, None, None)

    lines = _HookLines("tell_guardian")
    assert not lines.filter(record("Running hook 'tell_guardian' in response to entering state 'Running'"))
    assert not lines.filter(record("Hook 'tell_guardian' finished running successfully"))
    assert lines.filter(record("An error was encountered while running hook 'tell_guardian'"))
    assert lines.filter(record("Running hook 'notify' in response to entering state 'Running'"))


def test_bad_input_is_logged_without_a_traceback_and_a_failure_of_the_code_with_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A corpus folder without articles stops the flow: the run's log says so in a line, the
    command in its one-line error, and no traceback of figcheck's code sits between them."""
    import logging
    import sys

    from figcheck.cli.run import _InputErrorLines
    from figcheck.corpus import DocumentError

    logged: list[logging.LogRecord] = []
    call_handlers = logging.Logger.callHandlers

    def record_passed(logger: logging.Logger, record: logging.LogRecord) -> None:
        if record.name == "prefect.flow_runs" and record.levelno >= logging.ERROR:
            logged.append(record)
        call_handlers(logger, record)

    monkeypatch.setattr(logging.Logger, "callHandlers", record_passed)
    (tmp_path / "empty").mkdir()
    args = ["run", "--corpus", str(tmp_path / "empty"), "--reference", str(ROOT / "reference_data"),
            "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "figcheck: error: " in result.output and "no articles" in result.output
    said = [r for r in logged if "no articles" in r.getMessage()]
    assert said and all(r.exc_info is None for r in said), [(r.getMessage(), r.exc_info) for r in logged]

    def record(error: Exception) -> logging.LogRecord:
        try:
            raise error
        except Exception:
            return logging.LogRecord("prefect.flow_runs", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())

    lines = _InputErrorLines((DocumentError,))
    kept = record(RuntimeError("a mistake of the code"))
    assert lines.filter(kept) and kept.exc_info is not None  # a failure of the code keeps its traceback


@pytest.mark.parametrize(("fail_on", "edited", "code"), [
    (None, True, 0), ("error", False, 0), ("error", True, 1), ("warning", True, 1),
])
def test_fail_on_sets_the_exit_code(corpus: Path, tmp_path: Path, fail_on: str | None, edited: bool, code: int) -> None:
    if edited:
        article = corpus / "blog-all-koreans-fought-to-defend-their-country.txt"
        text = article.read_text(encoding="utf-8").replace("three-year-long", "five-year-long")
        article.write_text(text, encoding="utf-8")
    args = ["run", "--corpus", str(corpus), "--reference", str(ROOT / "reference_data"), "--out", str(tmp_path / "out")]
    if fail_on:
        args += ["--fail-on", fail_on]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == code, result.output


def test_the_daily_deployment_is_registered_with_its_schedule_and_parameters() -> None:
    import yaml
    from prefect.client.orchestration import get_client

    from flows.deployments import build_deployment, load_deployment_spec

    declared = next(d for d in yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"] if d["name"] == "daily")
    deployment_id = build_deployment(load_deployment_spec("daily")).apply()

    async def read():
        async with get_client() as client:
            return await client.read_deployment(deployment_id)

    deployment = asyncio.run(read())
    assert deployment.name == "daily"
    assert deployment.entrypoint.endswith("flows/scheduled.py:fetch_and_check")
    assert [s.schedule.cron for s in deployment.schedules] == [declared["schedules"][0]["cron"]] == ["0 6 * * *"]
    assert deployment.schedules[0].schedule.timezone == "UTC"
    assert deployment.parameters == declared["parameters"]


def _run_from_the_deployment(corpus: Path, tmp_path: Path, **parameters):
    """Runs the daily deployment once, as `figcheck serve` does (a Prefect runner starts the flow run
    in a process of its own); the finished flow run and the names of its task runs."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, FlowRunFilterParentFlowRunId
    from prefect.runner import Runner

    from flows.deployments import build_deployment, load_deployment_spec

    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    out = tmp_path / "reports" / "latest"
    deployment = build_deployment(load_deployment_spec("daily"))
    deployment_id = deployment.apply()

    async def start_and_run():
        async with get_client() as client:
            flow_run = await client.create_flow_run_from_deployment(
                deployment_id,
                parameters={"sources": str(tmp_path / "sources.yaml"), "corpus": str(corpus),
                            "reference": str(ROOT / "reference_data"), "out": str(out), **parameters},
            )
        runner = Runner(name="figcheck-test")
        await runner.aadd_deployment(deployment)
        await runner.execute_flow_run(flow_run.id)
        async with get_client() as client:
            finished = await client.read_flow_run(flow_run.id)
            # The check is a subflow run: its task runs belong to a child of the deployment's flow run.
            children = await client.read_flow_runs(flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run.id])))
            ids = [flow_run.id, *(child.id for child in children)]
            task_runs = await client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)))
            return finished, [task_run.name for task_run in task_runs]

    return asyncio.run(start_and_run())


def test_a_flow_run_started_from_the_deployment_writes_the_report(corpus: Path, tmp_path: Path) -> None:
    finished, _ = _run_from_the_deployment(corpus, tmp_path)
    out = tmp_path / "reports" / "latest"
    assert finished.state.is_completed(), finished.state
    assert _outputs(out)["run"]["counts"]["documents"] == 5
    assert (out / "report.html").is_file() and (out / "fetch.json").is_file()


def test_a_flow_run_from_the_deployment_hands_its_batches_to_local_workers(corpus: Path, tmp_path: Path) -> None:
    """More articles than one batch holds (2,000; fewer are checked in the flow's own process): the
    flow run, in the process a Prefect runner starts for it, hands its batches to the default
    runner's worker processes, and gets what the work called directly gets."""
    from figcheck.pipeline import check_corpus as work

    texts = sorted(corpus.glob("*.txt"))
    for copy in range(402):
        for text in texts:
            opening = text.read_text(encoding="utf-8")[:600].rsplit("\n", 1)[0]  # the title and the first lines
            (corpus / f"{text.stem}-copy{copy}.txt").write_text(f"{opening}\nCopy {copy}.\n", encoding="utf-8")
            meta = text.with_suffix(".meta.yaml")
            if meta.is_file():
                shutil.copy(meta, corpus / f"{text.stem}-copy{copy}.meta.yaml")
    finished, task_runs = _run_from_the_deployment(corpus, tmp_path, workers=2)
    assert finished.state.is_completed(), finished.state
    batches = [name for name in task_runs if name.startswith("extract_and_check-")]
    assert len(batches) >= 2, task_runs
    expected = work(corpus, ROOT / "reference_data", tmp_path / "direct" / "latest", workers=1, use_cache=False)
    out = tmp_path / "reports" / "latest"
    assert _outputs(out)["run"]["counts"]["documents"] == expected.articles == 2015
    assert _outputs(out)["findings"] == _outputs(tmp_path / "direct" / "latest")["findings"]


def _serve(tmp_path: Path, api_url: str | None):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PYTHONPATH": str(ROOT)}
    env.pop("PREFECT_API_URL", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    log = tmp_path / "serve.log"
    process = subprocess.Popen([str(Path(sys.executable).parent / "figcheck"), "serve"], cwd=ROOT, env=env,
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    return process, log


def _wait_for_deployment(api_url: str, process, deadline_seconds: float = 240) -> dict:
    import time

    import httpx

    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "figcheck serve stopped"
        try:
            found = httpx.post(f"{api_url}/deployments/filter", json={}, timeout=5).json()
        except (httpx.HTTPError, ValueError):
            found = []
        if found:
            return found[0]
        time.sleep(0.5)
    raise AssertionError("the deployment was never registered")


def test_figcheck_serve_starts_one_server_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    import re
    import signal
    import time

    import psutil

    process, log = _serve(tmp_path, api_url=None)
    try:
        deadline = time.monotonic() + 240
        while not (match := re.search(r"local Prefect server on (\S+/api)", log.read_text())) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert match, log.read_text()
        deployment = _wait_for_deployment(match.group(1), process)
        assert deployment["name"] == "daily" and not deployment["paused"]
        servers = [p for p in psutil.Process(process.pid).children(recursive=True)
                   if "uvicorn" in " ".join(p.cmdline()) or "server start" in " ".join(p.cmdline())]
        assert len(servers) == 1, [p.cmdline() for p in servers]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    output = log.read_text()
    assert "Traceback" not in output and "Warning" not in output, output[-3000:]
    assert not psutil.pid_exists(servers[0].pid) or servers[0].status() == psutil.STATUS_ZOMBIE


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGINT"])
def test_figcheck_serve_leaves_the_schedule_as_it_was_when_stopped(tmp_path: Path, stop: str, sigint_as_at_a_terminal) -> None:
    import signal
    import time

    from prefect.settings import get_current_settings

    api_url = str(get_current_settings().api.url)
    process, log = _serve(tmp_path, api_url=api_url)
    try:
        deadline = time.monotonic() + 240
        while "serving the deployment" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2)  # the runner registers the deployment just after saying so
        deployment = _wait_for_deployment(api_url, process)
        process.send_signal(getattr(signal, stop))
        assert process.wait(timeout=60) == 0, log.read_text()[-3000:]
    finally:
        if process.poll() is None:
            process.kill()

    async def read():
        from prefect.client.orchestration import get_client

        async with get_client() as client:
            return await client.read_deployment(deployment["id"])

    after = asyncio.run(read())
    assert not after.paused and all(schedule.active for schedule in after.schedules)


def test_a_batch_result_is_released_once_merged(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What carries a batch's result back (the future of the task run's thread, holding its final
    state and the result in a reference cycle) may live until the collector's next full pass, but
    holds nothing of the batch once merged: with automatic collection off, every batch merged
    before is empty once a batch is merged, and every batch once the flow has run."""
    import gc
    import weakref

    from prefect import Task

    from flows import check_corpus as module

    carriers = []
    submit = Task.submit

    def watched(task, *args, **kwargs):
        future = submit(task, *args, **kwargs)
        carriers.append(weakref.ref(future.wrapped_future))
        return future

    def held(carrier) -> int:
        """How many articles' results a carrier still holds (none if it is gone)."""
        future = carrier()
        return len(future.result().result().articles) if future is not None else 0

    monkeypatch.setattr(Task, "submit", watched)
    # After each batch is merged: the articles still held by the carriers of the batches before it.
    held_after_merge: list[int] = []
    run_batches = module.run_batches

    def watching(*args, on_batch, **kwargs):
        def merged(batch, output, claims):
            on_batch(batch, output, claims)
            held_after_merge.append(sum(held(carrier) for carrier in carriers[: batch.number + 1]))

        return run_batches(*args, on_batch=merged, **kwargs)

    monkeypatch.setattr(module, "run_batches", watching)
    gc.collect()
    gc.disable()
    try:
        module.check_corpus(corpus=str(corpus), reference=str(ROOT / "reference_data"),
                            out=str(tmp_path / "reports" / "latest"), batch_size=2)
        alive = [carrier for carrier in carriers if carrier() is not None]
        left = sum(held(carrier) for carrier in carriers)
    finally:
        gc.enable()
    assert len(carriers) == 3 and alive  # the carriers are alive: what they hold is what is measured
    assert held_after_merge == [0, 0, 0] and left == 0


@pytest.fixture
def copy_aside_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run leaves its copy aside however few its sources (from 2,000 otherwise), and the stat of
    files just written is trusted (see tests/test_unchanged.py)."""
    import figcheck.pipeline.cache as cache_module
    import figcheck.pipeline.run as pipeline_run

    monkeypatch.setattr(pipeline_run, "_COPY_ASIDE_FROM", 0)
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0.0)


@pytest.mark.usefixtures("copy_aside_always")
def test_the_first_flow_run_with_nothing_changed_takes_the_copy_an_idle_worker_rendered(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A flow run that cannot leave the next a copy of its files by filling in its own (the first
    run; one with something new or resolved) has an idle worker of its process pool render it
    while it writes its own: the next run with nothing changed neither reduces nor renders, and
    writes what rendering its findings writes. A run that checked its batch in its own process
    starts no worker for it: the next run renders again."""
    from flows.check_corpus import check_corpus

    reference, out = str(ROOT / "reference_data"), tmp_path / "reports" / "latest"
    calls = Calls(monkeypatch)
    first = check_corpus(corpus=str(corpus), reference=reference, out=str(out), batch_size=2)
    assert (calls.rendered, calls.reduced) == (1, 1) and first["task_runs"] == 5  # 3 batches, the report, the copy
    calls.rendered = calls.reduced = 0
    second = check_corpus(corpus=str(corpus), reference=reference, out=str(out))
    assert (calls.rendered, calls.reduced) == (0, 0)
    assert (second["previous_run_id"], second["new"], second["resolved"]) == (first["run_id"], 0, 0)
    assert (second["articles"], second["claims"], second["cached"]) == (first["articles"], first["claims"], 5)
    _rendered_again(out, tmp_path)
    # Something new since the last run (an article changed, checked by a worker): the copy is
    # rendered aside again.
    article = corpus / "kcna-2010-10-21-friendship-forged-in-blood.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("Juche 39 (1950)", "Juche 39 (1951)"), encoding="utf-8")
    third = check_corpus(corpus=str(corpus), reference=reference, out=str(out), batch_size=1)
    assert third["new"] >= 1 and third["task_runs"] == 3 and calls.rendered == 1
    calls.rendered = calls.reduced = 0
    fourth = check_corpus(corpus=str(corpus), reference=reference, out=str(out))
    assert (calls.rendered, calls.reduced) == (0, 0) and fourth["previous_run_id"] == third["run_id"]
    _rendered_again(out, tmp_path)
    # Set right (with a line more, so that it is checked again), in the flow's process (one small
    # batch): no worker renders the copy.
    article.write_text(text + "\n", encoding="utf-8")
    fifth = check_corpus(corpus=str(corpus), reference=reference, out=str(out))
    assert fifth["resolved"] >= 1 and fifth["task_runs"] == 2  # the batch, the report
    calls.rendered = calls.reduced = 0
    check_corpus(corpus=str(corpus), reference=reference, out=str(out))
    assert (calls.rendered, calls.reduced) == (1, 0)
    _rendered_again(out, tmp_path)


@pytest.mark.usefixtures("copy_aside_always")
def test_a_copy_aside_that_fails_fails_nothing(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker that renders the copy dies: the run completes with the files it writes without a
    spare, and the next run with nothing changed renders its files again, as without a spare."""
    import figcheck.pipeline.unchanged as unchanged

    from flows.check_corpus import check_corpus

    reference, out = str(ROOT / "reference_data"), tmp_path / "reports" / "latest"
    expected = check_corpus(corpus=str(corpus), reference=reference, out=str(tmp_path / "plain" / "latest"),
                            use_cache=False)
    monkeypatch.setattr(unchanged, "render_copy", dies_rendering)
    monkeypatch.setenv("FIGCHECK_TEST_DIED", str(tmp_path / "died"))
    calls = Calls(monkeypatch)
    first = check_corpus(corpus=str(corpus), reference=reference, out=str(out), batch_size=2)
    assert (tmp_path / "died").exists()  # the worker did die
    assert first["task_runs"] == 5 and (first["articles"], first["claims"]) == (expected["articles"], expected["claims"])
    assert _outputs(out)["findings"] == _outputs(tmp_path / "plain" / "latest")["findings"]
    assert not list((tmp_path / "reports" / "cache").rglob("*.partial*"))
    calls.rendered = calls.reduced = 0
    second = check_corpus(corpus=str(corpus), reference=reference, out=str(out))
    assert (calls.rendered, calls.reduced) == (1, 0) and second["previous_run_id"] == first["run_id"]
    _rendered_again(out, tmp_path)


def test_a_local_worker_that_dies_mid_batch_is_replaced_and_the_batch_checked_again(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default runner's worker dies in the middle of a batch: the task run fails, Prefect runs
    it again, new workers check it, and the run's outputs are those of a run where none died."""
    from flows import check_corpus as module

    reference = str(ROOT / "reference_data")
    expected = module.check_corpus(corpus=str(corpus), reference=reference, out=str(tmp_path / "plain" / "latest"),
                                   batch_size=2, use_cache=False)
    monkeypatch.setattr(module, "check_batch", dies_once)
    monkeypatch.setenv("FIGCHECK_TEST_DIED", str(tmp_path / "died"))
    result = module.check_corpus(corpus=str(corpus), reference=reference, out=str(tmp_path / "died-once" / "latest"),
                                 batch_size=2, use_cache=False, workers=2)
    assert (tmp_path / "died").exists()  # a worker did die
    assert (result["articles"], result["claims"], result["problems"]) == (expected["articles"], expected["claims"], 0)
    assert _outputs(tmp_path / "died-once" / "latest")["findings"] == _outputs(tmp_path / "plain" / "latest")["findings"]


def test_the_local_workers_start_while_the_first_batch_is_read(corpus: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The task runner's processes are started, importing the work's module, before the first
    batch goes out (they would start at that first batch); a run whose one small batch is checked
    in the flow's process starts none."""
    from prefect import Task

    from flows import check_corpus as module
    from figcheck.pipeline.processes import WorkerPool

    events: list[object] = []
    start = WorkerPool.start

    def started(pool, name):
        events.append(("started", type(pool), pool.workers, name))
        return start(pool, name)

    submit = Task.submit

    def submitted(task, *args, **kwargs):
        events.append("task")
        return submit(task, *args, **kwargs)

    monkeypatch.setattr(WorkerPool, "start", started)
    monkeypatch.setattr(Task, "submit", submitted)  # on the class: the task itself is pickled for the workers
    reference = str(ROOT / "reference_data")
    module.check_corpus(corpus=str(corpus), reference=reference, out=str(tmp_path / "a" / "latest"), batch_size=2,
                        workers=2)
    assert events[0] == ("started", WorkerPool, 2, "figcheck.pipeline.work")
    assert events.count("task") >= 3 and len(events) == events.count("task") + 1
    events.clear()
    module.check_corpus(corpus=str(corpus), reference=reference, out=str(tmp_path / "b" / "latest"))
    assert [event for event in events if event != "task"] == []


def test_prefect_does_not_walk_the_articles_of_a_batch_it_hands_out(corpus: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch goes to the task runner as one parameter Prefect does not look into: it would walk
    every article and the reference table for futures, in the flow and again in the worker, and
    there are none (the batch itself reaches the task whole: the run's findings are checked by the
    tests above)."""
    from prefect.utilities import collections

    from figcheck.corpus import RawArticle
    from figcheck.pipeline import Batch
    from flows import check_corpus as module

    seen: list[type] = []
    visit = collections.visit_collection

    def spy(expr, *args, **kwargs):  # the nested calls go through the module's own name
        seen.append(type(expr))
        return visit(expr, *args, **kwargs)

    monkeypatch.setattr(collections, "visit_collection", spy)
    module.check_corpus(corpus=str(corpus), reference=str(ROOT / "reference_data"),
                        out=str(tmp_path / "latest"), batch_size=2, workers=2)
    assert RawArticle not in seen
    assert Batch in seen  # the batches were handed out, and Prefect looked at them, no further


_DIES_HOLDING_A_LOCK = '''
import sys
import figcheck.pipeline.cache as cache_module
import figcheck.pipeline.run as pipeline_run
import figcheck.pipeline.unchanged as unchanged
from flows.check_corpus import check_corpus
from tests.dying_workers import dies_holding_locks

if __name__ == "__main__":
    pipeline_run._COPY_ASIDE_FROM = 0  # the copy aside is made however few the articles
    cache_module.RACY_SECONDS = 0.0
    unchanged.render_copy = dies_holding_locks
    summary = check_corpus(corpus=sys.argv[1], reference=sys.argv[2], out=sys.argv[3], batch_size=2)
    print("checked", summary["articles"], flush=True)
'''


def test_a_worker_killed_holding_a_lock_it_shares_does_not_hang_the_run(corpus: Path, tmp_path: Path) -> None:
    """A worker killed while it holds the lock of a queue it shares with the flow's process or the
    other workers (the kernel's out-of-memory killer does not wait for a good moment): the run
    still ends, and its process exits. (With Prefect's own process pool, whose workers send their
    logs and events back through such a queue, the process used to wait at exit for ever.)"""
    import signal
    import subprocess
    import sys

    from prefect.settings import get_current_settings

    script = tmp_path / "dies_holding_a_lock.py"
    script.write_text(_DIES_HOLDING_A_LOCK, encoding="utf-8")
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url), "PYTHONPATH": str(ROOT),
           "FIGCHECK_TEST_DIED": str(tmp_path / "died")}
    command = [sys.executable, str(script), str(corpus), str(ROOT / "reference_data"), str(tmp_path / "reports" / "latest")]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=150)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"the run's process did not end:\n{output[-3000:]}")
    assert process.returncode == 0, output[-3000:]
    assert "checked 5" in output and (tmp_path / "died").exists()
    assert json.loads((tmp_path / "reports" / "latest" / "findings.json").read_text(encoding="utf-8"))["findings"]
