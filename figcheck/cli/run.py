"""`figcheck run`: the whole pipeline as the `check_corpus` Prefect flow, with a short summary."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from figcheck.cli.app import app, fail
from figcheck.cli.server import prefect_api
from figcheck.pipeline.guardian import HOOK_NAME, Guardian, TellGuardian
from figcheck.pipeline.guardian import start as start_guardian
from figcheck.pipeline.work import DEFAULT_ARTICLE_SECONDS, DEFAULT_BATCH_SIZE
from figcheck.runs import DEFAULT_KEEP

# Set before Prefect is imported. Analytics calls fail on a machine without internet and print
# a traceback-like error; a run of figcheck has nothing to report to anyone.
_PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    # A fresh SQLite database is migrated while the first run starts; waiting on its lock
    # beats failing with "database is locked".
    "PREFECT_SERVER_DATABASE_TIMEOUT": "30",
    "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT": "30",
    # On a busy machine the embedded server can take longer than Prefect's 20 s to answer.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}
_RECORDS_WAIT_SECONDS = 30


def configure_prefect() -> None:
    for name, value in _PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    _make_prefect_home()


def _make_prefect_home() -> None:
    """Prefect makes its home folder (PREFECT_HOME) only where the folder above it exists, and
    otherwise starts no server; the error a user then sees says nothing of the folder. Made here,
    with the folders above it, before Prefect is imported; one that cannot be made is named."""
    home = os.environ.get("PREFECT_HOME")
    if not home:
        return
    path = Path(home).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"PREFECT_HOME={home}: cannot make this folder for Prefect's database and settings: {error.strerror or error}")


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


@app.command()
def run(
    corpus: Annotated[
        Path, typer.Option(help="Folder of articles (*.txt, each with an optional .meta.yaml), or a .jsonl[.gz] file of articles.")
    ] = Path("corpus"),
    reference: Annotated[Path, typer.Option(help="Folder of reference facts (*.yaml).")] = Path("reference_data"),
    out: Annotated[
        Path, typer.Option(help="Where findings.json, claims.jsonl, report.md and report.html are found: a link to the run's own folder in ../runs/, switched when the run is complete.")
    ] = Path("reports/latest"),
    fail_on: Annotated[
        FailOn | None, typer.Option(help="Exit with code 1 if a discrepancy of this severity (or worse) is found; for CI pipelines.")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per Prefect task run.")] = DEFAULT_BATCH_SIZE,
    cache: Annotated[bool, typer.Option(help="Reuse the claims of articles unchanged since an earlier run.")] = True,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Processes that extract and check articles (default: one per core); with --dask, the batches worked on at once are twice this.")
    ] = None,
    dask: Annotated[
        str | None, typer.Option(help='Run the batches on Dask: "local" for a temporary cluster of --workers processes on this machine, or a scheduler address such as tcp://HOST:8786 (checked before the run starts).')
    ] = None,
    article_seconds: Annotated[
        float, typer.Option(min=0, help="Time budget for one article, in seconds; an article over it is reported as not checked (0: no budget).")
    ] = DEFAULT_ARTICLE_SECONDS,
    keep_runs: Annotated[
        int, typer.Option(min=1, help="How many runs to keep under runs/ (older ones are deleted; kept runs past the newest store their claims gzipped).")
    ] = DEFAULT_KEEP,
    follow_symlinks: Annotated[
        bool, typer.Option("--follow-symlinks", help="Read symbolic links in the corpus folder that lead outside it (refused by default).")
    ] = False,
) -> None:
    """Check every figure in the corpus and write the discrepancy report.

    Runs the `check_corpus` Prefect flow: load the corpus, extract claims, run the checkers
    (within each article, across articles, against the reference table), write the report.
    With nothing configured it starts a local Prefect server for the length of the run; with
    PREFECT_API_URL set it reports to that server. --dask runs the batches on a Dask cluster. A broken article is reported and the run goes on. The exit code is
    0 whatever the findings, unless --fail-on is given. If the run is killed, what it started is
    stopped and its flow run marked crashed; Prefect's flow-run heartbeats are off unless
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY is set.
    """
    if not corpus.exists():
        fail(f"{corpus}: no such corpus folder or file")
    if not reference.is_dir():
        fail(f"{reference}: no such reference folder")
    if dask is not None and dask != "local":
        _check_scheduler(dask)
    # First, before Prefect starts anything: whatever this run starts ends with it, even if it is killed.
    guardian = start_guardian(out.parent / "runs")
    configure_prefect()
    try:
        with prefect_api(meanwhile=_import_flow):
            result = _run_flow(corpus, reference, out, batch_size, cache, workers, dask, article_seconds, keep_runs,
                               follow_symlinks, guardian)
    except KeyboardInterrupt:
        typer.echo(f"\nfigcheck: interrupted; {out} is as the previous run left it.", err=True)
        raise typer.Exit(130) from None
    finally:
        guardian.stand_down()
    _print_summary(result, out)
    if fail_on is not None:
        worst = result["errors"] + (result["warnings"] if fail_on is FailOn.warning else 0)
        if worst:
            raise typer.Exit(1)


_DASK_SCHEDULER_PORT = 8786  # Dask's, for an address without a port
_DASK_CONNECT_SECONDS = 5


def _check_scheduler(address: str) -> None:
    """Before anything starts: whether a Dask scheduler answers at ``address``. Dask itself would
    try for 30 s once the first batch is handed out, then fail the run with a traceback; a run
    whose corpus fits one batch would never try, and so never say that the cluster asked for was
    not there. A plain connection says why nothing answers (refused, no such host); Dask's
    handshake then tells a scheduler from another server on that port."""
    scheme, separator, location = address.partition("://")
    if not separator:
        scheme, location = "tcp", address
    if scheme not in ("tcp", "tls"):
        return  # another transport (ucx, inproc): Dask's to judge
    host, colon, port = location.rpartition(":")
    if not colon or "]" in port:  # no port, or an IPv6 address without one
        host, port = location, str(_DASK_SCHEDULER_PORT)
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        fail(f"--dask {address}: not a scheduler's address; give tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786) or local")
    advice = "start one with `dask scheduler`, or run on this machine with --dask local"
    try:
        socket.create_connection((host, int(port)), timeout=_DASK_CONNECT_SECONDS).close()
    except OSError as error:
        reason = "no answer" if isinstance(error, TimeoutError) else (error.strerror or str(error))
        fail(f"--dask {address}: no Dask scheduler reached at {host}:{port} ({reason}); {advice}")
    if scheme == "tls":
        return  # the handshake needs the cluster's certificates, which Dask's own configuration holds
    import asyncio

    from distributed.comm import connect

    async def handshake() -> None:
        comm = await connect(f"{scheme}://{location}", timeout=_DASK_CONNECT_SECONDS)
        await comm.close()

    try:
        # Dask's timeout covers connecting; a server that takes the connection and never answers
        # the handshake (a web server) would hold it for ever.
        asyncio.run(asyncio.wait_for(handshake(), _DASK_CONNECT_SECONDS))
    except Exception:  # noqa: BLE001 - whatever answered, it was not a scheduler
        fail(f"--dask {address}: something answers at {host}:{port}, but not as a Dask scheduler; {advice}")


def _import_flow() -> None:
    """Prefect and the flow take seconds to import: done while the local server starts."""
    import flows.check_corpus  # noqa: F401
    import flows.runners  # noqa: F401


def _run_flow(corpus: Path, reference: Path, out: Path, batch_size: int, cache: bool, workers: int | None,
              dask: str | None, article_seconds: float, keep_runs: int, follow_symlinks: bool, guardian: Guardian) -> dict:
    from figcheck.corpus import DocumentError
    from figcheck.pipeline import OutputLocked, OutputNotAReport
    from figcheck.reference import ReferenceTableError

    from flows.check_corpus import check_corpus
    from flows.runners import task_runner

    input_errors = (ReferenceTableError, OutputLocked, OutputNotAReport, DocumentError)
    flow = check_corpus.with_options(task_runner=task_runner(dask, workers), on_running=[TellGuardian(guardian)])
    try:
        with _without_heartbeats(), _plain_log(HOOK_NAME, input_errors):
            state = flow(
                corpus=str(corpus), reference=str(reference), out=str(out), batch_size=batch_size,
                use_cache=cache, workers=workers, article_seconds=article_seconds or None, keep_runs=keep_runs,
                follow_symlinks=follow_symlinks, return_state=True,
            )
        result = state.result()
    except input_errors as error:
        fail(str(error))
    except Exception as error:  # the flow failed: say why in one line, the log has the rest
        fail(f"the run failed: {error}", code=1)
    _wait_for_records(state.state_details.flow_run_id, expected_tasks=result["task_runs"])
    return result


@contextmanager
def _without_heartbeats() -> Iterator[None]:
    """A flow run sends Prefect a heartbeat every few minutes so that an automation can mark it
    crashed once they stop. A run of this command needs none: if it is killed, its guardian
    marks its flow run crashed at once. And at the flow's end Prefect waits for its heartbeat
    thread, which sleeps a second at a time: up to a second of every run. A heartbeat frequency
    set by the user (PREFECT_FLOWS_HEARTBEAT_FREQUENCY, a profile, prefect.toml) is kept."""
    from prefect.settings import get_current_settings, temporary_settings

    try:
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY
    except ImportError:  # a Prefect older than flow-run heartbeats (pyproject.toml admits 3.4)
        yield
        return
    if "heartbeat_frequency" in get_current_settings().flows.model_fields_set:
        yield
        return
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


class _HookLines(logging.Filter):
    """Drops the two lines Prefect's engine logs for every run of a hook: that it runs and that it
    finished. Any other line, an error of the hook among them, goes through."""

    def __init__(self, hook_name: str) -> None:
        super().__init__()
        self._running = f"Running hook {hook_name!r} in response to entering state "
        self._finished = f"Hook {hook_name!r} finished running successfully"

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith(self._running) or message == self._finished)


class _InputErrorLines(logging.Filter):
    """Keeps the line Prefect's engine logs when the flow stops on bad input (a corpus without
    articles, a reference table with a broken fact), without its traceback: the error is the
    input's, said in the line and again by the command, not the code's."""

    def __init__(self, input_errors: tuple[type[Exception], ...]) -> None:
        super().__init__()
        self._input_errors = input_errors

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], self._input_errors):
            record.exc_info = None
            record.exc_text = None
        return True


@contextmanager
def _plain_log(hook_name: str, input_errors: tuple[type[Exception], ...]) -> Iterator[None]:
    """For the length of the flow call: the guardian's hook is this command's plumbing, not a step
    of the run, so its lines are left out of the run's log (in the terminal and on the server);
    bad input is logged without a traceback."""
    filtered = [
        (logging.getLogger("prefect.engine"), _HookLines(hook_name)),
        (logging.getLogger("prefect.flow_runs"), _InputErrorLines(input_errors)),
    ]
    for logger, line_filter in filtered:
        logger.addFilter(line_filter)
    try:
        yield
    finally:
        for logger, line_filter in filtered:
            logger.removeFilter(line_filter)


def _wait_for_records(flow_run_id, expected_tasks: int) -> None:
    """Waits until the server has recorded this run's task runs: the embedded server writes them
    in the background, and a process that exits at once can leave them unwritten."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    deadline = time.monotonic() + _RECORDS_WAIT_SECONDS
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
            if len(runs) >= expected_tasks and all(r.state and r.state.is_final() for r in runs):
                return
            time.sleep(0.2)


def _print_summary(result: dict, out: Path) -> None:
    from figcheck.report import describe_changes

    problems = f", {result['problems']} unreadable (see the report)" if result["problems"] else ""
    typer.echo(
        f"\nfigcheck: {result['articles']} articles, {result['claims']} claims{problems}; "
        f"{result['errors']} errors, {result['warnings']} warnings "
        f"({describe_changes(result.get('previous_run_id'), result['new'], result['resolved'])} "
        f"{result['cached']} articles unchanged.)\n"
        f"Report: {out / 'report.html'}  (also report.md, findings.json, claims.jsonl)"
    )
