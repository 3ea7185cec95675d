"""What many independent sources agree an event's year is: the key that names one event across
articles, which articles are independent of each other, and when their agreement is clear.

Many articles date an event only implicitly ("the 66th anniversary of the founding of the WPK",
published in 2011, dates the founding to 1945). Gathered over a corpus, such readings give the
event's year by consensus, against which one article's odd reading stands out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from figcheck.linking.about import points_back
from figcheck.linking.words import words

# Nouns that name something that happened once, on a date: what an anniversary or "N years
# since" can be counted from.
EVENT_NOUNS = frozenset(words(
    "founding foundation establishment birth death demise liberation victory signing start outbreak "
    "publication inauguration formation creation opening launch adoption proclamation release "
    "conclusion armistice election assumption declaration uprising war battle revolution "
    "agreement treaty statement accord pact independence unification reunification massacre "
    "incident entry dispatch visit meeting congress conference occupation annexation invasion "
    "completion construction accession promulgation enactment appointment attack bombing assassination "
    "earthquake explosion accident crash landing coup"
))
# Capitalised words that name no one thing on their own: "the Party", "the President".
_GENERIC_CAPITALS = frozenset(
    "the a an party army republic state government president leader general secretary chairman "
    "marshal comrade day people committee union association front movement council assembly "
    "revolution war university school great dear respected supreme premier law constitution declaration "
    "treaty agreement statement accord conference congress festival games"
    .split()
)
# Words that carry no part of the event's identity in a key.
_KEY_STOPWORDS = frozenset(words("of in on at for by to and with from s"))
_NAME_JOINERS = frozenset("the a an of and for in on de".split())
# A phrase with a verb is a clause ("the Academy was founded in the DPRK"), not an event's name.
_CLAUSE = re.compile(r"\b(?:was|were|is|are|has|have|had|been|be)\b", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_][\w'’.-]*")
_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
# A capitalised adjective of nationality alone ("the Korean people's victory") names no event.
_DEMONYM_ENDINGS = ("ean", "ese", "ian", "ish", "can", "ench")


# Head nouns that stand for a thing whose own name follows elsewhere ("the publication of Kim
# Il Sung's work \"...\""): different works, speeches or letters would share one key.
_VAGUE_HEADS = frozenset(words(
    "work works speech letter article book instruction order message talk treatise report song film "
    "document thing event day"
))
# Words with which a sentence goes on naming the event after the phrase ends: the phrase was cut
# short ("Kim Jong Il's election" + "as chairman of ...") and may name several events.
_CONTINUES = re.compile(r"\s*(?:as|at|to|of|for|from|into|over|between)\b", re.IGNORECASE)


def event_key(phrase: str | None, following: str = "") -> str | None:
    """The key under which readings of one event meet across articles, or None when the phrase
    does not name an event specifically enough to be the same event everywhere it is written.

    Specific enough means a proper name and an event noun ("the founding of the Workers' Party
    of Korea", "Korea's liberation", "the October 4 declaration"), or a proper name alone that
    is the thing founded ("the Korean Children's Union", "the DPRK"). Never a bare "the war",
    "its founding" or "the Korean people's victory", nor a phrase the sentence goes on naming
    (``following`` is the text after it: "... election" + " as chairman of ..."), nor one whose
    head stands for a thing named elsewhere ("Kim Il Sung's work"). The key is the phrase's words, folded,
    singular, without articles and prepositions, in sorted order, so that "the birth of Kim Il
    Sung" and "Kim Il Sung's birth" meet, while "Kim Jong Il's election" and "General Secretary
    Kim Jong Il's election" stay apart (conservative: a split key costs sources, a merged one
    false alarms).
    """
    if not phrase:
        return None
    tokens = _TOKEN.findall(phrase)
    if not tokens or points_back(phrase) or _CLAUSE.search(phrase):
        return None
    if _CONTINUES.match(following) or words(tokens[-1])[-1:] and words(tokens[-1])[-1] in _VAGUE_HEADS:
        return None
    folded = words(phrase)
    content = [w for w in folded if w not in _KEY_STOPWORDS]
    if not content or all(len(w) < 2 for w in content):
        return None
    has_event_noun = any(w in EVENT_NOUNS for w in content)
    proper = _proper_name(tokens)
    if not proper:
        return None
    if not has_event_noun and not _is_name(tokens):
        return None
    return " ".join(sorted(set(content)))


def _proper_name(tokens: Sequence[str]) -> bool:
    """Whether the tokens hold a proper name: two capitalised words in a row ("Kim Il Sung",
    "Fatherland Liberation War"), an acronym ("WPK"), a month with its day ("October 4"), or
    one capitalised word that is neither generic nor a demonym ("Korea's")."""
    run = 0
    for index, token in enumerate(tokens):
        bare = token.rstrip(".").removesuffix("'s").removesuffix("’s")
        capital = bare[:1].isupper()
        if capital and bare.casefold() in _MONTHS and index + 1 < len(tokens) and tokens[index + 1][:1].isdigit():
            return True
        letters = bare.replace(".", "")
        if capital and len(letters) >= 2 and letters.isupper() and letters.isalpha():
            return True  # an acronym: "WPK", "DPRK", "KCU", "U.S"
        if capital and bare.casefold() not in ("the", "a", "an"):
            run += 1
            if run >= 2:
                return True
            folded = bare.casefold()
            if folded not in _GENERIC_CAPITALS and not folded.endswith(_DEMONYM_ENDINGS):
                return True
        else:
            run = 0
    return False


def _is_name(tokens: Sequence[str]) -> bool:
    """Whether the phrase is itself a name, every word capitalised but its articles and
    prepositions ("the Korean Children's Union", "Kim Il Sung University", "the DPRK"): the
    anniversary of a thing founded."""
    return all(t[:1].isupper() or t.casefold() in _NAME_JOINERS for t in tokens) and tokens[-1][:1].isupper()


# --- independent sources -----------------------------------------------------------------

_NEAR_COPY = 0.5  # share of fingerprint shingles two texts must share to be one text
_PUBLISHER_KEY = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Witness:
    """One article as a source of a reading: what tells it apart from other articles."""

    doc_id: str
    publisher: str | None
    published: str | None  # ISO date
    fingerprint: frozenset[int]

    @property
    def source_keys(self) -> list[tuple[str, object]]:
        return source_keys(self.doc_id, self.publisher, self.published)


def source_keys(doc_id: str, publisher: str | None, published: str | None) -> list[tuple[str, object]]:
    """What makes two articles one source whatever their texts: the same article, or the same
    publisher's articles of one day (one desk's work, not independent sources)."""
    keys: list[tuple[str, object]] = [("doc", doc_id)]
    if publisher and published:
        keys.append(("desk", (publisher_key(publisher), published)))
    return keys


def publisher_key(name: str) -> str:
    """A publisher's name as sources are told apart by it: "The Korea Herald" is "Korea Herald"."""
    return _PUBLISHER_KEY.sub("", name.casefold().strip().removeprefix("the "))


def near_copies(a: frozenset[int], b: frozenset[int]) -> bool:
    """Whether two texts' fingerprints (``checkers.base.fingerprint``) make them one text."""
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= _NEAR_COPY


def independent_groups(witnesses: Sequence[Witness]) -> list[int]:
    """For each witness, the number of the independent source it belongs to. One article, one
    publisher's articles of one day, and an article and its near-copy (whenever and by whomever
    published) count as one source; membership is transitive."""
    parent = list(range(len(witnesses)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first_of: dict[object, int] = {}
    for i, witness in enumerate(witnesses):
        for key in witness.source_keys:
            if key in first_of:
                join(i, first_of[key])
            else:
                first_of[key] = i
    for i in range(len(witnesses)):
        for j in range(i):
            if root(i) != root(j) and near_copies(witnesses[i].fingerprint, witnesses[j].fingerprint):
                join(i, j)
    return [root(i) for i in range(len(witnesses))]


# --- agreement ---------------------------------------------------------------------------

MIN_SOURCES = 3
MIN_SHARE = 0.8


@dataclass(frozen=True)
class Consensus:
    """The year most independent sources give an event, and how clear their agreement is."""

    year: int
    agreeing: int  # independent sources that give this year
    sources: int  # independent sources that give any year
    years: tuple[tuple[int, int], ...]  # (year, sources giving it), most given first

    def describe(self, others: bool = False) -> str:
        """ "4 of 5 independent sources give 1950 (years given: 1950 (4), 1946 (1))"; with
        ``others``, of the sources other than the one judged."""
        spread = ", ".join(f"{year} ({n})" for year, n in self.years)
        which = "other independent sources" if others else "independent sources"
        return f"{self.agreeing} of {self.sources} {which} give {self.year} (years given: {spread})"


def consensus(
    source_years: Iterable[Iterable[int]], *, min_sources: int = MIN_SOURCES, min_share: float = MIN_SHARE
) -> Consensus | None:
    """The clear majority among independent sources, each giving the year(s) its articles
    imply: a year given by at least ``min_sources`` sources and by at least ``min_share`` of
    all sources. A source whose articles give several years counts for each (a source that
    contradicts itself does not strengthen any majority: it is counted in the total once)."""
    tally: Counter[int] = Counter()
    total = 0
    for years in source_years:
        given = set(years)
        if not given:
            continue
        total += 1
        tally.update(given)
    if not tally:
        return None
    ranked = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
    year, agreeing = ranked[0]
    if agreeing < min_sources or agreeing < min_share * total:
        return None
    if len(ranked) > 1 and ranked[1][1] == agreeing:
        return None
    return Consensus(year=year, agreeing=agreeing, sources=total, years=tuple(ranked))
