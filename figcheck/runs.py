"""The history of runs kept under ``runs/<run id>/``: listing them, keeping the last few, and what changed between two.

Each run's folder holds the four files a run writes (``findings.json``, ``claims.jsonl``,
``report.md``, ``report.html``). The newest run, and any run a link such as ``reports/latest``
points to, is left exactly as written; older runs keep their reports and findings, and their
claims are stored gzipped (``claims.jsonl.gz``), a tenth of the size. A folder without
``findings.json`` is a run still being written (or one that never finished) and is never touched.
"""

from __future__ import annotations

import gzip
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from figcheck.records import Finding
from figcheck.report.findings_file import FindingsFileError, load_findings
from figcheck.report.run import FindingSummary, RunInfo, compare_runs

DEFAULT_KEEP = 20
FINDINGS = "findings.json"
CLAIMS = "claims.jsonl"


class RunHistoryError(ValueError):
    """A run that cannot be found or read, naming the folder or the id asked for."""


@dataclass(frozen=True)
class StoredRun:
    run_id: str
    path: Path

    @property
    def findings_path(self) -> Path:
        return self.path / FINDINGS

    def load(self) -> tuple[RunInfo, list[Finding]]:
        try:
            return load_findings(self.findings_path)
        except FindingsFileError as error:
            raise RunHistoryError(str(error)) from None

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
    """The finished runs in ``runs_dir``, oldest first (run ids begin with their start time)."""
    runs_dir = Path(runs_dir)
    if not runs_dir.is_dir():
        return []
    return sorted(
        (
            StoredRun(entry.name, entry)
            for entry in runs_dir.iterdir()
            if entry.is_dir() and not entry.is_symlink() and (entry / FINDINGS).is_file()
        ),
        key=lambda run: run.run_id,
    )


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
    removed, compacted = [], []
    for index, run in enumerate(runs):
        if run.path.resolve() in protected:
            continue
        if index < len(runs) - keep:
            shutil.rmtree(run.path)
            removed.append(run.run_id)
        elif _compact(run.path):
            compacted.append(run.run_id)
    return Pruned(removed, compacted)


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


def _compact(run_dir: Path) -> bool:
    """Gzips ``claims.jsonl`` into ``claims.jsonl.gz``; the plain file goes only once the gzipped one is whole."""
    plain = run_dir / CLAIMS
    if not plain.is_file() or plain.is_symlink():
        return False
    packed = run_dir / (CLAIMS + ".gz")
    partial = run_dir / f".{CLAIMS}.gz.part"
    with plain.open("rb") as source, gzip.open(partial, "wb", compresslevel=6) as target:
        shutil.copyfileobj(source, target, 1 << 20)
    os.replace(partial, packed)
    plain.unlink()
    return True
