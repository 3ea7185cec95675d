"""Writing fetched articles into the corpus folder without ever overwriting one.

Files, for an article with id ``<id>`` (``<host>-<published date>-<slug of title>``):

- ``corpus/<id>.txt`` and ``corpus/<id>.meta.yaml``: the text and its DocumentMeta;
- ``corpus/raw/<id>.html``: the bytes as downloaded, so the text can be re-extracted;
- a changed page is a new version beside the first: ``corpus/<id>--v2.txt`` (and
  ``.meta.yaml``, ``raw/<id>--v2.html``), then ``--v3``... Every version is an ordinary
  top-level document, so the corpus loader sees them all; which document revises which
  is kept in the state file (DocumentMeta has no field for it);
- ``corpus/.fetch-state.json``: per URL the validators (ETag, Last-Modified), the last
  status and the document it gave; per document all its URLs (the same article under two
  URLs is stored once) and its versions; per source when it was last fetched.

Every file is written atomically, meta before text, so a crash never leaves a text the
loader would read without its metadata. One fetch at a time holds ``corpus/.fetch.lock``.
"""

from __future__ import annotations

import fcntl
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from figcheck.fetching.article import ArticleText
from figcheck.fetching.client import Download, FetchProblem, NotModified
from figcheck.corpus import content_hash, load_document
from figcheck.files import write_atomically
from figcheck.records import Document, DocumentMeta, stable_id

STATE_FILE = ".fetch-state.json"
LOCK_FILE = ".fetch.lock"
RAW_FOLDER = "raw"
_VERSION = re.compile(r"--v(\d+)$")
_TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid)$")


class StoreError(RuntimeError):
    pass


class _State(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UrlState(_State):
    etag: str | None = None
    last_modified: str | None = None
    # "ok", "not_modified", or the reason of the last failure ("http_5xx", ...).
    status: str
    checked: datetime
    doc_id: str | None = None
    content_hash: str | None = None


class VersionState(_State):
    doc_id: str
    content_hash: str
    retrieved: datetime
    url: str


class DocState(_State):
    urls: list[str]
    versions: list[VersionState]


class SourceState(_State):
    last_run: datetime | None = None
    # "article", "feed" or "sitemap", as the last successful fetch found it.
    kind: str | None = None
    # A feed's or sitemap's item URLs, reused when it answers 304 Not Modified.
    listing: list[str] = Field(default_factory=list)


class FetchState(_State):
    format: Literal[1] = 1
    urls: dict[str, UrlState] = Field(default_factory=dict)
    docs: dict[str, DocState] = Field(default_factory=dict)
    sources: dict[str, SourceState] = Field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> FetchState:
        try:
            return cls.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return cls()
        except ValidationError as exc:
            raise StoreError(f"{path}: not a figcheck fetch state file ({exc.error_count()} error(s): "
                             f"{exc.errors()[0]['msg']}); move it away to start afresh") from None


@dataclass(frozen=True)
class FetchedPage:
    """A downloaded article page and the text taken out of it, not yet stored."""

    url: str
    source_url: str
    download: Download
    article: ArticleText
    publisher: str | None = None
    language: str | None = None
    # A publication date the feed or sitemap gave, used when the page itself has none.
    listed_published: datetime | None = None


StoredOutcome = Literal["new", "new_version", "unchanged", "same_article"]


class Stored(BaseModel):
    """What storing one page did: ``same_article`` is a known article met under a new URL."""

    model_config = ConfigDict(extra="forbid")

    url: str
    outcome: StoredOutcome
    doc_id: str
    # For a new version: the version it revises.
    previous_doc_id: str | None = None


def normalize_url(url: str) -> str:
    """The URL without its fragment and tracking parameters, for recognising a page again."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _TRACKING_PARAMS.match(k)])
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


class CorpusStore:
    """The corpus folder and its fetch state; open with ``CorpusStore.locked(corpus)``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.state_path = self.root / STATE_FILE
        self.state = FetchState.load(self.state_path)
        self._doc_of_url: dict[str, str] = {}
        self._doc_of_hash: dict[str, str] = {}
        for base_id, doc in self.state.docs.items():
            for url in doc.urls:
                self._doc_of_url[normalize_url(url)] = base_id
            for version in doc.versions:
                self._doc_of_hash.setdefault(version.content_hash, base_id)

    @classmethod
    @contextmanager
    def locked(cls, root: str | Path) -> Iterator[CorpusStore]:
        """The store, held exclusively for one fetch run; the state is saved on leaving."""
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        with open(root / LOCK_FILE, "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"{root}: another fetch is writing to this corpus ({root / LOCK_FILE})") from None
            store = cls(root)
            try:
                yield store
            finally:
                store.save()
                fcntl.flock(lock, fcntl.LOCK_UN)

    def save(self) -> None:
        write_atomically(self.state_path, self.state.model_dump_json(indent=1, exclude_none=True).encode("utf-8"))

    # --- reading ---------------------------------------------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """ETag and Last-Modified to send for ``url``; none when its document has gone missing."""
        known = self.state.urls.get(normalize_url(url))
        if known is None:
            return None, None
        if known.doc_id is not None and not (self.root / f"{known.doc_id}.txt").exists():
            return None, None
        return known.etag, known.last_modified

    def listing(self, source_url: str) -> list[str]:
        source = self.state.sources.get(source_url)
        return list(source.listing) if source else []

    def last_run(self, source_url: str) -> datetime | None:
        source = self.state.sources.get(source_url)
        return source.last_run if source else None

    def versions(self, base_id: str) -> list[str]:
        doc = self.state.docs.get(base_id)
        return [version.doc_id for version in doc.versions] if doc else []

    # --- recording -------------------------------------------------------------------------

    def source_kind(self, source_url: str) -> str | None:
        source = self.state.sources.get(source_url)
        return source.kind if source else None

    def record_source(self, source_url: str, now: datetime, kind: str, listing: list[str] | None = None) -> None:
        """A source fetched successfully (a failed one is tried again on the next run)."""
        source = self.state.sources.setdefault(source_url, SourceState())
        source.last_run, source.kind = now, kind
        if listing is not None:
            source.listing = listing

    def record_listing_download(self, download: Download, now: datetime) -> None:
        self.state.urls[normalize_url(download.url)] = UrlState(
            etag=download.etag, last_modified=download.last_modified, status="ok", checked=now
        )

    def record_not_modified(self, answer: NotModified, now: datetime) -> Stored | None:
        known = self.state.urls.get(normalize_url(answer.url))
        if known is None:
            return None
        known.status, known.checked = "not_modified", now
        known.etag = answer.etag or known.etag
        known.last_modified = answer.last_modified or known.last_modified
        if known.doc_id is None:
            return None
        return Stored(url=answer.url, outcome="unchanged", doc_id=known.doc_id)

    def record_problem(self, problem: FetchProblem, now: datetime) -> None:
        key = normalize_url(problem.url)
        known = self.state.urls.get(key)
        if known is None:
            self.state.urls[key] = UrlState(status=problem.reason, checked=now)
        else:
            # Keep the validators and document: the page we have is still the last good one.
            known.status, known.checked = problem.reason, now

    def store(self, page: FetchedPage, now: datetime) -> Stored:
        """Add a fetched page: a new document, a new version of one, or one more URL of one."""
        digest = content_hash(page.article.text)
        url = normalize_url(page.url)
        urls = list(dict.fromkeys([url, normalize_url(page.download.final_url)]))
        base_id = next((self._doc_of_url[u] for u in urls if u in self._doc_of_url), None)
        if base_id is None and page.article.canonical_url:
            base_id = self._doc_of_url.get(normalize_url(page.article.canonical_url))
        if base_id is None:
            base_id = self._doc_of_hash.get(digest)
        if base_id is None:
            base_id = self._new_doc_id(page)
            self._write(base_id, page, digest, now)
            doc = self.state.docs[base_id] = DocState(urls=[], versions=[])
            doc.versions.append(VersionState(doc_id=base_id, content_hash=digest, retrieved=now, url=url))
            stored = Stored(url=page.url, outcome="new", doc_id=base_id)
        else:
            doc = self.state.docs[base_id]
            known = next((v for v in doc.versions if v.content_hash == digest), None)
            if known is not None:
                # A page that went back to an earlier text is not a new version either.
                outcome: StoredOutcome = "unchanged" if url in doc.urls else "same_article"
                stored = Stored(url=page.url, outcome=outcome, doc_id=known.doc_id)
            else:
                previous = doc.versions[-1].doc_id
                version_id = self._next_version_id(base_id, len(doc.versions) + 1)
                self._write(version_id, page, digest, now)
                doc.versions.append(VersionState(doc_id=version_id, content_hash=digest, retrieved=now, url=url))
                stored = Stored(url=page.url, outcome="new_version", doc_id=version_id, previous_doc_id=previous)
        for known_url in urls:
            if known_url not in doc.urls:
                doc.urls.append(known_url)
            self._doc_of_url[known_url] = base_id
        self._doc_of_hash.setdefault(digest, base_id)
        self.state.urls[url] = UrlState(
            etag=page.download.etag,
            last_modified=page.download.last_modified,
            status="ok",
            checked=now,
            doc_id=stored.doc_id,
            content_hash=digest,
        )
        return stored

    # --- files -----------------------------------------------------------------------------

    def _taken(self, doc_id: str) -> bool:
        return doc_id in self.state.docs or any(
            path.exists()
            for path in (self.root / f"{doc_id}.txt", self.root / f"{doc_id}.meta.yaml",
                         self.root / RAW_FOLDER / f"{doc_id}.html")
        )

    def _new_doc_id(self, page: FetchedPage) -> str:
        article = page.article
        host = (urlsplit(page.url).hostname or "web").removeprefix("www.")
        published = article.published or (page.listed_published.date() if page.listed_published else None)
        slug = _slug(article.title or "") or _slug(urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[-1])
        parts = [_slug(host), published.isoformat() if published else None, slug]
        doc_id = "-".join(part for part in parts if part)
        if self._taken(doc_id):
            # Another article with the same host, date and title (a live blog, a daily
            # digest): tell them apart by their URL.
            doc_id = f"{doc_id}-{stable_id('u', normalize_url(page.url)).removeprefix('u-')[:8]}"
        if self._taken(doc_id):
            raise StoreError(f"{self.root}: cannot choose a free document id for {page.url} (tried {doc_id})")
        return doc_id

    def _next_version_id(self, base_id: str, number: int) -> str:
        # Files left behind by hand are skipped, never overwritten.
        while self._taken(f"{base_id}--v{number}"):
            number += 1
        return f"{base_id}--v{number}"

    def _write(self, doc_id: str, page: FetchedPage, digest: str, now: datetime) -> None:
        article = page.article
        published: date | datetime | None = article.published or page.listed_published
        meta = DocumentMeta(
            title=article.title,
            publisher=page.publisher or article.sitename,
            author=article.author,
            published=published,
            url=page.url,
            language=page.language or article.language,
            retrieved=now,
            content_hash=digest,
        )
        fields = {key: value for key, value in meta.model_dump(mode="json").items() if value not in (None, [])}
        write_atomically(self.root / RAW_FOLDER / f"{doc_id}.html", page.download.body)
        write_atomically(
            self.root / f"{doc_id}.meta.yaml",
            yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000).encode("utf-8"),
        )
        write_atomically(self.root / f"{doc_id}.txt", article.text.encode("utf-8"))


def base_doc_id(doc_id: str) -> str:
    """``x--v3`` -> ``x``: the first version's id."""
    return _VERSION.sub("", doc_id)


def _slug(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or (words[0][:limit] if words else "")


def read_document(corpus: str | Path, doc_id: str) -> Document:
    """A document the store wrote, loaded as the corpus loader loads every article."""
    return load_document(Path(corpus) / f"{doc_id}.txt")
