"""A small watcher process that ends what a run started if the run itself is killed.

``figcheck run`` starts it first, with a pipe on its standard input. While the run lives, it notes
the run's descendant processes (Prefect's server, worker processes, a local Dask cluster); when
the pipe closes without the run having said "done" (the run was killed), it marks the run's
Prefect flow run as crashed, if the run had said which it was, stops those processes still running
and removes the run's unfinished folder.

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
_MARK_SECONDS = 10  # how long the server has to take the crashed state


def watch(pid: int, runs_dir: Path, before: set[int]) -> None:
    """``before``: the processes ``pid`` had started before the run, which are not the run's."""
    import psutil

    try:
        run = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    before = before | {os.getpid()}
    seen: dict[int, psutil.Process] = {}
    heard = b""
    flow_run: tuple[str, str] | None = None  # its id, and the address of the server that has it
    while True:
        ready, _, _ = select.select([sys.stdin], [], [], _LOOK_EVERY)
        if ready:
            said = os.read(sys.stdin.fileno(), 1024)
            if not said:
                break  # the pipe closed without "done": the run was killed
            heard += said
            *lines, heard = heard.split(b"\n")
            for line in lines:
                if line == b"done":
                    return  # the run ended normally and stopped what it started
                word, _, rest = line.decode("utf-8", "replace").partition(" ")
                if word == "flow-run" and " " in rest:
                    flow_run = tuple(rest.split(" ", 1))
        try:
            for child in run.children(recursive=True):
                if child.pid not in before:
                    seen.setdefault(child.pid, child)
        except psutil.NoSuchProcess:
            break
    if flow_run:
        # First, while a server the run started itself is still up to take it.
        _mark_crashed(*flow_run)
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


def _mark_crashed(flow_run_id: str, api_url: str) -> None:
    """Tells the server that the flow run crashed, as Prefect's engine would have if the process
    had lived to see it. A server that cannot be reached, or a flow run already over, is left
    as it is: the server refuses to move a finished run to another state."""
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings
    from prefect.states import Crashed

    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url, PREFECT_CLIENT_MAX_RETRIES: 0}):
            with get_client(sync_client=True, httpx_settings={"timeout": _MARK_SECONDS}) as client:
                client.set_flow_run_state(
                    UUID(flow_run_id),
                    Crashed(message="The figcheck run's process was killed before its flow run ended."),
                )
    except Exception as error:  # the processes and files are still to be seen to
        print(f"figcheck guardian: could not mark flow run {flow_run_id} as crashed: {error}", file=sys.stderr)


class Guardian:
    def __init__(self, runs_dir: Path) -> None:
        self.process = _start(runs_dir)

    def flow_run_started(self, flow_run_id: object, api_url: str) -> None:
        """If the run is killed, its guardian marks this flow run crashed on that server."""
        try:
            self.process.stdin.write(f"flow-run {flow_run_id} {api_url}\n".encode())
            self.process.stdin.flush()
        except OSError:
            pass

    def stand_down(self) -> None:
        """The run is over and has stopped what it started: the guardian leaves everything be."""
        try:
            self.process.stdin.write(b"done\n")
            self.process.stdin.close()
        except OSError:
            pass
        self.process.wait(timeout=30)


HOOK_NAME = "tell_guardian"


class TellGuardian:
    """A hook on the flow run's entering the running state (Prefect's ``on_running``): tells the
    guardian which flow run to mark crashed if the run is killed. Prefect sends the flow, hooks
    included, with each task run it hands to Dask: what goes is a hook without the guardian, which
    is this process's, and this module is light to import there."""

    __name__ = HOOK_NAME  # the name Prefect gives the hook (an instance's; the class's own is "TellGuardian")

    def __init__(self, guardian: Guardian | None) -> None:
        self.guardian = guardian

    def __call__(self, flow, flow_run, state) -> None:
        from prefect.settings import PREFECT_API_URL

        if self.guardian is not None:
            self.guardian.flow_run_started(flow_run.id, PREFECT_API_URL.value())

    def __reduce__(self):
        return (TellGuardian, (None,))


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
