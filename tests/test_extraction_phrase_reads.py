"""The shorter reads behind a figure's phrases find what the full reads find: the last clause
break before a figure (one match from the right, not every break from the sentence's start),
the noun phrase after it (its words read a few at a time, not ten at once) and the partitive
cues after it (searched only where a cue's last word is), in tricky texts and in any text made
of their pieces."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from figcheck.extraction import parts, phrases
from figcheck.extraction.lexicon import load_lexicon
from figcheck.extraction.mentions import ExtractionContext, Mention
from figcheck.extraction.text import _CLAUSE_BREAK_ASCII, _SHORT_SENTENCE, TextIndex

_TRICKY = [
    "",
    "The 12 Heroes of the Republic of Korea and the Labour Party were honoured.",
    "Some 80,000 young and working people of the city of Pyongyang took part.",
    "He said 300 tons of rice, 20 kinds of seeds and 12 sets of U.S. equipment arrived.",
    "In all, 533 DPRK Heroes -- and 4 NATO Soldiers -- met (on Monday) at 9 a.m.; 7 left.",
    "A total of 1,204 died: 12 were hurt, and 3 of the 45 Party Cadres Of The Region went.",
    "It was 5 Very Long Capitalised Words Going On And On Past The Reach.\nThen 6 more.",
    "Twelve attended the meeting. 14 volunteers awarded. 15 ended. 16 U.S. dollars.",
    "ends with a stop.  3 spaces... 4 dots. 5 x.y.z. 6 e.g. units; 7 (kg) \"8\" [9]",
    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30",
    "Two dashes -- -- 12 people; three -- -- -- 13 more, and -- 14 -- -- 15 then.",
    "non ascii: 12 Héroes of the Républic and 3 élèves — 4 ‘quoted’ words of the “state”",
]
_PIECES = ["12", " ", "  ", "of", "the", "Republic", "Heroes", "people", "and", "U.S.", "tons",
           ",", ".", ". ", ";", " -- ", "-- ", "\n", "\n\n", "(", ")", "\"", "attended", "é", "5.5"]


def _clause_left_by_every_break(text: str, begin: int, end: int) -> int:
    left = begin
    for m in _CLAUSE_BREAK_ASCII.finditer(text, begin, end):
        left = m.end()
    return left


def _check_clause_left(text: str) -> None:
    if not text.isascii():
        return
    index = TextIndex.build(text)
    for start in range(len(text) + 1):
        sentence = index.sentence_at(start)
        if sentence.end - sentence.start > _SHORT_SENTENCE:
            continue
        left, _ = index.clause_bounds(start, start)
        assert left == _clause_left_by_every_break(text, sentence.start, start), (text, start)


def _context(text: str) -> ExtractionContext:
    return ExtractionContext(text=text, index=TextIndex.build(text), lexicon=load_lexicon(), published=None)


def _check_subject(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ends = range(len(text) + 1)
    read_a_few = [phrases.subject_after(_context(text), end) for end in ends]
    with monkeypatch.context() as patched:
        patched.setattr(phrases, "_FIRST_READ", phrases._MAX_SUBJECT_WORDS + 4)  # all at once
        read_at_once = [phrases.subject_after(_context(text), end) for end in ends]
    assert read_a_few == read_at_once


@pytest.mark.parametrize("text", _TRICKY)
def test_the_last_clause_break_is_the_last_of_every_break_on_tricky_texts(text: str) -> None:
    _check_clause_left(text)


@pytest.mark.parametrize("text", _TRICKY)
def test_reading_a_few_words_at_a_time_finds_the_same_subject_on_tricky_texts(text: str, monkeypatch) -> None:
    _check_subject(text, monkeypatch)


def test_the_tricky_texts_hold_subjects_longer_than_the_first_read() -> None:
    longest = max(
        len((phrases.subject_after(_context(text), end)[0] or "").split())
        for text in _TRICKY
        for end in range(len(text) + 1)
    )
    assert longest > phrases._FIRST_READ


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_the_shorter_reads_find_the_same_on_any_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    _check_clause_left(text)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _check_subject(text, monkeypatch)


_PARTITIVE_TEXTS = [
    "Of 300 passengers, 12 of them were hurt; 40 OF THESE left and 5 Among Those stayed.",
    "The 45 delegates, 30 of whom voted, and 20 items out of\twhich 3 broke; 7 including 2 boys.",
    "12 persons (of them, 3 were\nchildren) met 14 others of which none came. 9 ofthem 8 themes.",
    "1 2 3 4 5 6 7 8 9 10 figures with no cue at all, then far away " + "x " * 200 + "of them, 11 of them",
    "Some 100 workers, including 40 women; 6 of the 7 INCLUDING 2 among\x1cthem.",
    "non ascii: 12 élèves, 3 of them; 40 among theſe and 5 of thoſe",
    # One cue word alone in a stretch, each of them.
    *(f"Only 3 came, {cue} 2 stayed." for cue in ("including", "of them", "among these", "of those", "of which", "among whom")),
]


def _partitive_cues_everywhere(text: str, counts: list) -> list[tuple[tuple[int, int], str]]:
    """The partitive cues found by searching every stretch after a count."""
    pattern = parts._partitive_pattern()
    found, searched_to = [], 0
    for count in counts:
        begin = max(count.start, searched_to)
        end = min(len(text), count.end + parts._MAX_PART_DISTANCE + 20)
        if begin < end:
            found.extend((m.span(), m.group()) for m in pattern.finditer(text, begin, end))
            searched_to = end
    return found


def _figures(text: str) -> list[Mention]:
    return [Mention("count", m.start(), m.end(), None, 0.9) for m in re.finditer(r"\d+", text)]


@pytest.mark.parametrize("text", _PARTITIVE_TEXTS)
def test_partitive_cues_are_found_in_the_stretches_holding_a_cue_word(text: str) -> None:
    counts = _figures(text)
    found = [(m.span(), m.group()) for m in parts._partitive_cues(text, counts)]
    assert found == _partitive_cues_everywhere(text, counts)
    assert found  # each text holds cues


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["7", " ", "\n", "of", "Of", "them", "THESE", "among", "whom", "which",
                                 "out", "including", "x" * 50, ",", "the", "ſ"]), max_size=40))
def test_partitive_cues_are_found_in_the_stretches_holding_a_cue_word_on_any_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    counts = _figures(text)
    assert [(m.span(), m.group()) for m in parts._partitive_cues(text, counts)] == _partitive_cues_everywhere(text, counts)
