"""How one figure of a verified claim is changed so that it is wrong, by the kind of check that
verified it: an anniversary's ordinal, a year, a Juche year or its Gregorian twin, a weekday, a
part made larger than its whole, a duration against its range or its elapsed time, a qualified
bound the exact figure no longer meets. Each edit replaces the text of one claim's span only."""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass
from typing import Any

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_UNITS = ("zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
                  "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth").split()
_ORDINAL_TENS = "_ _ twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "mln": 1e6, "bln": 1e9}


def number_words(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    return _TENS[tens] + (f"-{_UNITS[unit]}" if unit else "")


def ordinal_words(n: int) -> str:
    if n < 20:
        return _ORDINAL_UNITS[n]
    tens, unit = divmod(n, 10)
    return _ORDINAL_TENS[tens] if not unit else f"{_TENS[tens]}-{_ORDINAL_UNITS[unit]}"


_WORD_VALUE = {number_words(n): n for n in range(100)}
_ORDINAL_VALUE = {ordinal_words(n): n for n in range(1, 100)}
_WORD_ALT = "|".join(sorted(_WORD_VALUE, key=len, reverse=True))
_ORDINAL_ALT = "|".join(sorted(_ORDINAL_VALUE, key=len, reverse=True))
_SCALE_ALT = "|".join(_SCALES)

NUMBER = re.compile(
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d{{1,3}}(?: \d{{3}})+(?!\d)|\d+(?:\.\d+)?|\b(?:{_WORD_ALT})\b|\ba\b)"
    rf"(?:\s+(?P<scale>{_SCALE_ALT})\b)?",
    re.IGNORECASE,
)
ORDINAL = re.compile(rf"\b(?P<digits>\d+)(?:st|nd|rd|th)\b|\b(?P<word>{_ORDINAL_ALT})\b", re.IGNORECASE)
YEAR = re.compile(r"(?<![\d,.])(1[6-9]\d\d|20\d\d)(?![\d,]|s\b)")
DECADE = re.compile(r"\b\d{3}0s\b")
_RANGE_AFTER = re.compile(r"^\s*(?:-|–|—|to\b|till\b|until\b)")
_RANGE_BEFORE = re.compile(r"(?:-|–|—|\bto|\btill|\buntil)\s*$")
JUCHE = re.compile(r"\bJuche\s+(\d{1,3})\b")
WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
DOZEN = re.compile(r"\ba (dozen|hundred|thousand)\b", re.IGNORECASE)


@dataclass
class Edit:
    """One figure changed: the article, the claim's span, its old and new text, and the check
    that verified the claim before the change (the check that should now object)."""

    check: str
    doc_id: str
    start: int
    end: int
    old: str
    new: str
    change: str  # what was changed, in words
    finding_id: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def new_end(self) -> int:
        return self.start + len(self.new)


def _like(original: str, replacement: str) -> str:
    """The replacement in the original's capitalisation (a sentence start stays capitalised)."""
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _signed(rng: random.Random, low: int, high: int) -> int:
    return rng.choice((-1, 1)) * rng.randint(low, high)


@dataclass
class NumberSpan:
    start: int
    end: int
    value: float
    style: str  # "words", "comma", "space", "plain"
    scale: float
    scale_text: str


def find_number(text: str, last: bool = False) -> NumberSpan | None:
    """The first (or last) number in a claim's text, with how it was written."""
    matches = list(NUMBER.finditer(text))
    dozen = DOZEN.search(text)
    if dozen:
        value = {"dozen": 12, "hundred": 100, "thousand": 1000}[dozen.group(1).lower()]
        return NumberSpan(dozen.start(), dozen.end(), value, "plain", 1, "")
    matches = [m for m in matches if m.group("num").lower() != "a" or m.group("scale")]
    if not matches:
        return None
    m = matches[-1] if last else matches[0]
    raw = m.group("num")
    scale_text = m.group("scale") or ""
    scale = _SCALES[scale_text.lower()] if scale_text else 1
    if raw.lower() == "a":
        value, style = 1.0, "plain"
    elif raw.lower() in _WORD_VALUE:
        value, style = float(_WORD_VALUE[raw.lower()]), "words"
    elif "," in raw:
        value, style = float(raw.replace(",", "")), "comma"
    elif " " in raw:
        value, style = float(raw.replace(" ", "")), "space"
    else:
        value, style = float(raw), "plain"
    return NumberSpan(m.start(), m.end(), value * scale, style, scale, scale_text)


def format_number(value: float, like: NumberSpan, original: str) -> str:
    """A number written the way the original was: words for small whole numbers written in
    words, thousands separated as they were, a scale word kept."""
    if like.scale != 1:
        scaled = value / like.scale
        digits = f"{scaled:.1f}".rstrip("0").rstrip(".") if scaled < 100 else f"{round(scaled):,}"
        return f"{digits} {like.scale_text}"
    n = round(value)
    if like.style == "words" and n < 100:
        return _like(original, number_words(n))
    if like.style == "space" or (like.style != "comma" and n >= 10_000 and " " in original):
        return f"{n:,}".replace(",", " ")
    if like.style == "comma" or n >= 10_000:
        return f"{n:,}"
    return str(n)


def replace_number(text: str, value: float, *, last: bool = False) -> str | None:
    span = find_number(text, last=last)
    if span is None:
        return None
    new = format_number(value, span, text[span.start:span.end])
    return text[: span.start] + new + text[span.end:]


# --- one edit per kind of check -----------------------------------------------------------


def ordinal_edit(text: str, rng: random.Random) -> tuple[str, str] | None:
    """An anniversary's ordinal ±1–10."""
    m = ORDINAL.search(text)
    if not m:
        return None
    n = int(m.group("digits")) if m.group("digits") else _ORDINAL_VALUE[m.group("word").lower()]
    delta = _signed(rng, 1, 10)
    if n + delta < 1:
        delta = -delta
    new_n = n + delta
    if m.group("digits"):
        suffix = "th" if 10 <= new_n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(new_n % 10, "th")
        new = f"{new_n}{suffix}"
    else:
        if new_n >= 100:
            return None
        new = _like(m.group(0), ordinal_words(new_n))
    return text[: m.start()] + new + text[m.end():], f"ordinal {n} → {new_n}"


def year_edit(text: str, rng: random.Random) -> tuple[str, str] | None:
    """One date's year ±1–20; a Juche year beside it moves with it (one date, one figure).
    In a range, the start moves earlier or the end later, so the range stays in order."""
    if DECADE.search(text):
        return None
    years = list(YEAR.finditer(text))
    if not years:
        return None
    index = rng.randrange(len(years))
    m = years[index]
    if len(years) > 1:  # a range: its start moves earlier, its end later
        delta = -rng.randint(1, 20) if index == 0 else rng.randint(1, 20)
    elif _RANGE_AFTER.match(text[m.end():]):
        delta = -rng.randint(1, 20)  # a range's start moves earlier
    elif _RANGE_BEFORE.search(text[: m.start()]):
        delta = rng.randint(1, 20)  # a range's end moves later
    else:
        delta = _signed(rng, 1, 20)
    year = int(m.group(1))
    new = text[: m.start()] + str(year + delta) + text[m.end():]
    # "Juche 39 (1950)": the Juche year just before the year in parentheses moves with it.
    juche = [j for j in JUCHE.finditer(new[: m.start()]) if m.start() - j.end() <= 3]
    if juche:
        j = juche[-1]
        new = new[: j.start(1)] + str(int(j.group(1)) + delta) + new[j.end(1):]
    return new, f"year {year} → {year + delta}"


def juche_edit(text: str, rng: random.Random) -> tuple[str, str] | None:
    """The Juche year or its Gregorian twin ±1–20, not both."""
    j = JUCHE.search(text)
    years = [m for m in YEAR.finditer(text) if not j or m.start() > j.end()]
    if not j or not years:
        return None
    delta = _signed(rng, 1, 20)
    if rng.random() < 0.5:
        n = int(j.group(1))
        if n + delta < 1:
            delta = -delta
        return text[: j.start(1)] + str(n + delta) + text[j.end(1):], f"Juche {n} → {n + delta}"
    m = years[0]
    year = int(m.group(1))
    return text[: m.start()] + str(year + delta) + text[m.end():], f"Gregorian twin {year} → {year + delta}"


def weekday_edit(text: str, rng: random.Random) -> tuple[str, str] | None:
    m = WEEKDAY.search(text)
    if not m:
        return None
    old = m.group(1)
    new = rng.choice([d for d in WEEKDAYS if d.lower() != old.lower()])
    new = new.upper() if old.isupper() else new
    return text[: m.start()] + new + text[m.end():], f"weekday {old} → {new}"


def duration_edit(text: str, rng: random.Random, low: int = 2) -> tuple[str, str] | None:
    """A duration's number changed by 2–10 (one is within the rounding a duration allows)."""
    if DECADE.search(text):
        return None
    span = find_number(text)
    if span is None or span.value != int(span.value):
        return None
    n = int(span.value)
    # Long spans of days or months are given loosely: a change must exceed their precision.
    delta = _signed(rng, low, 10) if n < 100 else _signed(rng, max(low, n // 10), max(low, n * 3 // 10))
    if n + delta < 1:
        delta = abs(delta)
    new = replace_number(text, n + delta)
    return (new, f"duration {n} → {n + delta}") if new else None


_MORE = re.compile(r"\b(more than|over|above|exceed\w*|upwards of|at least|no less than|no fewer than)\b", re.I)
_LESS = re.compile(r"\b(less than|fewer than|under|below|at most|up to|no more than|as many as|as much as)\b", re.I)


def part_edit(part: str, whole: str, rng: random.Random) -> tuple[str, str] | None:
    """The part made larger than its whole: 1.5 to 3 times the whole. A whole with no upper
    bound ("more than 70 awards") admits any part, so it gives no edit."""
    if _MORE.search(whole):
        return None
    whole_span = find_number(whole, last=True)
    part_span = find_number(part)
    if whole_span is None or part_span is None or whole_span.value <= 0:
        return None
    value = max(whole_span.value + 1, round(whole_span.value * rng.uniform(1.5, 3.0)))
    new = replace_number(part, value)
    return (new, f"part {part_span.value:g} → {value:g} (whole {whole_span.value:g})") if new else None


def bound_edit(qualified: str, exact: str, rng: random.Random) -> tuple[str, str] | None:
    """The qualified bound moved so the exact figure breaks it, staying within a factor of
    two of it (so the two still read as one quantity): "more than 100 … 109" → "more than 150"."""
    exact_span = find_number(exact, last=True)
    if exact_span is None or exact_span.value <= 0:
        return None
    v = exact_span.value
    factor = rng.uniform(1.3, 1.8)
    if _MORE.search(qualified):
        value = v * factor
    elif _LESS.search(qualified):
        value = v / factor
    else:  # about, nearly, some: far from it either way
        value = v * factor if rng.random() < 0.5 else v / factor
    value = round(value) if value >= 10 else round(value, 1)
    if value == v or value <= 0:
        return None
    new = replace_number(qualified, value)
    return (new, f"bound → {value:g} (exact figure {v:g})") if new and new != qualified else None
