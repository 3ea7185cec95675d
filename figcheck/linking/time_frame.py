"""The time a sentence speaks of: the year an anniversary, an "N years ago" or a tense is to be
resolved against. Not always the publication date: "last year", "in 1972", "was opened to
mark" (a narrated past whose year the sentence does not give), "calls for commemorating" and
"will mark" (still to come)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from figcheck.linking.cues import pattern
from figcheck.linking.sentences import Sentence
from figcheck.records import AnniversaryValue, Claim, DateValue

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


def frame_of(claim: Claim, sentence: Sentence, published: date | None) -> TimeFrame:
    frame = _frame(claim, sentence, published)
    ahead = pattern("time_frame.forthcoming").search(sentence.text)
    if frame.years and frame.kind in ("stated", "news") and ahead:
        # "sent an appeal on Oct. 23 for ... the 60th anniversary": the sentence's day, looking ahead.
        return TimeFrame("forthcoming", (*frame.years, frame.years[-1] + 1), False,
                         f"{frame.reason}, looking ahead ({ahead.group(0)!r})")
    if frame.years and frame.kind != "forthcoming" and pattern("time_frame.purpose").search(sentence.text):
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
    text = sentence.text
    at = claim.start - sentence.start
    if pattern("time_frame.last_year").search(text):
        return TimeFrame("stated", (year - 1,), True, f"the sentence speaks of last year ({year - 1})")
    if pattern("time_frame.next_year").search(text):
        return TimeFrame("forthcoming", (year + 1,), True, f"the sentence speaks of next year ({year + 1})")
    if pattern("time_frame.forthcoming").search(text):
        return TimeFrame("forthcoming", (year, year + 1), False,
                         f"the sentence looks ahead ({pattern('time_frame.forthcoming').search(text).group(0)!r})")
    cue = _nearest_cue(text, at)
    if cue is None:
        if pattern("time_frame.purpose").search(text):
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


def _stated_date(claim: Claim, sentence: Sentence, published: date | None) -> TimeFrame | None:
    """A date in the same sentence places it: "in 1972", or "on March 1" of the news of the day."""
    best = None
    # A date inside the anniversary's own "of ..." phrase dates the event, not the sentence.
    event = claim.value.event if isinstance(claim.value, AnniversaryValue) else ""
    for other in sentence.claims:
        if other.kind != "date" or other.id == claim.id or (event and other.text in event):
            continue
        value = other.value
        assert isinstance(value, DateValue)
        year = value.timex[:4]
        if not year.isdigit():
            continue
        distance = abs(other.start - claim.start)
        if best is None or distance < best[0]:
            best = (distance, int(year), other, value)
    if best is None:
        return None
    _, year, other, value = best
    if value.resolved_from:
        if published is not None and year == published.year:
            return TimeFrame("news", (year,), True, f"the sentence dates it {other.text!r}, in the news of the day")
        return TimeFrame("stated", (year,), True, f"the sentence places it in {year} ({other.text!r})")
    return TimeFrame("stated", (year,), True, f"the sentence places it in {year} ({other.text!r})")


def _nearest_cue(text: str, at: int) -> tuple[str, str] | None:
    """The tense cue nearest before the figure (failing that, nearest after it)."""
    found: list[tuple[int, str, str]] = []
    for kind in ("narrated", "ceremony", "present"):
        for m in pattern(f"time_frame.{kind}").finditer(text):
            found.append((m.start(), kind, m.group(0)))
    before = [f for f in found if f[0] < at]
    if before:
        _, kind, word = max(before)
        return kind, word
    after = [f for f in found if f[0] >= at]
    if after:
        _, kind, word = min(after)
        return kind, word
    return None
