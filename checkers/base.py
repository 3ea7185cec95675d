"""What every checker shares: the article it reads, its examples, and the arithmetic of dates,
durations and qualified figures."""

from __future__ import annotations

import operator
import re
import zlib
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, repeat
from typing import TYPE_CHECKING

from figcheck.linking import ArticleLinks
from figcheck.linking.time_frame import dates_the_news
from figcheck.records import Claim, ClaimRef, CountValue, Finding, Severity, Verdict
from figcheck.reference import timex_bounds

if TYPE_CHECKING:
    from figcheck.reference import ReferenceTable

DAYS_PER_YEAR = 365.2425
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
_WORDS = re.compile(r"\w+")
_TIMEX_DURATION = re.compile(r"P(?:(?P<n>\d+(?:\.\d+)?)(?P<u>[YMWD])|T(?P<h>\d+(?:\.\d+)?)H)")
_UNIT_DAYS = {"Y": DAYS_PER_YEAR, "M": DAYS_PER_MONTH, "W": 7.0, "D": 1.0}


@dataclass
class Article:
    """One article as the checkers see it: its claims and what identifies its source."""

    doc_id: str
    claims: list[Claim]
    published: date | None = None
    title: str | None = None
    publisher: str | None = None
    # Hashes of word 8-grams, for telling an article from its near-copy (one source, not two).
    fingerprint: frozenset[int] = field(default_factory=frozenset)
    # Reference facts the article names specifically somewhere ("Korean War"): a claim that
    # says only "the war" may be matched to those.
    named_facts: Set[str] | None = None  # the ids, read when first asked (linking.names.NamedFacts)
    # The date of the article's dateline ("Pyongyang, September 5"), when it has one.
    dateline: date | None = None

    def __post_init__(self) -> None:
        self.by_id = {c.id: c for c in self.claims}


@dataclass(frozen=True)
class Example:
    """An example a checker must get right: articles in, the verdicts it gives out.

    ``expect`` lists (verdict, severity) pairs, in any order; ``spans`` are texts that must be
    among the claims of the first discrepancy (the figure that is wrong).
    """

    texts: tuple[str, ...]
    published: tuple[str | None, ...]
    expect: tuple[tuple[Verdict, Severity], ...]
    spans: tuple[str, ...] = ()
    note: str = ""


def example(
    *texts: str,
    published: str | tuple[str | None, ...] | None = None,
    expect: list[tuple[Verdict, Severity]],
    spans: tuple[str, ...] = (),
    note: str = "",
) -> Example:
    if not isinstance(published, tuple):
        published = (published,) * len(texts)
    return Example(tuple(texts), published, tuple(expect), spans, note)


@dataclass
class CheckContext:
    """What a checker may consult besides the article: the reference table, and the linking
    decisions for the article being checked (``figcheck.linking``), made once and shared by
    every checker."""

    reference: ReferenceTable | None = None
    article: Article | None = None
    _links: ArticleLinks | None = None

    @property
    def links(self) -> ArticleLinks:
        """The linking decisions for the article being checked."""
        article = self.article
        if self._links is None or article is None or self._links.claims is not article.claims:
            self._links = ArticleLinks(
                article.claims if article is not None else [],
                published=article.published if article is not None else None,
                reference=self.reference,
                named_facts=article.named_facts if article is not None else None,
                title=article.title if article is not None else None,
            )
        return self._links

    def matches(self, claim: Claim, whole: Claim | None = None) -> list:
        """The facts ``claim`` is about, best first (``ArticleLinks.facts``)."""
        return self.links.facts(claim, whole)

    def forget(self) -> None:
        """Drops the links of the article just checked (memory stays bounded)."""
        self._links = None


# --- findings ----------------------------------------------------------------------------


def finding(
    check: str,
    verdict: Verdict,
    severity: Severity,
    message: str,
    claims: list[Claim],
    *,
    key: tuple[object, ...] = (),
    expected: str | None = None,
    observed: str | None = None,
    reference=None,
) -> Finding:
    """A finding whose id depends only on the check, the claims' ids and ``key``."""
    ids = sorted(c.id for c in claims)
    return Finding(
        id=Finding.make_id(check, *ids, *key),
        check=check,
        verdict=verdict,
        severity=severity,
        message=message,
        claims=[ClaimRef.of(c) for c in claims],
        reference=reference,
        expected=expected,
        observed=observed,
    )


_SHINGLE = 8
_KEEP_ONE_IN = 4
_ASCII_NON_WORD_TO_BLANK = str.maketrans(
    {chr(i): chr(i) if chr(i).isalnum() or chr(i) == "_" else " " for i in range(128)}
)


def fingerprint(text: str) -> frozenset[int]:
    """A sample of the hashes of a text's word 8-grams: two texts sharing most of them are one
    text (a republication), whatever page furniture surrounds them. The sample is the 8-grams
    whose first word's hash is divisible by 4, so two copies sample the same 8-grams."""
    lowered = text.lower()
    # On ASCII text "\w+" is a run of [a-z0-9_]: str.translate and str.split find the same runs
    # several times faster than the regex.
    tokens = lowered.translate(_ASCII_NON_WORD_TO_BLANK).split() if lowered.isascii() else _WORDS.findall(lowered)
    # Every step from here runs in C (map, compress): this is done for every article of a run.
    words = list(map(zlib.crc32, map(str.encode, tokens)))
    count = max(0, len(words) - _SHINGLE + 1)
    if count < 64:
        starts: Iterable[int] = range(count)  # a short text keeps every 8-gram: a sample could be empty
    else:
        starts = list(compress(range(count), map(operator.not_, map(operator.mod, words, repeat(_KEEP_ONE_IN)))))
    # A tuple of ints hashes the same in every process (unlike a str), so cached
    # fingerprints stay comparable with fresh ones.
    shingles = map(slice, starts, map(operator.add, starts, repeat(_SHINGLE)))
    return frozenset(map(hash, map(tuple, map(words.__getitem__, shingles))))


def about_the_news(claim: Claim, published: date | None, recent_years: int = 1) -> bool:
    """A date of the news of the day, not of a historical event (``figcheck.linking.time_frame``)."""
    return dates_the_news(claim, published, recent_years)


# --- dates -------------------------------------------------------------------------------


def date_bounds(timex: str) -> tuple[date, date] | None:
    """The first and last day a TIMEX3 date can mean: "1950" → Jan 1 to Dec 31, 1950.
    None for what cannot be placed on a calendar ("XXXX-10-25", "2009-W47", "195")."""
    try:
        return timex_bounds(timex)
    except ValueError:
        return None


def dates_nest(first: str, second: str) -> bool:
    """Whether two dates can both be right: one lies within the other at its precision
    ("1950" and "1950-06-25"); dates not on a calendar cannot contradict anything."""
    a, b = date_bounds(first), date_bounds(second)
    if a is None or b is None:
        return True
    return (a[0] <= b[0] and b[1] <= a[1]) or (b[0] <= a[0] and a[1] <= b[1])


def rounding_years(timex: str) -> float:
    """Half of a duration's unit, in years: how far "three years" or "ten days" may be off."""
    return 0.5 * {"Y": 1.0, "M": 1 / 12, "W": 7 / DAYS_PER_YEAR, "D": 1 / DAYS_PER_YEAR}.get(timex[-1], 1.0)


def years_between(start: date, end: date) -> float:
    return (end - start).days / DAYS_PER_YEAR


def span_years(a: tuple[date, date], b: tuple[date, date]) -> tuple[float, float]:
    """The least and most time from a date somewhere in ``a`` to one somewhere in ``b``."""
    return years_between(a[1], b[0]), years_between(a[0], b[1])


# --- durations and qualified figures -----------------------------------------------------


def duration_years(timex: str | None) -> float | None:
    if not timex:
        return None
    m = _TIMEX_DURATION.fullmatch(timex)
    if not m:
        return None
    if m.group("h"):
        return float(m.group("h")) / 24 / DAYS_PER_YEAR
    return float(m.group("n")) * _UNIT_DAYS[m.group("u")] / DAYS_PER_YEAR


def stated_interval(value: float, qualifier: str, low: float | None, high: float | None, *, rounding: float) -> tuple[float, float]:
    """The values a figure as stated allows, with the slack people use when they round.

    ``rounding`` is how far an unqualified figure may be from the truth and still be fair
    ("three-year" for 3 years 1 month): half a unit for durations, nothing for exact counts.
    """
    inf = float("inf")
    match qualifier:
        case "exact":
            return value - rounding, value + rounding
        case "more_than" | "at_least":
            return value - rounding, inf
        case "less_than" | "at_most":
            # "less than a couple of days": below the vague figure's own upper bound (three).
            return -inf, max(value, high if high is not None else value) + rounding
        case "range":
            return (low if low is not None else value) - rounding, (high if high is not None else value) + rounding
        case "approx":
            lo = low if low is not None else value * 0.9
            hi = high if high is not None else value * 1.1
            # "nearly two years" for 21 months: people round more loosely than 10 %.
            spread = max(rounding, value * 0.15)
            return min(lo, value - spread), max(hi, value + (spread if hi > value else rounding))
    return -inf, inf


def count_interval(value: CountValue) -> tuple[float, float]:
    return stated_interval(value.value, value.qualifier, value.low, value.high, rounding=0.0)


def elapsed_interval(value) -> tuple[float, float] | None:
    """The years an "N years since <event>" or "N years ago" allows, in years; None without a
    length. Time since an event is told in whole years passed as often as rounded: "sixty years
    have passed" is fair from 59 years 6 months to just under 61 years."""
    stated = duration_years(value.timex) or duration_years(value.low_timex)
    if stated is None:
        return None
    lo, hi = stated_interval(stated, value.qualifier, duration_years(value.low_timex), duration_years(value.high_timex),
                             rounding=rounding_years(value.timex))
    if value.qualifier == "exact" and value.timex.endswith("Y"):
        hi = stated + 1
    return lo, hi


def describe_years(years: float) -> str:
    """3.09 → "3 years 1 month"; a span under two months in days: 0.019 → "7 days"."""
    sign = "-" if years < 0 else ""
    days = round(abs(years) * DAYS_PER_YEAR)
    if days < 60:
        return f"{sign}{days} day{'s' if days != 1 else ''}"
    months_total = round(abs(years) * 12)
    y, m = divmod(months_total, 12)
    parts = []
    if y:
        parts.append(f"{y} year{'s' if y != 1 else ''}")
    if m or not parts:
        parts.append(f"{m} month{'s' if m != 1 else ''}")
    return sign + " ".join(parts)


def fmt(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"
