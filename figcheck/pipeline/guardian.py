"""A small watcher process that ends what a run started if the run itself is killed.

``figcheck run`` starts it first, with a pipe on its standard input. While the run lives, it notes
the run's descendant processes (Prefect's server, worker processes, a local Dask cluster); when
the pipe closes because the run has ended, however it ended, it stops those still running and
removes the run's unfinished folder. A run that ends normally leaves it nothing to do.

    python -m figcheck.pipeline.guardian PID RUNS_DIR
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

_LOOK_EVERY = 0.25  # seconds between two looks at the run's processes


def watch(pid: int, runs_dir: Path) -> None:
    import psutil

    try:
        run = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    seen: dict[int, psutil.Process] = {}
    while True:
        ready, _, _ = select.select([sys.stdin], [], [], _LOOK_EVERY)
        if ready and not os.read(sys.stdin.fileno(), 1024):
            break  # the pipe closed: the run has ended
        try:
            for child in run.children(recursive=True):
                if child.pid != os.getpid():
                    seen.setdefault(child.pid, child)
        except psutil.NoSuchProcess:
            break
    left = [process for process in seen.values() if process.is_running()]  # is_running checks the pid was not reused
    for process in left:
        try:
            process.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(left, timeout=3)
    for process in alive:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    from figcheck.pipeline.outputs import remove_abandoned

    remove_abandoned(runs_dir)


def start(runs_dir: Path) -> subprocess.Popen:
    """Starts the guardian of this process; it stays until this process ends."""
    return subprocess.Popen(
        [sys.executable, "-m", "figcheck.pipeline.guardian", str(os.getpid()), str(runs_dir)],
        stdin=subprocess.PIPE,
        start_new_session=True,  # Ctrl-C at the terminal is for the run, not for its guardian
    )


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch(int(sys.argv[1]), Path(sys.argv[2]))
