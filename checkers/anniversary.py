"""The Nth anniversary of an event must fall N years after it: published 2021, "the 71st
anniversary" of an event in 1950 is right (1950 + 71 = 2021)."""

from __future__ import annotations

import re

from checkers.base import Article, CheckContext, date_bounds, example, finding
from figcheck.linking.about import points_back
from figcheck.records import AnniversaryValue, Claim, Finding
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
        event_year, label, fact = _event_year(claim, value, context, frame.years)
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
        names_year = falls in links.sentences.of(claim).once(
            "years", lambda c=claim: {int(y) for y in re.findall(r"(?<!\d)\d{4}(?!\d)", c.sentence)})
        if falls in frame.years or names_year or (frame.kind in ("news", "unknown", "narrated") and article.published
                                                  and falls == article.published.year):
            where = ("the year the sentence speaks of" if falls in frame.years
                     else "a year the sentence names" if names_year else "the year of publication")
            findings.append(finding(NAME, "consistent", "info", f"{sum_text}, {where} ({frame.reason}): consistent.",
                                    [claim], reference=reference))
            continue
        if not frame.years:
            findings.append(finding(NAME, "unverifiable", "info",
                                    f"{sum_text}; unverifiable, because {frame.reason}.", [claim], reference=reference))
            continue
        year = frame.years[0]
        right = year - event_year
        if frame.kind == "forthcoming":
            right_text = " or ".join(f"{y - event_year}th" for y in frame.years)
        else:
            right_text = f"{right}th"
        preferred = fact is None or fact.rank == "preferred"
        severity = "error" if frame.certain and preferred else "warning"
        findings.append(finding(NAME, "discrepancy", severity,
                                f"{sum_text}, but {frame.reason}: the {right_text} anniversary would be right.",
                                [claim], expected=f"{right_text} anniversary", observed=claim.text, reference=reference))
    return findings


def _event_year(claim: Claim, value: AnniversaryValue, context: CheckContext, years: tuple[int, ...]):
    """The year of the event from the reference facts its "of ..." phrase names; where several
    facts date it (an event celebrated from two founding dates), the one that fits is taken."""
    dated = []
    for fact in context.links.facts(claim):
        timex = str(fact.value.start) if fact.kind == "date_range" else str(fact.value)
        bounds = date_bounds(timex) if fact.kind in ("date", "date_range") else None
        if bounds:
            dated.append((bounds[0].year, f"{fact.subject}, {fact.property} ({timex}, reference {fact.id})", fact))
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
    example("The school celebrated the 25th anniversary of its founding.",
            published="2015-04-01", expect=[("unverifiable", "info")]),
]
