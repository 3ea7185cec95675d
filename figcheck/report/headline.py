"""The headline of a finding: one plain sentence saying which figure, where, and what is the matter with it.

The check's own message (its arithmetic) goes under the headline; the headline is for the
reader who scans. Each check states its kind of problem in a few words here; a check without
its own words gets a general sentence naming it.
"""

from __future__ import annotations

from collections.abc import Callable

from figcheck.records import Finding
from figcheck.report.words import in_words

# What is wrong with a figure, by check: (expected, observed) in words → the end of the sentence.
_PROBLEMS: dict[str, Callable[[str, str], str]] = {
    "reference": lambda exp, obs: "disagrees with the reference table" + (f", which gives {exp}" if exp else ""),
    "cross_source": lambda exp, obs: "disagrees with other sources" + (f", which give {exp}" if exp else ""),
    "anniversary": lambda exp, obs: "does not fit the date of the event" + (f": it would be the {exp}" if exp else ""),
    "part_exceeds_whole": lambda exp, obs: "is more than its whole allows" + (f" ({exp})" if exp else ""),
    "qualifier_bounds": lambda exp, obs: "contradicts another figure in the same article"
    + (f": {obs} is not {exp}" if exp and obs else ""),
    "elapsed_time": lambda exp, obs: "does not match the dates" + (f": they make it {exp}" if exp else ""),
    "duration_vs_range": lambda exp, obs: "does not match the dates" + (f": they make it {exp}" if exp else ""),
    "future_reference": lambda exp, obs: "is told in the past tense but lies after the article's publication",
    "calendar_conversion": lambda exp, obs: "does not convert" + (f": the calendar gives {exp}" if exp else ""),
    "weekday": lambda exp, obs: "names the wrong day of the week" + (f": it was a {exp}" if exp else ""),
    "date_order": lambda exp, obs: "ends before it starts",
}

# What a verified figure was checked against, by check.
_AGAINST = {
    "reference": "the reference table",
    "cross_source": "the other sources",
    "anniversary": "the date of the event",
    "calendar_conversion": "the calendar",
    "weekday": "the calendar",
    "elapsed_time": "the dates given",
    "duration_vs_range": "the dates given",
}


def headline(finding: Finding, source: str | None) -> str:
    """``In Harbour Times, “27 July 1952” disagrees with the reference table, which gives 27 July 1953.``"""
    figure = finding.claims[0].text if finding.claims else None
    where = f"In {source}, " if source else ""
    said = f"“{' '.join(figure.split())}”" if figure else "a figure"
    subject = f"{where}{said}"
    if finding.verdict == "discrepancy":
        expected, observed = in_words(finding.expected), in_words(finding.observed)
        problem = _PROBLEMS.get(finding.check)
        if problem is not None:
            return f"{subject} {problem(expected, observed)}."
        label = finding.check.replace("_", " ")
        return f"{subject} fails the {label} check" + (f": expected {expected}." if expected else ".")
    if finding.verdict == "consistent":
        return f"{subject} agrees with {_AGAINST.get(finding.check, 'the rest of the article')}."
    return f"{subject} could not be checked."
