"""Numbers as written in news text: digits, number words, scale words, qualifiers and ranges.

Finding a span (the patterns) is kept apart from resolving its value (``parse_number``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from figcheck.extraction.lexicon import Lexicon, alternation, load_lexicon
from figcheck.records import Qualifier


_SEPARATORS = regex.compile(r"[\s-]+")


@dataclass(frozen=True)
class NumberPatterns:
    """Regex sources built from the lexicon, shared by every recognizer."""

    number: str  # one number: "661,736", "1.2 million", "seventy-one", "a dozen"
    qualifier: str  # "more than", "nearly", ...
    ordinal: str  # "71st", "seventy-first"
    year: str


@cache
def number_patterns() -> NumberPatterns:
    lex = load_lexicon()
    nw = lex.number_words
    unit = alternation(nw.units)
    tens = alternation(nw.tens)
    scale = alternation(nw.scales)
    word = rf"(?:(?:{tens})(?:-(?:{unit}))?|{unit}|{scale})"
    spelled = (
        rf"(?i:\ba\s+(?:{alternation(nw.collectives)}|hundred|thousand|million|billion)\b"
        rf"|\b{word}(?:(?:\s+|-)(?:and\s+)?{word})*\b)"
    )
    digits = (
        r"(?<![\p{L}\p{N}.,/:+@#]|[\p{L}\p{N}]-)"
        r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
        r"(?![\p{N}\p{L}]|[.,:/]\d)"
        rf"(?:\s+(?:{scale})\b)?"
    )
    ordinal_words = alternation(lex.ordinal_words)
    ordinal = (
        rf"(?i:\b\d{{1,4}}(?:st|nd|rd|th)\b|\b(?:(?:{tens})-)?(?:{ordinal_words})\b)"
    )
    qualifier = alternation([p for phrases in lex.qualifiers.values() for p in phrases])
    return NumberPatterns(
        number=rf"(?:{digits}|{spelled})",
        qualifier=rf"(?i:\b(?:{qualifier}))",
        ordinal=ordinal,
        year=r"(?:1[0-9]{3}|20[0-9]{2})",
    )


def parse_number(text: str, lexicon: Lexicon | None = None) -> float | None:
    """The value of one number as written: "661,736" → 661736, "1.2 million" → 1.2e6,
    "three hundred and fifty" → 350, "seventy-one" → 71, "a dozen" → 12."""
    lex = lexicon or load_lexicon()
    cleaned = text.strip().lower().replace(",", "")
    parts = _SEPARATORS.split(cleaned)
    if parts and parts[0] and parts[0][0].isdigit():
        try:
            value = float(parts[0])
        except ValueError:
            return None
        for word in parts[1:]:
            factor = lex.number_words.scales.get(word)
            if factor is None:
                return None
            value *= factor
        return value
    total = 0
    current = 0
    seen = False
    for word in parts:
        if word in ("and", ""):
            continue
        if word == "a":
            current = 1
            continue
        nw = lex.number_words
        if word in nw.units or word in nw.tens:
            current += nw.units.get(word, 0) + nw.tens.get(word, 0)
        elif word in nw.collectives:
            current = (current or 1) * nw.collectives[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in nw.scales:
            total += (current or 1) * nw.scales[word]
            current = 0
        else:
            return None
        seen = True
    return float(total + current) if seen else None


def bounds(value: float, qualifier: Qualifier, phrase: str | None) -> tuple[float | None, float | None]:
    """The interval a qualified figure allows: "more than 80,000" → (80000, None);
    "nearly 2" → (1.8, 2); "about 100" → (90, 110)."""
    match qualifier:
        case "exact":
            return value, value
        case "more_than" | "at_least":
            return value, None
        case "less_than" | "at_most":
            return None, value
        case "approx":
            if phrase and phrase.lower() in ("nearly", "almost", "close to", "not quite"):
                return value * 0.9, value
            return value * 0.9, value * 1.1
        case _:
            return None, None


def is_integral(value: float) -> bool:
    return float(value).is_integer()


def format_number(value: float) -> str:
    return f"{int(value):,}" if is_integral(value) else f"{value:,.2f}".rstrip("0").rstrip(".")
