"""Each figure that a reference fact covers must agree with it: counts within the fact's tolerance
or bounds, dates at the precision the text gives ("1950" agrees with 1950-06-25), ranges at both
ends, lengths within the rounding people use."""

from __future__ import annotations

from datetime import timedelta

from checkers.base import (
    Article,
    CheckContext,
    about_the_news,
    count_interval,
    date_bounds,
    dates_nest,
    duration_years,
    example,
    finding,
    fmt,
    rounding_years,
    stated_interval,
)
from figcheck.records import Claim, Finding
from figcheck.reference import ReferenceFact, duration_days, fact_ref, render_value

NAME = "reference"
_CHECKED_KINDS = ("count", "date", "date_range", "duration")


def check(article: Article, context: CheckContext) -> list[Finding]:
    if context.reference is None:
        return []
    links = context.links
    findings = []
    for claim in article.claims:
        if claim.kind not in _CHECKED_KINDS or claim.confidence < 0.6 or about_the_news(claim, article.published):
            continue
        whole = links.whole(claim) if claim.part_of else None
        if claim.kind == "date":
            offset = _offset_finding(claim, links)
            if offset is not None:
                findings.append(offset)
                continue
        facts = [f for f in context.matches(claim, whole) if f.kind == claim.kind]
        if not facts:
            continue
        agreeing = [f for f in facts if agrees(claim, f)]
        usable = [f for f in agreeing if f.rank != "deprecated"]
        best = facts[0]
        if usable:
            fact = usable[0]
            findings.append(finding(NAME, "consistent", "info",
                                    f"{claim.text} agrees with {_describe(fact)}.",
                                    [claim], key=(fact.id,), reference=fact_ref(fact)))
        elif agreeing:
            fact = agreeing[0]
            findings.append(finding(NAME, "discrepancy", "warning",
                                    f"{claim.text} agrees only with a deprecated figure, {_describe(fact)}; "
                                    f"the current one is {_describe(best)}.",
                                    [claim], key=(best.id,), reference=fact_ref(best),
                                    expected=render_value(best), observed=claim.text))
        else:
            severity = {"preferred": "error", "normal": "warning", "deprecated": "info"}[best.rank]
            noted = ("; only noted, because the table keeps that figure as deprecated (superseded or doubtful)"
                     if best.rank == "deprecated" else "")
            findings.append(finding(NAME, "discrepancy", severity,
                                    f"{claim.text} ({_claim_value(claim)}) disagrees with {_describe(best)}{noted}.",
                                    [claim], key=(best.id,), reference=fact_ref(best),
                                    expected=render_value(best), observed=_claim_value(claim)))
    return findings


def _offset_finding(claim: Claim, links) -> Finding | None:
    """A date placed after or before a dated event ("Sept. 10, 1948, a day after the
    proclamation of the DPRK founding"): the offset is arithmetic to do, not a mismatch."""
    about = links.date_about(claim)
    offset = about.offset
    if offset is None:
        return None
    bounds = date_bounds(claim.value.timex)
    for fact in links.event_facts(offset.event, claim):
        fact_bounds = date_bounds(str(fact.value.start) if fact.kind == "date_range" else str(fact.value))
        if bounds is None or fact_bounds is None:
            continue
        shift = timedelta(days=offset.days)
        slack = timedelta(days=offset.slack_days)
        low, high = fact_bounds[0] + shift - slack, fact_bounds[1] + shift + slack
        arithmetic = (f"{claim.text} is {offset.duration.text} {'after' if offset.days >= 0 else 'before'} "
                      f"{_describe(fact)}: {fact_bounds[0].isoformat()} {'+' if offset.days >= 0 else '−'} "
                      f"{offset.duration.text} is {(fact_bounds[0] + shift).isoformat()}")
        claims = [claim, offset.duration]
        if bounds[0] <= high and low <= bounds[1]:
            return finding(NAME, "consistent", "info", f"{arithmetic}: consistent.", claims, key=(fact.id, "offset"),
                           reference=fact_ref(fact))
        return finding(NAME, "discrepancy", "warning", f"{arithmetic}, not {claim.value.timex}.", claims,
                       key=(fact.id, "offset"), reference=fact_ref(fact),
                       expected=(fact_bounds[0] + shift).isoformat(), observed=claim.value.timex)
    return None


def _describe(fact: ReferenceFact) -> str:
    return f"{fact.subject}, {fact.property}: {render_value(fact)} (reference {fact.id}, {fact.rank})"


def _claim_value(claim: Claim) -> str:
    v = claim.value
    match claim.kind:
        case "count":
            return fmt(v.value) if v.qualifier == "exact" else f"{v.qualifier.replace('_', ' ')} {fmt(v.value)}"
        case "date":
            return v.timex
        case "date_range":
            return f"{v.start_timex}/{v.end_timex}"
        case "duration":
            return v.timex if not v.low_timex else f"{v.low_timex}–{v.high_timex}"
    return claim.text


def agrees(claim: Claim, fact: ReferenceFact) -> bool:
    """Whether the claim can be true if the fact is."""
    v = claim.value
    if claim.kind == "count":
        low, high = count_interval(v)
        tolerance = fact.tolerance or 0.0
        fact_low = float(fact.low) if fact.low is not None else float(fact.value) - tolerance
        fact_high = float(fact.high) if fact.high is not None else float(fact.value) + tolerance
        return low <= fact_high and fact_low <= high
    if claim.kind == "date":
        return dates_nest(v.timex, str(fact.value))
    if claim.kind == "date_range":
        return dates_nest(v.start_timex, str(fact.value.start)) and dates_nest(v.end_timex, str(fact.value.end))
    if claim.kind == "duration":
        stated = duration_years(v.timex) or duration_years(v.low_timex)
        if stated is None:
            return True
        low, high = stated_interval(stated, v.qualifier, duration_years(v.low_timex), duration_years(v.high_timex),
                                    rounding=rounding_years(v.timex))
        years = [duration_days(str(x)) / 365.2425 for x in (fact.value, fact.low, fact.high) if x is not None]
        return low <= max(years) and min(years) <= high
    return True


EXAMPLES = [
    example("The Korean War broke out on June 25, 1950, when troops crossed the border.",
            published="2013-06-25", expect=[("consistent", "info")]),
    example("The Korean War broke out on June 27, 1950, when troops crossed the border.",
            published="2013-06-25", expect=[("discrepancy", "error")], spans=("June 27, 1950",)),
    example("The government awarded DPRK orders and medals to 661,736 Chinese People's Volunteers.",
            published="2013-06-25", expect=[("consistent", "info")]),
    example("The government awarded DPRK orders and medals to 600,000 Chinese People's Volunteers.",
            published="2013-06-25", expect=[("discrepancy", "error")], spans=("600,000",)),
]
