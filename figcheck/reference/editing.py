"""Adding facts to the reference table: under a lock, keeping comments and order, atomically."""

from __future__ import annotations

import io
import os
import re
import socket
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Mapping
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from figcheck import files
from figcheck.records import SourceRef
from figcheck.reference.facts import ReferenceFact, _folded, render_value, same_property, values_agree
from figcheck.reference.table import ReferenceTable, _facts_from_texts, _read_texts, _yaml, unmatchable_names
from figcheck.reference.values import unwritable_character

# Created with O_EXCL beside the facts while a writer holds the table; see `TableLock`.
LOCK_NAME = ".lock"

class FactRejected(ValueError):
    """A fact that cannot be added as given; the table is left as it was."""


class TableBusy(RuntimeError):
    """Another writer holds the table's lock."""


class TableWriteFailed(OSError):
    """The file could not be written; it is left as it was."""


# How long an add waits for another writer to finish before giving up.
LOCK_WAIT_SECONDS = 10.0
# A lock file still empty after this long was left by a writer killed between creating it
# and writing its pid (a live writer writes the pid at once).
EMPTY_LOCK_STALE_SECONDS = 5.0


def _say_on_stderr(message: str) -> None:
    print(f"figcheck: {message}", file=sys.stderr)


class TableLock:
    """Holds ``<folder>/.lock`` while a writer reads, checks and rewrites the table.

    The lock file is created with O_EXCL, so two writers cannot both hold it, on any
    file system, and a person can see who holds it (the file names the host and
    process). It is removed on release. A writer that finds it held waits, with backoff,
    up to ``wait`` seconds. A lock left by a killed writer is taken over, and ``notice``
    says so: one naming a process of this host that no longer runs, or one still empty
    after EMPTY_LOCK_STALE_SECONDS. A lock naming another host is never taken over:
    this host cannot know whether that writer still runs.
    """

    def __init__(
        self, folder: Path, *, wait: float | None = None, notice: Callable[[str], None] = _say_on_stderr
    ) -> None:
        self.path = Path(folder) / LOCK_NAME
        self.wait = LOCK_WAIT_SECONDS if wait is None else wait
        self.notice = notice
        self._identity: tuple[int, int] | None = None

    def __enter__(self) -> TableLock:
        deadline = time.monotonic() + self.wait
        delay = 0.02
        while True:
            try:
                descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder, stale = self._holder()
                if stale is not None and self._take_over(stale):
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TableBusy(
                        f"the reference table is locked by another writer ({self.path}"
                        f"{': ' + holder if holder else ''}); try again, or delete {self.path} if no figcheck "
                        "is running"
                    ) from None
                time.sleep(min(delay, remaining))
                delay = min(delay * 2, 0.5)
                continue
            except OSError as error:
                reason = error.strerror or error
                raise TableWriteFailed(f"cannot lock the reference table ({self.path}): {reason}") from None
            with os.fdopen(descriptor, "w", encoding="utf-8") as lock:
                lock.write(f"{socket.gethostname()} pid {os.getpid()}\n")
                lock.flush()
                status = os.fstat(lock.fileno())
            self._identity = (status.st_dev, status.st_ino)
            return self

    def __exit__(self, *exc_info: object) -> None:
        # Only our own lock: never one another writer made after taking over ours.
        try:
            status = os.stat(self.path)
        except OSError:
            return
        if (status.st_dev, status.st_ino) == self._identity:
            self.path.unlink(missing_ok=True)

    def _holder(self) -> tuple[str, tuple[str, os.stat_result] | None]:
        """Who holds the lock as its file says, and why it is stale (with the file's
        identity) when its writer is known to be gone."""
        try:
            with open(self.path, "rb") as lock:
                status = os.fstat(lock.fileno())
                raw = lock.read(200)
        except OSError:
            return "", None
        holder = raw.decode("utf-8", "replace").strip()
        if not holder:
            age = time.time() - status.st_mtime
            if age >= EMPTY_LOCK_STALE_SECONDS:
                return holder, (f"an empty lock file {age:.0f} s old", status)
            return holder, None
        found = re.fullmatch(r"(\S+) pid (\d+)", holder)
        if found is None or found[1] != socket.gethostname():
            return holder, None
        if files.process_alive(int(found[2])):
            return holder, None
        return holder, (f"left by process {found[2]}, which no longer runs", status)

    def _take_over(self, stale: tuple[str, os.stat_result]) -> bool:
        reason, status = stale
        # Moved aside first, then checked: if another writer took it over and made a new
        # lock in between, that one is put back rather than removed.
        aside = self.path.with_name(f"{LOCK_NAME}.stale.{os.getpid()}")
        try:
            os.rename(self.path, aside)
        except OSError:
            return False
        moved = os.stat(aside)
        if (moved.st_dev, moved.st_ino) != (status.st_dev, status.st_ino):
            try:
                os.link(aside, self.path)
            except OSError:
                pass
            aside.unlink(missing_ok=True)
            return False
        aside.unlink(missing_ok=True)
        self.notice(f"took over the reference table's lock {self.path}: {reason}")
        return True



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
    wait: float | None = None,
    notice: Callable[[str], None] = _say_on_stderr,
) -> Path:
    """Append ``fact`` to a topic file of the table in ``folder`` and return that file.

    Refused (FactRejected) when a field holds a character no file may (a line break, a
    control character), the table already has a problem, the id is taken, no name of the
    subject could ever be matched, or the fact contradicts a preferred fact on the same
    subject and property. ``keep_both`` keeps a contradicting fact beside the preferred
    one; it must then not be preferred itself: the preferred fact stays the one claims are
    checked against until a person changes the ranks. The file keeps its comments and
    order, and is replaced atomically under the table lock (waiting up to ``wait`` seconds
    for another writer, see TableLock), so a refused or failed add leaves every file byte
    for byte as it was. Before anything is written, the new file is read back: it must
    hold exactly the facts it held before, in order, and then this fact, equal to it.
    """
    folder = Path(folder)
    refuse_unwritable(fact)
    if file_name is not None:
        file_name = _file_name(file_name)
    if not folder.is_dir():
        raise FactRejected(f"no reference table at {folder} (not a folder)")
    with TableLock(folder, wait=wait, notice=notice):
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
        unmatchable = unmatchable_names(fact)
        if unmatchable:
            raise FactRejected(unmatchable)
        path = folder / file_name if file_name else choose_file(table, fact, folder)
        old_text = texts.get(path, "")
        new_text = _appended(path, old_text, fact)
        # The file as it will be written must read back as the table plus this one fact.
        changed = {**texts, path: new_text}
        after, after_problems = _facts_from_texts(changed)
        before_in_file = [existing for existing, where in located if where.path == path]
        after_in_file = [existing for existing, where in after if where.path == path]
        if after_problems or len(after) != len(located) + 1 or after_in_file != [*before_in_file, fact]:
            raise FactRejected(
                "the fact would not read back as written"
                + "".join(f"\n  {problem}" for problem in after_problems)
            )
        write_atomically(path, new_text)
        return path


def unwritable_fields(fact: ReferenceFact) -> list[tuple[str, str]]:
    """Each field of ``fact`` (``subject``, ``references[0].quote``) holding a character no
    file of the table may hold, with the reason."""
    found: list[tuple[str, str]] = []

    def visit(value: object, where: str) -> None:
        if isinstance(value, str):
            character = unwritable_character(value)
            if character:
                found.append((where, f"contains {character}; write it on one line, without control characters"))
        elif isinstance(value, Mapping):
            for key, part in value.items():
                visit(part, f"{where}.{key}" if where else str(key))
        elif isinstance(value, list | tuple):
            for number, part in enumerate(value):
                visit(part, f"{where}[{number}]")

    visit(fact.model_dump(mode="json", exclude_none=True), "")
    return found


def refuse_unwritable(fact: ReferenceFact) -> None:
    unwritable = unwritable_fields(fact)
    if unwritable:
        raise FactRejected("; ".join(f"field {field!r} {reason}" for field, reason in unwritable))


def _file_name(name: str) -> str:
    if Path(name).name != name or name.startswith(".") or unwritable_character(name):
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
        phrases = CommentedSeq([_scalar(phrase) for phrase in value])  # type: ignore[attr-defined]
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
    # Plain only if it reads back as itself both on its own and inside a flow list (aliases and
    # keywords are written [a, b], where "?x" would start a mapping key).
    try:
        plain = _yaml().load(text) if text else None
        listed = _yaml().load(f"[{text}]") if text else None
    except (YAMLError, ValueError, RecursionError):
        return True
    alone = isinstance(plain, str) and str(plain) == text
    in_list = isinstance(listed, list) and len(listed) == 1 and isinstance(listed[0], str) and str(listed[0]) == text
    return not (alone and in_list) or "\n" in text
