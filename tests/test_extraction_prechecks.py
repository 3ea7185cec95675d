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


# --- figures already held by a longer mention are not read again ----------------------------

_HELD_TRICKY = [
    "On March 3, 2012 the plant opened; in 2012 it grew.",
    "June 25 1,500 troops; 21 June 2012 and 2013; on June 25, 150 people",
    "The war (June 25, 1950-July 27, 1953) lasted three years, from 1950 to 1953.",
    "Posted 28.04.2015\nIt was March 3, 2012. Updated on March 3, 2012 at 09:18.",
    "the 2012-13 season; in mid-2012; the 1950s; March 2012 000 units; 3 March 2012's budget",
    "It took 12 days, until March 15, 2012, for 1,204 nurses to arrive in 2012 2,000 strong.",
    "Tel. 02-727-0114, March 3, 2012; order ABC 2012; the debentures due March 2012 and 1998",
]


def _claims_with_and_without_the_skips(text: str, published, monkeypatch: pytest.MonkeyPatch):
    import figcheck.extraction.counts as counts
    import figcheck.extraction.dates as dates
    from figcheck.extraction import extract_claims
    from figcheck.records import Document, DocumentMeta

    document = Document(doc_id="held", text=text, meta=DocumentMeta(published=published))
    with_skips = [claim.model_dump() for claim in extract_claims(document)]
    with monkeypatch.context() as patched:
        patched.setattr(dates._HeldSpans, "holds", lambda *args: False)
        patched.setattr(counts, "_held_by_an_outranking_mention", lambda *args: False)
        without = [claim.model_dump() for claim in extract_claims(document)]
    return with_skips, without


@pytest.mark.parametrize("text", _HELD_TRICKY)
def test_skipping_figures_held_by_a_date_changes_no_claim_on_tricky_texts(text: str, monkeypatch) -> None:
    from datetime import date

    with_skips, without = _claims_with_and_without_the_skips(text, date(2012, 3, 10), monkeypatch)
    assert with_skips == without
    assert with_skips  # the texts hold dates and counts, so the comparison is not of nothing


def test_skipping_figures_held_by_a_date_changes_no_claim_on_the_example_corpora(monkeypatch) -> None:
    from figcheck.extraction.examples import iter_example_cases

    compared = 0
    for case in iter_example_cases():
        with_skips, without = _claims_with_and_without_the_skips(case.text, case.published, monkeypatch)
        assert with_skips == without, case.id
        compared += len(with_skips)
    assert compared > 1000


def test_a_figure_right_after_the_day_of_a_date_is_read_on_its_own() -> None:
    # Read from the day, "25 150" was one number (a blank between thousands), held by the date
    # and dropped with "150 people" in it; the day is not read again, so the figure after it is.
    from datetime import date

    from figcheck.extraction import extract_claims
    from figcheck.records import Document, DocumentMeta

    text = "On July 4 300 people marched, and on June 25 1,204 nurses arrived."
    claims = extract_claims(Document(doc_id="held", text=text, meta=DocumentMeta(published=date(2012, 8, 1))))
    assert [(c.kind, c.text, c.subject) for c in claims] == [
        ("date", "July 4", None), ("count", "300", "people"), ("date", "June 25", None), ("count", "1,204", "nurses"),
    ]


def test_the_skips_skip_something() -> None:
    # Without a figure the skips pass over, the two tests above would compare equal paths.
    from datetime import date

    import figcheck.extraction.counts as counts
    import figcheck.extraction.dates as dates
    from figcheck.extraction import extract_claims
    from figcheck.records import Document, DocumentMeta

    seen = {"date": 0, "count": 0}
    real_date, real_count = dates._HeldSpans.holds, counts._held_by_an_outranking_mention

    def held_date(*args):
        seen["date"] += real_date(*args)
        return real_date(*args)

    def held_count(*args):
        seen["count"] += real_count(*args)
        return real_count(*args)

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(dates._HeldSpans, "holds", held_date)
        patched.setattr(counts, "_held_by_an_outranking_mention", held_count)
        for text in _HELD_TRICKY:
            extract_claims(Document(doc_id="held", text=text, meta=DocumentMeta(published=date(2012, 3, 10))))
    assert seen["date"] >= 5 and seen["count"] >= 10


# --- the looks before the day and year patterns tried at every figure -----------------------

_FIGURE_TRICKY = [
    "On 25 June 1950, 3 people; 4th of July; 4 of June; 21st\u00a0March 2012; 5 january; 6 ſeptember",
    "4-6 May; 4 – 6 May; 4 to 6 May; 4 through 8 June; 4 TILL 8 June; 4 until\n8 June; 4th-6th May",
    "1950-53; 1950 – 1953; 2011/12; 1950\u2014\u200a53; 1950 to 1953; 2012 - 2013 plan; 1950   -   1953",
    "3\x1cMay; 3\u2028June; 12\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\tJune; 12" + " " * 30 + "May",
    "Ends: 3 ; 4 ; 2012 ; 31st ; 7 of the 9 members; 12 March's plan; 1th June; 31stMay",
]


def _figure_looks(text: str) -> tuple[int, int, int]:
    """Compares each look with its pattern at every digit run of ``text``; the matches seen."""
    from figcheck.extraction.dates import (
        _DAY_RANGE_JOINTS, _YEAR_RANGE_JOINTS, _after_day_suffix, _first_after_blanks, _month_may_follow_day,
    )
    from figcheck.extraction.lexicon import load_lexicon
    from figcheck.extraction.mentions import ExtractionContext
    from figcheck.extraction.text import TextIndex
    from figcheck.extraction.triggers import find_triggers

    p = date_patterns()
    triggers = find_triggers(text)
    ctx = ExtractionContext(text=text, index=TextIndex.build(text), lexicon=load_lexicon(), published=None, triggers=triggers)
    seen = [0, 0, 0]
    for pos, length in zip(triggers.digits, triggers.digit_lengths):
        if length <= 2:
            if p.day_month_year.match(text, pos):
                assert _month_may_follow_day(ctx, pos + length), (text, pos)
                seen[0] += 1
            if p.day_range_day_first.match(text, pos):
                assert _first_after_blanks(text, _after_day_suffix(text, pos + length)) in _DAY_RANGE_JOINTS, (text, pos)
                seen[1] += 1
        if length == 4 and p.year_range.match(text, pos):
            assert _first_after_blanks(text, pos + 4) in _YEAR_RANGE_JOINTS, (text, pos)
            seen[2] += 1
    return seen[0], seen[1], seen[2]


def test_the_looks_before_day_and_year_patterns_pass_their_matches_on_tricky_texts() -> None:
    totals = [_figure_looks(text) for text in _FIGURE_TRICKY]
    assert all(sum(total[i] for total in totals) >= 4 for i in range(3)), totals


_FIGURE_PIECES = st.sampled_from(
    ["3", "12", "31", "2012", "1950", "53", "st", "th", "of", "Of", "June", "may", "ſeptember", "May", "to", "Until",
     "through", "till", "-", "–", "—", "/", " ", "  ", "\n", "\t", "\x1c", "\u00a0", ",", ".", "x"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_FIGURE_PIECES, max_size=14), st.sampled_from(["", " "]))
def test_the_looks_before_day_and_year_patterns_pass_their_matches_on_any_text(pieces: list[str], joint: str) -> None:
    _figure_looks(joint.join(pieces))


def test_the_looks_before_day_and_year_patterns_pass_their_matches_on_the_example_corpora() -> None:
    from figcheck.extraction.examples import iter_example_cases

    assert sum(sum(_figure_looks(case.text)) for case in iter_example_cases())


def test_the_looks_before_day_and_year_patterns_pass_their_matches_on_the_archive() -> None:
    archive = require_shared(SHARED / "corpora" / "kcna-2011-2012.jsonl.gz")
    seen = [0, 0, 0]
    with gzip.open(archive, "rt", encoding="utf-8") as lines:
        for line in islice(lines, 0, 18876, 6):
            for i, count in enumerate(_figure_looks(json.loads(line)["text"])):
                seen[i] += count
    assert all(seen), seen


# --- a sentence without a future cue spares finding the clauses of a day --------------------

_CLAUSE_TRICKY = _TRICKY + [
    "On Friday, the president will resign. On Friday, the president said he will resign.",
    "Talks opened on Monday\n\nand they will go on; on Tuesday they shall end",
    "On Friday ,  the minister’ll speak; on Friday ,the minister'll speak",
    "He wıll come on Monday; on Sunday, they WİLL go.",
    "A long sentence " + "with many words, " * 30 + "will end on Sunday.",
]


def _clause_context(text: str):
    from figcheck.extraction.lexicon import load_lexicon
    from figcheck.extraction.mentions import ExtractionContext
    from figcheck.extraction.text import TextIndex
    from figcheck.extraction.triggers import find_triggers

    return ExtractionContext(text=text, index=TextIndex.build(text), lexicon=load_lexicon(), published=None,
                             triggers=find_triggers(text))


def _future_clause_searched(ctx, pos: int) -> bool:
    """``dates._future_clause`` as it reads without any cheap look: both clauses searched."""
    from figcheck.extraction.dates import _REPORTED_PAST

    future = date_patterns().future
    left, right = ctx.index.clause_bounds(pos, pos + 1)
    if future.search(ctx.text, left, pos):
        return True
    sentence = ctx.index.sentence_at(pos)
    if not ctx.text[sentence.start : left].strip(" \"“(") and ctx.text[right : right + 1] == ",":
        cue = future.search(ctx.text, right, min(sentence.end, right + 60))
        return cue is not None and not _REPORTED_PAST.search(ctx.text, right, cue.start())
    return False


def _check_clauses(text: str, step: int = 1) -> int:
    from figcheck.extraction.dates import _future_clause

    ctx, plain = _clause_context(text), _clause_context(text)
    future = 0
    for pos in range(0, len(text), step):
        want = _future_clause_searched(plain, pos)
        assert _future_clause(ctx, pos) == want, (text, pos)
        future += want
    return future


def test_the_sentence_look_before_the_clauses_changes_no_answer_on_tricky_texts() -> None:
    assert sum(_check_clauses(text) for text in _CLAUSE_TRICKY)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=16), st.sampled_from(["", " "]))
def test_the_sentence_look_before_the_clauses_changes_no_answer_on_any_text(pieces: list[str], joint: str) -> None:
    _check_clauses(joint.join(pieces))


def test_the_sentence_look_before_the_clauses_changes_no_answer_on_the_example_corpora() -> None:
    from figcheck.extraction.examples import iter_example_cases

    assert sum(_check_clauses(case.text) for case in iter_example_cases())


def test_the_sentence_look_before_the_clauses_changes_no_answer_on_the_archive() -> None:
    archive = require_shared(SHARED / "corpora" / "kcna-2011-2012.jsonl.gz")
    future = 0
    with gzip.open(archive, "rt", encoding="utf-8") as lines:
        for line in islice(lines, 0, 3000, 30):
            future += _check_clauses(json.loads(line)["text"], step=3)
    assert future


# --- a day's date that names something: the looks before the words around it ----------------


def test_a_day_followed_by_no_single_blank_names_nothing() -> None:
    # The look at the character after the day stands for the word-after read: both say no.
    from datetime import date

    from figcheck.extraction import extract_claims
    from figcheck.records import Document, DocumentMeta

    for text, named in [
        ("They kept producing August 3 consumer goods.", True),
        ("He arrived on January 27 sent by the party.", False),
        ("the June 15 joint declaration was marked", True),
        ("the June 15\tjoint declaration was marked", False),
        ("the June 15, joint declaration was marked", False),
        ("the June 15  joint declaration was marked", False),
    ]:
        claims = extract_claims(Document(doc_id="named", text=text, meta=DocumentMeta(published=date(2012, 3, 10))))
        dates = [c.text for c in claims if c.kind == "date"]
        assert (dates == []) == named, (text, dates)
