"""The dateline's date: from metadata or the top of the text, its year from publication."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checkers.dateline import _may_open_with_dateline, dateline_date
from figcheck.corpus import document_from_text, load_document
from figcheck.records import DocumentMeta

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _dateline(text: str, **meta: object) -> date | None:
    return dateline_date(document_from_text(text, "d", DocumentMeta(**meta)))


def test_a_dateline_in_the_metadata_wins_and_takes_the_publication_year() -> None:
    assert _dateline("A meeting was held.", dateline="Pyongyang, September 5", published="2011-09-12") == date(2011, 9, 5)
    assert _dateline("A meeting was held.", dateline="Seoul, Dec. 30", published="2012-01-02") == date(2011, 12, 30)
    assert _dateline("A meeting was held.", dateline="Seoul, Dec. 30, 2009", published="2012-01-02") == date(2009, 12, 30)


def test_a_dateline_at_the_top_of_the_text() -> None:
    text = "SEOUL, Nov. 23 (Yonhap) -- North Korea and China vowed to strengthen ties."
    assert _dateline(text, published="2009-11-24") == date(2009, 11, 23)
    assert _dateline(text) is None  # no year to read it in


def test_no_dated_dateline() -> None:
    assert _dateline("WASHINGTON (AP) -- Talks were held.", published="2009-11-24") is None
    assert _dateline("A meeting was held on Sept. 11 -- the day of the vote.", published="2011-09-12") is None
    assert _dateline("A meeting was held.", dateline="Pyongyang", published="2011-09-12") is None


def test_the_bundled_kcna_article() -> None:
    document = load_document(CORPUS / "kcna-2010-10-21-friendship-forged-in-blood.txt")
    assert dateline_date(document) == date(2010, 10, 21)


@pytest.mark.parametrize(
    ("head", "may"),
    [
        ("SEOUL, Nov. 23 (Yonhap) -- Talks were held.", True),
        ("SEOUL, Nov. 23 (Yonhap) \u2014 Talks were held.", True),
        ("SEOUL, Nov. 23 (Yonhap) \u2013 Talks were held.", True),
        ("LISBON, June 3 - Crowds filled the streets.", True),
        ("LISBON, June 3\t-\tCrowds filled the streets.", True),
        ("LISBON, June 3 -Crowds filled the streets.", False),  # a hyphen, not a dash
        ("LISBON, June 3-4 Crowds filled the streets.", False),
        ("SEOUL (Yonhap) -- Talks were held on Nov. 23.", False),  # the date after the dash
        ("SEOUL, Nov. 23 " + "x" * 80 + " -- Talks were held.", False),  # too far before it
        ("x " * 1000 + "SEOUL, Nov. 23 (Yonhap) -- Talks were held.", False),  # past the top of the text
    ],
)
def test_the_cheap_test_for_a_dateline_wants_a_month_and_day_before_a_dash(head: str, may: bool) -> None:
    assert _may_open_with_dateline(head) is may


@pytest.mark.parametrize("dash", ["--", "\u2014", "\u2013", "-"])
def test_a_dateline_with_any_dash(dash: str) -> None:
    text = f"SEOUL, Nov. 23 (Yonhap) {dash} North Korea and China vowed to strengthen ties."
    assert _dateline(text, published="2009-11-24") == date(2009, 11, 23)
