"""The fast paths of extraction find what the plain ones find: the ASCII scan for triggers
against the general one, and the cached words of an article against reading them afresh."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from figcheck.extraction.triggers import scan_any, scan_ascii

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
