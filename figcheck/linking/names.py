"""Which reference facts a claim names: the words of a claim matched against the names and
keywords of the facts, with an index built once per table."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from itertools import compress

from figcheck.linking.cues import load_cues
from figcheck.linking.words import capitalised, folded_words, hyphen_joined, plurals_and_self, singular, words
from figcheck.records import AnniversaryValue, Claim
from figcheck.reference.facts import COMPATIBLE_KINDS, FACT_KINDS, RANKS, ReferenceFact

_NAME, _KEYWORD = "name", "keyword"


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    fact: int
    role: str
    # A name of several words or a proper name ("Korean War", "DPRK") names its fact on its
    # own; a lone common word ("war", "liberation") only in an article that names it so.
    specific: bool = True


@dataclass
class _Hits:
    name_in_subject: bool = False
    name_elsewhere: bool = False
    keyword_near: bool = False
    keyword_in_sentence: bool = False
    # Words in the longest name found: "Fatherland Liberation War" says more than "liberation".
    longest_name: int = 0
    name_near: bool = False
    specific_name: bool = False

    def saw_name(self, phrase: _Phrase, near: bool) -> None:
        self.longest_name = max(self.longest_name, len(phrase.words))
        self.specific_name = self.specific_name or phrase.specific
        self.name_near = self.name_near or near

    @property
    def score(self) -> int:
        return 2 * self.name_in_subject + self.name_elsewhere + 2 * self.keyword_near + self.keyword_in_sentence


def _phrases_in(index: Mapping[str, list[_Phrase]], text: tuple[str, ...]) -> Iterator[_Phrase]:
    for _, phrase in _placed_phrases_in(index, text):
        yield phrase


def _placed_phrases_in(index: Mapping[str, list[_Phrase]], text: tuple[str, ...]) -> Iterator[tuple[int, _Phrase]]:
    # One pass in C finds the words a phrase starts with; most words start none.
    for start in compress(range(len(text)), map(index.__contains__, text)):
        for phrase in index[text[start]]:
            if text[start : start + len(phrase.words)] == phrase.words:
                yield start, phrase


# How many words may stand between a dated fact's name and its keyword for the pair to say
# one thing: "the founding of the DPRK" does; "the establishment of diplomatic relations
# between the DPRK and Pakistan" is not the founding of the DPRK.
_PROXIMITY = 2
# Nouns that a name before them modifies: "the DPRK diplomatic ties", "the DPRK Stamp Society".
_MODIFIED = frozenset(words("tie ties relation relations relationship diplomatic friendship society association "
                            "committee federation union embassy delegation border joint stamp research treaty "
                            "agreement government team club company corporation group regime system mechanism "
                            "line zone commission"))


def _ends_phrase(text: tuple[str, ...], joined: tuple[bool, ...], end: int, fact_words: frozenset[str],
                 capitals: tuple[bool, ...] = ()) -> bool:
    """Whether a name ends its noun phrase at ``end``: "the DPRK" in "the founding of the DPRK on
    ..." does; in "the DPRK-Germany diplomatic ties" or "the DPRK Stamp Society" it modifies
    another noun, and what is founded is that noun."""
    if end >= len(text):
        return True
    if end < len(joined) and joined[end]:
        return False
    if end < len(capitals) and capitals[end] and capitals[end - 1] and text[end] not in fact_words:
        return False  # "Kim Il Sung Socialist Youth League": the name goes on
    following = text[end]
    if following in fact_words or following.isdigit() or following in load_cues_boundaries():
        return True
    return following not in _MODIFIED


def _heads_phrase(text: tuple[str, ...], joined: tuple[bool, ...], start: int, fact_words: frozenset[str]) -> bool:
    """Whether a name before its keyword is the noun the keyword is about: "the DPRK founding",
    not "the Provisional People's Committee of North Korea was founded" (the committee was),
    nor "the Sino-DPRK society was founded"."""
    if start < len(joined) and joined[start]:
        return False
    if start >= 2 and text[start - 1] == "of" and not any(text[start - 2][:5] == w[:5] for w in fact_words):
        return False
    return True


def _bound(placed: list[tuple[int, _Phrase]], fact: int, text: tuple[str, ...], joined: tuple[bool, ...],
           fact_words: frozenset[str], capitals: tuple[bool, ...] = ()) -> bool:
    names = [(start, start + len(p.words)) for start, p in placed if p.fact == fact and p.role == _NAME]
    keywords = [(start, start + len(p.words)) for start, p in placed if p.fact == fact and p.role == _KEYWORD]
    for n_start, n_end in names:
        for k_start, k_end in keywords:
            if k_end <= n_start:  # "the founding of the DPRK"
                if n_start - k_end <= _PROXIMITY and _ends_phrase(text, joined, n_end, fact_words, capitals):
                    return True
            elif n_end <= k_start:  # "the DPRK founding", "the DPRK was founded"
                if k_start - n_end <= _PROXIMITY and _heads_phrase(text, joined, n_start, fact_words):
                    return True
            elif _ends_phrase(text, joined, n_end, fact_words, capitals):  # one inside the other: "armistice"
                return True
    return False


_SENTENCE_CACHE = 512
# Dates whose matches are kept: a few thousand articles' worth, which the events that articles
# of a run keep naming (anniversaries, founding dates) stay within.
_MATCH_CACHE = 8192
_DATED = frozenset({"date", "date_range", "anniversary"})


def _event_of(claim: Claim) -> str | None:
    """The event an anniversary counts from ("the founding of the DPRK"); None for other claims.
    Asked of a record type without the field, ``getattr`` with a default would pay for the
    record's error about a missing attribute, every claim."""
    value = claim.value
    return value.event if isinstance(value, AnniversaryValue) else None


def _match_key(claim: Claim) -> tuple[object, ...]:
    """Everything of a claim that ``NameIndex.match`` reads: two claims with the same key match
    the same facts."""
    kind = claim.kind
    bare = kind in ("count", "duration") and not words(claim.subject) and not claim.context
    key: tuple[object, ...] = (kind, claim.subject, claim.context, _event_of(claim),
                               claim.sentence if bare else None)
    if kind == "duration":
        at = claim.end - claim.sentence_start
        key += (claim.text, claim.sentence[at : at + 24])
    return key


@dataclass
class _NameNode:
    """Names as a tree of their words: the facts of the names that end here, and the words
    that go on to longer names."""

    children: dict[str, _NameNode] = field(default_factory=dict)
    fact_ids: list[str] = field(default_factory=list)

    def add(self, name: tuple[str, ...], fact_id: str) -> None:
        node = self
        for word in name:
            node = node.children.setdefault(word, _NameNode())
        if fact_id not in node.fact_ids:
            node.fact_ids.append(fact_id)


class NameIndex:
    """The names and keywords of a table's facts, indexed by first word, per fact kind."""

    def __init__(self, facts: Sequence[ReferenceFact]) -> None:
        self.facts = tuple(facts)
        self._index: dict[str, dict[str, list[_Phrase]]] = {kind: defaultdict(list) for kind in FACT_KINDS}
        self._by_sentence: dict[tuple[str, str], list[_Phrase]] = {}
        self._matched: dict[tuple[object, ...], tuple[tuple[ReferenceFact, bool], ...]] = {}
        # Every word of a fact's names and keywords: "of" between two of them joins, not parts.
        self._fact_words = [frozenset(w for phrase in (*f.names(), *f.keywords) for w in words(phrase)) for f in self.facts]
        for position, fact in enumerate(self.facts):
            for role, phrases in ((_NAME, fact.names()), (_KEYWORD, fact.keywords)):
                seen: set[tuple[str, ...]] = set()
                for phrase in phrases:
                    phrase_words = words(phrase)
                    if not phrase_words or phrase_words in seen:
                        continue
                    seen.add(phrase_words)
                    specific = any(ch.isupper() for ch in phrase)
                    self._index[fact.kind][phrase_words[0]].append(_Phrase(phrase_words, position, role, specific))
        # The names that name a fact on their own, of every kind, as a tree of their words:
        # what an article names is found in one pass over its words.
        self._specific_names = _NameNode()
        for index in self._index.values():
            for phrases in index.values():
                for phrase in phrases:
                    if phrase.role == _NAME and phrase.specific:
                        self._specific_names.add(phrase.words, self.facts[phrase.fact].id)
        # The first words as an article may write them, before they are made singular.
        self._specific_first_forms = {
            form: first for first in self._specific_names.children for form in plurals_and_self(first)
        }

    def __getstate__(self) -> dict[str, object]:
        # The table travels to every batch's worker: what this process matched stays here.
        return {**self.__dict__, "_by_sentence": {}, "_matched": {}}

    def _sentence_phrases(self, kind: str, sentence: str) -> list[_Phrase]:
        """The phrases of one kind in a sentence, found once per sentence however many figures
        ask (the cache holds the sentences of about one article)."""
        key = (kind, sentence)
        found = self._by_sentence.get(key)
        if found is None:
            if len(self._by_sentence) > _SENTENCE_CACHE:
                self._by_sentence.clear()
            found = self._by_sentence[key] = list(_phrases_in(self._index[kind], words(sentence)))
        return found

    def named_in(self, text: str) -> frozenset[str]:
        """The ids of the facts an article names specifically ("Korean War", not just "war")."""
        found: set[str] = set()
        folded = folded_words(text)
        firsts = self._specific_first_forms
        # One pass in C picks the places where a name may start; only from there are words
        # made singular, one at a time, while they go on along a name.
        for at in compress(range(len(folded)), map(firsts.__contains__, folded)):
            node = self._specific_names.children[firsts[folded[at]]]
            found.update(node.fact_ids)
            at += 1
            while node.children and at < len(folded):
                node = node.children.get(singular(folded[at]))
                if node is None:
                    break
                found.update(node.fact_ids)
                at += 1
        return frozenset(found)

    def named_facts(self, text: str) -> NamedFacts:
        """``named_in(text)``, found the first time it is asked."""
        return NamedFacts(self, text)

    def match(self, claim: Claim, *, named_in_article: Set[str] | None = None) -> list[ReferenceFact]:
        """The facts ``claim`` can be checked against, best first.

        A fact matches when its kind fits the claim's, one of its names (subject or
        aliases) occurs in the claim, and, if it has keywords, one of them does too. For a
        count the name must be in the claim's subject when the claim has one: what is
        counted decides (volunteers are not nurses). For a date, the name must be in the
        date's own clause with a keyword a few words from it ("the founding of the DPRK"), and
        a name that is a common word ("the war") counts only in an article that names the
        fact properly somewhere (``named_in_article``). Facts whose words are in the
        claim's subject or context rank above those found only elsewhere in its sentence;
        then preferred facts come first.
        """
        # A duration measured from or to an event ("three days after the outbreak") is a
        # gap between two dates, not the length of anything a fact records.
        if claim.kind == "duration" and getattr(claim.value, "anchor", None) is not None:
            return []
        if claim.kind in _DATED:
            # The events of a run's articles recur ("the 63rd anniversary of the DPRK"): a date's
            # words are matched once, and only what the article names elsewhere is asked of each
            # article. A figure's words seldom recur, and are matched each time.
            key = _match_key(claim)
            found = self._matched.get(key)
            if found is None:
                if len(self._matched) >= _MATCH_CACHE:
                    self._matched.clear()
                found = self._matched[key] = self._candidates(claim)
        else:
            found = self._candidates(claim)
        return [fact for fact, common in found if not common or (
            (named_in_article is None or fact.id in named_in_article)
            and not _inside_other_name(claim, fact) and not _qualified_otherwise(claim, fact))]

    def _candidates(self, claim: Claim) -> tuple[tuple[ReferenceFact, bool], ...]:
        """The facts ``match`` may give for ``claim``, best first, each with whether it is named
        only by a common word: such a fact is given only in an article that names it properly, and
        when the word is not part of another name or narrowed to another thing."""
        kinds = COMPATIBLE_KINDS.get(claim.kind, ())
        subject = words(claim.subject)
        near = words(claim.context)
        if claim.kind == "duration":
            # "three-year war": the figure's own words carry the keyword ("year war").
            # A separator no word can match keeps phrases from spanning the two.
            # "ten year-long war", "twelve years of war": the words right after it count too.
            at = claim.end - claim.sentence_start
            after = claim.sentence[at : at + 24]
            near = words(f"{claim.text} {after}") + ("|",) + words(f"{claim.subject or ''}") + ("|",) + words(claim.context)
        if claim.kind == "anniversary":
            near += words(_event_of(claim))
        # A figure the extractor gave no words of its own: its sentence is all there is.
        bare = claim.kind in ("count", "duration") and not subject and not claim.context
        hits: dict[int, _Hits] = defaultdict(_Hits)
        dated = claim.kind in _DATED
        bound: set[int] = set()
        for kind in kinds:
            index = self._index[kind]
            if dated:
                # Each field on its own: joined, the end of one would stand next to the start
                # of the next and make pairs the text never wrote.
                # A field written twice (an anniversary's event is its subject and its context
                # too) is read once; so is each fact placed in it.
                raw_fields = (claim.subject, claim.context, _event_of(claim))
                for raw in dict.fromkeys(raw_fields):
                    if not raw:
                        continue
                    field, joined, capitals = words(raw), hyphen_joined(raw), capitalised(raw)
                    placed = list(_placed_phrases_in(index, field))
                    bound.update(fact for fact in dict.fromkeys(p.fact for _, p in placed) if fact not in bound
                                 and _bound(placed, fact, field, joined, self._fact_words[fact], capitals))
            for phrase in _phrases_in(index, subject):
                if phrase.role == _NAME:
                    hits[phrase.fact].name_in_subject = True
                    hits[phrase.fact].saw_name(phrase, near=True)
                else:
                    hits[phrase.fact].keyword_near = True
            for phrase in (self._sentence_phrases(kind, claim.sentence) if bare else _phrases_in(index, near)):
                if phrase.role == _NAME:
                    hits[phrase.fact].name_elsewhere = True
                    hits[phrase.fact].saw_name(phrase, near=True)
                else:
                    hits[phrase.fact].keyword_near = True
        matched: list[tuple[int, int, int, str, ReferenceFact, bool]] = []
        for position, found in hits.items():
            fact = self.facts[position]
            if fact.kind in ("count", "duration"):
                # What is counted or lasts is the figure's own noun, or its own clause when it
                # has none ("the war lasted three years"), never a name elsewhere in the sentence.
                named = found.name_in_subject if subject else found.name_near
            elif claim.kind in ("date", "date_range", "anniversary"):
                # A sentence can name several events; a date belongs to the one in its clause.
                named = found.name_near
            else:
                named = found.name_in_subject or found.name_elsewhere
            common = named and not found.specific_name
            worded = found.keyword_near or not fact.keywords
            if dated and fact.keywords:
                # A date's event is named and described together: "the outbreak of the war".
                worded = position in bound
            if named and worded:
                matched.append((-found.score, -found.longest_name, RANKS.index(fact.rank), fact.id, fact, common))
        return tuple((fact, common) for *_, fact, common in sorted(matched, key=lambda entry: entry[:4]))


class NamedFacts(Set[str]):
    """The ids of the facts an article names specifically (``NameIndex.named_in``), found the
    first time they are asked for. Only a claim that names a fact by a common word ("the war")
    asks, and most articles have none: reading every article's words for it cost more than
    matching all their claims."""

    __slots__ = ("_index", "_text", "_found")

    def __init__(self, index: NameIndex, text: str) -> None:
        self._index: NameIndex | None = index
        self._text: str | None = text
        self._found: frozenset[str] | None = None

    def ids(self) -> frozenset[str]:
        if self._found is None:
            assert self._index is not None and self._text is not None
            self._found = self._index.named_in(self._text)
            self._index = self._text = None  # the article's text is not kept once read
        return self._found

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self.ids()

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids())

    def __len__(self) -> int:
        return len(self.ids())

    def __reduce__(self) -> tuple[type, tuple[frozenset[str]]]:
        # Sent to another process as what it stands for, not with the index and the text.
        return frozenset, (self.ids(),)

    def __repr__(self) -> str:
        return f"NamedFacts({set(self._found) if self._found is not None else 'not read yet'})"


_QUALIFIER = re.compile(r"^\s+(?:between|with|of|among|by)\s+(?:the\s+)?((?:[A-Z][\w'’.-]*|and|the|south|north|\s)+)")


@functools.lru_cache(maxsize=1024)
def _name_pattern(name: str) -> re.Pattern[str]:
    """A name as a whole word or words, in any case: compiled once per name, not per claim."""
    return re.compile(rf"(?i)\b{re.escape(name)}\b")


def _qualified_otherwise(claim: Claim, fact: ReferenceFact) -> bool:
    """Whether a common-word name is narrowed to another thing by the names after it: "the
    treaty between south Korea and the U.S." is not the treaty between China and the DPRK."""
    text = " ".join(t for t in (claim.subject, claim.context, _event_of(claim)) if t)
    known = " ".join((fact.subject, *fact.names())).casefold()
    for name in fact.names():
        if any(ch.isupper() for ch in name):
            continue
        for m in _name_pattern(name).finditer(text):
            q = _QUALIFIER.match(text, m.end())
            if not q:
                continue
            parties = [w for w in re.findall(r"[A-Z][\w'’.-]*", q.group(1)) if w.rstrip(".").casefold() not in ("the",)]
            if parties and not all(w.rstrip(".").casefold() in known for w in parties):
                return True
    return False


def _inside_other_name(claim: Claim, fact: ReferenceFact) -> bool:
    """Whether every common-word name of the fact in the claim is part of another proper name:
    "war" in "the Gulf War", "treaty" in "the Korea-Japan Annexation Treaty"."""
    text = " ".join(t for t in (claim.subject, claim.context) if t)
    seen = False
    for name in fact.names():
        if any(ch.isupper() for ch in name):
            continue
        for m in _name_pattern(name).finditer(text):
            seen = True
            before = text[: m.start()].split()
            if not before or not before[-1][:1].isupper() or before[-1].lower() in ("the", "a", "an"):
                return False
    return seen


def load_cues_boundaries() -> frozenset[str]:
    return _boundaries()


@functools.cache
def _boundaries() -> frozenset[str]:
    return frozenset(load_cues().phrase_boundaries)
