"""A time budget for the work on one article: past it, the article is given up and the run goes on."""

from __future__ import annotations

import contextlib
import ctypes
import threading
import time
from collections.abc import Iterator
from types import TracebackType

_LOOK_EVERY = 0.05  # seconds between two looks of the watchdog at the article being checked


class OverBudget(BaseException):
    """Raised inside the thread whose article ran out of time. A BaseException, so that no
    ``except Exception`` in the code it interrupts can swallow it."""


class TimeBudget:
    """``with TimeBudget(seconds) as budget:`` then ``with budget.article():`` around each
    article: OverBudget is raised in the article's thread once ``seconds`` have passed.

    One watchdog thread serves every article of the block (a thread per article would cost more
    than a short article's whole check). It raises the exception asynchronously, so it works in
    any thread (Dask runs tasks in worker threads, where signals cannot reach). It lands at the
    next Python instruction: a single long call into C is interrupted only when it returns.
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds if seconds and seconds > 0 else None
        self._lock = threading.Lock()
        self._current: tuple[int, float] | None = None  # (thread id, deadline) of the article being checked
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None

    def __enter__(self) -> TimeBudget:
        if self.seconds is not None:
            self._watchdog = threading.Thread(target=self._watch, name="figcheck-time-budget", daemon=True)
            self._watchdog.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self._stop.set()
        if self._watchdog is not None:
            self._watchdog.join()

    @contextlib.contextmanager
    def article(self) -> Iterator[None]:
        if self.seconds is None:
            yield
            return
        with self._lock:
            self._current = (threading.get_ident(), time.monotonic() + self.seconds)
        try:
            yield
        finally:
            # Once cleared under the lock, the watchdog can no longer raise: an exception it raised
            # just before lands here, still inside the caller's ``try``.
            with self._lock:
                self._current = None

    def _watch(self) -> None:
        while not self._stop.wait(_LOOK_EVERY):
            with self._lock:
                if self._current is not None and time.monotonic() > self._current[1]:
                    thread, _ = self._current
                    self._current = None
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(OverBudget))
