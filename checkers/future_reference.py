"""A past event cannot be dated after the article that reports it: an article of 2023-07-27 saying
the treaty "was signed on August 3, 2023" is wrong somewhere."""

from __future__ import annotations

from checkers.base import Article, CheckContext, date_bounds, example, finding
from figcheck.records import DateValue, Finding

NAME = "future_reference"


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
        tense = context.links.date_tense(claim)
        if tense.kind != "narrated":
            continue  # a name, a target, a plan, or no past verb that dates it
        findings.append(finding(NAME, "discrepancy", "warning",
                                f"The article was published on {article.published.isoformat()}, yet it speaks in the "
                                f"past tense of {claim.text} ({value.timex}), which is later ({tense.reason}).",
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
