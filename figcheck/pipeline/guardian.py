"""A small watcher process that ends what a run started if the run itself is killed.

``figcheck run`` starts it first, with a pipe on its standard input. While the run lives, it notes
the run's descendant processes (Prefect's server, worker processes, a local Dask cluster); when
the pipe closes without the run having said "done" (the run was killed), it stops those still
running and removes the run's unfinished folder.

    python -m figcheck.pipeline.guardian PID RUNS_DIR PIDS_STARTED_BEFORE
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

_LOOK_EVERY = 0.25  # seconds between two looks at the run's processes


def watch(pid: int, runs_dir: Path, before: set[int]) -> None:
    """``before``: the processes ``pid`` had started before the run, which are not the run's."""
    import psutil

    try:
        run = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    before = before | {os.getpid()}
    seen: dict[int, psutil.Process] = {}
    while True:
        ready, _, _ = select.select([sys.stdin], [], [], _LOOK_EVERY)
        if ready:
            said = os.read(sys.stdin.fileno(), 1024)
            if said.startswith(b"done"):
                return  # the run ended normally and stopped what it started
            if not said:
                break  # the pipe closed without a word: the run was killed
        try:
            for child in run.children(recursive=True):
                if child.pid not in before:
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


class Guardian:
    def __init__(self, runs_dir: Path) -> None:
        self.process = _start(runs_dir)

    def stand_down(self) -> None:
        """The run is over and has stopped what it started: the guardian leaves everything be."""
        try:
            self.process.stdin.write(b"done\n")
            self.process.stdin.close()
        except OSError:
            pass
        self.process.wait(timeout=30)


def start(runs_dir: Path) -> Guardian:
    """Starts the guardian of this process."""
    return Guardian(runs_dir)


def _start(runs_dir: Path) -> subprocess.Popen:
    import psutil

    before = ",".join(str(child.pid) for child in psutil.Process().children(recursive=True))
    return subprocess.Popen(
        [sys.executable, "-m", "figcheck.pipeline.guardian", str(os.getpid()), str(runs_dir), before],
        stdin=subprocess.PIPE,
        start_new_session=True,  # Ctrl-C at the terminal is for the run, not for its guardian
    )


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch(int(sys.argv[1]), Path(sys.argv[2]), {int(pid) for pid in sys.argv[3].split(",") if pid})
