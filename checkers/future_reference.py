"""A past event cannot be dated after the article that reports it: an article of 2023-07-27 saying
the treaty "was signed on August 3, 2023" is wrong somewhere."""

from __future__ import annotations

import re

from checkers.base import Article, CheckContext, date_bounds, example, finding
from figcheck.linking.cues import pattern
from figcheck.records import DateValue, Finding

NAME = "future_reference"
# Lower-case only: a headline's capitalised words ("Uninterrupted Power Supply") are no verbs.
_PAST = re.compile(r"\b(?:was|were|had|did|began|held|died|arrived|took place|broke out|[a-z]{3,}ed)\b")
_FUTURE = re.compile(r"\b(?:will|shall|would|plans?|planned|scheduled|expected|due|upcoming|next|to be|"
                     r"is to|are to|until|till|set to|aims?|hopes?|targets?|deadline)\b", re.IGNORECASE)


_PROSPECTIVE = re.compile(r"\b(?:to|for|before|\w+ing|(?:is|are|will be|be) \w+ed)\b", re.IGNORECASE)
_LEAD_WORDS = 14


def _names_an_event(claim) -> bool:
    at = claim.end - claim.sentence_start
    after = claim.sentence[at : at + 8].lstrip()
    return claim.value.timex.isdigit() and after[:1].isupper()


def _lead(claim, context: CheckContext) -> str:
    """The words of the clause just before the date, back to the previous date or comma."""
    at = claim.start - claim.sentence_start
    lead_from = max(0, at - 240)
    lead = claim.sentence[lead_from:at]
    cut = max(lead.rfind(","), lead.rfind(";"))
    sentence = context.links.sentences.of(claim)
    for other in sentence.claims_between(claim.sentence_start + lead_from, claim.start):
        if other.kind == "date" and other.end <= claim.start:
            cut = max(cut, other.end - claim.sentence_start - lead_from)
    return " ".join(lead[cut + 1 :].split()[-_LEAD_WORDS:])


def _forward(lead: str) -> bool:
    """ "toward the year 2012", "by 2024", "until 2030": the date is a target, not a past event."""
    bare = re.sub(r"(?i)\s*\bthe\s+(?:year|end\s+of|spring\s+of|summer\s+of|autumn\s+of|winter\s+of)\s*$", "", lead)
    m = pattern("forward_before_date").search(bare[-24:])
    return m is not None and not bare[-24:][m.end():].strip()


def _past_verb_dates(lead: str) -> bool:
    """Whether a past-tense verb governs the date: "was signed on", not "initiated a conference
    in Pyongyang in" (there the date is the conference's, and its tense unknown)."""
    last = None
    for m in _PAST.finditer(lead):
        last = m
    if last is None:
        return False
    gap = lead[last.end():]
    # An agent ("released by the news agency (KCNA) on") does not come between verb and date.
    gap = re.sub(r"(?i)^\s*by\b.*?(?=\b(?:on|in|at)\s*$)", " ", gap)
    return len(gap.split()) <= 4 and not re.search(r"\b(?:a|an|the|its|their|his|her)\b", gap, re.IGNORECASE)


def check(article: Article, context: CheckContext) -> list[Finding]:
    if article.published is None:
        return []
    findings = []
    for claim in article.claims:
        if claim.kind != "date" or claim.value.resolved_from or claim.confidence < 0.8:
            continue
        value = claim.value
        assert isinstance(value, DateValue)
        bounds = date_bounds(value.timex)
        if bounds is None or bounds[0] <= article.published:
            continue
        if _names_an_event(claim):
            continue  # "the 2014 FIFA World Cup": the year is part of a name
        # The words leading up to the date say how it is spoken of: "was signed on", "will open on".
        lead = _lead(claim, context)
        if _FUTURE.search(lead) or _PROSPECTIVE.search(lead) or _forward(lead) or not _past_verb_dates(lead):
            continue
        findings.append(finding(NAME, "discrepancy", "warning",
                                f"The article was published on {article.published.isoformat()}, yet it speaks in the "
                                f"past tense of {claim.text} ({value.timex}), which is later.",
                                [claim], expected=f"on or before {article.published.isoformat()}", observed=value.timex))
    return findings


EXAMPLES = [
    example("The treaty was signed on August 3, 2023, in Beijing.", published="2023-07-27",
            expect=[("discrepancy", "warning")], spans=("August 3, 2023",)),
    example("The treaty will be signed on August 3, 2023, in Beijing.", published="2023-07-27", expect=[]),
    example("The treaty was signed on July 3, 2023, in Beijing.", published="2023-07-27", expect=[]),
    example("The team qualified for the 2024 Olympic Games, which took place in Paris.", published="2023-07-27", expect=[]),
    example("The factory is completed in 2025 and starts production from 2026.", published="2023-07-27", expect=[]),
    example("President Promises Uninterrupted Power Supply in 2025", published="2023-07-27", expect=[]),
    example("A meeting was held on May 9 in support of convening a conference in April 2024.",
            published="2023-07-27", expect=[]),
    example("The nation advanced toward the year 2025 with confidence.", published="2023-07-27", expect=[]),
    example("The ministry agreed to upgrade the fighters by 2025 with new funds.", published="2023-07-27", expect=[]),
    example("Delegates initiated a world congress in Lima in April, 2024.", published="2023-07-27", expect=[],
            note="the date is the congress's, whose tense the sentence does not give"),
]
