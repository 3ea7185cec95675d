"""The cheap looks that spare a pattern search find what the search finds: the future cue of a
clause and the prospective verb before a weekday ("set for Monday"), at every window of tricky
texts, of any text made of their pieces, of the example corpora and of the shared archive."""

from __future__ import annotations

import gzip
import json
from itertools import islice

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from figcheck.extraction.dates import _PROSPECTIVE, _future_cue, _prospective_before, date_patterns
from tests.shared_data import SHARED, require_shared

_TRICKY = [
    "",
    "He will visit on Monday.",
    "He WILL visit on Monday and SHALL stay; they'll go; they’ll go; I'LL go",
    "The talks are\tto open on Friday, and the vote is\n\nscheduled for Sunday.",
    "It is due on Monday; with due ceremony on Thursday; the plans to open on the Friday",
    "He plan to, she plans  to, it is set to, they are set\tto open on Tuesday",
    "next week; the coming days; nextdoor willow shallow comingled",
    "a talk to be held on Monday; a talk to be\nheld in the Sunday; set for the\tMonday",
    "willing, swill, is tomorrow, are toward, planet, isto, areto",
    "ſhall ſet for Monday; ſcheduled for the Friday; the KING will; ſhall",
    "'ll alone; 2'll; x’ll; ’ll",
    "due\x1cfor Monday; set \x1c on Friday; to be held on\x1c",
    "The meeting is expected on Wednesday, he said. It is slated for Monday. It was planned for Tuesday.",
]


def _windows(text: str, reaches: tuple[int, ...]):
    for end in range(len(text) + 1):
        for reach in reaches:
            yield max(0, end - reach), end


def _same(a, b) -> bool:
    return (a.span() if a else None) == (b.span() if b else None)


def _check(text: str, reaches: tuple[int, ...] = (0, 1, 5, 12, 40, 60, 160)) -> tuple[int, int]:
    """Compares both looks with their searches at every window of ``text``; the matches seen."""
    future = date_patterns().future
    matched = prospective = 0
    for begin, end in _windows(text, reaches):
        want = future.search(text, begin, end)
        assert _same(_future_cue(text, begin, end), want), (text, begin, end)
        matched += want is not None
    for pos in range(len(text) + 1):
        want = _PROSPECTIVE.search(text, max(0, pos - 40), pos) is not None
        assert _prospective_before(text, pos) == want, (text, pos)
        prospective += want
    return matched, prospective


@pytest.mark.parametrize("text", _TRICKY)
def test_the_cheap_looks_find_what_the_searches_find_on_tricky_texts(text: str) -> None:
    _check(text)


def test_the_tricky_texts_hold_matches_of_both_searches() -> None:
    # So the comparison above is not only of misses: the looks must let the matches through.
    totals = [_check(text) for text in _TRICKY]
    assert sum(m for m, _ in totals) > 20
    assert sum(p for _, p in totals) > 8


_PIECES = st.sampled_from(
    ["will", "WILL", "shall", "is", "are", "to", "To", "be", "due", "set", "scheduled", "slated", "planned",
     "plan", "plans", "next", "coming", "with", "on", "in", "for", "by", "the", "The", "Monday", "'ll", "’ll",
     "ſhall", "x", " ", "  ", "\n", "\t", "\x1c", ",", ".", "'", "-"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=16), st.sampled_from(["", " "]))
def test_the_cheap_looks_find_what_the_searches_find_on_any_text(pieces: list[str], joint: str) -> None:
    _check(joint.join(pieces))


def test_the_cheap_looks_find_what_the_searches_find_on_the_example_corpora() -> None:
    from figcheck.extraction.examples import iter_example_cases

    matched = prospective = 0
    for case in iter_example_cases():
        m, p = _check(case.text, reaches=(40, 60))
        matched, prospective = matched + m, prospective + p
    assert matched and prospective


def test_the_cheap_looks_find_what_the_searches_find_on_the_archive() -> None:
    archive = require_shared(SHARED / "corpora" / "kcna-2011-2012.jsonl.gz")
    future = date_patterns().future
    matched = 0
    with gzip.open(archive, "rt", encoding="utf-8") as lines:
        for line in islice(lines, 0, 3000, 30):
            text = json.loads(line)["text"]
            for end in range(0, len(text) + 1, 4):
                for reach in (40, 60, 160):
                    begin = max(0, end - reach)
                    want = future.search(text, begin, end)
                    assert _same(_future_cue(text, begin, end), want), (text[begin:end],)
                    matched += want is not None
                want = _PROSPECTIVE.search(text, max(0, end - 40), end) is not None
                assert _prospective_before(text, end) == want, (text[max(0, end - 40) : end],)
    assert matched
