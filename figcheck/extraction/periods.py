"""Periods as TIMEX3 values name them: their unit (granularity) and their first and last day,
for "1950-06-25", "1950-06", "1950", "195" (the 1950s), "19" (the 20th century), "2016-Q4",
"1951-H1", "1950-SU" and "2009-W47" and "2009-W47-WE" (its weekend)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import regex

_FORMS = regex.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?|-Q(?P<q>[1-4])|-H(?P<h>[12])|-(?P<s>SP|SU|FA|WI)|-W(?P<w>\d{2})(?P<we>-WE)?)?"
    r"|(?P<decade>\d{3})|(?P<century>\d{2})"
)
# Northern seasons by their months, as news of the northern hemisphere means them.
_SEASONS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}


@lru_cache(maxsize=4096)
def period_of(timex: str) -> tuple[str, str, str] | None:
    """(granularity, first day, last day) of a TIMEX3 date value; None when it cannot be placed
    on a calendar ("XXXX-10-25")."""
    m = _FORMS.fullmatch(timex)
    if m is None:
        return None
    try:
        if m.group("century"):
            first = int(m.group("century")) * 100
            return "century", _iso(first, 1, 1), _iso(first + 99, 12, 31)
        if m.group("decade"):
            first = int(m.group("decade")) * 10
            return "decade", _iso(first, 1, 1), _iso(first + 9, 12, 31)
        year = int(m.group("y"))
        if m.group("d"):
            day = date(year, int(m.group("m")), int(m.group("d")))
            return "day", day.isoformat(), day.isoformat()
        if m.group("m"):
            month = int(m.group("m"))
            return "month", _iso(year, month, 1), _iso(year, month, calendar.monthrange(year, month)[1])
        if m.group("q"):
            q = int(m.group("q"))
            last = 3 * q
            return "quarter", _iso(year, last - 2, 1), _iso(year, last, calendar.monthrange(year, last)[1])
        if m.group("h"):
            return ("half", _iso(year, 1, 1), _iso(year, 6, 30)) if m.group("h") == "1" else ("half", _iso(year, 7, 1), _iso(year, 12, 31))
        if m.group("s"):
            first_month, last_month = _SEASONS[m.group("s")]
            end_year = year + 1 if last_month < first_month else year
            return "season", _iso(year, first_month, 1), _iso(end_year, last_month, calendar.monthrange(end_year, last_month)[1])
        if m.group("w"):
            monday = date.fromisocalendar(year, int(m.group("w")), 1)
            if m.group("we"):
                return "weekend", (monday + timedelta(days=5)).isoformat(), (monday + timedelta(days=6)).isoformat()
            return "week", monday.isoformat(), (monday + timedelta(days=6)).isoformat()
        return "year", _iso(year, 1, 1), _iso(year, 12, 31)
    except ValueError:
        return None


def _iso(year: int, month: int, day: int) -> str:
    return date(year, month, day).isoformat()
