"""The whole check over an archive of articles, as the benchmarks in bench/precision and
bench/injected need it: the code under test is whatever ``figcheck`` and ``checkers`` the
Python path gives, the results are cached on that code, the reference table and the corpus.

Nothing here is part of the library; it calls ``figcheck.pipeline.check_corpus`` and reads
the ``findings.json`` it writes (the run's public output).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

BENCH = Path(__file__).resolve().parent
DEFAULT_ARCHIVE = BENCH.parent.parent / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz"
# Folders of the code under test whose files decide its results.
_CODE_DIRS = ("figcheck", "checkers")


def cache_root(override: Path | None = None) -> Path:
    """Where the corpus folders and results are kept: --cache, $FIGCHECK_BENCH_CACHE, or the
    user's cache folder (never inside the project)."""
    if override is not None:
        return Path(override)
    if os.environ.get("FIGCHECK_BENCH_CACHE"):
        return Path(os.environ["FIGCHECK_BENCH_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "figcheck-bench"


def require_archive(path: Path) -> Path:
    """The archive, or a clear message and exit status 2 when it is absent."""
    if not Path(path).is_file():
        print(
            f"error: the article archive {path} is not there.\n"
            "Put the shared data beside the project (../shared/corpora/kcna-2011-2012.jsonl.gz)\n"
            "or name another JSON-lines archive with --jsonl PATH.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return Path(path)


def code_under_test() -> Path:
    """The project root whose ``figcheck`` the Python path imports (PYTHONPATH chooses it)."""
    try:
        import figcheck
    except ImportError:
        print(
            "error: cannot import figcheck; run from a checkout with PYTHONPATH set to it, e.g.\n"
            "  PYTHONPATH=$PWD python bench/precision/run.py",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    return Path(figcheck.__file__).resolve().parents[1]


def _tree_digest(root: Path, entries: tuple[str, ...], suffixes: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for entry in entries:
        path = root / entry
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.suffix in suffixes and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(root)).encode() + b"\x00" + file.read_bytes() + b"\x00")
    return digest.hexdigest()[:16]


def code_digest(root: Path) -> str:
    return _tree_digest(root, _CODE_DIRS, (".py", ".yaml", ".yml", ".json", ".txt"))


def reference_digest(reference: Path) -> str:
    return _tree_digest(reference, (".",), (".yaml", ".yml", ".json"))


def _archive_key(jsonl: Path, limit: int | None) -> str:
    stat = jsonl.stat()
    raw = f"{jsonl.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{limit}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def iter_records(jsonl: Path, limit: int | None = None):
    """The archive's records as plain dicts (id, title, source, published, url, text)."""
    opener = gzip.open if jsonl.name.endswith(".gz") else open
    count = 0
    with opener(jsonl, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if limit is not None and count >= limit:
                return
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise SystemExit(f"error: {jsonl}: line {number}: not valid JSON: {error.msg}") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise SystemExit(f"error: {jsonl}: line {number}: not an article (needs a 'text' field)")
            record.setdefault("id", f"{jsonl.name.split('.')[0]}-{number}")
            record["id"] = str(record["id"])
            count += 1
            yield record


def write_corpus(jsonl: Path, limit: int | None, cache: Path) -> Path:
    """The archive as a corpus folder (``<id>.txt`` and ``<id>.meta.yaml``), written once per
    archive file and limit under the cache folder."""
    folder = cache / "corpora" / f"{jsonl.name.split('.')[0]}-{_archive_key(jsonl, limit)}"
    done = folder / ".complete"
    if done.is_file():
        return folder
    # Written beside under a name of this process's own, then renamed: two runs starting at
    # once each write their own copy and the first to finish wins.
    tmp = folder.with_name(f"{folder.name}.part-{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    for record in iter_records(jsonl, limit):
        doc_id = record["id"]
        if "/" in doc_id or doc_id.startswith("."):
            raise SystemExit(f"error: {jsonl}: article id {doc_id!r} cannot be a file name")
        (tmp / f"{doc_id}.txt").write_text(record["text"], encoding="utf-8", newline="")
        meta = {
            "title": record.get("title"),
            "publisher": record.get("source"),
            "published": record.get("published"),
            "url": record.get("url"),
            "language": record.get("language", "en"),
        }
        meta = {k: v for k, v in meta.items() if v is not None}
        (tmp / f"{doc_id}.meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    (tmp / ".complete").write_text("", encoding="utf-8")
    if folder.exists() and not done.is_file():
        shutil.rmtree(folder, ignore_errors=True)  # left by an interrupted older layout
    try:
        tmp.rename(folder)
    except OSError:
        if not done.is_file():
            raise
        shutil.rmtree(tmp, ignore_errors=True)  # another run finished the same folder first
    return folder


@dataclass
class ArchiveRun:
    corpus: Path  # the corpus folder the run read
    findings: list[dict[str, Any]]
    seconds: float  # wall time of the run that made the findings (an earlier one when cached)
    cached: bool
    code_root: Path
    key: str


def run_archive(
    jsonl: Path,
    *,
    limit: int | None = None,
    reference: Path | None = None,
    cache: Path | None = None,
    workers: int | None = None,
    fresh: bool = False,
    quiet: bool = False,
) -> ArchiveRun:
    """Every finding of the whole check over the archive, from the cache when the code under
    test, the reference table and the archive are unchanged."""
    root = code_under_test()
    reference = Path(reference) if reference else root / "reference_data"
    cache = cache_root(cache)
    corpus = write_corpus(jsonl, limit, cache)
    key = hashlib.sha256(
        "|".join((code_digest(root), reference_digest(reference), corpus.name)).encode()
    ).hexdigest()[:20]
    results = cache / "results" / f"{key}.json"
    if results.is_file() and not fresh:
        data = json.loads(results.read_text(encoding="utf-8"))
        return ArchiveRun(corpus, data["findings"], data["seconds"], True, root, key)

    from figcheck.pipeline import check_corpus

    # One output folder per code root, so runs of different checkouts do not share one.
    out = cache / "runs" / hashlib.sha256(str(root).encode()).hexdigest()[:12] / "latest"
    started = time.perf_counter()

    done = 0

    def progress(batch: Any, _output: object, _claims: int) -> None:
        nonlocal done
        done += len(batch.documents)
        if not quiet:
            print(f"  checked {done} articles ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    kwargs: dict[str, Any] = {"on_batch": progress, "use_cache": not fresh}
    if workers is not None:
        kwargs["workers"] = workers
    check_corpus(corpus, reference, out, **kwargs)
    seconds = time.perf_counter() - started
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    findings = data["findings"]
    shutil.rmtree(out.parent / "runs", ignore_errors=True)  # per-run copies: not needed here
    results.parent.mkdir(parents=True, exist_ok=True)
    tmp = results.with_name(f"{results.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"seconds": seconds, "code_root": str(root), "findings": findings}), encoding="utf-8")
    os.replace(tmp, results)
    return ArchiveRun(corpus, findings, seconds, False, root, key)


def article_text(corpus: Path, doc_id: str) -> str:
    """The text of an article of the corpus folder exactly as the run read it (offsets index it)."""
    text = (corpus / f"{doc_id}.txt").read_bytes().decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def finding_checks(finding: dict[str, Any]) -> set[str]:
    """The checks a finding speaks for: its own ``check``, and those of any findings merged
    into it (a ``checks`` list, or ``reasons`` entries with a ``check``)."""
    names = {finding.get("check")} if finding.get("check") else set()
    for field in ("checks", "reasons", "merged"):
        value = finding.get(field)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    names.add(item)
                elif isinstance(item, dict) and isinstance(item.get("check"), str):
                    names.add(item["check"])
    return names
