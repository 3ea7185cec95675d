"""The claim cache: what a run keeps of each article it has checked, so that an unchanged article is
neither parsed nor sent to a worker again, and a damaged cache file never stops a run."""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import time
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


# The code that turns the articles' results into a run's files: the corpus-wide reduce and the
# rendering. A run reused whole (see figcheck.pipeline.unchanged) depends on it as well.
_OUTPUT_CODE = ("figcheck/pipeline", "figcheck/report", "figcheck/templates", "figcheck/runs.py", "figcheck/files.py")


@functools.cache
def code_version() -> str:
    return _code_digest(_RESULT_CODE)


@functools.cache
def output_code_version() -> str:
    """The digest of the code of the results and of the code that writes them into a run's files."""
    return _code_digest(_RESULT_CODE + _OUTPUT_CODE)


def _code_digest(entries: tuple[str, ...]) -> str:
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for entry in entries:
        path = root / entry
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.suffix in (".py", ".yaml", ".j2", ".js", ".css") and file.is_file():
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
            db.execute("CREATE TABLE IF NOT EXISTS file (path TEXT PRIMARY KEY, entry TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS memo (name TEXT PRIMARY KEY, entry TEXT NOT NULL)")
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

    def files_under(self, prefix: str) -> dict[str, str]:
        """The ledger rows (see FileLedger) of the paths that start with ``prefix``."""
        try:
            rows = self._db.execute("SELECT path, entry FROM file WHERE path >= ? AND path < ?",
                                    (prefix, prefix + "\U0010ffff")).fetchall()
        except sqlite3.DatabaseError as error:
            self._reset(error)
            return {}
        return dict(rows)

    def put_file(self, path: str, entry_json: str) -> None:
        try:
            self._db.execute("INSERT OR REPLACE INTO file VALUES (?, ?)", (path, entry_json))
        except sqlite3.DatabaseError as error:
            self._reset(error)

    def memo(self, name: str) -> str | None:
        try:
            row = self._db.execute("SELECT entry FROM memo WHERE name = ?", (name,)).fetchone()
        except sqlite3.DatabaseError as error:
            self._reset(error)
            return None
        return row[0] if row else None

    def put_memo(self, name: str, entry_json: str | None) -> None:
        """Stores (or, with None, forgets) a memo, committed at once: it describes files written beside it."""
        try:
            if entry_json is None:
                self._db.execute("DELETE FROM memo WHERE name = ?", (name,))
            else:
                self._db.execute("INSERT OR REPLACE INTO memo VALUES (?, ?)", (name, entry_json))
            self._db.commit()
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


# A file changed less than this before a run began may change again within the same tick of its
# file system's clock (two seconds on the coarsest) without its time moving: its stat is not
# trusted, and it is read and hashed again next time.
RACY_SECONDS = 2.0


def file_signature(path: str | Path) -> str | None:
    """What ``os.stat`` says of a file that changes when its bytes change: its size, modification
    and change times (ns), inode and device, as one string; None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{st.st_size}.{st.st_mtime_ns}.{st.st_ctime_ns}.{st.st_ino}.{st.st_dev}"


class FileLedger:
    """What a run knew of each corpus file it read: the file's stat (``file_signature``; for an
    article, of the article and of its metadata file) with the digest of its bytes, so that the
    next run takes an unchanged file's digest from its stat without reading it. A file whose stat
    differs in any way is read and hashed again; a stat taken within ``RACY_SECONDS`` of its
    file's last change is not recorded. Kept in the claim cache's database, by absolute path."""

    def __init__(self, cache: ClaimCache, corpus: Path) -> None:
        self.cache = cache
        self.started_ns = time.time_ns()
        self._rows = cache.files_under(os.path.abspath(corpus))

    def known(self, path: str, signature: str | None) -> str | None:
        """What was recorded with ``path`` (an absolute path) if ``signature`` is the one recorded."""
        row = self._rows.get(path)
        if row is None or signature is None:
            return None
        recorded, _, payload = row.partition("\t")
        return payload if recorded == signature else None

    def remember(self, path: str, signature: str | None, payload: str) -> None:
        if signature is None or "None" in signature or self._racy(signature):
            return
        self.cache.put_file(path, f"{signature}\t{payload}")

    def _racy(self, signature: str) -> bool:
        limit = self.started_ns - int(RACY_SECONDS * 1e9)
        for one in signature.split("/"):
            _, mtime, ctime, _, _ = one.split(".")
            if int(mtime) >= limit or int(ctime) >= limit:
                return True
        return False
