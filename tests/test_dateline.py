"""The dateline's date: from metadata or the top of the text, its year from publication."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from checkers.dateline import dateline_date
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
