"""Which task runner checks the batches: local worker processes by default, or a Dask cluster."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from prefect.context import FlowRunContext
from prefect.task_runners import ThreadPoolTaskRunner, TaskRunner

from figcheck.pipeline.processes import WorkerPool

R = TypeVar("R")


def local_workers(workers: int | None) -> int:
    return max(1, workers or os.cpu_count() or 1)


class LocalProcessesTaskRunner(ThreadPoolTaskRunner):
    """The default task runner: each task run is a thread of the flow's process, and the work of
    a task that asks for it (``in_worker``) is done by one of ``workers`` processes of this machine,
    which import the work and nothing of Prefect.

    Prefect's own process pool runs its task engine in every worker: each imports Prefect (1.8–2 s
    on two cores, where the work needs 0.5 s of imports), loads its settings, an API client and the
    installed collections, and sends its logs and events back to the flow's process through a
    queue. Here the engine's bookkeeping (states, logs, retries) stays in the flow's process, where
    Prefect is loaded already, and only the work's arguments and result cross to a worker, pickled.

    A worker that dies (killed when memory runs out, say) fails the task run it was working for,
    which Prefect retries; the next work handed out goes to new processes (``WorkerPool``).
    There are twice as many threads as processes: a batch waits for a process in the pool's queue,
    its task run already begun, so that a process never waits for the next task run to begin."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = local_workers(workers)
        super().__init__(max_workers=2 * self.workers)
        self.pool = WorkerPool(self.workers)  # its processes start at the first work
        self.active = False  # within the flow run that uses it

    def duplicate(self) -> LocalProcessesTaskRunner:
        return type(self)(self.workers)

    def __eq__(self, value: object) -> bool:
        return isinstance(value, LocalProcessesTaskRunner) and value.workers == self.workers

    def __enter__(self) -> LocalProcessesTaskRunner:
        super().__enter__()
        self.active = True
        return self

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        self.active = False
        if exc_type is None:
            self.pool.shutdown()
        else:  # the flow failed or was interrupted: the threads waiting for work end at once
            self.pool.stop_now()
        super().__exit__(exc_type, exc_value, traceback)

    def __getstate__(self) -> dict[str, Any]:
        # A flow (and its runner) may be pickled to run elsewhere; the pool stays here.
        state = super().__getstate__()
        state.pop("pool", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self.pool = WorkerPool(self.workers)


def in_worker(function: Callable[..., R], *arguments: Any) -> R:
    """``function(*arguments)`` where the task run that calls it should do its work: in a worker
    process when the task run is a thread of the flow's ``LocalProcessesTaskRunner``; where the
    task run is otherwise (a Dask worker, a flow run with another runner). Both are pickled for
    a worker process."""
    context = FlowRunContext.get()
    runner = context.task_runner if context is not None else None
    if isinstance(runner, LocalProcessesTaskRunner) and runner.active:
        return runner.pool.submit(function, *arguments).result()
    return function(*arguments)


def start_local_workers(runner: TaskRunner, module: str) -> None:
    """Starts the local runner's worker processes now, each importing ``module``, while the first
    batch is still being read, as the work called directly does; they would start at the first work
    handed out, and only then begin their imports. A Dask cluster starts its own workers, and any
    other runner is left as it is."""
    if isinstance(runner, LocalProcessesTaskRunner):
        runner.pool.start(module)


def takes_quoted(runner: TaskRunner) -> bool:
    """Whether a batch may go to ``runner`` inside Prefect's ``quote``, so that Prefect does not walk
    every article and the reference table looking for futures (none are there; 15 ms a walk for
    1,000 articles). The local runner takes it as it is. Dask does not: its client sends a quote, a
    named tuple, as a plain tuple, which the task cannot unwrap."""
    return isinstance(runner, LocalProcessesTaskRunner)


def task_runner(dask: str | None = None, workers: int | None = None) -> TaskRunner:
    """``dask`` None: processes of this machine, one per core (the work is CPU-bound Python, which
    threads cannot run in parallel), under ``LocalProcessesTaskRunner``; "local": a temporary Dask
    cluster of ``workers`` processes on this machine; otherwise the address of a running Dask
    scheduler, e.g. tcp://host:8786."""
    if dask is None:
        return LocalProcessesTaskRunner(workers)
    from prefect_dask import DaskTaskRunner

    if dask == "local":
        return DaskTaskRunner(
            cluster_class="distributed.LocalCluster",
            cluster_kwargs={"n_workers": local_workers(workers), "threads_per_worker": 1, "processes": True,
                            "dashboard_address": None},
        )
    return DaskTaskRunner(address=dask)


def idle_workers_here(runner: TaskRunner) -> bool:
    """Whether ``runner``'s workers are processes of this machine, which a run may give work of its
    own once its batches are in: work that reads and writes files where the run keeps its cache
    (the copy of its files the next run takes, figcheck.pipeline.unchanged).

    The local runner's are. So are those of a temporary Dask cluster of processes on this
    machine (``--dask local``). A Dask cluster given by its address may have its workers on other
    machines, which see neither the cache's folder nor the run's files: nothing is given to them
    (the next run with nothing changed renders its files again, as it would without a spare)."""
    if isinstance(runner, LocalProcessesTaskRunner):
        return True
    if "prefect_dask" not in sys.modules:
        return False
    from distributed import LocalCluster
    from prefect_dask import DaskTaskRunner

    if not isinstance(runner, DaskTaskRunner) or runner.address is not None:
        return False
    # Only a cluster the runner starts itself and names as local; without a class named, it may
    # join a cluster found in the process, wherever its workers are.
    cluster_class = runner.resolved_cluster_class
    local = isinstance(cluster_class, type) and issubclass(cluster_class, LocalCluster)
    return local and runner.cluster_kwargs.get("processes", True) is True
