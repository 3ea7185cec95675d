"""Which task runner checks the batches: local worker processes by default, or a Dask cluster."""

from __future__ import annotations

import os

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner

from figcheck.pipeline.processes import die_with_parent


def local_workers(workers: int | None) -> int:
    return max(1, workers or os.cpu_count() or 1)


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
