"""Whether two figures of an article are one quantity: the same thing counted (its noun and its
modifiers), at the same place and time, in the same unit. One unit alone is not enough:
rainfall of two counties, readings of two days, temperatures of two cities are different
quantities."""

from __future__ import annotations

import re
from dataclasses import dataclass

from figcheck.linking.about import (
    head,
    measure_of,
    modifiers,
    proper_names,
    refers_back,
)
from figcheck.linking.cues import pattern
from figcheck.linking.sentences import Sentences
from figcheck.linking.words import words
from figcheck.records import Claim

# Sentences apart beyond which two mentions are not taken for one quantity without a word
# that refers back.
_NEAR_SENTENCES = 3
_FUNCTION = frozenset("the and for with from that this have has had were was are such of in on at to by as its their "
                      "his her it be been is said also than more less about over nearly some".split())


@dataclass(frozen=True)
class QuantityLink:
    same: bool
    reason: str


def same_quantity(a: Claim, b: Claim, sentences: Sentences, title: str | None = None) -> QuantityLink:
    """Whether ``a`` and ``b`` count or measure one quantity, and why (or why not)."""
    if a.kind != "count" or b.kind != "count":
        return QuantityLink(False, "not two counts")
    unit_a, unit_b = measure_of(a), measure_of(b)
    if unit_a or unit_b:
        # A measurement is of one place at one time; two in one article are two readings.
        return QuantityLink(False, f"measurements ({unit_a or unit_b}) of places or times the text does not tie")
    if a.part_of or b.part_of:
        return QuantityLink(False, "a part of another figure")
    if getattr(a.value, "noun_source", None) or getattr(b.value, "noun_source", None):
        # "1,204 died", "Over 80,000 arrived": what is counted is read from the verb or the
        # sentence before, or not known at all; too loose to hold another figure to.
        return QuantityLink(False, "what one figure counts is implied, not written")
    if a.sentence_start == b.sentence_start:
        return QuantityLink(False, "one sentence listing figures lists different things")
    if head(a.subject) is None or head(a.subject) != head(b.subject):
        return QuantityLink(False, "different things counted")
    sentence_a, sentence_b = sentences.of(a), sentences.of(b)
    in_headline = [c for c in (a, b) if is_headline(c, title)]
    if len(in_headline) == 1:
        # A headline restates its story's figure: "Boeing to Cut More Than 2,000 Employees".
        body = b if in_headline[0] is a else a
        shared = _headline_words(in_headline[0]) & set(words(sentences.of(body).text))
        if shared:
            return QuantityLink(True, f"the headline's {head(a.subject)} ({', '.join(sorted(shared)[:3])}) in the story")
        return QuantityLink(False, "the headline and the figure share no words")
    later = b if b.start > a.start else a
    places_a, places_b = proper_names(sentence_a.text), proper_names(sentence_b.text)
    near_modifiers = modifiers(a) & modifiers(b) if sentences.distance(a, b) <= 1 else frozenset()
    if places_a != places_b and not refers_back(later) and not near_modifiers:
        return QuantityLink(False, "different places or subjects named "
                                   f"({', '.join(sorted(places_a)[:3])} / {', '.join(sorted(places_b)[:3])})")
    ahead = pattern("time_frame.forthcoming")
    if bool(ahead.search(sentence_a.text)) != bool(ahead.search(sentence_b.text)):
        return QuantityLink(False, "one figure is a plan or a goal, the other what happened")
    dates_a = {c.value.timex for c in sentence_a.claims if c.kind == "date"}
    dates_b = {c.value.timex for c in sentence_b.claims if c.kind == "date"}
    if dates_a and dates_b and not (dates_a & dates_b):
        return QuantityLink(False, "different dates")
    if refers_back(later):
        return QuantityLink(True, f"{later.text} refers back to the figure before")
    shared_modifiers = modifiers(a) & modifiers(b)
    if shared_modifiers and sentences.distance(a, b) <= _NEAR_SENTENCES:
        return QuantityLink(True, f"the same {' '.join(sorted(shared_modifiers))} {head(a.subject)}, nearby")
    shared = (_content(a) & _content(b)) - {head(a.subject)}
    if shared and sentences.distance(a, b) <= 1:
        return QuantityLink(True, f"the same {head(a.subject)} and {', '.join(sorted(shared)[:3])}, in adjacent sentences")
    return QuantityLink(False, "nothing in the text ties the two figures to one quantity")


def _content(claim: Claim) -> set[str]:
    return {w for w in words(f"{claim.subject or ''} {claim.context or ''}") if w not in _FUNCTION and len(w) > 2
            and not w.isdigit()}


_TITLE_WORD = re.compile(r"[A-Za-z][\w'’-]{3,}")


def is_headline(claim: Claim, title: str | None) -> bool:
    """Whether a claim is in the article's headline: its sentence is the title, or a first line
    in title case."""
    sentence = claim.sentence.strip()
    if title and sentence == title.strip():
        return True
    if claim.sentence_start != 0:
        return False
    long_words = _TITLE_WORD.findall(sentence)
    return len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


def _headline_words(claim: Claim) -> set[str]:
    return {w for w in words(claim.sentence) if w not in _FUNCTION and len(w) > 3 and not w.isdigit()
            and w != head(claim.subject)}
