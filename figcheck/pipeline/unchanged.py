"""A run over what the last run checked, unchanged: its results are the last run's, so its files
are the last run's with its own id, times and previous run, written from a copy kept with the
cache instead of being reduced and rendered again.

The copy is the run's files rendered once with stand-ins (random, so that no article can hold
them) for the four things that differ from one run to the next: the run's id, its start and end
times and the previous run's id. It is made by a run that has a previous run and finds nothing
new nor resolved since it, which is what every run that finds nothing changed says too. A run
that cannot make it (the first, or one after a change) keeps its report's store instead (its
findings, merged, and sources: ``results_path``), so that the next run, if nothing changes,
renders them without reducing again.
Both are keyed on everything the files depend on: the articles in order (each by its cache key:
id, bytes, metadata, code and reference table), the problems of the listing, the corpus and
table as named, and the code that reduces and renders. The claims file is the last run's, linked.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import secrets
import shutil
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from figcheck.pipeline.cache import ClaimCache, file_signature, output_code_version
from figcheck.records import LoadProblem
from figcheck.report.run import RunInfo
from figcheck.report.view import format_time

MEMO = "last run"
RESULTS = "last run's results"
_FORMAT = 2
# In the order write_report writes them: findings.json last.
FILES = ("report.md", "report.html", "findings.json")


def keys_digest(keys: Iterable[str]) -> str:
    """The articles' cache keys, in order, digested as they come."""
    digest = hashlib.sha256()
    for key in keys:
        digest.update(key.encode("utf-8") + b"\n")
    return digest.hexdigest()


def state_key(*, corpus: str, reference: str, reference_version: str | None, articles: str,
              problems: list[LoadProblem]) -> str:
    """What the run's files depend on, but for the run's id, times and previous run. ``articles``:
    the articles' cache keys in order, as ``keys_digest`` gives them."""
    import jinja2
    import pydantic

    listed = sorted((problem.path, problem.message) for problem in problems)
    parts = [_FORMAT, output_code_version(), sys.version, pydantic.VERSION, jinja2.__version__,
             corpus, reference, reference_version, listed, articles]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


@dataclass
class StandIns:
    """What stands in, in the kept copy of a run's files, for what differs from run to run."""

    run_id: str
    previous_run_id: str
    started: str  # ISO times
    finished: str

    @classmethod
    def new(cls) -> StandIns:
        def some_time() -> str:
            # Before any run, and drawn at random among some 10^17 instants.
            return datetime(random.randint(1000, 1899), random.randint(1, 12), random.randint(1, 28), random.randint(0, 23),
                            random.randint(0, 59), random.randint(0, 59), random.randint(0, 999_999), tzinfo=UTC).isoformat()

        return cls(f"0000-00-00T00-00-00Z-{secrets.token_hex(8)}", f"0000-00-00T00-00-00Z-{secrets.token_hex(8)}",
                   some_time(), some_time())

    def run_info(self, info: RunInfo) -> RunInfo:
        """``info`` as the next run says it if nothing changes: with the stand-ins, and nothing
        new nor resolved since this run."""
        return info.model_copy(update={
            "run_id": self.run_id, "previous_run_id": self.previous_run_id,
            "started": datetime.fromisoformat(self.started), "finished": datetime.fromisoformat(self.finished),
            "new_finding_ids": [], "resolved_findings": []})


@dataclass
class Memo:
    """What the last run left to be reused: its state key, its id and claims file, the copy of its
    files (in ``folder``), and what its summary said (its first discrepancies, and all of them
    counted)."""

    key: str
    run_id: str
    folder: str | None  # None: no copy of the files (see ``results_path``)
    stand_ins: dict
    claims_path: str
    # The stat of that run's claims file and findings file, as it left them.
    signatures: dict[str, str | None]
    articles: int
    claims: int
    discrepancies: list[str]  # Finding JSON, the first the summary carries
    by_severity: dict[str, int]
    by_check: dict[str, int]

    @classmethod
    def load(cls, cache: ClaimCache) -> Memo | None:
        raw = cache.memo(MEMO)
        if raw is None:
            return None
        try:
            return cls(**json.loads(raw))
        except (ValueError, TypeError):
            return None

    def store(self, cache: ClaimCache) -> None:
        cache.put_memo(RESULTS, None)  # the form of earlier versions, in the cache itself
        cache.put_memo(MEMO, json.dumps(asdict(self)))

    def same_state(self, key: str, previous_run_id: str | None) -> bool:
        """Whether this memo is the run's: same state, made by (or reused in) the previous run,
        whose claims and findings files are still as it left them."""
        return (key == self.key and previous_run_id == self.run_id
                and all(signature is not None and file_signature(path) == signature
                        for path, signature in self.signatures.items()))

    def has_copy(self) -> bool:
        return self.folder is not None and all((Path(self.folder) / name).is_file() for name in FILES)


def results_path(cache_dir: Path, key: str) -> Path:
    """Where a run that left no copy of its files keeps its report's store (figcheck.report.store)."""
    return cache_dir / "unchanged" / f"{key[:32]}.results.sqlite"


def render_folder(cache_dir: Path, key: str) -> Path:
    return cache_dir / "unchanged" / key[:32]


def forget_others(cache_dir: Path, keep: Path | None) -> None:
    """Removes the copies of earlier states: only the last run's can be reused."""
    root = cache_dir / "unchanged"
    if not root.is_dir():
        return
    for path in root.iterdir():
        if keep is None or path.resolve() != keep.resolve():
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _forms(run_id: str, previous_run_id: str, started: str, finished: str) -> list[str]:
    """How the four values are written in the files: ids as they are; times as findings.json
    writes them and as the reports do."""
    info = RunInfo(run_id=run_id, previous_run_id=previous_run_id, started=datetime.fromisoformat(started),
                   finished=datetime.fromisoformat(finished), corpus="", reference="")
    dumped = info.model_dump(mode="json", include={"started", "finished"})
    return [run_id, previous_run_id, dumped["started"], dumped["finished"],
            format_time(info.started), format_time(info.finished)]


def fill_in(template: bytes, stand_ins: StandIns, *, run_id: str, previous_run_id: str, started: datetime,
            finished: datetime) -> bytes:
    """``template`` (UTF-8) with the stand-ins replaced by the run's own values. One after the
    other: a run's own values (ids of the present century, times of this one) never hold a
    stand-in, so none is written in where another stood."""
    old = _forms(stand_ins.run_id, stand_ins.previous_run_id, stand_ins.started, stand_ins.finished)
    new = _forms(run_id, previous_run_id, started.isoformat(), finished.isoformat())
    for stand_in, value in zip(old, new, strict=True):
        template = template.replace(stand_in.encode("utf-8"), value.encode("utf-8"))
    return template


def render_copy(folder: str, info: str, store: str, claims: list[str]) -> None:
    """Renders a run's files into ``folder`` from ``info`` (RunInfo JSON, with stand-ins) and a
    copy of its report's store, which it removes; ``claims``: the timeline's, as JSON. Plain
    arguments: a run has this done in another process while it writes its own files."""
    from figcheck.records import Claim
    from figcheck.report import write_report
    from figcheck.report.store import ReportStore

    copied = ReportStore.reopen(Path(store))
    try:
        write_report(Path(folder), RunInfo.model_validate_json(info), copied,
                     claims=[Claim.model_validate_json(claim) for claim in claims])
    finally:
        copied.close()


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link (no room of its own: figcheck.runs leaves such a file plain), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
