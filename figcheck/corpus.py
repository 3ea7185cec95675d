"""Loads articles and their metadata into Documents: from corpus folders, single files,
text in hand and JSON-lines collections, marking page furniture and inferring what the
metadata leaves out. `iter_corpus` reads a corpus whatever its form.

Offsets: a claim's ``start`` and ``end`` index into ``Document.text``. For an article file
that is ``Path(article).read_text(encoding="utf-8")``; for an article of a JSON-lines file
it is the line's ``text`` field exactly as decoded from the JSON (no newline translation)."""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

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
    return _load_document(Path(path), published=published)


@dataclass(frozen=True)
class RawArticle:
    """An article as read, before it is made a Document: an article file's bytes and its
    metadata file's (``meta`` None when there is none), or a JSON line's text with its metadata
    already validated. Plain data that travels cheaply, so that decoding, the metadata file and
    the page's furniture are read wherever the work is done; ``document()`` gives exactly the
    Document ``iter_corpus`` would."""

    doc_id: str
    path: str
    text: bytes | str
    meta: bytes | DocumentMeta | None = None

    def document(self) -> Document:
        path = Path(self.path)
        text = decode_article(self.text, path) if isinstance(self.text, bytes) else self.text
        if isinstance(self.meta, bytes):
            meta = parse_meta(self.meta, meta_path_for(path))
        else:
            meta = self.meta or DocumentMeta()
        return _document(text, self.doc_id, meta, self.path, read_pages=True)


def read_article_files(path: Path) -> RawArticle:
    """The bytes of an article file and of its ``.meta.yaml``, unparsed; a DocumentError names
    the file that cannot be read, as ``load_document`` would."""
    path = Path(path)
    raw = _read_regular_file(path, "the file")
    meta_path = meta_path_for(path)
    try:
        meta = _read_regular_file(meta_path, "the metadata file") if os.path.lexists(meta_path) else None
    except DocumentError:
        decode_article(raw, path)  # an article that cannot be decoded is said first, as load_document does
        raise
    return RawArticle(path.stem, str(path), raw, meta)


def _load_document(path: Path, *, published: date | datetime | None = None, read_pages: bool = True) -> Document:
    text = read_article_text(path)
    meta_path = meta_path_for(path)
    # Anything by the metadata's name is read, so that a folder or a FIFO there is
    # reported under its own name rather than passed over.
    meta = read_meta(meta_path) if os.path.lexists(meta_path) else DocumentMeta()
    if published is not None:
        meta = _with_published(meta, published, path)
    return _document(text, path.stem, meta, str(path), read_pages=read_pages)


def document_from_text(
    text: str, doc_id: str, meta: DocumentMeta | None = None, path: str | None = None
) -> Document:
    """A Document for text already in hand (standard input, a fetched page): its furniture
    marked, and the title, date and dateline the metadata lacks inferred from the text."""
    return _document(text, doc_id, meta, path, read_pages=True)


def _document(text: str, doc_id: str, meta: DocumentMeta | None, path: str | None, *, read_pages: bool) -> Document:
    if not text.strip():
        raise DocumentError(path or doc_id, "the article is empty (no text besides white space)")
    if not read_pages:
        return Document(doc_id=doc_id, text=text, meta=meta or DocumentMeta(), path=path)
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
    return decode_article(_read_regular_file(path, "the file"), path)


def decode_article(raw: bytes, name: str | Path) -> str:
    """Article bytes as ``read_text(encoding="utf-8")`` gives them, or a DocumentError
    naming ``name`` and the byte where the encoding breaks."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise DocumentError(
            name,
            f"not valid UTF-8 at byte offset {error.start} (line {line}): {error.reason}; "
            "save the article as UTF-8",
        ) from None
    # The universal-newline translation read_text applies, so offsets agree with it.
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Binary on every system (Windows opens in text mode without it).
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def _read_regular_file(path: Path, what: str) -> bytes:
    # Checked before opening: opening a FIFO waits for a writer that may never come.
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise DocumentError(path, f"cannot read {what}: {_not_a_file(status.st_mode)}")
        # Read by descriptor, not through a buffered file object: a corpus is tens of thousands
        # of small files, and the file object costs more than the reading.
        descriptor = os.open(path, _READ_FLAGS)
        try:
            chunks = [os.read(descriptor, status.st_size + 1)]
            while chunks[-1]:  # until the end, whatever the file's size has become meanwhile
                chunks.append(os.read(descriptor, 1 << 16))
        finally:
            os.close(descriptor)
        return b"".join(chunks)
    except OSError as error:
        raise DocumentError(path, f"cannot read {what}: {_os_reason(error)}") from None


def _not_a_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "it is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "it is a FIFO (named pipe), not a regular file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a regular file"
    return "it is a device, not a regular file"


def _os_reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a symbolic link loop"
    if error.errno == errno.ENOENT:
        return "a broken symbolic link or a missing file"
    return str(error.strerror or error)


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
    return parse_meta(_read_regular_file(path, "the metadata file"), path)


def parse_meta(raw: bytes, path: Path) -> DocumentMeta:
    """The metadata of a ``.meta.yaml`` file's bytes; errors name ``path``, the line and the field.
    A file of the flat form (``_flat_meta``) is read without the YAML library, as it would read it."""
    source = _meta_source(raw, path)
    flat = _flat_meta(source)
    if flat is not None:
        data, lines = flat
        return _validated_meta(data, path, lines)
    return _yaml_meta(source, path)


def parse_meta_yaml(raw: bytes, path: Path) -> DocumentMeta:
    """``parse_meta`` by the YAML library whatever the file's form."""
    return _yaml_meta(_meta_source(raw, path), path)


def _meta_source(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(path, f"not valid UTF-8 at byte offset {error.start}: {error.reason}") from None


# The form metadata files written by programs take (``yaml.safe_dump`` of plain fields, as ours
# are): a `field: value` line for each field, the value a single-quoted string, `null`, or a
# plain string of printable ASCII that starts with a letter, or with a digit and holds a space
# (no number does; a date and time does, but the reader keeps it a string). A line of any other form, a value
# YAML would read as something else than that string (`yes`, `off`: booleans), or a field that
# is unknown or given twice sends the whole file to the YAML library, which says what is wrong.
_FLAT_LINE = re.compile(r"(?P<field>[a-z_]+): (?:'(?P<quoted>(?:[ -&(-~]|'')*)'|(?P<plain>[A-Za-z0-9](?:[ -~]*[!-~])?))")
_FLAT_FIELDS = frozenset(DocumentMeta.model_fields) - DERIVED_META_FIELDS
_NULL = frozenset({"null", "Null", "NULL"})
# Plain words YAML 1.1 reads as booleans or null, whatever their case here: never taken as strings.
_NOT_STRINGS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})


def _flat_meta(source: str) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The fields of a metadata file of the flat form (see ``_FLAT_LINE``) and the line of each,
    as the YAML library reads them; None for a file of any other form."""
    if not source.isascii():
        return None
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for number, line in enumerate(source.split("\n"), start=1):
        if not line:
            continue
        match = _FLAT_LINE.fullmatch(line)
        if match is None:
            return None
        field = match["field"]
        if field not in _FLAT_FIELDS or field in data:
            return None
        value = match["quoted"]
        if value is not None:
            value = value.replace("''", "'")
        else:
            value = match["plain"]
            if value in _NULL:
                value = None
            elif (value.lower() in _NOT_STRINGS or ": " in value or " #" in value or value.endswith(":")
                  or (value[0].isdigit() and " " not in value)):
                return None
        data[field] = value
        lines[field] = number
    return (data, lines) if data else None


def _yaml_meta(source: str, path: Path) -> DocumentMeta:
    _check_shape(source, path)
    loader = _MetaLoader(source)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except RecursionError:
        raise DocumentError(path, "not valid YAML: nested too deeply") from None
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


# A metadata file is a mapping of plain fields; a list in it is one level deeper. Deeper
# nesting is refused before it is built: libyaml's composer recurses once per level, and
# tens of thousands of levels overflow the C stack and end the process.
_MAX_META_DEPTH = 8
# A file this short cannot nest deep enough to matter (each level takes a character), so
# the check is spared where nearly every metadata file is, unless it holds an alias.
_SHALLOW_ENOUGH = 2048


def _check_shape(source: str, path: Path) -> None:
    """Refuses, by line, what no metadata file needs and a hostile one could use: aliases
    (``*name``: a few lines of them can stand for billions of values) and deep nesting."""
    if len(source) < _SHALLOW_ENOUGH and "*" not in source:
        return
    depth = 0
    try:
        for event in yaml.parse(source, Loader=_BaseLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _MAX_META_DEPTH:
                    raise DocumentError(
                        path, f"line {event.start_mark.line + 1}: nested too deeply for a metadata file"
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                raise DocumentError(
                    path,
                    f"line {event.start_mark.line + 1}: an alias (*{event.anchor}) is not allowed in a "
                    "metadata file: write the value out",
                )
    except yaml.YAMLError:
        # Reported with its line by the reading proper.
        return


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


def list_articles(folder: Path, *, follow_symlinks: bool = False) -> tuple[list[Path], list[LoadProblem]]:
    """The articles (top-level ``*.txt``) of a corpus folder in file-name order, and, as
    problems naming them: each metadata file with no article beside it, and each entry
    named like an article or its metadata that cannot be one (a folder, a FIFO, a
    symbolic link loop or a broken link). A symbolic link to a file outside the folder is
    refused too, unless ``follow_symlinks``: a corpus is what its folder holds.

    An article whose metadata is refused here is listed as a problem, not as an article.
    """
    folder = Path(folder)
    names, problems = list_article_names(folder, follow_symlinks=follow_symlinks)
    return [folder / name for name in names], problems


def list_article_names(folder: Path, *, follow_symlinks: bool = False) -> tuple[list[str], list[LoadProblem]]:
    """``list_articles`` with the articles' file names rather than their paths: a run over a
    corpus of many thousands of unchanged articles spends most of its reading in making paths."""
    folder = Path(folder)
    if not folder.exists():
        raise DocumentError(folder, "no such corpus folder")
    if not folder.is_dir():
        raise DocumentError(folder, "not a folder (a corpus is a folder of .txt articles)")
    root = folder.resolve()
    try:
        with os.scandir(folder) as scan:
            entries = {entry.name: entry for entry in scan if not entry.name.startswith(".")}
    except OSError as error:
        raise DocumentError(folder, f"cannot list the folder: {_os_reason(error)}") from None
    articles: list[str] = []
    problems: list[LoadProblem] = []
    candidates = 0
    for name in sorted(entries):
        if not name.endswith(ARTICLE_SUFFIX):
            continue
        candidates += 1
        entry = entries[name]
        refused = _entry_problem(entry, folder / name, root, follow_symlinks) if _needs_a_look(entry) else None
        meta_name = name.removesuffix(ARTICLE_SUFFIX) + META_SUFFIX
        if refused is None and meta_name in entries and _needs_a_look(entries[meta_name]):
            refused = _entry_problem(entries[meta_name], folder / meta_name, root, follow_symlinks)
        if refused is None:
            articles.append(name)
        else:
            problems.append(refused)
    if not candidates:
        raise DocumentError(folder, f"no articles (*{ARTICLE_SUFFIX} files) in this folder")
    for name in sorted(entries):
        stem = name.removesuffix(META_SUFFIX)
        if name.endswith(META_SUFFIX) and stem + ARTICLE_SUFFIX not in entries:
            meta = folder / name
            message = f"{meta}: metadata without an article (no {stem}{ARTICLE_SUFFIX} beside it)"
            problems.append(LoadProblem(path=str(meta), message=message))
    return articles, problems


def _needs_a_look(entry: os.DirEntry[str]) -> bool:
    """Whether a folder entry may be other than a regular file (``_entry_problem`` says): what the
    listing itself says is a plain file, not a link, is one."""
    try:
        return entry.is_symlink() or not entry.is_file(follow_symlinks=False)
    except OSError:
        return True


def _entry_problem(entry: os.DirEntry[str], path: Path, root: Path, follow_symlinks: bool) -> LoadProblem | None:
    """Why a folder entry cannot be read as a file of the corpus, or None when it can."""

    def problem(reason: str) -> LoadProblem:
        return LoadProblem(path=str(path), message=f"{path}: {reason}; not read")

    try:
        if entry.is_symlink():
            try:
                target = Path(os.path.realpath(path, strict=True))
            except OSError as error:
                return problem(_os_reason(error))
            if not follow_symlinks and not target.is_relative_to(root):
                return problem(
                    f"a symbolic link to {target}, outside the corpus folder (pass --follow-symlinks to read it)"
                )
        if entry.is_file():
            return None
        return problem(_not_a_file(os.stat(path).st_mode))
    except OSError as error:
        return problem(_os_reason(error))


def corpus_form(path: Path) -> str:
    """How a corpus is stored: "jsonl" (a .jsonl or .jsonl.gz file, an article a line),
    "folder" (of .txt articles) or "article" (one .txt file)."""
    path = Path(path)
    if path.name.endswith((".jsonl", ".jsonl.gz")):
        return "jsonl"
    if path.is_dir():
        return "folder"
    return "article" if path.name.endswith(ARTICLE_SUFFIX) or os.path.lexists(path) else "folder"


def iter_corpus(
    path: Path, *, follow_symlinks: bool = False, read_pages: bool = True
) -> Iterator[Document | LoadProblem]:
    """Every article of a corpus, whatever its form (see ``corpus_form``), in order: each a
    Document or, when it cannot be loaded, a LoadProblem naming the file (and the line of
    a JSON-lines file); one bad article never stops the others.

    Raises DocumentError only when the corpus itself cannot be read at all (no such path,
    a folder with no articles, a file that cannot be opened). With ``read_pages=False``
    the Documents carry their text and metadata as given, without page furniture marked or
    metadata inferred: ``complete_document`` does that later, where the work is done.
    """
    path = Path(path)
    form = corpus_form(path)
    if form == "jsonl":
        yield from iter_jsonl(path, read_pages=read_pages)
        return
    if form == "article":
        if not path.exists() and not path.is_symlink():
            raise DocumentError(path, "no such file or folder")
        try:
            yield _load_document(path, read_pages=read_pages)
        except DocumentError as error:
            yield LoadProblem(path=error.path, message=str(error))
        return
    articles, problems = list_articles(path, follow_symlinks=follow_symlinks)
    for article in articles:
        try:
            yield _load_document(article, read_pages=read_pages)
        except DocumentError as error:
            yield LoadProblem(path=error.path, message=str(error))
    yield from problems


def complete_document(document: Document) -> Document:
    """A Document read with ``read_pages=False``, with its page furniture marked and the
    metadata it lacks inferred, as ``iter_corpus`` gives it by default."""
    return document_from_text(document.text, document.doc_id, document.meta, document.path)


def count_corpus(path: Path, *, follow_symlinks: bool = False) -> int:
    """How many items ``iter_corpus`` yields, found cheaply: for a folder its listing (no
    article is read), for a JSON-lines file one per non-blank line (no line is parsed), plus
    one when the file cannot be read to its end; 1 for an article file."""
    path = Path(path)
    form = corpus_form(path)
    if form == "article":
        return 1
    if form == "folder":
        articles, problems = list_articles(path, follow_symlinks=follow_symlinks)
        return len(articles) + len(problems)
    try:
        stream = _open_binary(path)
    except OSError as error:
        raise DocumentError(path, f"cannot read the file: {_os_reason(error)}") from None
    count = 0
    with stream:
        try:
            for line in stream:
                count += bool(line.strip())
        except (OSError, EOFError, zlib.error):
            count += 1
    return count


def load_corpus(folder: Path, *, follow_symlinks: bool = False) -> CorpusLoad:
    """Every article of a corpus; one bad article never stops the others."""
    loaded = CorpusLoad()
    for item in iter_corpus(folder, follow_symlinks=follow_symlinks):
        if isinstance(item, Document):
            loaded.documents.append(item)
        else:
            loaded.problems.append(item)
    return loaded


# --- JSON-lines collections --------------------------------------------------------------

# Fields of a JSON-lines article besides ``id`` and ``text``: those of a ``.meta.yaml``,
# and ``source``, which JSON-lines collections often use for the publisher.
_JSONL_META_FIELDS = tuple(sorted(set(DocumentMeta.model_fields) - DERIVED_META_FIELDS))
# A ``\udXXX`` escape: the line may hold half a surrogate pair, which no text can.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def iter_jsonl(path: Path, *, read_pages: bool = True, limit: int | None = None) -> Iterator[Document | LoadProblem]:
    """The articles of a ``.jsonl`` or ``.jsonl.gz`` file, one JSON object a line: ``id``,
    ``text``, and the metadata fields of a ``.meta.yaml`` (``title``, ``publisher`` or
    ``source``, ``published``, ``url``, ...; other fields are ignored). A line that is not
    such an article is a LoadProblem naming the file and line, and the next line is read;
    a file that ends early (a truncated .gz) is a LoadProblem after its last whole line.
    A line without an ``id`` is ``<file stem>-<line number>``.
    """
    path = Path(path)
    stem = path.name.removesuffix(".gz").removesuffix(".jsonl")
    seen: dict[str, int] = {}
    count = 0
    number = 0
    try:
        stream = _open_binary(path)
    except OSError as error:
        raise DocumentError(path, f"cannot read the file: {_os_reason(error)}") from None
    with stream:
        try:
            for number, raw in enumerate(stream, start=1):
                if limit is not None and count >= limit:
                    return
                if not raw.strip():
                    continue
                try:
                    document = _jsonl_document(raw, path, number, stem, read_pages)
                except DocumentError as error:
                    yield LoadProblem(path=f"{path}:{number}", message=str(error))
                    continue
                if document.doc_id in seen:
                    message = f"{path}: line {number}: id {document.doc_id!r} is already used on line {seen[document.doc_id]}"
                    yield LoadProblem(path=f"{path}:{number}", message=message)
                    continue
                seen[document.doc_id] = number
                count += 1
                yield document
        except (OSError, EOFError, zlib.error) as error:
            reason = "the file ends early (truncated)" if isinstance(error, EOFError) else f"cannot be read: {error}"
            yield LoadProblem(
                path=f"{path}:{number + 1}",
                message=f"{path}: line {number + 1}: {reason}; the {number} lines before it were read",
            )


def iter_jsonl_documents(path: Path, limit: int | None = None) -> Iterator[Document]:
    """The articles of a ``.jsonl`` or ``.jsonl.gz`` file (see ``iter_jsonl``), for code
    that wants all of them or none: the first bad line raises DocumentError naming it."""
    for item in iter_jsonl(path, limit=limit):
        if isinstance(item, LoadProblem):
            raise DocumentError(path, item.message.removeprefix(f"{path}: "))
        yield item


def _open_binary(path: Path) -> BinaryIO:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _jsonl_document(raw: bytes, path: Path, number: int, stem: str, read_pages: bool) -> Document:
    def bad(message: str) -> DocumentError:
        return DocumentError(path, f"line {number}: {message}")

    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise bad(f"not valid UTF-8 at byte {error.start} of the line: {error.reason}") from None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise bad(f"not valid JSON: {error.msg} (column {error.colno})") from None
    except RecursionError:
        raise bad("not valid JSON here: nested too deeply") from None
    except ValueError as error:
        # A number of thousands of digits, which Python refuses to convert.
        raise bad(f"not valid JSON here: {error}") from None
    if not isinstance(record, dict):
        raise bad("an article must be a JSON object")
    if _SURROGATE_ESCAPE.search(raw):
        for field, value in record.items():
            if isinstance(value, str) and not _encodable(value):
                raise bad(f"field {field!r}: holds half a surrogate pair (a \\ud800-\\udfff escape), which is not text")
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        raise bad(f"field 'text': must be a string, not {_json_kind(text)}")
    if text is None or not text.strip():
        raise bad("field 'text': missing or empty")
    doc_id = record.get("id")
    if doc_id is None:
        doc_id = f"{stem}-{number}"
    elif isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or not str(doc_id).strip():
        raise bad(f"field 'id': must be a non-empty string, not {doc_id!r}")
    fields = {field: record[field] for field in _JSONL_META_FIELDS if field in record}
    if "publisher" not in fields and "source" in record:
        fields["publisher"] = record["source"]
    fields.setdefault("language", "en")
    try:
        meta = DocumentMeta.model_validate(fields)
    except ValidationError as error:
        item = error.errors()[0]
        field = str(item["loc"][0]) if item["loc"] else "?"
        if field == "publisher" and "publisher" not in record:
            field = "source"
        message = item["msg"].removeprefix("Value error, ")
        raise bad(f"field {field!r}: {message}") from None
    return _document(text, str(doc_id), meta, f"{path}:{number}", read_pages=read_pages)


def _json_kind(value: object) -> str:
    """What a JSON value is, in the words of its format: "a number", "an object"."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return {dict: "an object", list: "an array"}.get(type(value), type(value).__name__)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
