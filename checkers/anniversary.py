"""The Nth anniversary of an event must fall N years after it: published 2021, "the 71st
anniversary" of an event in 1950 is right (1950 + 71 = 2021)."""

from __future__ import annotations

import re

from checkers.base import Article, CheckContext, date_bounds, example, finding
from figcheck.records import AnniversaryValue, Claim, Finding
from figcheck.reference import fact_ref

NAME = "anniversary"
# Words by which a text looks ahead to an anniversary still to come.
_PROSPECTIVE = re.compile(
    r"\b(?:will|shall|next year|coming|upcoming|forthcoming|prepar\w*|ahead of|"
    r"to (?:mark|celebrate|greet|commemorate|observe|welcome|honou?r)|towards?)\b",
    re.IGNORECASE,
)


def check(article: Article, context: CheckContext) -> list[Finding]:
    findings = []
    for claim in article.claims:
        if claim.kind != "anniversary":
            continue
        value = claim.value
        assert isinstance(value, AnniversaryValue)
        year = value.observed_year or (article.published.year if article.published else None)
        if year is None:
            continue
        implied = year - value.ordinal
        said = f"in {value.observed_year}" if value.observed_year else f"published {article.published.isoformat()}"
        event_year, label, claims, fact = _event_year(article, claim, value, context, implied)
        if event_year is not None and not value.observed_year:
            # An article may look ahead to next year's anniversary ("to mark the 100th birth
            # anniversary" in 2011), or back to one of a year it names ("in 2002 on the 90th").
            falls = event_year + value.ordinal
            if (falls == year + 1 and _PROSPECTIVE.search(claim.sentence)) or str(falls) in claim.sentence:
                findings.append(finding(NAME, "consistent", "info",
                                        f"{said}; the {claim.text} of {value.event}: {label} is in {event_year}, "
                                        f"so it falls in {event_year} + {value.ordinal} = {falls}, "
                                        f"{'the year after publication' if falls == year + 1 else 'the year the sentence names'}: consistent.",
                                        [claim], reference=fact_ref(fact) if fact else None))
                continue
        if event_year is None:
            findings.append(finding(NAME, "unverifiable", "info",
                                    f"{said}; the {value.ordinal}th anniversary of {value.event} implies an event in "
                                    f"{implied}; no date for the event was found to compare.", [claim]))
            continue
        arithmetic = f"{said}; the {claim.text} of {value.event} implies {year} − {value.ordinal} = {implied}; {label} is in {event_year}"
        reference = fact_ref(fact) if fact else None
        if event_year == implied:
            findings.append(finding(NAME, "consistent", "info", f"{arithmetic}: consistent.", [claim, *claims],
                                    reference=reference))
        else:
            severity = "error" if (fact is None or fact.rank == "preferred") else "warning"
            findings.append(finding(NAME, "discrepancy", severity,
                                    f"{arithmetic}: the {year - event_year}th anniversary would be right.",
                                    [claim, *claims], expected=f"{year - event_year}th anniversary",
                                    observed=claim.text, reference=reference))
    return findings


def _event_year(article: Article, claim: Claim, value: AnniversaryValue, context: CheckContext, implied: int):
    """The year of the event from the reference facts its words match; where several facts
    date it (an event celebrated from two founding dates), the one that fits is taken."""
    if context.reference is None:
        return None, None, [], None
    # Match on the event words only: the rest of the sentence often names other things.
    probe = claim.model_copy(update={"subject": value.event, "context": value.event, "sentence": value.event})
    dated = []
    for fact in context.reference.match(probe, named_in_article=article.named_facts):
        timex = str(fact.value.start) if fact.kind == "date_range" else str(fact.value)
        bounds = date_bounds(timex) if fact.kind in ("date", "date_range") else None
        if bounds:
            dated.append((bounds[0].year, f"{fact.subject}, {fact.property} ({timex}, reference {fact.id})", fact))
    if not dated:
        return None, None, [], None
    year, label, fact = next((d for d in dated if d[0] == implied), dated[0])
    return year, label, [], fact


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
