"""The curated reference table: facts from ``reference_data/*.yaml``, validated, matched to claims, added to."""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import socket
import unicodedata
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from figcheck import files
from figcheck.records import Claim, ClaimKind, FactRef, SourceRef

FactKind = Literal["count", "date", "date_range", "duration"]
FACT_KINDS: tuple[FactKind, ...] = ("count", "date", "date_range", "duration")
Rank = Literal["preferred", "normal", "deprecated"]
RANKS: tuple[Rank, ...] = ("preferred", "normal", "deprecated")

# The folder `figcheck facts` works on unless told otherwise.
DEFAULT_FOLDER = Path("reference_data")
# Created with O_EXCL beside the facts while a writer holds the table; see `TableLock`.
LOCK_NAME = ".lock"

# Which kinds of fact a claim of each kind can be checked against. An anniversary is
# checked against the date of the event it counts from.
COMPATIBLE_KINDS: Mapping[ClaimKind, tuple[FactKind, ...]] = {
    "count": ("count",),
    "date": ("date",),
    "date_range": ("date_range",),
    "duration": ("duration",),
    "anniversary": ("date",),
}

_FACT_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A calendar date at the precision of its form: a year, a month or a day.
_TIMEX_DATE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")
# An ISO 8601 duration in calendar units; clock units are of no use for these facts.
_DURATION = re.compile(r"P(?=\d)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?")


# --- values ------------------------------------------------------------------------------


def timex_bounds(timex: str) -> tuple[date, date]:
    """The first and last day a TIMEX date ("1950", "1950-06", "1950-06-25") can mean."""
    found = _TIMEX_DATE.fullmatch(timex)
    if found is None:
        raise ValueError(f"not a date of the form YYYY, YYYY-MM or YYYY-MM-DD: {timex!r}")
    year = int(found["year"])
    if found["month"] is None:
        return date(year, 1, 1), date(year, 12, 31)
    month = int(found["month"])
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month} in {timex!r}")
    if found["day"] is None:
        return date(year, month, 1), date(year, month, monthrange(year, month)[1])
    try:
        day = date(year, month, int(found["day"]))
    except ValueError:
        raise ValueError(f"no such day: {timex!r}") from None
    return day, day


def duration_days(timex: str) -> float:
    """An ISO 8601 duration ("P3Y", "P1Y6M", "P4D") in days, with the mean year and month."""
    found = _DURATION.fullmatch(timex)
    if found is None:
        raise ValueError(f"not an ISO 8601 duration such as P3Y, P18M, P2W or P1Y1M2D: {timex!r}")
    parts = {unit: int(found[unit] or 0) for unit in ("years", "months", "weeks", "days")}
    return parts["years"] * 365.2425 + parts["months"] * 30.436875 + parts["weeks"] * 7 + parts["days"]


def _parse_count(value: object) -> int | float:
    if isinstance(value, bool):
        raise ValueError(f"a count must be a number, not {value!r}")
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        number = float(value.strip().replace(",", ""))
    else:
        raise ValueError(f"a count must be a number such as 661736 or 2.9e6, not {value!r}")
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"a count must be a finite number, not {value!r}")
    return int(number) if float(number).is_integer() else float(number)


def _parse_timex_date(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    # YAML reads an unquoted 1950 as a number; it still means the year.
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}"
    if not isinstance(value, str):
        raise ValueError(f"a date must be written YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    timex_bounds(value.strip())
    return value.strip()


def _parse_duration(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"a duration must be an ISO 8601 duration such as P3Y, not {value!r}")
    duration_days(value.strip())
    return value.strip()


class DateSpan(BaseModel):
    """The value of a date_range fact: its first and last date, each at its own precision."""

    model_config = ConfigDict(extra="forbid")

    start: str
    end: str

    @field_validator("start", "end", mode="before")
    @classmethod
    def _timex(cls, value: object) -> str:
        return _parse_timex_date(value)

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, end: str, info: ValidationInfo) -> str:
        start = info.data.get("start")
        if start is not None and timex_bounds(end)[1] < timex_bounds(start)[0]:
            raise ValueError(f"the range ends ({end}) before it starts ({start})")
        return end

    def __str__(self) -> str:
        return f"{self.start}/{self.end}"


def _parse_date_span(value: object) -> object:
    # On the command line and in prose a range is written ISO 8601 style, "start/end".
    if isinstance(value, str):
        start, slash, end = value.partition("/")
        if not slash:
            raise ValueError(f"a date range must be written START/END, e.g. 1950-06-25/1953-07-27, not {value!r}")
        return {"start": start.strip(), "end": end.strip()}
    if isinstance(value, DateSpan | Mapping):
        return value
    raise ValueError(f"a date range must be a mapping with start and end, or START/END; not {value!r}")


# --- the fact model ----------------------------------------------------------------------


class ReferenceFact(BaseModel):
    """One curated fact: what it is about, its value typed like a claim's, and where it is stated."""

    model_config = ConfigDict(extra="forbid")

    # Stable and readable: a finding cites it, so it never changes once published.
    id: str
    subject: str = Field(min_length=1)
    property: str = Field(min_length=1)
    kind: FactKind
    # count: a number; date: "1950", "1950-06" or "1950-06-25" (the form is the precision);
    # date_range: start and end dates; duration: ISO 8601 ("P3Y").
    value: int | float | str | DateSpan
    # Bounds of a count or duration that is only known within a range.
    low: int | float | str | None = None
    high: int | float | str | None = None
    # How far a count may be from `value` and still agree with it.
    tolerance: float | None = Field(default=None, ge=0)
    unit: str | None = None
    # The date the figure describes the world at ("by 1 July 1950").
    as_of: str | None = None
    # Other names of the subject, and words of the property: a claim matches a fact when
    # it names the subject and uses one of the words (see ReferenceTable.match).
    aliases: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    # preferred: the figure to check against; normal: kept, used when nothing is
    # preferred; deprecated: superseded or disputed, kept on record only.
    rank: Rank = "normal"
    references: list[SourceRef] = Field(min_length=1)
    notes: str | None = None
    added_by: str | None = None
    added_at: date | None = None

    @field_validator("id")
    @classmethod
    def _readable_id(cls, value: str) -> str:
        if not _FACT_ID.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a fact id: use lower-case words and digits joined by hyphens, "
                "e.g. korean-war-armistice-signed"
            )
        return value

    @field_validator("subject", "property")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("value", mode="wrap")
    @classmethod
    def _value_of_kind(cls, value: object, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> object:
        kind = info.data.get("kind")
        if kind is None:
            # The kind itself is wrong and is reported; a second error here would be noise.
            return value
        if kind == "count":
            return handler(_parse_count(value))
        if kind == "date":
            return handler(_parse_timex_date(value))
        if kind == "duration":
            return handler(_parse_duration(value))
        try:
            return DateSpan.model_validate(_parse_date_span(value))
        except ValidationError as error:
            raise ValueError(
                "; ".join(f"{_field_path(detail['loc'])}: {_message(detail)}" for detail in error.errors())
            ) from None

    @field_validator("low", "high", mode="wrap")
    @classmethod
    def _bound_of_kind(cls, value: object, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> object:
        if value is None:
            return None
        kind = info.data.get("kind")
        if kind is None:
            return value
        if kind == "count":
            bound: int | float | str = _parse_count(value)
            as_number: float = bound
        elif kind == "duration":
            bound = _parse_duration(value)
            as_number = duration_days(bound)
        else:
            raise ValueError(f"low and high bound only count and duration facts, not a {kind} fact")
        fact_value = info.data.get("value")
        if fact_value is not None:
            value_number = duration_days(fact_value) if kind == "duration" else float(fact_value)
            if info.field_name == "low" and as_number > value_number:
                raise ValueError(f"low ({bound}) is above the value ({fact_value})")
            if info.field_name == "high" and as_number < value_number:
                raise ValueError(f"high ({bound}) is below the value ({fact_value})")
        return handler(bound)

    @field_validator("tolerance")
    @classmethod
    def _tolerance_of_count(cls, value: float | None, info: ValidationInfo) -> float | None:
        kind = info.data.get("kind")
        if value is not None and kind is not None and kind != "count":
            raise ValueError(f"a tolerance applies to count facts only, not to a {kind} fact")
        return value

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of_date(cls, value: object) -> object:
        return None if value is None else _parse_timex_date(value)

    @field_validator("aliases", "keywords")
    @classmethod
    def _matchable_phrases(cls, phrases: list[str]) -> list[str]:
        for phrase in phrases:
            if not words(phrase):
                raise ValueError(f"{phrase!r} has no word to match claims with")
        return [phrase.strip() for phrase in phrases]

    # A method, not a property: the field `property` hides the builtin in this class body.
    def names(self) -> tuple[str, ...]:
        """Every name the subject goes by: the subject itself, then its aliases."""
        return (self.subject, *self.aliases)


def render_value(fact: ReferenceFact) -> str:
    """A fact's value as a report shows it: "661,736", "1950-06-25", "1950-06-25/1953-07-27", "P3Y"."""
    if fact.kind == "count":
        text = _render_number(fact.value)
        if fact.unit:
            text = f"{text} {fact.unit}"
        if fact.low is not None or fact.high is not None:
            low = _render_number(fact.low) if fact.low is not None else "…"
            high = _render_number(fact.high) if fact.high is not None else "…"
            text = f"{text} ({low}–{high})"
        elif fact.tolerance:
            text = f"{text} (±{_render_number(fact.tolerance)})"
        return text
    if fact.kind == "duration" and (fact.low is not None or fact.high is not None):
        return f"{fact.value} ({fact.low or '…'}–{fact.high or '…'})"
    return str(fact.value)


def _render_number(number: object) -> str:
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return f"{number:,}" if isinstance(number, int) else f"{number:,.6g}"


def fact_ref(fact: ReferenceFact) -> FactRef:
    """The fact as a finding cites it."""
    return FactRef(
        fact_id=fact.id,
        subject=fact.subject,
        property=fact.property,
        value=render_value(fact),
        rank=fact.rank,
        sources=[source.model_copy() for source in fact.references],
    )


def values_agree(first: ReferenceFact, second: ReferenceFact) -> bool:
    """Whether two facts of one kind can both be true: equal within tolerance, bounds or precision."""
    if first.kind != second.kind:
        return False
    if first.kind == "count":
        tolerance = max(first.tolerance or 0.0, second.tolerance or 0.0)
        if abs(float(first.value) - float(second.value)) <= tolerance:
            return True
        return _within(second.value, first.low, first.high) or _within(first.value, second.low, second.high)
    if first.kind == "date":
        return _dates_agree(first.value, second.value)
    if first.kind == "date_range":
        return _dates_agree(first.value.start, second.value.start) and _dates_agree(first.value.end, second.value.end)
    days = (duration_days(first.value), duration_days(second.value))
    if abs(days[0] - days[1]) < 1:
        return True
    return _within(days[1], _days(first.low), _days(first.high)) or _within(
        days[0], _days(second.low), _days(second.high)
    )


def _days(duration: object) -> float | None:
    return None if duration is None else duration_days(str(duration))


def _within(number: object, low: object, high: object) -> bool:
    if low is None and high is None:
        return False
    number = float(number)
    return (low is None or float(low) <= number) and (high is None or number <= float(high))


def _dates_agree(first: str, second: str) -> bool:
    # "1950" and "1950-06-25" agree: one is the other at a coarser precision.
    (first_start, first_end), (second_start, second_end) = timex_bounds(first), timex_bounds(second)
    nested = first_start <= second_start and second_end <= first_end
    return nested or (second_start <= first_start and first_end <= second_end)


def same_property(first: ReferenceFact, second: ReferenceFact) -> bool:
    """Whether two facts state the same property of the same subject (case and spacing aside)."""
    return _folded(first.subject) == _folded(second.subject) and _folded(first.property) == _folded(second.property)


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# --- words, for matching -----------------------------------------------------------------

_APOSTROPHES = str.maketrans("", "", "'’ʼ`")
_NOT_WORD = re.compile(r"[^\w]+")
# Articles carry no meaning for matching: "Hero of Republic" is "Hero of the Republic".
_ARTICLES = frozenset({"the", "a", "an"})


def _singular(word: str) -> str:
    # Crude on purpose: both sides of a match go through it, so it only has to be consistent.
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=8192)
def words(text: str | None) -> tuple[str, ...]:
    """The words of ``text`` as matching sees them: folded, without articles, singular."""
    if not text:
        return ()
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return tuple(_singular(word) for word in _NOT_WORD.split(folded) if word and word not in _ARTICLES)


_NAME, _KEYWORD = "name", "keyword"


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    fact: int
    role: str
    # A name of several words or a proper name ("Korean War", "DPRK") names its fact on its
    # own; a lone common word ("war", "liberation") only in an article that names it so.
    specific: bool = True


@dataclass
class _Hits:
    name_in_subject: bool = False
    name_elsewhere: bool = False
    keyword_near: bool = False
    keyword_in_sentence: bool = False
    # Words in the longest name found: "Fatherland Liberation War" says more than "liberation".
    longest_name: int = 0
    name_near: bool = False
    specific_name: bool = False

    def saw_name(self, phrase: _Phrase, near: bool) -> None:
        self.longest_name = max(self.longest_name, len(phrase.words))
        self.specific_name = self.specific_name or phrase.specific
        self.name_near = self.name_near or near

    @property
    def score(self) -> int:
        return 2 * self.name_in_subject + self.name_elsewhere + 2 * self.keyword_near + self.keyword_in_sentence


def _phrases_in(index: Mapping[str, list[_Phrase]], text: tuple[str, ...]) -> Iterator[_Phrase]:
    for _, phrase in _placed_phrases_in(index, text):
        yield phrase


def _placed_phrases_in(index: Mapping[str, list[_Phrase]], text: tuple[str, ...]) -> Iterator[tuple[int, _Phrase]]:
    for start, word in enumerate(text):
        for phrase in index.get(word, ()):
            if text[start : start + len(phrase.words)] == phrase.words:
                yield start, phrase


# How many words may stand between a dated fact's name and its keyword for the pair to say
# one thing: "the founding of the DPRK" does; "the establishment of diplomatic relations
# between the DPRK and Pakistan" is not the founding of the DPRK.
_PROXIMITY = 2


def _bound(placed: list[tuple[int, _Phrase]], fact: int) -> bool:
    names = [(start, start + len(p.words)) for start, p in placed if p.fact == fact and p.role == _NAME]
    keywords = [(start, start + len(p.words)) for start, p in placed if p.fact == fact and p.role == _KEYWORD]
    return any(
        k_start - n_end <= _PROXIMITY and n_start - k_end <= _PROXIMITY
        for n_start, n_end in names
        for k_start, k_end in keywords
    )


# --- the table ---------------------------------------------------------------------------


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
        self._index: dict[FactKind, dict[str, list[_Phrase]]] = {kind: defaultdict(list) for kind in FACT_KINDS}
        for position, fact in enumerate(self.facts):
            for role, phrases in ((_NAME, fact.names()), (_KEYWORD, fact.keywords)):
                seen: set[tuple[str, ...]] = set()
                for phrase in phrases:
                    phrase_words = words(phrase)
                    if not phrase_words or phrase_words in seen:
                        continue
                    seen.add(phrase_words)
                    specific = any(ch.isupper() for ch in phrase)
                    self._index[fact.kind][phrase_words[0]].append(_Phrase(phrase_words, position, role, specific))

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
        found = set()
        folded = words(text)
        for index in self._index.values():
            for phrase in _phrases_in(index, folded):
                if phrase.role == _NAME and phrase.specific:
                    found.add(self.facts[phrase.fact].id)
        return frozenset(found)

    def match(self, claim: Claim, *, named_in_article: frozenset[str] | None = None) -> list[ReferenceFact]:
        """The facts ``claim`` can be checked against, best first.

        A fact matches when its kind fits the claim's, one of its names (subject or
        aliases) occurs in the claim, and, if it has keywords, one of them does too. For a
        count the name must be in the claim's subject when the claim has one: what is
        counted decides (volunteers are not nurses). For a date, the name must be in the
        date's own clause with a keyword a few words from it ("the founding of the DPRK"), and
        a name that is a common word ("the war") counts only in an article that names the
        fact properly somewhere (``named_in_article``). Facts whose words are in the
        claim's subject or context rank above those found only elsewhere in its sentence;
        then preferred facts come first.
        """
        kinds = COMPATIBLE_KINDS.get(claim.kind, ())
        # A duration measured from or to an event ("three days after the outbreak") is a
        # gap between two dates, not the length of anything a fact records.
        if claim.kind == "duration" and getattr(claim.value, "anchor", None) is not None:
            return []
        subject = words(claim.subject)
        near = words(claim.context)
        if claim.kind == "anniversary":
            near += words(getattr(claim.value, "event", None))
        sentence = words(claim.sentence)
        hits: dict[int, _Hits] = defaultdict(_Hits)
        dated = claim.kind in ("date", "date_range", "anniversary")
        bound: set[int] = set()
        for kind in kinds:
            index = self._index[kind]
            if dated:
                # Each field on its own: joined, the end of one would stand next to the start
                # of the next and make pairs the text never wrote.
                fields = (subject, words(claim.context), words(getattr(claim.value, "event", None)))
                for field in fields:
                    placed = list(_placed_phrases_in(index, field))
                    bound.update(p.fact for _, p in placed if _bound(placed, p.fact))
            for phrase in _phrases_in(index, subject):
                if phrase.role == _NAME:
                    hits[phrase.fact].name_in_subject = True
                    hits[phrase.fact].saw_name(phrase, near=True)
                else:
                    hits[phrase.fact].keyword_near = True
            for phrase in _phrases_in(index, near):
                if phrase.role == _NAME:
                    hits[phrase.fact].name_elsewhere = True
                    hits[phrase.fact].saw_name(phrase, near=True)
                else:
                    hits[phrase.fact].keyword_near = True
            for phrase in _phrases_in(index, sentence):
                if phrase.role == _NAME:
                    hits[phrase.fact].name_elsewhere = True
                    hits[phrase.fact].saw_name(phrase, near=False)
                else:
                    hits[phrase.fact].keyword_in_sentence = True
        matched: list[tuple[int, int, str, ReferenceFact]] = []
        for position, found in hits.items():
            fact = self.facts[position]
            if fact.kind in ("count", "duration") and subject:
                named = found.name_in_subject
            elif claim.kind in ("date", "date_range", "anniversary"):
                # A sentence can name several events; a date belongs to the one in its clause.
                named = found.name_near
            else:
                named = found.name_in_subject or found.name_elsewhere
            if named and not found.specific_name:
                if named_in_article is not None and fact.id not in named_in_article:
                    named = False
                elif _inside_other_name(claim, fact):
                    named = False
            worded = found.keyword_near or found.keyword_in_sentence or not fact.keywords
            if dated and fact.keywords:
                # A date's event is named and described together: "the outbreak of the war".
                worded = position in bound
            if named and worded:
                matched.append((-found.score, -found.longest_name, RANKS.index(fact.rank), fact.id, fact))
        return [fact for *_, fact in sorted(matched, key=lambda entry: entry[:4])]


def _inside_other_name(claim: Claim, fact: ReferenceFact) -> bool:
    """Whether every common-word name of the fact in the claim is part of another proper name:
    "war" in "the Gulf War", "treaty" in "the Korea-Japan Annexation Treaty"."""
    text = " ".join(t for t in (claim.subject, claim.context) if t)
    seen = False
    for name in fact.names():
        if any(ch.isupper() for ch in name):
            continue
        for m in re.finditer(rf"(?i)\b{re.escape(name)}\b", text):
            seen = True
            before = text[: m.start()].split()
            if not before or not before[-1][:1].isupper() or before[-1].lower() in ("the", "a", "an"):
                return False
    return seen


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


def _yaml() -> YAML:
    # One style for every file, so a file written back differs only where it was changed.
    yaml = YAML()
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
    except (YAMLError, ValueError) as error:
        line = None
        if isinstance(error, MarkedYAMLError) and error.problem_mark is not None:
            line = error.problem_mark.line + 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        return [], [Problem(name, f"is not valid YAML: {problem}", line=line)]
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
        located.append((fact, FactLocation(path, line or 0, number)))
    return located, problems


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


def _field_path(loc: Sequence[object]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(entry)"


def _message(detail: Mapping[str, Any]) -> str:
    kind = detail.get("type")
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        model = ReferenceFact if len(detail["loc"]) == 1 else SourceRef
        allowed = ", ".join(model.model_fields)
        return f"is not a known field (known: {allowed})"
    message = str(detail.get("msg", "is not valid"))
    return message.removeprefix("Value error, ")


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


# --- adding facts ------------------------------------------------------------------------


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
