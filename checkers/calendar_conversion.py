"""A Juche year given with its Gregorian year ("Juche 39 (1950)") must convert: Juche 1 = 1912,
so Juche N = N + 1911."""

from __future__ import annotations

from checkers.base import Article, CheckContext, example, finding
from figcheck.extraction.dates import JUCHE_EPOCH
from figcheck.records import DateValue, Finding

NAME = "calendar_conversion"


def check(article: Article, context: CheckContext) -> list[Finding]:
    findings = []
    for claim in article.claims:
        if claim.kind != "date" or claim.value.calendar != "juche" or claim.value.stated_gregorian_year is None:
            continue
        value = claim.value
        assert isinstance(value, DateValue)
        converted = value.calendar_year + JUCHE_EPOCH
        arithmetic = f"Juche {value.calendar_year} = {value.calendar_year} + {JUCHE_EPOCH} = {converted}"
        if converted == value.stated_gregorian_year:
            findings.append(finding(NAME, "consistent", "info", f"{arithmetic}: consistent.", [claim]))
        else:
            findings.append(finding(NAME, "discrepancy", "error",
                                    f"{claim.text}: {arithmetic}, not {value.stated_gregorian_year}.",
                                    [claim], expected=str(converted), observed=str(value.stated_gregorian_year)))
    return findings


EXAMPLES = [
    example("Volunteers arrived on October 25, Juche 39 (1950).", expect=[("consistent", "info")]),
    example("The plant was built in Juche 101 (2012).", expect=[("consistent", "info")]),
    example("Volunteers arrived on October 25, Juche 39 (1951).", expect=[("discrepancy", "error")],
            spans=("October 25, Juche 39 (1951)",)),
]
