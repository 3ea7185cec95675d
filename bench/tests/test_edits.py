"""Each kind of edit changes one figure so that it is wrong, and only inside the claim's text."""

import random
import re

import pytest

from injected.edits import (
    bound_edit,
    duration_edit,
    find_number,
    juche_edit,
    ordinal_edit,
    part_edit,
    weekday_edit,
    year_edit,
)

SEEDS = range(40)


def _ordinal(text: str) -> int:
    return int(re.search(r"\d+", text).group())


@pytest.mark.parametrize("seed", SEEDS)
def test_ordinal_moves_by_one_to_ten_with_the_right_suffix(seed):
    new, _ = ordinal_edit("63rd anniversary", random.Random(seed))
    n = _ordinal(new)
    assert 1 <= abs(n - 63) <= 10
    suffix = new.split()[0][len(str(n)):]
    assert suffix == ("th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th"))
    assert new.endswith(" anniversary")


def test_ordinal_in_words_stays_in_words():
    new, _ = ordinal_edit("the sixtieth anniversary", random.Random(1))
    assert re.fullmatch(r"the [a-z-]+ anniversary", new) and new != "the sixtieth anniversary"


def test_no_ordinal_no_edit():
    assert ordinal_edit("centenary", random.Random(1)) is None


@pytest.mark.parametrize("seed", SEEDS)
def test_a_range_stays_in_order(seed):
    new, _ = year_edit("June 25, 1950-July 27, 1953", random.Random(seed))
    start, end = map(int, re.findall(r"\d{4}", new))
    assert start < end and (start, end) != (1950, 1953)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_juche_date_moves_as_one_date(seed):
    new, _ = year_edit("Sept. 9, Juche 37 (1948)", random.Random(seed))
    juche, year = map(int, re.findall(r"Juche (\d+) \((\d{4})\)", new)[0])
    assert juche + 1911 == year != 1948


@pytest.mark.parametrize("seed", SEEDS)
def test_juche_edit_breaks_the_pair(seed):
    new, _ = juche_edit("June 30, Juche 29 (1940)", random.Random(seed))
    juche, year = map(int, re.findall(r"Juche (\d+) \((\d{4})\)", new)[0])
    assert juche + 1911 != year and (juche == 29) != (year == 1940)


def test_decades_are_not_years():
    assert year_edit("the 1950s", random.Random(1)) is None
    assert duration_edit("the 1950s", random.Random(1)) is None


@pytest.mark.parametrize("seed", SEEDS)
def test_weekday_changes_to_another_day(seed):
    new, _ = weekday_edit("Thursday, November 29, 1945", random.Random(seed))
    assert not new.startswith("Thursday") and new.endswith(", November 29, 1945")


@pytest.mark.parametrize("seed", SEEDS)
def test_duration_changes_by_more_than_its_rounding(seed):
    new, _ = duration_edit("Sixty-six years", random.Random(seed))
    value = find_number(new).value
    assert 2 <= abs(value - 66) <= 10 and new[0].isupper() and new.endswith(" years")
    new, _ = duration_edit("1 000 days", random.Random(seed))
    assert abs(find_number(new).value - 1000) >= 100


@pytest.mark.parametrize("seed", SEEDS)
def test_part_exceeds_its_whole(seed):
    new, _ = part_edit("at least 3,000", "30 000", random.Random(seed))
    assert new.startswith("at least ") and find_number(new).value > 30_000
    new, _ = part_edit("three", "9", random.Random(seed))
    assert find_number(new).value > 9


def test_a_whole_without_upper_bound_gives_no_part_edit():
    assert part_edit("36", "more than 70", random.Random(1)) is None


@pytest.mark.parametrize("seed", SEEDS)
def test_bound_is_broken_within_a_factor_of_two(seed):
    new, _ = bound_edit("more than 100", "109", random.Random(seed))
    bound = find_number(new).value
    assert new.startswith("more than ") and 109 < bound <= 218
    new, _ = bound_edit("Up to 45", "40", random.Random(seed))
    assert 20 <= find_number(new).value < 40


def test_numbers_keep_their_style():
    assert find_number("more than 2 000").value == 2000
    assert find_number("16.294 million").value == pytest.approx(16_294_000)
    assert find_number("more than a dozen").value == 12
    new, _ = part_edit("16.294 million", "20 million", random.Random(3))
    assert new.endswith(" million")
