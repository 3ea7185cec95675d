"""Dates and lengths of time as a reader says them: ``P3Y`` is "3 years", ``1950/1955`` is "1950 to 1955".

Checks write values in TIMEX3 and ISO 8601 notation, which is exact but not English. The
report shows every value through ``in_words`` (a whole value) or ``text_in_words`` (a
sentence with such values inside it).
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

_NUMBER = r"\d+(?:\.\d+)?"
_DURATION = (
    rf"P(?=[\dT])(?:(?P<Y>{_NUMBER})Y)?(?:(?P<M>{_NUMBER})M)?(?:(?P<W>{_NUMBER})W)?(?:(?P<D>{_NUMBER})D)?"
    rf"(?:T(?:(?P<H>{_NUMBER})H)?(?:(?P<MIN>{_NUMBER})M)?(?:(?P<S>{_NUMBER})S)?)?"
)
_DAY = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
_MONTH = r"\d{4}-(?:0[1-9]|1[0-2])"
_UNITS = (("Y", "year"), ("M", "month"), ("W", "week"), ("D", "day"), ("H", "hour"), ("MIN", "minute"), ("S", "second"))

# In running text only what cannot be mistaken for something else: full dates, year-months,
# durations and intervals between them. A bare "1950" is already a year as anyone writes it.
_PLAIN_DURATION = rf"P(?=[\dT])(?:{_NUMBER}[YMWD])*(?:T(?:{_NUMBER}[HMS])+)?"
_TOKEN = rf"(?:{_DAY}|{_MONTH}|{_PLAIN_DURATION}|\d{{4}})"
_IN_TEXT = re.compile(rf"(?<![\w/-])(?P<value>{_TOKEN})(?:(?P<sep>/|–)(?P<end>{_TOKEN}))?(?![\w/-])")


_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")


def ordinal(number: int) -> str:
    """``63`` → ``63rd``, ``11`` → ``11th``."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def in_words(value: str | None) -> str:
    """A whole value in words: a date, a month, a year, a decade, a week, a length of time, or a range of them.

    A value it does not recognise comes back as it was.
    """
    if value is None:
        return ""
    text = value.strip()
    for separator in ("/", "–"):
        if separator in text:
            start, _, end = text.partition(separator)
            first, last = _one(start.strip()), _one(end.strip())
            if first is not None and last is not None:
                return f"{first} to {last}"
    one = _one(text)
    if one is not None:
        return one
    return text_in_words(text)



def text_in_words(text: str) -> str:
    """``text`` with the dates, durations and intervals in ISO notation inside it said in words."""

    def say(match: re.Match) -> str:
        whole = match.group(0)
        if match.group("sep") is None and re.fullmatch(r"\d{4}", whole):
            return whole
        if match.group("sep") and all(re.fullmatch(r"\d{4}", part) for part in (match.group("value"), match.group("end"))):
            return f"{match.group('value')} to {match.group('end')}"
        return in_words(whole)

    return _ORDINAL.sub(lambda m: ordinal(int(m.group(1))), _IN_TEXT.sub(say, text))


def duration_in_words(timex: str) -> str | None:
    """``P3Y1M2D`` → ``3 years 1 month 2 days``; None if ``timex`` is not an ISO duration."""
    match = re.fullmatch(_DURATION, timex)
    if not match or not any(match.groupdict().values()):
        return None
    parts = []
    for key, unit in _UNITS:
        amount = match.group(key)
        if amount is None:
            continue
        number = float(amount)
        shown = f"{int(number)}" if number.is_integer() else amount
        parts.append(f"{shown} {unit}{'' if number == 1 else 's'}")
    return " ".join(parts) if parts else None


def _one(text: str) -> str | None:
    if duration := duration_in_words(text):
        return duration
    try:
        if re.fullmatch(_DAY, text):
            day = date.fromisoformat(text)
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12:
                return f"{MONTHS[month - 1]} {year}"
        if match := re.fullmatch(r"XXXX-(\d{2})-(\d{2})", text):
            month, day = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12:
                return f"{day} {MONTHS[month - 1]} (year not given)"
        if match := re.fullmatch(r"(\d{4})-W(\d{2})", text):
            return f"week {int(match.group(2))} of {match.group(1)}"
        if re.fullmatch(r"\d{4}", text):
            return text
        if re.fullmatch(r"\d{3}", text):
            return f"the {text}0s"
    except ValueError:
        return None
    return None
