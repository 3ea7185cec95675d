"""The public-suite scorer's own logic on hand-written cases: their TIMEX notation as days and
seconds, what counts as found and as the right value, scope and classes, and a bad spec file
named by file, case and field. Runs without the specs."""

import json
from datetime import date
from pathlib import Path

import pytest

from suites.run import (
    Expected,
    NotScorable,
    SpecError,
    classify,
    claim_days,
    date_matches,
    duration_seconds,
    load_cases,
    main,
    out_of_scope,
    overlaps,
    period_of,
    score_item,
    scorable,
)

FILL = date(2016, 11, 7)


@pytest.mark.parametrize(
    "timex, fill, first, last",
    [
        ("1953-07-27", FILL, date(1953, 7, 27), date(1953, 7, 27)),
        ("XXXX-07-13", date(1950, 3, 1), date(1950, 7, 13), date(1950, 7, 13)),
        ("XXXX-XX-15", date(2016, 11, 7), date(2016, 11, 15), date(2016, 11, 15)),
        ("2016-02", FILL, date(2016, 2, 1), date(2016, 2, 29)),
        ("XXXX-02", date(2017, 2, 1), date(2017, 2, 1), date(2017, 2, 28)),
        ("1951", FILL, date(1951, 1, 1), date(1951, 12, 31)),
        ("2016-W45", FILL, date(2016, 11, 7), date(2016, 11, 13)),
        ("2016-W45-WE", FILL, date(2016, 11, 12), date(2016, 11, 13)),
        ("1950-SU", FILL, date(1950, 6, 1), date(1950, 8, 31)),
        ("WI", date(1950, 12, 1), date(1950, 12, 1), date(1951, 2, 28)),
        ("2016-Q4", FILL, date(2016, 10, 1), date(2016, 12, 31)),
        ("195", FILL, date(1950, 1, 1), date(1959, 12, 31)),
        ("(2016-07-13,2016-07-15,P2D)", FILL, date(2016, 7, 13), date(2016, 7, 15)),
        ("(XXXX-09-03,XXXX-09-12,P9D)", date(1995, 9, 3), date(1995, 9, 3), date(1995, 9, 12)),
        ("(XX70-01-01,XX79-12-31,P10Y)", date(1970, 1, 1), date(1970, 1, 1), date(1979, 12, 31)),
    ],
)
def test_their_timex_names_these_days(timex, fill, first, last):
    assert period_of(timex, fill) == (first, last)


@pytest.mark.parametrize(
    "timex, why",
    [
        ("XXXX-07-W04", "week N of a month"),
        ("2016-11-31", "not a real date"),
        ("XXXX-WXX-5-foo", "not read"),
    ],
)
def test_timex_that_cannot_be_compared_says_why(timex, why):
    item = Expected("f", 0, "x", "x", 0, 1, "date", timex, FILL)
    assert why in scorable(item)


def test_a_weekday_or_nth_weekday_is_checked_on_the_claimed_day():
    assert date_matches("XXXX-WXX-5", date(2016, 11, 11), date(2016, 11, 11))  # a Friday
    assert not date_matches("XXXX-WXX-5", date(2016, 11, 10), date(2016, 11, 10))
    assert date_matches("XXXX-07-WXX-5-#1", date(2017, 7, 7), date(2017, 7, 7))  # first Friday of July
    assert not date_matches("XXXX-07-WXX-5-#1", date(2017, 7, 14), date(2017, 7, 14))


def test_a_period_ending_the_day_after_is_their_exclusive_end_and_matches():
    # "next 3 days" from 2016-11-07: (2016-11-08,2016-11-11,P3D) is the 8th to the 10th.
    assert date_matches("(2016-11-08,2016-11-11,P3D)", date(2016, 11, 8), date(2016, 11, 10))
    assert date_matches("(2016-11-08,2016-11-11,P3D)", date(2016, 11, 8), date(2016, 11, 11))
    assert not date_matches("(2016-11-08,2016-11-11,P3D)", date(2016, 11, 8), date(2016, 11, 9))
    assert not date_matches("2016-09", date(2016, 9, 1), date(2016, 9, 1))  # a day is not the month


@pytest.mark.parametrize(
    "timex, seconds",
    [("P3D", 3 * 86400), ("PT1.5H", 5400), ("P2W", 14 * 86400), ("P1Y1M21D", (365 + 30 + 21) * 86400), ("P0.5Y", 182.5 * 86400)],
)
def test_durations_become_seconds(timex, seconds):
    assert duration_seconds(timex) == pytest.approx(seconds)


def test_business_days_are_not_scored():
    with pytest.raises(NotScorable):
        duration_seconds("P1BD")


def test_a_duration_counted_back_from_publication_names_a_day():
    claim = {"kind": "duration", "value": {"timex": "P2Y", "anchor": {"relation": "ago", "to": "publication"}}}
    assert claim_days(claim, date(2016, 11, 7)) == (date(2014, 11, 7), date(2014, 11, 7))
    lasting = {"kind": "duration", "value": {"timex": "P2Y", "anchor": {"relation": "after"}}}
    assert claim_days(lasting, date(2016, 11, 7)) is None


def test_overlap_is_strict_at_the_edges():
    assert overlaps(0, 5, 4, 9)
    assert not overlaps(0, 5, 5, 9)


def _claim(kind, text, start, value):
    return {"kind": kind, "text": text, "start": start, "end": start + len(text), "value": value}


def test_found_exact_loose_and_value_of_one_expected_range():
    text = "I'll be out from 4 to 22 January, 1995"
    item = Expected("DatePeriodParser", 0, text, "from 4 to 22 January, 1995", 12, 38, "daterange",
                    "(1995-01-04,1995-01-22,P18D)", FILL)
    rng = _claim("date_range", "4 to 22 January, 1995", 17, {"start_timex": "1995-01-04", "end_timex": "1995-01-22"})
    score_item(item, [rng])
    assert (item.found, item.exact, item.loose, item.value_state) == (True, False, True, "right")

    one_end = _claim("date", "22 January, 1995", 22, {"timex": "1995-01-22", "period_start": "1995-01-22", "period_end": "1995-01-22"})
    score_item(item, [one_end])
    assert (item.found, item.value_state) == (True, "wrong")


def test_a_claim_of_another_kind_does_not_find_the_entity():
    item = Expected("DateParser", 0, "for the twenty second", "for the twenty second", 0, 21, "date", "XXXX-XX-22", FILL)
    score_item(item, [_claim("count", "twenty", 8, {"value": 20.0})])
    assert not item.found and item.other_kind and item.value_state == "wrong"


def test_a_percentage_needs_the_percent_unit_and_a_number_its_value():
    item = Expected("PercentModel", 0, "10 percent", "10 percent", 0, 10, "percentage", "10%", FILL)
    score_item(item, [_claim("count", "10 percent", 0, {"value": 10.0, "unit": "percent"})])
    assert item.value_state == "right"
    score_item(item, [_claim("count", "10", 0, {"value": 10.0})])
    assert item.value_state == "wrong"


@pytest.mark.parametrize(
    "kind, text, value, reason",
    [
        ("time", "3pm", None, "type time"),
        ("number", "-1", "-1", "negative"),
        ("number", "1e10", "10000000000", "scientific"),
        ("number", "one over three", "0.333", "over"),
        ("number", "2 million", "2000000", None),
        ("dimension", "metric ton", None, "without a number"),
        ("dimension", "25 pounds", "25", None),
    ],
)
def test_scope(kind, text, value, reason):
    found = out_of_scope(Expected("f", 0, text, text, 0, len(text), kind, value, FILL), 1)
    assert (found is None) if reason is None else (reason in found)


@pytest.mark.parametrize(
    "kind, text, klass",
    [
        ("daterange", "from 4 to 22 this month", "range"),
        ("daterange", "November 19-20", "range"),
        ("daterange", "2016-11", "month alone / part of period"),
        ("date", "fourth of may", "case"),
        ("daterange", "this September", "month alone / part of period"),
        ("date", "two days ago", "relative"),
        ("date", "May twenty-first", "ordinal day"),
        ("duration", "two and a half hours", "duration in words"),
        ("duration", "3 hours", "duration number+unit"),
    ],
)
def test_classes(kind, text, klass):
    assert classify(kind, text, None) == klass


def _specs(tmp_path: Path, name: str, cases) -> Path:
    folder = tmp_path / "Specs" / "DateTime" / "English"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(cases), encoding="utf-8")
    return tmp_path / "Specs"


def test_an_expected_text_missing_from_its_input_names_file_case_and_field(tmp_path):
    specs = _specs(tmp_path, "DateParser.json", [{"Input": "on July 4", "Results": [{"Text": "June 4", "Type": "date"}]}])
    with pytest.raises(SpecError, match=r"DateParser.json: case 0, result 0: field 'Text'"):
        load_cases(specs)


def test_an_expected_text_differing_only_in_case_is_placed_and_kept_as_the_input_writes_it(tmp_path):
    specs = _specs(tmp_path, "DateParser.json", [{"Input": "The file is 100 MB", "Results": [{"Text": "100 mb", "Type": "date"}]}])
    (case,), _ = load_cases(specs)
    assert (case.expected[0].start, case.expected[0].text) == (12, "100 MB")


def test_end_to_end_on_a_tiny_spec_folder(tmp_path, capsys):
    specs = _specs(
        tmp_path,
        "DateParser.json",
        [
            {
                "Input": "The armistice was signed on July 27, 1953.",
                "Context": {"ReferenceDateTime": "2016-11-07T00:00:00"},
                "Results": [{"Text": "July 27, 1953", "Type": "date", "Value": {"Timex": "1953-07-27"}}],
            },
            {"Input": "at 3pm", "Results": [{"Text": "3pm", "Type": "time", "Value": {"Timex": "T15"}}]},
        ],
    )
    misses = tmp_path / "misses.md"
    assert main(["--specs", str(specs), "--misses", str(misses)]) == 0
    out = capsys.readouterr().out
    assert "found        1 of 1 (100.0%)" in out
    assert "value right  1 of 1 scored (100.0%)" in out
    assert "out of scope 1" in out
    assert "type time" in misses.read_text(encoding="utf-8")
