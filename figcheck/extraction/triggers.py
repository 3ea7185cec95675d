"""One fast pass over a text that finds where a figure may start, so that the recognizers match
their patterns only there (anchored) instead of scanning the whole text once each."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from figcheck.extraction.lexicon import load_lexicon

# stdlib `re` is used for these scans only: they need no Unicode classes and it is several
# times faster than `regex` on them.
_DIGIT_RUN = re.compile(r"\d+")
# An ASCII text is first rewritten with one byte per character (`bytes.translate`, a table
# look-up a byte and several times faster than `str.translate` and its mapping, itself far
# faster than a regex scan): digits as "0" and the rest as blanks for the digit runs, letters
# in lower case and the rest as blanks for the words. `bytes.split` and `bytes.find` then find
# the runs, and the word scan only tries the word starts. Offsets into the bytes of an ASCII
# text are offsets into the text.
_DIGITS_ONLY = bytes(ord("0") if "0" <= chr(i) <= "9" else ord(" ") for i in range(256))
_LETTERS_ONLY = bytes(ord(chr(i).lower()) if chr(i).isascii() and chr(i).isalpha() else ord(" ") for i in range(256))


@cache
def _trigger_word() -> re.Pattern[str]:
    """The lexicon's trigger words only, so that the scan never enters Python for the other
    words of a text (most of them)."""
    # Matched against the lower-cased text: several times faster than IGNORECASE.
    return re.compile(r"(?<![a-z])" + _trie_pattern(sorted(_word_categories())) + r"(?![a-z])")


@cache
def _trigger_word_after_blank() -> re.Pattern[bytes]:
    """The trigger words of a text rewritten with ``_LETTERS_ONLY`` and a blank at each end: a
    word starts after a blank and ends before one."""
    return re.compile((" " + _trie_pattern(sorted(_word_categories())) + "(?= )").encode("ascii"))


@cache
def _trigger_word_any_case() -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z])" + _trie_pattern(sorted(_word_categories())) + r"(?![A-Za-z])", re.IGNORECASE)


def _trie_pattern(words: list[str]) -> str:
    """An alternation of ``words`` factored by common prefixes ("ju(?:ly|ne)"): the engine
    then tests one character per position instead of every word."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return pattern(trie)


@dataclass
class Triggers:
    digits: list[int] = field(default_factory=list)  # where a run of digits starts
    # How long each of those runs is: a day has one or two digits, a year four, so a
    # recognizer can skip the patterns that cannot match there.
    digit_lengths: list[int] = field(default_factory=list)
    number_words: list[int] = field(default_factory=list)  # where a spelled number may start
    words: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def numbers(self) -> list[int]:
        return sorted(self.digits + self.number_words)


@cache
def _word_categories() -> dict[str, tuple[str, ...]]:
    lex = load_lexicon()
    categories: dict[str, set[str]] = defaultdict(set)
    for word in lex.months:
        categories[word].add("month")
    for word in lex.weekdays:
        categories[word].add("weekday")
    for word in lex.weekday_abbreviations:
        categories[word].add("weekday_abbreviation")
    for word in lex.time_units:
        if " " not in word:
            categories[word].add("unit")
    for word in ("yesterday", "today", "tomorrow"):
        categories[word].add("relative_day")
    for word in ("spring", "summer", "autumn", "fall", "winter"):
        categories[word].add("season")
    for word in lex.decade_words:
        categories[word].add("decade")
    for word in ("weekend", "quarter", "half"):
        categories[word].add("period")
    for word in ("anniversary", "anniversaries", "birthday", "jubilee"):
        categories[word].add("anniversary")
    categories["juche"].add("juche")
    nw = lex.number_words
    for word in [*nw.units, *nw.tens, *nw.scales, *nw.collectives, "half", "quarter", "quarters"]:
        categories[word].add("number")
    for word in lex.fraction_words:
        # "a fifth of the vote": only "a" before it starts a figure ("the fifth and five" do not).
        categories[word].add("fraction")
    for word in lex.vague_amounts:
        categories[word].add("vague")
    categories["tens"].add("vague")
    return {word: tuple(sorted(cats)) for word, cats in categories.items()}


def find_triggers(text: str) -> Triggers:
    triggers = Triggers()
    categories = _word_categories()
    words = triggers.words
    previous_number_end = -2
    scan = scan_ascii if text.isascii() else scan_any
    triggers.digits, triggers.digit_lengths, found = scan(text)
    for start, end, word in found:
        cats = categories[word]
        for cat in cats:
            if cat == "number":
                # Only the first word of "three hundred and fifty" starts a number.
                gap = text[previous_number_end:start] if previous_number_end >= 0 else "x"
                if len(gap) > 6 or gap.strip(" -") not in ("", "and"):
                    triggers.number_words.append(start)
                previous_number_end = end
            else:
                words[cat].append(start)
        # "a dozen", "a hundred", "a fifth": the article starts the number.
        if ("number" in cats or "fraction" in cats) and text[start - 2 : start] in ("a ", "A "):
            triggers.number_words.append(start - 2)
    triggers.number_words.sort()
    return triggers


def _ascii_digit_runs(text: bytes) -> tuple[list[int], list[int]]:
    """Where each run of digits of an ASCII text (as bytes) starts, and how long it is."""
    digits = text.translate(_DIGITS_ONLY)
    starts: list[int] = []
    lengths: list[int] = []
    pos = 0
    for run in digits.split():
        # The next run of "0"s at or after ``pos`` is this one, whole: runs are blank-separated.
        pos = digits.find(run, pos)
        starts.append(pos)
        lengths.append(len(run))
        pos += len(run)
    return starts, lengths


Scan = tuple[list[int], list[int], list[tuple[int, int, str]]]


def scan_any(text: str) -> Scan:
    """Where the digit runs start and how long they are, and the trigger words (start, end,
    lower-cased word), in text order: for any text."""
    runs = [m.span() for m in _DIGIT_RUN.finditer(text)]
    lowered = text.lower()
    if len(lowered) == len(text):
        found = [(m.start(), m.end(), m.group()) for m in _trigger_word().finditer(lowered)]
    else:
        # A few characters lower-case to two ("İ"): offsets would shift, so match in place.
        found = [(m.start(), m.end(), m.group().lower()) for m in _trigger_word_any_case().finditer(text)]
    return [start for start, _ in runs], [end - start for start, end in runs], found


def scan_ascii(text: str) -> Scan:
    """``scan_any`` for an ASCII text, several times faster."""
    data = text.encode("ascii")
    starts, lengths = _ascii_digit_runs(data)
    # The blank put in front shifts every offset by one: a match's start is its word's.
    letters = b" " + data.translate(_LETTERS_ONLY) + b" "
    found = [(m.start(), m.end() - 1, m.group()[1:].decode("ascii")) for m in _trigger_word_after_blank().finditer(letters)]
    return starts, lengths, found
