"""A weekday stated with a date ("Tuesday, July 26, 2022") must be the day that date falls on."""

from __future__ import annotations

from datetime import date

from checkers.base import Article, CheckContext, example, finding
from figcheck.records import DateValue, Finding

NAME = "weekday"
_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def check(article: Article, context: CheckContext) -> list[Finding]:
    findings = []
    for claim in article.claims:
        if claim.kind != "date" or claim.value.stated_weekday is None:
            continue
        value = claim.value
        assert isinstance(value, DateValue)
        try:
            day = date.fromisoformat(value.timex)
        except ValueError:
            continue  # no full date to check the weekday against
        stated = _NAMES[value.stated_weekday]
        actual = _NAMES[day.weekday()]
        how = " (the year taken from the publication date)" if value.resolved_from else ""
        if stated == actual:
            findings.append(finding(NAME, "consistent", "info", f"{day.isoformat()} is a {actual}{how}: consistent.", [claim]))
        else:
            findings.append(finding(NAME, "discrepancy", "error" if not value.resolved_from else "warning",
                                    f"{claim.text}: {day.isoformat()} is a {actual}, not a {stated}{how}.",
                                    [claim], expected=actual, observed=stated))
    return findings


EXAMPLES = [
    example("The summit opened on Tuesday, July 26, 2022, in Geneva.", expect=[("consistent", "info")]),
    example("The summit opened on Monday, July 26, 2022, in Geneva.", expect=[("discrepancy", "error")],
            spans=("Monday, July 26, 2022",)),
    example("Talks resume on Friday, March 3.", published="2023-02-27", expect=[("consistent", "info")]),
    example("Talks resume on Thursday, March 3.", published="2023-02-27", expect=[("discrepancy", "warning")]),
]
