"""The fast paths of extraction give what the plain ones give: the ASCII scan for triggers and
the ASCII patterns of words, clauses and sentences against the general ones, and claims
assembled without validation against validated ones."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from figcheck.corpus import load_document
from figcheck.extraction import extract_claims
from figcheck.extraction.triggers import scan_any, scan_ascii
from figcheck.records import Claim

_TRICKY = [
    "",
    "7",
    "June",
    "june 25",
    "On June 25, 1950, the war broke out.",
    "A380 and G20 and 10days and days10 and 3rd and 25th",
    "MAY 1 and May Day and may and dismay and Mayday",
    "three hundred and fifty-six thousand",
    "a dozen eggs, A hundred men, a  dozen",
    "Sunday\tMonday\nTuesday\r\nwednesday",
    "ten attention often tension tenfold ten-year",
    "the 1950s and '50s and 1,204,000 and 3.5 and 0.25",
    "Juche 39 (1950), juche, JUCHE",
    "anniversary-anniversaries_birthday_jubilee",
    "years.year,year;year:(year)[year]{year}",
    "(twenty)twenty'twenty\"twenty",
    "month_day 5_6 x_years y_",
]


@pytest.mark.parametrize("text", _TRICKY)
def test_the_ascii_scan_finds_what_the_general_scan_finds(text: str) -> None:
    assert text.isascii()
    assert scan_ascii(text) == scan_any(text)


def test_the_general_scan_finds_words_and_digits() -> None:
    digits, lengths, words = scan_any("On June 25, 1950, three days")
    assert (digits, lengths) == ([8, 12], [2, 4])
    assert words == [(3, 7, "june"), (18, 23, "three"), (24, 28, "days")]


_PIECES = st.sampled_from(
    ["june", "June", "JUNE", "three", "hundred", "and", "a", "A", "days", "year", "may", "juche", "monday",
     "dozen", "tens", "ten", "often", "x", "1950", "25", "7", "0", " ", "  ", "\n", "\t", "-", ",", ".", "(",
     ")", "'", "_", "/", "s", "th"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_the_ascii_scan_agrees_on_any_ascii_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert scan_ascii(text) == scan_any(text)


# --- the ASCII patterns of figcheck.extraction.text ----------------------------------------

_ASCII_TEXT = st.lists(
    st.sampled_from(list("aZ09.-' \t\n\x0b\x0c\r\x1c\x1f,;:()[]\"!?") + [" -- ", "e.g.", "1,204", "x.", "U.S.", "?!", ".)", ".\"", ".]"]),
    max_size=25,
).map("".join)


def _words_after_general(text: str, pos: int, limit: int, max_words: int) -> list[tuple[str, int, int]]:
    from figcheck.extraction import text as t

    out = []
    while len(out) < max_words:
        while pos < limit and text[pos].isspace():
            pos += 1
        m = t._WORD.match(text, pos, limit)
        if m is None:
            break
        out.append((m.group(), m.start(), m.end()))
        pos = m.end()
        if m.group().endswith(".") and not t.INITIALISM_WITH_DOT.fullmatch(m.group()):
            break
    return out


def _spans(pattern, text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text, start, end)]


@settings(max_examples=400, deadline=None)
@given(_ASCII_TEXT, st.integers(0, 45), st.integers(0, 45))
def test_the_ascii_word_and_clause_patterns_match_what_the_unicode_ones_match(text: str, a: int, b: int) -> None:
    from figcheck.extraction import text as t

    start, end = min(a, b, len(text)), min(max(a, b), len(text))
    assert _spans(t._WORD_ASCII, text, start, end) == _spans(t._WORD, text, start, end)
    assert _spans(t._CLAUSE_BREAK_ASCII, text, start, end) == _spans(t._CLAUSE_BREAK, text, start, end)
    backwards = t._CLAUSE_BREAK_BACKWARDS.search(text, start, end)
    forwards = _spans(t._CLAUSE_BREAK, text, start, end)
    assert (backwards.span() if backwards else None) == (forwards[-1] if forwards else None)
    assert _spans(t._SENTENCE_END_ASCII, text, start, end) == _spans(t._SENTENCE_END, text, start, end)
    for limit in (end, len(text)):
        # words_after on ASCII reads blanks and word in one match; on other text, one at a time.
        assert t.words_after(text, start, limit, 6) == _words_after_general(text, start, limit, 6)
    piece = text[start:end]
    assert t.is_initialism_with_dot(piece) == (t.INITIALISM_WITH_DOT.fullmatch(piece) is not None)
    assert (t._INITIALISM_ASCII.fullmatch(piece) is None) == (t._INITIALISM.fullmatch(piece) is None)


@pytest.mark.parametrize("text", ["x\x1c.\x1cy", "a.\x1fb", "U.S. troops", "mid-July 1950.", "e.g. 5", "1,204.\n"])
def test_separator_controls_are_not_blanks_to_the_ascii_clause_pattern(text: str) -> None:
    from figcheck.extraction import text as t

    assert _spans(t._CLAUSE_BREAK_ASCII, text, 0, len(text)) == _spans(t._CLAUSE_BREAK, text, 0, len(text))
    assert _spans(t._SENTENCE_END_ASCII, text, 0, len(text)) == _spans(t._SENTENCE_END, text, 0, len(text))


# --- claims assembled without validation --------------------------------------------------

_BUNDLED = sorted((Path(__file__).resolve().parents[1] / "corpus").glob("*.txt"))


@pytest.mark.parametrize("path", _BUNDLED, ids=[p.stem for p in _BUNDLED])
def test_assembled_claims_have_every_field_and_validate(path: Path) -> None:
    claims = extract_claims(load_document(path))
    assert claims
    for claim in claims:
        assert list(claim.__dict__) == list(Claim.model_fields)
        assert claim.model_fields_set == set(Claim.model_fields)
        assert Claim.model_validate(claim.model_dump()) == claim
        assert Claim.model_validate_json(claim.model_dump_json()).model_dump_json() == claim.model_dump_json()


def test_values_assembled_with_defaults_are_the_validated_values() -> None:
    from figcheck.extraction.examples import iter_example_cases
    from figcheck.records import DateValue, assemble_with_defaults

    dates = [c.value for case in iter_example_cases() for c in extract_claims(case.document()) if c.kind == "date"]
    dates += [c.value for p in _BUNDLED for c in extract_claims(load_document(p)) if c.kind == "date"]
    assert len(dates) > 100
    for value in dates:
        given = {name: getattr(value, name) for name in value.model_fields_set}
        validated = DateValue(**given)
        assert value == validated
        assert list(value.__dict__) == list(DateValue.model_fields)
        assert value.model_fields_set == validated.model_fields_set
        assert value.model_dump_json() == validated.model_dump_json()
        assert assemble_with_defaults(DateValue, **given) == validated


def test_a_value_assembled_with_defaults_names_its_fields() -> None:
    from figcheck.records import Anchor, DateValue, assemble_with_defaults

    with pytest.raises(TypeError, match="missing fields \\['timex'\\]"):
        assemble_with_defaults(DateValue, calendar_year=1950)
    with pytest.raises(TypeError, match="unknown fields \\['year'\\]"):
        assemble_with_defaults(DateValue, timex="1950", year=1950)
    anchor = assemble_with_defaults(Anchor, relation="after")
    assert anchor == Anchor(relation="after") and anchor.model_fields_set == {"relation"}


# --- alternations of the lexicon's phrases, as trees -------------------------------------

def _flat_alternation(phrases: list[str]) -> str:
    from figcheck.extraction.lexicon import _escaped

    return "|".join(_escaped(p) for p in sorted(phrases, key=len, reverse=True))


_PHRASES = st.lists(
    st.lists(st.sampled_from(["a", "A", "b", "ab", "more", "than", "mo", "st", ".", "s", "up", "Up", "to", "x-y"]), min_size=1,
             max_size=3).map(" ".join),
    min_size=1, max_size=8, unique=True,
)
# The contexts the recognizers put alternations in: alone, before more pattern (which makes the
# engine go back into the alternation), anchored at an end, and ignoring case.
_CONTEXTS = ["(?:{})", r"(?:{})\s+\w", r"\b(?:{})\b", r"(?:{})\s*$", r"(?i:(?:{}))(?:\s+(?:{}))?", r"(?i:\b(?:{})s?)"]


@settings(max_examples=500, deadline=None)
@given(_PHRASES, st.data(), st.sampled_from(_CONTEXTS))
def test_a_tree_of_phrases_matches_what_the_flat_alternation_matches(phrases: list[str], data: st.DataObject,
                                                                      context: str) -> None:
    import regex

    from figcheck.extraction.lexicon import alternation

    # A text made of the phrases themselves, cased and spaced otherwise, and other pieces.
    pieces = st.sampled_from(phrases + [p.upper() for p in phrases] + [p.replace(" ", "  ") for p in phrases]
                             + ["a", "b", "1", "-", "s"])
    text = "".join(data.draw(st.lists(st.tuples(pieces, st.sampled_from(["", " ", "\n", "\t", "."])), max_size=6).map(
        lambda pairs: [piece + gap for piece, gap in pairs])))
    tree = regex.compile(context.format(alternation(phrases), alternation(phrases)))
    flat = regex.compile(context.format(_flat_alternation(phrases), _flat_alternation(phrases)))
    for pos in range(len(text) + 1):
        a, b = tree.match(text, pos), flat.match(text, pos)
        assert (a and a.span()) == (b and b.span())
        a, b = tree.search(text, 0, pos), flat.search(text, 0, pos)
        assert (a and a.span()) == (b and b.span())


def test_the_lexicons_alternations_are_trees() -> None:
    from figcheck.extraction.lexicon import alternation, load_lexicon

    lex = load_lexicon()
    qualifiers = [p for phrases in lex.qualifiers.values() for p in phrases]
    assert alternation(qualifiers) != _flat_alternation(qualifiers)
    assert alternation(["more than", "more", "most"]) == r"mo(?:re(?:\s+than)?|st)"
    # Phrases that could start the same way at a branch, whatever the case: kept flat.
    assert alternation(["US", "us"]) == _flat_alternation(["US", "us"])


# --- numbers of digits ----------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[0-9][0-9,]{0,30}", fullmatch=True))
def test_a_number_of_digits_reads_as_the_general_reading_reads_it(digits: str) -> None:
    from figcheck.extraction.numbers import MAX_DIGITS, parse_number

    # A blank in front keeps the number off the quick path: the general reading strips it.
    assert parse_number(digits) == parse_number(f" {digits}")
    plain = digits.replace(",", "")
    assert parse_number(digits) == (float(plain) if len(plain) <= MAX_DIGITS else None)  # past it: no number


# --- searches back from a figure ------------------------------------------------------------


def _looking_back_patterns() -> dict[str, regex.Pattern]:
    """The patterns the recognizers search back with ``search_back``, and a few that are hard
    to read from the right (lookarounds at either end, lazy and nested repeats)."""
    from figcheck.extraction.anniversaries import anniversary_patterns
    from figcheck.extraction.counts import _ADDED_BEFORE, count_patterns
    from figcheck.extraction.dates import date_patterns

    dates, counts = date_patterns(), count_patterns()
    return {
        "weekday_before": dates.weekday_before,
        "ordinal_day_before": dates.ordinal_day_before,
        "century_before": dates.century_before,
        "period_before": dates.period_before,
        "total_verb_before": counts.total_verb_before,
        "qualifier_before": counts.qualifier_before,
        "added_before": _ADDED_BEFORE,
        "owner": anniversary_patterns().owner,
        "lookarounds": regex.compile(r"(?<![\p{L}\d])(?:(?i:the)\s+)?(?P<n>\d+|\p{L}+?)(?=\s)\s+(?!of\b)$"),
        "lazy_nested": regex.compile(r"(?:(?P<a>\w+?)(?:-\w+)*,?\s+){1,3}?(?P<b>and\s+)?$"),
    }


def _example_texts() -> list[str]:
    from figcheck.extraction.examples import iter_example_cases

    return [case.text for case in iter_example_cases()]


def _same_match(a: regex.Match | None, b: regex.Match | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.span() == b.span() and a.groupdict() == b.groupdict() and a.regs == b.regs


def test_a_search_back_finds_what_a_forward_search_finds_on_the_example_corpora() -> None:
    from figcheck.extraction.text import search_back

    patterns = _looking_back_patterns()
    found = dict.fromkeys(patterns, 0)
    for text in _example_texts():
        # A recognizer looks back from where a word starts (a figure, a month, a unit).
        for end in [m.start() for m in regex.finditer(r"\w+", text)] + [len(text)]:
            for name, pattern in patterns.items():
                for reach in (14, 60):
                    begin = max(0, end - reach)
                    want = pattern.search(text, begin, end)
                    assert _same_match(search_back(pattern, text, begin, end), want), (name, text[begin:end])
                    found[name] += want is not None
    # The corpora hold matches for every pattern, so the comparison is not only of misses.
    assert all(found.values()), found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(
    ["the", "The", "of", "and", "Monday", ",", " ", "  ", "\n", "-", "25th", "5", "1950", "early", "end", "some",
     "another", "reached", "totaled", "Kim's", "his", "'s", "20th", "first", "(", "x", "a"]), max_size=14),
       st.integers(0, 200), st.integers(0, 200))
def test_a_search_back_finds_what_a_forward_search_finds_on_any_text(pieces: list[str], a: int, b: int) -> None:
    from figcheck.extraction.text import search_back

    text = " ".join(pieces)
    begin, end = min(a, b, len(text)), min(max(a, b), len(text))
    for name, pattern in _looking_back_patterns().items():
        assert _same_match(search_back(pattern, text, begin, end), pattern.search(text, begin, end)), name


@pytest.mark.parametrize("source", [r"(?>a|ab)c$", r"a++b$", r"(?P<x>a)(?P=x)$", r"(a)\1$", r"(a)?(?(1)b|c)$", r"\Ga$"])
def test_a_pattern_read_differently_from_the_right_is_searched_forward(source: str) -> None:
    from figcheck.extraction.text import _reversed, search_back

    pattern = regex.compile(source)
    assert _reversed(pattern) is None
    for text in ("abc", "aab", "aa", "ba", "a"):
        assert _same_match(search_back(pattern, text, 0, len(text)), pattern.search(text, 0, len(text)))


# --- numbers that are not claims -------------------------------------------------------------

_NOT_CLAIMS = [
    "Call +82-2-727-0114 or (202) 555-0143 or 02-727-0114 now.",
    "At 09:18, 10:25 PM, 8 a.m., 5pm, 5 PM, 5\tam, 7.30 p.m. and 9 o'clock; 11\n am",
    "Dated 2015.04.28, 28/04/2015, 2015/04/28, 28.04.2015 and 1.2.2015.",
    "12345-678-9012 and 123-456-7890 and 1234.5.6 and 99999:12 and 5 apples at 6 pm.",
    "Height 1211 and 351, Resolution 1718, No. 3 and MiG-15, mid-1950 and the 1950s.",
    "He paid 5 a piece; 3 pigs at 4 Apple Street; 20 of them; 2 opened 7 o'clock",
    "1 2 3 4 5 6 7 8 9 0 -1 :2 .3 /4 a5 5a 55p 555P 5555o 5555 o",
]


def _non_claims_both_ways(text: str) -> None:
    from figcheck.extraction.exclusions import non_claim_spans
    from figcheck.extraction.triggers import find_triggers

    triggers = find_triggers(text)
    assert non_claim_spans(text, triggers.digits, triggers.digit_lengths) == non_claim_spans(text, triggers.digits)


@pytest.mark.parametrize("text", _NOT_CLAIMS)
def test_numbers_that_are_not_claims_are_found_without_trying_every_form(text: str) -> None:
    _non_claims_both_ways(text)


def test_numbers_that_are_not_claims_are_the_same_on_the_example_corpora() -> None:
    from figcheck.extraction.examples import iter_example_cases

    for case in iter_example_cases():
        _non_claims_both_ways(case.text)
    for path in _BUNDLED:
        _non_claims_both_ways(path.read_text(encoding="utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["5", "12", "2015", "12345", "+", "(", ")", "-", ":", ".", "/", " ", "\t", "\n", "am",
                                 "PM", "p.m.", "o'clock", "o", "a", "x", "Height", "No.", ","]), max_size=16))
def test_numbers_that_are_not_claims_are_the_same_on_any_text(pieces: list[str]) -> None:
    _non_claims_both_ways("".join(pieces))
