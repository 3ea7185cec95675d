"""Which task runner checks the batches: local worker processes by default, or a Dask cluster."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner

from figcheck.pipeline.processes import die_with_parent, start_workers


def local_workers(workers: int | None) -> int:
    return max(1, workers or os.cpu_count() or 1)


def start_local_workers(runner: TaskRunner, workers: int, module: str) -> None:
    """Starts the local process pool's workers now, each importing ``module``, while the first
    batch is still being read, as the work called directly does. Prefect's pool starts them at the
    first task submitted, and only then do they begin to import Prefect and the work: the first
    batch came back 3 s after the flow began, where the work called directly has it in half that.
    A Dask cluster starts its own workers; any other runner is left as it is."""
    # The pool is the runner's own (made when the flow enters it), not a public attribute: a
    # runner without it is left to start its workers itself.
    executor = getattr(runner, "_executor", None) if isinstance(runner, ProcessPoolTaskRunner) else None
    if isinstance(executor, ProcessPoolExecutor):
        start_workers(executor, workers, module)


def not_waited_for_at_exit(runner: TaskRunner) -> None:
    """Prefect's local pool sends its workers' logs and events to the flow's process through a
    queue whose write lock the workers share with it. A worker killed while it writes (by the
    kernel when memory runs out, say) leaves the lock held: the stop message the flow's process
    sends on that queue at the end then never goes, and the process waited for it at exit for
    ever, its report written. The queue is told not to be waited for at exit; at a normal end the
    stop message has gone by then (Prefect waits for it to arrive, 5 s at most)."""
    # The queue is the runner's own (made when the flow enters it), not a public attribute.
    queue = getattr(runner, "_subprocess_message_queue", None) if isinstance(runner, ProcessPoolTaskRunner) else None
    if queue is not None:
        queue.cancel_join_thread()


def takes_quoted(runner: TaskRunner) -> bool:
    """Whether a batch may go to ``runner`` inside Prefect's ``quote``, so that Prefect does not walk
    every article and the reference table looking for futures, in the flow and again in the worker
    (none are there; 15 ms a walk for 1,000 articles). The local process pool takes it as it is. Dask
    does not: its client sends a quote, a named tuple, as a plain tuple, which the task cannot unwrap."""
    return isinstance(runner, ProcessPoolTaskRunner)


def task_runner(dask: str | None = None, workers: int | None = None) -> TaskRunner:
    """``dask`` None: a pool of local processes, one per core (the work is CPU-bound Python, which
    threads cannot run in parallel); "local": a temporary Dask cluster of ``workers`` processes on
    this machine; otherwise the address of a running Dask scheduler, e.g. tcp://host:8786."""
    if dask is None:
        return ProcessPoolTaskRunner(max_workers=local_workers(workers), initializer=die_with_parent,
                                     initargs=(os.getpid(),))
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

    The local process pool's are. So are those of a temporary Dask cluster of processes on this
    machine (``--dask local``). A Dask cluster given by its address may have its workers on other
    machines, which see neither the cache's folder nor the run's files: nothing is given to them
    (the next run with nothing changed renders its files again, as it would without a spare)."""
    if isinstance(runner, ProcessPoolTaskRunner):
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
