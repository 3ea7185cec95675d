"""One fast pass over a text that finds where a figure may start, so that the recognizers match
their patterns only there (anchored) instead of scanning the whole text once each."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from figcheck.extraction.lexicon import load_lexicon

# stdlib `re` is used for these two scans only: they need no Unicode classes and it is
# several times faster than `regex` on them.
_DIGIT_RUN = re.compile(r"\d+")
_ASCII_WORD = re.compile(r"[A-Za-z]+")


@dataclass
class Triggers:
    digits: list[int] = field(default_factory=list)  # where a run of digits starts
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
    for word in lex.time_units:
        if " " not in word:
            categories[word].add("unit")
    for word in ("yesterday", "today", "tomorrow"):
        categories[word].add("relative_day")
    for word in ("anniversary", "anniversaries", "birthday", "jubilee"):
        categories[word].add("anniversary")
    categories["juche"].add("juche")
    nw = lex.number_words
    for word in [*nw.units, *nw.tens, *nw.scales, *nw.collectives]:
        categories[word].add("number")
    return {word: tuple(sorted(cats)) for word, cats in categories.items()}


def find_triggers(text: str) -> Triggers:
    triggers = Triggers()
    digits = triggers.digits
    for m in _DIGIT_RUN.finditer(text):
        digits.append(m.start())
    categories = _word_categories()
    words = triggers.words
    previous_number_end = -2
    for m in _ASCII_WORD.finditer(text):
        cats = categories.get(m.group().lower())
        if not cats:
            continue
        start = m.start()
        for cat in cats:
            if cat == "number":
                # Only the first word of "three hundred and fifty" starts a number.
                gap = text[previous_number_end:start] if previous_number_end >= 0 else "x"
                if len(gap) > 6 or gap.strip(" -") not in ("", "and"):
                    triggers.number_words.append(start)
                previous_number_end = m.end()
            else:
                words[cat].append(start)
        # "a dozen", "a hundred": the article starts the number.
        if "number" in cats and text[start - 2 : start] in ("a ", "A "):
            triggers.number_words.append(start - 2)
    triggers.number_words.sort()
    return triggers
