"""The history of runs kept under ``runs/<run id>/``: listing them, keeping the last few, and what changed between two.

Each run's folder holds the four files a run writes (``findings.json``, ``claims.jsonl``,
``report.md``, ``report.html``). The newest run, and any run a link such as ``reports/latest``
points to, is left exactly as written. Older runs keep ``report.html`` as it is, to be opened
as before, and store the other three gzipped (``findings.json.gz`` and so on), about a tenth
of the size; ``load_findings`` and ``figcheck runs`` read them as they are. A folder without
findings is a run still being written (or one that never finished) and is never touched.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from figcheck.records import Finding
from figcheck.report.findings_file import FindingsFileError, load_findings
from figcheck.report.run import FindingSummary, RunInfo, compare_runs

DEFAULT_KEEP = 20
FINDINGS = "findings.json"
# What an older run stores gzipped; its report.html stays as written, to be opened as before.
COMPACTED = ("claims.jsonl", "findings.json", "report.md")


class RunHistoryError(ValueError):
    """A run that cannot be found or read, naming the folder or the id asked for."""


@dataclass(frozen=True)
class StoredRun:
    run_id: str
    path: Path

    @property
    def findings_path(self) -> Path:
        """``findings.json``; ``load_findings`` reads its gzipped copy when the run was compacted."""
        return self.path / FINDINGS

    def load(self) -> tuple[RunInfo, list[Finding]]:
        try:
            return load_findings(self.findings_path)
        except FindingsFileError as error:
            raise RunHistoryError(str(error)) from None

    def info(self) -> RunInfo:
        """The run's own description (the head of its findings), without reading every finding."""
        plain, packed = self.path / FINDINGS, self.path / (FINDINGS + ".gz")
        try:
            raw = plain.read_bytes() if plain.is_file() else gzip.decompress(packed.read_bytes())
            return RunInfo.model_validate(json.loads(raw)["run"])
        except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
            raise RunHistoryError(f"{plain}: cannot be read: {error}") from None

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())


@dataclass(frozen=True)
class Pruned:
    removed: list[str]
    compacted: list[str]


@dataclass(frozen=True)
class RunDiff:
    old: RunInfo
    new: RunInfo
    appeared: list[Finding]
    resolved: list[FindingSummary]


def stored_runs(runs_dir: Path) -> list[StoredRun]:
    """The finished runs in ``runs_dir``, oldest first.

    Run ids begin with their start time to the second only, and two runs can start in the
    same second, so the order is the start time each run's findings record, to the microsecond.
    """
    runs_dir = Path(runs_dir)
    if not runs_dir.is_dir():
        return []
    runs = [
        StoredRun(entry.name, entry)
        for entry in runs_dir.iterdir()
        if entry.is_dir() and not entry.is_symlink() and _has_findings(entry)
    ]
    return sorted(runs, key=lambda run: (_started(run.path), run.run_id))


def find_run(runs_dir: Path, name: str) -> StoredRun:
    """A run by its id, a unique start of its id, ``latest`` or ``previous``."""
    runs = stored_runs(runs_dir)
    if not runs:
        raise RunHistoryError(f"{runs_dir}: no finished runs here")
    if name == "latest":
        return runs[-1]
    if name == "previous":
        if len(runs) < 2:
            raise RunHistoryError(f"{runs_dir}: only one run, so no previous one")
        return runs[-2]
    exact = [run for run in runs if run.run_id == name]
    matches = exact or [run for run in runs if run.run_id.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise RunHistoryError(f"{runs_dir}: no run {name!r} (see `figcheck runs list`)")
    raise RunHistoryError(f"{runs_dir}: {name!r} names {len(matches)} runs; give more of the id")


def prune_runs(runs_dir: Path, keep: int = DEFAULT_KEEP) -> Pruned:
    """Deletes all but the ``keep`` newest finished runs, and gzips the claims of the older ones kept.

    The newest run and any run a symbolic link beside ``runs_dir`` points to (``--out``) are
    neither deleted nor changed; unfinished folders are left alone.
    """
    if keep < 1:
        raise ValueError(f"keep must be at least 1, not {keep}")
    runs_dir = Path(runs_dir)
    runs = stored_runs(runs_dir)
    if not runs:
        return Pruned([], [])
    protected = _linked_runs(runs_dir) | {runs[-1].path.resolve()}
    # A file that is also (a hard link) a file of a run kept as written takes no room of its own:
    # gzipping it would take more. Files shared by runs compacted here are gzipped once.
    kept_plain = {identity for folder in protected for identity in _file_identities(folder)}
    packed: dict[tuple[int, int], Path] = {}
    removed, compacted = [], []
    for index, run in enumerate(runs):
        if run.path.resolve() in protected:
            continue
        if index < len(runs) - keep:
            shutil.rmtree(run.path)
            removed.append(run.run_id)
        elif _compact(run.path, kept_plain, packed):
            compacted.append(run.run_id)
    return Pruned(removed, compacted)


def _file_identities(run_dir: Path) -> set[tuple[int, int]]:
    identities = set()
    for name in COMPACTED:
        try:
            st = os.stat(run_dir / name)
        except OSError:
            continue
        identities.add((st.st_dev, st.st_ino))
    return identities


def diff_runs(old: StoredRun, new: StoredRun) -> RunDiff:
    """The discrepancies ``new`` reports that ``old`` did not, and those of ``old`` that ``new`` no longer reports."""
    old_info, old_findings = old.load()
    new_info, new_findings = new.load()
    appeared_ids, resolved = compare_runs(new_findings, old_findings)
    by_id = {finding.id: finding for finding in new_findings}
    return RunDiff(old_info, new_info, [by_id[fid] for fid in appeared_ids], resolved)


def _linked_runs(runs_dir: Path) -> set[Path]:
    """The run folders that links beside ``runs_dir`` (``reports/latest``) point to."""
    linked = set()
    for entry in runs_dir.parent.iterdir():
        if entry.is_symlink():
            try:
                linked.add(entry.resolve(strict=True))
            except (OSError, RuntimeError):
                continue  # a dangling or looping link protects nothing
    for entry in runs_dir.iterdir():
        if entry.is_symlink():
            try:
                linked.add(entry.resolve(strict=True))
            except (OSError, RuntimeError):
                continue
    return linked


_STARTED = re.compile(rb'"started":\s*"([^"]+)"')


def _started(run_dir: Path) -> str:
    """The run's start time as its findings file records it near the top (read without parsing the rest)."""
    plain, packed = run_dir / FINDINGS, run_dir / (FINDINGS + ".gz")
    try:
        if plain.is_file():
            with plain.open("rb") as stream:
                head = stream.read(4096)
        else:
            with gzip.open(packed, "rb") as stream:
                head = stream.read(4096)
    except (OSError, EOFError):
        return ""
    match = _STARTED.search(head)
    if not match:
        return ""
    try:
        return datetime.fromisoformat(match.group(1).decode()).astimezone(UTC).isoformat()
    except ValueError:
        return ""


def _has_findings(run_dir: Path) -> bool:
    return (run_dir / FINDINGS).is_file() or (run_dir / (FINDINGS + ".gz")).is_file()


def _compact(run_dir: Path, kept_plain: set[tuple[int, int]] | None = None,
             packed: dict[tuple[int, int], Path] | None = None) -> bool:
    """Gzips the files of ``COMPACTED`` still plain in ``run_dir``; each plain file goes only once
    its gzipped copy is whole, so an interrupted prune leaves one or the other, never neither.

    A file in ``kept_plain`` (by device and inode) is left as it is; one already gzipped in this
    prune (``packed``) gets a link to that gzipped copy."""
    kept_plain = kept_plain if kept_plain is not None else set()
    packed = packed if packed is not None else {}
    done = False
    for name in COMPACTED:
        plain = run_dir / name
        if not plain.is_file() or plain.is_symlink():
            continue
        st = plain.stat()
        identity = (st.st_dev, st.st_ino)
        if identity in kept_plain:
            continue
        partial = run_dir / f".{name}.gz.part"
        partial.unlink(missing_ok=True)
        if not _link(packed.get(identity), partial):
            with plain.open("rb") as source, gzip.open(partial, "wb", compresslevel=6) as target:
                shutil.copyfileobj(source, target, 1 << 20)
        os.replace(partial, run_dir / (name + ".gz"))
        if st.st_nlink > 1:
            packed[identity] = run_dir / (name + ".gz")
        plain.unlink()
        done = True
    return done


def _link(source: Path | None, target: Path) -> bool:
    if source is None:
        return False
    try:
        os.link(source, target)
    except OSError:
        return False
    return True
