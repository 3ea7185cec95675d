"""The year an article implies for a named event ("the 66th anniversary of the founding of the
WPK", published in 2011, implies 1945; "66 years have passed since ...") must agree with the year
other independent sources agree on: when at least three of them, and 80% of them, give one year,
an article that implies another is flagged, quoting them. An article and its near-copy, and one
publisher's articles of one day, are one source. A sentence that does not say when it speaks
(it may tell of an earlier celebration) is only noted. An event the reference table dates is
left to the anniversary and elapsed_time checks."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from checkers.base import (
    Article,
    CheckContext,
    date_bounds,
    elapsed_interval,
    example,
    finding,
    years_between,
)
from checkers.cross_source import Entry, Held, Quoted, Source
from figcheck.linking.consensus import Consensus, Witness, consensus, event_key, independent_groups, source_keys
from figcheck.linking.time_frame import SpokenYears, looks_ahead
from figcheck.records import AnniversaryValue, Claim, DurationValue, Finding

NAME = "consensus"
_TAG = "consensus"
# Readings of an event that vote, in the order collected: enough for any majority, and a bound
# on the search for near-copies among them (quadratic). Those collected after them do not
# vote but are judged all the same, against the voters.
_MAX_PER_EVENT = 400
_QUOTE_CHARS = 160
# What introduces an anniversary as the occasion of the sentence's news, just before it
# (maybe with an owner: "to mark the DPRK's 63rd anniversary").
_OCCASION = re.compile(
    r"(?:\b(?:on the occasions? of|to (?:celebrate|commemorate|greet|observe|hail|honou?r)|mark(?:s|ed|ing)?|"
    r"in (?:commemoration|celebration|honou?r) of|on|for|at|dedicat\w+(?:\s+[\w'’-]+){0,4}\s+to|"
    r"run-up to|(?:day|days|week) (?:before|after))"
    r"|(?:day|\d)\s*,)"  # "on Wednesday, the 11th anniversary": the day is the anniversary
    r"\s+(?:the\s+)?(?-i:[A-Z][\w'’.-]*\s+){0,4}$",
    re.IGNORECASE,
)
# An anniversary joined to one before it ("to mark the 12th anniversary of X and the 5th
# anniversary of Y") is introduced as that one is.
_JOINED = re.compile(r"\band\s+(?:the\s+)?$", re.IGNORECASE)
_ANNIVERSARY_BEFORE = re.compile(r"\b\w+(?:st|nd|rd|th)\s+(?:\w+\s+)?(?:anniversary|birthday)\b", re.IGNORECASE)


# --- what an article gives ---------------------------------------------------------------


def entries(article: Article, context: CheckContext) -> list[Entry]:
    """The article's readings of named events' years, keyed by the event: anniversaries, and
    "N years since <event>" measured to the day of writing. The key carries the publication
    date and the years the sentence itself speaks of; the fact id is that of a reference fact
    dating the event, if the table has one (then the table, not the corpus, judges it)."""
    if article.published is None:
        return []
    out = []
    links = context.links
    for claim in article.claims:
        phrase = _event_phrase(claim)
        if phrase and claim.kind == "duration" and links.elapsed_until(claim).kind != "news":
            continue  # not counted to the day of writing: no year of the event to read from it
        key = event_key(phrase, _following(claim, phrase)) if phrase else None
        if key is None:
            continue
        facts = links.event_facts(phrase, claim)
        fact = facts[0].id if facts else None
        out.append(Entry((_TAG, key, article.published.isoformat(), links.spoken_years(claim).encode()), fact, claim))
    return out


def _event_phrase(claim: Claim) -> str | None:
    if claim.kind == "anniversary" and claim.confidence >= 0.6:
        return claim.value.event
    if claim.kind == "duration":
        anchor = claim.value.anchor
        if anchor is not None and anchor.claim_id is None and anchor.relation == "since" and anchor.text:
            return anchor.text
    return None


def _following(claim: Claim, phrase: str) -> str:
    """The words of the claim's sentence after its event phrase."""
    at = claim.sentence.find(phrase, max(0, claim.start - claim.sentence_start))
    return claim.sentence[at + len(phrase):] if at >= 0 else ""


@dataclass(frozen=True)
class Reading:
    """The years one claim can give its event: ``year`` under its most likely reading (None
    when that is not one year: "N years since", or a sentence of several years), every year a
    reasonable reading allows, and whether the sentence states the time it speaks of."""

    kind: str
    year: int | None
    allowed: frozenset[int]
    stated: bool
    how: str
    # Whether the anniversary is the occasion of what the sentence reports ("met on Monday to
    # mark the 61st anniversary"), rather than of another event it tells of ("photos of the
    # parade celebrating the 65th anniversary").
    occasion: bool = True


def reading(claim: Claim, published: date, frame: SpokenYears | None = None) -> Reading | None:
    value = claim.value
    frame = frame or SpokenYears()
    if isinstance(value, AnniversaryValue):
        news = frame.news or (published.year,)
        when = published.year if published.year in news else news[0] if len(news) == 1 else None
        if frame.named and not frame.news:
            when = None  # "in 1985 marking the 40th anniversary", "last year": which time is not known
        year = when - value.ordinal if when is not None else None
        allowed = {y - value.ordinal for y in news + frame.named}
        if (not frame.news or frame.year_end) and looks_ahead(claim.sentence):
            # Next year's anniversary, looked ahead to ("on December 24 ... to commemorate the
            # 70th birth anniversary" of February); not when a date places the sentence in the
            # news of a day earlier in the year ("met on Monday to mark the 62nd anniversary").
            allowed.update(y + 1 for y in list(allowed))
        said = f"in {when}" if when is not None and when != published.year else f"published {published.isoformat()}"
        lead = claim.sentence[: max(0, claim.start - claim.sentence_start)]
        implied = f"implies {when} − {value.ordinal} = {year}" if year is not None else (
            f"implies one of {', '.join(map(str, sorted(allowed)))}")
        return Reading("anniversary", year, frozenset(allowed), bool(frame.news), f"{said}, the {claim.text} {implied}",
                       occasion=_introduced_as_occasion(lead))
    if isinstance(value, DurationValue):
        interval = elapsed_interval(value) if value.timex.endswith("Y") else None
        if interval is None:
            return None
        lo, hi = interval
        # Every year from which the time to publication can be what the text says.
        allowed = set()
        for year in range(published.year - int(min(hi, 3000)) - 1, published.year - int(max(lo, 0)) + 1):
            bounds = date_bounds(str(year))
            if bounds is None:
                continue
            least, most = years_between(bounds[1], published), years_between(bounds[0], published)
            if most >= lo and least <= hi:
                allowed.add(year)
        if not allowed:
            return None
        span = f"{min(allowed)}" if len(allowed) == 1 else f"{min(allowed)}–{max(allowed)}"
        return Reading("elapsed", None, frozenset(allowed), True,
                       f"published {published.isoformat()}, {claim.text} since implies {span}")
    return None


# --- what the corpus agrees on -----------------------------------------------------------


class _Member(NamedTuple):
    """One reading as an event's group keeps it: what the findings and the report name of its
    claim, its reading (made when it is collected), and its source, shared with the article's
    other members."""

    claim: Quoted
    reading: Reading
    phrase: str  # the event as the claim words it
    fact_id: str | None
    held: Held
    published: str  # ISO date

    @property
    def witness(self) -> Witness:
        return Witness(self.held.doc_id, self.held.publisher, self.published, self.held.fingerprint)


class _Judged(NamedTuple):
    """A reading collected after an event's voters: judged against them, without a vote, so
    kept without its source's fingerprint (only a voter's is compared for near-copies)."""

    claim: Quoted
    reading: Reading
    phrase: str
    fact_id: str | None
    publisher: str | None
    published: str  # ISO date


@dataclass(frozen=True)
class EventConsensus:
    """One event as the corpus dates it: the key, the consensus, and the readings behind it."""

    key: str
    consensus: Consensus | None
    members: tuple[_Member, ...]
    readings: tuple[Reading, ...]
    fact_ids: frozenset[str]
    groups: tuple[int, ...] = ()  # the independent source of each member
    source_years: dict[int, frozenset[int]] = field(default_factory=dict)  # years each source gives

    def quotes(self, year: int | None = None, count: int = 2) -> list[tuple[str, str]]:
        """(doc id, quote) of the first ``count`` independent sources that give ``year`` (the
        consensus by default), those whose sentence states its time first."""
        year = year if year is not None else self.consensus.year if self.consensus else None
        out: list[tuple[str, str]] = []
        seen_sources = set()
        ranked = sorted(zip(self.members, self.groups, self.readings), key=lambda item: not item[2].stated)
        for member, group, read in ranked:
            if year is None or read.year != year or group in seen_sources:
                continue
            seen_sources.add(group)
            out.append((member.held.doc_id, quote(member.claim)))
            if len(out) == count:
                break
        return out

    @property
    def phrase(self) -> str:
        """The event as one agreeing article words it."""
        for member, read in zip(self.members, self.readings):
            if self.consensus is not None and read.year == self.consensus.year:
                return member.phrase or self.key
        return self.key


def _introduced_as_occasion(lead: str) -> bool:
    """Whether the words before an anniversary introduce it as the occasion of the news."""
    if _JOINED.search(lead):
        earlier = list(_ANNIVERSARY_BEFORE.finditer(lead))
        if earlier:
            lead = lead[: earlier[-1].start()]
    return _OCCASION.search(lead) is not None


def _other_time(read: Reading, agreed: int, published: date) -> str | None:
    """Why a reading that disagrees may still be right, or None. A sentence that does not
    say when it speaks may narrate an earlier celebration ("the parade celebrating the 65th
    anniversary", read a year later): its anniversary then implies a later year than the
    event's, never an earlier one; one year earlier is a celebration still to come."""
    if read.kind != "anniversary":
        return None
    if read.year is None:
        return "the sentence names other years and which one it speaks of is not known"
    gap = read.year - agreed
    if gap > 0 and not (read.stated and read.occasion):
        why = ("the anniversary is that of another event the sentence tells of, not the occasion of its news"
               if read.stated else "the sentence does not say when it speaks")
        return f"{why}, and it would be right of a celebration in {published.year - gap}"
    if gap == -1 and not read.stated:
        return f"the sentence does not say when it speaks, and it would be right of a celebration in {published.year + 1}"
    return None


def quote(claim: Claim) -> str:
    """The claim's sentence, cut to about ``_QUOTE_CHARS`` characters around the claim."""
    sentence = " ".join(claim.sentence.split())
    if len(sentence) <= _QUOTE_CHARS:
        return sentence
    at = max(0, claim.start - claim.sentence_start)
    begin = max(0, min(at - _QUOTE_CHARS // 3, len(sentence) - _QUOTE_CHARS))
    end = begin + _QUOTE_CHARS
    # Whole words only: move the cuts to the spaces around them.
    if begin:
        begin = sentence.find(" ", begin) + 1 or begin
    if end < len(sentence):
        end = sentence.rfind(" ", begin, end) if sentence.rfind(" ", begin, end) > begin else end
    return ("…" if begin else "") + sentence[begin:end].strip() + ("…" if end < len(sentence) else "")


@dataclass
class CorpusConsensus:
    """Collects readings article by article (from entries, which may come from other
    processes), then dates each event by the agreement of independent sources."""

    min_sources: int = 3
    min_share: float = 0.8
    # The readings of each event (a claim that gives its event no year is not kept).
    events: dict[str, list[_Member]] = field(default_factory=lambda: defaultdict(list))
    # The table the entries' fact ids come from (an event it dates is left to the table's checks).
    reference: object = None
    # Claims collected per event, whether or not they give it a year: the first _MAX_PER_EVENT
    # vote, the readings of the rest are judged against them.
    collected: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    judged: dict[str, list[_Judged]] = field(default_factory=lambda: defaultdict(list))

    def add_entries(self, source: Source | Held, found: list[Entry]) -> None:
        held = source if isinstance(source, Held) else None
        for entry in found:
            if not entry.key or entry.key[0] != _TAG:
                continue
            _, key, published, frame = entry.key
            votes = self.collected[key] < _MAX_PER_EVENT
            self.collected[key] += 1
            claim = entry.claim
            read = reading(claim, date.fromisoformat(published), SpokenYears.decode(frame))
            if read is None:
                continue
            if not votes:
                self.judged[key].append(_Judged(Quoted.of(claim, source.doc_id), read, _event_phrase(claim), entry.fact_id,
                                                source.publisher, published))
                continue
            held = held or Held.of(source)
            self.events[key].append(_Member(Quoted.of(claim, held.doc_id), read, _event_phrase(claim), entry.fact_id,
                                            held, published))

    def dated_events(self) -> list[EventConsensus]:
        out = []
        for key, members in sorted(self.events.items()):
            kept = [(m, m.reading) for m in members]
            if not kept:
                continue
            groups = independent_groups([m.witness for m, _ in kept])
            # Only exact readings (anniversaries) vote; a span ("N years since") is checked.
            by_source: dict[int, set[int]] = defaultdict(set)
            for (_, read), group in zip(kept, groups):
                if read.year is not None:
                    by_source[group].add(read.year)
            out.append(EventConsensus(key, self._agreement(by_source.values()), tuple(m for m, _ in kept),
                                      tuple(r for _, r in kept), frozenset(m.fact_id for m, _ in kept if m.fact_id),
                                      tuple(groups), {g: frozenset(ys) for g, ys in by_source.items()}))
        return out

    def _voter_groups(self, event: EventConsensus):
        """For each reading judged without a vote, the voters' source it belongs to (the same
        article, or its publisher's articles of that day), or None: near-copies are not looked
        for, as its fingerprint is not kept."""
        first_of: dict[tuple, int] = {}
        for member, group in zip(event.members, event.groups):
            for key in source_keys(member.held.doc_id, member.held.publisher, member.published):
                first_of.setdefault(key, group)
        for member in self.judged.get(event.key, ()):
            keys = source_keys(member.claim.doc_id, member.publisher, member.published)
            yield next((first_of[key] for key in keys if key in first_of), None)

    def _agreement(self, source_years) -> Consensus | None:
        return consensus(source_years, min_sources=self.min_sources, min_share=self.min_share)

    def findings(self) -> list[Finding]:
        """Each reading against the consensus of the other independent sources (its own source
        left out, so that one wrong figure cannot hide in a small group): consistent, a
        warning, or unverifiable when another time of the sentence would explain it."""
        out = []
        for event in self.dated_events():
            judged = [(m, m.reading, group) for m, group in zip(self.judged.get(event.key, ()), self._voter_groups(event))]
            for member, read, group in [*zip(event.members, event.readings, event.groups), *judged]:
                if member.fact_id:
                    continue  # the table dates the event: the anniversary and elapsed_time checks judge it
                others = self._agreement(years for g, years in event.source_years.items() if g != group)
                agreed = event.consensus if event.consensus and event.consensus.year in read.allowed else others
                if agreed is None:
                    continue
                about = f"the year of {member.phrase}"
                said = agreed.describe(others=agreed is others)
                if agreed.year in read.allowed:
                    out.append(finding(NAME, "consistent", "info", f"{read.how}; {said}: consistent.",
                                       [member.claim], key=(event.key,)))
                    continue
                reason = _other_time(read, agreed.year, date.fromisoformat(member.published))
                if reason:
                    out.append(finding(NAME, "unverifiable", "info",
                                       f"{read.how} for {about}, while {said}; unverifiable, because {reason}.",
                                       [member.claim], key=(event.key,)))
                    continue
                cited = " and ".join(f"“{text}” ({doc})" for doc, text in event.quotes(agreed.year))
                out.append(finding(NAME, "discrepancy", "warning",
                                   f"{read.how} for {about}, but {said}, e.g. {cited}.",
                                   [member.claim], key=(event.key,), expected=str(agreed.year),
                                   observed=", ".join(str(y) for y in sorted(read.allowed))))
        return out


EXAMPLES = [
    example("Delegates met on Monday to mark the 61st anniversary of the founding of the Ruritanian Potters' Guild.",
            "A reception was given on Tuesday for the 61st anniversary of the founding of the Ruritanian Potters' Guild.",
            "Exhibitions open across the country on the 61st anniversary of the founding of the Ruritanian Potters' Guild.",
            "Sixty-one years have passed since the founding of the Ruritanian Potters' Guild, the speaker said.",
            published=("2011-03-07", "2011-03-08", "2011-03-09", "2011-03-10"),
            expect=[("consistent", "info")] * 4),
    example("Delegates met on Monday to mark the 61st anniversary of the founding of the Ruritanian Potters' Guild.",
            "A reception was given on Tuesday for the 61st anniversary of the founding of the Ruritanian Potters' Guild.",
            "Exhibitions open across the country on the 61st anniversary of the founding of the Ruritanian Potters' Guild.",
            "Potters in Vell gathered on Thursday for the 61st anniversary of the founding of the Ruritanian Potters' Guild.",
            "Veterans recalled on Friday the 65th anniversary of the founding of the Ruritanian Potters' Guild.",
            published=("2011-03-07", "2011-03-08", "2011-03-09", "2011-03-10", "2011-03-11"),
            expect=[("consistent", "info")] * 4 + [("discrepancy", "warning")], spans=("65th anniversary",),
            note="four sources of five agree: 80%"),
    example("Delegates met on Monday to mark the 61st anniversary of the founding of the Ruritanian Potters' Guild.",
            "A reception was given on Tuesday for the 61st anniversary of the founding of the Ruritanian Potters' Guild.",
            "Exhibitions open across the country on the 61st anniversary of the founding of the Ruritanian Potters' Guild.",
            "Forty years have passed since the founding of the Ruritanian Potters' Guild, the speaker said.",
            published=("2011-03-07", "2011-03-08", "2011-03-09", "2011-03-10"),
            expect=[("consistent", "info")] * 3 + [("discrepancy", "warning")], spans=("Forty years",),
            note="N years since an event the corpus dates"),
    example("Delegates met on Monday to mark the 61st anniversary of the founding of the Ruritanian Potters' Guild.",
            "A reception was given on Monday for the 61st anniversary of the founding of the Ruritanian Potters' Guild.",
            "Veterans recalled on Monday the 65th anniversary of the founding of the Ruritanian Potters' Guild.",
            published="2011-03-07", expect=[],
            note="two sources that agree are not a consensus, against the third or with it"),
    example("Delegates met on Monday to mark the 61st anniversary of its founding.",
            "A reception was given on Tuesday for the 61st anniversary of its founding.",
            "Exhibitions open across the country on the 61st anniversary of its founding.",
            "Veterans recalled on Friday the 65th anniversary of its founding.",
            published=("2011-03-07", "2011-03-08", "2011-03-09", "2011-03-10"), expect=[],
            note="'its founding' names no event that is the same in every article"),
]
