"""Dates and date ranges: "June 25, 1950", "Oct. 25", "August 1945", "October 25, Juche 39 (1950)",
"the 1950s", "the seventies", "Q3", "the second half of the year", "this weekend", "21/04/2016",
"in nineteen twenty-eight", "on Monday", "last week", "1950-53", "(June 25, 1950-July 27, 1953)",
"from Wednesday to Sunday", "from 4 to 22 this month", "the past three weeks"; relative ones
resolved against the publication date, and those counted from another time ("three days later",
"the next day", "in 3 weeks") against the date the text last mentioned or the time of writing."""

from __future__ import annotations

import bisect
import calendar as _calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

import regex

from figcheck.extraction.lexicon import alternation, load_lexicon
from figcheck.extraction.mentions import ExtractionContext, Mention, overlaps_any
from figcheck.extraction.numbers import number_patterns, parse_number
from figcheck.extraction.periods import period_of
from figcheck.extraction.text import (
    Word,
    ends_sentence as _ends_sentence,
    figure_may_end_before,
    search_back,
    word_before,
    words_after,
    words_before,
)
from figcheck.records import Anchor, DateRangeValue, DateValue, assemble

JUCHE_EPOCH = 1911  # Juche 1 = 1912
_RANGE_OPENER = regex.compile(r"\b(from|between)\s+$")
_PART_OF_PERIOD_AFTER = regex.compile(r"\s+of\s+(?:the|this|that|\p{Lu}|\d)")


_AMBIGUOUS_MONTHS = frozenset({"may", "march"})
# Lower-case words that are month names only when capitalised.
_VERB_LIKE_MONTHS = frozenset({"may", "march", "mar", "jan", "feb", "apr", "jun", "jul", "aug", "sep", "oct", "nov", "dec"})
_FULL_MONTH_NAMES = frozenset(name.lower() for name in _calendar.month_name if name)
_DAY_ORDINALS = frozenset("first second third fourth fifth sixth seventh eighth ninth".split())
_TEEN_ORDINALS = frozenset(
    "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
    "nineteenth twentieth thirtieth".split()
)
# Words before a month name standing alone that make it a date: "in September", "since June".
_MONTH_CUES = frozenset(
    "in since until till by from to through during before after between and of for early late mid end "
    "this last next previous coming or within throughout around".split()
)
_DAY_OFFSETS = {"today": 0, "yesterday": -1, "tomorrow": 1, "after tomorrow": 2, "before yesterday": -2}
_DAY_STEP_BEFORE = regex.compile(r"(?i:the\s+day\s+)(?P<how>(?i:after|before))\s+$")
_MONTH_RELATIVES = frozenset({"this", "last", "next", "previous", "coming"})
_SEASON_CODES = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_ORDINAL_NUMBER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_EDGE_MOD = {"end": "END", "close": "END", "beginning": "START", "start": "START", "middle": "MID", "turn": "END"}


@dataclass(frozen=True, slots=True)
class DateParts:
    """The pieces of a date as the text gave them, before resolution."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    decade: int | None = None
    relative: str | None = None  # "this year", "last week", "yesterday", "weekday"
    juche_year: int | None = None
    stated_gregorian_year: int | None = None
    forward: bool = False
    # Parts of a period: "early 1951", "the first half of 1951", "Q4 2016", "the summer of
    # 1950", "the 20th century".
    mod: str | None = None
    quarter: int | None = None
    half: int | None = None
    season: str | None = None
    century: int | None = None
    # For a month standing alone: "past" ("reopened in September") takes the latest one up to
    # the publication, "future" ("will open in March") the next one; otherwise the nearest.
    tense: str | None = None
    # A date counted from another time: "text" (the date the text last mentioned: "three days
    # later", "the next day") or "publication" ("in 3 weeks", "two weeks from now"); the signed
    # number of units and the unit's TIMEX3 letter ("D", "W", "M", "Y"); whether the text names
    # the whole period next to the anchor's ("the following week") rather than a point so far
    # from it ("a week later"); with a weekday, "the previous Monday", "the following Friday".
    anchored: str | None = None
    offset: int = 0
    offset_unit: str | None = None
    whole_period: bool = False
    # The larger units of a compound offset before the last one ("2 years 21 days later":
    # ((2, "Y"),) with offset 21, "D"), signed as ``offset`` is.
    offset_lead: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class DatePatterns:
    """Each pattern is matched anchored at a trigger (a month name, a digit run, a weekday...)."""

    month_day_year: regex.Pattern  # at a month name
    day_month_year: regex.Pattern  # at a digit
    month_year: regex.Pattern  # at a month name
    juche: regex.Pattern  # at "Juche"
    iso: regex.Pattern  # at a digit
    year: regex.Pattern  # at a digit
    weekday: regex.Pattern  # at a weekday name
    weekday_before: regex.Pattern  # searched back from a month name: "Tuesday, "
    relative_before: regex.Pattern  # searched back from "week"/"month"/"year": "last "
    weekday_modifier_before: regex.Pattern  # searched back from a weekday: "on ", "last "
    year_range: regex.Pattern  # at a digit
    day_range_month_first: regex.Pattern  # at a month name
    day_range_day_first: regex.Pattern  # at a digit
    future: regex.Pattern
    range_joint: regex.Pattern
    ordinal_day_before: regex.Pattern  # searched back from a month name: "the 4th of ", "the first to the 9th of "
    month_alone: regex.Pattern  # at a month name: "September", "June 1950" is month_year's
    month_short_year: regex.Pattern  # at a month name: "August '99", "August 99"
    month_juche: regex.Pattern  # at a month name: "May Juche 55 (1966)"
    month_relative_year: regex.Pattern  # after a month: " last year", " of this year"
    years_ago: regex.Pattern  # after a month: " ten years ago"
    period_before: regex.Pattern  # searched back from a date: "early ", "the end of ", "Q4 "
    century_before: regex.Pattern  # searched back from "century": "the 20th "
    offset_after: regex.Pattern  # after a unit: " later", " earlier", " from now", " before,"
    offset_amount_before: regex.Pattern  # searched back from a unit: "three ", "in 3 ", "a "
    offset_lead_before: regex.Pattern  # before that figure: "2 years ", "a year and "
    offset_step_before: regex.Pattern  # searched back from a unit or weekday: "the following "


@cache
def date_patterns() -> DatePatterns:
    lex = load_lexicon()
    names = []
    for name in lex.months:
        cap = name.capitalize()
        if len(name) > 3 and name not in _AMBIGUOUS_MONTHS:
            # A full month name is one in lower case too ("january 12, 2016"); "may" and
            # "march" are verbs then.
            cap = f"(?i:{name})"
        names.append(cap if len(name) > 3 or name == "may" else cap + r"\.?")
        if len(name) <= 4 and name not in _FULL_MONTH_NAMES:
            # "Sept." and "Jan." take their full stop; "June." ends a sentence.
            names.append(cap + r"\.")
    # "Jun" must not stop short inside "June": a month name ends where the word does.
    month = "(?:" + "|".join(sorted(set(names), key=len, reverse=True)) + r")(?!\p{L})"
    weekday = "(?i:" + "|".join(lex.weekdays) + ")"
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
    # "first" to "thirty-first" (or "thirty first"), "1st" to "31st": a day of the month as an ordinal.
    ordinal_day = rf"(?i:(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)|(?:twenty|thirty)(?:-|\s+)(?:{alternation(_DAY_ORDINALS)})|{alternation(_DAY_ORDINALS | _TEEN_ORDINALS)})"
    day_joint = r"\s*(?:[-–]|\s(?i:to|through|till|until)\s+(?:(?i:the)\s+)?)\s*"
    year = number_patterns().year
    juche = rf"Juche\s+(?P<jy>\d{{1,3}})(?!\d)(?:\s*\((?P<jg>{year})\))?"
    return DatePatterns(
        month_day_year=regex.compile(
            rf"(?P<m>{month})\s+(?:(?i:the)\s+)?(?P<d>{day})(?![\d:])"
            rf"(?:(?:,\s*|\s+)(?:{juche}|(?P<y>{year})(?![\d,]\d)))?"
        ),
        day_month_year=regex.compile(
            rf"(?<![\d.,])(?P<d>{day})\s+(?:(?i:of)\s+(?=\p{{Lu}}))?(?P<m>{month})(?!['’]s)(?:,?\s+(?P<y>{year})(?!\d))?"
        ),
        month_year=regex.compile(rf"(?P<m>{month}),?\s+(?:(?i:of)\s+)?(?P<y>{year})(?![\d,]\d)"),
        month_juche=regex.compile(rf"(?P<m>{month}),?\s+(?:(?i:of)\s+)?{juche}"),
        month_relative_year=regex.compile(r"\s+(?:(?i:of)\s+)?(?P<which>(?i:this|last|next|the\s+previous|the\s+following))\s+year\b"),
        years_ago=regex.compile(r"\s+(?:[\w-]+\s+){1,2}(?i:years?|months?)\s+(?i:ago|before|earlier|later)\b"),
        juche=regex.compile(juche),
        iso=regex.compile(r"(?<![\d.\-/])(?P<y>[12]\d{3})-(?P<mo>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d\-])"),
        year=regex.compile(
            rf"(?<![\p{{L}}\p{{N}},.$#/+'’]|[\p{{L}}\p{{N}}](?<!\b(?i:mid))-)(?P<y>{year})(?P<decade>['’]?s\b)?(?![\p{{N}}%]|[,.:]\d|-\d|\p{{L}})"
        ),
        weekday=regex.compile(rf"(?P<wd>{weekday})(?:\s+(?:morning|afternoon|evening|night))?\b"),
        # "Tuesday, June 23", "Wed, 22 of Jan": a capitalised abbreviation too, with its stop or
        # comma ("Day of Sun April 15" names a holiday).
        weekday_before=regex.compile(rf"(?P<wd>{weekday}),?\s+$|(?<![\p{{L}}.]|(?i:the|of)\s)(?P<wd>Mon|Tues?|Weds?|Thu(?:rs?)?|Fri|Sat|Sun)(?:\.,?|,)\s+$"),
        relative_before=regex.compile(r"\b(?P<which>(?i:this|last|next|previous|coming|upcoming|current))\s+$"),
        weekday_modifier_before=regex.compile(r"\b(?P<pre>(?i:on|last|next|this|coming|previous))\s+$"),
        year_range=regex.compile(
            rf"(?<![\p{{N}}.,\-/]|\p{{L}}-)(?P<y1>{year})\s*[-–—/]\s*(?P<y2>\d{{4}}|\d{{2}})(?![\p{{N}}]|-\d|\.\d)"
        ),
        day_range_month_first=regex.compile(
            rf"(?P<m>{month})\s+(?P<d1>{day}){day_joint}(?P<d2>{day})(?![\d:]|\s*%)"
            rf"(?:(?:,\s*|\s+)(?:{juche}|(?P<y>{year})(?!\d)))?"
        ),
        day_range_day_first=regex.compile(
            rf"(?<![\d.,])(?P<d1>{day}){day_joint}(?P<d2>{day})\s+(?P<m>{month})(?:,?\s+(?P<y>{year})(?!\d))?"
        ),
        # "I'll", "they’ll": the contracted "will".
        future=regex.compile(rf"(?i:\b(?:{alternation(lex.future_cues)})\b|(?<=\p{{L}})['’]ll\b)"),
        ordinal_day_before=regex.compile(
            rf"(?:(?P<from>(?i:from|between))\s+)?(?:(?i:the)\s+)?(?P<d1>{ordinal_day})\s+"
            rf"(?:(?i:to|till|until|through|and|-)\s+(?:(?i:the)\s+)?(?P<d2>{ordinal_day})\s+)?"
            r"(?:(?i:day)\s+)?(?i:of)\s+$"
        ),
        month_short_year=regex.compile(rf"(?P<m>{month})(?:,?\s+['’](?P<yy>\d\d)|\s+(?P<bare>[3-9]\d))(?![\p{{N}}\p{{L}}%'’]|[.,:]\d)"),
        month_alone=regex.compile(rf"(?P<m>{month})(?:,?\s+(?P<y>{year})(?![\d,]\d))?(?![\p{{L}}\d]|\s+\d)"),
        period_before=regex.compile(
            r"(?:(?P<mod>(?i:early|late|mid|end))(?:-|\s+)(?:(?i:in)\s+)?"
            r"|(?:(?i:the)\s+)?(?P<edge>(?i:end|beginning|start|middle|turn|close))\s+(?i:of)\s+(?:(?i:the)\s+)?"
            r"|(?:(?i:the)\s+)?(?P<half>(?i:first|second|1st|2nd))\s+(?i:half)\s+(?i:of)\s+"
            r"|(?:(?i:the)\s+)?(?P<q>(?i:first|second|third|fourth|1st|2nd|3rd|4th))\s+(?i:quarter)\s+(?i:of)\s+"
            r"|(?P<code>Q[1-4]|H[12])[\s\-/]*"
            r"|(?:(?i:the)\s+)?(?P<season>(?i:spring|summer|autumn|fall|winter))\s+(?:(?i:of)\s+)?)$"
        ),
        century_before=regex.compile(rf"(?i:the)\s+(?P<n>{number_patterns().ordinal})\s+$"),
        range_joint=regex.compile(r"\s*(?:[-–—]|to|through|till|until|and)\s*"),
        # "after" and "before" count from the date before only where nothing follows them ("the
        # day after, ..."): "two days after the vote" is a duration measured from the vote.
        offset_after=regex.compile(
            r"\s+(?P<rel>(?i:later|earlier|afterwards?|from\s+now|from\s+today|hence|in\s+the\s+future(?!-)|after|before))\b"
        ),
        offset_amount_before=regex.compile(
            rf"(?:(?P<in>\b(?i:in))\s+)?(?:(?P<q>{number_patterns().qualifier}|\b(?i:half))\s+)?(?P<n>{number_patterns().number}|\b(?i:an?|one))\s+$"
        ),
        offset_lead_before=regex.compile(
            rf"(?P<n>{number_patterns().number}|\b(?i:an?|one))\s+(?P<u>(?i:years?|months?|weeks?))(?:,?\s+(?i:and))?\s+$"
        ),
        offset_step_before=regex.compile(r"\b(?i:the)\s+(?P<which>(?i:next|following|previous|preceding))\s+$"),
    )


# Words before a bare four-digit number that make it a year.
_YEAR_CUES = frozenset(
    "in since of by until till from to before after during year early late mid around circa "
    "between and through spring summer autumn fall winter the end start beginning".split()
)


def find_dates(ctx: ExtractionContext) -> list[Mention]:
    p = date_patterns()
    text = ctx.text
    words = ctx.triggers.words
    out: list[Mention] = []
    for pos in words.get("month", ()):
        if text[pos].islower() and _word_at(text, pos) in _VERB_LIKE_MONTHS:
            mention = _ordinal_of_lower_month(ctx, pos) or _lower_abbreviation_with_day(ctx, pos)
            if mention:
                out.append(mention)
            continue  # "may", "march", "mar": no month in lower case but "the 4th of march"
        m = p.month_day_year.match(text, pos)
        if m is None:
            mention = _month_ordinal_word(ctx, pos) or _month_joined_day(ctx, pos)
            if mention:
                out.append(mention)
                continue
        if m:
            wd = search_back(p.weekday_before, text, max(0, pos - 14), pos)
            parts = DateParts(
                year=_int(m.group("y")),
                month=_month(ctx, m.group("m")),
                day=_day(m.group("d")),
                weekday=_weekday(ctx, wd.group("wd")) if wd else None,
                juche_year=_int(m.group("jy")),
                stated_gregorian_year=_int(m.group("jg")),
            )
            if parts.juche_year and not parts.year:
                parts = _with_juche_year(parts)
            if parts.year is None and _names_something(ctx, m.start(), m.end()):
                # Not a date and not a count either: nothing in it is a claim.
                ctx.blocked.append((m.start(), m.end()))
                continue
            if _valid_day(parts):
                start = wd.start() if wd else m.start()
                out.append(_mention(ctx, start, m.end(), parts, 0.95 if parts.year else 0.8))
        dated = m is not None
        m = p.month_year.match(text, pos)
        if m:
            parts = DateParts(year=int(m.group("y")), month=_month(ctx, m.group("m")))
            start, parts = _period_part(ctx, m.start(), parts)
            out.append(_mention(ctx, start, m.end(), parts, 0.9))
            dated = True
        od = search_back(p.ordinal_day_before, text, max(0, pos - 60), pos) if _of_before(text, pos) else None
        if od and not od.group("d2"):
            # "the first of March", "the twenty-fifth of June 1950", "the 4th day of May".
            after = p.month_alone.match(text, pos)
            day = ctx.lexicon.ordinal_value(od.group("d1"))
            if after and day:
                parts = DateParts(year=_int(after.group("y")), month=_month(ctx, after.group("m")), day=day)
                if _valid_day(parts):
                    out.append(_mention(ctx, od.start("d1") if not od.group("from") else od.start(), after.end(), parts, 0.85 if parts.year else 0.75))
                    dated = True
        m = p.month_juche.match(text, pos) if not dated and "Juche" in text[pos : pos + 24] else None
        if m:
            # "in May Juche 55 (1966)"
            parts = _with_juche_year(DateParts(month=_month(ctx, m.group("m")), juche_year=int(m.group("jy")),
                                               stated_gregorian_year=_int(m.group("jg"))))
            start, parts = _period_part(ctx, m.start(), parts)
            out.append(_mention(ctx, start, m.end(), parts, 0.9))
            dated = True
        if not dated:
            mention = _month_short_year(ctx, pos) if _SHORT_YEAR_NEAR.search(text, pos + 3, pos + 14) else None
            mention = mention or _month_alone(ctx, pos)
            if mention:
                out.append(mention)
    for pos in words.get("unit", ()):
        if text[pos : pos + 7].lower() != "century":
            continue
        m = search_back(p.century_before, text, max(0, pos - 30), pos)
        number = ctx.lexicon.ordinal_value(m.group("n")) if m else None
        if number and 1 <= number <= 22:
            out.append(_mention(ctx, m.start(), pos + 7, DateParts(century=number), 0.85))
    # Digit runs the forms below start at, picked in this one pass: "21/04/2016", "2016-11"
    # (a separator after), "the 70s" (an "s" after), "Q3" (a code letter before).
    separated: list[tuple[int, int]] = []
    decades: list[int] = []
    codes: list[int] = []
    held: _HeldSpans | None = None  # made at the first year, which most texts never reach
    for pos, length in zip(ctx.triggers.digits, ctx.triggers.digit_lengths):
        following = text[pos + length : pos + length + 1]
        if following in _DIGIT_FORM_SEPARATORS:
            separated.append((pos, length))
        elif length == 2 and following in _DECADE_ENDINGS:
            decades.append(pos)
        if length == 1 and pos and text[pos - 1] in ("Q", "H"):
            codes.append(pos)
        if length > 4 or length == 3:
            continue
        m = p.day_month_year.match(text, pos) if length <= 2 and _month_may_follow_day(ctx, pos + length) else None
        if m:
            wd = search_back(p.weekday_before, text, max(0, pos - 14), pos)
            parts = DateParts(
                year=_int(m.group("y")),
                month=_month(ctx, m.group("m")),
                day=_day(m.group("d")),
                weekday=_weekday(ctx, wd.group("wd")) if wd else None,
            )
            if _valid_day(parts):
                out.append(_mention(ctx, wd.start() if wd else m.start(), m.end(), parts, 0.9 if parts.year else 0.75))
        elif length <= 2 and text[pos + length : pos + length + 2].lower() in _DAY_SUFFIXES:
            mention = _day_alone(ctx, pos)
            if mention:
                out.append(mention)
        elif length <= 2 and text[pos - 4 : pos] == "the ":
            mention = _bare_day(ctx, pos)
            if mention:
                out.append(mention)
        elif length <= 2 and text[pos + length : pos + length + 1] in ("-", ".") and text[pos + length + 1 : pos + length + 3].strip()[:1].isupper():
            mention = _day_joined_month(ctx, pos)
            if mention:
                out.append(mention)
        if length != 4:
            continue
        m = p.iso.match(text, pos) if text[pos + 4 : pos + 5] == "-" else None
        if m:
            parts = DateParts(year=int(m.group("y")), month=int(m.group("mo")), day=int(m.group("d")))
            if _valid_day(parts):
                out.append(_mention(ctx, m.start(), m.end(), parts, 0.9))
            continue
        held = held or _HeldSpans(ctx, out)
        if held.holds(pos, pos + 4):
            continue  # the year of "March 3, 2012", read with it: alone it would lose to it
        m = p.year.match(text, pos)
        if m:
            mention = _year_mention(ctx, m)
            if mention:
                out.append(mention)
    for pos in words.get("juche", ()):
        m = p.juche.match(text, pos)
        if m:
            parts = _with_juche_year(DateParts(juche_year=int(m.group("jy")), stated_gregorian_year=_int(m.group("jg"))))
            out.append(_mention(ctx, m.start(), m.end(), parts, 0.9))
    for pos in ctx.triggers.number_words:
        if text[pos : pos + 3].lower() in ("twe", "thi"):
            mention = _compound_ordinal_day(ctx, pos)
            if mention:
                out.append(mention)
    out.extend(_weeks_of_days(ctx, out))
    out.extend(_decades(ctx, decades))
    out.extend(_numeric_dates(ctx, separated))
    out.extend(_years_in_words(ctx))
    out.extend(_years_after_year_word(ctx))
    out.extend(_parts_of_years(ctx, codes))
    out.extend(_nth_weekdays(ctx))
    if ctx.published:
        out.extend(_abbreviated_weekdays(ctx))
        out.extend(_recent_and_quarter_periods(ctx))
        out.extend(_relative_dates(ctx))
        out.extend(_weekends(ctx))
        out.extend(_weekday_and_day(ctx))
        out.extend(_more_relative_periods(ctx))
        out.extend(_periods_around_publication(ctx))
    out.extend(_offset_dates(ctx))
    out.extend(_anaphoric_dates(ctx))
    return out


class _HeldSpans:
    """The dates found so far, sorted, for telling whether one of them, kept, would hold a
    shorter date: the year of "March 3, 2012" is not read again, as alone it would lose to the
    date (``extractor._select`` keeps the longer of overlapping dates). Dates found later are
    taken in as they come; a look goes back over a few dates only, so a text of thousands of
    dates is read in linear time."""

    _LOOK_BACK = 8

    def __init__(self, ctx: ExtractionContext, dates: list[Mention]) -> None:
        self.ctx = ctx
        self.dates = dates
        self.taken = len(dates)
        self.spans = sorted((d.start, d.end) for d in dates)
        self.starts = [start for start, _ in self.spans]
        self.blocked = sorted(ctx.blocked)
        self.blocked_starts = [start for start, _ in self.blocked]
        self.blocked_taken = len(ctx.blocked)

    def holds(self, start: int, end: int) -> bool:
        for d in self.dates[self.taken :]:
            i = bisect.bisect_right(self.starts, d.start)
            self.starts.insert(i, d.start)
            self.spans.insert(i, (d.start, d.end))
        self.taken = len(self.dates)
        i = bisect.bisect_right(self.starts, start)
        for j in range(i - 1, max(-1, i - 1 - self._LOOK_BACK), -1):
            d_start, d_end = self.spans[j]
            if d_end >= end and d_end - d_start > end - start and not self._blocked(d_start, d_end):
                return True
        return False

    def _blocked(self, start: int, end: int) -> bool:
        """Whether [start, end) touches a blocked span, as ``extractor._select`` looks: then the
        date may be dropped, and what is inside it read on its own."""
        return overlaps_any(self.blocked_starts, self.blocked, start, end) or any(
            b_start < end and start < b_end for b_start, b_end in self.ctx.blocked[self.blocked_taken :]
        )


def _relative_dates(ctx: ExtractionContext) -> list[Mention]:
    """ "on Monday", "last week", "this year", "yesterday": resolved against the publication date."""
    p = date_patterns()
    text = ctx.text
    words = ctx.triggers.words
    out: list[Mention] = []
    for pos in words.get("weekday", ()):
        m = p.weekday.match(text, pos)
        if not m:
            continue
        before = p.weekday_modifier_before.search(text, max(0, pos - 10), pos)
        pre = before.group("pre").lower() if before else ""
        if not pre and _weekday_in_name(ctx, pos, m.end()):
            continue  # "the Friday Mosque", "Black Friday", "the Sunday Times"
        # "will go back this Friday", "talks are set for Friday": the clause's tense, as for a
        # day alone ("set for the 20th"); "last Friday" stays behind whatever the tense.
        forward = pre in ("next", "coming") or (pre not in ("last", "previous", "past") and _speaks_ahead(ctx, pos))
        parts = DateParts(weekday=_weekday(ctx, m.group("wd")), relative=pre or "weekday", forward=forward)
        start = before.start() if pre in ("last", "next", "this", "coming", "previous") else pos
        out.append(_mention(ctx, start, m.end(), parts, 0.8))
    for pos in words.get("unit", ()):
        unit = _word_at(text, pos).lower()
        if unit == "decade":
            # "this decade", "the current decade": the decade of the publication ("the next
            # decade" is as often the next ten years).
            before = p.relative_before.search(text, max(0, pos - 10), pos)
            if before and before.group("which").lower() in ("this", "current") and not _PART_OF_PERIOD_AFTER.match(text, pos + 6):
                mention = _mention(ctx, before.start(), pos + 6, DateParts(decade=ctx.published.year // 10 * 10), 0.7)
                out.append(_from_publication(mention, ctx.published))
            continue
        if unit not in ("week", "month", "year"):
            continue
        before = p.relative_before.search(text, max(0, pos - 10), pos)
        if before and _PART_OF_PERIOD_AFTER.match(text, pos + len(unit)):
            continue  # "the last week of July" is a part of July, not last week
        if before:
            rel = f"{before.group('which').lower()} {unit}"
            start, mod = _edge_of_relative(text, before.start())
            out.append(_mention(ctx, start, pos + len(unit), DateParts(relative=rel, mod=mod), 0.75))
        elif text[pos - 4 : pos].lower() == "the " and text[pos - 7 : pos - 5].lower() == "of":
            mention = _edge_of_the_period(ctx, pos, unit)
            if mention is not None:
                out.append(mention)
    for pos in words.get("season", ()):
        mention = _relative_season(ctx, pos)
        if mention:
            out.append(mention)
    for pos in words.get("relative_day", ()):
        word = _word_at(text, pos).lower()
        if word not in ("yesterday", "today", "tomorrow"):
            continue
        start = pos
        step = _DAY_STEP_BEFORE.search(text, max(0, pos - 20), pos)
        if step and word != "today" and (step.group("how").lower() == "after") == (word == "tomorrow"):
            # "the day after tomorrow", "the day before yesterday"
            word, start = f"{step.group('how').lower()} {word}", step.start()
        out.append(_mention(ctx, start, pos + len(word.split()[-1]), DateParts(relative=word), 0.5 if word == "today" else 0.75))
    return out


# --- abbreviated weekdays: "on Tues.", "next Thur", "from Tue to Thur" ------------------------

_ABBREVIATED_WEEKDAY = regex.compile(r"(?P<wd>Mon|Tues?|Weds?|Thu(?:rs?)?|Fri|Sat|Sun)(?P<stop>\.)?(?![\p{L}\p{N}\-'’])")
_ABBREVIATION_CUE_BEFORE = regex.compile(
    r"\b(?P<pre>(?i:on|by|until|till|since|from|between|before|after|last|next|this|coming|previous))\s+$"
)
# The second end of a range whose first is a weekday: "from Tue to Thur", "between Mon and Weds".
_WEEKDAY_RANGE_BEFORE = regex.compile(
    r"\b(?i:from|between)\s+(?:(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|Mon|Tues?|Weds?|Thu(?:rs?)?|Fri|Sat|Sun)\.?"
    r"\s*(?:[-–]|\s(?i:to|till|until|through|and)\s)\s*$"
)


def _abbreviated_weekdays(ctx: ExtractionContext) -> list[Mention]:
    """ "on Tues.", "by Fri", "last Weds", "from Tue to Thur": a weekday abbreviated, read as
    the full name is (``_relative_dates``), but only after such a word and not before a
    capitalised word ("on Sun Microsystems", "on Mon State")."""
    text = ctx.text
    out: list[Mention] = []
    abbreviations = ctx.lexicon.weekday_abbreviations
    for pos in ctx.triggers.words.get("weekday_abbreviation", ()):
        if text[pos].isupper() and text[pos + 1].islower():
            mention = _abbreviated_weekday(ctx, pos, abbreviations)
            if mention:
                out.append(mention)
    return out


def _abbreviated_weekday(ctx: ExtractionContext, pos: int, abbreviations: dict[str, int]) -> Mention | None:
    text = ctx.text
    m = _ABBREVIATED_WEEKDAY.match(text, pos)
    if m is None:
        return None
    before = _ABBREVIATION_CUE_BEFORE.search(text, max(0, pos - 10), pos)
    if before is None and _WEEKDAY_RANGE_BEFORE.search(text, max(0, pos - 40), pos) is None:
        return None
    after = words_after(text, m.end(), min(len(text), m.end() + 30), 1)
    if after and not m.group("stop") and text[m.end() : after[0].start] == " " and after[0].text[0].isupper():
        return None  # "on Sun Microsystems", "on Mon State"
    pre = before.group("pre").lower() if before else ""
    relative = pre if pre in ("last", "next", "this", "coming", "previous") else ""
    forward = pre in ("next", "coming") or (pre not in ("last", "previous") and _speaks_ahead(ctx, pos))
    parts = DateParts(weekday=abbreviations[m.group("wd").lower()], relative=relative or "weekday", forward=forward)
    return _mention(ctx, before.start() if relative else pos, m.end("wd"), parts, 0.7)


# "early", "late last year", "the end of this month", "earlier this week": the part of a
# relative period the words before it name ("earlier" and "later" name none: before or after
# the time of writing, within it).
_RELATIVE_EDGE_BEFORE = regex.compile(
    r"(?:\b(?P<mod>(?i:early|earlier|late|later|mid))(?:-|\s+)"
    r"|(?:\b(?i:the)\s+)?\b(?P<edge>(?i:end|beginning|start|middle|close))\s+(?i:of)\s+)$"
)
_RELATIVE_MODS = {"early": "START", "late": "END", "mid": "MID", "earlier": None, "later": None}


def _edge_of_relative(text: str, start: int) -> tuple[int, str | None]:
    """Where a relative period starts with the part of it named before ``start``, and its mod."""
    if start < 3 or text[start - 1] not in " -":
        return start, None
    m = _RELATIVE_EDGE_BEFORE.search(text, max(0, start - 24), start)
    if m is None:
        return start, None
    if m.group("mod"):
        return m.start(), _RELATIVE_MODS[m.group("mod").lower()]
    return m.start(), _EDGE_MOD[m.group("edge").lower()]


_EDGE_OF_THE_BEFORE = regex.compile(r"(?:\b(?i:the)\s+)?\b(?P<edge>(?i:end|beginning|start|middle|close))\s+(?i:of)\s+(?i:the)\s+$")


def _edge_of_the_period(ctx: ExtractionContext, pos: int, unit: str) -> Mention | None:
    """ "by the end of the year", "at the start of the month": of the publication's year (month,
    week) unless the clause tells a story of the past or a habit ("bonuses are paid at the end
    of the year"), which names no one year."""
    text = ctx.text
    end = pos + len(unit)
    edge = _EDGE_OF_THE_BEFORE.search(text, max(0, pos - 30), pos)
    if edge is None or not _ends_phrase(ctx, end) or text[end : end + 1] in ("'", "’", "-"):
        return None
    sentence = ctx.index.sentence_at(pos)
    if _tense(ctx, pos) == "past" or _past_sentence(ctx, sentence.start, sentence.end):
        return None
    if any(w.group().lower() in _HABIT_WORDS for w in _LETTERS.finditer(text, sentence.start, pos)):
        return None
    mention = _mention(ctx, edge.start(), end, DateParts(relative=f"this {unit}", mod=_EDGE_MOD[edge.group("edge").lower()]), 0.6)
    return mention


# The month a season starts in (the northern hemisphere's, as the TIMEX3 codes have it).
_SEASON_STARTS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_RELATIVE_SEASON_BEFORE = regex.compile(
    r"\b(?:(?P<which>(?i:this|last|next|past|coming))\s+|(?P<prep>(?i:in|during|by|since|until|through|throughout|over))\s+(?:(?i:the)\s+)?)"
    r"(?:(?P<mid>(?i:mid|early|late))(?:-|\s+))?$"
    r"|\b(?P<mid_alone>(?i:mid))(?:-|\s+)$"
)


def _relative_season(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "this summer", "last winter", "next spring": a season of the year of publication, or
    of the year before or after; "the summer of 1950" is read with its year elsewhere."""
    text = ctx.text
    word = _word_at(text, pos).lower()
    code = _SEASON_CODES.get(word)
    before = _RELATIVE_SEASON_BEFORE.search(text, max(0, pos - 24), pos)
    if code is None or before is None or _PART_OF_PERIOD_AFTER.match(text, pos + len(word)):
        return None
    end = pos + len(word)
    if (before.group("prep") or before.group("mid_alone")) and not _ends_phrase(ctx, end):
        return None  # "in summer camps", "in winter clothes": a season describing a noun
    if word == "fall" and not before.group("which"):
        return None
    pub = ctx.published
    which = (before.group("which") or "").lower()
    mod = _MOD_WORDS.get((before.group("mid") or before.group("mid_alone") or "").lower())
    start_month = _SEASON_STARTS[code]
    this_year = pub.year - 1 if code == "WI" and pub.month <= 2 else pub.year
    started = date(this_year, start_month, 1) <= pub
    if which in ("last", "past"):
        # The one before the season now running or coming: last summer, said in July, is a year ago.
        ongoing = started and (pub - date(this_year, start_month, 1)).days < 92
        year = this_year - 1 if (ongoing or not started) else this_year
    elif which in ("next", "coming"):
        year = this_year + 1 if started else this_year
    elif which == "this":
        year = this_year
    else:
        # "in summer", "mid summer": the clause's tense says which; with none, a habit ("the
        # sea does not freeze in winter") names no one season.
        tense = _tense(ctx, pos)
        sentence = ctx.index.sentence_at(pos)
        if tense is None or any(w.group().lower() in _HABIT_WORDS for w in _LETTERS.finditer(text, sentence.start, pos)):
            return None
        ended = date(this_year, start_month, 1) + timedelta(days=92) <= pub
        year = this_year + 1 if ended else this_year
    start = before.start("which") if which else (before.start("mid") if before.group("mid") else before.start())
    if before.group("prep") and not before.group("mid"):
        start = pos
    if not which and tense != "future":
        # "The harvest came in autumn": a season, but which year's the words do not say (a
        # story's, a habit's); it stays unresolved rather than be put in the publication's.
        mention = Mention("date", start, end, DateValue(timex=f"XXXX-{code}", mod=mod), 0.5)
        mention.parts = DateParts(season=code, mod=mod)
        return mention
    mention = _mention(ctx, start, end, DateParts(year=year, season=code, mod=mod), 0.7 if which else 0.6)
    return _from_publication(mention, pub)


# Words of a clause that speaks of a habit or a possibility rather than one time: "the dish
# is eaten in early autumn", "it can be gathered in spring".
_HABIT_WORDS = frozenset("is are can could may might would does do usually often always every each".split())


def _ends_phrase(ctx: ExtractionContext, end: int) -> bool:
    """Whether the phrase ends at ``end``: punctuation, the end of the text, or a word that
    starts another phrase ("in summer, ...", "in summer when", not "in summer camps")."""
    following = words_after(ctx.text, end, min(len(ctx.text), end + 30), 1)
    if not following or ctx.text[end : following[0].start] != " ":
        return True
    word = following[0]
    return word.lower in ctx.lexicon.phrase_stops or word.text[0].isdigit()


# --- dates counted from another time -------------------------------------------------------

_IN_TIME = regex.compile(r"['’]s?\s+(?i:time)\b")
_IN_BEFORE = regex.compile(r"\b(?i:in)\s")
_STEP_WORDS = frozenset({"next", "following", "previous", "preceding"})
_STEP_ENDINGS = frozenset(word[-4:] for word in _STEP_WORDS)
_RELATION_STARTS = frozenset({"lat", "ear", "aft", "bef", "fro", "hen", "in "})
_LETTERS = regex.compile(r"\p{L}+")
# "the first time in two years", "the biggest drills in 23 years": "in" reaches back over a
# span; "in 20 years to come" is a span ahead.
_SPAN_READING_BEFORE = regex.compile(
    r"(?i:\b(?:first|last|only|time|record|most|least|best|worst|biggest|largest|highest|lowest|longest|greatest|"
    r"strongest|smallest|heaviest|deepest|fastest|worst)\b)"
)
_TO_COME = regex.compile(r"\s+(?i:to\s+come|ahead)\b")
# A future word close enough before "in 3 weeks" to be its clause's.
_FUTURE_REACH = 60
_UNRESOLVED = {"D": "XXXX-XX-XX", "W": "XXXX-WXX", "M": "XXXX-XX", "Y": "XXXX"}


def _offset_dates(ctx: ExtractionContext) -> list[Mention]:
    """Dates counted from another time: "three days later", "a week earlier", "the next day",
    "the day after", "the following week", "the previous year", "the following Monday" count
    from the date the text last mentioned (resolved by ``anchor_offset_dates`` once the
    extractor has chosen its dates); "in 3 weeks" (of the future), "two weeks from now" from the
    time of writing. A figure with a qualifier ("about three days later") stays a duration."""
    p = date_patterns()
    text = ctx.text
    lex = ctx.lexicon
    out: list[Mention] = []
    for pos in ctx.triggers.words.get("unit", ()):
        if text[pos - 1 : pos] == "-":
            continue  # "three-year": a compound
        end = _LETTERS.match(text, pos).end()
        # Cheap looks at both sides first: most units are "this year", "N years", "the year".
        after_char = text[end : end + 2]
        if not (
            (after_char[:1] in (" ", "\n") and text[end + 1 : end + 4].lower() in _RELATION_STARTS)
            or text[pos - 5 : pos - 1].lower() in _STEP_ENDINGS
            or (after_char and after_char[0] in "'’")
        ):
            if " in " not in f" {text[max(0, pos - 24) : pos].lower()}" or not _number_ends_before(ctx, pos):
                continue  # no "later", "next", "previous", "in N": a length, or no figure at all
        unit = text[pos:end]
        spec = lex.time_units.get(unit.lower())
        if spec is None or spec[0] in ("H", "MIN", "S"):  # clock units: a time of day, not a date
            continue
        window = text[max(0, pos - 24) : pos].lower()
        previous = window.rstrip().rpartition(" ")[2].rpartition("\n")[2]
        # Every look after a position is bounded: a pattern with a required word would
        # otherwise scan the rest of the text for it at each unit.
        after = p.offset_after.match(text, end, end + 24) if text[end : end + 1].isspace() else None
        if not (after or previous in _STEP_WORDS or " in " in f" {window}" or text[end : end + 1] in "'’"):
            continue
        letter, multiple = spec
        singular = not unit.lower().endswith("s") and unit.lower() != "fortnight"
        rel = after.group("rel").lower() if after else ""
        if previous in _STEP_WORDS:
            # "the following week", "the previous year", "the next day" ("the next year" is as
            # often the year ahead as a span of one: "over the next year").
            step = p.offset_step_before.search(text, max(0, pos - 24), pos)
            start = step.start() if step else None
            if step is None and previous == "next" and unit.lower() == "day" and _ends_phrase(ctx, end):
                # "Next day, the troops withdrew", "till dawn of next day" (not "next-day
                # delivery", "a next day service").
                begin = word_before(text, pos)[0]
                if _word_before(text, begin) not in _DETERMINERS:
                    start = begin
            if start is not None and singular and (previous != "next" or letter == "D"):
                sign = -1 if previous in ("previous", "preceding") else 1
                parts = DateParts(relative="offset", anchored="text", offset=sign * multiple, offset_unit=letter, whole_period=True)
                out.append(_offset_mention(ctx, start, end, parts))
            continue
        if previous == "the" and rel in ("after", "before") and _closed(text, after.end()) and singular:
            # "The day after, ...", "the week before."
            sign = 1 if rel == "after" else -1
            parts = DateParts(relative="offset", anchored="text", offset=sign * multiple, offset_unit=letter, whole_period=True)
            out.append(_offset_mention(ctx, word_before(text, pos)[0], after.end("rel"), parts))
            continue
        in_time = _IN_TIME.match(text, end, end + 12)
        if not (after or in_time or _IN_BEFORE.search(text, max(0, pos - 40), pos)):
            continue  # a figure before its unit with no "later", "from now" or "in": a length
        if not _number_ends_before(ctx, pos):
            continue
        if not after and not in_time and not _future_cue(text, max(0, pos - 100), min(len(text), end + _FUTURE_REACH)):
            continue  # "in 3 weeks" with no future word near: a length ("built in 3 weeks")
        m = p.offset_amount_before.search(text, max(0, pos - 40), pos)
        if m is None or m.group("q"):
            continue
        raw = m.group("n")
        amount = 1 if raw.lower() in ("a", "an") else parse_number(raw, lex)
        if not amount or amount != int(amount) or amount > 1000:
            continue
        amount = int(amount) * multiple
        if m.group("in"):
            # "will return in 3 weeks", "in two years' time"; "built in 3 weeks" is a duration.
            sentence = ctx.index.sentence_at(m.start())
            fronted = m.start() - sentence.start < 24 and not text[sentence.start : m.start()].strip(" \"“")
            ahead = (max(sentence.start, m.start() - _FUTURE_REACH), m.start()) if not fronted else (end, min(len(text), end + _FUTURE_REACH))
            if not in_time and (
                not _future_cue(text, *ahead)
                or _SPAN_READING_BEFORE.search(text, max(sentence.start, m.start() - 120), m.start())
                or _TO_COME.match(text, end, end + 16)
            ):
                continue
            parts = DateParts(relative="offset", anchored="publication", offset=amount, offset_unit=letter)
            out.append(_offset_mention(ctx, m.start("in"), in_time.end() if in_time else end, parts))
            continue
        if not after or text[after.end() : after.end() + 5].lower() == " than":
            continue  # "three days later than planned" compares
        if rel in ("after", "before") and not _closed(text, after.end()):
            continue  # "two days after the vote": measured from the vote
        # "two weeks from now", "2 days hence", "4 weeks in the future": from the time of writing.
        anchored = "publication" if rel.startswith(("from", "hence", "in")) else "text"
        sign = -1 if rel in ("earlier", "before") else 1
        start, lead = _offset_lead(ctx, m.start("n"), letter)
        parts = DateParts(
            relative="offset", anchored=anchored, offset=sign * amount, offset_unit=letter, offset_lead=tuple((sign * n, u) for n, u in lead)
        )
        out.append(_offset_mention(ctx, start, after.end("rel"), parts))
    for pos in ctx.triggers.words.get("weekday", ()):
        # "the previous Monday", "the following Friday": counted from the date before.
        if text[pos - 2 : pos - 1] not in ("g", "s", "G", "S") or _word_before(text, pos) not in ("following", "previous", "preceding"):
            continue
        step = p.offset_step_before.search(text, max(0, pos - 24), pos)
        m = p.weekday.match(text, pos)
        if step and m and step.group("which").lower() != "next":
            sign = 1 if step.group("which").lower() == "following" else -1
            parts = DateParts(weekday=_weekday(ctx, m.group("wd")), relative="offset", anchored="text", offset=sign)
            out.append(_offset_mention(ctx, step.start(), pos + len(m.group("wd")), parts))
    return out


# "that year", "the same month", "that very day": the period of the time the text last gave.
_SAME_PERIOD_BEFORE = regex.compile(r"\b(?P<which>(?i:that(?:\s+(?:same|very))?|the\s+(?:very\s+)?same))\s+$")
# After the unit, what makes it another period than the anchor's ("the same month last year",
# "the same day as the vote", "that day of the week") or no period at all ("that day-to-day").
_SAME_PERIOD_ELSEWHERE = regex.compile(
    r"[-‐]|\s+(?i:(?:as|of|after|before|last|next|a\s+year|the\s+(?:year|previous|following|next))\b|in\s+(?:\d|last\b|the\s+previous\b))"
)
# Words before "that" that make it start a clause ("said that day labourers ..."), not point back.
_THAT_CLAUSE_HEADS = frozenset(
    "said says say saying noted notes added adds stressed stresses announced reported reports stated states "
    "claimed claims believe believes believed know knows knew hope hopes hoped insisted warned argued "
    "explained showed shows revealed clear sure so such fact now than".split()
)
_SAME_UNITS = frozenset({"year", "month", "week", "day"})


def _anaphoric_dates(ctx: ExtractionContext) -> list[Mention]:
    """ "that year", "the same month", "that very day", "the same week": the year (month, week,
    day) of the date the text last gave, in its sentence or the one before (resolved by
    ``anchor_offset_dates``); with none, unresolved with its anchor said, never the
    publication's. A check cannot contradict it (its confidence is low): its anchor is."""
    text = ctx.text
    out: list[Mention] = []
    for pos in ctx.triggers.words.get("unit", ()):
        if text[pos - 5 : pos - 1].lower() not in ("that", "same", "very"):
            continue
        unit = _word_at(text, pos)
        if unit.lower() not in _SAME_UNITS:
            continue
        end = pos + len(unit)
        before = _SAME_PERIOD_BEFORE.search(text, max(0, pos - 24), pos)
        if before is None or _SAME_PERIOD_ELSEWHERE.match(text, end, end + 16) or text[end : end + 1].isalnum():
            continue
        if before.group("which")[:4].lower() == "that" and _word_before(text, before.start()) in _THAT_CLAUSE_HEADS:
            continue
        letter = ctx.lexicon.time_units[unit.lower()][0]
        parts = DateParts(relative="same", anchored="text", offset=0, offset_unit=letter, whole_period=True)
        out.append(_offset_mention(ctx, before.start(), end, parts))
    return out


_UNIT_ORDER = "DWMY"


def _offset_lead(ctx: ExtractionContext, start: int, letter: str) -> tuple[int, list[tuple[int, str]]]:
    """The larger units written before an offset's figure at ``start`` ("2 years 21 days later",
    "a year and two months earlier"): where the offset then starts, and those units, largest
    first; a qualified or repeated unit ends the search."""
    lead: list[tuple[int, str]] = []
    finest = letter
    while start > 0 and ctx.text[start - 1 : start].isspace():
        m = date_patterns().offset_lead_before.search(ctx.text, max(0, start - 40), start)
        if m is None:
            break
        unit = ctx.lexicon.time_units.get(m.group("u").lower())
        raw = m.group("n")
        amount = 1 if raw.lower() in ("a", "an") else parse_number(raw, ctx.lexicon)
        if unit is None or not amount or amount != int(amount) or amount > 1000:
            break
        if _UNIT_ORDER.index(unit[0]) <= _UNIT_ORDER.index(finest) or unit[0] == "W" and finest == "M":
            break
        lead.insert(0, (int(amount) * unit[1], unit[0]))
        finest, start = unit[0], m.start()
    return start, lead


def _closed(text: str, pos: int) -> bool:
    """Whether a clause ends at ``pos`` (spaces, then punctuation or the end of the text):
    "the day after, ...", not "the day after the vote"."""
    rest = text[pos : pos + 12].lstrip()
    return not rest and pos + 12 >= len(text) or rest[:1] in tuple(",.;:!?)\"”")


def _word_before(text: str, pos: int) -> str:
    """The word before ``pos`` (across spaces), in lower case."""
    begin, end = word_before(text, pos)
    return text[begin:end].lower()


_FIGURE_WORDS = frozenset({"a", "an"})


def _number_ends_before(ctx: ExtractionContext, pos: int) -> bool:
    """Whether the word before the unit at ``pos`` can end a figure: digits, a number word, "a"."""
    return figure_may_end_before(ctx.text, pos, ctx.lexicon, _FIGURE_WORDS)


def _offset_mention(ctx: ExtractionContext, start: int, end: int, parts: DateParts) -> Mention:
    """A date counted from another time, resolved now when it counts from the publication."""
    mention = Mention("date", start, end, DateValue(timex=_unresolved(parts)), 0.5)
    mention.parts = parts
    if parts.anchored == "publication":
        _resolve_offset(ctx, mention, None)
    return mention


def anchor_offset_dates(ctx: ExtractionContext, mentions: list[Mention]) -> None:
    """Resolves each date counted from the date the text last mentioned ("three days later",
    "the next day") against the last date or date range before it in its sentence or the one
    before; without one it stays unresolved, its anchor said, and nothing is guessed. "The
    previous Monday" with no date before it is the Monday before the time of writing, as a
    weekday alone is. ``mentions`` are the extractor's chosen mentions, in text order, with
    their claim ids."""
    last: Mention | None = None
    earlier: Mention | None = None  # the one before ``last``
    for mention in mentions:
        if mention.kind not in ("date", "date_range"):
            continue
        parts = mention.parts
        if (
            mention.kind == "date" and isinstance(parts, DateParts) and parts.relative == "same"
            and parts.offset_unit == "Y" and last is not None and _year_less(last)
            and ctx.text[last.end : mention.start].strip().lower() in ("", "of")
        ):
            # "on September 9 that year", "February 13 of the same year": the year of the date
            # before that day, which is that day's year too (not the publication's).
            _same_year_for_day(ctx, last, mention, earlier if earlier is not None and _near(ctx, earlier, mention) else None)
        elif mention.kind == "date" and isinstance(parts, DateParts) and parts.anchored == "text":
            anchor = last if last is not None and _near(ctx, last, mention) else None
            if anchor is not None and not ctx.text[anchor.end : mention.start].strip(" ,"):
                # "from February of 2010, 16 years later": the offset says how late that date
                # came, after a date the text does not give.
                anchor = None
            if last is None and parts.offset > 0 and ctx.published and _speaks_ahead(ctx, mention.start):
                # "The team will fly home the next day", "will leave 2 years 21 days later",
                # with no time told before: the only time in play is the time of writing.
                # Lightly held (the words may count from a future event they leave unsaid).
                mention.parts = replace(parts, anchored="publication")
                _resolve_offset(ctx, mention, None)
                mention.confidence = 0.5
            else:
                _resolve_offset(ctx, mention, anchor)
        earlier, last = last, mention


def _year_less(mention: Mention) -> bool:
    parts = mention.parts
    return (
        mention.kind == "date" and isinstance(parts, DateParts) and parts.year is None and parts.month is not None
        and parts.relative is None and parts.juche_year is None
    )


def _same_year_for_day(ctx: ExtractionContext, day: Mention, same: Mention, anchor: Mention | None) -> None:
    """Resolves "that year" after a year-less date against ``anchor`` (the date before that
    one), and gives the year-less date that year, or leaves both unresolved."""
    _resolve_offset(ctx, same, anchor)
    parts = day.parts
    assert isinstance(parts, DateParts)
    timex = same.value.timex
    if timex[:4].isdigit():
        resolved = _mention(ctx, day.start, day.end, replace(parts, year=int(timex[:4])), day.confidence)
        day.value = resolved.value.model_copy(update={"relative": True, "resolved_from": same.value.resolved_from, "calendar_year": None})
        day.confidence = 0.6
        return
    unresolved = f"XXXX-{parts.month:02d}" + (f"-{parts.day:02d}" if parts.day else "")
    day.value = DateValue(timex=unresolved, relative=True, stated_weekday=parts.weekday if parts.day else None)
    day.confidence = 0.5


def _near(ctx: ExtractionContext, anchor: Mention, mention: Mention) -> bool:
    """Whether ``anchor`` lies in the sentence of ``mention`` or the one before."""
    sentence = ctx.index.sentence_at(mention.start)
    before = sentence.start
    while before > 0 and ctx.text[before - 1].isspace():
        before -= 1
    first = ctx.index.sentence_at(before - 1).start if before > 0 else sentence.start
    return anchor.start >= min(first, sentence.start)


def _resolve_offset(ctx: ExtractionContext, mention: Mention, anchor: Mention | None) -> None:
    parts = mention.parts
    assert isinstance(parts, DateParts)
    relation = "same" if parts.relative == "same" else "after" if parts.offset > 0 else "before"
    offset = None if parts.relative == "same" else f"P{''.join(f'{abs(n)}{u}' for n, u in parts.offset_lead)}{abs(parts.offset)}{parts.offset_unit}" if parts.offset_unit else None
    timex = None
    if parts.anchored == "publication" or (anchor is None and parts.weekday is not None and parts.offset < 0):
        if ctx.published:
            timex = _shifted(ctx.published.isoformat(), parts)
        note = f"published {ctx.published.isoformat()}" if ctx.published and timex else None
        link = Anchor(relation=relation, to="publication")
    elif anchor is not None:
        if anchor.kind == "date_range":
            base = anchor.value.end_timex if parts.offset > 0 else anchor.value.start_timex
        else:
            base = anchor.value.timex
        timex = _shifted(base, parts)
        if relation == "same" and anchor.kind == "date_range" and timex != _shifted(anchor.value.end_timex, parts):
            timex = None  # "from 1950 to 1953 ... that year": which year the words do not say
        note = f"mentioned {base}" if timex else None
        link = Anchor(relation=relation, claim_id=anchor.claim_id, text=ctx.text[anchor.start : anchor.end])
    else:
        note = None
        link = Anchor(relation=relation)
    timex = timex or _unresolved(parts)
    period = period_of(timex) or (None, None, None)
    mention.value = DateValue(
        timex=timex,
        resolved_from=note,
        relative=True,
        granularity=period[0],
        period_start=period[1],
        period_end=period[2],
        anchor=link,
        offset=offset,
    )
    mention.confidence = 0.7 if note and relation != "same" else 0.5


def _unresolved(parts: DateParts) -> str:
    if parts.weekday is not None:
        return f"XXXX-WXX-{parts.weekday + 1}"
    if parts.offset_unit == "W" and not parts.whole_period:
        return _UNRESOLVED["D"]
    return _UNRESOLVED[parts.offset_unit or "D"]


def _shifted(base: str, parts: DateParts) -> str | None:
    """The date ``parts`` names counted from the date ``base`` (a TIMEX3 value), at the
    precision the two allow; None when the base is too coarse ("in 1950 ... three days later")."""
    period = period_of(base)
    if period is None:
        return None
    granularity, first, last = period
    day = date.fromisoformat(first if parts.offset >= 0 else last)
    unit, amount = parts.offset_unit, parts.offset
    try:
        if parts.offset_lead:
            # "2 years 21 days later": the larger units first, then the last, from a day only.
            if granularity != "day":
                return None
            for n, lead_unit in parts.offset_lead:
                if lead_unit == "W":
                    day += timedelta(weeks=n)
                    continue
                index = day.year * 12 + day.month - 1 + n * (12 if lead_unit == "Y" else 1)
                year, month = divmod(index, 12)
                day = date(year, month + 1, min(day.day, _calendar.monthrange(year, month + 1)[1]))
            parts = replace(parts, offset_lead=())
            return _shifted(day.isoformat(), parts)
        if parts.weekday is not None:
            if granularity != "day":
                return None
            if amount > 0:
                return (day + timedelta(days=(parts.weekday - day.weekday()) % 7 or 7)).isoformat()
            return (day - timedelta(days=(day.weekday() - parts.weekday) % 7 or 7)).isoformat()
        if unit == "D" or (unit == "W" and not parts.whole_period):
            if granularity != "day":
                return None
            return (day + timedelta(days=amount * (7 if unit == "W" else 1))).isoformat()
        if unit == "W":
            if granularity not in ("day", "week"):
                return None
            iso = (date.fromisoformat(first) + timedelta(weeks=amount)).isocalendar()
            return f"{iso.year:04d}-W{iso.week:02d}"
        if unit == "M":
            if granularity not in ("day", "month"):
                return None
            index = day.year * 12 + day.month - 1 + amount
            return f"{index // 12:04d}-{index % 12 + 1:02d}"
        if granularity in ("decade", "century"):
            return None
        year = date.fromisoformat(first).year + amount
        return f"{year:04d}" if 1 <= year <= 9999 else None
    except (OverflowError, ValueError):
        return None


def _of_before(text: str, pos: int) -> bool:
    """A cheap test before searching back for "the 4th of ": the word before is "of"."""
    return text[max(0, pos - 3) : pos].lower() in ("of ", "of\n")


# The last word before a month or a year that can start a part of a period ("early", "the end
# of", "Q4", "the summer of", "mid-"); anything else needs no search back.
_PART_LAST_WORD = regex.compile(r"(?<![a-z0-9])(?:early|late|mid|end|in|of|q[1-4]|h[12]|spring|summer|autumn|fall|winter)$")


def _may_name_a_part(text: str, start: int) -> bool:
    tail = text[max(0, start - 12) : start]
    stripped = tail.rstrip(" \t\n-/")
    return len(stripped) < len(tail) and _PART_LAST_WORD.search(stripped.lower()) is not None


def _weekday_in_name(ctx: ExtractionContext, start: int, end: int) -> bool:
    """ "the Friday Mosque", "the Sunday Times": after "the", a weekday before a capitalised
    noun names a thing. ("Rodong Sinmun Wednesday says" dates what the paper says.)"""
    text = ctx.text
    if text[max(0, start - 4) : start].lower() != "the ":
        return False
    after = words_after(text, end, min(len(text), end + 30), 1)
    if after and text[end : after[0].start] == " " and after[0].text[0].isupper():
        word = after[0].lower
        if word not in ctx.lexicon.months and word != "juche" and not after[0].text.isupper():
            return True
    return False


_DAY_SUFFIXES = frozenset({"st", "nd", "rd", "th"})

# Cheap looks before the patterns tried at every figure of one or two digits (a day) or four (a
# year), which most figures fail: what must come next for them to match. ``str.isspace`` holds
# for every character ``\s`` matches, so the blanks skipped here are the pattern's at least; a
# window of blanks only gives "" (the pattern is then tried).
_DAY_RANGE_JOINTS = frozenset(["-", "–", "t", "T", "u", "U", ""])  # "4-6 May", "4 to 6 May", "4 through", "4 till", "4 until"
_YEAR_RANGE_JOINTS = frozenset(["-", "–", "—", "/", ""])  # "1950-53", "1950 – 1953", "2011/12"
_BLANKS_LOOKED_AT = 24


def _after_day_suffix(text: str, end: int) -> int:
    """Where a day's figure ending at ``end`` ends with its "st", "nd", "rd" or "th"."""
    return end + 2 if text[end : end + 2] in _DAY_SUFFIXES else end


def _first_after_blanks(text: str, pos: int) -> str:
    """The first character from ``pos`` on that is not a blank; "" when none is near."""
    return text[pos : pos + _BLANKS_LOOKED_AT].lstrip()[:1]


@cache
def _month_initials() -> frozenset[str]:
    """The letters a month name (as ``date_patterns`` reads one, case aside) or "of" begins with,
    in either case, and the two characters outside ASCII that match an ASCII letter when case
    is ignored (the long s and the Kelvin sign)."""
    initials = {name[0] for name in load_lexicon().months} | {"o"}
    initials |= {c.upper() for c in initials} | {c.lower() for c in initials}
    if "s" in initials:
        initials.add("ſ")
    if "k" in initials:
        initials.add("\u212a")
    return frozenset(initials)


def _month_may_follow_day(ctx: ExtractionContext, end: int) -> bool:
    """Whether blanks and then a month name (or "of") may follow the day ending at ``end``, as
    they must for ``day_month_year`` ("25 June 1950", "4th of July")."""
    text = ctx.text
    end = _after_day_suffix(text, end)
    if not text[end : end + 1].isspace():
        return False
    first = _first_after_blanks(text, end)
    return not first or first in _month_initials()
# "on the 21st", "by the 3rd,", "set for the 27th": a day of the month standing alone, after a preposition that
# dates, and followed by no noun ("the 21st century", "the 3rd floor", "the 15th of each month").
_DAY_ALONE = regex.compile(
    r"(?<=\b(?i:on|by|for|until|till|since|from|before|after)\s+(?:(?i:the)\s+)?)"
    r"(?P<d>[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)\b"
    r"(?=\s*(?:[.,;:)!?\"”]|$)|\s+(?i:and|or|but|when|while|at|in|as|with|after|before|until|to|through)\b)"
)


def _day_alone(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "Talks resumed on the 3rd": that day of the month of publication, or of the month before
    (or after) as the tense says; with no publication date, the day alone ("XXXX-XX-03")."""
    m = _DAY_ALONE.match(ctx.text, pos, min(len(ctx.text), pos + 40))
    if not m:
        return None
    return _day_of_nearby_month(ctx, m.start(), m.end(), int(m.group("d")))


# "talks resume on the 27.", "due by the 3", "set for the 27", "on the twenty-second", "on
# twenty second": a day written without a suffix, or as a compound ordinal word, standing alone.
# It must end its clause (nothing counted after it: "on the 27 charges"); "for the" takes one
# only after a verb of scheduling ("prayers were held for the 27" are people). A simple ordinal
# word alone ("on the second") is left: it is as often the second of something named before.
_BARE_DAY_BEFORE = regex.compile(
    r"(?:\b(?i:on|by|until|till|since|before|after)|(?P<plan>\b(?i:set|scheduled|slated|planned|due|fixed|postponed|moved|delayed|rescheduled|put\s+off))\s+(?:\w+\s+){0,2}?(?i:for|to|until|till))\s+(?i:the)\s+$"
)
_ORDINAL_ALONE_BEFORE = regex.compile(
    r"(?:\b(?i:on|by|until|till|since|before|after)(?:\s+(?i:the))?|(?:\b(?i:set|scheduled|slated|planned|due|fixed|postponed|moved|delayed|rescheduled))\s+(?:\w+\s+){0,2}?(?i:for|to|until|till)\s+(?i:the))\s+$"
)
_BARE_DAY = regex.compile(r"(?P<d>[12]\d|3[01]|0?[1-9])(?![\p{N}\p{L}]|[.,:/\-]\d|\s*%)")
_COMPOUND_ORDINAL_DAY = regex.compile(rf"(?i:twenty|thirty)(?:-|\s+)(?i:{alternation(_DAY_ORDINALS)})(?![\p{{L}}\-])|(?i:twentieth|thirtieth)(?![\p{{L}}\-])")
# What may follow a day alone: the end of a clause, or a word that starts another phrase.
_CLAUSE_END_AFTER = regex.compile(
    r"\s*(?:[,;:)!?\"”]|\.(?!\d)|$)|\s+(?i:and|or|but|when|while|at|in|as|with|after|before|until|to|through|of\s+(?:this|next|last|the\s+month))\b"
)


def _bare_day(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "Talks resume on the 27.": see ``_BARE_DAY_BEFORE``."""
    text = ctx.text
    if search_back(_BARE_DAY_BEFORE, text, max(0, pos - 40), pos) is None:
        return None
    m = _BARE_DAY.match(text, pos)
    if m is None or not _CLAUSE_END_AFTER.match(text, m.end()):
        return None
    return _day_of_nearby_month(ctx, pos, m.end(), int(m.group("d")))


def _compound_ordinal_day(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "on the twenty-second", "on twenty second": see ``_BARE_DAY_BEFORE``."""
    text = ctx.text
    m = _COMPOUND_ORDINAL_DAY.match(text, pos)
    if m is None or not _CLAUSE_END_AFTER.match(text, m.end()):
        return None
    if search_back(_ORDINAL_ALONE_BEFORE, text, max(0, pos - 40), pos) is None:
        return None
    day = ctx.lexicon.ordinal_value(m.group())
    if not day or day > 31:
        return None
    return _day_of_nearby_month(ctx, pos, m.end(), day)


def _day_of_nearby_month(ctx: ExtractionContext, start: int, end: int, day: int) -> Mention:
    pub = ctx.published
    pos = start
    if pub is None:
        return Mention("date", start, end, DateValue(timex=f"XXXX-XX-{day:02d}"), 0.6)
    tense = _tense(ctx, pos)
    back, ahead = _month_with_day(pub, day, -1), _month_with_day(pub, day, +1)
    if tense == "past" or (tense is None and (pub - back).days <= (ahead - pub).days):
        when = back
    else:
        when = ahead
    mention = _mention(ctx, start, end, DateParts(year=when.year, month=when.month, day=day), 0.6)
    return _from_publication(mention, pub)


def _month_with_day(pub: date, day: int, step: int) -> date:
    """The nearest date with day-of-month ``day`` on or before (``step`` -1) or on or after (+1)
    ``pub``: the 21st of this month, or of the month before or after."""
    year, month = pub.year, pub.month
    for _ in range(13):
        if day <= _calendar.monthrange(year, month)[1]:
            found = date(year, month, day)
            if (step < 0 and found <= pub) or (step > 0 and found >= pub):
                return found
        month += step
        if month == 0:
            year, month = year - 1, 12
        elif month == 13:
            year, month = year + 1, 1
    raise AssertionError("every day of the month 1-31 comes round within a year")


def find_date_ranges(ctx: ExtractionContext, dates: list[Mention]) -> list[Mention]:
    """Ranges written as one token ("1950-53", "June 25-27") and pairs of dates joined by a dash,
    "to" or "until" ("June 1950-July 1953", "from Wednesday to Sunday", "between 1950 and 1953")."""
    p = date_patterns()
    text = ctx.text
    out: list[Mention] = []
    for pos, length in zip(ctx.triggers.digits, ctx.triggers.digit_lengths):
        m = p.year_range.match(text, pos) if length == 4 and _first_after_blanks(text, pos + 4) in _YEAR_RANGE_JOINTS else None
        if m:
            y1 = int(m.group("y1"))
            raw2 = m.group("y2")
            y2 = (y1 // 100) * 100 + int(raw2) if len(raw2) == 2 else int(raw2)
            if y1 < y2 <= y1 + 100:
                out.append(_range(ctx, m.start(), m.end(), DateParts(year=y1), DateParts(year=y2), 0.9))
        m = p.day_range_day_first.match(text, pos) if length <= 2 and _first_after_blanks(text, _after_day_suffix(text, pos + length)) in _DAY_RANGE_JOINTS else None
        if m:
            out.extend(_day_range(ctx, m))
    for pos in ctx.triggers.words.get("month", ()):
        m = p.day_range_month_first.match(text, pos)
        if m:
            out.extend(_day_range(ctx, m))
        od = search_back(p.ordinal_day_before, text, max(0, pos - 80), pos) if _of_before(text, pos) else None
        if od and od.group("d2"):
            # "from the 4th to the 22nd of May"
            after = p.month_alone.match(text, pos)
            d1, d2 = ctx.lexicon.ordinal_value(od.group("d1")), ctx.lexicon.ordinal_value(od.group("d2"))
            if after and d1 and d2 and d1 < d2:
                year, month = _int(after.group("y")), _month(ctx, after.group("m"))
                a, b = DateParts(year, month, d1), DateParts(year, month, d2)
                if _valid_day(a) and _valid_day(b):
                    out.append(_range(ctx, od.start(), after.end(), a, b, 0.85))
    out.extend(_shared_month_ranges(ctx))
    out.extend(_ranges_of_days_alone(ctx))
    for i, mention in enumerate(out):
        out[i] = _with_year_in_words_after(ctx, mention)
    ordered = _outermost(dates)
    for a, b in zip(ordered, ordered[1:]):
        joint = p.range_joint.fullmatch(text, a.end, b.start)
        if not joint:
            continue
        word = joint.group().strip().lower()
        before = text[max(0, a.start - 9) : a.start].lower()
        opener = _RANGE_OPENER.search(before)
        if word == "and" and not (opener and opener.group(1) == "between"):
            continue
        if word in ("to", "through", "till", "until") and not opener and not _two_days_run_on(ctx, a, b):
            continue
        pa, pb = a.parts, b.parts
        if pa is None or pb is None or bool(pa.relative) != bool(pb.relative) or pa.anchored or pb.anchored:
            continue
        start = a.start - len(before) + opener.start() if opener else a.start
        week = _week_of_weekdays(ctx, start, b.end, pa, pb)
        if week is not None:
            out.append(week)
            continue
        mention = _range(ctx, start, b.end, pa, pb, 0.9)
        resolved = getattr(a.value, "resolved_from", None) or getattr(b.value, "resolved_from", None)
        if resolved and not mention.value.resolved_from:
            # "from Friday the 11th until Tuesday the 15th": its ends were placed by the publication.
            mention.value = mention.value.model_copy(update={"resolved_from": resolved})
        out.append(mention)
    return out


# "this week from Tue to Thur", "next week between Wednesday and Friday": the days of that week
# (Monday to Sunday, as an ISO week), not the weekdays nearest the publication.
_WEEK_BEFORE_RANGE = regex.compile(r"\b(?P<which>(?i:this|next|last))\s+(?i:week),?\s+$")
_WEEK_STEPS = {"this": 0, "next": 1, "last": -1}


def _week_of_weekdays(ctx: ExtractionContext, start: int, end: int, pa: DateParts, pb: DateParts) -> Mention | None:
    pub = ctx.published
    if pub is None or pa.weekday is None or pb.weekday is None or pa.month is not None or pb.month is not None:
        return None
    if pa.relative != "weekday" or pb.relative != "weekday":
        return None
    week = _WEEK_BEFORE_RANGE.search(ctx.text, max(0, start - 12), start)
    if week is None:
        return None
    monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=_WEEK_STEPS[week.group("which").lower()])
    first = monday + timedelta(days=pa.weekday)
    last = monday + timedelta(days=pb.weekday)
    if last <= first:
        return None
    a = DateParts(year=first.year, month=first.month, day=first.day)
    b = DateParts(year=last.year, month=last.month, day=last.day)
    mention = _range(ctx, week.start(), end, a, b, 0.8)
    mention.value = mention.value.model_copy(update={"resolved_from": _publication_note(pub)})
    return mention


# "between the 4th and the 9th", "from the 4th to the 9th.": days of a month not named, placed
# as a day alone is (``_day_alone``); not after a verb of change ("rose from the 4th to the 9th"
# are ranks), and ending the clause ("of May" after them is the month's, read elsewhere).
_DAYS_ALONE_RANGE = regex.compile(
    r"(?P<opener>(?i:from|between))\s+(?i:the)\s+(?P<d1>[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)\s+"
    r"(?P<joint>(?i:to|and|until|till|through))\s+(?:(?i:the)\s+)?(?P<d2>[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)\b"
)


def _ranges_of_days_alone(ctx: ExtractionContext) -> list[Mention]:
    text = ctx.text
    out: list[Mention] = []
    for pos, length in zip(ctx.triggers.digits, ctx.triggers.digit_lengths):
        if length > 2 or text[pos - 4 : pos] != "the " or text[max(0, pos - 9) : pos - 5].lower() not in ("from", "ween"):
            continue
        m = _DAYS_ALONE_RANGE.match(text, word_before(text, pos - 4)[0])
        if m is None or m.start("d1") != pos or not _CLAUSE_END_AFTER.match(text, m.end()):
            continue
        if (m.group("opener").lower() == "between") != (m.group("joint").lower() == "and"):
            continue
        d1, d2 = int(m.group("d1")), int(m.group("d2"))
        if d2 <= d1 or _changes_before(ctx, m.start()):
            continue
        first = _day_of_nearby_month(ctx, m.start(), m.end(), d1)
        if ctx.published is None:
            continue
        year, month = int(first.value.timex[:4]), int(first.value.timex[5:7])
        a, b = DateParts(year, month, d1), DateParts(year, month, d2)
        if not _valid_day(b):
            continue
        mention = _range(ctx, m.start(), m.end(), a, b, 0.6)
        mention.value = mention.value.model_copy(update={"resolved_from": _publication_note(ctx.published)})
        out.append(mention)
    return out


_YEAR_WORDS_AFTER = regex.compile(r",?\s+(?=(?i:two|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)\b)")


def _with_year_in_words_after(ctx: ExtractionContext, mention: Mention) -> Mention:
    """ "from 2 to 7 Feb, two thousand and eighteen", "Feb between 2-7 two thousand and
    eighteen": a range of days of a month placed by the publication takes the year written in
    words after it."""
    value = mention.value
    text = ctx.text
    if not value.resolved_from or len(value.start_timex) != 10 or value.start_timex[:4] != value.end_timex[:4]:
        return mention
    gap = _YEAR_WORDS_AFTER.match(text, mention.end)
    year = _YEAR_IN_WORDS.match(text, gap.end()) if gap else None
    if year is None or not _ends_phrase(ctx, year.end()):
        return mention
    if year.group("thousand"):
        number = 2000 + (_words_value(ctx, year.group("rest")) if year.group("rest") else 0)
    else:
        lo = year.group("lo").lower()
        number = _words_value(ctx, year.group("hi")) * 100 + (0 if lo == "hundred" else _words_value(ctx, lo))
    a = DateParts(number, int(value.start_timex[5:7]), int(value.start_timex[8:10]))
    b = DateParts(number, int(value.end_timex[5:7]), int(value.end_timex[8:10]))
    if not (_valid_day(a) and _valid_day(b)):
        return mention
    return _range(ctx, mention.start, year.end(), a, b, mention.confidence)


def _two_days_run_on(ctx: ExtractionContext, a: Mention, b: Mention) -> bool:
    """ "Oct. 2 to October 22": two days of a month, the second later, joined by "to" without
    "from", after no verb of change ("moved the vote Oct. 2 to Oct. 22" is no range)."""
    pa, pb = a.parts, b.parts
    if not (isinstance(pa, DateParts) and isinstance(pb, DateParts)) or pa.day is None or pb.day is None:
        return False
    if pa.month is None or pb.month is None or pa.relative or pb.relative or pa.weekday is not None:
        return False
    if pa.year is not None and pb.year is not None and pa.year != pb.year:
        return False
    if (pb.month, pb.day) <= (pa.month, pa.day):
        return False
    sentence = ctx.index.sentence_at(a.start)
    for word in words_before(ctx.text, a.start, max(sentence.start, a.start - 60), 6):
        if word.lower in ctx.lexicon.change_verbs or word.lower in _SPREAD_VERBS or word.lower.startswith(_RESCHEDULING):
            return False
    return True


_RESCHEDULING = ("postpon", "delay", "push", "mov", "reschedul", "brought", "bring", "advanc", "put", "chang", "shift")


def _day_range(ctx: ExtractionContext, m: regex.Match) -> list[Mention]:
    """ "June 25-27, 1950" or "25-27 June 1950"."""
    month = _month(ctx, m.group("m"))
    groups = m.groupdict()
    juche_year = _int(groups.get("jy"))
    year = _int(m.group("y")) or _int(groups.get("jg")) or (juche_year + JUCHE_EPOCH if juche_year else None)
    d1, d2 = _day(m.group("d1")), _day(m.group("d2"))
    if d2 <= d1:
        return []
    return [_range(ctx, m.start(), m.end(), DateParts(year, month, d1), DateParts(year, month, d2), 0.85)]


def _word_at(text: str, pos: int) -> str:
    m = _LETTERS.match(text, pos)
    return m.group() if m else ""


def _outermost(dates: list[Mention]) -> list[Mention]:
    """The dates not inside a longer one ("June 1950", not the "1950" in it), in text order."""
    ordered = sorted(dates, key=lambda d: (d.start, -d.end))
    out: list[Mention] = []
    for d in ordered:
        if out and d.start < out[-1].end:
            continue
        out.append(d)
    return out


# --- resolution --------------------------------------------------------------------------


def resolve(ctx: ExtractionContext, parts: DateParts) -> tuple[str, str | None]:
    """A TIMEX3 value for ``parts`` and, when it needed the publication date, a note saying so."""
    pub = ctx.published
    note = _publication_note(pub) if pub else None
    if parts.decade is not None:
        return str(parts.decade // 10), None
    if parts.century is not None:
        return f"{parts.century - 1:02d}", None
    if parts.year is not None and parts.month is None:
        if parts.quarter:
            return f"{parts.year:04d}-Q{parts.quarter}", None
        if parts.half:
            return f"{parts.year:04d}-H{parts.half}", None
        if parts.season:
            return f"{parts.year:04d}-{parts.season}", None
    if parts.relative in _MONTH_RELATIVES and parts.month is not None and parts.year is None and parts.day is None:
        if pub is None:
            return f"XXXX-{parts.month:02d}", None
        year = pub.year
        if parts.relative in ("last", "previous") and parts.month >= pub.month:
            year -= 1
        elif parts.relative in ("next", "coming") and parts.month <= pub.month:
            year += 1
        return f"{year:04d}-{parts.month:02d}", note
    if parts.relative and parts.relative != "weekday" and parts.weekday is None:
        assert pub is not None
        return _resolve_relative(pub, parts.relative), note
    if parts.weekday is not None and parts.month is None:
        if pub is None:
            return f"XXXX-WXX-{parts.weekday + 1}", None
        return _resolve_weekday(pub, parts.weekday, parts.relative or "", parts.forward).isoformat(), note
    if parts.year is None and parts.month is not None:
        if pub is None:
            return f"XXXX-{parts.month:02d}" + (f"-{parts.day:02d}" if parts.day else ""), None
        if parts.day is None and parts.tense == "past":
            return f"{pub.year if parts.month <= pub.month else pub.year - 1:04d}-{parts.month:02d}", note
        if parts.day is None and parts.tense == "future":
            return f"{pub.year if parts.month >= pub.month else pub.year + 1:04d}-{parts.month:02d}", note
        year = _nearest_year(pub, parts.month, parts.day or 1)
        return f"{year:04d}-{parts.month:02d}" + (f"-{parts.day:02d}" if parts.day else ""), note
    value = f"{parts.year:04d}"
    if parts.month:
        value += f"-{parts.month:02d}"
        if parts.day:
            value += f"-{parts.day:02d}"
    return value, None


def _from_publication(mention: Mention, pub: date) -> Mention:
    """Marks a date whose parts were all given as resolved against the publication date, as
    "in February this year", "on the 3rd" and "this summer" are."""
    mention.value = mention.value.model_copy(update={"relative": True, "resolved_from": _publication_note(pub)})
    return mention


@cache
def _publication_note(pub: date) -> str:
    return f"published {pub.isoformat()}"


def _resolve_relative(pub: date, relative: str) -> str:
    if relative in _DAY_OFFSETS:
        return (pub + timedelta(days=_DAY_OFFSETS[relative])).isoformat()
    which, unit = relative.split()
    step = {"this": 0, "current": 0, "last": -1, "previous": -1, "next": 1, "coming": 1, "upcoming": 1}[which]
    if unit == "year":
        return f"{pub.year + step:04d}"
    if unit == "month":
        month_index = pub.year * 12 + pub.month - 1 + step
        return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"
    iso = (pub + timedelta(weeks=step)).isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def _resolve_weekday(pub: date, weekday: int, pre: str, forward: bool) -> date:
    if forward:
        ahead = (weekday - pub.weekday()) % 7
        return pub + timedelta(days=ahead or 7)
    back = (pub.weekday() - weekday) % 7
    if pre in ("last", "previous") and back == 0:
        back = 7
    return pub - timedelta(days=back)


def _nearest_year(pub: date, month: int, day: int) -> int:
    """The year that puts a year-less day nearest the publication date; only years that have
    the day count ("Feb 29" in a 2017 article is 2016-02-29, not 2017-02-29)."""

    def distance(year: int) -> int:
        return abs((date(year, month, day) - pub).days)

    def has_day(year: int) -> bool:
        return day <= 28 or day <= _calendar.monthrange(year, month)[1]

    near = [y for y in (pub.year - 1, pub.year, pub.year + 1) if has_day(y)]
    near = near or [y for y in range(pub.year - 4, pub.year + 5) if has_day(y)]
    return min(near, key=distance)


_NO_PERIOD = (None, None, None)
# The fields of a date's value that ``_mention`` sets; the others keep their defaults.
_MENTION_FIELDS_SET = frozenset(
    "timex calendar calendar_year stated_gregorian_year stated_weekday resolved_from relative "
    "mod granularity period_start period_end".split()
)


def _mention(ctx: ExtractionContext, start: int, end: int, parts: DateParts, confidence: float) -> Mention:
    timex, note = resolve(ctx, parts)
    granularity, period_start, period_end = period_of(timex) or _NO_PERIOD
    # What ``assemble_with_defaults(DateValue, ...)`` makes of these fields, written out as one
    # dict in the model's field order (a date is made for most figures; the generic helper's
    # checks and copies cost as much as the rest of the making).
    value = assemble(
        DateValue,
        {
            "type": "date",
            "timex": timex,
            "calendar": "juche" if parts.juche_year else "gregorian",
            "calendar_year": parts.juche_year or parts.year,
            "stated_gregorian_year": parts.stated_gregorian_year,
            "stated_weekday": parts.weekday if parts.month is not None else None,
            "resolved_from": note,
            "relative": note is not None,
            "granularity": granularity,
            "period_start": period_start,
            "period_end": period_end,
            "mod": parts.mod,
            "anchor": None,
            "offset": None,
        },
    )
    object.__setattr__(value, "__pydantic_fields_set__", set(_MENTION_FIELDS_SET))
    if note and parts.year is None and parts.month is not None:
        confidence = min(confidence, 0.75)
    mention = Mention("date", start, end, value, confidence)
    mention.parts = parts
    return mention


def _range(
    ctx: ExtractionContext, start: int, end: int, a: DateParts, b: DateParts, confidence: float
) -> Mention:
    # "June 25-July 27, 1953": the start takes the end's year (the year before if it would
    # otherwise come after the end).
    if a.year is None and b.year is not None and a.month is not None and a.relative is None:
        year = b.year if (a.month, a.day or 1) <= (b.month or 12, b.day or 31) else b.year - 1
        a = DateParts(year, a.month, a.day, a.weekday)
    start_timex, note_a = resolve(ctx, a)
    if (
        a.year is None and b.year is None and a.month is not None and b.month is not None
        and a.relative is None and b.relative is None and ctx.published
    ):
        # "from April 1 to March 31": a year-less range runs forward from its start, over the
        # year's end when its end month and day come before its start's.
        first_year = int(start_timex[:4])
        wraps = (b.month, b.day or 1) < (a.month, a.day or 1)
        b = DateParts(first_year + 1 if wraps else first_year, b.month, b.day, b.weekday)
    if a.weekday is not None and b.weekday is not None and b.month is None and ctx.published:
        first = date.fromisoformat(start_timex)
        end_timex = (first + timedelta(days=(b.weekday - first.weekday()) % 7)).isoformat()
        note_b = note_a
    else:
        end_timex, note_b = resolve(ctx, b)
    mention = Mention(
        "date_range",
        start,
        end,
        DateRangeValue(start_timex=start_timex, end_timex=end_timex, resolved_from=note_a or note_b),
        confidence,
    )
    mention.subject = _range_subject(ctx, start, end)
    return mention


def _range_subject(ctx: ExtractionContext, start: int, end: int) -> str | None:
    """The event a range dates: "Fatherland Liberation War (June 1950-July 1953)" or
    "the 1950-53 Korean War"."""
    text = ctx.text
    lex = ctx.lexicon
    opening = text.rfind("(", max(0, start - 6), start + 1)
    if opening != -1 and not text[opening + 1 : start].strip(" from between"):
        return event_before(ctx, opening)
    following = words_after(text, end, min(len(text), end + 80), 4)
    name: list[str] = []
    for word in following:
        if word.lower in lex.phrase_stops or word.text[0].isdigit():
            break
        name.append(word.text.rstrip("."))
        if not word.text[0].isupper():
            break
    return " ".join(name) or None


_NAME_JOINS = frozenset({"of", "the", "and", "to", "for", "against", "in"})
_PHRASE_KEEP = frozenset({"of", "the", "and", "to", "for", "against", "a", "an", "into", "from"})


def event_before(ctx: ExtractionContext, pos: int) -> str | None:
    """The noun phrase right before ``pos`` (usually an opening parenthesis): a name such as
    "Fatherland Liberation War", "the outbreak of the Korean War", or "the founding of the DPRK"."""
    text = ctx.text
    sentence = ctx.index.sentence_at(pos)
    words = words_before(text, pos, sentence.start, 12)
    if not words or text[words[-1].end : pos].strip():
        return None
    # Only the words back to the last punctuation: "Sinsa Im Dang (1504-1551), a realist Jong
    # Yak Yong (1762-1836)" dates Jong Yak Yong alone.
    run = [words[-1]]
    for earlier, later in zip(reversed(words[:-1]), reversed(words)):
        if text[earlier.end : later.start].strip():
            break
        run.append(earlier)
    run.reverse()
    name = _trailing_name(run, ctx.lexicon.phrase_stops)
    if name is not None:
        return name
    picked: list[str] = []
    for word in reversed(run):
        if word.lower in ctx.lexicon.phrase_stops and word.lower not in _PHRASE_KEEP:
            break
        picked.append(word.text)
    while picked and picked[-1].lower() in _PHRASE_KEEP:
        picked.pop()
    while picked and picked[0].lower() in _PHRASE_KEEP:
        picked.pop(0)
    return " ".join(reversed(picked)) or None


def _trailing_name(words: list[Word], stops: frozenset[str]) -> str | None:
    """A capitalised name ending the run ("the Korean War"), with the noun it is the
    complement of ("outbreak of the Korean War"); None when the run does not end in a name."""
    i = len(words)
    while i > 0:
        word = words[i - 1]
        if word.lower in _NAME_JOINS or (word.text[0].isupper() and word.lower not in stops):
            i -= 1
        else:
            break
    # Joining words at the front belong to the name only inside it.
    while i < len(words) and words[i].lower in _NAME_JOINS:
        i += 1
    if i == len(words) or not words[-1].text[0].isupper():
        return None
    if i >= 2 and words[i - 1].lower == "the" and words[i - 2].lower == "of" and i >= 3:
        i -= 3  # "the outbreak of the Korean War"
    elif i >= 2 and words[i - 1].lower == "of":
        i -= 2
    else:
        return " ".join(w.text for w in words[i:])
    if words[i].lower in ("the", "a", "an") or not words[i].text[0].isalpha():
        i += 1
    return " ".join(w.text for w in words[i:])


_DATE_PREPOSITIONS = frozenset(
    "on from since until till by to before after of in at between and through during".split()
)
_DETERMINERS = frozenset("the a an this that its their his her our".split())


def _names_something(ctx: ExtractionContext, start: int, end: int) -> bool:
    """Whether a year-less "Month day" is part of a name, not a date: "the February 8 Vinalon
    Complex", "the June 15 joint declaration", "producing August 3 consumer goods". Such dates
    say which day a thing is named after, often decades back, so resolving them would mislead.
    "on January 27 sent", "The Feb. 9 issue of the paper" and a sentence opening with the date
    stay dates."""
    text = ctx.text
    lex = ctx.lexicon
    if text[end : end + 1] != " ":
        return False  # the word after must follow one blank (below), so this must be one
    after = words_after(text, end, min(len(text), end + 30), 1)
    if not after or text[end : after[0].start] != " ":
        return False
    word = after[0]
    lower = word.lower
    if word.text[0].isdigit() or lower in lex.phrase_stops or lower in lex.weekdays:
        return False
    if lower in ("juche", "morning", "afternoon", "evening", "night") or lower in lex.dated_nouns:
        return False
    before = words_before(text, start, max(0, start - 16), 1)
    if not before or text[before[-1].end : start].strip():
        return False  # opens a sentence or follows punctuation
    if before[-1].text.endswith(".") and _ends_sentence(text, before[-1].end - 1):
        return False  # "The report was issued. June 15 talks resumed": opens a sentence
    previous = before[-1].lower
    if previous in _DATE_PREPOSITIONS:
        return False
    if previous in _DETERMINERS:
        return True
    # "producing August 3 consumer goods": a noun, not a verb, follows.
    verb_like = lower.endswith(("ing", "ed", "ly")) or lower in lex.irregular_past_verbs
    return word.text[0].islower() and not verb_like


# "the end of", "the middle of", "the month of": a time, not a name ("the Ides of").
_EDGE_OF = regex.compile(r"(?i:end|beginning|start|middle|close|month)\s+of\s+$")


# Full month names that are no other word, so that one opening a sentence is the month.
_UNAMBIGUOUS_MONTHS = _FULL_MONTH_NAMES - {"may", "march", "august"}


def _opens_sentence(ctx: ExtractionContext, pos: int, name: str) -> bool:
    """ "September was the wettest month on record": an unambiguous month name opening its
    sentence needs no preposition to be a time."""
    if name.lower() not in _UNAMBIGUOUS_MONTHS:
        return False
    sentence = ctx.index.sentence_at(pos)
    return not ctx.text[sentence.start : pos].strip(" \t\n\"“‘'(")


# Words before a month name that make it a name or a modifier, not a time: "called
# February a season", "every September".
_BARE_MONTH_HEADS = frozenset("call calls called name names named dub dubbed titled entitled every each".split()) | _DETERMINERS
_CLAUSE_END = frozenset(".,;:!?)")


def _bare_month(ctx: ExtractionContext, pos: int, m: regex.Match, prev: str) -> bool:
    """ "The album will be out September.", "an increase of 200,000 over April.": a full,
    capitalised month name after a lower-case word, with no preposition, ending its clause, in
    a clause whose tense says which one; "May", "March" and "August" are other words too."""
    name = m.group("m")
    if not prev or prev in _BARE_MONTH_HEADS or not name[0].isupper() or name.lower() not in _UNAMBIGUOUS_MONTHS:
        return False
    after = ctx.text[m.end() : m.end() + 3]
    if after and (after[0] not in _CLAUSE_END or after[1:2].isspace() and after[2:3].isdigit()):
        return False  # "October. 2": a stray stop before the day
    return _tense(ctx, pos) is not None


_SHORT_YEAR_NEAR = regex.compile(r"\s['’]?\d\d\b")


def _month_short_year(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "August '99", "in June ’05", "August 99": a month and its year's last two digits, of the
    century that puts it nearest the publication; without the apostrophe only a figure that
    cannot be a day (32 to 99), ending its phrase ("August 99 tonnes" counts)."""
    p = date_patterns()
    m = p.month_short_year.match(ctx.text, pos)
    if m is None or (m.group("bare") and (len(m.group("m")) < 5 or not _ends_phrase(ctx, m.end()))):
        return None  # "Kim In Jun 54": a name; "August 99 tonnes": a count
    parts = DateParts(year=_two_digit_year(ctx, int(m.group("yy") or m.group("bare"))), month=_month(ctx, m.group("m")))
    start, parts = _period_part(ctx, pos, parts)
    return _mention(ctx, start, m.end(), parts, 0.8)


def _in_a_name(text: str, pos: int) -> bool:
    """Whether the capitalised word at ``pos`` follows another capitalised word with only a
    space between ("Kim In Jun"), as a word inside a name does."""
    begin, end = word_before(text, pos)
    return end == pos - 1 and text[end : pos] == " " and text[begin : begin + 1].isupper()


def _month_alone(ctx: ExtractionContext, pos: int) -> Mention | None:
    """A month named without a day or year: "in September", "last March", "mid-July",
    "between June and August 1950", "Jan-Feb 2017". It needs a word that makes it a time (a
    preposition, "this", "last", "early") or a second month it runs to."""
    p = date_patterns()
    text = ctx.text
    m = p.month_alone.match(text, pos)
    if m is None or m.group("y"):
        return None
    tail = text[max(0, pos - 12) : pos]
    prev_text = tail.rstrip(" -").rsplit(None, 1)[-1] if tail.strip(" -") else ""
    prev = prev_text.lower() if prev_text.isalpha() else ""
    if prev and prev_text[0].isupper() and m.group("m").lower() not in _FULL_MONTH_NAMES and _in_a_name(text, pos - len(tail) + tail.rindex(prev_text)):
        prev = ""  # "Kim In Jun": a short month name after a cue word capitalised inside a name
    if prev not in _MONTH_CUES and not _opens_sentence(ctx, pos, m.group("m")) and not (
        ctx.published and p.month_relative_year.match(text, m.end())
    ) and not _bare_month(ctx, pos, m, prev):
        joint = p.range_joint.match(text, m.end())
        if not (joint and joint.group().strip() and (p.month_alone.match(text, joint.end()) or p.month_year.match(text, joint.end()))):
            return None  # "Jan-Feb 2017" runs on to a second month; a month alone needs a cue
        runs_on = True
    else:
        runs_on = False
    if p.years_ago.match(text, m.end()):
        return None  # "in July ten years ago": which July is arithmetic for later
    following = words_after(text, m.end(), min(len(text), m.end() + 30), 1)
    if following and text[m.end() : following[0].start] == " " and following[0].text[0].isupper() and following[0].lower != "juche":
        return None  # "May Day", "the October Revolution": a name
    month = _month(ctx, m.group("m"))
    if m.group("m").lower() in _AMBIGUOUS_MONTHS and prev == "of" and not runs_on and not _EDGE_OF.search(tail):
        return None  # "the Ides of March" (but "the end of March" is a time)
    start = pos
    relative = None
    end = m.end()
    if text[end - 1] == "." and m.group("m")[:-1].lower() in _FULL_MONTH_NAMES:
        end -= 1  # "in mid-July." ends the sentence; "Sept." keeps its abbreviation's stop
    if prev in ("this", "last", "next", "previous", "coming"):
        relative, start = prev, text.rindex(prev_text, 0, pos)
    year_after = p.month_relative_year.match(text, end)
    if year_after and relative is None and ctx.published:
        # "in February this year", "as of August last year"
        which = year_after.group("which").lower().split()[-1]
        step = {"this": 0, "last": -1, "previous": -1, "next": 1, "following": 1}[which]
        parts = DateParts(year=ctx.published.year + step, month=month)
        start, parts = _period_part(ctx, start, parts)
        mention = _mention(ctx, start, year_after.end(), parts, 0.8)
        return _from_publication(mention, ctx.published)
    parts = DateParts(month=month, relative=relative, tense=None if relative else _tense(ctx, pos))
    start, parts = _period_part(ctx, start, parts)
    return _mention(ctx, start, end, parts, 0.75)


def _period_part(ctx: ExtractionContext, start: int, parts: DateParts) -> tuple[int, DateParts]:
    """Widens a month or year to the part of it the words before name: "early 1951", "mid-July",
    "the end of 1953", "the first half of 1951", "Q4 2016", "the summer of 1950"."""
    if parts.day is not None:
        return start, parts
    if not _may_name_a_part(ctx.text, start):
        return start, parts
    m = search_back(date_patterns().period_before, ctx.text, max(0, start - 40), start)
    if m is None:
        return start, parts
    if m.group("mod"):
        # "end-March", as business news writes the end of March.
        return m.start(), replace(parts, mod={"early": "START", "late": "END", "mid": "MID", "end": "END"}[m.group("mod").lower()])
    if m.group("edge"):
        return m.start(), replace(parts, mod=_EDGE_MOD[m.group("edge").lower()])
    if parts.month is not None or parts.year is None:
        return start, parts
    if m.group("half"):
        return m.start(), replace(parts, half=_ORDINAL_NUMBER[m.group("half").lower()])
    if m.group("q"):
        return m.start(), replace(parts, quarter=_ORDINAL_NUMBER[m.group("q").lower()])
    if m.group("code"):
        code = m.group("code")
        return m.start(), replace(parts, quarter=int(code[1])) if code[0] == "Q" else replace(parts, half=int(code[1]))
    if m.group("season"):
        return m.start(), replace(parts, season=_SEASON_CODES[m.group("season").lower()])
    return start, parts


def _year_mention(ctx: ExtractionContext, m: regex.Match) -> Mention | None:
    text = ctx.text
    year = int(m.group("y"))
    if m.group("decade"):
        if year % 10:
            return None
        start, parts = _period_part(ctx, m.start(), DateParts(decade=year))
        return _mention(ctx, start, m.end(), parts, 0.85)
    before = words_before(text, m.start(), max(0, m.start() - 40), 2)
    prev = before[-1].lower if before and not text[before[-1].end : m.start()].strip("( ") else ""
    if prev in ("of", "due", "maturing"):
        before = words_before(text, m.start(), max(0, m.start() - 60), 5)
    if prev in ctx.lexicon.label_words:
        return None
    if prev and _CODE.fullmatch(before[-1].text) and prev not in _YEAR_PREFIXES and prev not in ctx.lexicon.months:
        ctx.blocked.append((m.start(), m.end()))  # "order ABC 2000", "Model XR 1950": a code
        return None
    after = words_after(text, m.end(), min(len(text), m.end() + 40), 1)
    if _names_an_instrument(ctx, prev, before, after):
        ctx.blocked.append((m.start(), m.end()))  # neither a date nor a count
        return None
    start, parts = _period_part(ctx, m.start(), DateParts(year=year))
    # "1500 troops" counts troops; "1950 Korean War" and "in 1950." are years.
    if start == m.start() and after and after[0].text[0].islower() and after[0].lower not in ctx.lexicon.phrase_stops:
        if after[0].lower not in ("war", "election", "elections", "census", "olympics", "games"):
            return None
    parenthesised = text[m.start() - 1 : m.start()] == "(" and text[m.end() : m.end() + 1] == ")"
    confidence = 0.85 if prev in _YEAR_CUES or parenthesised else 0.6
    if start != m.start():
        confidence = 0.85
    return _mention(ctx, start, m.end(), parts, confidence)


# A product, order or account code before a number ("ABC 2000", "XR 1950"), not an era or a
# period ("AD 2000", "FY 1998", "Q4 2016").
_CODE = regex.compile(r"\p{Lu}[\p{Lu}\d]{1,5}")
_YEAR_PREFIXES = frozenset("ad bc bce ce fy q1 q2 q3 q4 h1 h2".split())


def _names_an_instrument(ctx: ExtractionContext, prev: str, before: list[Word], after: list[Word]) -> bool:
    """ "the debentures of 1998", "8 pct notes due 1998", "the 1998 bonds": the year is part of
    a bond's or loan's name (its issue or maturity), not the date of something that happened."""
    instruments = ctx.lexicon.instrument_nouns
    if after and after[0].lower in instruments:
        return True
    if prev in ("of", "due", "maturing") and len(before) >= 2:
        return any(w.lower in instruments for w in before[-4:-1])
    return False


def _with_juche_year(parts: DateParts) -> DateParts:
    year = parts.stated_gregorian_year or (parts.juche_year + JUCHE_EPOCH if parts.juche_year else None)
    return DateParts(
        year=year,
        month=parts.month,
        day=parts.day,
        weekday=parts.weekday,
        juche_year=parts.juche_year,
        stated_gregorian_year=parts.stated_gregorian_year,
    )


# "a satellite to be launched in April", "talks due in May": ahead of the sentence's time.
# "is due on", not "with due ceremony on" (KCNA's formula for an event that has taken place).
_PROSPECTIVE = regex.compile(r"(?i:\bto\s+be\s+\w+|(?<!\bwith\s+)\bdue|\bscheduled|\bset|\bslated|\bplanned)\s+(?:\w+\s+){0,2}(?:in|for|by|on)\s+(?:the\s+)?$")
_PAST_AUXILIARIES = frozenset("was were had has have did".split())
_PROSPECTIVE_ENDINGS = ("in", "for", "by", "on")


def _prospective_before(text: str, pos: int) -> bool:
    """``_PROSPECTIVE`` searched before ``pos``, tried only when the words before ``pos`` end
    with one of its prepositions (and "the") and hold one of its verbs ("due", "set", "to be"),
    as every match of it does; most weekdays ("on Monday") come after no such verb."""
    window = text[max(0, pos - 40) : pos]
    if not window[-1:].isspace():
        return False
    last = window.rstrip()
    if not (last.endswith(_PROSPECTIVE_ENDINGS) or (last.endswith("the") and last[:-3].rstrip().endswith(_PROSPECTIVE_ENDINGS))):
        return False
    if window.isascii():
        lowered = window.lower()
        if not ("due" in lowered or "set" in lowered or "scheduled" in lowered or "slated" in lowered
                or "planned" in lowered or ("to" in lowered and "be" in lowered)):
            return False
    return _PROSPECTIVE.search(text, max(0, pos - 40), pos) is not None


@cache
def _future_cue_ends() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The first words and the last words of the future cues (one word is both)."""
    cues = [cue.lower().split() for cue in load_lexicon().future_cues] + [["'ll"], ["’ll"]]
    return tuple({cue[0] for cue in cues}), tuple({cue[-1] for cue in cues})


def _may_hold_future_cue(text: str, begin: int, end: int) -> bool:
    """False only where no future cue can match in ``text[begin:end]``: an ASCII window (where
    lower-casing is what the pattern's case-insensitivity does) without the first word or the
    last word of every cue. Nine windows in ten have neither; no part of such a window holds one."""
    window = text[begin:end]
    if not window.isascii():
        return True
    lowered = window.lower()
    firsts, lasts = _future_cue_ends()
    return any(word in lowered for word in firsts) and any(word in lowered for word in lasts)


def _future_cue(text: str, begin: int, end: int) -> regex.Match | None:
    """``date_patterns().future.search(text, begin, end)``, searched only when
    ``_may_hold_future_cue`` says the window may hold a cue."""
    if not _may_hold_future_cue(text, begin, end):
        return None
    return date_patterns().future.search(text, begin, end)


def _speaks_ahead(ctx: ExtractionContext, pos: int) -> bool:
    """Whether ``_tense`` at ``pos`` is "future", without reading the clause for a past."""
    return _future_clause(ctx, pos) or _prospective_before(ctx.text, pos)


def _tense(ctx: ExtractionContext, pos: int) -> str | None:
    """The tense of the clause before ``pos``, when its words say it: "will", "is due" give the
    future; "was", "has", a verb in "-ed" or an irregular past the past."""
    if _speaks_ahead(ctx, pos):
        return "future"
    sentence = ctx.index.sentence_at(pos)
    for word in words_before(ctx.text, pos, sentence.start, 20):
        lower = word.lower
        if lower in _PAST_AUXILIARIES or lower in ctx.lexicon.irregular_past_verbs:
            return "past"
        if len(lower) > 4 and lower.endswith("ed") and word.text[0].islower():
            return "past"
    return None


def _future_clause(ctx: ExtractionContext, pos: int) -> bool:
    """Whether the clause around ``pos`` speaks of the future ("will visit ... on Monday")."""
    # The cue must come before the weekday ("will visit ... on Friday"): one after it usually
    # belongs to a reported clause ("on Wednesday found that the war will never end"). A
    # fronted weekday ("On Friday, the president will ...") looks into the clause it fronts.
    sentence = ctx.index.sentence_at(pos)
    # Both clauses looked in lie inside the sentence (or run from it to ``pos``): a sentence
    # without a cue spares finding them.
    if not _may_hold_future_cue(ctx.text, sentence.start, max(pos + 1, sentence.end)):
        return False
    left, right = ctx.index.clause_bounds(pos, pos + 1)
    if _future_cue(ctx.text, left, pos):
        return True
    if not ctx.text[sentence.start : left].strip(" \"“(") and ctx.text[right : right + 1] == ",":
        cue = _future_cue(ctx.text, right, min(sentence.end, right + 60))
        # "On Friday, the president said he will resign": a future reported in a past clause
        # leaves the fronted day in the past.
        return cue is not None and not _REPORTED_PAST.search(ctx.text, right, cue.start())
    return False


# A verb of the past before a future cue in the clause a fronted day opens: the cue is reported.
_REPORTED_PAST = regex.compile(r"\b(?:said|told|announced|stated|declared|warned|added|was|were|had|did|[a-z]{3,}ed)\b")


def _valid_day(parts: DateParts) -> bool:
    if parts.day is None or parts.month is None:
        return True
    if parts.day <= 28 and 1 <= parts.month <= 12:
        return True  # every month has the day
    year = parts.year if parts.year else 2000  # a leap year, so "Feb. 29" stands without a year
    return parts.day <= _calendar.monthrange(year, parts.month)[1]


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _day(text: str) -> int:
    return int(text.rstrip("stndrh"))


def _month(ctx: ExtractionContext, text: str) -> int:
    return ctx.lexicon.months[text.rstrip(".").lower()]


def _weekday(ctx: ExtractionContext, text: str | None) -> int | None:
    if not text:
        return None
    word = text.rstrip(".").lower()
    return ctx.lexicon.weekdays.get(word, ctx.lexicon.weekday_abbreviations.get(word))


# --- decades, quarters, halves, weekends and periods around the publication -----------------

# "the 70s", "the '40s", "the 70's": a decade written with two digits, after "the" (and maybe
# "early", "mid-", "late"): "in their 70s" is an age.
_DIGIT_FORM_SEPARATORS = frozenset({"/", ".", "-"})
_DECADE_ENDINGS = frozenset({"s", "'", "’"})
_TWO_DIGIT_DECADE = regex.compile(r"(?P<d>[1-9]0|00)['’]?s\b")
_DECADE_BEFORE = regex.compile(
    r"\b(?i:the)\s+(?:(?P<mod>(?i:early|mid|late))(?:-|\s+))?['’]?$"
)
# "the nineteen seventies", "the twenty-tens", "the two thousand and tens", "the two thousands":
# the century before a decade word.
_DECADE_WORD_BEFORE = regex.compile(
    r"\b(?i:the)\s+(?:(?P<mod>(?i:early|mid|late))(?:-|\s+))?"
    r"(?:(?P<c>(?i:seventeen|eighteen|nineteen|twenty|two\s+thousand(?:\s+and)?|two))(?:-|\s+))?$"
)
_CENTURY_WORDS = {"seventeen": 1700, "eighteen": 1800, "nineteen": 1900, "twenty": 2000}
_MOD_WORDS = {"early": "START", "mid": "MID", "late": "END"}


_CENTURY_AFTER = regex.compile(
    r"\s+(?i:of)\s+(?i:the)\s+(?:(?P<rel>(?i:last|past|previous|present|current|this))|(?P<n>\d{1,2}(?i:st|nd|rd|th)|(?i:[a-z]+)))\s+(?i:century)\b"
)


def _century_start(ctx: ExtractionContext, m: regex.Match) -> int | None:
    """The first year of the century named after a decade ("of the 19th century": 1800)."""
    if m.group("rel"):
        if ctx.published is None:
            return None
        this = ctx.published.year // 100 * 100
        return this - 100 if m.group("rel").lower() in ("last", "past", "previous") else this
    number = ctx.lexicon.ordinal_value(m.group("n"))
    return (number - 1) * 100 if number and 1 <= number <= 22 else None


def _decade_century(ctx: ExtractionContext, decade: int) -> int:
    """The year a decade written without its century starts: the latest such decade begun by
    the publication ("the 70s" is the 1970s, "the 10s" in 2016 the 2010s), or the 1900s."""
    latest = ctx.published.year if ctx.published else 1999
    return 2000 + decade if 2000 + decade <= latest else 1900 + decade


def _decades(ctx: ExtractionContext, two_digit_runs: list[int]) -> list[Mention]:
    """ "the 70s", "the seventies", "the nineteen fifties", "the noughties"; ``two_digit_runs``
    are the runs of two digits with an "s" or an apostrophe after."""
    text = ctx.text
    out: list[Mention] = []
    for pos in two_digit_runs:
        m = _TWO_DIGIT_DECADE.match(text, pos)
        before = _DECADE_BEFORE.search(text, max(0, pos - 20), pos) if m else None
        if before is None:
            continue
        mod = _MOD_WORDS.get((before.group("mod") or "").lower())
        start = before.start("mod") if mod else pos - (text[pos - 1] in "'’")
        century = _CENTURY_AFTER.match(text, m.end(), m.end() + 40)
        if century:
            # "the 70s of the 19th century", "the 90s of the last century"
            first = _century_start(ctx, century)
            if first is None:
                continue
            year, end = first + int(m.group("d")), century.end()
        else:
            year, end = _decade_century(ctx, int(m.group("d"))), m.end()
        out.append(_mention(ctx, start, end, DateParts(decade=year, mod=mod), 0.75))
    lex = ctx.lexicon
    candidates = [(pos, lex.decade_words[_word_at(text, pos).lower()]) for pos in ctx.triggers.words.get("decade", ())]
    for pos in ctx.triggers.words.get("vague", ()):
        word = _word_at(text, pos).lower()
        if word in ("tens", "thousands"):
            candidates.append((pos, 10 if word == "tens" else 0))
    for pos, decade in candidates:
        word = _word_at(text, pos)
        before = _DECADE_WORD_BEFORE.search(text, max(0, pos - 40), pos)
        if before is None:
            continue
        century = before.group("c")
        if century:
            first = 2000 if century.lower().startswith("two") else _CENTURY_WORDS[century.lower()]
            if (word.lower() == "thousands") != (century.lower() == "two"):
                continue  # "the two thousands"; "two" before nothing else
            if word.lower() in ("noughties", "aughts") and first != 2000:
                continue
            year = first + decade
        elif word.lower() in ("tens", "thousands"):
            continue  # "the tens of thousands"
        else:
            year = 2000 if decade == 0 else _decade_century(ctx, decade)
        mod = _MOD_WORDS.get((before.group("mod") or "").lower())
        start = before.start("mod") if mod else (before.start("c") if century else pos)
        out.append(_mention(ctx, start, pos + len(word), DateParts(decade=year, mod=mod), 0.75))
    return out


_QUARTER_BEFORE = regex.compile(
    r"(?:(?P<the>(?i:the|this|its|their|a))\s+)?(?P<n>(?i:first|second|third|fourth|final|1st|2nd|3rd|4th))(?:\s*-\s*|\s+)$"
)
_PART_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
# " of the year", " this year", " of last year", " of next year": the year of a quarter or half.
_YEAR_OF_PART = regex.compile(
    r"\s+(?:(?i:of)\s+)?(?P<which>(?i:the|this|last|next|the\s+previous|the\s+following|the\s+current))\s+(?i:year)\b"
)
_YEAR_STEPS = {"the": 0, "this": 0, "current": 0, "last": -1, "previous": -1, "next": 1, "following": 1}
_FOLLOWING_YEAR = regex.compile(r"\s+(?:(?i:of)\s+)?(?:(?i:fiscal|financial)\s+)?(?:1[0-9]{3}|20[0-9]{2})\b")
# "Q1", "H2": words before one standing alone that make it a time ("in Q1", "its Q3 results").
# What a quarter or half written "Q3", "H1" after "the" or "its" may qualify.
_CODE_NOUNS = frozenset(
    "results earnings figures sales profit profits growth revenue revenues output report data numbers "
    "loss losses deliveries exports imports gdp forecast outlook and of".split()
)
_CODE_CUES = frozenset(
    "in during for of since by until till through from to this last next the its their and between over than "
    "before after first end ended".split()
)


def _parts_of_years(ctx: ExtractionContext, codes: list[int]) -> list[Mention]:
    """ "the third quarter", "the second half of the year", "Q1", "H1": a quarter or half of the
    year the words after it name, or of the year of publication (the one before when the
    clause is past and the part had not begun by then, the one after when it is future and
    the part was over); "the first quarter of 2020" and "Q3 2016" are read with their year."""
    text = ctx.text
    out: list[Mention] = []
    for pos in ctx.triggers.words.get("period", ()):
        word = _word_at(text, pos).lower()
        if word not in ("quarter", "half"):
            continue
        end = pos + len(word)
        before = _QUARTER_BEFORE.search(text, max(0, pos - 24), pos)
        if before is None or _FOLLOWING_YEAR.match(text, end, end + 30):
            continue
        n = _PART_ORDINALS[before.group("n").lower()]
        if word == "half" and n > 2:
            continue
        year_of = _YEAR_OF_PART.match(text, end, end + 30)
        if word == "half" and year_of is None:
            continue  # "the first half" of a match, a film, a speech
        if year_of is None and (text[end : end + 3].lower() == " of" or text[end : end + 1] in ("-", "'", "’")):
            continue  # "the third quarter of the century", "a third-quarter loss" reads on
        if before.group("the") and before.group("the").lower() == "a":
            continue  # "a third quarter" counts
        mention = _part_of_year(ctx, before.start(), year_of.end() if year_of else end, word, n, year_of)
        if mention:
            out.append(mention)
    for pos in codes:  # one digit after "Q" or "H"
        letter, n = text[pos - 1], int(text[pos])
        if (letter == "Q" and not 1 <= n <= 4) or (letter == "H" and not 1 <= n <= 2):
            continue
        start, end = pos - 1, pos + 1
        if (start and (text[start - 1].isalnum() or text[start - 1] in "-/")) or text[end : end + 1].isalnum() or text[end : end + 1] in ("-", "/"):
            continue
        if _FOLLOWING_YEAR.match(text, end, end + 30) or regex.match(r"[\s\-/]*(?:1[0-9]{3}|20[0-9]{2})\b", text[end : end + 8]):
            continue  # "Q3 2016" is read with its year
        previous = _word_before(text, start)
        following = words_after(text, end, min(len(text), end + 30), 1)
        if following and following[0].text[0].isupper() and text[end : following[0].start] == " ":
            continue  # "the Q5 SUV", "Q1 Labs": a name
        if previous not in _CODE_CUES:
            continue  # "Audi Q3", "the tournament's Q2 round"
        if previous in ("the", "its", "their") and following and text[end : following[0].start] == " " and following[0].lower not in _CODE_NOUNS:
            continue  # "the H2 bomb"; "its Q3 results" is the quarter's
        year_of = _YEAR_OF_PART.match(text, end, end + 30)
        relative = previous in ("this", "last", "next")
        mention = _part_of_year(ctx, start - (len(previous) + 1 if relative else 0), year_of.end() if year_of else end,
                                "quarter" if letter == "Q" else "half", n, year_of)
        if mention:
            out.append(mention)
    return out


def _part_of_year(ctx: ExtractionContext, start: int, end: int, word: str, n: int, year_of: regex.Match | None) -> Mention | None:
    pub = ctx.published
    if pub is None:
        return None
    if year_of is not None:
        year = pub.year + _YEAR_STEPS[year_of.group("which").lower().split()[-1]]
    else:
        year = pub.year
        months = 3 if word == "quarter" else 6
        first = date(year, (n - 1) * months + 1, 1)
        last_month = n * months
        last = date(year, last_month, _calendar.monthrange(year, last_month)[1])
        tense = _tense(ctx, start)
        if tense == "past" and first > pub:
            year -= 1
        elif tense == "future" and last < pub:
            year += 1
    parts = DateParts(year=year, quarter=n) if word == "quarter" else DateParts(year=year, half=n)
    return _from_publication(_mention(ctx, start, end, parts, 0.7), pub)


_WEEKEND_BEFORE = regex.compile(r"\b(?P<which>(?i:this|next|last|past|coming|the|previous))\s+$")


def _weekends(ctx: ExtractionContext) -> list[Mention]:
    """ "this weekend", "last weekend", "over the weekend": the Saturday and Sunday of the week
    of publication, or of the week before or after ("the weekend" as the clause's tense says)."""
    text = ctx.text
    pub = ctx.published
    out: list[Mention] = []
    for pos in ctx.triggers.words.get("period", ()):
        if text[pos : pos + 7].lower() != "weekend" or text[pos + 7 : pos + 8].isalpha():
            continue
        before = _WEEKEND_BEFORE.search(text, max(0, pos - 10), pos)
        after_next = _AFTER_NEXT.match(text, pos + 7, pos + 24) if before is not None else None
        if after_next is not None and before.group("which").lower() == "the":
            # "the weekend after next", "the weekend after the next"
            iso = (pub + timedelta(weeks=2)).isocalendar()
            timex = f"{iso.year:04d}-W{iso.week:02d}-WE"
            period = period_of(timex)
            value = DateValue(timex=timex, resolved_from=_publication_note(pub), relative=True,
                              granularity=period[0], period_start=period[1], period_end=period[2])
            out.append(Mention("date", before.start(), after_next.end(), value, 0.65))
            continue
        if before is None or regex.match(r"\s+(?i:of|before|after)\b", text[pos + 7 : pos + 14]):
            continue  # "the weekend of July 4", "the weekend before the vote"
        which = before.group("which").lower()
        on_weekend = pub.weekday() >= 5
        tense = _tense(ctx, pos)
        if which == "this":
            # "Shops were busy this weekend", written on a Tuesday: the one just past.
            step = -1 if tense == "past" and not on_weekend else 0
        elif which == "coming":
            step = 1 if on_weekend else 0
        elif which == "next":
            step = 1
        elif which in ("last", "past", "previous"):
            step = -1
        else:
            step = (0 if on_weekend else -1) if tense == "past" else 0
        iso = (pub + timedelta(weeks=step)).isocalendar()
        timex = f"{iso.year:04d}-W{iso.week:02d}-WE"
        period = period_of(timex)
        value = DateValue(timex=timex, resolved_from=_publication_note(pub), relative=True,
                          granularity=period[0], period_start=period[1], period_end=period[2])
        out.append(Mention("date", before.start(), pos + 7, value, 0.65))
    return out


# "the past 3 weeks", "the last two months", "the next 10 days": a period that ends at the
# publication or starts the day after it.
_AROUND_PUBLICATION_BEFORE = regex.compile(
    r"\b(?P<which>(?i:past|last|previous|next|coming))\s+(?:(?P<n>\d{1,3})(?P<glued>)|(?:(?P<n>\d{1,3}|(?i:two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|hundred))|(?P<vague>(?i:few|several|couple\s+of)))\s+)$"
)
_POSSESSIVES = frozenset("his her their its my our your whose".split())
_PAST_PERFECT = regex.compile(r"\b(?i:had)\b")
_YEAR_IN_TEXT = regex.compile(r"(?<!\d)(?:1[0-9]{3}|20[0-9]{2})(?!\d)")


def _periods_around_publication(ctx: ExtractionContext) -> list[Mention]:
    text = ctx.text
    pub = ctx.published
    out: list[Mention] = []
    for pos in ctx.triggers.words.get("unit", ()):
        window = text[max(0, pos - 24) : pos].lower()
        if not any(word in window for word in ("past", "last", "next", "previous", "coming")) and "to date" not in text[pos : pos + 16].lower():
            continue
        unit = _word_at(text, pos).lower()
        if unit in ("year", "years") and text[pos + len(unit) : pos + len(unit) + 8].lower() in (" to date", "-to-date"):
            # "the year to date": from the first of January to the time of writing.
            start = pos - 4 if text[max(0, pos - 4) : pos].lower() == "the " else pos
            mention = Mention("date_range", start, pos + len(unit) + 8,
                              DateRangeValue(start_timex=f"{pub.year:04d}-01-01", end_timex=pub.isoformat(),
                                             resolved_from=_publication_note(pub)), 0.7)
            out.append(mention)
            continue
        spec = ctx.lexicon.time_units.get(unit)
        if spec is None or spec[0] not in ("D", "W", "M", "Y"):
            continue
        before = _AROUND_PUBLICATION_BEFORE.search(text, max(0, pos - 24), pos)
        if before is None or _word_before(text, before.start()) in _POSSESSIVES:
            continue  # "his last three years": of his life
        if not unit.endswith("s") and before.group("glued") is None:
            continue  # "the next five year plan": a modifier; "the last 3year" is written glued
        end = pos + len(unit)
        if regex.match(r"\s+(?i:of|before|after|since|earlier|later|ago)\b", text[end : end + 10]):
            continue  # "the last three years of his life", "the past 3 weeks before the vote"
        sentence = ctx.index.sentence_at(pos)
        clause_before = text[sentence.start : before.start()]
        if _YEAR_IN_TEXT.search(clause_before) or _PAST_PERFECT.search(text, sentence.start, pos):
            continue  # "In 1950 ... over the next three years": counted from another time
        which = before.group("which").lower()
        if which in ("next", "coming") and _past_sentence(ctx, sentence.start, sentence.end):
            continue  # "over the next three days, troops advanced": the story's time
        letter, multiple = spec
        if before.group("vague"):
            # "the past few days": it ends at the publication (or starts the day after it), but
            # how far it reaches the words do not say; that end stays unresolved.
            start = before.start()
            if text[max(0, start - 4) : start].lower() == "the ":
                start -= 4
            if which in ("next", "coming"):
                value = DateRangeValue(start_timex=(pub + timedelta(days=1)).isoformat(), end_timex=_UNRESOLVED["D"],
                                       resolved_from=_publication_note(pub))
            else:
                value = DateRangeValue(start_timex=_UNRESOLVED["D"], end_timex=pub.isoformat(), resolved_from=_publication_note(pub))
            mention = Mention("date_range", start, end, value, 0.5, qualifier="approx")
            out.append(mention)
            continue
        amount = parse_number(before.group("n"), ctx.lexicon)
        if not amount or amount != int(amount):
            continue
        count = int(amount) * multiple
        try:
            if which in ("next", "coming"):
                first, last = pub + timedelta(days=1), _shift_days(pub, letter, count)
            else:
                first, last = _shift_days(pub, letter, -count), pub
        except (OverflowError, ValueError):
            continue
        start = before.start()
        if text[max(0, start - 4) : start].lower() == "the ":
            start -= 4
        mention = Mention("date_range", start, end,
                          DateRangeValue(start_timex=first.isoformat(), end_timex=last.isoformat(),
                                         resolved_from=_publication_note(pub)), 0.65)
        out.append(mention)
    return out


_BE_FORMS = frozenset("is are be been being am".split())


def _past_sentence(ctx: ExtractionContext, start: int, end: int) -> bool:
    """Whether text[start:end] speaks of the past: no future word, and a past auxiliary, a
    past verb, or a word in "-ed" that is no participle after "is", "are", "be"."""
    previous = ""
    for cue in date_patterns().future.finditer(ctx.text, start, end):
        if cue.group().lower() not in ("next", "coming"):
            return False
    for word in _LETTERS.finditer(ctx.text, start, end):
        lower = word.group().lower()
        if lower in _PAST_AUXILIARIES or lower in ctx.lexicon.irregular_past_verbs:
            return True
        if len(lower) > 4 and lower.endswith("ed") and word.group()[0].islower() and previous not in _BE_FORMS:
            return True
        previous = lower
    return False


def _shift_days(day: date, letter: str, amount: int) -> date:
    if letter == "D":
        return day + timedelta(days=amount)
    if letter == "W":
        return day + timedelta(weeks=amount)
    months = amount * (12 if letter == "Y" else 1)
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


_NTH_WEEKDAY_BEFORE = regex.compile(r"(?:(?i:the)\s+)?(?P<n>(?i:first|second|third|fourth|last|1st|2nd|3rd|4th))\s+$")
_NTH = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}


def _nth_weekdays(ctx: ExtractionContext) -> list[Mention]:
    """ "the first Friday of July", "the last Sunday in May 2016": that day of that month."""
    p = date_patterns()
    text = ctx.text
    out: list[Mention] = []
    for pos in ctx.triggers.words.get("weekday", ()):
        # "first", "second", "third", "fourth", "last", "1st", ...: all end so.
        if text[pos - 3 : pos - 1].lower() not in ("st", "nd", "rd", "th") or _word_before(text, pos) not in _NTH:
            continue
        m = p.weekday.match(text, pos)
        before = _NTH_WEEKDAY_BEFORE.search(text, max(0, pos - 12), pos)
        joint = regex.match(r"\s+(?i:of|in)\s+", text[m.end() : m.end() + 5]) if m and before else None
        if joint is None:
            mention = _nth_weekday_of_publication_month(ctx, m, before) if m and before else None
            if mention is not None:
                out.append(mention)
            continue
        at = m.end() + joint.end()
        relative_month = _RELATIVE_MONTH.match(text, at)
        if relative_month is not None:
            mention = _nth_weekday_of_relative_month(ctx, m, before, relative_month)
            if mention is not None:
                out.append(mention)
            continue
        month = p.month_alone.match(text, at)
        if month is None or (text[at].islower() and _word_at(text, at).lower() in _VERB_LIKE_MONTHS):
            continue
        weekday = _weekday(ctx, m.group("wd"))
        month_number = _month(ctx, month.group("m"))
        year = _int(month.group("y"))
        if year is None:
            if ctx.published is None:
                continue
            timex, _ = resolve(ctx, DateParts(month=month_number, tense=_tense(ctx, pos)))
            year = int(timex[:4])
        day = _nth_weekday(year, month_number, weekday, _NTH[before.group("n").lower()])
        if day is None:
            continue
        parts = DateParts(year=year, month=month_number, day=day.day)
        end = month.end()
        if text[end - 1] == "." and len(month.group("m")) > 4:
            end -= 1
        mention = _mention(ctx, before.start(), end, parts, 0.75)
        out.append(_from_publication(mention, ctx.published) if month.group("y") is None else mention)
    return out


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date | None:
    """The ``n``th ``weekday`` (0 = Monday) of a month, the last one for ``n`` < 0; None when the
    month has no such day ("the fifth Friday" of a month with four)."""
    if n > 0:
        first = date(year, month, 1)
        day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    else:
        last = date(year, month, _calendar.monthrange(year, month)[1])
        day = last - timedelta(days=(last.weekday() - weekday) % 7)
    return day if day.month == month else None


_RELATIVE_MONTH = regex.compile(r"(?P<which>(?i:this|next|last|the\s+current))\s+(?i:month)\b")
_MONTH_STEPS = {"this": 0, "current": 0, "next": 1, "last": -1}


def _nth_weekday_of_relative_month(ctx: ExtractionContext, m: regex.Match, before: regex.Match, month: regex.Match) -> Mention | None:
    """ "the first Friday of next month", "the last Sunday of this month": counted from the
    publication's month."""
    pub = ctx.published
    if pub is None:
        return None
    index = pub.year * 12 + pub.month - 1 + _MONTH_STEPS[month.group("which").split()[-1].lower()]
    year, month_number = divmod(index, 12)
    month_number += 1
    weekday = _weekday(ctx, m.group("wd"))
    day = _nth_weekday(year, month_number, weekday, _NTH[before.group("n").lower()])
    if day is None:
        return None
    mention = _mention(ctx, before.start(), month.end(), DateParts(year=year, month=month_number, day=day.day), 0.7)
    return _from_publication(mention, pub)


# Words before a bare ordinal weekday ("go back second Sunday" is dated) that count it instead.
_ORDINAL_WEEKDAY_COUNTERS = frozenset(
    "a an every each another one for per this that its their his her our other any no".split()
) | frozenset({""})
_IN_A_ROW = regex.compile(r"\s+(?i:in\s+a\s+row|running|straight|in\s+succession)\b")


def _nth_weekday_of_publication_month(ctx: ExtractionContext, m: regex.Match, before: regex.Match) -> Mention | None:
    """ "on the second Sunday", "the third Tuesday" with no month: of the publication's month,
    or the month after (before) it when the clause is future (past) and that day has passed
    (not come). "The last Sunday" is the latest Sunday, and "for the second Sunday running" a
    count, so neither is read here."""
    text = ctx.text
    pub = ctx.published
    n = _NTH[before.group("n").lower()]
    if pub is None or n < 0 or text[m.end() : m.end() + 1] in ("-", "'", "’") or not _ends_phrase(ctx, m.end()):
        return None
    if not text[before.start() : before.start("n")].strip() and _word_before(text, before.start()) in _ORDINAL_WEEKDAY_COUNTERS:
        return None  # "a second Sunday", "every first Monday", "for second Sunday": counted, not dated
    if _IN_A_ROW.match(text, m.end()):
        return None  # "the second Sunday in a row"
    sentence = ctx.index.sentence_at(before.start())
    if any(w.group().lower() in _HABIT_WORDS for w in _LETTERS.finditer(text, sentence.start, before.start())):
        return None  # "the fair is held on the third Tuesday": every month's
    weekday = _weekday(ctx, m.group("wd"))
    tense = _tense(ctx, before.start())
    index = pub.year * 12 + pub.month - 1
    for _ in range(2):
        year, month = divmod(index, 12)
        day = _nth_weekday(year, month + 1, weekday, n)
        if day is None:
            return None  # "the fifth Friday" of a month with four
        if tense == "future" and day < pub:
            index += 1
        elif tense == "past" and day > pub:
            index -= 1
        else:
            break
    else:
        return None
    mention = _mention(ctx, before.start(), m.end(), DateParts(year=day.year, month=day.month, day=day.day), 0.6)
    return _from_publication(mention, pub)


# --- numeric dates whose order is certain -----------------------------------------------------

# "21/04/2016", "02/22/2016", "21.04.2016", "21-04-2016": day and month in either order, read
# only when one part is over 12 (exclusions.py keeps the others, and page chrome, from being
# claims); "2015/08/12" year first; "3/2015", "11/2016", "2015-3", "2016-11" a month of a year.
_NUMERIC_DAY = regex.compile(
    r"(?<![\p{N}.,/\-])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|(?<=[/\-]\d{1,2}[/\-])\d{2})(?![\p{N}]|[/.\-]\d)"
)
# "on 4/22", "since 22/04", "until 13.5": a day and a month with no year, read only after a
# preposition of time and only when one part is over 12 (so "9/11", "3/4" and "7/2" stay
# unread). With a dot or a dash ("4.22", "4-22": a decimal, a score, a range) only after "on",
# "since", "until" or "till"; with a slash also after "before" and "after". "by" is left out:
# "cut by 13/4" is odds. "24/7" is a phrase, not the 24th of July. Nothing but punctuation or a
# small word may follow: "on 4-22 shooting" is a tally.
_NUMERIC_DAY_MONTH = regex.compile(
    r"(?<![\p{N}.,/\-])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?![\p{N}%]|[/.\-,:]\d)"
    r"(?=\s*(?:[.,;:)!?\"”]|$)|\s+(?i:and|or|but|when|while|at|in|as|with|after|before|until|to|through|the|this|next|last)\b)"
)
_TIME_PREPOSITION_BEFORE = regex.compile(r"\b(?P<p>(?i:on|since|until|till|before|after))\s+$")
_SLASH_ONLY_PREPOSITIONS = frozenset({"before", "after"})
# Dashes join two-digit years only after a preposition of time: "9-18-15" alone is as likely a
# team's record of wins, losses and ties.
_NUMERIC_YMD = regex.compile(r"(?<![\p{N}.,/\-])(?P<y>1[89]\d\d|20\d\d)(?P<sep>[/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\p{N}]|[/.\-]\d)")
_NUMERIC_MONTH_YEAR = regex.compile(r"(?<![\p{N}.,/\-])(?P<m>0?[1-9]|1[0-2])(?P<sep>/)(?P<y>1[89]\d\d|20\d\d)(?![\p{N}]|[/.\-]\d|%)")
_NUMERIC_YEAR_MONTH = regex.compile(r"(?<![\p{N}.,/\-])(?P<y>1[89]\d\d|20\d\d)(?P<sep>[/\-])(?P<m>0?[1-9]|1[0-2])(?![\p{N}]|[/.\-]\d|%)")


def _numeric_dates(ctx: ExtractionContext, separated: list[tuple[int, int]]) -> list[Mention]:
    """ ``separated``: the digit runs (start, length) with "/", "." or "-" after."""
    text = ctx.text
    out: list[Mention] = []
    for pos, length in separated:
        if not text[pos + length + 1 : pos + length + 2].isdigit():
            continue
        if length <= 2:
            m = _NUMERIC_DAY.match(text, pos)
            if m:
                a, b = int(m.group("a")), int(m.group("b"))
                if a > 12 and b <= 12:
                    day, month = a, b
                elif b > 12 and a <= 12:
                    day, month = b, a
                else:
                    continue  # "04/05/2016": the order is the publisher's
                raw = m.group("y")
                if len(raw) == 2 and m.group("sep") == "-" and not _TIME_PREPOSITION_BEFORE.search(text, max(0, pos - 8), pos):
                    continue
                year = int(raw) if len(raw) == 4 else _two_digit_year(ctx, int(raw))
                parts = DateParts(year=year, month=month, day=day)
                if _valid_day(parts):
                    out.append(_mention(ctx, m.start(), m.end(), parts, 0.8 if len(raw) == 4 else 0.7))
                continue
            m = _NUMERIC_MONTH_YEAR.match(text, pos)
            if m:
                parts = DateParts(year=int(m.group("y")), month=int(m.group("m")))
                out.append(_mention(ctx, m.start(), m.end(), parts, 0.7))
                continue
            mention = _numeric_day_month(ctx, pos)
            if mention:
                out.append(mention)
            continue
        if length != 4:
            continue
        m = _NUMERIC_YMD.match(text, pos)
        if m:
            parts = DateParts(year=int(m.group("y")), month=int(m.group("m")), day=int(m.group("d")))
            if 1 <= parts.month <= 12 and 1 <= parts.day and _valid_day(parts):
                out.append(_mention(ctx, m.start(), m.end(), parts, 0.8))
            continue
        m = _NUMERIC_YEAR_MONTH.match(text, pos)
        if m:
            year, raw = int(m.group("y")), m.group("m")
            if len(raw) == 2 and int(raw) > year % 100:
                continue  # "2010-12", "2011/12": a range of years, a season, a financial year
            out.append(_mention(ctx, m.start(), m.end(), DateParts(year=year, month=int(raw)), 0.7))
    return out


def _numeric_day_month(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "Talks resume on 4/22", "closed since 22/04": see ``_NUMERIC_DAY_MONTH``."""
    text = ctx.text
    m = _NUMERIC_DAY_MONTH.match(text, pos)
    if m is None or m.group() == "24/7":
        return None
    before = _TIME_PREPOSITION_BEFORE.search(text, max(0, pos - 8), pos)
    if before is None or (m.group("sep") != "/" and before.group("p").lower() in _SLASH_ONLY_PREPOSITIONS):
        return None
    a, b = int(m.group("a")), int(m.group("b"))
    if a > 12 and 1 <= b <= 12:
        day, month = a, b
    elif b > 12 and 1 <= a <= 12:
        day, month = b, a
    else:
        return None
    parts = DateParts(month=month, day=day)
    if not _valid_day(parts):
        return None
    return _mention(ctx, m.start(), m.end(), parts, 0.6)


def _two_digit_year(ctx: ExtractionContext, yy: int) -> int:
    """ "21/04/16": the year of that century nearest the publication (or 2000s up to 2050)."""
    reference = ctx.published.year if ctx.published else 2000
    candidates = (1900 + yy, 2000 + yy, 2100 + yy)
    return min(candidates, key=lambda year: abs(year - reference))


# --- days written as ordinal words, and lower-case months after "the 4th of" ---------------------

_ORDINAL_UNITS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
_ORDINAL_WORD_DAY = regex.compile(
    rf"\.?\s+(?:(?i:the)\s+)?(?P<d>(?i:(?:twenty|thirty)(?:-|\s+)(?:{_ORDINAL_UNITS})|{_ORDINAL_UNITS}|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth))(?![\p{L}\-])"
    r"(?:,?\s+(?P<y>1[0-9]{3}|20[0-9]{2})(?![\p{N}]))?"
)


# "the runoff is on May twenty one.": a day as a compound cardinal after the month, only before
# punctuation or the end ("in May twenty one were killed" counts people).
_CARDINAL_WORD_DAY = regex.compile(
    r"\s+(?P<d>(?i:twenty(?:-|\s+)(?:one|two|three|four|five|six|seven|eight|nine)|thirty(?:-|\s+)one))"
    r"(?:,\s+(?P<y>1[0-9]{3}|20[0-9]{2})(?![\p{N}]))?(?=\s*(?:[,;:)!?\"”]|\.(?!\d)|$))"
)


def _month_ordinal_word(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "Jan first", "May twenty-first", "March the third, 2019": a day of the month written
    as an ordinal word after it, ending its phrase ("in January first-time buyers" reads on)."""
    text = ctx.text
    word = _word_at(text, pos)
    month = ctx.lexicon.months.get(word.lower())
    if month is None:
        return None
    m = _ORDINAL_WORD_DAY.match(text, pos + len(word))
    if m is None:
        m = _CARDINAL_WORD_DAY.match(text, pos + len(word))
        if m is None:
            return None
    elif text[pos + len(word) : pos + len(word) + 1] == "." and len(word) > 4:
        return None
    if not _ends_phrase(ctx, m.end()):
        return None
    day = _day_value(ctx, m.group("d"))
    parts = DateParts(year=_int(m.group("y")), month=month, day=day)
    if not day or not _valid_day(parts):
        return None
    return _mention(ctx, pos, m.end(), parts, 0.75 if parts.year else 0.7)


# "Jan-1", "Oct/2", "October. 2", "september.16th", "Oct-2, 2016": a capitalised month name (or a
# full one in lower case but "may", "march" and "august") joined to its day by a dash, a slash or a full stop. After a full stop the day must end the
# phrase ("in October. 2 people died" is two sentences).
_JOINED_DAY = regex.compile(
    r"(?P<sep>[-/]|\.\s?)(?P<d>[12]\d|3[01]|0?[1-9])(?P<suffix>st|nd|rd|th)?(?![\p{N}\p{L}]|[/.\-:]\d)"
    r"(?:,\s*(?P<y>1[89]\d\d|20\d\d)(?![\p{N}]))?"
)
_PHRASE_END = regex.compile(r"\s*(?:[,;:)!?\"”]|\.(?!\d)|$)")
# "1-Jan", "28-Nov", "16. Nov. 2016": a day joined to a capitalised month name by a dash, or by a
# full stop and a blank when a year follows (a numbered list item is "16. November elections").
_DAY_JOINED_MONTH = regex.compile(
    r"(?<![\p{N}.,/\-])(?P<d>[12]\d|3[01]|0?[1-9])(?:(?P<dash>-)|\.\s)(?P<m>\p{Lu}\p{Ll}{2,8})(?P<stop>\.)?(?![\p{L}\-])"
    r"(?:,?\s+(?P<y>1[89]\d\d|20\d\d)(?![\p{N}]))?"
)


def _month_joined_day(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "Jan-1", "Oct/2", "October. 2": see ``_JOINED_DAY``."""
    text = ctx.text
    word = _word_at(text, pos)
    month = ctx.lexicon.months.get(word.lower())
    if month is None or not (word[0].isupper() or word in _UNAMBIGUOUS_MONTHS):
        return None
    m = _JOINED_DAY.match(text, pos + len(word))
    if m is None:
        return None
    if m.group("sep").startswith(".") and not (m.group("y") or _PHRASE_END.match(text, m.end())):
        return None
    parts = DateParts(year=_int(m.group("y")), month=month, day=int(m.group("d")))
    if not _valid_day(parts):
        return None
    return _mention(ctx, pos, m.end(), parts, 0.8 if parts.year else 0.7)


def _day_joined_month(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "1-Jan", "28-Nov", "16. Nov. 2016": see ``_DAY_JOINED_MONTH``."""
    m = _DAY_JOINED_MONTH.match(ctx.text, pos)
    if m is None:
        return None
    month = ctx.lexicon.months.get(m.group("m").lower())
    if month is None or (not m.group("dash") and not m.group("y")):
        return None
    parts = DateParts(year=_int(m.group("y")), month=month, day=int(m.group("d")))
    if not _valid_day(parts):
        return None
    # "from 1-Jan." ends its sentence: the full stop is the month's only before a year.
    return _mention(ctx, m.start(), m.end() if parts.year else m.end("m"), parts, 0.8 if parts.year else 0.7)


_VERB_AFTER_MAY = frozenset("be have not also well never soon yet only still".split())


def _ordinal_of_lower_month(ctx: ExtractionContext, pos: int) -> Mention | None:
    """ "the 4th of march", "fourth of may": a lower-case "march" or "may" is the month only
    after an ordinal day and "of"."""
    text = ctx.text
    if not _of_before(text, pos):
        return _lower_month_the_ordinal(ctx, pos)
    od = date_patterns().ordinal_day_before.search(text, max(0, pos - 60), pos)
    if od is None or od.group("d2"):
        return None
    word = _word_at(text, pos)
    month = ctx.lexicon.months.get(word.lower())
    day = ctx.lexicon.ordinal_value(od.group("d1"))
    if not month or not day or word.lower() not in _FULL_MONTH_NAMES:
        return None
    parts = DateParts(month=month, day=day)
    following = words_after(text, pos + len(word), min(len(text), pos + len(word) + 20), 1)
    if following and following[0].lower in _VERB_AFTER_MAY:
        return None  # "the first of may be": the verb
    if not _valid_day(parts) or not _ends_phrase(ctx, pos + len(word)):
        return None
    return _mention(ctx, od.start("d1") if not od.group("from") else od.start(), pos + len(word), parts, 0.7)


# "on may the eleventh.", "by march the 3rd,": a lower-case "may" or "march" is the month also
# after a preposition of time and before "the" and an ordinal day that ends the clause ("may
# the best team win", "may the eleventh hour bring..." are the verb).
_LOWER_MONTH_PREPOSITION = regex.compile(r"\b(?i:on|by|until|till|since|before|after|from)\s+$")
_THE_ORDINAL_AFTER = regex.compile(
    rf"\s+the\s+(?P<d>(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)|(?i:(?:twenty|thirty)(?:-|\s+)(?:{_ORDINAL_UNITS})|{_ORDINAL_UNITS}|"
    r"tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth))"
    r"(?=\s*(?:[,;:)!?\"”]|\.(?!\d)|$))"
)


def _lower_month_the_ordinal(ctx: ExtractionContext, pos: int) -> Mention | None:
    text = ctx.text
    word = _word_at(text, pos)
    if word not in _AMBIGUOUS_MONTHS or not _LOWER_MONTH_PREPOSITION.search(text, max(0, pos - 7), pos):
        return None
    m = _THE_ORDINAL_AFTER.match(text, pos + len(word))
    if m is None:
        return None
    parts = DateParts(month=ctx.lexicon.months[word], day=ctx.lexicon.ordinal_value(m.group("d")))
    if not parts.day or not _valid_day(parts):
        return None
    return _mention(ctx, pos, m.end(), parts, 0.65)


# "w/c feb 4", "by oct. 12, 2016": an abbreviated month in lower case is one before a day of the
# month that ends its phrase ("mar", "may" and "march" stay verbs: "mar 3 games").
_LOWER_ABBREVIATIONS = frozenset({"jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})
_LOWER_ABBREVIATION_DAY = regex.compile(
    r"\.?\s+(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\p{N}\p{L}:]|[.,/\-]\d)(?:,\s*(?P<y>1[89]\d\d|20\d\d)(?![\p{N}]))?"
)


def _lower_abbreviation_with_day(ctx: ExtractionContext, pos: int) -> Mention | None:
    text = ctx.text
    word = _word_at(text, pos)
    if word not in _LOWER_ABBREVIATIONS or (pos and text[pos - 1].isalnum()):
        return None
    m = _LOWER_ABBREVIATION_DAY.match(text, pos + len(word))
    if m is None or not _CLAUSE_END_AFTER.match(text, m.end()):
        return None
    parts = DateParts(year=_int(m.group("y")), month=ctx.lexicon.months[word], day=int(m.group("d")))
    if not _valid_day(parts):
        return None
    return _mention(ctx, pos, m.end(), parts, 0.7 if parts.year else 0.65)


# --- ranges of days that share a month written once ------------------------------------------

_DAY_NUMBER = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# "from 4 to 22 this month", "between 3 and 12 of Sept", "4 till 23 of next month".
_DAYS_THEN_MONTH = regex.compile(
    rf"(?P<d1>{_DAY_NUMBER})\s*(?P<joint>[-–]|\s(?i:to|till|until|through|and)\s)\s*(?P<d2>{_DAY_NUMBER})"
    r"\s+(?:(?P<link>(?i:of|in))\s+)?(?:(?P<rel>(?i:this|next|last|the\s+coming|the\s+previous))\s+(?i:month)\b"
    r"|(?P<m>[A-Z][a-z]{2,8}\.?|(?i:january|february|april|june|july|august|september|october|november|december))"
    r"(?:,?\s+(?P<y>1[0-9]{3}|20[0-9]{2})(?![\p{N}]))?)"
)
# "November between 19 and 20", "June from 3 to 7".
_MONTH_THEN_DAYS = regex.compile(
    rf"\s+(?P<opener>(?i:between|from))\s+(?P<d1>{_DAY_NUMBER})(?:\s+(?P<joint>(?i:and|to|till|until|through))\s+|\s*(?P<joint>[-–])\s*)(?P<d2>{_DAY_NUMBER})(?![\p{{N}}:%]|\s*%)"
)
_RANGE_OPENER_BEFORE = regex.compile(r"\b(?P<opener>(?i:from|between))\s+$")
_DAY_JOINTS = (" to ", " and ", " till ", " until ", " throug")


def _changes_before(ctx: ExtractionContext, pos: int) -> bool:
    """Whether a verb of change or spread comes in the few words before ``pos`` ("rose from 4
    to 22", "ranged between 3 and 12"): the numbers are then the figures, not days."""
    sentence = ctx.index.sentence_at(pos)
    for word in words_before(ctx.text, pos, max(sentence.start, pos - 60), 6):
        if word.lower in ctx.lexicon.change_verbs or word.lower in _SPREAD_VERBS:
            return True
    return False


_SPREAD_VERBS = frozenset("went go goes ranged range ranges ranging varied vary varies varying moved".split())


def _shared_month_ranges(ctx: ExtractionContext) -> list[Mention]:
    text = ctx.text
    lex = ctx.lexicon
    pub = ctx.published
    out: list[Mention] = []
    for pos, length in zip(ctx.triggers.digits, ctx.triggers.digit_lengths):
        if length > 2:
            continue
        joint_text = text[pos + length : pos + length + 7].lower()
        if not (joint_text[:1] in ("-", "–") or joint_text[:2] == " -" or joint_text.startswith(_DAY_JOINTS)):
            continue
        m = _DAYS_THEN_MONTH.match(text, pos)
        if m is None or (pos and text[pos - 1].isalnum()) or text[pos - 1 : pos] in (".", ",", "/", "$"):
            continue
        opener = _RANGE_OPENER_BEFORE.search(text, max(0, pos - 9), pos)
        named_days = m.group("m") and (m.group("link") or "").lower() != "in"
        if not named_days and _changes_before(ctx, opener.start() if opener else pos):
            continue  # "the toll rose from 4 to 22 this month" ("in June"): a change of a figure
        joint = m.group("joint").strip().lower()
        if joint == "and" and not (opener and opener.group("opener").lower() == "between"):
            continue
        if m.group("rel"):
            if pub is None:
                continue
            which = m.group("rel").lower().split()[-1]
            step = {"this": 0, "next": 1, "coming": 1, "last": -1, "previous": -1}[which]
            index = pub.year * 12 + pub.month - 1 + step
            year, month = index // 12, index % 12 + 1
        else:
            name = m.group("m")
            month = lex.months.get(name.rstrip(".").lower())
            if month is None or (name.rstrip(".").lower() in _VERB_LIKE_MONTHS and name[0].islower()):
                continue
            if not m.group("link") and not opener:
                continue  # "2 to 7 Feb" is read by the day-first range already
            year = _int(m.group("y"))
        d1, d2 = _day(m.group("d1")), _day(m.group("d2"))
        if d2 <= d1:
            continue
        a, b = DateParts(year, month, d1), DateParts(year, month, d2)
        if not (_valid_day(a) and _valid_day(b)):
            continue
        start = opener.start() if opener else m.start()
        end = m.end()
        if text[end - 1] == "." and m.group("m") and not m.group("y") and m.group("m")[:-1].lower() in _FULL_MONTH_NAMES:
            end -= 1  # "... of June." ends the sentence
        mention = _range(ctx, start, end, a, b, 0.8)
        if m.group("rel"):
            mention.value = mention.value.model_copy(update={"resolved_from": _publication_note(pub)})
        out.append(mention)
    for pos in ctx.triggers.words.get("month", ()):
        window = text[pos : pos + 20].lower()
        if " between " not in window and " from " not in window:
            continue
        word = _word_at(text, pos)
        month = lex.months.get(word.lower())
        if month is None or (word.lower() in _VERB_LIKE_MONTHS and word[0].islower()):
            continue
        end = pos + len(word) + (text[pos + len(word) : pos + len(word) + 1] == ".")
        if text[end + 1 : end + 5].lower() not in ("betw", "from"):
            continue
        m = _MONTH_THEN_DAYS.match(text, end)
        if m is None:
            continue
        joint = m.group("joint").lower()
        if joint not in ("-", "–") and (m.group("opener").lower() == "between") != (joint == "and"):
            continue  # "June between 2-7" and "June from 2-7" both name days
        d1, d2 = _day(m.group("d1")), _day(m.group("d2"))
        a, b = DateParts(None, month, d1), DateParts(None, month, d2)
        if d2 <= d1 or not (_valid_day(a) and _valid_day(b)):
            continue
        out.append(_range(ctx, pos, m.end(), a, b, 0.8))
    return out


# "Friday the 13th", "on Tuesday the 15th": a weekday and a day of the month.
# "Friday the 13th", "Friday the twenty-first"; after a weekday and "the" a plain number is the
# day too: "Friday the 13", "Friday the fifteen".
_CARDINAL_DAY_WORDS = (
    r"(?:twenty|thirty)(?:-|\s+)(?:one|two|three|four|five|six|seven|eight|nine)|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty"
)
_THE_DAY_AFTER_WEEKDAY = regex.compile(
    rf",?\s+(?i:the)\s+(?P<d>(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)?|(?i:(?:twenty|thirty)(?:-|\s+)(?:{_ORDINAL_UNITS})|{_ORDINAL_UNITS}|"
    rf"tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|{_CARDINAL_DAY_WORDS}))(?![\p{{L}}\p{{N}}\-])"
)


def _day_value(ctx: ExtractionContext, word: str) -> int | None:
    """A day of the month written "13th", "thirteenth", "13", "thirteen" or "twenty one"."""
    value = ctx.lexicon.ordinal_value(word)
    if value is not None:
        return value
    if word.isdigit():
        return int(word)
    total = 0
    for part in word.lower().replace("-", " ").split():
        numbers = ctx.lexicon.number_words
        if part in numbers.units:
            total += numbers.units[part]
        elif part in numbers.tens:
            total += numbers.tens[part]
        else:
            return None
    return total or None


def _weekday_and_day(ctx: ExtractionContext) -> list[Mention]:
    """ "Friday the 13th": the month nearest the publication (before it when the clause is
    past, after it when future) in which that day falls on that weekday."""
    p = date_patterns()
    text = ctx.text
    pub = ctx.published
    out: list[Mention] = []
    for pos in ctx.triggers.words.get("weekday", ()):
        if " the " not in text[pos + 5 : pos + 16].lower():
            continue
        m = p.weekday.match(text, pos)
        after = _THE_DAY_AFTER_WEEKDAY.match(text, m.end()) if m else None
        if after is None or not _ends_phrase(ctx, after.end()):
            continue
        day = _day_value(ctx, after.group("d"))
        weekday = _weekday(ctx, m.group("wd"))
        if not day or day > 31:
            continue
        tense = _tense(ctx, pos)
        found = []
        for step in range(-14, 15):
            index = pub.year * 12 + pub.month - 1 + step
            year, month = index // 12, index % 12 + 1
            if day <= _calendar.monthrange(year, month)[1] and date(year, month, day).weekday() == weekday:
                when = date(year, month, day)
                if (tense == "past" and when > pub) or (tense == "future" and when < pub):
                    continue
                found.append(when)
        if not found:
            continue
        when = min(found, key=lambda d: abs((d - pub).days))
        mention = _mention(ctx, pos, after.end(), DateParts(year=when.year, month=when.month, day=day), 0.65)
        out.append(_from_publication(mention, pub))
    return out


# --- more periods counted from the publication -------------------------------------------------

_REST_OF_BEFORE = regex.compile(r"\b(?i:rest|remainder)\s+(?i:of)\s+(?:(?i:the|this)\s+)?$")
_AFTER_NEXT = regex.compile(r"\s+(?i:after)\s+(?:(?i:the)\s+)?(?i:next)\b")
_WEEK_OF_WEEKDAY_AFTER = regex.compile(r"\s+(?P<which>(?i:this|next|last))\s+(?i:week)\b")
_WEEK_OF_WEEKDAY_BEFORE = regex.compile(r"\b(?P<which>(?i:this|next|last))\s+(?i:week)(?:,?\s+(?i:on)|,)?\s+$")
_DAY_OF_RELATIVE_MONTH_BEFORE = regex.compile(
    rf"(?:(?i:the)\s+)?(?P<d>(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)|(?i:(?:twenty|thirty)(?:-|\s+)(?:{_ORDINAL_UNITS})|{_ORDINAL_UNITS}|"
    r"tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth))"
    r"\s+(?i:of)\s+(?P<which>(?i:this|next|last))\s+$"
)


def _more_relative_periods(ctx: ExtractionContext) -> list[Mention]:
    """ "the rest of the year", "the past week", "the week after next", "the 20th of next
    month", "Friday next week": resolved against the publication date."""
    text = ctx.text
    pub = ctx.published
    note = _publication_note(pub)
    out: list[Mention] = []
    for pos in ctx.triggers.words.get("unit", ()):
        window = text[max(0, pos - 24) : pos].lower()
        if not any(word in window for word in ("rest", "remainder", "past", "this", "next", "last", "coming")) and " after" not in text[pos : pos + 14].lower():
            continue
        unit = _word_at(text, pos).lower()
        if unit in ("day", "decade"):
            mention = _past_or_next_period(ctx, pos, unit)
            if mention is not None:
                out.append(mention)
            continue
        if unit not in ("week", "month", "year"):
            continue
        end = pos + len(unit)
        rest = _REST_OF_BEFORE.search(text, max(0, pos - 24), pos) if "rest" in window or "remainder" in window else None
        if rest and not text[end : end + 1] in ("'", "’"):
            sentence = ctx.index.sentence_at(pos)
            if _past_sentence(ctx, sentence.start, sentence.end):
                continue  # "he spent the rest of the year abroad": the story's year
            if unit == "week":
                last = pub + timedelta(days=6 - pub.weekday())
            elif unit == "month":
                last = date(pub.year, pub.month, _calendar.monthrange(pub.year, pub.month)[1])
            else:
                last = date(pub.year, 12, 31)
            start = rest.start()
            if text[max(0, start - 4) : start].lower() == "the ":
                start -= 4
            out.append(Mention("date_range", start, end, DateRangeValue(start_timex=pub.isoformat(), end_timex=last.isoformat(),
                                                                     resolved_from=note), 0.65))
            continue
        previous = _word_before(text, pos)
        if previous == "past":
            mention = _past_or_next_period(ctx, pos, unit)
            if mention is not None:
                out.append(mention)
            continue
        after = _AFTER_NEXT.match(text, end, end + 16)
        if after and text[max(0, pos - 4) : pos].lower() == "the ":
            # "the week after next", "the year after next"
            if unit == "week":
                iso = (pub + timedelta(weeks=2)).isocalendar()
                timex = f"{iso.year:04d}-W{iso.week:02d}"
            elif unit == "month":
                index = pub.year * 12 + pub.month + 1
                timex = f"{index // 12:04d}-{index % 12 + 1:02d}"
            else:
                timex = f"{pub.year + 2:04d}"
            period = period_of(timex)
            out.append(Mention("date", pos - 4, after.end(), DateValue(timex=timex, resolved_from=note, relative=True,
                                                                      granularity=period[0], period_start=period[1],
                                                                      period_end=period[2]), 0.65))
            continue
        if unit == "month" and previous in ("this", "next", "last"):
            m = _DAY_OF_RELATIVE_MONTH_BEFORE.search(text, max(0, pos - 40), pos)
            day = ctx.lexicon.ordinal_value(m.group("d")) if m else None
            if day:
                step = {"this": 0, "next": 1, "last": -1}[m.group("which").lower()]
                index = pub.year * 12 + pub.month - 1 + step
                parts = DateParts(year=index // 12, month=index % 12 + 1, day=day)
                if _valid_day(parts):
                    out.append(_from_publication(_mention(ctx, m.start(), end, parts, 0.65), pub))
    p = date_patterns()
    for pos in ctx.triggers.words.get("weekday", ()):
        if "week" not in text[max(0, pos - 18) : pos + 30].lower():
            continue
        m = p.weekday.match(text, pos)
        if m is None:
            continue
        after = _WEEK_OF_WEEKDAY_AFTER.match(text, m.end(), m.end() + 12)
        before = None if after else _WEEK_OF_WEEKDAY_BEFORE.search(text, max(0, pos - 18), pos)
        which = (after or before)
        if which is None:
            continue
        step = {"this": 0, "next": 1, "last": -1}[which.group("which").lower()]
        monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=step)
        day = monday + timedelta(days=_weekday(ctx, m.group("wd")))
        start = before.start() if before else pos
        if not before and text[max(0, pos - 3) : pos].lower() == "on ":
            start = pos
        parts = DateParts(year=day.year, month=day.month, day=day.day)
        out.append(_from_publication(_mention(ctx, start, after.end() if after else m.end(), parts, 0.7), pub))
    return out


_RELATIVE_QUARTER_BEFORE = regex.compile(r"(?:(?P<the>\b(?i:the))\s+)?\b(?P<which>(?i:this|last|next|current|coming))\s+$")
_QUARTER_STEPS = {"this": 0, "current": 0, "last": -1, "next": 1, "coming": 1}


def _recent_and_quarter_periods(ctx: ExtractionContext) -> list[Mention]:
    """ "in recent years", "in recent weeks": a period that ends at the publication and reaches
    back an unsaid length (approximate, its start unresolved, as "the past few years"); "this
    quarter", "last quarter", "the current quarter", "next quarter": a quarter of the calendar
    year counted from the publication's ("the last quarter" of a match or a century is not)."""
    text = ctx.text
    pub = ctx.published
    note = _publication_note(pub)
    out: list[Mention] = []
    for pos in ctx.triggers.words.get("unit", ()):
        if text[pos - 7 : pos].lower() != "recent " or text[pos - 10 : pos - 7].lower() not in ("in ", "of "):
            continue
        unit = _word_at(text, pos)
        if unit.lower() not in ("days", "weeks", "months", "years", "decades"):
            continue
        end = pos + len(unit)
        sentence = ctx.index.sentence_at(pos)
        if _YEAR_IN_TEXT.search(text, sentence.start, pos) or _PAST_PERFECT.search(text, sentence.start, pos):
            continue  # "In 1950 ... in recent years": counted from another time
        value = DateRangeValue(start_timex=_UNRESOLVED["D"], end_timex=pub.isoformat(), resolved_from=note)
        out.append(Mention("date_range", pos - 7, end, value, 0.5, qualifier="approx"))
    for pos in ctx.triggers.words.get("period", ()):
        if text[pos : pos + 7].lower() != "quarter" or text[pos + 7 : pos + 8].isalpha():
            continue
        before = _RELATIVE_QUARTER_BEFORE.search(text, max(0, pos - 16), pos)
        if before is None or regex.match(r"\s+(?i:of|before|after)\b|-", text[pos + 7 : pos + 14]):
            continue  # "the last quarter of the century", "a last-quarter rally"
        which = before.group("which").lower()
        if before.group("the") and which in ("last", "this"):
            continue  # "in the last quarter" of a match
        if which == "current" and not before.group("the"):
            continue
        index = pub.year * 4 + (pub.month - 1) // 3 + _QUARTER_STEPS[which]
        parts = DateParts(year=index // 4, quarter=index % 4 + 1)
        out.append(_from_publication(_mention(ctx, before.start(), pos + 7, parts, 0.65), pub))
    return out


_PERIOD_AFTER_ANOTHER_TIME = regex.compile(r"\s+(?i:of|before|after|since|earlier|later|ago)\b")
_NOT_OF_THE_NEWS = _DETERMINERS | _POSSESSIVES


def _past_or_next_period(ctx: ExtractionContext, pos: int, unit: str) -> Mention | None:
    """ "the past week", "past month", "the past day", "over the past decade", "the last
    decade", "the next decade": the period of that length that ends at the publication, or
    starts the day after it. "The last day" is the final day of something, "the last week" the
    calendar week before the publication's: neither is read here."""
    text = ctx.text
    pub = ctx.published
    end = pos + len(unit)
    begin = word_before(text, pos)[0]
    which = text[begin:pos].strip().lower()
    if which not in ("past", "last", "next", "coming") or (which != "past" and unit != "decade"):
        return None
    if _PERIOD_AFTER_ANOTHER_TIME.match(text, end, end + 10) or text[end : end + 1] in ("-", "‐"):
        return None  # "the past week of talks", "the past decade since the opening"
    start = begin
    determiner = _word_before(text, begin)
    if determiner == "the":
        start = word_before(text, begin)[0]
    elif which != "past" or determiner in _NOT_OF_THE_NEWS or determiner == "a":
        return None  # "his past year", "a past day"; "last decade" without "the"
    sentence = ctx.index.sentence_at(pos)
    if _YEAR_IN_TEXT.search(text, sentence.start, start) or _PAST_PERFECT.search(text, sentence.start, pos):
        return None  # "In 1950 ... over the past decade": counted from another time
    letter, multiple = ctx.lexicon.time_units[unit]
    if which in ("next", "coming"):
        if _past_sentence(ctx, sentence.start, sentence.end):
            return None  # "over the next decade, the empire declined": the story's time
        first, last = pub + timedelta(days=1), _shift_days(pub, letter, multiple)
    else:
        first, last = _shift_days(pub, letter, -multiple), pub
    value = DateRangeValue(start_timex=first.isoformat(), end_timex=last.isoformat(), resolved_from=_publication_note(pub))
    return Mention("date_range", start, end, value, 0.65)


# --- years written in words --------------------------------------------------------------------

_UNIT_WORDS = "one|two|three|four|five|six|seven|eight|nine"
_TEEN_WORDS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS_WORDS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNDER_HUNDRED = rf"(?:(?:{_TENS_WORDS})(?:[\s-]+(?:{_UNIT_WORDS}))?|{_TEEN_WORDS}|{_UNIT_WORDS})"
# "nineteen twenty-eight", "nineteen hundred", "nineteen oh five", "twenty twenty", "two
# thousand and eighteen": two words of a century and a year in it, never "twenty five".
_YEAR_IN_WORDS = regex.compile(
    rf"(?i:(?P<thousand>two\s+thousand)(?:(?:\s+and)?[\s-]+(?P<rest>{_UNDER_HUNDRED}))?"
    # "one thousand seven hundred and eighty-nine": a year of the second millennium in full.
    rf"|(?P<full>one\s+thousand,?\s+(?:{_UNIT_WORDS})\s+hundred(?:(?:\s+and)?[\s-]+{_UNDER_HUNDRED})?)"
    rf"|(?P<hi>eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)[\s-]+"
    rf"(?P<lo>hundred|oh?[\s-]+(?:{_UNIT_WORDS})|(?:{_TENS_WORDS})(?:[\s-]+(?:{_UNIT_WORDS}))?|{_TEEN_WORDS}))(?![\p{{L}}\-])"
)
# Words after which a year is expected ("in nineteen twenty-eight"); "of" only after a month
# or a part of a year ("June of nineteen ninety-nine", "the spring of nineteen seventy-eight").
_YEAR_WORD_CUES = frozenset("in since until till by before after during year".split())
_OF_YEAR_HEADS = frozenset("spring summer autumn fall winter quarter half end beginning start middle close week month".split())


def _words_value(ctx: ExtractionContext, words: str) -> int:
    total = 0
    for word in regex.split(r"[\s-]+", words.lower()):
        if word in ("oh", "o", "and"):
            continue
        total += ctx.lexicon.number_word_value(word) or 0
    return total


_YEAR_WORD_STARTS = frozenset({"one", "two", "ele", "twe", "thi", "fou", "fif", "six", "sev", "eig", "nin"})
_TOKEN_BEFORE = regex.compile(r"(?P<w>[\p{L}][\p{L}.]*)(?P<comma>,)?\s+$")


def _years_in_words(ctx: ExtractionContext) -> list[Mention]:
    text = ctx.text
    lex = ctx.lexicon
    out: list[Mention] = []
    for pos in ctx.triggers.number_words:
        if text[pos : pos + 3].lower() not in _YEAR_WORD_STARTS:
            continue
        m = _YEAR_IN_WORDS.match(text, pos)
        if m is None or not _ends_phrase(ctx, m.end()):
            continue  # "twenty twenty-eight people" counts
        if m.group("thousand"):
            year = 2000 + (_words_value(ctx, m.group("rest")) if m.group("rest") else 0)
        elif m.group("full"):
            year = int(parse_number(m.group("full").replace(",", ""), lex) or 0)
        else:
            hi = _words_value(ctx, m.group("hi"))
            lo = m.group("lo").lower()
            year = hi * 100 if lo == "hundred" else hi * 100 + _words_value(ctx, lo)
        token = _TOKEN_BEFORE.search(text, max(0, pos - 24), pos)
        if token is None:
            continue
        begin, previous, comma = token.start(), token.group("w").lower(), bool(token.group("comma"))
        month = None
        start = pos
        if previous == "of":
            head_token = _TOKEN_BEFORE.search(text, max(0, begin - 24), begin)
            if head_token is None:
                continue
            head_begin, head = head_token.start(), head_token.group("w")
            month = lex.months.get(head.rstrip(".").lower()) if head[:1].isupper() or head.lower() in _FULL_MONTH_NAMES else None
            if month is None and head.lower() not in _OF_YEAR_HEADS:
                continue
            if month is not None:
                start = head_begin
        elif comma or previous.rstrip(".") in lex.months:
            month = lex.months.get(previous.rstrip(".")) if text[begin].isupper() or previous in _FULL_MONTH_NAMES else None
            if month is None:
                continue
            start = begin
        elif previous not in _YEAR_WORD_CUES:
            continue
        parts = DateParts(year=year, month=month)
        if month is None:
            start, parts = _period_part(ctx, start, parts)
        out.append(_mention(ctx, start, m.end(), parts, 0.75))
    return out


_HUNDREDS_IN_WORDS = regex.compile(
    rf"(?i:(?:{_UNIT_WORDS})\s+hundred(?:(?:\s+and)?[\s-]+{_UNDER_HUNDRED})?)(?![\p{{L}}\-])"
)
_THREE_DIGITS = regex.compile(r"[1-9]\d\d(?![\p{N}\p{L}]|[.,]\d)")
# Words before "year" that make what follows it no year ("last year 305 kilos", "a year 10 pupil").
_YEAR_WORD_NOT_NAMING = frozenset(
    "last this next that each every per a one same previous following fiscal financial school academic budget "
    "calendar lunar model".split()
)


def _years_after_year_word(ctx: ExtractionContext) -> list[Mention]:
    """ "in the year 622", "year 247", "Year two hundred and sixty-seven": a year of the first
    millennium, named after the word "year" (four-digit years are read everywhere)."""
    text = ctx.text
    out: list[Mention] = []
    for pos in ctx.triggers.words.get("unit", ()):
        if text[pos : pos + 5].lower() != "year " or _word_before(text, pos) in _YEAR_WORD_NOT_NAMING:
            continue
        at = pos + 5
        m = _THREE_DIGITS.match(text, at) or _HUNDREDS_IN_WORDS.match(text, at)
        if m is None or not _ends_phrase(ctx, m.end()):
            continue  # "year 300 pupils"
        year = int(parse_number(m.group(), ctx.lexicon) or 0)
        if not 100 <= year <= 999:
            continue
        out.append(_mention(ctx, pos, m.end(), DateParts(year=year), 0.7))
    return out


_WEEK_OF_BEFORE = regex.compile(r"(?:\b(?i:the)\s+(?i:week)\s+(?i:of)|\b(?i:w/c)|\b(?i:week\s+commencing))\s+(?:(?i:the)\s+)?$")


def _weeks_of_days(ctx: ExtractionContext, dates: list[Mention]) -> list[Mention]:
    """ "the week of March 4", "w/c Feb 4", "week commencing 4 February": the week that day is in."""
    text = ctx.text
    out: list[Mention] = []
    for mention in dates:
        parts = mention.parts
        if not isinstance(parts, DateParts) or parts.day is None or mention.value.granularity != "day":
            continue
        window = text[max(0, mention.start - 24) : mention.start].lower()
        if "week" not in window and "w/c" not in window:
            continue
        before = _WEEK_OF_BEFORE.search(text, max(0, mention.start - 24), mention.start)
        if before is None:
            continue
        iso = date.fromisoformat(mention.value.timex).isocalendar()
        timex = f"{iso.year:04d}-W{iso.week:02d}"
        period = period_of(timex)
        value = mention.value.model_copy(update={"timex": timex, "granularity": period[0], "period_start": period[1],
                                                 "period_end": period[2], "stated_weekday": None})
        week = Mention("date", before.start(), mention.end, value, mention.confidence)
        week.parts = replace(parts, day=None)
        out.append(week)
    return out
