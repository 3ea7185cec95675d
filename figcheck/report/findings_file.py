"""``findings.json``: the run's metadata and every finding, in a stable order, as other tools read them."""

from __future__ import annotations

import gzip
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pydantic import ValidationError

from figcheck.records import Finding
from figcheck.report.run import SEVERITY_ORDER, VERDICT_ORDER, RunInfo

if TYPE_CHECKING:
    from figcheck.report.store import ReportStore

FORMAT = "figcheck-findings"
FORMAT_VERSION = 1


class FindingsFileError(ValueError):
    """A findings file that is missing or cannot be read, naming the file and the field."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


def report_order(finding: Finding) -> tuple[object, ...]:
    """Sort key: discrepancies first, then by severity, check, and place in the first source."""
    first = min(((ref.doc_id, ref.start) for ref in finding.claims), default=("", 0))
    return (
        _rank(finding.verdict, VERDICT_ORDER),
        _rank(finding.severity, SEVERITY_ORDER),
        finding.check,
        first,
        finding.id,
    )


def findings_document(run: RunInfo, findings: Iterable[Finding]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "run": run.model_dump(mode="json"),
        "findings": [f.model_dump(mode="json") for f in sorted(findings, key=report_order)],
    }


def dump_findings(run: RunInfo, findings: Iterable[Finding]) -> str:
    return json.dumps(findings_document(run, findings), ensure_ascii=False, indent=2) + "\n"


def findings_text(run: RunInfo, findings: Iterable[Finding] | ReportStore) -> Iterator[str]:
    """The text of ``dump_findings``, a piece at a time: each source and each finding is turned
    into JSON only when its turn comes, so a run over a large corpus never holds the whole file,
    nor all of it as dictionaries, at once. From a run's store, the sources are the store's."""
    from figcheck.report.store import ReportStore

    if isinstance(findings, ReportStore):
        store = findings
        documents = (info.model_dump(mode="json") for info in store.documents(cited=False))
        dumps = store.finding_dumps()
    else:
        documents = (info.model_dump(mode="json") for info in run.documents)
        dumps = (finding.model_dump(mode="json") for finding in sorted(findings, key=report_order))
    yield "{" + _NEXT[1] + '"format": ' + _json(FORMAT, 1) + "," + _NEXT[1] + '"version": ' + _json(FORMAT_VERSION, 1)
    yield "," + _NEXT[1] + '"run": '
    yield from _run_text(run, documents, 1)
    yield "," + _NEXT[1] + '"findings": '
    yield from _list_text(dumps, 1)
    yield "\n}\n"


# json.dumps(indent=2) puts each member of an object or list at ``level`` on a line of its own.
_NEXT = ["\n" + "  " * level for level in range(16)]


def _json(value: Any, level: int) -> str:
    """``value`` as ``json.dumps(value, ensure_ascii=False, indent=2)`` writes it ``level`` deep.

    With an indent, json.dumps takes its pure-Python encoder, a generator a level; this writes
    the same text (strings by json's own C escaping, numbers as json writes them) in one pass
    into a list, three times as fast, for the tens of thousands of findings of a large run."""
    out: list[str] = []
    _write(value, level, out)
    return "".join(out)


def _write(value: Any, level: int, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(_string(value))
    elif kind is dict and all(type(key) is str for key in value):
        if not value:
            out.append("{}")
            return
        inner = _next(level + 1)
        opening = "{"
        for key, item in value.items():
            out.append(opening + inner + _string(key) + ": ")
            opening = ","
            _write(item, level + 1, out)
        out.append(_next(level) + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = _next(level + 1)
        opening = "["
        for item in value:
            out.append(opening + inner)
            opening = ","
            _write(item, level + 1, out)
        out.append(_next(level) + "]")
    elif value is None or value is True or value is False or kind is int or kind is float:
        out.append(json.dumps(value) if kind is float and not math.isfinite(value) else _SCALARS[kind](value))
    else:
        # Anything else (keys that are not strings, subclasses) as json.dumps has it.
        out.append(json.dumps(value, ensure_ascii=False, indent=2).replace("\n", _next(level)))


def _next(level: int) -> str:
    return _NEXT[level] if level < len(_NEXT) else "\n" + "  " * level


_string = encode_basestring  # what json.dumps(ensure_ascii=False) writes for a string
_SCALARS: dict[type, Callable[[Any], str]] = {
    type(None): lambda _: "null",
    bool: lambda value: "true" if value else "false",
    int: int.__repr__,
    float: float.__repr__,
}


def _list_text(items: Iterable[Any], level: int) -> Iterator[str]:
    first = True
    for item in items:
        yield ("[" if first else ",") + _NEXT[level + 1] + _json(item, level + 1)
        first = False
    yield "[]" if first else _NEXT[level] + "]"


def _run_text(run: RunInfo, documents: Iterable[dict[str, Any]], level: int) -> Iterator[str]:
    fields = run.model_dump(mode="json", exclude={"documents"})
    names = list(fields)
    names.insert(list(type(run).model_fields).index("documents"), "documents")
    for index, name in enumerate(names):
        yield ("{" if index == 0 else ",") + _NEXT[level + 1] + _json(name, level + 1) + ": "
        if name == "documents":
            yield from _list_text(documents, level + 1)
        else:
            yield _json(fields[name], level + 1)
    yield _NEXT[level] + "}"


def load_findings(path: Path) -> tuple[RunInfo, list[Finding]]:
    """Read back a ``findings.json`` written by ``write_report``.

    Raises ``FindingsFileError`` naming the file, and the entry and field at fault.
    """
    path, data = _read(Path(path))
    try:
        run = RunInfo.model_validate(data.get("run"))
    except ValidationError as error:
        raise FindingsFileError(path, f"run: {_first_error(error)}") from None
    return run, _findings(path, data, lambda raw: True)


def load_discrepancies(path: Path) -> tuple[str, list[Finding]]:
    """The run id and the discrepancies of a ``findings.json``: what the next run compares itself
    with. The file is read a piece at a time and only the discrepancies are kept and validated (a
    run's other findings and its list of sources are most of the file); a file that cannot be
    read so is read whole, and its errors are raised as ``load_findings`` raises them."""
    path = Path(path)
    try:
        return _stream_discrepancies(path)
    except (_Unexpected, OSError, EOFError, UnicodeDecodeError, ValueError):
        pass
    path, data = _read(path)
    run = data.get("run")
    run_id = run.get("run_id") if isinstance(run, dict) else None
    if not isinstance(run_id, str):
        raise FindingsFileError(path, "run: run_id: expected a string")
    return run_id, _findings(path, data, _is_discrepancy)


def _is_discrepancy(raw: Any) -> bool:
    return not isinstance(raw, dict) or raw.get("verdict") == "discrepancy"


class _Unexpected(Exception):
    """The file is not laid out as this reader expects: read it whole instead."""


class _JsonStream:
    """JSON values read one at a time from a text stream, with only the current one in memory."""

    _SPACE = re.compile(r"[ \t\n\r]*")
    _DECODER = json.JSONDecoder()
    CHUNK = 1 << 16

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._text = ""
        self._at = 0
        self._done = False

    def _more(self) -> bool:
        if self._done:
            return False
        chunk = self._stream.read(self.CHUNK)
        if not chunk:
            self._done = True
            return False
        self._text = self._text[self._at :] + chunk
        self._at = 0
        return True

    def peek(self) -> str:
        while True:
            self._at = self._SPACE.match(self._text, self._at).end()
            if self._at < len(self._text):
                return self._text[self._at]
            if not self._more():
                return ""

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise _Unexpected(f"expected {char!r}")
        self._at += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self._DECODER.raw_decode(self._text, self._at)
            except json.JSONDecodeError:
                if self._more():
                    continue
                raise _Unexpected("not valid JSON") from None
            # A number cut by the end of what was read so far may go on in the next piece.
            if end == len(self._text) and not self._done and self._more():
                continue
            self._at = end
            return value

    def members(self) -> Iterator[str]:
        """The keys of an object, each followed by its value (which the caller reads)."""
        self.take("{")
        if self.peek() == "}":
            self._at += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise _Unexpected("expected a key")
            self.take(":")
            yield key
            if self.peek() == ",":
                self._at += 1
                continue
            self.take("}")
            return

    def items(self) -> Iterator[None]:
        """Once for each item of an array, which the caller reads."""
        self.take("[")
        if self.peek() == "]":
            self._at += 1
            return
        while True:
            yield None
            if self.peek() == ",":
                self._at += 1
                continue
            self.take("]")
            return


def _stream_discrepancies(path: Path) -> tuple[str, list[Finding]]:
    packed = path.with_name(path.name + ".gz")
    if not path.exists() and packed.is_file():
        stream = io.TextIOWrapper(gzip.open(packed, "rb"), encoding="utf-8")
    else:
        stream = path.open(encoding="utf-8")
    with stream:
        reader = _JsonStream(stream)
        top: dict[str, Any] = {}
        run_id = None
        findings: list[Finding] = []
        for key in reader.members():
            if key == "run":
                if reader.peek() != "{":
                    raise _Unexpected("run")
                for name in reader.members():
                    if name == "documents" and reader.peek() == "[":
                        for _ in reader.items():
                            reader.value()
                    elif name == "run_id":
                        run_id = reader.value()
                    else:
                        reader.value()
            elif key == "findings":
                if reader.peek() != "[":
                    raise _Unexpected("findings")
                for _ in reader.items():
                    raw = reader.value()
                    if _is_discrepancy(raw):
                        findings.append(Finding.model_validate(raw))
            else:
                top[key] = reader.value()
        if reader.peek() != "":
            raise _Unexpected("more after the end")
    if top.get("format") != FORMAT or top.get("version") != FORMAT_VERSION or not isinstance(run_id, str):
        raise _Unexpected("format")
    return run_id, findings


def _read(path: Path) -> tuple[Path, dict[str, Any]]:
    packed = path.with_name(path.name + ".gz")
    try:
        if not path.exists() and packed.is_file():
            # A run kept in the history has its findings stored gzipped (see figcheck.runs).
            path = packed
            text = gzip.decompress(packed.read_bytes()).decode("utf-8")
        else:
            text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FindingsFileError(path, "no such file (run the pipeline first, or pass --findings)") from None
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise FindingsFileError(path, f"cannot be read: {error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FindingsFileError(
            path, f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FindingsFileError(path, f'not a figcheck findings file (expected "format": "{FORMAT}")')
    if data.get("version") != FORMAT_VERSION:
        raise FindingsFileError(
            path, f"findings format version {data.get('version')!r} is not supported (expected {FORMAT_VERSION})"
        )
    return path, data


def _findings(path: Path, data: dict[str, Any], wanted: Callable[[Any], bool]) -> list[Finding]:
    raw_findings = data.get("findings")
    if not isinstance(raw_findings, list):
        raise FindingsFileError(path, "findings: expected a list")
    findings = []
    for index, raw in enumerate(raw_findings):
        if not wanted(raw):
            continue
        try:
            findings.append(Finding.model_validate(raw))
        except ValidationError as error:
            entry = raw.get("id") if isinstance(raw, dict) else None
            name = f"findings[{index}]" + (f" ({entry})" if entry else "")
            raise FindingsFileError(path, f"{name}: {_first_error(error)}") from None
    return findings


def _rank(value: str, order: tuple[str, ...]) -> int:
    return order.index(value) if value in order else len(order)


def _first_error(error: ValidationError) -> str:
    details = error.errors()
    first = details[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return f"{where}: {first['msg']}{more}"
