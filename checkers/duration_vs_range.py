"""A stated length ("the three-year war", "three-year-long") must fit the dates the article gives
for the same thing ("1950-53"; "June 25, 1950-July 27, 1953"), within the rounding people use:
"three-year" fits 3 years 1 month, "five-year" does not."""

from __future__ import annotations

from checkers.base import (
    Article,
    DAYS_PER_YEAR,
    CheckContext,
    date_bounds,
    describe_years,
    duration_years,
    example,
    finding,
    span_years,
    stated_interval,
)
from figcheck.records import Claim, DateRangeValue, DateValue, DurationValue, Finding

NAME = "duration_vs_range"


def check(article: Article, context: CheckContext) -> list[Finding]:
    ranges = [c for c in article.claims if c.kind == "date_range"]
    findings = []
    for claim in article.claims:
        if claim.kind != "duration" or not claim.subject:
            continue
        value = claim.value
        assert isinstance(value, DurationValue)
        if value.anchor is not None or claim.context == "age":
            continue
        target = context.links.range_of(claim, ranges)
        if target is not None:
            rng = target.value
            assert isinstance(rng, DateRangeValue)
            findings.append(_compare(claim, value, rng.start_timex, rng.end_timex, target.text, [claim, target]))
            continue
        told = context.links.run_of(claim)
        if told is not None:
            first, last = told
            label = f"{first.text} to {last.text}"
            findings.append(_compare(claim, value, _year_of(first, last), last.value.timex, label, [claim, first, last]))
    return findings


def _year_of(first: Claim, last: Claim) -> str:
    """The first day's date, in the last day's year when only the last says its year ("began on
    June 1 and ended on June 5, 2001")."""
    start, end = first.value, last.value
    assert isinstance(start, DateValue) and isinstance(end, DateValue)
    if start.calendar_year is None and end.calendar_year is not None and len(start.timex) == 10 \
            and len(end.timex) == 10 and start.timex[5:] <= end.timex[5:]:
        return f"{end.timex[:4]}{start.timex[4:]}"
    return start.timex


def _compare(duration: Claim, value: DurationValue, start_timex: str, end_timex: str, label: str,
             claims: list[Claim]) -> object:
    target_text = label
    start, end = date_bounds(start_timex), date_bounds(end_timex)
    stated = duration_years(value.timex)
    low_stated = duration_years(value.low_timex)
    high_stated = duration_years(value.high_timex)
    if start is None or end is None or (stated is None and low_stated is None):
        return finding(NAME, "unverifiable", "info",
                       f"{duration.text} {duration.subject}: unverifiable, because the range {target_text} gives no "
                       "year to count its length from.",
                       claims)
    least, most = span_years(start, end)
    to_the_day = abs(most - least) < 1 / 365
    # Days are counted both ways people count them: "the three-day festival (July 1-3)" counts
    # the last day too, "a two-day stay from July 1 to July 3" does not.
    most += 1 / DAYS_PER_YEAR
    unit = 1.0 if value.timex.endswith("Y") else (stated or low_stated or 1.0) * 0.1
    lo, hi = stated_interval(stated or low_stated, value.qualifier, low_stated, high_stated, rounding=0.5 * unit)
    if to_the_day and least < 60 / DAYS_PER_YEAR:
        actual = f"{describe_years(most)}, counting the first and last day"
    elif to_the_day:
        actual = describe_years(least)
    else:
        actual = f"between {describe_years(least)} and {describe_years(most)}"
    precise = to_the_day or abs(most - least) < 1 / 12
    if most >= lo and least <= hi:
        return finding(NAME, "consistent", "info",
                       f"{duration.text} {duration.subject}: {target_text} spans {actual}: consistent.",
                       claims)
    return finding(NAME, "discrepancy", "error" if precise else "warning",
                   f"{duration.text} {duration.subject}, but {target_text} spans {actual}.",
                   claims, expected=actual, observed=duration.text)


EXAMPLES = [
    example("During the three-year-long war (June 25, 1950-July 27, 1953) the city was shelled.",
            expect=[("consistent", "info")]),
    example("During the five-year-long war (June 25, 1950-July 27, 1953) the city was shelled.",
            expect=[("discrepancy", "error")], spans=("five-year-long",)),
    example("Veterans of the 1950-53 war met on Monday to remember the three-year war.",
            published="2021-10-26", expect=[("consistent", "info")]),
    example("The two-year strike (March 2001-May 2003) closed the mine.",
            expect=[("consistent", "info")], note="2 years 2 months rounds to two years"),
    example("The 10-day festival (from July 1 to July 3, 2019) drew crowds.",
            expect=[("discrepancy", "error")]),
    example("The three-day festival (July 1-3, 2019) drew crowds.", expect=[("consistent", "info")],
            note="the last day counts: July 1, 2 and 3 are three days"),
    example("The seven-day fair (from May 3 to May 9, 2019) drew crowds.", expect=[("consistent", "info")]),
    example("The three-day fair (from May 3 to May 9, 2019) drew crowds.", expect=[("discrepancy", "error")],
            spans=("three-day",)),
    example("He led the 20-year-long struggle and the Korean War (June 25, 1950-July 27, 1953).",
            expect=[], note="the range dates the war, not the struggle"),
    example("The city finished the six-year renovation of the port, which ran from 2001 to 2003.",
            expect=[("discrepancy", "warning")], spans=("six-year",),
            note="a relative clause of lasting dates the renovation; years only, so a warning"),
    example("The two-year strike, which lasted from March 2001 to May 2003, closed the mine.",
            expect=[("consistent", "info")]),
    example("They ended the four-year building programme which ran from 1984 to 1986.",
            expect=[("discrepancy", "warning")], spans=("four-year",)),
    example("The ten-year plan that followed the famine of 1959-1961 rebuilt the farms.",
            expect=[], note="'followed' does not say when the plan ran"),
    example("The two-week tour runs from July 15 to August 28.", published="2019-07-10",
            expect=[("discrepancy", "error")], spans=("two-week",), note="the clause's own verb of lasting"),
    example("The three-day conference, held from July 1 to 3, drew 1,200 delegates.", published="2019-07-10",
            expect=[("consistent", "info")]),
    example("The ten-day conference, held from July 1 to 3, drew 1,200 delegates.", published="2019-07-10",
            expect=[("discrepancy", "error")], spans=("ten-day",)),
    example("The 10-day harvest fair opened on Friday, August 3, with a parade of 40 wagons, and runs until "
            "Thursday, August 9.", published="2012-08-03", expect=[("discrepancy", "error")], spans=("10-day",),
            note="the sentence tells the first and the last day: seven days"),
    example("The seven-day harvest fair opened on Friday, August 3, with a parade of 40 wagons, and runs until "
            "Thursday, August 9.", published="2012-08-03", expect=[("consistent", "info")]),
    example("The five-day congress of the union, which began on June 1 and ended on June 5, 2001, elected a chairman.",
            expect=[("consistent", "info")], note="the first day takes the last day's year"),
    example("The five-day congress opened on June 1, and the exhibition beside it closed on June 20.",
            expect=[], note="the end belongs to another subject"),
]
