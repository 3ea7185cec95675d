"""CPU time of a step over many items, best of a few passes (the machine's other work only ever
adds time). Used by the `*_bench` scripts, run from bench/ or by path (their folder is on the path)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable


def best_cpu_seconds(step: Callable[[str], object], items: Iterable[str], repeats: int) -> float:
    """The least CPU time, over ``repeats`` passes, of calling ``step`` on each of ``items``."""
    items = list(items)
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        for item in items:
            step(item)
        best = min(best, time.process_time() - started)
    return best
