"""Worker processes that die with the process that started them, and a local pool of them."""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import multiprocessing.context
import os
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

_PR_SET_PDEATHSIG = 1
R = TypeVar("R")


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
def worker_pool(workers: int) -> Iterator[WorkerPool]:
    """A ``WorkerPool`` for the length of a block; on an error or Ctrl-C the work not yet started is
    cancelled, not awaited."""
    pool = WorkerPool(workers)
    try:
        yield pool
    except BaseException:
        pool.stop_now()
        raise
    pool.shutdown()


class WorkerPool(Executor):
    """``workers`` spawned processes (the parent may be running threads, as Prefect's are) that die
    with this one, for the work handed to them with ``submit``.

    A process that dies (killed when memory runs out, say) breaks a ProcessPoolExecutor for good:
    the work it held fails (BrokenProcessPool), and so does all work handed to it afterwards. Here
    the broken pool's processes are ended and the next work handed out goes to a new pool, so that
    a batch tried again is checked, not failed at once.

    The processes do not import the module the parent runs as __main__ (see ``_SpawnedProcess``):
    work handed to them must be importable by its module's name."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        pool = self._current()
        try:
            return pool.submit(fn, *args, **kwargs)
        except BrokenProcessPool:
            self._replace(pool)
            return self._current().submit(fn, *args, **kwargs)

    def start(self, module: str) -> None:
        """Starts the processes now, each importing ``module`` (they would start at the first work
        handed out, and only then begin to import what it needs)."""
        for _ in range(self.workers):
            self.submit(importlib.import_module, module)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def stop_now(self) -> None:
        """Cancels the work not yet started and ends the processes without waiting for their work."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            stop_now(pool)

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=_SpawnContext(), initializer=die_with_parent,
                                                 initargs=(os.getpid(),))
            return self._pool

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is broken:  # the first thread to find it broken replaces it
                self._pool = None
        stop_now(broken)


def stop_now(pool: ProcessPoolExecutor) -> None:
    """Cancels the work not yet started and ends the pool's processes without waiting for theirs."""
    pool.shutdown(wait=False, cancel_futures=True)
    # The processes are the pool's own, not a public attribute: a pool without them is left to end.
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()


# A spawned process first imports the module its parent runs as __main__, as multiprocessing does
# so that the parent's functions can be found there. The workers' work is never there, and that
# module can be costly: a flow run that a Prefect runner starts (`figcheck serve`) runs as
# `python -m prefect.engine`, whose import is Prefect's, 1-2 s of CPU a worker on two cores. So
# while a worker is started, the parent's __main__ is a module of nothing: the worker imports only
# what its work is pickled with. (The lock: two threads starting workers at once would otherwise
# each put back what the other had put in place. Other threads see the empty module for as long
# as a process takes to start; only something defined in __main__ would be looked up there, and
# such a thing cannot be handed to these workers anyway.)
_MAIN_SWAP = threading.Lock()


class _SpawnedProcess(multiprocessing.context.SpawnProcess):
    def start(self) -> None:
        with _MAIN_SWAP:
            main = sys.modules.get("__main__")
            sys.modules["__main__"] = types.ModuleType("__main__")  # no __spec__, no __file__
            try:
                super().start()
            finally:
                if main is None:
                    sys.modules.pop("__main__", None)
                else:
                    sys.modules["__main__"] = main


class _SpawnContext(multiprocessing.context.SpawnContext):
    Process = _SpawnedProcess
