"""Numbers as written in news text: digits, number words, scale words, qualifiers and ranges.

Finding a span (the patterns) is kept apart from resolving its value (``parse_number``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

import regex

from figcheck.extraction.lexicon import Lexicon, alternation, load_lexicon
from figcheck.records import Qualifier


_SEPARATORS = regex.compile(r"[\s-]+")
# Fractions of one character ("½", "¾", "⅜"), as recipes, sizes and distances are written.
VULGAR_FRACTIONS = "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒"
_VULGAR_CLASS = f"[{VULGAR_FRACTIONS}]"
_GLUED_SCALE = regex.compile(r"\p{L}+$")
# A space between digit groups: "250 000" is one number.
_DIGIT_GROUP = regex.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)")


@dataclass(frozen=True)
class NumberPatterns:
    """Regex sources built from the lexicon, shared by every recognizer."""

    number: str  # one number: "661,736", "1.2 million", "seventy-one", "a dozen"
    # The second number of a range ("200-300", "three to four"): the same without the rule
    # that a digit run glued to a word and a hyphen ("MiG-15") is no figure.
    range_end: str
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
    # "thirty" is no number inside "thirty-first", "twenty fifth" (an ordinal) or "thirty-fifths"
    # (a fraction); "fifty - two" is one number.
    digit_word = alternation([w for w, v in nw.units.items() if 1 <= v <= 9])
    unit_ordinal = alternation([w for w, v in lex.ordinal_words.items() if v <= 9])
    word = (
        rf"(?:(?:{tens})(?:-(?:{unit})|\s+-\s+(?:{digit_word})\b)?"
        rf"(?!-(?i:{alternation(lex.ordinal_words)})s?\b|[ \t]+(?i:{unit_ordinal})\b)"
        rf"|{unit}|{scale})"
    )
    # "two hundred point zero three", "two point five million": a decimal in words.
    # "two hundred point seventy-one": some read the digits after the point as one number.
    teen = alternation([w for w, v in nw.units.items() if v >= 10])
    decimal = (
        rf"(?:(?<!\b(?i:at)\s+(?i:one))\s+(?i:point)"
        rf"(?:(?:\s+(?:{alternation([w for w, v in nw.units.items() if v <= 9])})\b)+"
        rf"|\s+(?i:(?:{tens})(?:-(?:{digit_word}))?|{teen})\b(?!-))"
        rf"(?:\s+(?:{scale})\b)?)?"
    )
    # "three dozen", "4 dozen": the figure times the collective.
    multiplied = rf"(?:\s+(?i:{alternation(nw.multiplying_collectives)})\b)?" if nw.multiplying_collectives else ""
    # "three and a half million", "two and a half".
    half = rf"(?:\s+and\s+(?:a\s+)?half(?:\s+(?:{scale}))?\b)?"
    spelled = (
        # "half a million", "a quarter of a million", "three quarters of a billion".
        rf"(?i:\bhalf\s+an?\s+(?:{scale}|{alternation(nw.collectives)})\b"
        rf"|\b(?:a|one|three)\s+quarters?\s+of\s+an?\s+(?:{scale})\b"
        rf"|\ba\s+(?:{alternation(nw.collectives)}|hundred|thousand|million|billion)\b{half}"
        rf"|\b{word}(?:(?:\s+|-)(?:and\s+(?!a\b))?{word})*\b{decimal}{multiplied}{half})"
    )
    abbreviated = alternation(nw.abbreviated_scales) if nw.abbreviated_scales else None
    any_scale = f"{scale}|{abbreviated}" if abbreviated else scale
    if nw.multiplying_collectives:
        any_scale = f"{any_scale}|{alternation(nw.multiplying_collectives)}"
    glued = alternation(nw.glued_scales) if nw.glued_scales else None
    digit_run = (
        # "661,736"; "250 000" (a space between thousands, as some agencies write them).
        # "2½", "½": a fraction character after the digits or alone.
        r"(?:(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\p{N},]|\.\d{3})|\d+)(?:\.\d+|"
        + _VULGAR_CLASS + ")?|" + _VULGAR_CLASS + ")"
        + (rf"(?:(?i:{glued})(?![\p{{N}}\p{{L}}])|" if glued else "(?:")
        + r"(?![\p{N}\p{L}]|[.,:/]\d)"
        + rf"(?:\s+(?:{any_scale})\b)?)"
    )
    digits = r"(?<![\p{L}\p{N}.,/:+@#]|[\p{L}\p{N}]-)" + digit_run
    ordinal_words = alternation(lex.ordinal_words)
    ordinal = (
        # "twenty-fifth", "twenty fifth": one ordinal with a hyphen or a blank.
        rf"(?i:\b\d{{1,4}}(?:st|nd|rd|th)\b|\b(?:(?:{tens})(?:-|[ \t]+(?=(?:{unit_ordinal})\b)))?(?:{ordinal_words})\b)"
    )
    qualifier = alternation([p for phrases in lex.qualifiers.values() for p in phrases])
    return NumberPatterns(
        number=rf"(?:{digits}|{spelled})",
        range_end=rf"(?:(?<![\p{{L}}\p{{N}}.,/:+@#]){digit_run}|{spelled})",
        qualifier=rf"(?i:\b(?:{qualifier}))",
        ordinal=ordinal,
        year=r"(?:1[0-9]{3}|20[0-9]{2})",
    )


# More digits than any figure an article states (10^30 is far above the world's money in any
# currency): such a run is read as no number at all.
MAX_DIGITS = 30


def parse_number(text: str, lexicon: Lexicon | None = None) -> float | None:
    """The value of one number as written: "661,736" → 661736, "1.2 million" → 1.2e6,
    "three hundred and fifty" → 350, "seventy-one" → 71, "a dozen" → 12."""
    digits = text.replace(",", "")
    if len(digits) > MAX_DIGITS and sum(c.isdigit() for c in digits) > MAX_DIGITS:
        return None  # a run of digits, not a figure (and past what a float or int() reads)
    if digits.isdigit() and digits.isascii():
        # "1950", "661,736": most numbers, read without the general reading below (which
        # gives the same: an int and a Decimal of the same digits make the same float).
        return float(int(digits))
    lex = lexicon or load_lexicon()
    cleaned = _DIGIT_GROUP.sub("", text.strip().lower().replace(",", ""))
    parts = _SEPARATORS.split(cleaned)
    nw = lex.number_words
    if parts and parts[0] and (parts[0][0].isdigit() or parts[0][0] in VULGAR_FRACTIONS):
        first = parts[0]
        factor_glued = 1
        vulgar = 0.0
        if first[-1] in VULGAR_FRACTIONS:
            vulgar, first = unicodedata.numeric(first[-1]), first[:-1] or "0"
        glued = _GLUED_SCALE.search(first) if first[-1].isalpha() else None
        if glued:
            factor_glued = nw.glued_scales.get(glued.group(), 0)
            if not factor_glued:
                return None
            first = first[: glued.start()]
        try:
            # Decimal, so that "1.027 million" is 1027000 and not 1026999.9999999999.
            exact = (Decimal(first) + Decimal(vulgar)) * factor_glued
        except InvalidOperation:
            return None
        for word in parts[1:]:
            factor = nw.scales.get(word) or nw.abbreviated_scales.get(word)
            if factor is None and word in nw.multiplying_collectives:
                factor = nw.collectives[word]
            if factor is None:
                return None
            exact *= factor
        return float(exact)
    if "point" in parts:
        return _spelled_decimal(parts, lex)
    if parts[-2:] == ["and", "half"] or parts[-3:-1] == ["and", "half"]:
        # "one and half year", as some write "one and a half".
        at = len(parts) - (2 if parts[-1] == "half" else 3)
        parts = [*parts[:at], "and", "a", *parts[at + 1 :]]
    if not _one_number(parts, lex):
        return None  # "twenty twenty" is not forty, "five and six" not eleven
    if parts[0] == "half" and len(parts) > 1:
        rest = parse_number(" ".join(parts[1:]), lex)
        return rest / 2 if rest is not None else None
    if "quarter" in parts[:2] or "quarters" in parts[:2]:
        at = parts.index("quarters" if "quarters" in parts[:2] else "quarter")
        count = 3 if parts[:at] == ["three"] else 1
        rest = parse_number(" ".join(parts[at + 2 :]), lex) if parts[at + 1 : at + 2] == ["of"] else None
        return rest * count / 4 if rest is not None else None
    if parts[-3:] == ["and", "a", "half"] and len(parts) > 3 and parts[-4] in nw.scales and parts[-4] != "hundred":
        # "one million and a half" is a million and a half, not a million and one half.
        whole = parse_number(" ".join(parts[:-3]), lex)
        return whole + nw.scales[parts[-4]] / 2 if whole is not None else None
    total = 0
    current: float = 0
    group: float = 0  # what the words since the last "hundred" or scale add ("two" of "three hundred and two")
    seen = False
    if parts[-3:] == ["and", "a", "half"] or parts[-4:-1] == ["and", "a", "half"]:
        # "three and a half million": the half belongs to the number before the scale word.
        at = len(parts) - (3 if parts[-1] == "half" else 4)
        parts = [*parts[:at], "_half", *parts[at + 3 :]]
    for word in parts:
        if word in ("and", ""):
            continue
        if word == "_half":
            current += 0.5
            continue
        if word == "a":
            current = group = 1
            continue
        nw = lex.number_words
        if word in nw.units or word in nw.tens:
            added = nw.units.get(word, 0) + nw.tens.get(word, 0)
            current += added
            group += added
        elif word in nw.collectives:
            # "three dozen" is 36; "three hundred and two dozens" is 300 and two dozen.
            current = current - group + (group or current or 1) * nw.collectives[word] if group else (current or 1) * nw.collectives[word]
            group = 0
        elif word == "hundred":
            current = (current or 1) * 100
            group = 0
        elif word in nw.scales:
            total += (current or 1) * nw.scales[word]
            current = group = 0
        else:
            return None
        seen = True
    return float(total + current) if seen else None


def _spelled_decimal(parts: list[str], lex: Lexicon) -> float | None:
    """ "two hundred point zero three" → 200.03, "two point five million" → 2.5e6: the digits
    after "point" are single number words, or one number of two digits ("point seventy-one")."""
    at = parts.index("point")
    whole = parse_number(" ".join(parts[:at]), lex) if at else 0.0
    digits = ""
    rest = parts[at + 1 :]
    units, tens = lex.number_words.units, lex.number_words.tens
    if rest and rest[0] in tens:
        # "point seventy-one" → .71, "point seventy" → .70
        group = tens[rest.pop(0)]
        if rest and 1 <= units.get(rest[0], 0) <= 9:
            group += units[rest.pop(0)]
        digits = str(group)
    elif rest and units.get(rest[0], 0) >= 10:
        digits = str(units[rest.pop(0)])  # "point twelve" → .12
    else:
        while rest and units.get(rest[0], 10) <= 9:
            digits += str(units[rest.pop(0)])
    if whole is None or not digits or not float(whole).is_integer():
        return None
    value = Decimal(f"{int(whole)}.{digits}")
    for word in rest:
        factor = lex.number_words.scales.get(word)
        if factor is None:
            return None
        value *= factor
    return float(value)


def _one_number(words: list[str], lex: Lexicon) -> bool:
    """Whether spelled number words make one number: "twenty five", "two hundred and ten",
    "three thousand twenty"; not "twenty twenty" or "five six" (two numbers side by side)."""
    nw = lex.number_words
    previous = None
    before_and = None  # the kind of number word right before an "and"
    for word in words:
        if word in nw.tens:
            kind = "tens"
        elif word in nw.units:
            kind = "unit" if nw.units[word] < 10 else "teen"
        else:
            before_and = previous if word == "and" else None
            previous = None  # a scale word, "and", "a": a new group may follow
            continue
        if previous is not None and not (previous == "tens" and kind == "unit"):
            return False
        if before_and in ("unit", "teen"):
            return False  # "five and six": two figures ("hundred and five", "twenty and three" are one)
        before_and = None
        previous = kind
    return True


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
            # Rounded, so that "about 50" allows 45 to 55 and not 55.00000000000001.
            if phrase and phrase.lower() in ("nearly", "almost", "close to", "not quite"):
                return (_round(value * 0.9), value) if value >= 0 else (value, _round(value * 0.9))
            low, high = sorted((_round(value * 0.9), _round(value * 1.1)))  # "about -5%" too
            return low, high
        case _:
            return None, None


def _round(value: float) -> float:
    return round(value, 9)


def is_integral(value: float) -> bool:
    return float(value).is_integer()


def format_number(value: float) -> str:
    return f"{int(value):,}" if is_integral(value) else f"{value:,.2f}".rstrip("0").rstrip(".")
