"""Stand-ins for work that dies in a worker process as if killed. They are pickled by name, so a
worker imports this module (the tests' folder is on its path, as on its parent's)."""

from __future__ import annotations

import os
from pathlib import Path


def die_as_if_killed() -> None:
    """Notes, in the file FIGCHECK_TEST_DIED names, that it died, then dies."""
    Path(os.environ["FIGCHECK_TEST_DIED"]).touch()
    os._exit(3)


def dies_rendering(*arguments) -> None:
    """Stands for the rendering of the copy the next run takes."""
    die_as_if_killed()


def dies_once(batch):
    """Stands for a batch's work: the first call dies, the others check the batch."""
    from figcheck.pipeline import check_batch

    if not Path(os.environ["FIGCHECK_TEST_DIED"]).exists():
        die_as_if_killed()
    return check_batch(batch)


def dies_holding_locks(*arguments) -> None:
    """Dies as a worker killed while it waits for work or sends something back: the lock that the
    readers of a queue share (the workers of a pool, waiting for work) and the one that the writers
    of a simple queue share (a pool's workers, sending results; Prefect's workers sent their logs
    and events through a queue's) are left held."""
    import gc
    import multiprocessing.queues

    for thing in gc.get_objects():
        if isinstance(thing, multiprocessing.queues.Queue):
            thing._rlock.acquire(False)
            if type(thing) is multiprocessing.queues.Queue and thing._wlock is not None:
                thing._wlock.acquire(False)
        elif isinstance(thing, multiprocessing.queues.SimpleQueue) and thing._wlock is not None:
            thing._wlock.acquire(False)
    die_as_if_killed()
