"""figcheck on other projects' expectations: reads the English date, period, duration, number and
percent specs of Microsoft Recognizers-Text (a ``Specs`` folder of that repository), keeps the
expected entities figcheck claims to handle, runs ``extract_claims`` on every input and scores
how many of the expected entities it finds (a claim of a fitting kind overlaps them) and how many
it gives the right value, by file and by a rough class of form, listing every miss.

    PYTHONPATH=<checkout> python bench/suites/run.py --specs DIR [--misses FILE] [--quiet]

The code measured is the ``figcheck`` that PYTHONPATH imports. See README.md for what is in
scope, how the values are compared, and the latest figures.
"""

from __future__ import annotations

import argparse
import calendar
import json
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

# The spec files read, by their path under Specs/, and what their expectations give: spans only
# ("extractor") or spans with values ("parser" for TIMEX values, "model" for numbers).
SPEC_FILES = {
    "DateTime/English/DateExtractor.json": "extractor",
    "DateTime/English/DateParser.json": "parser",
    "DateTime/English/DatePeriodExtractor.json": "extractor",
    "DateTime/English/DatePeriodParser.json": "parser",
    "DateTime/English/DurationExtractor.json": "extractor",
    "DateTime/English/DurationParser.json": "parser",
    "DateTime/English/MergedExtractor.json": "extractor",
    "Number/English/NumberModel.json": "model",
    "Number/English/PercentModel.json": "model",
    "NumberWithUnit/English/DimensionModel.json": "model",
}

# The reference time their parser specs use when a case gives none; extractor cases are run
# with it too (a publication date lets figcheck place year-less and relative dates).
DEFAULT_REFERENCE = date(2016, 11, 7)

IN_SCOPE_TYPES = {"date", "daterange", "duration", "number", "percentage", "dimension"}
# Claim kinds that can stand for an expected entity of each type. A duration anchored to a time
# ("two years ago") is how figcheck reads a relative date, so it can stand for a date.
FITTING_KINDS = {
    "date": {"date", "date_range"},
    "daterange": {"date", "date_range"},
    "duration": {"duration"},
    "number": {"count"},
    "percentage": {"count"},
    "dimension": {"count"},
}

# The claim kinds a file's expectations speak of, by the start of its name: an input a date spec
# expects nothing in may still hold a count ("Please convert $2000 to gbp.").
FILE_CLAIM_KINDS = {"Date": {"date", "date_range"}, "Merg": {"date", "date_range", "duration"}, "Dura": {"duration"}, "Numb": {"count"}, "Perc": {"count"}, "Dime": {"count"}}

# A bare numeral counts nothing; figcheck claims counts. Each number case is therefore run with a
# counted noun after it (see README); their span and value are unchanged.
COUNT_CARRIER = " people"
FRACTION_CARRIER = " of the people"


class SpecError(ValueError):
    pass


class NotScorable(ValueError):
    """An expected value that cannot be compared fairly with figcheck's, and why."""


# --- the expectations --------------------------------------------------------------------------


@dataclass
class Expected:
    """One entity a spec expects in one input: its span, type and value as the spec writes them."""

    file: str
    case: int
    input: str
    text: str
    start: int
    end: int
    type: str
    value: str | None  # TIMEX for date, period and duration parsers; the number for models
    reference: date
    out_of_scope: str | None = None
    klass: str = "other"
    # filled when scored
    found: bool = False
    exact: bool = False
    loose: bool = False
    other_kind: bool = False
    value_state: str | None = None  # "right", "wrong", or "not scored: <reason>"
    claims: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Case:
    file: str
    index: int
    input: str
    run_text: str
    reference: date
    expected: list[Expected]
    empty: bool  # the spec expects nothing in this input


def load_cases(specs: Path) -> tuple[list[Case], list[str]]:
    """Every case of the known spec files under ``specs``, with its expected entities placed in
    the input and marked in or out of scope; also the names of the known files not found."""
    cases: list[Case] = []
    missing: list[str] = []
    for rel, file_kind in SPEC_FILES.items():
        path = Path(specs) / rel
        if not path.is_file():
            missing.append(rel)
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as error:
            raise SpecError(f"{path}: cannot read: {error}") from None
        if not isinstance(data, list):
            raise SpecError(f"{path}: expected a list of cases")
        name = Path(rel).stem
        for index, raw in enumerate(data):
            cases.append(_case(path, name, file_kind, index, raw))
    return cases, missing


def _case(path: Path, name: str, file_kind: str, index: int, raw: Any) -> Case:
    where = f"{path}: case {index}"
    if not isinstance(raw, dict) or not isinstance(raw.get("Input"), str):
        raise SpecError(f"{where}: expected an object with a string 'Input'")
    text = raw["Input"]
    reference = DEFAULT_REFERENCE
    context = raw.get("Context") or {}
    if isinstance(context, dict) and context.get("ReferenceDateTime"):
        stamp = str(context["ReferenceDateTime"])
        try:
            reference = date.fromisoformat(stamp[:10])
        except ValueError:
            raise SpecError(f"{where}: field 'Context.ReferenceDateTime': not an ISO date: {stamp!r}") from None
    results = raw.get("Results")
    if not isinstance(results, list):
        raise SpecError(f"{where}: field 'Results': expected a list")
    expected: list[Expected] = []
    cursor = 0
    for number, result in enumerate(results):
        at = f"{where}, result {number}"
        if not isinstance(result, dict) or not isinstance(result.get("Text"), str):
            raise SpecError(f"{at}: expected an object with a string 'Text'")
        kind = str(result.get("Type") or result.get("TypeName") or "").lower()
        start = _place(text, result, cursor)
        if start is None:
            raise SpecError(f"{at}: field 'Text': {result['Text']!r} is not in the input {text!r}")
        end = start + len(result["Text"])
        cursor = end
        expected.append(
            Expected(
                file=name,
                case=index,
                input=text,
                text=text[start:end],
                start=start,
                end=end,
                type=kind,
                value=_value_of(file_kind, result),
                reference=reference,
            )
        )
    for item in expected:
        item.out_of_scope = out_of_scope(item, len(expected))
        item.klass = classify(item.type, item.text, item.value)
    run_text = text
    kept = [e for e in expected if e.out_of_scope is None]
    if name == "NumberModel" and len(kept) == 1:
        value = float(kept[0].value) if kept[0].value else 1.0
        run_text = text + (FRACTION_CARRIER if abs(value) < 1 else COUNT_CARRIER)
    return Case(name, index, text, run_text, reference, expected, empty=not results)


def _place(text: str, result: dict[str, Any], cursor: int) -> int | None:
    """Where the expected text stands in the input: at its Start when the spec gives one that
    fits, else its first occurrence after the previous result, else anywhere."""
    wanted = result["Text"]
    start = result.get("Start")
    if isinstance(start, int) and text[start : start + len(wanted)] == wanted:
        return start
    for haystack, needle in ((text, wanted), (text.lower(), wanted.lower())):  # "100 mb" in "100 MB"
        for begin in (cursor, 0):
            found = haystack.find(needle, begin)
            if found >= 0:
                return found
    return None


def _value_of(file_kind: str, result: dict[str, Any]) -> str | None:
    if file_kind == "parser":
        value = result.get("Value") or {}
        timex = value.get("Timex") if isinstance(value, dict) else None
        return str(timex) if timex else None
    if file_kind == "model":
        resolution = result.get("Resolution") or {}
        value = resolution.get("value") if isinstance(resolution, dict) else None
        return str(value) if value is not None else None
    return None


_EXPONENT = re.compile(r"\d\s*[eE][+-]?\d|\^")


def out_of_scope(item: Expected, results_in_case: int) -> str | None:
    """Why an expected entity lies outside what figcheck claims to handle, or None."""
    if item.type not in IN_SCOPE_TYPES:
        return f"type {item.type or '(none)'}: not a kind figcheck claims"
    if item.type == "dimension" and item.value is None:
        return "a unit named without a number"
    if item.type == "number":
        if results_in_case > 1:
            return "several bare numbers in one input (an address or a list), nothing counted"
        if _EXPONENT.search(item.text):
            return "scientific or power notation"
        try:
            value = float(item.value) if item.value is not None else None
        except ValueError:
            value = None
        if value is not None and value < 0:
            return "a negative number counts nothing"
        if re.search(r"\bover\b", item.text, re.IGNORECASE):
            return "a fraction written 'x over y'"
        if value is not None and 0 < abs(value) < 0.01:
            return "a fraction below one hundredth"
    return None


# --- rough classes of form -----------------------------------------------------------------------

_MONTH_WORDS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_WEEKDAY_WORDS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
_MONTH = re.compile(rf"\b({_MONTH_WORDS})\b", re.IGNORECASE)
_LOWER_NAME = re.compile(rf"\b({_MONTH_WORDS}|{_WEEKDAY_WORDS})\b")
_RANGE_WORD = re.compile(r"\b(from|between|till|until|through|thru)\b|\bto\b", re.IGNORECASE)
_DAY_DASH_DAY = re.compile(r"(?<!\d)\d{1,2}\s*-\s*\d{1,2}(?!\d)")
_RELATIVE = re.compile(
    r"\b(ago|later|earlier|next|last|this|past|previous|coming|upcoming|current|today|tomorrow|yesterday"
    r"|now|hence|future|rest|after|before|same|that|my|within|day)\b",
    re.IGNORECASE,
)
_ORDINAL_DAY = re.compile(
    r"\b\d{1,2}(st|nd|rd|th)\b|\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
    r"|twelfth|thirteenth|fifteenth|twentieth|thirtieth|twenty|thirty|fifteen)\b|\bthe \d{1,2}\b",
    re.IGNORECASE,
)
_DIGITS_UNIT = re.compile(r"^\d+(\.\d+)?\s*-?\s*[A-Za-z]+$")

CLASSES = (
    "range",
    "case",
    "month alone / part of period",
    "relative",
    "ordinal day",
    "date (other)",
    "duration in words",
    "duration number+unit",
    "number form",
    "percent",
    "measure",
    "other",
)


def classify(kind: str, text: str, value: str | None) -> str:
    """One rough class of form for an expected entity, the first that applies in CLASSES order."""
    if kind in ("date", "daterange"):
        if kind == "daterange" and (_RANGE_WORD.search(text) or _DAY_DASH_DAY.search(text)):
            return "range"
        if _LOWER_NAME.search(text):
            return "case"
        if kind == "daterange" and _MONTH.search(text):
            return "month alone / part of period"
        if _RELATIVE.search(text):
            return "relative"
        if kind == "daterange":
            return "month alone / part of period"
        if _ORDINAL_DAY.search(text):
            return "ordinal day"
        return "date (other)"
    if kind == "duration":
        return "duration number+unit" if _DIGITS_UNIT.match(text.strip()) else "duration in words"
    if kind == "number":
        return "number form"
    if kind == "percentage":
        return "percent"
    if kind == "dimension":
        return "measure"
    return "other"


# --- their values, as comparable values ----------------------------------------------------------

_DAY = re.compile(r"(\d{4}|XXXX)-(\d\d|XX)-(\d\d)")
_MONTH_TIMEX = re.compile(r"(\d{4}|XXXX)-(\d\d)")
_YEAR = re.compile(r"\d{4}")
_ISO_WEEK = re.compile(r"(\d{4})-W(\d\d)(-WE)?")
_WEEKDAY = re.compile(r"XXXX-WXX-([1-7])")
_NTH_WEEKDAY = re.compile(r"(\d{4}|XXXX)-(\d\d)-WXX-([1-7])-#([1-5])")
_WEEK_OF_MONTH = re.compile(r"(\d{4}|XXXX)-(\d\d)-W(\d\d)")
_SEASON = re.compile(r"(?:(\d{4})-)?(SP|SU|FA|WI)")
_RANGE = re.compile(r"\(([^,]+),([^,]+),(P[^)]*)\)")
_RANGE_END = re.compile(r"(\d{4}|XXXX|XX\d\d)-(\d\d|XX)-(\d\d|XX)")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_HALF = re.compile(r"(\d{4})-H([12])")
_DECADE = re.compile(r"\d{3}")
_CENTURY = re.compile(r"\d{2}")
# Northern seasons by their months (figcheck's convention too; their specs give no dates).
SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_of(text: str, fill: date) -> int:
    return fill.year if text == "XXXX" else int(text)


def period_of(timex: str, fill: date) -> tuple[date, date]:
    """The first and last day a date TIMEX names. Parts written X take the value of ``fill``
    (the claim's own first day): "XXXX-07-13" is July 13 of whatever year the claim gives.
    Raises NotScorable for forms that name no stretch of days on their own."""
    if m := _DAY.fullmatch(timex):
        year = _year_of(m[1], fill)
        month = fill.month if m[2] == "XX" else int(m[2])
        day = date(year, month, int(m[3]))
        return day, day
    if m := _MONTH_TIMEX.fullmatch(timex):
        year, month = _year_of(m[1], fill), int(m[2])
        return date(year, month, 1), _month_end(year, month)
    if _YEAR.fullmatch(timex):
        return date(int(timex), 1, 1), date(int(timex), 12, 31)
    if m := _ISO_WEEK.fullmatch(timex):
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m[3]:
            return monday + timedelta(days=5), monday + timedelta(days=6)
        return monday, monday + timedelta(days=6)
    if m := _SEASON.fullmatch(timex):
        year = int(m[1]) if m[1] else fill.year
        first, last = SEASON_MONTHS[m[2]]
        end_year = year + 1 if last < first else year
        return date(year, first, 1), _month_end(end_year, last)
    if m := _QUARTER.fullmatch(timex):
        year, last = int(m[1]), 3 * int(m[2])
        return date(year, last - 2, 1), _month_end(year, last)
    if m := _HALF.fullmatch(timex):
        year = int(m[1])
        return (date(year, 1, 1), date(year, 6, 30)) if m[2] == "1" else (date(year, 7, 1), date(year, 12, 31))
    if _DECADE.fullmatch(timex):
        first = int(timex) * 10
        return date(first, 1, 1), date(first + 9, 12, 31)
    if _CENTURY.fullmatch(timex):
        first = int(timex) * 100
        return date(first, 1, 1), date(first + 99, 12, 31)
    if m := _RANGE.fullmatch(timex):
        return _range_end(m[1], fill, first=True), _range_end(m[2], fill, first=False)
    if _WEEKDAY.fullmatch(timex) or _NTH_WEEKDAY.fullmatch(timex):
        raise NotScorable("a weekday, not a stretch of days")
    if _WEEK_OF_MONTH.fullmatch(timex):
        raise NotScorable("week N of a month: their own numbering of weeks")
    raise NotScorable(f"TIMEX form not read: {timex}")


def _range_end(text: str, fill: date, *, first: bool) -> date:
    m = _RANGE_END.fullmatch(text)
    if m is None:
        raise NotScorable(f"range end not read: {text}")
    if m[1].startswith("XX") and m[1] != "XXXX":
        year = fill.year // 100 * 100 + int(m[1][2:])  # "XX70": the 70s of the claim's century
    else:
        year = _year_of(m[1], fill)
    month = fill.month if m[2] == "XX" else int(m[2])
    if m[3] == "XX":
        return date(year, month, 1) if first else _month_end(year, month)
    return date(year, month, int(m[3]))


def check_scorable(timex: str) -> None:
    """Raises NotScorable when a date TIMEX can never be compared (whatever the claim)."""
    if _WEEKDAY.fullmatch(timex) or _NTH_WEEKDAY.fullmatch(timex):
        return
    try:
        period_of(timex, date(2000, 1, 1))
    except ValueError as error:
        if isinstance(error, NotScorable):
            raise
        raise NotScorable(f"not a real date: {timex}") from None


def date_matches(timex: str, start: date, end: date) -> bool:
    """Whether a claim's first and last day are what the TIMEX names. Their computed periods end
    on the day after ("next 3 days" is (2016-11-08,2016-11-11)) and their written ranges on the
    day written ("from 4 to 22": 22), so the day after the claim's last day is taken as well."""
    if m := _WEEKDAY.fullmatch(timex):
        return start == end and start.isoweekday() == int(m[1])
    if m := _NTH_WEEKDAY.fullmatch(timex):
        month, weekday, nth = int(m[2]), int(m[3]), int(m[4])
        year_ok = m[1] == "XXXX" or start.year == int(m[1])
        return start == end and year_ok and start.month == month and start.isoweekday() == weekday and (start.day - 1) // 7 + 1 == nth
    try:
        first, last = period_of(timex, start)
    except NotScorable:
        raise
    except ValueError:
        return False  # a day the claim's year does not have (February 29)
    return start == first and end in (last, last - timedelta(days=1))


_DURATION = re.compile(r"P(?:(?P<date>[0-9.]+[YMWD](?:[0-9.]+[YMWD])*))?(?:T(?P<time>[0-9.]+[HMS](?:[0-9.]+[HMS])*))?")
_UNIT_SECONDS_DATE = {"Y": 365 * 86400, "M": 30 * 86400, "W": 7 * 86400, "D": 86400}
_UNIT_SECONDS_TIME = {"H": 3600, "M": 60, "S": 1}


def duration_seconds(timex: str) -> float:
    """A duration TIMEX as seconds, a year counted 365 days and a month 30 (both sides alike)."""
    if "BD" in timex:
        raise NotScorable("business days")
    m = _DURATION.fullmatch(timex)
    if m is None or not (m["date"] or m["time"]):
        raise NotScorable(f"duration form not read: {timex}")
    total = 0.0
    for part, units in ((m["date"], _UNIT_SECONDS_DATE), (m["time"], _UNIT_SECONDS_TIME)):
        for amount, unit in re.findall(r"([0-9.]+)([A-Z])", part or ""):
            total += float(amount) * units[unit]
    return total


def number_of(value: str) -> float:
    try:
        return float(value.rstrip("%"))
    except ValueError:
        raise NotScorable(f"number not read: {value}") from None


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


# --- figcheck's claims, as comparable values -------------------------------------------------------


def _shift(day: date, years: int = 0, months: int = 0, days: float = 0) -> date:
    month_index = day.year * 12 + day.month - 1 + years * 12 + months
    year, month = divmod(month_index, 12)
    shifted = date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
    return shifted + timedelta(days=days)


def claim_days(claim: dict[str, Any], published: date) -> tuple[date, date] | None:
    """The first and last day a claim names: a date's period, a range's ends, or a duration
    counted back from the publication date ("two years ago")."""
    value = claim["value"]
    try:
        if claim["kind"] == "date":
            if value.get("period_start") and value.get("period_end"):
                return date.fromisoformat(value["period_start"]), date.fromisoformat(value["period_end"])
            return period_of(value["timex"], published)
        if claim["kind"] == "date_range":
            return period_of(value["start_timex"], published)[0], period_of(value["end_timex"], published)[1]
        if claim["kind"] == "duration":
            anchor = value.get("anchor") or {}
            if anchor.get("relation") != "ago" or anchor.get("to") != "publication":
                return None
            m = _DURATION.fullmatch(value["timex"])
            if m is None or m["time"] or not m["date"]:
                return None
            amounts = {unit: float(n) for n, unit in re.findall(r"([0-9.]+)([YMWD])", m["date"])}
            if any(not amounts.get(u, 0.0).is_integer() for u in "YM"):
                return None
            day = _shift(
                published,
                years=-int(amounts.get("Y", 0)),
                months=-int(amounts.get("M", 0)),
                days=-(amounts.get("W", 0) * 7 + amounts.get("D", 0)),
            )
            return day, day
    except (ValueError, KeyError):
        return None
    return None


def fits(item: Expected, claim: dict[str, Any]) -> bool:
    """Whether a claim is of a kind that can stand for the expected entity."""
    kinds = FITTING_KINDS.get(item.type, set())
    if claim["kind"] in kinds:
        return True
    if item.type in ("date", "daterange") and claim["kind"] == "duration":
        return bool((claim["value"].get("anchor") or {}).get("relation"))
    return False


def value_right(item: Expected, claim: dict[str, Any]) -> bool:
    """Whether the claim gives the value the spec expects (raises NotScorable when no claim could)."""
    assert item.value is not None
    if item.type in ("date", "daterange"):
        days = claim_days(claim, item.reference)
        return days is not None and date_matches(item.value, *days)
    if item.type == "duration":
        wanted = duration_seconds(item.value)
        if claim["kind"] != "duration":
            return False
        try:
            return _close(duration_seconds(claim["value"]["timex"]), wanted)
        except NotScorable:
            return False
    if item.type == "percentage":
        value = claim["value"]
        return claim["kind"] == "count" and value.get("unit") == "percent" and _close(value["value"], number_of(item.value))
    if item.type in ("number", "dimension"):
        # A measure's unit is not compared: their unit names are not figcheck's.
        return claim["kind"] == "count" and _close(claim["value"]["value"], number_of(item.value))
    raise NotScorable(f"type {item.type}")


def scorable(item: Expected) -> str | None:
    """Why the expected value cannot be compared, whatever figcheck says; None when it can."""
    if item.value is None:
        return None
    try:
        if item.type in ("date", "daterange"):
            check_scorable(item.value)
        elif item.type == "duration":
            duration_seconds(item.value)
        else:
            number_of(item.value)
    except NotScorable as reason:
        return str(reason)
    return None


# --- running and scoring ---------------------------------------------------------------------------

_LEADING_WORDS = re.compile(r"^(?:(?:from|between|the|on|for|in|during|over|of|a|an)\s+)+", re.IGNORECASE)


def _core(text: str) -> str:
    return _LEADING_WORDS.sub("", text.strip(" .,;:!?")).lower()


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


@dataclass
class Run:
    cases: list[Case]
    crashes: list[tuple[Case, str]] = field(default_factory=list)
    bad_offsets: int = 0
    spurious: list[tuple[Case, list[dict[str, Any]]]] = field(default_factory=list)
    seconds: float = 0.0


def run(cases: list[Case]) -> Run:
    """Extracts the claims of every case and scores each in-scope expected entity."""
    from figcheck.extraction import extract_claims
    from figcheck.records import Document, DocumentMeta

    result = Run(cases)
    began = time.perf_counter()
    for case in cases:
        document = Document(
            doc_id=f"{case.file}-{case.index}", text=case.run_text, meta=DocumentMeta(published=case.reference)
        )
        try:
            claims = [c.model_dump(mode="json") for c in extract_claims(document)]
        except Exception as error:  # one bad case never stops the run
            result.crashes.append((case, f"{type(error).__name__}: {error}"))
            claims = []
        for claim in claims:
            if case.run_text[claim["start"] : claim["end"]] != claim["text"]:
                result.bad_offsets += 1
        if case.empty:
            own = [c for c in claims if c["kind"] in FILE_CLAIM_KINDS[case.file[:4]]]
            if own:
                result.spurious.append((case, own))
            continue
        for item in case.expected:
            if item.out_of_scope is None:
                score_item(item, claims)
    result.seconds = time.perf_counter() - began
    return result


def score_item(item: Expected, claims: list[dict[str, Any]]) -> None:
    touching = [c for c in claims if overlaps(c["start"], c["end"], item.start, item.end)]
    item.claims = touching
    fitting = [c for c in touching if fits(item, c)]
    item.found = bool(fitting)
    item.other_kind = bool(touching) and not fitting
    item.exact = any(c["start"] == item.start and c["end"] == item.end for c in fitting)
    item.loose = item.exact or any(_core(c["text"]) == _core(item.text) for c in fitting)
    if item.value is None:
        return
    reason = scorable(item)
    if reason:
        item.value_state = f"not scored: {reason}"
        return
    item.value_state = "right" if any(value_right(item, c) for c in fitting) else "wrong"


# --- reporting -------------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    - "


@dataclass
class Tally:
    entities: int = 0
    found: int = 0
    exact: int = 0
    loose: int = 0
    scored: int = 0
    scored_found: int = 0
    right: int = 0

    def add(self, item: Expected) -> None:
        self.entities += 1
        self.found += item.found
        self.exact += item.exact
        self.loose += item.loose
        if item.value_state in ("right", "wrong"):
            self.scored += 1
            self.scored_found += item.found
            self.right += item.value_state == "right"

    def row(self, name: str) -> str:
        return (
            f"| {name} | {self.entities} | {self.found} ({_pct(self.found, self.entities).strip()}) "
            f"| {self.exact} | {self.loose} | {self.scored} | {self.right} ({_pct(self.right, self.scored).strip()}) |"
        )


TABLE_HEAD = "| {} | entities | found | exact span | same span but for a leading word | values scored | value right |\n|---|---|---|---|---|---|---|"


def summarise(result: Run) -> dict[str, Any]:
    items = [e for c in result.cases for e in c.expected]
    in_scope = [e for e in items if e.out_of_scope is None]
    total, by_file, by_class = Tally(), defaultdict(Tally), defaultdict(Tally)
    for item in in_scope:
        total.add(item)
        by_file[item.file].add(item)
        by_class[item.klass].add(item)
    return {
        "items": items,
        "in_scope": in_scope,
        "total": total,
        "by_file": by_file,
        "by_class": by_class,
        "out_of_scope": Counter(e.out_of_scope for e in items if e.out_of_scope),
        "not_scored": Counter(e.value_state for e in in_scope if e.value_state and e.value_state.startswith("not scored")),
    }


def print_summary(result: Run, summary: dict[str, Any], *, quiet: bool = False) -> None:
    total: Tally = summary["total"]
    cases = result.cases
    print(f"cases: {len(cases)} ({sum(c.empty for c in cases)} expecting nothing); "
          f"expected entities: {len(summary['items'])}, in scope {len(summary['in_scope'])}, "
          f"out of scope {sum(summary['out_of_scope'].values())}")
    print(f"crashes: {len(result.crashes)}; claims whose text is not text[start:end]: {result.bad_offsets}; "
          f"{result.seconds:.1f} s")
    print(f"found        {total.found} of {total.entities} ({_pct(total.found, total.entities).strip()}); "
          f"exact span {total.exact} ({_pct(total.exact, total.entities).strip()}), "
          f"same span but for a leading word {total.loose} ({_pct(total.loose, total.entities).strip()})")
    print(f"value right  {total.right} of {total.scored} scored ({_pct(total.right, total.scored).strip()}); "
          f"{_pct(total.right, total.scored_found).strip()} of the {total.scored_found} of them found; "
          f"not scored {sum(summary['not_scored'].values())}")
    overlapped = sum(e.other_kind for e in summary["in_scope"])
    print(f"not found but overlapped by a claim of another kind: {overlapped}")
    empty = [c for c in cases if c.empty]
    print(f"inputs expecting nothing that got a claim of the spec's kind: {len(result.spurious)} of {len(empty)}")
    print()
    print(TABLE_HEAD.format("file"))
    for name in sorted(summary["by_file"]):
        print(summary["by_file"][name].row(name))
    print(total.row("**all**"))
    print()
    print(TABLE_HEAD.format("class"))
    for name in CLASSES:
        if name in summary["by_class"]:
            print(summary["by_class"][name].row(name))
    if quiet:
        return
    print()
    print("out of scope:")
    for reason, count in summary["out_of_scope"].most_common():
        print(f"  {count:4}  {reason}")
    print("values not scored:")
    for reason, count in summary["not_scored"].most_common():
        print(f"  {count:4}  {reason.removeprefix('not scored: ')}")
    for case, error in result.crashes:
        print(f"CRASH {case.file} #{case.index} {case.input!r}: {error}")


def _claim_words(claims: list[dict[str, Any]]) -> str:
    if not claims:
        return "nothing"
    words = []
    for c in claims:
        v = c["value"]
        shown = v.get("timex") or (f"{v.get('start_timex')}..{v.get('end_timex')}" if c["kind"] == "date_range" else None)
        if c["kind"] == "count":
            shown = f"{v['value']:g}{' ' + v['unit'] if v.get('unit') else ''}"
        if c["kind"] == "duration" and v.get("anchor"):
            shown = f"{shown} {v['anchor'].get('relation')}"
        words.append(f"{c['kind']} {c['text']!r} {shown}")
    return "; ".join(words)


def write_misses(path: Path, result: Run, summary: dict[str, Any]) -> None:
    """Every in-scope entity not found or with a wrong value, by class; then the inputs expecting
    nothing that got a claim, and what was left out of scope."""
    lines = ["# Misses on the Recognizers-Text English specs", ""]
    by_class: dict[str, list[Expected]] = defaultdict(list)
    for item in summary["in_scope"]:
        if not item.found or item.value_state == "wrong":
            by_class[item.klass].append(item)
    for name in CLASSES:
        misses = by_class.get(name)
        if not misses:
            continue
        not_found = [m for m in misses if not m.found]
        wrong = [m for m in misses if m.found]
        lines += [f"## {name}: {len(not_found)} not found, {len(wrong)} found with a wrong value", ""]
        for m in not_found + wrong:
            state = "not found" if not m.found else "value wrong"
            value = f" = {m.value}" if m.value else ""
            lines.append(
                f"- {state} [{m.file} #{m.case}] {m.input!r}: expected {m.text!r}{value} "
                f"(published {m.reference}); figcheck: {_claim_words(m.claims)}"
            )
        lines.append("")
    lines += ["## inputs expecting nothing that got a claim", ""]
    for case, claims in result.spurious:
        lines.append(f"- [{case.file} #{case.index}] {case.run_text!r}: {_claim_words(claims)}")
    lines += ["", "## out of scope", ""]
    for item in summary["items"]:
        if item.out_of_scope:
            lines.append(f"- [{item.file} #{item.case}] {item.text!r} ({item.type}): {item.out_of_scope}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--specs", type=Path, required=True, help="a Recognizers-Text Specs folder")
    parser.add_argument("--misses", type=Path, help="write every miss, by class, to this file")
    parser.add_argument("--quiet", action="store_true", help="numbers only")
    args = parser.parse_args(argv)
    import figcheck

    print(f"code: {Path(figcheck.__file__).resolve().parent.parent}", file=sys.stderr)
    try:
        cases, missing = load_cases(args.specs)
    except SpecError as error:
        print(error, file=sys.stderr)
        return 2
    if missing:
        print(f"not found under {args.specs}: {', '.join(missing)}", file=sys.stderr)
    if not cases:
        print(f"{args.specs}: none of the known spec files is there", file=sys.stderr)
        return 2
    result = run(cases)
    summary = summarise(result)
    print_summary(result, summary, quiet=args.quiet)
    if args.misses:
        write_misses(args.misses, result, summary)
        print(f"misses written to {args.misses}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
