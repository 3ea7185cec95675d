"""The linking decisions for one article, asked the same way by every check and computed once:
which reference facts a claim is tied to, what a date dates, the time a sentence speaks of,
whether two figures are one quantity, and which whole a part belongs to."""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from figcheck.linking.about import TEMPORAL_CLAUSE, DateAbout, date_about, event_named, event_word_fits, range_of, run_of, whole_of
from figcheck.linking.quantity import QuantityLink, same_quantity
from figcheck.linking.sentences import Sentence, Sentences
from figcheck.linking.words import words
from figcheck.linking.time_frame import SpokenYears, TimeFrame, date_tense, elapsed_until, frame_of, spoken_years
from figcheck.records import AnniversaryValue, Claim, DateValue, DurationValue

if TYPE_CHECKING:
    from figcheck.reference import ReferenceFact, ReferenceTable

# An event told as a clause of a definite noun and a participle: "the treaty was signed", "the
# plant was opened". The noun is the last word before the verb, the verb the participle.
_TOLD_EVENT = re.compile(
    r"^the\s+(?:[a-z][\w-]*\s+){0,3}?(?P<noun>[a-z][\w-]*)\s+(?:was|were)\s+(?:first\s+)?"
    r"(?P<verb>[a-z]+(?:ed|en)|built|held|won|fought|begun|founded|set\s+up)$",
    re.IGNORECASE,
)


# A thing's founding told with its date: "The school opened its doors in September 1958", "the
# museum, founded in 1956,", "the plant, which was built in 1970". The thing is the last word
# before the verb.
_FOUNDED = re.compile(
    r"(?P<owner>[A-Za-z][\w-]*)\s*,?\s+(?:(?:which|that)\s+)?(?:(?:was|were|had\s+been|has\s+been)\s+)?"
    r"(?:first\s+)?(?:founded|established|set\s+up|opened(?:\s+(?:its|their)\s+doors)?|inaugurated|created|"
    r"formed|built)\s+(?:in|on)\s+$",
    re.IGNORECASE,
)
# Whose anniversary: "the school's 40th anniversary", or an "of" phrase naming a founding
# ("of the founding of the school", "of the school's founding") or the thing itself.
_POSSESSOR = re.compile(r"(?P<owner>[A-Za-z][\w-]*)['’]s\s+$")
_FOUNDING_OF = re.compile(
    r"^(?:(?:the\s+)?(?:founding|foundation|establishment|opening|inauguration|creation)\s+of\s+)?"
    r"(?:(?:the|its|their)\s+)?(?P<owner>[\w\s'’-]+?)(?:['’]s\s+(?:founding|foundation|establishment|opening))?$",
    re.IGNORECASE,
)
_PRONOUNS = frozenset({"its", "their", "it", "they"})
# "The club marked its 40th anniversary": "its" is the clause's subject's.
_SUBJECT_ITS = re.compile(
    r"^\s*(?:the\s+)?(?:[\w'’-]+\s+){0,4}?(?P<owner>[\w'’-]+)\s+(?:(?:has|have|had|will|is|are|was|were)\s+)?"
    r"(?:marked|marks|mark|marking|celebrated|celebrates|celebrate|celebrating|observed|observes|commemorated|"
    r"commemorates)\s+(?:its|their)\s+$",
    re.IGNORECASE,
)


def _owner_noun(value: AnniversaryValue, sentence: Sentence, claim: Claim) -> str | None:
    """The noun of what an anniversary is of: its possessor ("the school's 40th anniversary"),
    the thing its "of" phrase names ("of the founding of the museum"), or, for "its", the
    subject of its clause ("The club marked its 40th anniversary"); None if none is told."""
    possessor = _POSSESSOR.search(sentence.before(claim, 60))
    owner = possessor.group("owner") if possessor else None
    if possessor is None and value.event and not value.event.startswith("("):
        named = _FOUNDING_OF.match(value.event.strip())
        if named and named.group(0).split()[0].lower() not in _PRONOUNS:
            folded = words(named.group("owner").split(" of ")[0])
            owner = folded[-1] if folded else None
    if owner is None or owner.lower() in _PRONOUNS:
        subject = _SUBJECT_ITS.match(sentence.text, 0, claim.start - sentence.start)
        owner = subject.group("owner") if subject else None
    folded = words(owner)
    return folded[-1] if folded else None


@dataclass
class ArticleLinks:
    """Links of one article's claims. ``named_facts`` are the facts the article names
    specifically somewhere ("Korean War"), which a common word ("the war") may then stand for."""

    claims: list[Claim]
    published: date | None = None
    reference: ReferenceTable | None = None
    named_facts: Set[str] | None = None
    title: str | None = None
    _facts: dict[tuple[str, str | None], list[ReferenceFact]] = field(default_factory=dict)
    _frames: dict[str, TimeFrame] = field(default_factory=dict)
    _dates: dict[str, DateAbout] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.sentences = Sentences(self.claims)
        self.by_id = {c.id: c for c in self.claims}

    # --- what a claim is about --------------------------------------------------------------

    def date_about(self, claim: Claim) -> DateAbout:
        found = self._dates.get(claim.id)
        if found is None:
            found = self._dates[claim.id] = date_about(claim, self.sentences.of(claim))
        return found

    def range_of(self, duration: Claim, ranges: list[Claim]) -> Claim | None:
        """The date range a stated length measures (see ``about.range_of``)."""
        return range_of(duration, ranges, self.sentences.of(duration))

    def run_of(self, duration: Claim) -> tuple[Claim, Claim] | None:
        """The dates a stated length's sentence gives for its start and its end (see
        ``about.run_of``)."""
        return run_of(duration, self.sentences.of(duration))

    def apposed_date(self, claim: Claim) -> Claim | None:
        """The date set right beside a figure, a comma apart: "founded in 1952, 35 years ago"."""
        sentence = self.sentences.of(claim)
        for other in reversed(sentence.claims_between(claim.start - 64, claim.start)):
            if other.kind == "date" and 0 <= claim.start - other.end <= 3 \
                    and sentence.text[other.end - sentence.start : claim.start - sentence.start].strip() in (",", ""):
                return other
        return None

    def whole(self, part: Claim) -> Claim | None:
        """The whole a part is a part of, when the text ties them (see ``about.whole_of``)."""
        return whole_of(part, self.sentences, self.by_id) if part.part_of else None

    def facts(self, claim: Claim, whole: Claim | None = None) -> list[ReferenceFact]:
        """The reference facts ``claim`` is about, best first: for a count, the facts its own
        noun names; for a date, the facts its own clause names as its event (not one it is
        placed after or before, not one a word like "published" shows it does not date); for an
        anniversary, the facts its "of ..." phrase names. A part ("Of them twelve were honored
        with the title of Hero") is matched on its own words, never to its whole's facts."""
        if self.reference is None:
            return []
        key = (claim.id, whole.id if whole is not None else None)
        found = self._facts.get(key)
        if found is None:
            found = self._facts[key] = self._match(claim, whole)
        return found

    def _match(self, claim: Claim, whole: Claim | None) -> list[ReferenceFact]:
        assert self.reference is not None
        named = self.named_facts
        if claim.kind == "anniversary":
            event = claim.value.event if isinstance(claim.value, AnniversaryValue) else ""
            probe = claim.model_copy(update={"subject": event, "context": event, "sentence": event})
            return self.reference.match(probe, named_in_article=named)
        if claim.kind in ("date", "date_range"):
            about = self.date_about(claim)
            probe = claim.model_copy(update={"subject": None, "context": about.clause, "sentence": about.clause})
            found = self.reference.match(probe, named_in_article=named)
            return [f for f in found if event_word_fits(about.event_word, (*f.keywords, *f.names()))]
        probe = claim
        if whole is not None and claim.context:
            probe = claim.model_copy(update={"subject": f"{claim.subject or ''} {claim.context}".strip()})
        found = self.reference.match(probe, named_in_article=named)
        if whole is not None:
            taken = {f.id for f in self.facts(whole)}
            found = [f for f in found if f.id not in taken]
        return found

    def event_facts(self, event: str, claim: Claim) -> list[ReferenceFact]:
        """The dated facts an event phrase names ("the fabrication of the treaty"), as an
        anniversary's "of ..." phrase or a duration's "since ..." phrase gives it."""
        event = event_named(event)
        if self.reference is None or not event:
            return []
        probe = claim.model_copy(update={"kind": "date", "value": DateValue(timex="XXXX"), "subject": event,
                                         "context": event, "sentence": event})
        return [f for f in self.reference.match(probe, named_in_article=self.named_facts) if f.kind in ("date", "date_range")]

    # --- when its sentence speaks -------------------------------------------------------------

    def frame(self, claim: Claim) -> TimeFrame:
        found = self._frames.get(claim.id)
        if found is None:
            found = self._frames[claim.id] = frame_of(claim, self.sentences.of(claim), self.published)
        return found

    def date_tense(self, claim: Claim) -> TimeFrame:
        """How a date is spoken of: a narrated past, looking ahead, a name, or not told."""
        return date_tense(claim, self.sentences.of(claim))

    def spoken_years(self, claim: Claim) -> SpokenYears:
        """The years the claim's sentence speaks of, as corpus consensus reads an anniversary."""
        assert self.published is not None
        return spoken_years(claim, self.sentences.of(claim), self.published)

    def elapsed_until(self, claim: Claim) -> TimeFrame:
        """Until when an "N years since <event>" is counted (see ``time_frame.elapsed_until``)."""
        return elapsed_until(claim, self.sentences.of(claim), self.published, self.since_date(claim))

    def since_date(self, claim: Claim) -> Claim | None:
        """The date of the event a duration is counted from, as the extraction tied it ("since
        the plant opened in March 1990"); not a date in a clause of another time that follows
        the event ("since the outbreak of the war when the memorial opened in 2001": 2001 is
        the memorial's, and more likely the time counted to)."""
        value = claim.value
        anchor = value.anchor if isinstance(value, DurationValue) else None
        target = self.by_id.get(anchor.claim_id or "") if anchor is not None else None
        if target is None or anchor.relation != "since" or not anchor.text:
            return target
        if target.start > claim.end:
            sentence = self.sentences.of(claim)
            between = sentence.text[claim.end - sentence.start : target.start - sentence.start]
            if TEMPORAL_CLAUSE.search(between):
                return None
        return target

    def told_earlier(self, claim: Claim) -> Claim | None:
        """The date an earlier sentence gives the event a duration is counted from, when the
        anchor tells that event as a clause of a definite noun and its verb ("since the treaty
        was signed") and an earlier date's own clause tells the same noun with the same verb
        ("the treaty that was signed there on June 28, 1919"). None when no earlier date does,
        or when two that do give different dates: the text does not then say which."""
        value = claim.value
        anchor = value.anchor if isinstance(value, DurationValue) else None
        told = _TOLD_EVENT.match(anchor.text or "") if anchor is not None else None
        if told is None:
            return None
        noun, verb = told.group("noun").lower(), told.group("verb").lower()
        same = re.compile(rf"\b{re.escape(noun)}\b.*\b{re.escape(verb)}\b", re.IGNORECASE | re.DOTALL)
        found: list[Claim] = []
        for other in self.claims:
            if other.start >= claim.start:
                break
            if other.kind != "date" or not isinstance(other.value, DateValue) or other.value.resolved_from \
                    or other.value.anchor is not None or len(other.value.timex) < 4 or not other.value.timex[:4].isdigit():
                continue
            if same.search(self.date_about(other).clause):
                found.append(other)
        if not found or len({c.value.timex for c in found}) > 1:
            return None
        return found[-1]

    def founding_of(self, claim: Claim) -> tuple[Claim, str] | None:
        """The date the article gives for the founding of what an anniversary is of, when no
        reference fact dates it: "the school's 40th anniversary" and "The school opened its doors
        in September 1958". What is founded is matched by its noun ("school"); an anniversary of
        "its founding" only by a founding told earlier in its own sentence ("The museum, founded
        in 1956, marked its 40th anniversary") or one whose clause's subject it names ("The club
        marked its 40th anniversary"). None when the article does not tell it, or tells two
        different years. Else the date and the words that tell the founding."""
        value = claim.value
        if not isinstance(value, AnniversaryValue):
            return None
        head = _owner_noun(value, self.sentences.of(claim), claim)
        found: list[tuple[Claim, str]] = []
        for other in self.claims:
            if other.kind != "date" or not isinstance(other.value, DateValue) or other.value.resolved_from \
                    or other.value.anchor is not None or not other.value.timex[:4].isdigit():
                continue
            if head is None and (other.sentence_start != claim.sentence_start or other.start > claim.start):
                continue
            before = self.sentences.of(other).before(other, 80)
            told = _FOUNDED.search(before)
            if told is None:
                continue
            if head is None or words(told.group("owner"))[-1:] == (head,):
                found.append((other, before[told.start():] + other.text))
        if not found or len({c.value.timex[:4] for c, _ in found}) > 1:
            return None
        return found[0]

    # --- one quantity -------------------------------------------------------------------------

    def same_quantity(self, a: Claim, b: Claim) -> QuantityLink:
        return same_quantity(a, b, self.sentences, self.title)
