"""A story cannot tell in the past tense of a day after its own dateline: datelined "Pyongyang,
September 5", it cannot say that something "was held on Sept. 11" (a date without a year is
read in the dateline's year); saying that something will happen then is fine."""

from __future__ import annotations

import calendar
import functools
import re
from datetime import date, timedelta

from checkers.base import Article, CheckContext, date_bounds, example, finding
from figcheck.furniture import lexicon, read_page
from figcheck.linking.time_frame import sentence_tense
from figcheck.records import Claim, DateValue, Document, Finding

NAME = "dateline"
# How far after the dateline a year-less date may fall and still most likely be of the
# dateline's year; farther, it may as well be of the year before.
_NEAR_DAYS = 90
@functools.cache
def _month_day() -> re.Pattern[str]:
    months = sorted((re.escape(m) for m in lexicon().months), key=len, reverse=True)
    return re.compile(rf"\b(?P<month>{'|'.join(months)})\.?\s+(?P<day>[0-3]?\d)\b(?:,?\s+(?P<year>(?:1[89]|20)\d\d))?",
                      re.IGNORECASE)


# A dateline's dash: "--", an em or en dash, or a hyphen between blanks. Every alternative opens
# with a dash character, so the search skips from dash to dash instead of trying each position.
_DASH = re.compile(r"-(?:-|(?<=\s-)(?=\s))|—|–")
_HEAD_CHARS = 2000  # a dateline opens the story: the page's header comes before it at most


def _may_open_with_dateline(text: str) -> bool:
    """Whether a dash near the top of the text follows a month and day ("Nov. 23 (Yonhap) --"):
    a cheap test before reading the page's layout."""
    for dash in _DASH.finditer(text, 0, _HEAD_CHARS):
        if _month_day().search(text, max(0, dash.start() - 80), dash.start()):
            return True
    return False


def dateline_date(document: Document) -> date | None:
    """The date of the article's dateline, from its metadata ("Pyongyang, September 5") or the
    top of its text ("SEOUL, Nov. 23 (Yonhap) --"); a dateline without a year is in the year that
    puts it nearest before publication. None without a dated dateline."""
    published = document.meta.published_date
    stated = document.meta.dateline
    found = _month_day().search(stated) if stated else None
    if found is not None:
        month = lexicon().months[found.group("month").casefold()]
        return _dated(month, int(found.group("day")), int(found.group("year")) if found.group("year") else None,
                      published)
    # Reading the page is costly: only when a dated dateline may open it.
    if not _may_open_with_dateline(document.text):
        return None
    line = read_page(document.text).dateline
    if line is None or line.month is None or line.day is None:
        return None
    return _dated(line.month, line.day, line.year, published)


def _dated(month: int, day: int, year: int | None, published: date | None) -> date | None:
    if year is None:
        if published is None:
            return None
        # The dateline is the day of writing: on or shortly before publication.
        year = published.year if (month, day) <= (published.month, published.day) else published.year - 1
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def check(article: Article, context: CheckContext) -> list[Finding]:
    dateline = article.dateline
    if dateline is None:
        return []
    findings = []
    for claim in article.claims:
        if claim.kind != "date" or claim.confidence < 0.6:
            continue
        day = _day_meant(claim, dateline)
        if day is None or day <= dateline:
            continue
        # The tense is linking's to tell: the words leading up to the date, else the sentence's.
        tense = context.links.date_tense(claim)
        if tense.kind == "forthcoming":
            continue
        if tense.kind != "narrated" and sentence_tense(claim.sentence) != "past":
            continue
        year_less = claim.value.resolved_from is not None
        how = f"{claim.text}, read in the dateline's year, is {day.isoformat()}" if year_less else (
            f"{claim.text} is {day.isoformat()}")
        findings.append(finding(NAME, "discrepancy", "warning",
                                f"The article is datelined {dateline.isoformat()}, yet it tells in the past tense of "
                                f"a day after it: {how}.",
                                [claim], expected=f"on or before {dateline.isoformat()}", observed=day.isoformat()))
    return findings


def _day_meant(claim: Claim, dateline: date) -> date | None:
    """The day a date claim names: its own day if it gives a year; a month and day without a
    year, in the year that puts it nearest the dateline, if that is at most _NEAR_DAYS away.
    None for what names no day or is relative to the publication ("on Monday")."""
    value = claim.value
    assert isinstance(value, DateValue)
    bounds = date_bounds(value.timex)
    if bounds is None or bounds[0] != bounds[1]:
        return None
    if value.resolved_from is None:
        return bounds[0]
    if _month_day().search(claim.text) is None:
        return None  # "on Monday", "yesterday": relative to publication, not to the dateline
    month, day = bounds[0].month, bounds[0].day
    candidates = []
    for year in (dateline.year - 1, dateline.year, dateline.year + 1):
        if day <= calendar.monthrange(year, month)[1]:
            candidates.append(date(year, month, day))
    nearest = min(candidates, key=lambda d: abs(d - dateline))
    return nearest if abs(nearest - dateline) <= timedelta(days=_NEAR_DAYS) else None


EXAMPLES = [
    example("Pyongyang, September 5 (KCNA) -- A national meeting was held on Sept. 11 in the capital.",
            published="2011-09-12", expect=[("discrepancy", "warning")], spans=("Sept. 11",),
            note="a year-less date six days after the dateline, told in the past tense"),
    example("Pyongyang, September 5 (KCNA) -- A national meeting will be held on Sept. 11 in the capital.",
            published="2011-09-12", expect=[], note="the future tense looks ahead"),
    example("Pyongyang, September 5 (KCNA) -- A national meeting was held on Sept. 2 in the capital.",
            published="2011-09-12", expect=[]),
    example("SEOUL, Nov. 23 (Yonhap) -- The talks took place on November 28, 2009, officials said.",
            published="2009-11-30", expect=[("discrepancy", "warning")], spans=("November 28, 2009",)),
    example("SEOUL, Nov. 23 (Yonhap) -- The talks took place on November 28, 2008, officials said.",
            published="2009-11-30", expect=[]),
    example("A national meeting was held on Sept. 11 in the capital.", published="2011-09-12", expect=[],
            note="no dateline: nothing to compare with"),
    example("Lisbon Festival Draws Crowds\n\n    LISBON, June 3 - Crowds filled the old quarters\n"
            "for the festival, which began on June 1 and ends on June 13.\n    The main parade went\n"
            "down the avenue on June 9, watched by thousands of people.",
            published="1979-06-04", expect=[("discrepancy", "warning")], spans=("June 9",),
            note="a dateline in copy wrapped at a narrow width, under its headline; 'ends on' looks ahead"),
    example("Pyongyang, September 5 (KCNA) -- The delegation arrived here on Monday.",
            published="2011-09-12", expect=[], note="a weekday is read against publication, not the dateline"),
]
