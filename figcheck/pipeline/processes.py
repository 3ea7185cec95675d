"""Worker processes that die with the process that started them, and a local pool of them."""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> None:
    """Asks the kernel to end this process when its parent ends, even by SIGKILL (Linux; elsewhere
    nothing happens). Worker processes call it first: a killed run leaves none behind."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # the parent is already gone
    # Ctrl-C reaches the whole process group: the parent decides what stops, not each worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of spawned processes (the parent may be running threads, as Prefect's are) that die
    with this process; on an error or Ctrl-C the work not yet started is cancelled, not awaited."""
    pool = spawn_pool(workers)
    try:
        yield pool
    except BaseException:
        stop_now(pool)
        raise
    pool.shutdown()


def spawn_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes that die with this one."""
    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=die_with_parent, initargs=(os.getpid(),)
    )


def stop_now(pool: ProcessPoolExecutor) -> None:
    """Cancels the work not yet started and ends the pool's processes without waiting for theirs."""
    pool.shutdown(wait=False, cancel_futures=True)
    # The processes are the pool's own, not a public attribute: a pool without them is left to end.
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()


def start_workers(pool: ProcessPoolExecutor, workers: int, module: str) -> None:
    """Starts the pool's processes now, each importing ``module`` (they would start at the first
    batch handed out, and only then begin to import what checks it)."""
    for _ in range(workers):
        pool.submit(_import, module)


def _import(module: str) -> None:
    importlib.import_module(module)
