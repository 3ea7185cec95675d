"""The claim cache: what a run keeps of each article it has checked, so that an unchanged article is
neither parsed nor sent to a worker again, and a damaged cache file never stops a run."""

from __future__ import annotations

import functools
import hashlib
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from figcheck.extraction import EXTRACTOR_VERSION
from figcheck.records import Finding
from figcheck.report import DocumentInfo


class CachedArticle(BaseModel):
    """Everything a run needs of a checked article: what a worker sends back, and what the cache
    keeps. Claims stay JSON lines, as claims.jsonl has them, so they are never parsed to be copied."""

    document: DocumentInfo
    claims: list[str]
    findings: list[Finding]  # the article-level findings
    fingerprint: list[int]
    # The cross-article group keys of its claims: (key, fact id, index into claims).
    entries: list[tuple[list, str | None, int]]


# The code an article's claims and findings depend on. Its digest is part of the cache key,
# so a change to a rule invalidates what it would change even if no version number was bumped.
_RESULT_CODE = ("figcheck/extraction", "figcheck/lexicon", "checkers", "figcheck/corpus.py",
                "figcheck/furniture.py", "figcheck/records.py", "figcheck/reference", "figcheck/linking")


@functools.cache
def code_version() -> str:
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for entry in _RESULT_CODE:
        path = root / entry
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.suffix in (".py", ".yaml") and file.is_file():
                digest.update(str(file.relative_to(root)).encode() + b"\x00" + file.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(doc_id: str, digest: str, reference_version: str) -> str:
    """The article's id as well as its content: two byte-identical articles are two articles."""
    parts = (doc_id, digest, EXTRACTOR_VERSION, code_version(), reference_version)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class ClaimCache:
    """One SQLite file of ``key → CachedArticle JSON``, used by the run's own process only.

    A file that is not a database, or breaks while read, is moved aside (said in one line naming
    it) and a new one is started; an entry that does not parse is a miss and is written again.
    """

    def __init__(self, path: Path, *, warn: Callable[[str], None] = print) -> None:
        self.path = Path(path)
        self.warn = warn
        self.damaged_entries = 0
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as error:
            self._move_aside(error)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS article (key TEXT PRIMARY KEY, entry TEXT NOT NULL)")
            db.execute("SELECT key, entry FROM article LIMIT 1").fetchall()
            db.commit()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _move_aside(self, error: Exception) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        self.path.replace(aside)
        for suffix in ("-wal", "-shm"):
            companion = self.path.with_name(self.path.name + suffix)
            if companion.exists():
                companion.replace(aside.with_name(aside.name + suffix))
        self.warn(f"{self.path}: the claim cache is damaged ({error}); moved it aside to {aside.name} and started a new one")

    def _reset(self, error: Exception) -> None:
        try:
            self._db.close()
        except sqlite3.Error:
            pass
        self._move_aside(error)
        self._db = self._connect()

    def get(self, key: str) -> CachedArticle | None:
        try:
            row = self._db.execute("SELECT entry FROM article WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as error:
            self._reset(error)
            return None
        if row is None:
            return None
        try:
            return CachedArticle.model_validate_json(row[0])
        except (ValidationError, ValueError, TypeError):
            self.damaged_entries += 1
            return None

    def has(self, key: str) -> bool:
        try:
            return self._db.execute("SELECT 1 FROM article WHERE key = ?", (key,)).fetchone() is not None
        except sqlite3.DatabaseError as error:
            self._reset(error)
            return False

    def put(self, key: str, entry_json: str) -> None:
        try:
            self._db.execute("INSERT OR REPLACE INTO article VALUES (?, ?)", (key, entry_json))
        except sqlite3.DatabaseError as error:
            self._reset(error)

    def commit(self) -> None:
        try:
            self._db.commit()
        except sqlite3.DatabaseError as error:
            self._reset(error)

    def close(self) -> None:
        self.commit()
        self._db.close()
        if self.damaged_entries:
            self.warn(f"{self.path}: {self.damaged_entries} damaged entries ignored; those articles were checked again")
            self.damaged_entries = 0
