"""A range must not end before it starts ("from March 2004 to May 2003")."""

from __future__ import annotations

from checkers.base import Article, CheckContext, date_bounds, example, finding
from figcheck.records import DateRangeValue, Finding

NAME = "date_order"


def check(article: Article, context: CheckContext) -> list[Finding]:
    findings = []
    for claim in article.claims:
        if claim.kind != "date_range":
            continue
        value = claim.value
        assert isinstance(value, DateRangeValue)
        start, end = date_bounds(value.start_timex), date_bounds(value.end_timex)
        if start is None or end is None:
            continue
        if end[1] < start[0] and value.resolved_from and end[1].year == start[0].year:
            # "from April 1 to March 31" with no year given: it runs into the next year.
            continue
        if end[1] < start[0]:
            findings.append(finding(NAME, "discrepancy", "error",
                                    f"{claim.text} ends ({value.end_timex}) before it starts ({value.start_timex}).",
                                    [claim], expected=f"an end after {value.start_timex}", observed=value.end_timex))
    return findings


EXAMPLES = [
    example("The strike lasted from March 2004 to May 2003.", expect=[("discrepancy", "error")],
            spans=("from March 2004 to May 2003",)),
    example("The strike lasted from March 2003 to May 2004.", expect=[]),
    example("The fiscal year runs from April 1 to March 31.", published="2012-05-01", expect=[],
            note="no year given: the range runs into the next year"),
]
