"""A report's sources and findings kept in a SQLite file while a run goes on, so that the report is
written from it in report order, one finding at a time, with only summaries in memory: the memory
of writing a report does not grow with the number of sources or findings.

A run keeps it in its own folder (``.report.sqlite``) and removes it before the folder becomes the
run, or moves it next to the cache for the next run to take as its own if nothing changes
(``close(keep=...)``, ``reopen``: figcheck.pipeline.unchanged); a report written from findings in
memory uses one in memory."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from figcheck.records import Finding
from figcheck.report.findings_file import report_order
from figcheck.report.run import DocumentInfo

SPILL_NAME = ".report.sqlite"

_SCHEMA = """
CREATE TABLE document (position INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, publisher TEXT,
                       cited_only INTEGER NOT NULL DEFAULT 0, entry TEXT NOT NULL);
CREATE INDEX document_by_id ON document (doc_id, position);
CREATE TABLE article (doc_id TEXT NOT NULL, cache_key TEXT NOT NULL);
CREATE TABLE finding (seq INTEGER PRIMARY KEY, merge_key TEXT, verdict_rank INTEGER, severity_rank INTEGER,
                      check_name TEXT, first_doc TEXT, first_start INTEGER, id TEXT,
                      verdict TEXT, severity TEXT, entry TEXT NOT NULL);
"""
# report_order, with the order findings were added last: sorted() is stable.
_REPORT_ORDER = "verdict_rank, severity_rank, check_name, first_doc, first_start, id, seq"


class ReportStore:
    """Sources in the order the run read them, findings in the order they were found; read back
    as many times as the report needs, findings in report order."""

    def __init__(self, path: Path | None = None, *, existing: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        if self.path is not None and not existing:
            self.path.unlink(missing_ok=True)
        self._db = sqlite3.connect(str(self.path) if self.path is not None else ":memory:")
        # A scratch file: a crash leaves it in the run's partial folder, which is removed whole.
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("PRAGMA cache_size=-8000")  # KiB: SQLite's page cache stays small
        if existing:
            documents, cited_only, last = self._db.execute(
                "SELECT (SELECT COUNT(*) FROM document WHERE cited_only = 0),"
                " (SELECT COUNT(*) FROM document WHERE cited_only = 1), (SELECT MAX(seq) FROM finding)").fetchone()
        else:
            self._db.executescript(_SCHEMA)
            documents, cited_only, last = 0, 0, None
        self._documents = documents
        self._cited_only = cited_only
        self._findings = last + 1 if last is not None else 0
        self._lookup = lru_cache(maxsize=4096)(self._find_document)
        # In memory, the records themselves are kept (the store orders them): a finding of a
        # subclass keeps its type and its extra fields.
        self._objects: list[Finding | DocumentInfo] | None = [] if self.path is None else None

    # --- sources

    def add_documents(self, infos: Iterable[DocumentInfo]) -> None:
        rows = []
        for info in infos:
            rows.append((self._documents, info.doc_id, info.publisher, self._entry(info)))
            self._documents += 1
        self._db.executemany("INSERT INTO document (position, doc_id, publisher, entry) VALUES (?, ?, ?, ?)", rows)

    def add_cited(self, doc_ids: Iterable[str]) -> None:
        """Sources a finding cites that the run did not describe: listed after the others, by the
        report only (``findings.json`` lists the run's own)."""
        for doc_id in doc_ids:
            info = DocumentInfo(doc_id=doc_id)
            if self.has_document(doc_id):
                continue
            self._db.execute("INSERT INTO document VALUES (?, ?, NULL, 1, ?)",
                             (self._documents + self._cited_only, doc_id, self._entry(info)))
            self._cited_only += 1
        self._lookup.cache_clear()

    def add_article(self, info: DocumentInfo, cache_key: str) -> None:
        """A source the run checked, with the key of its results (what the corpus's version digests)."""
        self.add_documents([info])
        self._db.execute("INSERT INTO article VALUES (?, ?)", (info.doc_id, cache_key))

    def article_keys(self) -> Iterator[str]:
        """The keys of the run's articles in the order they were added."""
        for (key,) in self._db.cursor().execute("SELECT cache_key FROM article ORDER BY rowid"):
            yield key

    def corpus_digest(self) -> str:
        """A digest of the sorted (id, key) pairs of the run's articles, as
        sha256(json.dumps(sorted(pairs))) gives it, without the list in memory."""
        digest = hashlib.sha256(b"[")
        separator = b""
        for pair in self._db.cursor().execute("SELECT doc_id, cache_key FROM article ORDER BY doc_id, cache_key"):
            digest.update(separator + json.dumps(list(pair)).encode())
            separator = b", "
        digest.update(b"]")
        return digest.hexdigest()[:16]

    @property
    def document_count(self) -> int:
        """The run's own sources."""
        return self._documents

    @property
    def source_count(self) -> int:
        """The sources the report lists: the run's and those only cited."""
        return self._documents + self._cited_only

    def documents(self, *, cited: bool = True) -> Iterator[DocumentInfo]:
        query = "SELECT entry FROM document" + ("" if cited else " WHERE cited_only = 0") + " ORDER BY position"
        for (entry,) in self._db.cursor().execute(query):
            yield self._document(entry)

    def doc_ids(self) -> Iterator[str]:
        for (doc_id,) in self._db.cursor().execute("SELECT doc_id FROM document ORDER BY position"):
            yield doc_id

    def has_document(self, doc_id: str) -> bool:
        return self._lookup(doc_id) is not None

    def document(self, doc_id: str) -> tuple[int, DocumentInfo] | None:
        """The source's place and record; of two sources with one id, the later (as a dict of them would)."""
        return self._lookup(doc_id)

    def document_at(self, position: int) -> DocumentInfo:
        row = self._db.execute("SELECT entry FROM document WHERE position = ?", (position,)).fetchone()
        if row is None:
            raise IndexError(position)
        return self._document(row[0])

    def _find_document(self, doc_id: str) -> tuple[int, DocumentInfo] | None:
        row = self._db.execute(
            "SELECT position, entry FROM document WHERE doc_id = ? ORDER BY position DESC LIMIT 1", (doc_id,)
        ).fetchone()
        return (row[0], self._document(row[1])) if row else None

    def publisher_counts(self) -> Counter[str | None]:
        """Sources by publisher (None: not given), counting every source the report lists."""
        return Counter(dict(self._db.execute("SELECT publisher, COUNT(*) FROM document GROUP BY publisher")))

    # --- findings

    def add_findings(self, findings: Iterable[Finding]) -> None:
        rows = []
        for finding in findings:
            verdict_rank, severity_rank, check, (first_doc, first_start), finding_id = report_order(finding)
            merge_key = finding.claims[0].claim_id if finding.verdict == "discrepancy" and finding.claims else None
            rows.append((self._findings, merge_key, verdict_rank, severity_rank, check, first_doc, first_start,
                         finding_id, finding.verdict, finding.severity, self._entry(finding)))
            self._findings += 1
        self._db.executemany("INSERT INTO finding VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def merge(self, merge: Callable[[list[Finding]], list[Finding]]) -> None:
        """Applies ``merge`` (one discrepancy per flagged figure) to the findings that share a
        flagged figure; the merged finding takes the place of the first of them, as it would in
        the whole list."""
        keys = [key for (key,) in self._db.execute(
            "SELECT merge_key FROM finding WHERE merge_key IS NOT NULL GROUP BY merge_key HAVING COUNT(*) > 1")]
        for key in keys:
            rows = self._db.execute("SELECT seq, entry FROM finding WHERE merge_key = ? ORDER BY seq", (key,)).fetchall()
            (merged,) = merge([self._finding(entry) for _, entry in rows])
            self._db.execute("DELETE FROM finding WHERE merge_key = ?", (key,))
            verdict_rank, severity_rank, check, (first_doc, first_start), finding_id = report_order(merged)
            self._db.execute("INSERT INTO finding VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (rows[0][0], key, verdict_rank, severity_rank, check, first_doc, first_start,
                              finding_id, merged.verdict, merged.severity, self._entry(merged)))

    @property
    def finding_count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM finding").fetchone()[0]

    def findings(self, *, verdict: str | None = None, check: str | None = None,
                 severity: str | None = None) -> Iterator[Finding]:
        """The findings in report order (of one verdict, check, severity, if given)."""
        for entry in self._finding_entries(verdict=verdict, check=check, severity=severity):
            yield self._finding(entry)

    def finding_dumps(self) -> Iterator[dict]:
        """The findings in report order, each as ``model_dump(mode="json")`` gives it."""
        for entry in self._finding_entries():
            yield self._objects[int(entry)].model_dump(mode="json") if self._objects is not None else json.loads(entry)

    def _finding_entries(self, *, verdict: str | None = None, check: str | None = None,
                         severity: str | None = None) -> Iterator[str]:
        """The findings as JSON, in report order."""
        where, values = [], []
        if verdict is not None:
            where.append("verdict = ?")
            values.append(verdict)
        if check is not None:
            where.append("check_name = ?")
            values.append(check)
        if severity is not None:
            where.append("severity = ?")
            values.append(severity)
        query = "SELECT entry FROM finding" + (" WHERE " + " AND ".join(where) if where else "")
        # A cursor of its own: several passes may be open at once (a template reads groups in turn).
        for (entry,) in self._db.cursor().execute(query + " ORDER BY " + _REPORT_ORDER, values):
            yield entry

    def tallies(self) -> list[tuple[str, str, str, int]]:
        """(verdict, severity, check, count) for every combination present."""
        return list(self._db.execute(
            "SELECT verdict, severity, check_name, COUNT(*) FROM finding GROUP BY verdict, severity, check_name"))

    def _entry(self, record: Finding | DocumentInfo) -> str:
        if self._objects is None:
            return record.model_dump_json()
        self._objects.append(record)
        return str(len(self._objects) - 1)

    def _finding(self, entry: str) -> Finding:
        return self._objects[int(entry)] if self._objects is not None else Finding.model_validate_json(entry)

    def _document(self, entry: str) -> DocumentInfo:
        return self._objects[int(entry)] if self._objects is not None else DocumentInfo.model_validate_json(entry)

    @classmethod
    def reopen(cls, path: Path) -> ReportStore:
        """A store a run kept (``close(keep=...)``), as that run left it; sqlite3.DatabaseError if
        it is not one."""
        if not Path(path).is_file():
            raise FileNotFoundError(path)
        return cls(path, existing=True)

    def commit(self) -> None:
        """Makes what was added so far visible to other connections (to a copy of the file)."""
        self._db.commit()

    def close(self, *, keep: Path | None = None) -> None:
        """Closes the store and removes its file, or moves the file to ``keep`` (for ``reopen``)."""
        if keep is not None:
            self._db.commit()
        self._db.close()
        if self.path is not None:
            if keep is not None:
                os.replace(self.path, keep)
            else:
                self.path.unlink(missing_ok=True)
