"""Adding facts to the reference table: under a lock, keeping comments and order, atomically."""

from __future__ import annotations

import io
import os
import re
import socket
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from figcheck import files
from figcheck.records import SourceRef
from figcheck.reference.facts import ReferenceFact, _folded, render_value, same_property, values_agree
from figcheck.reference.table import ReferenceTable, _facts_from_texts, _read_texts, _yaml

# Created with O_EXCL beside the facts while a writer holds the table; see `TableLock`.
LOCK_NAME = ".lock"

class FactRejected(ValueError):
    """A fact that cannot be added as given; the table is left as it was."""


class TableBusy(RuntimeError):
    """Another writer holds the table's lock."""


class TableWriteFailed(OSError):
    """The file could not be written; it is left as it was."""


class TableLock:
    """Holds ``<folder>/.lock`` while a writer reads, checks and rewrites the table.

    The lock file is created with O_EXCL, so two writers cannot both hold it, on any
    file system, and a person can see who holds it (the file names the host and
    process). It is removed on release; one left behind by a killed writer is removed
    by hand, as the error message says.
    """

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LOCK_NAME

    def __enter__(self) -> TableLock:
        try:
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = ""
            try:
                holder = self.path.read_text(encoding="utf-8").strip()
            except OSError:
                pass
            raise TableBusy(
                f"the reference table is locked by another writer ({self.path}"
                f"{': ' + holder if holder else ''}); try again, or delete {self.path} if no figcheck is running"
            ) from None
        except OSError as error:
            reason = error.strerror or error
            raise TableWriteFailed(f"cannot lock the reference table ({self.path}): {reason}") from None
        with os.fdopen(descriptor, "w", encoding="utf-8") as lock:
            lock.write(f"{socket.gethostname()} pid {os.getpid()}\n")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.path.unlink(missing_ok=True)


def write_atomically(path: Path, text: str) -> None:
    """Replace a table file all at once; a failure leaves it unchanged and says so."""
    try:
        files.write_atomically(path, text)
    except OSError as error:
        raise TableWriteFailed(f"cannot write {path}: {error.strerror or error}; the file is unchanged") from None


def topic_file_name(subject: str) -> str:
    """The file a new topic goes to: its subject in lower case, words joined by underscores."""
    slug = "_".join(re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", subject).casefold()))
    return f"{slug or 'facts'}.yaml"


def choose_file(table: ReferenceTable, fact: ReferenceFact, folder: Path) -> Path:
    """Where a new fact goes when no file is named: beside most facts on its subject, else a new topic file."""
    counts: dict[Path, int] = defaultdict(int)
    for other in table.facts:
        location = table.location(other.id)
        if location is not None and _folded(other.subject) == _folded(fact.subject):
            counts[location.path] += 1
    if counts:
        return max(sorted(counts), key=lambda path: counts[path])
    return Path(folder) / topic_file_name(fact.subject)


def add_fact(
    folder: Path,
    fact: ReferenceFact,
    *,
    file_name: str | None = None,
    keep_both: bool = False,
) -> Path:
    """Append ``fact`` to a topic file of the table in ``folder`` and return that file.

    Refused (FactRejected) when the table already has a problem, the id is taken, or the
    fact contradicts a preferred fact on the same subject and property. ``keep_both``
    keeps a contradicting fact beside the preferred one; it must then not be preferred
    itself: the preferred fact stays the one claims are checked against until a person
    changes the ranks. The file keeps its comments and order, and is replaced atomically
    under the table lock, so a refused or failed add leaves every file byte for byte as
    it was.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FactRejected(f"no reference table at {folder} (not a folder)")
    with TableLock(folder):
        texts, problems = _read_texts(folder)
        located, more = _facts_from_texts(texts)
        problems += more
        if problems:
            raise FactRejected(
                "the reference table has problems; fix them first (figcheck facts check):\n"
                + "\n".join(f"  {problem}" for problem in problems)
            )
        table = ReferenceTable(
            (existing for existing, _ in located), locations={existing.id: where for existing, where in located}
        )
        _refuse_conflicts(table, fact, keep_both=keep_both)
        path = folder / _file_name(file_name) if file_name else choose_file(table, fact, folder)
        old_text = texts.get(path, "")
        new_text = _appended(path, old_text, fact)
        # The file as it will be written must read back as the table plus this one fact.
        changed = {**texts, path: new_text}
        after, after_problems = _facts_from_texts(changed)
        if after_problems or [f.id for f, where in after if where.path == path][-1:] != [fact.id]:
            raise FactRejected(
                "the fact would not read back as written:\n" + "\n".join(f"  {problem}" for problem in after_problems)
            )
        write_atomically(path, new_text)
        return path


def _file_name(name: str) -> str:
    if Path(name).name != name or name.startswith("."):
        raise FactRejected(f"--file takes a file name inside the reference folder, not a path: {name!r}")
    return name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"


def _refuse_conflicts(table: ReferenceTable, fact: ReferenceFact, *, keep_both: bool) -> None:
    existing = table.get(fact.id)
    if existing is not None:
        where = table.location(fact.id)
        raise FactRejected(
            f"a fact with id {fact.id!r} already exists"
            + (f" ({where.path}:{where.line})" if where else "")
            + "; choose another id"
        )
    for other in table.facts:
        if other.rank != "preferred" or other.kind != fact.kind or not same_property(other, fact):
            continue
        if values_agree(other, fact):
            continue
        where = table.location(other.id)
        place = f" ({where.path}:{where.line})" if where else ""
        if not keep_both:
            raise FactRejected(
                f"contradicts preferred fact {other.id!r}{place}: {fact.subject} / {fact.property} is "
                f"{render_value(other)} there, {render_value(fact)} here; to keep both, pass --keep-both "
                "with --rank normal or --rank deprecated"
            )
        if fact.rank == "preferred":
            raise FactRejected(
                f"contradicts preferred fact {other.id!r}{place}; with --keep-both the new fact cannot also "
                "be preferred: pass --rank normal or --rank deprecated (or change the ranks by hand)"
            )


# The order fields are written in, so every entry reads the same way.
_FIELD_ORDER = tuple(ReferenceFact.model_fields)


def _appended(path: Path, old_text: str, fact: ReferenceFact) -> str:
    yaml = _yaml()
    try:
        entries = yaml.load(old_text) if old_text.strip() else None
    except YAMLError as error:
        raise FactRejected(f"{path} is not valid YAML: {error}") from None
    if entries is None:
        # Comments in a file with no entries yet are kept as the head of the new file.
        entries = CommentedSeq()
        head = old_text if old_text.strip() else f"# Reference facts: {fact.subject}.\n"
        prefix = head if head.endswith("\n") else head + "\n"
        entries.append(_entry(fact))
        out = io.StringIO()
        yaml.dump(entries, out)
        return prefix + "\n" + out.getvalue()
    if not isinstance(entries, list):
        raise FactRejected(f"{path} must be a list of facts")
    entries.append(_entry(fact))
    if len(entries) > 1:
        entries.yaml_set_comment_before_after_key(len(entries) - 1, before="\n")
    out = io.StringIO()
    yaml.dump(entries, out)
    return out.getvalue()


def _entry(fact: ReferenceFact) -> CommentedMap:
    data = fact.model_dump(mode="python", exclude_none=True, exclude_defaults=False)
    entry = CommentedMap()
    for key in _FIELD_ORDER:
        if key not in data or data[key] in ([], None):
            continue
        entry[key] = _yaml_value(key, data[key])
    return entry


def _yaml_value(key: str, value: object) -> object:
    if key in ("aliases", "keywords"):
        phrases = CommentedSeq(value)  # type: ignore[arg-type]
        phrases.fa.set_flow_style()
        return phrases
    if key == "references":
        sources = CommentedSeq()
        for source in value:  # type: ignore[attr-defined]
            mapping = CommentedMap()
            for field in SourceRef.model_fields:
                if source.get(field) is not None:
                    mapping[field] = _scalar(source[field])
            sources.append(mapping)
        return sources
    if isinstance(value, Mapping):
        span = CommentedMap((name, DoubleQuotedScalarString(part)) for name, part in value.items())
        span.fa.set_flow_style()
        return span
    if key in ("value", "as_of") and isinstance(value, str):
        # Dates stay quoted whatever their precision: "1950" unquoted would read as a number.
        return DoubleQuotedScalarString(value)
    return _scalar(value)


def _scalar(value: object) -> object:
    # Quoted like the hand-written files, and so a date stays text ("1950" is not a number).
    if isinstance(value, str):
        return DoubleQuotedScalarString(value) if _needs_quotes(value) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _needs_quotes(text: str) -> bool:
    try:
        plain = _yaml().load(text) if text else None
    except YAMLError:
        return True
    return not isinstance(plain, str) or str(plain) != text or "\n" in text
