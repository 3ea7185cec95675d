"""Where a run's files go: a new folder ``runs/<run id>/`` that ``--out`` is switched to in one
atomic step when the run is complete, and a lock so that only one run writes to ``--out``."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from figcheck.files import process_alive

_PARTIAL = ".partial"


class OutputLocked(RuntimeError):
    """Another run is writing to the same ``--out``."""


# What a run leaves in ``--out``: a real folder holding only these (the layout before runs were
# kept as links) is a report, and moving it into the run history loses nothing of the user's.
_REPORT_FILES = frozenset({"findings.json", "claims.jsonl", "report.md", "report.html", "fetch.json"})


class OutputNotAReport(ValueError):
    """``--out`` is a folder of something else: a run would move it away."""


def check_out(out: Path) -> None:
    """Refuses an ``out`` that a run could not safely replace with its link: a file, or a folder
    holding anything but a report's files."""
    if out.is_symlink():
        return
    if out.exists() and not out.is_dir():
        raise OutputNotAReport(f"--out {out} is a file, not a report folder: choose another --out")
    if out.is_dir():
        others = sorted(item.name for item in out.iterdir() if item.name not in _REPORT_FILES)
        if others:
            shown = ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
            raise OutputNotAReport(
                f"--out {out} is a folder that holds more than a figcheck report ({shown}); a run replaces "
                "--out with a link to its run folder, so choose an empty or new --out"
            )


class OutputLock:
    """An exclusive lock on ``--out`` for the length of a run: a lock file beside it, held with
    flock, so a run that dies (even by SIGKILL) releases it with its process."""

    def __init__(self, out: Path) -> None:
        self.path = out.parent / f".{out.name}.lock"
        self._file = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise OutputLocked(
                f"{self.path.parent / self.path.name.removeprefix('.').removesuffix('.lock')}: another figcheck run "
                f"is writing here ({holder}); run again when it has finished, or choose another --out"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing releases the flock
            self._file = None


def partial_folder(runs_dir: Path, run_id: str) -> Path:
    """The folder a run writes into until it is complete; hidden, and named with its process."""
    return runs_dir / f".{run_id}.{os.getpid()}{_PARTIAL}"


def remove_abandoned(runs_dir: Path) -> None:
    """Removes the partial folders of runs whose process is gone (killed before it finished)."""
    if not runs_dir.is_dir():
        return
    for folder in runs_dir.iterdir():
        if folder.name.startswith(".") and folder.name.endswith(_PARTIAL) and folder.is_dir():
            pid = folder.name.removesuffix(_PARTIAL).rsplit(".", 1)[-1]
            if not pid.isdigit() or not process_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)



def switch(out: Path, run_dir: Path) -> None:
    """Points ``out`` (a symbolic link) at ``run_dir`` in one step: a reader of ``out`` sees the
    previous run's files or this run's, never a mix. An ``out`` that is still a real folder (the
    layout before runs were kept this way) is moved into the run history once."""
    if out.is_dir() and not out.is_symlink():
        migrate(out, run_dir.parent)
    link = out.parent / f".{out.name}.{run_dir.name}.link"
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(run_dir, out.parent), target_is_directory=True)
    os.replace(link, out)


def migrate(folder: Path, runs_dir: Path) -> Path:
    """Moves the files of a real ``out`` folder into the run history, under the id of the run that
    wrote them when there is one, without keeping a second copy of a run already there."""
    run_id = None
    try:
        run_id = json.loads((folder / "findings.json").read_text(encoding="utf-8"))["run"]["run_id"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    name = run_id if isinstance(run_id, str) and run_id and "/" not in run_id else None
    name = name or datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ") + "-before-run-history"
    target = runs_dir / name
    runs_dir.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.replace(folder, target)
        return target
    for item in folder.iterdir():  # the run is already kept: keep only what it lacks
        if not (target / item.name).exists():
            os.replace(item, target / item.name)
    shutil.rmtree(folder)
    return target
