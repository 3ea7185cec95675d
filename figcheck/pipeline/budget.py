"""A time budget for the work on one article: past it, the article is given up and the run goes on."""

from __future__ import annotations

import ctypes
import threading
from types import TracebackType


class OverBudget(BaseException):
    """Raised inside the thread whose article ran out of time. A BaseException, so that no
    ``except Exception`` in the code it interrupts can swallow it."""


class TimeBudget:
    """``with TimeBudget(seconds):`` raises OverBudget in this thread once ``seconds`` have passed.

    A timer thread raises the exception asynchronously, so it works in any thread (Dask runs tasks
    in worker threads, where signals cannot reach). It lands at the next Python instruction: a
    single long call into C is interrupted only when it returns.
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._done = False
        self._timer: threading.Timer | None = None
        self._thread_id = 0

    def __enter__(self) -> TimeBudget:
        if self.seconds is not None and self.seconds > 0:
            self._thread_id = threading.get_ident()
            self._timer = threading.Timer(self.seconds, self._expire)
            self._timer.daemon = True
            self._timer.start()
        return self

    def _expire(self) -> None:
        with self._lock:
            if not self._done:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread_id), ctypes.py_object(OverBudget))

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        # Once _done is set under the lock, the timer can no longer raise: an exception it raised
        # just before lands here, still inside the caller's ``try``.
        with self._lock:
            self._done = True
        if self._timer is not None:
            self._timer.cancel()
