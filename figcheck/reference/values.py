"""Values of reference facts as written in the table: TIMEX dates, ISO 8601 durations, counts."""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

_FACT_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A calendar date at the precision of its form: a year, a month or a day.
_TIMEX_DATE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")
# An ISO 8601 duration in calendar units; clock units are of no use for these facts.
_DURATION = re.compile(r"P(?=\d)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?")



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



# Characters no field of a fact may hold: line breaks and other control characters would
# let one field end the entry (or the file's header comment) and write another; a lone
# surrogate cannot be written as UTF-8; a byte-order mark inside text hides in every editor.
_UNWRITABLE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def unwritable_character(text: str) -> str | None:
    """The first character of ``text`` that no fact may hold, described ("a line break
    (U+000A)"), or None when every character can be written."""
    for character in text:
        category = unicodedata.category(character)
        if category in _UNWRITABLE_CATEGORIES or character == "\ufeff":
            code = f"U+{ord(character):04X}"
            if character in "\n\r\x85" or category in ("Zl", "Zp"):
                return f"a line break ({code})"
            if character == "\t":
                return f"a tab ({code})"
            if category == "Cs":
                return f"a lone surrogate ({code}), which is not a character"
            return f"a control character ({code})"
    return None
