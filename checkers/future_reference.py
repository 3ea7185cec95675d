"""A past event cannot be dated after the article that reports it: an article of 2023-07-27 saying
the treaty "was signed on August 3, 2023" is wrong somewhere."""

from __future__ import annotations

import re

from checkers.base import Article, CheckContext, date_bounds, example, finding
from figcheck.records import DateValue, Finding

NAME = "future_reference"
_PAST = re.compile(r"\b(?:was|were|had|did|ended|began|signed|held|opened|closed|died|killed|launched|"
                   r"visited|arrived|took place|happened|occurred|broke out|\w{3,}ed)\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|shall|would|plans?|planned|scheduled|expected|due|upcoming|next|to be|"
                     r"is to|are to|until|till|set to|aims?|hopes?|targets?|deadline)\b", re.IGNORECASE)


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
        # The words leading up to the date say how it is spoken of: "was signed on", "will open on".
        clause = claim.sentence[: claim.start - claim.sentence_start]
        if _FUTURE.search(clause) or not _PAST.search(clause):
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
]
