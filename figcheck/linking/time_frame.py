"""The time a sentence speaks of: the year an anniversary, an "N years ago" or a tense is to be
resolved against. Not always the publication date: "last year", "in 1972", "was opened to
mark" (a narrated past whose year the sentence does not give), "calls for commemorating" and
"will mark" (still to come)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from figcheck.linking.cues import pattern
from figcheck.linking.sentences import Sentence
from figcheck.records import AnniversaryValue, Claim, DateRangeValue, DateValue, DurationValue

FrameKind = Literal["stated", "news", "forthcoming", "narrated", "unknown"]


@dataclass(frozen=True)
class TimeFrame:
    """When a sentence speaks. ``years`` are the years its time can be, most likely first
    (empty when it cannot be told); ``certain`` says whether the text states that time rather
    than suggesting it; ``reason`` says how it was told, in words a report can quote."""

    kind: FrameKind
    years: tuple[int, ...]
    certain: bool
    reason: str


@dataclass(frozen=True)
class _SentenceCues:
    """The time cues of one sentence, found once however many figures it holds."""

    last_year: bool
    next_year: bool
    forthcoming: str | None
    purpose: bool
    # (start, kind, word) of tense cues, in text order, none inside a longer one.
    tense: tuple[tuple[int, str, str], ...]
    # (start, claim) of the sentence's dates that carry a year, in text order.
    dates: tuple[tuple[int, Claim], ...]


def _cues(sentence: Sentence) -> _SentenceCues:
    def compute() -> _SentenceCues:
        text = sentence.text
        ahead = pattern("time_frame.forthcoming").search(text)
        spans = sorted(
            (m.start(), -m.end(), kind, m.group(0))
            for kind in ("narrated", "ceremony", "present")
            for m in pattern(f"time_frame.{kind}").finditer(text)
        )
        tense = []
        reach = -1
        for start, neg_end, kind, word in spans:  # longest first at each start
            if -neg_end <= reach:
                continue  # inside a longer cue ("opened" in "was opened")
            reach = max(reach, -neg_end)
            tense.append((start, kind, word))
        dates = tuple((c.start, c) for c in sentence.claims
                      if c.kind == "date" and isinstance(c.value, DateValue) and _YEAR.match(c.value.timex))
        return _SentenceCues(bool(pattern("time_frame.last_year").search(text)),
                             bool(pattern("time_frame.next_year").search(text)),
                             ahead.group(0) if ahead else None,
                             bool(pattern("time_frame.purpose").search(text)), tuple(tense), dates)

    return sentence.once("time_cues", compute)


def looks_ahead(text: str) -> bool:
    """Whether a sentence looks ahead or names a purpose ("will mark", "preparing to celebrate",
    "to commemorate"): what it speaks of may be still to come."""
    return bool(pattern("time_frame.forthcoming").search(text) or pattern("time_frame.purpose").search(text))


def frame_of(claim: Claim, sentence: Sentence, published: date | None) -> TimeFrame:
    frame = _frame(claim, sentence, published)
    ahead = _cues(sentence).forthcoming
    if frame.years and frame.kind in ("stated", "news") and ahead:
        # "sent an appeal on Oct. 23 for ... the 60th anniversary": the sentence's day, looking ahead.
        return TimeFrame("forthcoming", (*frame.years, frame.years[-1] + 1), False,
                         f"{frame.reason}, looking ahead ({ahead!r})")
    if frame.years and frame.kind != "forthcoming" and _cues(sentence).purpose:
        # "formed on July 5 to commemorate the 100th ...": a purpose can look a year ahead.
        ahead = frame.years[-1] + 1
        return TimeFrame(frame.kind, (*frame.years, ahead), frame.certain,
                         f"{frame.reason}, or the year after for what it prepares")
    return frame


def _frame(claim: Claim, sentence: Sentence, published: date | None) -> TimeFrame:
    value = claim.value
    if isinstance(value, AnniversaryValue) and value.observed_year:
        return TimeFrame("stated", (value.observed_year,), True, f"the sentence places it in {value.observed_year}")
    stated = _stated_date(claim, sentence, published)
    if stated is not None:
        return stated
    if published is None:
        return TimeFrame("unknown", (), False, "the article's date is not known")
    year = published.year
    cues = _cues(sentence)
    at = claim.start - sentence.start
    if cues.last_year:
        return TimeFrame("stated", (year - 1,), True, f"the sentence speaks of last year ({year - 1})")
    if cues.next_year:
        return TimeFrame("forthcoming", (year + 1,), True, f"the sentence speaks of next year ({year + 1})")
    if cues.forthcoming:
        return TimeFrame("forthcoming", (year, year + 1), False, f"the sentence looks ahead ({cues.forthcoming!r})")
    cue = _nearest_cue(cues.tense, at)
    if cue is None:
        if cues.purpose:
            return TimeFrame("forthcoming", (year, year + 1), False, "the sentence names a purpose, this year's or next")
        # No tense to go by: a news article most likely speaks of its own day.
        return TimeFrame("unknown", (year,), False,
                         "the sentence does not say when it speaks of, so most likely of the day of publication")
    kind, word = cue
    if kind == "narrated":
        return TimeFrame("narrated", (), False,
                         f"the sentence narrates a past event ({word!r}) without giving its year")
    if kind == "present":
        return TimeFrame("news", (year,), True, f"the sentence speaks in the present ({word!r})")
    return TimeFrame("news", (year,), False, f"the sentence reports a ceremony ({word!r}), most likely the news of the day")


_NEAREST_DATES = 3
# A date that names a year: "1950", "1950-06", "2016-Q4"; not a decade ("195") or a century ("20").
_YEAR = re.compile(r"\d{4}(?!\d)")


def _stated_date(claim: Claim, sentence: Sentence, published: date | None) -> TimeFrame | None:
    """A date in the same sentence places it: "in 1972", or "on March 1" of the news of the day."""
    dates = _cues(sentence).dates
    if not dates:
        return None
    # A date inside the anniversary's own "of ..." phrase dates the event, not the sentence.
    event = claim.value.event if isinstance(claim.value, AnniversaryValue) else ""
    i = bisect.bisect_left(dates, claim.start, key=lambda d: d[0])
    nearby = dates[max(0, i - _NEAREST_DATES) : i + _NEAREST_DATES]
    candidates = [c for _, c in nearby if c.id != claim.id and not (event and c.text in event)]
    if not candidates:
        return None
    other = min(candidates, key=lambda c: abs(c.start - claim.start))
    value = other.value
    assert isinstance(value, DateValue)
    year = int(value.timex[:4])
    if value.resolved_from and published is not None and year == published.year:
        return TimeFrame("news", (year,), True, f"the sentence dates it {other.text!r}, in the news of the day")
    return TimeFrame("stated", (year,), True, f"the sentence places it in {year} ({other.text!r})")


def _nearest_cue(tense: tuple[tuple[int, str, str], ...], at: int) -> tuple[str, str] | None:
    """The tense cue nearest before the figure (failing that, nearest after it)."""
    if not tense:
        return None
    i = bisect.bisect_left(tense, at, key=lambda t: t[0])
    _, kind, word = tense[i - 1] if i > 0 else tense[0]
    return kind, word


# --- the tense a date is spoken of in -----------------------------------------------------

# Lower-case only: a headline's capitalised words ("Uninterrupted Power Supply") are no verbs.
_PAST = re.compile(r"\b(?:was|were|had|did|began|held|met|died|arrived|took place|broke out|[a-z]{3,}ed)\b")
# Words ending in -ed that are no past tense of an event ("united", "scheduled", "related").
_NOT_PAST = frozenset({"need", "indeed", "speed", "seed", "united", "based", "related", "concerned", "interested",
                       "scheduled", "expected", "planned", "proposed", "supposed", "intended", "slated"})
_FUTURE = re.compile(r"\b(?:will|shall|would|going to|plans?|planned|scheduled|slated|expected|due|upcoming|"
                     r"forthcoming|next|to be|is to|are to|until|till|set to|intends?|proposed|aims?|hopes?|"
                     r"targets?|deadline)\b", re.IGNORECASE)
_PROSPECTIVE = re.compile(r"\b(?:to|for|before|\w+ing)\b", re.IGNORECASE)
# A present or future passive ("is completed in 2025") speaks of what is still to be.
_PRESENT_PASSIVE = re.compile(r"\b(?:is|are|will be|be) \w+ed\b", re.IGNORECASE)
# A present tense of schedule right before the date ("the festival ... ends on June 13", "the
# fair opens on Friday") speaks of what is still to come.
_SCHEDULED = re.compile(r"\b(?:ends|opens|closes|begins|starts|resumes|expires|finishes|concludes|falls)\s+(?:on|in)\s*$",
                        re.IGNORECASE)
_TIME_OF_YEAR = re.compile(r"(?i)\s*\bthe\s+(?:year|end\s+of|spring\s+of|summer\s+of|autumn\s+of|winter\s+of)\s*$")
_AGENT = re.compile(r"(?i)^\s*by\b.*?(?=\b(?:on|in|at)\s*$)")
_DETERMINER = re.compile(r"\b(?:a|an|the|its|their|his|her)\b", re.IGNORECASE)
_LEAD_WORDS = 14
_LEAD_CHARS = 240


# A word in -ed right after one of these is an adjective ("the advanced countries", "a newly
# built plant"), not a verb.
_BEFORE_ADJECTIVE = re.compile(r"\b(?:the|a|an|its|their|his|her|our|this|that|these|those|most|more|less|well|"
                               r"newly|highly|fully|recently|widely|long)\s+$", re.IGNORECASE)


def _past_verbs(text: str) -> list[re.Match[str]]:
    return [m for m in _PAST.finditer(text) if m.group(0) not in _NOT_PAST
            and not (m.group(0).endswith("ed") and _BEFORE_ADJECTIVE.search(text, max(0, m.start() - 16), m.start()))]


def sentence_tense(text: str) -> Literal["past", "future", "none"]:
    """The tense a whole sentence speaks in: "future" if any word looks ahead ("will",
    "scheduled", "next"), else "past" if it has a past-tense verb, else "none"."""
    if _FUTURE.search(text):
        return "future"
    return "past" if _past_verbs(text) else "none"


def date_tense(claim: Claim, sentence: Sentence) -> TimeFrame:
    """How a date is spoken of, from the words leading up to it: "was signed on" (a narrated
    past), "will open on", "toward the year 2012", "by 2024" (looking ahead), "the 2014 World
    Cup" (a name), or nothing that tells."""
    at = claim.end - sentence.start
    if isinstance(claim.value, DateValue) and claim.value.timex.isdigit() and sentence.text[at : at + 8].lstrip()[:1].isupper():
        return TimeFrame("unknown", (), False, "the year is part of a name")
    lead = _lead(claim, sentence)
    past = _past_verbs(lead)
    last = past[-1] if past else None
    # Words that look ahead count after the last past verb only: the "meeting" of "a meeting
    # was held on" is a noun, the "preparing" of "was busy preparing for" looks ahead.
    if _FUTURE.search(lead) or _PRESENT_PASSIVE.search(lead) or _PROSPECTIVE.search(lead[last.end():] if last else lead) \
            or _SCHEDULED.search(lead):
        return TimeFrame("forthcoming", (), False, "the words before it look ahead")
    bare = _TIME_OF_YEAR.sub("", lead)[-24:]
    forward = pattern("forward_before_date").search(bare)
    if forward is not None and not bare[forward.end():].strip():
        return TimeFrame("forthcoming", (), False, f"a target date ({forward.group(0)!r})")
    if last is None:
        return TimeFrame("unknown", (), False, "no past-tense verb dates it")
    # An agent ("released by the news agency (KCNA) on") does not come between verb and date.
    gap = _AGENT.sub(" ", lead[last.end():])
    if len(gap.split()) > 4 or _DETERMINER.search(gap):
        # "initiated a conference in Pyongyang in April": the date is the conference's.
        return TimeFrame("unknown", (), False, "the date belongs to a noun, not to the past-tense verb")
    return TimeFrame("narrated", (), True, f"{last.group(0)!r} dates it")


# --- until when time since an event is counted ----------------------------------------------

# "It has been N years since", "N years have passed since", "it is N years since": the present
# perfect counts to the time of writing. "N years had passed since": to a past time.
_TO_NOW = re.compile(r"\b(?:ha(?:ve|s)\s+(?:now\s+)?(?:passed|elapsed|gone\s+by|been)|it\s+is|it's|"
                     r"(?:is|are)\s+(?:now\s+)?(?:over|past))\b", re.IGNORECASE)
_PAST_PERFECT = re.compile(r"\b(?:had\s+(?:passed|elapsed|gone\s+by|been)|it\s+was)\b", re.IGNORECASE)
# "over the past 62 years since ...", "for the last six decades since ...": up to now.
_PAST_N = re.compile(r"\b(?:the\s+)?(?:past|last)\s+(?:(?:more\s+than|over|nearly|almost|about|some)\s+)?$",
                     re.IGNORECASE)
# How far around the duration the verb counting it is read ("It has been | 50 years | since").
_ELAPSED_VERB_CHARS = 40


def elapsed_until(claim: Claim, sentence: Sentence, published: date | None, event_date: Claim | None = None) -> TimeFrame:
    """Until when "N years since <event>" is counted: the day of writing for the present
    perfect ("It has been 50 years since ...", "Sixty years have passed since ..."); for the past
    perfect ("... had passed since ... when the memorial opened in 2001"), the year of the
    sentence's other date nearest the figure (not ``event_date``, the event's own), or a time
    not given; with no such verb, the day of writing only when the extraction measured it so."""
    value = claim.value
    anchor = value.anchor if isinstance(value, DurationValue) else None
    at, end = claim.start - sentence.start, claim.end - sentence.start
    near = sentence.text[max(0, at - _ELAPSED_VERB_CHARS) : end + _ELAPSED_VERB_CHARS]
    past = _PAST_PERFECT.search(near)
    if past:
        others = [c for _, c in _cues(sentence).dates
                  if c.id != claim.id and (event_date is None or c.id != event_date.id) and not c.value.resolved_from]
        if others:
            other = min(others, key=lambda c: abs(c.start - claim.start))
            year = int(other.value.timex[:4])
            return TimeFrame("stated", (year,), True,
                             f"the sentence counts the time ({past.group(0)!r}) to {year} ({other.text!r})")
        return TimeFrame("narrated", (), False,
                         f"the sentence counts the time to a past moment ({past.group(0)!r}) it does not date")
    if published is None:
        return TimeFrame("unknown", (), False, "the article's date is not known")
    now = _TO_NOW.search(near) or _PAST_N.search(sentence.text, max(0, at - _ELAPSED_VERB_CHARS), at)
    if now or (anchor is not None and anchor.to == "publication"):
        how = (f"“{now.group(0).strip()}”" if now and now.re is _PAST_N else
               f"the present perfect ({now.group(0)!r})" if now else "the sentence")
        return TimeFrame("news", (published.year,), True,
                         f"{how} counts the time to the day of writing, {published.isoformat()}")
    return TimeFrame("unknown", (), False, "the sentence does not say until when the time is counted")


def _lead(claim: Claim, sentence: Sentence) -> str:
    """The words of the clause just before the date, back to the previous date or comma."""
    at = claim.start - sentence.start
    lead_from = max(0, at - _LEAD_CHARS)
    lead = sentence.text[lead_from:at]
    cut = max(lead.rfind(","), lead.rfind(";"))
    for other in sentence.claims_between(sentence.start + lead_from, claim.start):
        if other.kind == "date" and other.end <= claim.start:
            cut = max(cut, other.end - sentence.start - lead_from)
    return " ".join(lead[cut + 1 :].split()[-_LEAD_WORDS:])


def dates_the_news(claim: Claim, published: date | None, recent_years: int = 1) -> bool:
    """A date resolved against the publication date, or in its year, dates the news of the day
    (a commemoration, a visit), not a historical event, even when its sentence names one."""
    if published is None or not isinstance(claim.value, DateValue | DateRangeValue):
        return False
    if claim.value.resolved_from:
        return True  # "on March 1", "from August 20 to 31": the year is the news's own
    from figcheck.reference.values import timex_bounds  # the reference package imports linking

    # A range ("from 2010 to 2012") is of the news when it reaches the news's time.
    timex = claim.value.timex if isinstance(claim.value, DateValue) else claim.value.end_timex
    try:
        last = timex_bounds(timex)[1]
    except ValueError:
        return False  # not on a calendar ("XXXX-10-25")
    return last.year >= published.year - recent_years


# --- the years a sentence's news is of (for reading an event's year from an anniversary) ----

# A date this close to publication places the sentence in the news of the day.
_NEWS_DAYS = 45
# From October, next year's early anniversaries are prepared for.
_YEAR_END_MONTHS = 3


@dataclass(frozen=True)
class SpokenYears:
    """The years a claim's sentence speaks of: ``news``, the years of its dates near the day of
    publication ("on Monday", "on June 2", "last year", "now"), which say when the sentence
    speaks; ``named``, years of other dates it names, which may be when the anniversary fell
    ("created in 1985 marking the 40th anniversary") or belong to another clause. Plain data,
    written into a string and read back where a corpus's readings are gathered."""

    news: tuple[int, ...] = ()
    named: tuple[int, ...] = ()
    # Whether the day the sentence speaks of (or, without one, of publication) is in the last
    # months of its year, when the next year's early anniversaries are being prepared for.
    year_end: bool = False

    def encode(self) -> str:
        years = ",".join(map(str, self.news)) + "|" + ",".join(map(str, self.named))
        return years + ("|end" if self.year_end else "|")

    @classmethod
    def decode(cls, text: str) -> SpokenYears:
        news, named, end = (text.split("|") + ["", ""])[:3]
        return cls(tuple(int(y) for y in news.split(",") if y), tuple(int(y) for y in named.split(",") if y),
                   end == "end")


def spoken_years(claim: Claim, sentence: Sentence, published: date) -> SpokenYears:
    """The years the claim's sentence speaks of (see SpokenYears); an anniversary placed in a
    year by the text ("the 60th anniversary in 2013") is of that year."""
    value = claim.value
    if isinstance(value, AnniversaryValue) and value.observed_year:
        return SpokenYears(news=(value.observed_year,))
    from figcheck.reference.values import timex_bounds  # the reference package imports linking

    news: set[int] = set()
    named: set[int] = set()
    days = [published]
    for other in sentence.claims:
        if other.kind != "date" or other.id == claim.id or not isinstance(other.value, DateValue):
            continue
        try:
            first, last = timex_bounds(other.value.timex)
        except ValueError:
            continue
        if first.year != last.year:
            continue
        year = first.year
        precise = (last - first).days <= 31
        if precise and (abs((first - published).days) <= _NEWS_DAYS or other.value.resolved_from):
            news.add(year)  # "on Monday", "on June 2", "on December 24 last year"
            days.append(last)
        elif isinstance(value, AnniversaryValue) and abs(year + value.ordinal - published.year) > 1:
            # A year ("in 1985", "last year") or a date not of the news, and not the event's
            # own, N years before the time of writing.
            named.add(year)
    if pattern("time_frame.now").search(sentence.text):
        news.add(published.year)
    spoken = days[1:] if len(days) > 1 else days
    year_end = any(day.month >= 13 - _YEAR_END_MONTHS for day in spoken)
    return SpokenYears(tuple(sorted(news)), tuple(sorted(named)), year_end)
