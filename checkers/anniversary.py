"""The Nth anniversary of an event must fall N years after it: published 2021, "the 71st
anniversary" of an event in 1950 is right (1950 + 71 = 2021)."""

from __future__ import annotations

import re
from datetime import date, datetime

from checkers.base import Article, CheckContext, date_bounds, example, finding
from figcheck.linking.about import points_back
from figcheck.linking.time_frame import TimeFrame
from figcheck.records import AnniversaryValue, Claim, Finding
from figcheck.report.words import ordinal
from figcheck.reference import fact_ref

NAME = "anniversary"


def check(article: Article, context: CheckContext) -> list[Finding]:
    findings = []
    links = context.links
    for claim in article.claims:
        if claim.kind != "anniversary":
            continue
        value = claim.value
        assert isinstance(value, AnniversaryValue)
        frame = links.frame(claim)
        dated = _dated_facts(context, claim)
        told = links.founding_of(claim) if not dated else None
        founded = told[0] if told else None
        if founded is not None:
            dated = [(int(founded.value.timex[:4]), "", None)]
        if frame.years and frame.years[0] in {year for year, _, _ in dated}:
            frame = _of_publication(frame, frame.years[0], article)
        event_year, label, fact = _event_year(dated, value, frame.years)
        if event_year is None:
            said = f"published {article.published.isoformat()}" if article.published else "publication date unknown"
            why = (f"“{value.event}” points back to an event named elsewhere, which these words alone do not tell"
                   if points_back(value.event) else
                   f"the reference table dates no event that “{value.event}” names")
            findings.append(finding(NAME, "unverifiable", "info",
                                    f"{said}; the {claim.text} of {value.event}: unverifiable, because {why}.",
                                    [claim]))
            continue
        falls = event_year + value.ordinal
        reference = fact_ref(fact) if fact else None
        sum_text = f"the {claim.text} of {value.event}: {label} is in {event_year}, so it falls in {event_year} + {value.ordinal} = {falls}"
        if told is not None:
            sum_text = (f"the {claim.text}: the article tells the founding (“{told[1]}”), so it falls in "
                        f"{event_year} + {value.ordinal} = {falls}")
        names_year = falls in links.sentences.of(claim).once(
            "years", lambda c=claim: {int(y) for y in re.findall(r"(?<!\d)\d{4}(?!\d)", c.sentence)})
        of_the_day = frame.kind in ("news", "unknown", "narrated") and article.published
        near = of_the_day and _day_near(fact, falls, article.published)
        covering = None if (falls in frame.years or names_year) else _covering_claim(article, claim, fact, falls)
        if falls in frame.years or names_year or covering or (of_the_day and falls == article.published.year) or near:
            where = ("the year the sentence speaks of" if falls in frame.years
                     else "a year the sentence names" if names_year
                     else f"within “{covering.text}”, a time the sentence gives" if covering
                     else "the year of publication" if falls == article.published.year
                     else f"the anniversary day, {near.isoformat()}, being {_days_apart(near, article.published)} "
                          "the publication")
            findings.append(finding(NAME, "consistent", "info", f"{sum_text}, {where} ({frame.reason}): consistent.",
                                    [claim, founded] if founded is not None else [claim], reference=reference))
            continue
        if not frame.years:
            findings.append(finding(NAME, "unverifiable", "info",
                                    f"{sum_text}; unverifiable, because {frame.reason}.",
                                    [claim, founded] if founded is not None else [claim], reference=reference))
            continue
        year = frame.years[0]
        right = year - event_year
        if frame.kind == "forthcoming":
            right_text = " or ".join(ordinal(y - event_year) for y in frame.years)
        else:
            right_text = ordinal(right)
        preferred = fact is None or fact.rank == "preferred"
        # A founding the article tells is tied to the anniversary by its noun alone: a warning.
        severity = "error" if frame.certain and preferred and founded is None else "warning"
        findings.append(finding(NAME, "discrepancy", severity,
                                f"{sum_text}, but {frame.reason}: the {right_text} anniversary would be right.",
                                [claim, founded] if founded is not None else [claim],
                                expected=f"{right_text} anniversary", observed=claim.text, reference=reference))
    return findings


def _of_publication(frame: TimeFrame, event_year: int, article: Article) -> TimeFrame:
    """ "the 75th anniversary of the battle ... June 4, Juche 26 (1937)": a sentence whose only
    year is the event's own speaks of the time of publication, not of the event (likely, not
    stated: a discrepancy is at most a warning)."""
    published = article.published
    years = (published.year,) if published else ()
    said = f"the time of publication ({published.year})" if published else "a time it does not give"
    return TimeFrame(kind="news", years=years, certain=False,
                     reason=f"the only year the sentence gives, {event_year}, is the event's own, so it speaks of {said}")


# An anniversary reported in the news is that of the nearest anniversary day: a 24 December
# one is still news in the first weeks of January, and a 1 January one in late December.
_NEAR_DAYS = 45


def _anniversary_day(fact, falls: int) -> date | None:
    """The day of the event's anniversary in year ``falls``, when the fact dates it to the day
    (a 29 February event has its anniversary on the 28th in a common year)."""
    if fact is None or fact.kind != "date" or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(fact.value)):
        return None
    month, day = int(str(fact.value)[5:7]), int(str(fact.value)[8:10])
    try:
        return date(falls, month, day)
    except ValueError:
        return date(falls, month, 28)


def _day_near(fact, falls: int, published) -> date | None:
    """The anniversary day in year ``falls``, when the fact dates its event to the day and that
    day is within ``_NEAR_DAYS`` of the publication date; else None."""
    anniversary = _anniversary_day(fact, falls)
    if anniversary is None:
        return None
    published_day = published.date() if isinstance(published, datetime) else published
    return anniversary if abs((anniversary - published_day).days) <= _NEAR_DAYS else None


def _days_apart(day: date, published) -> str:
    published_day = published.date() if isinstance(published, datetime) else published
    gap = (day - published_day).days
    return f"{gap} days after" if gap > 0 else f"{-gap} days before"


def _covering_claim(article: Article, claim: Claim, fact, falls: int) -> Claim | None:
    """A date or date range of the anniversary's own sentence that holds its day in year
    ``falls`` (or, for an event dated only to its year, meets that year): "from December 24
    last year to January 31 this year ... the 94th birth anniversary" of someone born on
    24 December."""
    day = _anniversary_day(fact, falls)
    for other in article.claims:
        if other.sentence_start != claim.sentence_start or other.kind not in ("date", "date_range"):
            continue
        if other.kind == "date":
            bounds = date_bounds(other.value.timex)
        else:
            first, last = date_bounds(other.value.start_timex), date_bounds(other.value.end_timex)
            bounds = (first[0], last[1]) if first and last else None
        if bounds is None:
            continue
        if day is not None and bounds[0] <= day <= bounds[1]:
            return other
        if day is None and bounds[0].year <= falls <= bounds[1].year:
            return other
    return None


def _dated_facts(context: CheckContext, claim: Claim) -> list[tuple[int, str, object]]:
    """(year, label, fact) for each reference fact the claim's "of ..." phrase names that dates
    its event."""
    dated = []
    for fact in context.links.facts(claim):
        timex = str(fact.value.start) if fact.kind == "date_range" else str(fact.value)
        bounds = date_bounds(timex) if fact.kind in ("date", "date_range") else None
        if bounds:
            dated.append((bounds[0].year, f"{fact.subject}, {fact.property} ({timex}, reference {fact.id})", fact))
    return dated


def _event_year(dated: list[tuple[int, str, object]], value: AnniversaryValue, years: tuple[int, ...]):
    """The year of the event from its dated facts; where several facts date it (an event
    celebrated from two founding dates), the one that fits is taken."""
    if not dated:
        return None, None, None
    fitting = [d for d in dated if d[0] + value.ordinal in years]
    return fitting[0] if fitting else dated[0]


EXAMPLES = [
    example("Veterans marked the 70th anniversary of the Korean War armistice on Thursday.",
            published="2023-07-27", expect=[("consistent", "info")]),
    example("Veterans marked the 60th anniversary of the Korean War armistice on Thursday.",
            published="2023-07-27", expect=[("discrepancy", "error")], spans=("60th anniversary",)),
    example("China and the DPRK mark 60 years of diplomatic relations this year.",
            published="2009-11-23", expect=[("consistent", "info")]),
    example("The two countries marked the 40th anniversary of diplomatic relations between the DPRK and Pakistan.",
            published="2012-11-13", expect=[("unverifiable", "info")],
            note="diplomatic relations with another country are not the PRC-DPRK ones"),
    example("Workers are busy preparing to mark the 70th anniversary of the Korean War armistice next summer.",
            published="2022-09-01", expect=[("consistent", "info")], note="an anniversary of next year"),
    example("Havana celebrated the 60th anniversary of the triumph of the Cuban Revolution.",
            published=("2018-12-20", "2019-01-10"), expect=[("consistent", "info")],
            note="the anniversary day (1 January) is days away, across the turn of the year"),
    example("A campaign ran from November 1 last year to January 31 this year to mark the first anniversary "
            "of the Yeonpyeong Island shelling.",
            published="2012-02-05", expect=[("consistent", "info")],
            note="the anniversary day lies within the period the sentence gives"),
    example("Havana celebrated the 60th anniversary of the triumph of the Cuban Revolution.",
            published="2018-06-01", expect=[("discrepancy", "warning")],
            note="seven months before the day: the year of publication is the one spoken of"),
    example("Veterans marked the 70th anniversary of the Korean War armistice, signed on July 27, 1953.",
            published="2023-07-27", expect=[("consistent", "info")],
            note="the year given is the event's own, not the time the sentence speaks of"),
    example("Veterans marked the 60th anniversary of the Korean War armistice, signed on July 27, 1953.",
            published="2023-07-27", expect=[("discrepancy", "warning")], spans=("60th anniversary",)),
    example("The school celebrated the 25th anniversary of its founding.",
            published="2015-04-01", expect=[("unverifiable", "info")]),
    example("Pupils met on Saturday for a reunion marking the school's 40th anniversary. The school opened its "
            "doors in September 1958 with 240 pupils.", published="1996-09-23",
            expect=[("discrepancy", "warning")], spans=("40th anniversary", "September 1958"),
            note="the article tells the founding of what the anniversary is of: 1958 + 40 is 1998"),
    example("The museum, founded in 1956, marked its 40th anniversary on Saturday.", published="1996-09-23",
            expect=[("consistent", "info")]),
    example("The town marked the 40th anniversary of the museum's founding. The museum was founded in 1958.",
            published="1996-09-23", expect=[("discrepancy", "warning")], spans=("40th anniversary",)),
    example("The school marked its 40th anniversary. A new wing was opened in 1958.", published="1996-09-23",
            expect=[("unverifiable", "info")], note="the wing's opening is not the school's"),
    example("The club marked its 40th anniversary. The club was founded in 1956, and its rival was founded in 1958.",
            published="1996-09-23", expect=[("consistent", "info")]),
]
