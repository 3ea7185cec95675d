"""Loads articles and their metadata into Documents: from corpus folders, single files,
text in hand and JSON-lines collections, marking page furniture and inferring what the
metadata leaves out."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from figcheck.furniture import PageLayout, is_section_name, read_page
from figcheck.records import Document, DocumentMeta, LoadProblem

ARTICLE_SUFFIX = ".txt"
META_SUFFIX = ".meta.yaml"
# Filled in by figcheck itself, never written by hand in a metadata file.
DERIVED_META_FIELDS = frozenset({"inferred"})


class DocumentError(Exception):
    """An article or its metadata that cannot be loaded; the message names the file."""

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


class CorpusLoad(BaseModel):
    """The documents of a corpus folder that loaded, and the problems of those that did not."""

    model_config = ConfigDict(extra="forbid")

    documents: list[Document] = Field(default_factory=list)
    problems: list[LoadProblem] = Field(default_factory=list)


# --- one document ------------------------------------------------------------------------


def load_document(path: Path, *, published: date | datetime | None = None) -> Document:
    """Loads one article and the ``<stem>.meta.yaml`` beside it, if there is one.

    The text is exactly what ``path.read_text(encoding="utf-8")`` gives: claim offsets index
    into it. ``published`` overrides the metadata file's date.
    """
    path = Path(path)
    text = read_article_text(path)
    meta_path = meta_path_for(path)
    meta = read_meta(meta_path) if meta_path.is_file() else DocumentMeta()
    if published is not None:
        meta = _with_published(meta, published, path)
    return document_from_text(text, path.stem, meta, str(path))


def document_from_text(
    text: str, doc_id: str, meta: DocumentMeta | None = None, path: str | None = None
) -> Document:
    """A Document for text already in hand (standard input, a fetched page): its furniture
    marked, and the title, date and dateline the metadata lacks inferred from the text."""
    if not text.strip():
        raise DocumentError(path or doc_id, "the article is empty (no text besides white space)")
    layout = read_page(text)
    return Document(
        doc_id=doc_id,
        text=text,
        meta=infer_meta(text, meta or DocumentMeta(), layout),
        path=path,
        furniture=layout.furniture,
    )


def read_article_text(path: Path) -> str:
    """The article's text as ``path.read_text(encoding="utf-8")`` gives it, or a DocumentError
    saying why it cannot be read (naming the byte where the encoding breaks)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DocumentError(path, f"cannot read the file: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise DocumentError(
            path,
            f"not valid UTF-8 at byte offset {error.start} (line {line}): {error.reason}; "
            "save the article as UTF-8",
        ) from None
    # The universal-newline translation read_text applies, so offsets agree with it.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def meta_path_for(article: Path) -> Path:
    return article.with_name(article.stem + META_SUFFIX)


# --- metadata files ----------------------------------------------------------------------


# libyaml's parser when PyYAML was built with it (the wheels are): a corpus of thousands of
# metadata files spends most of its loading time in the pure-Python one.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _MetaLoader(_BaseLoader):
    """Safe YAML, but a date stays a string so that DocumentMeta parses every date alike
    (PyYAML would turn ``2021-10-26T09:18:00+09:00`` into a datetime its own way)."""


_MetaLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def read_meta(path: Path) -> DocumentMeta:
    """Reads and validates a ``.meta.yaml`` file; errors name the file, line and field."""
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DocumentError(path, f"cannot read the metadata file: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise DocumentError(path, f"not valid UTF-8 at byte offset {error.start}: {error.reason}") from None
    loader = _MetaLoader(source)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise DocumentError(path, f"{where}not valid YAML: {problem}") from None
    finally:
        loader.dispose()
    if node is None or data is None:
        # Nothing but comments (or `~`): nothing is known yet.
        return DocumentMeta()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise DocumentError(path, "a metadata file must be a mapping of field: value lines")
    lines = _key_lines(node, path)
    return _validated_meta(data, path, lines)


def _key_lines(node: yaml.MappingNode, path: Path) -> dict[str, int]:
    lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key, line = key_node.value, key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise DocumentError(path, f"line {line}: a field name must be a plain word")
        if key in lines:
            raise DocumentError(path, f"line {line}: field {key!r} is given twice (first on line {lines[key]})")
        lines[key] = line
    return lines


def _validated_meta(data: dict[Any, Any], path: Path, lines: dict[str, int]) -> DocumentMeta:
    def where(field: str) -> str:
        return f"line {lines[field]}: " if field in lines else ""

    known = sorted(set(DocumentMeta.model_fields) - DERIVED_META_FIELDS)
    for field, value in data.items():
        if field in DERIVED_META_FIELDS or (isinstance(field, str) and field not in DocumentMeta.model_fields):
            raise DocumentError(
                path, f"{where(str(field))}field {field!r}: unknown field (known fields: {', '.join(known)})"
            )
        # A bare number would pass as seconds since 1970; no one writes a date that way.
        if field in ("published", "retrieved") and isinstance(value, int | float) and not isinstance(value, bool):
            raise DocumentError(
                path,
                f"{where(field)}field {field!r}: not an ISO date: {value!r} "
                "(expected e.g. 2021-10-26 or 2021-10-26T09:18:00+09:00)",
            )
    try:
        return DocumentMeta.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            field = str(item["loc"][0]) if item["loc"] else "?"
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{where(field)}field {field!r}: {message}")
        raise DocumentError(path, "; ".join(problems)) from None


def _with_published(meta: DocumentMeta, published: date | datetime, path: Path) -> DocumentMeta:
    if not isinstance(published, date):
        raise DocumentError(path, f"the publication date given must be a date, not {published!r}")
    return meta.model_copy(update={"published": published})


# --- inference ---------------------------------------------------------------------------

# A year in an address: "/2010/10/21/", "2010-10-21", "20101021", "/2010/".
_URL_YEAR = re.compile(r"(?<![\d])((?:19|20)\d\d)(?:[/-]?[01]\d[/-]?[0-3]\d)?(?![\d])")


def infer_meta(text: str, meta: DocumentMeta, layout: PageLayout | None = None) -> DocumentMeta:
    """Fills the title, publication date and dateline the metadata leaves out, from what
    the text states, and lists the fields filled in ``inferred``. Never guesses a date
    the text does not give."""
    layout = layout or read_page(text)
    found: dict[str, Any] = {}
    if meta.title is None and layout.headlines:
        found["title"] = _headline(text, layout)
    if meta.published is None:
        published = _stated_publication(layout, meta.url)
        if published is not None:
            found["published"] = published
    if meta.dateline is None and layout.dateline is not None:
        found["dateline"] = layout.dateline.place
    if not found:
        return meta
    inferred = list(meta.inferred) + [field for field in found if field not in meta.inferred]
    return meta.model_copy(update={**found, "inferred": inferred})


def _headline(text: str, layout: PageLayout) -> str:
    """The first headline-like line of the page's header that is more than a section name
    ("Weapons of Mass Destruction (WMD)", "National"); a section name only if nothing else is."""
    lines = [text[span.start:span.end] for span in layout.headlines]
    return next((line for line in lines if not is_section_name(line)), lines[0])


def _stated_publication(layout: PageLayout, url: str | None) -> date | datetime | None:
    """The publication date the page states: a "Published" stamp (the most precise one
    for its day), else an "Updated" one, else a dateline's date if its year is known."""
    for kind in ("published", "updated"):
        stamps = [stamp.value for stamp in layout.stamps if stamp.kind == kind]
        if stamps:
            first_day = _day(stamps[0])
            same_day = [value for value in stamps if _day(value) == first_day]
            timed = [value for value in same_day if isinstance(value, datetime)]
            return timed[0] if timed else stamps[0]
    dateline = layout.dateline
    if dateline is None or dateline.month is None or dateline.day is None:
        return None
    year = dateline.year
    if year is None and url:
        # "SEOUL, Nov. 23 (Yonhap)" gives no year; the page's address may.
        match = _URL_YEAR.search(url)
        year = int(match.group(1)) if match else None
    if year is None:
        return None
    try:
        return date(year, dateline.month, dateline.day)
    except ValueError:
        return None


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


# --- folders -----------------------------------------------------------------------------


def list_articles(folder: Path) -> tuple[list[Path], list[LoadProblem]]:
    """The articles (top-level ``*.txt``) of a corpus folder in file-name order, and each
    metadata file that has no article beside it, as a problem naming it."""
    folder = Path(folder)
    if not folder.exists():
        raise DocumentError(folder, "no such corpus folder")
    if not folder.is_dir():
        raise DocumentError(folder, "not a folder (a corpus is a folder of .txt articles)")
    articles = sorted(
        path for path in folder.iterdir()
        if path.suffix == ARTICLE_SUFFIX and not path.name.startswith(".") and path.is_file()
    )
    if not articles:
        raise DocumentError(folder, f"no articles (*{ARTICLE_SUFFIX} files) in this folder")
    article_stems = {path.stem for path in articles}
    orphans = []
    for meta in sorted(folder.glob(f"*{META_SUFFIX}")):
        stem = meta.name.removesuffix(META_SUFFIX)
        if stem not in article_stems and not meta.name.startswith("."):
            message = f"{meta}: metadata without an article (no {stem}{ARTICLE_SUFFIX} beside it)"
            orphans.append(LoadProblem(path=str(meta), message=message))
    return articles, orphans


def iter_corpus(folder: Path) -> Iterator[Document | LoadProblem]:
    """The articles of a corpus folder in file-name order, each a Document or, when it cannot
    be loaded, a LoadProblem naming the file; then metadata files with no article."""
    articles, orphans = list_articles(folder)
    for path in articles:
        try:
            yield load_document(path)
        except DocumentError as error:
            yield LoadProblem(path=error.path, message=str(error))
    yield from orphans


def load_corpus(folder: Path) -> CorpusLoad:
    """Every article of a corpus folder; one bad article never stops the others."""
    loaded = CorpusLoad()
    for item in iter_corpus(folder):
        if isinstance(item, Document):
            loaded.documents.append(item)
        else:
            loaded.problems.append(item)
    return loaded


# --- JSON-lines collections --------------------------------------------------------------


def iter_jsonl_documents(path: Path, limit: int | None = None) -> Iterator[Document]:
    """The articles of a ``.jsonl`` or ``.jsonl.gz`` file, one JSON object a line with
    ``id``, ``title``, ``source``, ``published``, ``url`` and ``text``.

    A line that is not such an article raises DocumentError naming the file and line.
    """
    path = Path(path)
    stem = path.name.removesuffix(".gz").removesuffix(".jsonl")
    seen: dict[str, int] = {}
    count = 0
    try:
        with _open_text(path) as lines:
            for number, line in enumerate(lines, start=1):
                if limit is not None and count >= limit:
                    return
                if not line.strip():
                    continue
                document = _jsonl_document(line, path, number, stem)
                if document.doc_id in seen:
                    raise DocumentError(
                        path, f"line {number}: id {document.doc_id!r} is already used on line {seen[document.doc_id]}"
                    )
                seen[document.doc_id] = number
                count += 1
                yield document
    except OSError as error:
        raise DocumentError(path, f"cannot read the file: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise DocumentError(path, f"not valid UTF-8: {error.reason}") from None


def _open_text(path: Path) -> TextIO:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _jsonl_document(line: str, path: Path, number: int, stem: str) -> Document:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise DocumentError(path, f"line {number}: not valid JSON: {error.msg} (column {error.colno})") from None
    if not isinstance(record, dict):
        raise DocumentError(path, f"line {number}: an article must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise DocumentError(path, f"line {number}: field 'text': missing or empty")
    doc_id = record.get("id")
    if doc_id is None:
        doc_id = f"{stem}-{number}"
    elif not isinstance(doc_id, str | int) or not str(doc_id).strip():
        raise DocumentError(path, f"line {number}: field 'id': must be a non-empty string, not {doc_id!r}")
    fields = {
        "title": record.get("title"),
        "publisher": record.get("source"),
        "published": record.get("published"),
        "url": record.get("url"),
        "language": record.get("language", "en"),
    }
    try:
        meta = DocumentMeta.model_validate(fields)
    except ValidationError as error:
        item = error.errors()[0]
        field = "source" if item["loc"][0] == "publisher" else item["loc"][0]
        message = item["msg"].removeprefix("Value error, ")
        raise DocumentError(path, f"line {number}: field {field!r}: {message}") from None
    return document_from_text(text, str(doc_id), meta, f"{path}:{number}")


# --- identity ----------------------------------------------------------------------------


def content_hash(text: str) -> str:
    """The hash of an article's text alone, as ``DocumentMeta.content_hash`` records it."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_hash(document: Document) -> str:
    """Changes whenever anything extraction reads changes: the id, the text or the metadata."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (document.doc_id, content_hash(document.text), document.meta.model_dump_json()):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def corpus_version(documents: Iterable[Document]) -> str:
    """One hash for a set of documents, whatever their order: a key for caches of results."""
    digest = hashlib.blake2b(digest_size=16)
    for doc_id, hashed in sorted((document.doc_id, document_hash(document)) for document in documents):
        digest.update(f"{doc_id}\x1f{hashed}\x1e".encode("utf-8"))
    return digest.hexdigest()
