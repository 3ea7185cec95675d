"""A qualified figure ("more than 80,000") must admit the exact figure the same article gives for
the same quantity ("81,858"): 81,858 > 80,000."""

from __future__ import annotations

from checkers.base import Article, CheckContext, count_interval, example, finding, fmt
from figcheck.linking.about import head
from figcheck.records import Finding

NAME = "qualifier_bounds"
_QUALIFIED = {"more_than", "at_least", "less_than", "at_most", "approx"}
_WORDING = {
    "more_than": "more than",
    "at_least": "at least",
    "less_than": "less than",
    "at_most": "at most",
    "approx": "about",
}


def check(article: Article, context: CheckContext) -> list[Finding]:
    counts = [c for c in article.claims if c.kind == "count" and c.subject and c.confidence >= 0.6]
    qualified = [c for c in counts if c.qualifier in _QUALIFIED]
    exact = [c for c in counts if c.qualifier == "exact"]
    findings = []
    links = context.links
    by_head: dict[str | None, list] = {}
    for e in exact:
        by_head.setdefault(head(e.subject), []).append(e)
    for q in qualified:
        if vague(q):
            continue
        # Only figures of the same noun can be one quantity: no need to pair the rest.
        for e in by_head.get(head(q.subject), []):
            if not links.same_quantity(q, e).same:
                continue
            low, high = count_interval(q.value)
            value = e.value.value
            if not q.value.value or not 0.5 <= value / q.value.value <= 2:
                continue  # "more than 150 soldiers" and "four soldiers": a part, or another count
            bound = f"{_WORDING[q.qualifier]} {fmt(q.value.value)}"
            if low <= value <= high:
                findings.append(
                    finding(NAME, "consistent", "info",
                            f"{q.text} {q.subject} and {e.text} {e.subject}: {fmt(value)} is {bound}: consistent.",
                            [q, e])
                )
            else:
                findings.append(
                    finding(NAME, "discrepancy", "warning",
                            f"{q.text} {q.subject}, yet the article also gives {e.text} {e.subject}: "
                            f"{fmt(value)} is not {bound}.",
                            [q, e], expected=bound, observed=fmt(value))
                )
    return findings


def vague(claim) -> bool:
    """An amount in words whose bounds span more than a factor of three ("dozens of", "hundreds
    of"): people use these loosely, so no exact figure can be said to contradict them."""
    value = claim.value
    return (
        not any(ch.isdigit() for ch in claim.text)
        and value.low is not None and value.high is not None
        and value.low > 0 and value.high > 3 * value.low
    )


EXAMPLES = [
    example(
        "More than 40 pieces of data of 15 kinds were displayed at the museum. Displayed at the museum "
        "were dozens of kinds of evidence such as letters and cameras.",
        expect=[],
        note="'dozens' is said loosely: no exact figure contradicts it",
    ),
    example(
        "More than 80,000 young people volunteered within days. The agency said the number of such young "
        "people had reached 81,858.",
        expect=[("consistent", "info")],
    ),
    example(
        "More than 80,000 young people volunteered within days. The agency said 78,200 young people volunteered.",
        expect=[("discrepancy", "warning")],
        spans=("78,200",),
    ),
    example(
        "Nearly 1,000 flood victims were rescued on Monday. Officials later said 700 flood victims were rescued.",
        published="2021-07-20",
        expect=[("discrepancy", "warning")],
    ),
    example(
        "More than 150 NATO soldiers were killed this year. The death of four NATO soldiers was reported.",
        expect=[],
        note="a figure far below the bound is a part of it or another count, not a contradiction",
    ),
    example(
        "They dredged more than 12,000 cubic meters of mud and did 700 cubic meters of stone work.",
        expect=[],
        note="a list of measures in one sentence: different quantities",
    ),
    example(
        "More than 1,000 people attended the rally. Police said 200 people were injured.",
        expect=[],
        note="same head noun, nothing else shared: not the same quantity",
    ),
    example(
        "It rained more than 100 mm in Kaesong on Monday. The rainfall was 62 mm in Haeju.",
        expect=[],
        note="measurements of one unit at different places are different quantities",
    ),
    example(
        "Floods in Peru killed at least 55 people since May. In Chile 32 people were killed.",
        expect=[],
        note="the same count in different countries",
    ),
    example(
        "Acme Corp said its sales rose to 220 mln dlrs from 110 mln dlrs. Rival Zenith Inc had about 150 "
        "mln dlrs in sales.",
        expect=[],
        note="figures of different companies",
    ),
]
