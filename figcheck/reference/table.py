"""The reference table: every fact in a folder of YAML files, read, validated and located."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent

from figcheck.linking.names import NamedFacts, NameIndex
from figcheck.records import Claim
from figcheck.reference.facts import (
    ReferenceFact,
    _field_path,
    _message,
    render_value,
    same_property,
    values_agree,
)

# The folder `figcheck facts` works on unless told otherwise.
DEFAULT_FOLDER = Path("reference_data")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the reference table, naming the file, the entry and the field."""

    path: str
    message: str
    fact_id: str | None = None
    # 1-based position of the entry in its file, for entries whose id cannot be read.
    entry: int | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        parts = [where]
        if self.fact_id:
            parts.append(f"fact {self.fact_id!r}")
        elif self.entry is not None:
            parts.append(f"entry {self.entry}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ": ".join([*parts, self.message])


class ReferenceTableError(ValueError):
    """The reference table cannot be used as it is; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the reference table:\n{lines}")


@dataclass(frozen=True)
class FactLocation:
    path: Path
    line: int
    entry: int


class ReferenceTable:
    """Every fact in a folder of YAML files, with an index to find the facts a claim can be checked against."""

    def __init__(
        self,
        facts: Iterable[ReferenceFact],
        *,
        version: str = "",
        locations: Mapping[str, FactLocation] | None = None,
    ) -> None:
        self.facts: tuple[ReferenceFact, ...] = tuple(facts)
        self.version = version
        self._by_id = {fact.id: fact for fact in self.facts}
        if len(self._by_id) != len(self.facts):
            raise ValueError("fact ids must be unique")
        self._locations = dict(locations or {})
        # Built once: match() runs for every claim of every article.
        self._names = NameIndex(self.facts)

    @classmethod
    def load(cls, folder: Path = DEFAULT_FOLDER) -> ReferenceTable:
        """Read and validate every ``*.yaml`` file in ``folder``; raise ReferenceTableError listing every problem."""
        texts, problems = _read_texts(Path(folder))
        located, more = _facts_from_texts(texts)
        problems += more
        if problems:
            raise ReferenceTableError(problems)
        return cls(
            (fact for fact, _ in located),
            version=_version(texts),
            locations={fact.id: location for fact, location in located},
        )

    def __len__(self) -> int:
        return len(self.facts)

    def __iter__(self) -> Iterator[ReferenceFact]:
        return iter(self.facts)

    def get(self, fact_id: str) -> ReferenceFact | None:
        return self._by_id.get(fact_id)

    def location(self, fact_id: str) -> FactLocation | None:
        """Where the fact is written, when the table was loaded from files."""
        return self._locations.get(fact_id)

    def named_in(self, text: str) -> frozenset[str]:
        """The ids of the facts an article names specifically ("Korean War", not just "war")."""
        return self._names.named_in(text)

    def named_facts(self, text: str) -> NamedFacts:
        """``named_in(text)`` as a set read the first time it is asked: what an article's
        checks pass to ``match``, which asks only for a claim naming a fact by a common word."""
        return self._names.named_facts(text)

    def match(self, claim: Claim, *, named_in_article: Set[str] | None = None) -> list[ReferenceFact]:
        """The facts ``claim`` can be checked against, best first (see NameIndex.match)."""
        return self._names.match(claim, named_in_article=named_in_article)



def table_version(folder: Path = DEFAULT_FOLDER) -> str | None:
    """The version ``ReferenceTable.load(folder)`` would give, without parsing the facts; None
    when a file cannot be read (loading the table says why)."""
    texts, problems = _read_texts(Path(folder))
    return None if problems else _version(texts)


def _version(texts: Mapping[Path, str]) -> str:
    digest = hashlib.sha256()
    for path in sorted(texts, key=lambda path: path.name):
        digest.update(path.name.encode("utf-8") + b"\0" + texts[path].encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def check_folder(folder: Path = DEFAULT_FOLDER) -> list[Problem]:
    """Every problem in the reference table in ``folder``; an empty list when it is fine."""
    texts, problems = _read_texts(Path(folder))
    return problems + _facts_from_texts(texts)[1]


def table_files(folder: Path) -> list[Path]:
    """The topic files of the table, in name order; hidden and temporary files are not facts."""
    return sorted(
        path
        for path in Path(folder).iterdir()
        if path.suffix in (".yaml", ".yml") and not path.name.startswith(".") and path.is_file()
    )


def _read_texts(folder: Path) -> tuple[dict[Path, str], list[Problem]]:
    if not folder.is_dir():
        return {}, [Problem(str(folder), "no such folder: the reference table is a folder of YAML files")]
    texts: dict[Path, str] = {}
    problems: list[Problem] = []
    for path in table_files(folder):
        try:
            texts[path] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(str(path), f"cannot be read: {error}"))
    return texts, problems


class _Refused(MarkedYAMLError):
    """YAML that parses but that the table does not accept (an alias, an impossible date)."""


class _NoAliasComposer(Composer):
    """Refuses aliases (``*name``): a few lines of them can stand for billions of values
    ("billion laughs"), and a fact is short enough to write out in full."""

    def compose_node(self, parent: object, index: object) -> object:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            raise _Refused(
                None,
                None,
                f"an alias (*{event.anchor}) is not allowed in the reference table: write the value out in full",
                event.start_mark,
            )
        return super().compose_node(parent, index)


class _DateConstructor(RoundTripConstructor):
    """Says where a date that cannot exist (an unquoted 1950-02-30) is written."""

    def construct_yaml_timestamp(self, node: object, values: object = None) -> object:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError as error:
            raise _Refused(
                None,
                None,
                f"{node.value!r} is not a date ({error}); write a date that exists, e.g. \"1950-02-28\"",
                node.start_mark,  # type: ignore[attr-defined]
            ) from None


_DateConstructor.add_constructor("tag:yaml.org,2002:timestamp", _DateConstructor.construct_yaml_timestamp)

# Facts are flat: a list of mappings, with short lists and source mappings inside.
_MAX_DEPTH = 20


def _yaml() -> YAML:
    # One style for every file, so a file written back differs only where it was changed.
    yaml = YAML()
    yaml.Composer = _NoAliasComposer
    yaml.Constructor = _DateConstructor
    yaml.max_depth = _MAX_DEPTH
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.width = 4096
    return yaml


def _facts_from_texts(texts: Mapping[Path, str]) -> tuple[list[tuple[ReferenceFact, FactLocation]], list[Problem]]:
    located: list[tuple[ReferenceFact, FactLocation]] = []
    problems: list[Problem] = []
    for path, text in texts.items():
        file_facts, file_problems = _facts_from_text(path, text)
        located += file_facts
        problems += file_problems
    problems += _table_problems(located)
    return located, problems


def _facts_from_text(path: Path, text: str) -> tuple[list[tuple[ReferenceFact, FactLocation]], list[Problem]]:
    name = str(path)
    try:
        entries = _yaml().load(text)
    except (YAMLError, ValueError, RecursionError) as error:
        line = None
        if isinstance(error, MarkedYAMLError) and error.problem_mark is not None:
            line = error.problem_mark.line + 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        message = problem if isinstance(error, _Refused) else f"is not valid YAML: {problem}"
        return [], [Problem(name, message, line=line)]
    if entries is None:
        return [], []
    if not isinstance(entries, list):
        return [], [Problem(name, "must be a list of facts (each entry starting with '- id: ...')", line=1)]
    located: list[tuple[ReferenceFact, FactLocation]] = []
    problems: list[Problem] = []
    for number, entry in enumerate(entries, start=1):
        line = _entry_line(entries, number - 1)
        if not isinstance(entry, Mapping):
            problems.append(
                Problem(name, "must be a mapping of fields (id, subject, property, ...)", entry=number, line=line)
            )
            continue
        fact_id = entry.get("id") if isinstance(entry.get("id"), str) else None
        try:
            fact = ReferenceFact.model_validate(_plain(entry))
        except ValidationError as error:
            for detail in error.errors():
                field = _field_path(detail["loc"])
                problems.append(
                    Problem(
                        name,
                        _message(detail),
                        fact_id=fact_id,
                        entry=number,
                        line=_field_line(entry, detail["loc"]) or line,
                        field=field,
                    )
                )
            continue
        unmatchable = unmatchable_names(fact)
        if unmatchable:
            subject_line = _field_line(entry, ("subject",)) or line
            problems.append(
                Problem(name, unmatchable, fact_id=fact.id, entry=number, line=subject_line, field="subject")
            )
        located.append((fact, FactLocation(path, line or 0, number)))
    return located, problems


def unmatchable_names(fact: ReferenceFact) -> str | None:
    """Why no claim could ever be matched to ``fact``, or None. A name written all in lower
    case ("the war") only counts in an article that names the fact by a capitalised name
    too ("the Korean War"), so a fact with no capitalised name is never matched."""
    if any(character.isupper() for name in fact.names() for character in name):
        return None
    return (
        f"no name of the subject is capitalised ({', '.join(repr(name) for name in fact.names())}), so no claim "
        "would ever be matched to this fact: write the subject (or an alias) as a proper name, "
        "e.g. 'Korean War' rather than 'the war'"
    )


def _plain(node: object) -> object:
    # ruamel's round-trip types carry comments and styles; pydantic wants plain values.
    if isinstance(node, Mapping):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, str):
        return str(node)
    return node


def _entry_line(entries: object, index: int) -> int | None:
    try:
        return entries.lc.item(index)[0] + 1  # type: ignore[attr-defined]
    except (AttributeError, KeyError, IndexError, TypeError):
        return None


def _field_line(entry: object, loc: Sequence[object]) -> int | None:
    line = None
    node = entry
    for key in loc:
        try:
            if isinstance(node, Mapping) and key in node:
                line = node.lc.key(key)[0] + 1  # type: ignore[attr-defined]
            elif isinstance(node, list) and isinstance(key, int) and key < len(node):
                line = node.lc.item(key)[0] + 1  # type: ignore[attr-defined]
            else:
                break
            node = node[key]  # type: ignore[index]
        except (AttributeError, KeyError, IndexError, TypeError):
            break
    return line



def _table_problems(located: Sequence[tuple[ReferenceFact, FactLocation]]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, FactLocation] = {}
    for fact, location in located:
        if fact.id in seen:
            first = seen[fact.id]
            problems.append(
                Problem(
                    str(location.path),
                    f"duplicate id: already used at {first.path}:{first.line}",
                    fact_id=fact.id,
                    line=location.line,
                    field="id",
                )
            )
        else:
            seen[fact.id] = location
    preferred = [(fact, location) for fact, location in located if fact.rank == "preferred"]
    for position, (fact, location) in enumerate(preferred):
        for earlier, earlier_location in preferred[:position]:
            if same_property(fact, earlier) and fact.kind == earlier.kind and not values_agree(fact, earlier):
                problems.append(
                    Problem(
                        str(location.path),
                        f"contradicts preferred fact {earlier.id!r} ({earlier_location.path}:{earlier_location.line}): "
                        f"{render_value(fact)} vs {render_value(earlier)}; only one of them can be preferred, "
                        "mark the other normal or deprecated",
                        fact_id=fact.id,
                        line=location.line,
                        field="rank",
                    )
                )
    return problems

