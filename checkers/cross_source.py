"""Different sources stating the same figure must agree: claims about one quantity or event in
different articles (grouped by the reference fact they match, or by the named event they date)
are compared within their group; agreement is recorded as corroboration. An article and its
near-copy are one source, not two."""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from checkers.base import (
    Article,
    CheckContext,
    about_the_news,
    count_interval,
    dates_nest,
    example,
    finding,
)
from figcheck.linking.consensus import near_copies, publisher_key
from figcheck.records import Claim, Finding
from figcheck.reference import fact_ref

NAME = "cross_source"
# Claims kept per group, bounded in memory: of one publisher (whose articles are one source,
# compared by its first), its first few; of the rest, the first _MAX_PER_GROUP. So a publisher
# that fills a group does not keep out the sources that come after it.
_MAX_PER_GROUP = 200
_MAX_PER_PUBLISHER = 3
_NAME_KEY = re.compile(r"[^a-z0-9 ]+")


class Quoted(NamedTuple):
    """What a finding names of a claim (``ClaimRef.of`` reads these fields), kept in a group
    instead of the whole parsed claim: the groups grow with the corpus."""

    id: str
    doc_id: str
    start: int
    end: int
    text: str
    sentence: str
    sentence_start: int

    @classmethod
    def of(cls, claim: Claim, doc_id: str | None = None) -> Quoted:
        """``doc_id``: the source's own string, shared by all its members."""
        return cls(claim.id, doc_id or claim.doc_id, claim.start, claim.end, claim.text, claim.sentence,
                   claim.sentence_start)


class Held(NamedTuple):
    """A source as the groups keep it, one per article however many of its claims they hold:
    its fingerprint packed (8 bytes a hash rather than a set of Python ints), unpacked by
    ``fingerprint`` where near-copies are looked for."""

    doc_id: str
    packed: bytes
    publisher: str | None
    title: str | None

    @classmethod
    def of(cls, source: Source) -> Held:
        return cls(source.doc_id, array("q", sorted(source.fingerprint)).tobytes(), source.publisher, source.title)

    @property
    def fingerprint(self) -> frozenset[int]:
        packed = array("q")
        packed.frombytes(self.packed)
        return frozenset(packed)


class _Member(NamedTuple):
    claim: Quoted
    kind: str
    value: object  # what ``_agree`` compares (see ``_compared``)
    held: Held

    @property
    def source(self) -> str:
        return self.held.doc_id


@dataclass(frozen=True)
class Entry:
    """One claim filed under one group key; computed where the article is checked (possibly
    another process), merged where the groups are kept."""

    key: tuple
    fact_id: str | None
    claim: Claim


@dataclass(frozen=True)
class Source:
    doc_id: str
    fingerprint: frozenset[int]
    publisher: str | None
    title: str | None


def entries(article: Article, context: CheckContext) -> list[Entry]:
    """The group keys of an article's claims: the fact each matches, or the named event it dates."""
    out = []
    for claim in article.claims:
        if about_the_news(claim, article.published):
            continue  # "on Monday", "July 26, 2023": the day's news, not a shared fact
        whole = article.by_id.get(claim.part_of) if claim.part_of else None
        for key, fact in _keys(claim, context, whole):
            out.append(Entry(key, fact.id if fact is not None else None, claim))
    return out


@dataclass
class CrossSource:
    """Collects claims article by article, keyed so that only claims about the same thing meet;
    compares within each group at the end. Memory grows with the groups, not with the corpus."""

    reference: object = None  # the ReferenceTable the fact ids come from
    groups: dict[tuple, list[_Member]] = field(default_factory=lambda: defaultdict(list))
    # How many claims of each (group, publisher) came, and how many without a publisher were kept.
    kept_of: dict[tuple, int] = field(default_factory=lambda: defaultdict(int))
    without_publisher: dict[tuple, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, article: Article, context: CheckContext) -> None:
        source = Source(article.doc_id, article.fingerprint, article.publisher, article.title)
        self.add_entries(source, entries(article, context))

    def add_entries(self, source: Source | Held, found: list[Entry]) -> None:
        held = source if isinstance(source, Held) else None
        publisher = publisher_key(source.publisher) if source.publisher else None
        for entry in found:
            members = self.groups[entry.key]
            if publisher is not None:
                counted = self.kept_of[entry.key, publisher]
                keep = counted < _MAX_PER_PUBLISHER
                self.kept_of[entry.key, publisher] = counted + 1
            else:
                keep = self.without_publisher[entry.key] < _MAX_PER_GROUP
                self.without_publisher[entry.key] += keep
            if keep:
                held = held or Held.of(source)
                claim = entry.claim
                members.append(_Member(Quoted.of(claim, held.doc_id), claim.kind, _compared(claim), held))

    def findings(self) -> list[Finding]:
        out = []
        for key, members in sorted(self.groups.items(), key=lambda item: item[0]):
            sources = _sources(members)
            if len(sources) < 2:
                continue
            fact = self.reference.get(key[1]) if key[0] == "fact" and self.reference is not None else None
            out.extend(_compare(key, sources, fact))
        return out


def _keys(claim: Claim, context: CheckContext, whole: Claim | None):
    if claim.kind not in ("count", "date", "date_range") or claim.confidence < 0.6:
        return
    facts = [f for f in context.matches(claim, whole) if f.kind == claim.kind]
    if facts:
        yield ("fact", facts[0].id, claim.kind), facts[0]
        return
    if claim.kind == "date_range" and claim.subject and claim.subject[:1].isupper():
        yield ("event", _NAME_KEY.sub("", claim.subject.lower()).strip(), claim.kind), None


def _sources(members: list[_Member]) -> list[list[_Member]]:
    """Members grouped into independent sources: articles of one publisher are one source
    (their stories are not independent), and so are an article and its near-copy."""
    clusters: list[list[_Member]] = []
    for member in members:
        for cluster in clusters:
            first = cluster[0]
            if first.source == member.source or _same_source(first, member):
                cluster.append(member)
                break
        else:
            clusters.append([member])
    return clusters


def _same_source(a: _Member, b: _Member) -> bool:
    """One publisher's articles are one source here (a figure repeated by one desk over days is
    not corroborated by itself); a near-copy is one text, as linking tells it for consensus."""
    a, b = a.held, b.held
    if a.publisher and b.publisher:
        return publisher_key(a.publisher) == publisher_key(b.publisher)
    if a.title and a.title == b.title:
        return True
    return near_copies(a.fingerprint, b.fingerprint)


def _compared(claim: Claim) -> object:
    """What two claims of a group are compared by: a count's interval, a date's timex, a range's two."""
    if claim.kind == "count":
        return count_interval(claim.value)
    if claim.kind == "date":
        return claim.value.timex
    return claim.value.start_timex, claim.value.end_timex


def _agree(a: _Member, b: _Member) -> bool:
    if a.kind == "count":
        (al, ah), (bl, bh) = a.value, b.value
        return al <= bh and bl <= ah
    if a.kind == "date":
        return dates_nest(a.value, b.value)
    return dates_nest(a.value[0], b.value[0]) and dates_nest(a.value[1], b.value[1])


def _compare(key: tuple, sources: list[list[_Member]], fact) -> list[Finding]:
    """Each source's figure against what most sources say: one finding per source that
    disagrees (linear in the sources, never all pairs), or one corroboration if none does."""
    about = f"{fact.subject}, {fact.property}" if fact is not None else key[1]
    reference = fact_ref(fact) if fact is not None else None
    firsts = [cluster[0] for cluster in sources]
    consensus = max(firsts, key=lambda m: (sum(_agree(m, o) for o in firsts), -firsts.index(m)))
    backing = [m for m in firsts if _agree(m, consensus)]
    if len(backing) * 2 <= len(firsts) and len(firsts) > 2:
        backing = [consensus]
    out = []
    for member in firsts:
        if _agree(member, consensus):
            continue
        others = ", ".join(_label(m) for m in backing[:3]) + (f" and {len(backing) - 3} more" if len(backing) > 3 else "")
        out.append(finding(NAME, "discrepancy", "warning",
                           f"On {about}, {_label(member)} says {member.claim.text}, while {others} "
                           f"{'says' if len(backing) == 1 else 'say'} {consensus.claim.text}.",
                           [member.claim, consensus.claim], key=key, reference=reference,
                           expected=consensus.claim.text, observed=member.claim.text))
    if not out:
        names = ", ".join(_label(m) for m in firsts)
        out.append(finding(NAME, "consistent", "info",
                           f"On {about}, {len(firsts)} independent sources agree ({names}).",
                           [m.claim for m in firsts], key=key, reference=reference))
    return out


def _label(member: _Member) -> str:
    return f"{member.held.publisher} ({member.source})" if member.held.publisher else member.source


EXAMPLES = [
    example("The Korean War (June 25, 1950-July 27, 1953) ended in an armistice.",
            "Veterans recalled the Korean War (June 1950-July 1953) and its armistice.",
            published="2013-06-25", expect=[("consistent", "info")]),
    example("The Korean War (June 25, 1950-July 27, 1953) ended in an armistice.",
            "Veterans recalled the Korean War (June 1950-July 1954) and its armistice.",
            published="2013-06-25", expect=[("discrepancy", "warning")], spans=("June 1950-July 1954",)),
    example("The Korean War (June 25, 1950-July 27, 1953) ended in an armistice.",
            "The Korean War (June 25, 1950-July 27, 1953) ended in an armistice.",
            published="2013-06-25", expect=[], note="an article and its copy are one source"),
    example("The Korean War (June 25, 1950-July 27, 1953) ended in an armistice.",
            "Veterans recalled the Korean War (June 1950-July 1953) and its armistice.",
            "A museum opened on the Korean War (June 1950-July 1954) and its armistice.",
            published="2013-06-25", expect=[("discrepancy", "warning")], spans=("June 1950-July 1954",),
            note="the odd one out is flagged against what the others agree on"),
]
