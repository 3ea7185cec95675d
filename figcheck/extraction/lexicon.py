"""The English lexicon the extractor is built from, loaded from YAML and validated once."""

from __future__ import annotations

from functools import cache, cached_property
from importlib import resources
from typing import Literal

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from figcheck.records import Qualifier


_DIGIT_ORDINAL = regex.compile(r"(\d+)(?:st|nd|rd|th)")
# How a partitive cue finds its whole: see ``partitive_cues`` in the lexicon.
PartitiveCue = Literal["pronoun", "relative", "listing"]


class NumberWords(BaseModel):
    model_config = ConfigDict(extra="forbid")
    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    collectives: dict[str, int]
    # Collectives that multiply a figure before them ("three dozen", "4 dozen eggs").
    multiplying_collectives: list[str] = Field(default_factory=list)
    abbreviated_scales: dict[str, int] = Field(default_factory=dict)
    glued_scales: dict[str, int] = Field(default_factory=dict)


class Lexicon(BaseModel):
    model_config = ConfigDict(extra="forbid")

    _qualifier_index: dict[str, Qualifier] = PrivateAttr(default_factory=dict)
    _number_words: frozenset[str] = PrivateAttr(default_factory=frozenset)
    _cue_kinds: dict[str, PartitiveCue] = PrivateAttr(default_factory=dict)

    number_words: NumberWords
    ordinal_words: dict[str, int]
    qualifiers: dict[Qualifier, list[str]]
    months: dict[str, int] = Field(min_length=12)
    weekdays: dict[str, int] = Field(min_length=7, max_length=7)
    # "Tues", "Thur", "Weds": read only capitalised and where a day is expected (dates.py).
    weekday_abbreviations: dict[str, int] = Field(default_factory=dict)
    time_units: dict[str, tuple[str, int]]
    short_time_units: frozenset[str] = frozenset()
    whole_unit_words: dict[str, float] = Field(default_factory=dict)
    vague_durations: dict[str, tuple[int, int]] = Field(default_factory=dict)
    measure_units: dict[str, str]
    glued_measure_units: dict[str, str] = Field(default_factory=dict)
    length_words: list[str] = Field(default_factory=list)
    label_words: frozenset[str]
    partitive_cues: dict[PartitiveCue, list[str]]
    name_heads: frozenset[str]
    strength_words: frozenset[str]
    phrase_stops: frozenset[str]
    irregular_past_verbs: frozenset[str]
    dated_nouns: frozenset[str]
    total_verbs: list[str]
    total_markers: list[str]
    number_of_verbs: dict[Literal["state", "change"], list[str]]
    future_cues: list[str]
    duration_relations: dict[str, str]
    anniversary_verbs: frozenset[str]
    change_verbs: frozenset[str] = frozenset()
    instrument_nouns: frozenset[str] = frozenset()
    setting_nouns: frozenset[str] = frozenset()
    vague_amounts: dict[str, int] = Field(default_factory=dict)
    fraction_words: dict[str, int] = Field(default_factory=dict)
    people_verbs: frozenset[str] = frozenset()
    people_nouns: frozenset[str] = frozenset()
    same_things: dict[str, list[str]] = Field(default_factory=dict)
    decade_words: dict[str, int] = Field(default_factory=dict)

    @field_validator("months")
    @classmethod
    def _months_in_range(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {k: v for k, v in value.items() if not 1 <= v <= 12}
        if bad:
            raise ValueError(f"month numbers must be 1-12: {bad}")
        return value

    @field_validator("time_units")
    @classmethod
    def _timex_letters(cls, value: dict[str, tuple[str, int]]) -> dict[str, tuple[str, int]]:
        bad = {k: v for k, v in value.items() if v[0] not in {"Y", "M", "W", "D", "H", "MIN", "S"}}
        if bad:
            raise ValueError(f"time units must map to Y, M, W, D, H, MIN (minutes) or S (seconds): {bad}")
        return value

    @model_validator(mode="after")
    def _short_units_are_units(self) -> Lexicon:
        unknown = sorted(self.short_time_units - set(self.time_units))
        if unknown:
            raise ValueError(f"short_time_units must be time_units: {unknown}")
        bad = {k: v for k, v in self.vague_durations.items() if not 0 < v[0] <= v[1]}
        if bad:
            raise ValueError(f"vague_durations bounds must be 0 < low <= high: {bad}")
        return self

    def model_post_init(self, __context: object) -> None:
        self._qualifier_index = {p: q for q, phrases in self.qualifiers.items() for p in phrases}
        self._cue_kinds = {cue: kind for kind, cues in self.partitive_cues.items() for cue in cues}
        nw = self.number_words
        self._number_words = frozenset(nw.units) | frozenset(nw.tens) | frozenset(nw.scales)

    def is_number_word(self, word: str) -> bool:
        return word.lower() in self.number_word_set

    @cached_property
    def number_word_set(self) -> frozenset[str]:
        # A plain attribute once read: a private attribute is looked up through pydantic's
        # __getattr__ on every call, and this is asked for most words after a figure.
        return self._number_words

    # --- derived lookups -----------------------------------------------------------------

    def cue_kind(self, cue: str) -> PartitiveCue | None:
        return self._cue_kinds.get(" ".join(cue.lower().split()))

    def qualifier_of(self, phrase: str) -> Qualifier | None:
        return self._qualifier_index.get(" ".join(phrase.lower().split()))

    def number_word_value(self, word: str) -> int | None:
        w = word.lower()
        nw = self.number_words
        for table in (nw.units, nw.tens, nw.scales, nw.collectives):
            if w in table:
                return table[w]
        return None

    def ordinal_value(self, word: str) -> int | None:
        """"71st" → 71, "seventy-first" → 71, "sixtieth" → 60."""
        w = word.lower()
        m = _DIGIT_ORDINAL.fullmatch(w)
        if m:
            return int(m.group(1))
        if w in self.ordinal_words:
            return self.ordinal_words[w]
        head, _, tail = w.replace(" ", "-").rpartition("-")  # "twenty-first", "twenty first"
        if head in self.number_words.tens and tail in self.ordinal_words and self.ordinal_words[tail] < 10:
            return self.number_words.tens[head] + self.ordinal_words[tail]
        return None


class LexiconError(Exception):
    pass


@cache
def load_lexicon() -> Lexicon:
    source = resources.files("figcheck").joinpath("lexicon/english.yaml")
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        return Lexicon.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise LexiconError(f"{source}: {exc}") from exc


def alternation(words: list[str] | frozenset[str] | dict[str, object]) -> str:
    """A regex alternation of literal phrases, longest first, spaces matching any blank run.

    Written as a tree of the phrases' common beginnings ("mo(?:re\\s+than|st)"), which matches
    the same text as the flat list: at a branch no two ways can match the same character, so
    the one path the text allows is tried, its longest phrase first, as the list would try
    them. The engine then reads a character once instead of once per phrase: back-searches
    over a window of text (a qualifier before a figure) try it at every position."""
    phrases = sorted(words, key=len, reverse=True)
    flat = "|".join(_escaped(phrase) for phrase in phrases)
    trie = _phrase_tree(phrases)
    return flat if trie is None else _tree_pattern(trie)


def _escaped(phrase: str) -> str:
    return regex.escape(phrase).replace(r"\ ", r"\s+")


_BLANK = " "


def _phrase_tree(phrases: list[str]) -> dict | None:
    """The phrases as a tree of their characters (a single space standing for a blank run), or
    None when two ways at a branch could match one character: a blank other than a single
    space between words, or two characters equal but for case (the pattern may ignore case)."""
    tree: dict = {}
    for phrase in phrases:
        if not phrase or phrase != phrase.strip() or "  " in phrase:
            return None
        if any(ch.isspace() and ch != _BLANK for ch in phrase):
            return None
        if not all(ch.isascii() for ch in phrase):
            return None  # case-insensitive matching may join characters in ways not checked here
        node = tree
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def distinct(node: dict) -> bool:
        keys = [key for key in node if key]
        return len({key.lower() for key in keys}) == len(keys) and all(distinct(child) for child in node.values())

    return tree if distinct(tree) else None


def _tree_pattern(node: dict) -> str:
    branches = [
        (r"\s+" if ch == _BLANK else regex.escape(ch)) + _tree_pattern(child) for ch, child in node.items() if ch
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        # A phrase ends here and longer ones go on: the longer are tried first (greedy "?").
        return f"(?:{body})?"
    return body
