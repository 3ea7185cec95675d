"""Claim extraction on the bundled corpus (the claims that matter most, and a reviewed snapshot of
every article), its invariants on any text, and the example-file format's error messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from figcheck.corpus import load_document
from figcheck.extraction import extract_claims
from figcheck.extraction.examples import ExampleFileError, load_example_file
from figcheck.records import Claim, Document, DocumentMeta

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ARTICLES = sorted(p.stem for p in CORPUS.glob("*.txt"))


def claims_of(stem: str) -> list[Claim]:
    return extract_claims(load_document(CORPUS / f"{stem}.txt"))


def the_claim(claims: list[Claim], text: str, kind: str | None = None, occurrence: int = 0) -> Claim:
    found = [c for c in claims if c.text == text and (kind is None or c.kind == kind)]
    assert len(found) > occurrence, f"no {kind or 'claim'} {text!r} among {[c.text for c in claims]}"
    return found[occurrence]


def claims_touching(claims: list[Claim], document: Document, piece: str) -> list[Claim]:
    start = document.text.index(piece)
    end = start + len(piece)
    return [c for c in claims if c.start < end and start < c.end]


# --- the claims that matter most -------------------------------------------------------------


@pytest.fixture(scope="module")
def kcna() -> list[Claim]:
    return claims_of("kcna-2010-10-21-friendship-forged-in-blood")


@pytest.fixture(scope="module")
def blog() -> list[Claim]:
    return claims_of("blog-all-koreans-fought-to-defend-their-country")


@pytest.fixture(scope="module")
def yonhap() -> list[Claim]:
    return claims_of("yonhap-2009-11-23-military-alliance-sealed-in-blood")


@pytest.fixture(scope="module")
def herald() -> list[Claim]:
    return claims_of("koreaherald-2021-10-26-nk-china-ties-sealed-in-blood")


@pytest.fixture(scope="module")
def globaltimes() -> list[Claim]:
    return claims_of("globaltimes-2023-07-27-korean-war-armistice-70th-anniversary")


def test_volunteers_and_the_parts_honoured_among_them(kcna: list[Claim]) -> None:
    whole = the_claim(kcna, "661,736", "count")
    assert whole.value.value == 661736 and whole.qualifier == "exact"
    assert whole.subject == "volunteers"
    assert "awarded DPRK orders and medals" in (whole.context or "")
    assert whole.part_of is None
    twelve = the_claim(kcna, "twelve", "count")
    assert twelve.value.value == 12 and twelve.part_of == whole.id
    assert twelve.subject == "volunteers"
    assert "Hero of Republic" in (twelve.context or "")
    order = the_claim(kcna, "226", "count")
    assert order.value.value == 226 and order.part_of == whole.id
    assert "honored with Order of the National Flag" in (order.context or "")


def test_ordinal_in_an_order_name_is_no_claim(kcna: list[Claim]) -> None:
    document = load_document(CORPUS / "kcna-2010-10-21-friendship-forged-in-blood.txt")
    assert not claims_touching(kcna, document, "1st Class")


def test_juche_date_keeps_its_calendar_and_stated_year(kcna: list[Claim]) -> None:
    date = the_claim(kcna, "October 25, Juche 39 (1950)", "date")
    assert date.value.timex == "1950-10-25"
    assert date.value.calendar == "juche" and date.value.calendar_year == 39
    assert date.value.stated_gregorian_year == 1950


def test_war_range_and_elapsed_years(kcna: list[Claim]) -> None:
    war = the_claim(kcna, "June 1950-July 1953", "date_range")
    assert (war.value.start_timex, war.value.end_timex) == ("1950-06", "1953-07")
    assert war.subject == "Fatherland Liberation War"
    sixty = the_claim(kcna, "Sixty years", "duration")
    assert sixty.value.timex == "P60Y"
    assert sixty.value.anchor is not None
    assert (sixty.value.anchor.relation, sixty.value.anchor.to) == ("since", "publication")


def test_heroes_and_twice_heroes(blog: list[Claim]) -> None:
    heroes = the_claim(blog, "533", "count")
    assert heroes.subject == "DPRK Heroes"
    twice = the_claim(blog, "5", "count")
    assert twice.subject == "twice Heroes" and twice.part_of == heroes.id
    labour = the_claim(blog, "16", "count")
    assert labour.subject == "Labour Heroes" and labour.part_of is None


def test_volunteers_at_the_outbreak(blog: list[Claim]) -> None:
    count = the_claim(blog, "more than 80,000", "count")
    assert count.value.value == 80000 and count.qualifier == "more_than"
    assert (count.value.low, count.value.high) == (80000, None)
    assert count.subject == "young and working people"
    days = the_claim(blog, "three to four days", "duration")
    assert days.qualifier == "range"
    assert (days.value.low_timex, days.value.high_timex) == ("P3D", "P4D")
    assert days.value.anchor is not None and days.value.anchor.relation == "after"


def test_durations_anchored_on_the_dates_they_follow(blog: list[Claim]) -> None:
    august = the_claim(blog, "August 1945", "date")
    assert august.value.timex == "1945-08"
    less = the_claim(blog, "less than five years", "duration")
    assert less.value.timex == "P5Y" and less.qualifier == "less_than"
    assert less.value.anchor is not None and less.value.anchor.claim_id == august.id
    founding = the_claim(blog, "September 1948", "date")
    assert founding.subject == "founding of the DPRK"
    nearly = the_claim(blog, "nearly two years", "duration")
    assert nearly.value.timex == "P2Y" and nearly.qualifier == "approx"
    assert nearly.value.anchor is not None and nearly.value.anchor.claim_id == founding.id


def test_the_war_and_its_length(blog: list[Claim]) -> None:
    first = the_claim(blog, "June 25, 1950", "date")
    assert first.value.timex == "1950-06-25" and first.value.calendar == "gregorian"
    length = the_claim(blog, "three-year-long", "duration")
    assert length.value.timex == "P3Y"
    assert length.subject == "Fatherland Liberation War"
    war = the_claim(blog, "June 25, 1950-July 27, 1953", "date_range")
    assert (war.value.start_timex, war.value.end_timex) == ("1950-06-25", "1953-07-27")


def test_a_total_named_before_its_figure(blog: list[Claim]) -> None:
    total = the_claim(blog, "81,858", "count")
    assert total.subject == "patriotic young people"


def test_numbers_that_name_heights_are_no_claims(blog: list[Claim]) -> None:
    document = load_document(CORPUS / "blog-all-koreans-fought-to-defend-their-country.txt")
    assert not claims_touching(blog, document, "1211 and 351")


def test_comment_form_and_menu_numbers_are_no_claims(blog: list[Claim]) -> None:
    document = load_document(CORPUS / "blog-all-koreans-fought-to-defend-their-country.txt")
    assert not claims_touching(blog, document, "1 reply")
    furniture_start = document.text.index("Categories: History")
    assert all(c.start < furniture_start for c in blog)


def test_relative_dates_resolve_against_publication(yonhap: list[Claim]) -> None:
    monday = the_claim(yonhap, "Monday", "date")
    assert monday.value.timex == "2009-11-23" and monday.value.relative
    assert monday.value.resolved_from == "published 2009-11-23"
    sunday = the_claim(yonhap, "Sunday", "date")
    assert sunday.value.timex == "2009-11-22"
    week = the_claim(yonhap, "last week", "date")
    assert week.value.timex == "2009-W47"
    year = the_claim(yonhap, "this year", "date")
    assert year.value.timex == "2009"
    december = the_claim(yonhap, "Dec. 5", "date")
    assert december.value.timex == "2009-12-05"


def test_tour_and_diplomatic_years(yonhap: list[Claim]) -> None:
    tour = the_claim(yonhap, "three-nation", "count")
    assert tour.value.value == 3
    sixty = the_claim(yonhap, "60 years", "anniversary")
    assert sixty.value.ordinal == 60 and sixty.value.event == "diplomatic relationship"
    assert sixty.value.implied_event_year == 1949
    ago = the_claim(yonhap, "more than 50 years", "duration")
    assert ago.qualifier == "more_than"
    assert ago.value.anchor is not None and (ago.value.anchor.relation, ago.value.anchor.to) == ("ago", "publication")


def test_dispatch_anniversary(herald: list[Claim]) -> None:
    anniversary = the_claim(herald, "71st anniversary", "anniversary")
    assert anniversary.value.ordinal == 71
    assert anniversary.value.event.startswith("China's dispatching of troops")
    assert anniversary.value.implied_event_year == 1950
    war = the_claim(herald, "three-year", "duration")
    assert war.value.timex == "P3Y" and war.subject == "war"
    assert the_claim(herald, "1950-53", "date_range").value.end_timex == "1953"


def test_armistice_anniversary_and_weekday_range(globaltimes: list[Claim]) -> None:
    armistice = [c for c in globaltimes if c.kind == "anniversary" and c.value.event == "the armistice agreement"]
    assert armistice and armistice[0].value.ordinal == 70 and armistice[0].value.implied_event_year == 1953
    festival = the_claim(globaltimes, "from Wednesday to Sunday", "date_range")
    assert (festival.value.start_timex, festival.value.end_timex) == ("2023-07-26", "2023-07-30")
    assert festival.value.resolved_from == "published 2023-07-27"
    assert the_claim(globaltimes, "1950s", "date").value.timex == "195"


# --- snapshots -------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ARTICLES)
def test_extraction_snapshot(stem: str, data_regression) -> None:  # noqa: ANN001 (pytest-regressions fixture)
    claims = claims_of(stem)
    data_regression.check({"claims": [c.model_dump(mode="json", exclude_none=True) for c in claims]})


# --- invariants ------------------------------------------------------------------------------

_FRAGMENTS = [
    "661,736 volunteers",
    "Of them",
    "twelve were honored",
    "and 226 with Order",
    "more than 80,000",
    "three to four days",
    "June 25, 1950",
    "1950-53",
    "(June 25, 1950-July 27, 1953)",
    "October 25, Juche 39 (1950)",
    "Oct. 25",
    "the 71st anniversary of",
    "mark 60 years of",
    "Sixty years has elapsed since",
    "on Monday",
    "last week",
    "from Wednesday to Sunday",
    "1.2 million",
    "+82-2-727-0114",
    "09:18",
    "Height 1211 and 351",
    "45-year-old",
    "three-year-long",
    "nearly two years after",
    "2019-03-04",
    "(",
    ")",
    ",",
    ".",
    "\n",
    "\n\n",
    "-",
    "–",
    "’s",
    "a",
    "the",
    "1",
    "99",
    "2000",
]


def check_invariants(text: str, published: str | None) -> None:
    document = Document(doc_id="prop", text=text, meta=DocumentMeta(published=published))
    claims = extract_claims(document)
    again = extract_claims(document)
    assert [c.id for c in claims] == [c.id for c in again]
    ids = set()
    for claim in claims:
        assert 0 <= claim.start < claim.end <= len(text)
        assert claim.text == text[claim.start : claim.end]
        assert claim.sentence == text[claim.sentence_start : claim.sentence_start + len(claim.sentence)]
        assert claim.sentence_start <= claim.start and claim.end <= claim.sentence_start + len(claim.sentence)
        assert Claim.model_validate_json(claim.model_dump_json()) == claim
        assert claim.id == Claim.make_id("prop", claim.kind, claim.start, claim.end)
        assert claim.id not in ids
        ids.add(claim.id)
    known = {c.id for c in claims}
    for claim in claims:
        assert claim.part_of is None or claim.part_of in known
        anchor = getattr(claim.value, "anchor", None)
        assert anchor is None or anchor.claim_id is None or anchor.claim_id in known


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.sampled_from([None, "2021-10-26", "2000-02-29"]))
def test_any_text_gives_valid_claims(text: str, published: str | None) -> None:
    check_invariants(text, published)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_FRAGMENTS) | st.from_regex(r"[0-9,.\-]{1,8}", fullmatch=True), max_size=25),
    st.lists(st.sampled_from([" ", "", ". ", ", ", " (", ") ", "\n"]), min_size=25, max_size=25),
    st.sampled_from([None, "2021-10-26", "2009-11-23"]),
)
def test_texts_made_of_figures_give_valid_claims(pieces: list[str], joints: list[str], published: str | None) -> None:
    check_invariants("".join(p + j for p, j in zip(pieces, joints)), published)


def test_claim_ids_depend_only_on_document_and_span() -> None:
    text = "The ministry hired 1,204 nurses on Monday."
    first = extract_claims(Document(doc_id="a", text=text, meta=DocumentMeta(published="2021-10-26")))
    # Other metadata, the same document id and spans: the same ids.
    second = extract_claims(Document(doc_id="a", text=text, meta=DocumentMeta(published="2021-10-26", title="T")))
    assert [c.id for c in first] == [c.id for c in second]
    nurses = the_claim(first, "1,204")
    assert nurses.id == Claim.make_id("a", "count", nurses.start, nurses.end)
    # Another document: other ids.
    other = extract_claims(Document(doc_id="b", text=text, meta=DocumentMeta(published="2021-10-26")))
    assert not {c.id for c in first} & {c.id for c in other}
    # Text added after a claim leaves its id alone.
    longer = extract_claims(Document(doc_id="a", text=text + " More later.", meta=DocumentMeta(published="2021-10-26")))
    assert the_claim(longer, "1,204").id == nurses.id


# --- the example file format -------------------------------------------------------------------


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "counts.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_an_example_file_runs_its_cases(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "published: 2021-10-26\nkind: count\nexamples:\n"
        "  - expect: {value: 1204, subject: nurses}\n    texts: ['The ministry hired 1,204 nurses.']\n"
        "  - expect: {value: 1205}\n    texts: ['The ministry hired 1,204 nurses.']\n"
        "negatives:\n  - texts: ['Call 02-727-0114.']\n  - texts: ['It was 1,204 nurses.']\n    span: '1,204'\n",
    )
    cases = load_example_file("counts", path)
    assert [c.id for c in cases] == [
        "counts/1/The ministry hired 1,204 nurses.",
        "counts/2/The ministry hired 1,204 nurses.",
        "counts/not-1/Call 02-727-0114.",
        "counts/not-2/It was 1,204 nurses.",
    ]
    assert cases[0].check() == []
    assert "value is 1204.0, expected 1205" in cases[1].check()[0]
    assert cases[2].check() == []
    assert "unexpected claim" in cases[3].check()[0]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("published: 2021-10-26\nkind: count\nexamples:\n  - expect: {vale: 3}\n    texts: [x]\n", "examples entry 1: expect has field 'vale'"),
        ("published: 2021-10-26\nexamples:\n  - expect: {value: 3}\n    texts: [x]\n", "examples entry 1: no kind"),
        ("published: 2021-10-26\nkind: count\nexamples:\n  - expect: {value: 3}\n    texts: []\n", "examples entry 1 (no texts): field texts"),
        ("published: 2021-10-26\nkind: count\nexamples:\n  - expect: {value: 3}\n    text: ['a 3']\n", "field text: Extra inputs"),
        ("published: 2021-10-26\nnegatives:\n  - texts: ['Call 555.']\n    span: '556'\n", "negatives entry 1 (first text 'Call 555.')"),
        ("published: someday\nkind: count\n", "field published"),
        ("published: 2021-10-26\nkind: counts\n", "field kind"),
        ("published: [2021\n", "cannot read"),
    ],
)
def test_a_bad_example_file_is_named_with_its_entry_and_field(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ExampleFileError) as caught:
        load_example_file("counts", path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "inside", "whole"),
    [
        # A hard line wrap inside a paragraph is no sentence end, however short the line.
        ("Net profit in the\nfirst quarter rose to 45 mln dlrs.\nSales were flat.", "first", "Net profit in the\nfirst quarter rose to 45 mln dlrs."),
        ("Sales in the U.S.\ntotalled 5 mln dlrs, the company said.", "totalled", "Sales in the U.S.\ntotalled 5 mln dlrs, the company said."),
        ("Rain fell all week in\nthe cocoa zone.\n\nPrices fell.", "cocoa", "Rain fell all week in\nthe cocoa zone."),
        ("Output rose\nsharply in March.", "sharply", "Output rose\nsharply in March."),
        # A blank line, a headline and a line ending a sentence do end one.
        ("Output rose in March\n\nprices fell in April.", "prices", "prices fell in April."),
        ("Leader Visits Factory\nPyongyang, May 5 -- He toured the plant.", "Pyongyang", "Pyongyang, May 5 -- He toured the plant."),
        ("Sales rose 5 pct.\nProfit fell 3 pct.", "Profit", "Profit fell 3 pct."),
        # A line of one word, read as the line's last word (not as all the text before it).
        ("Sales fell.\nShipments rose 12 pct over\nthe\nMinistry's forecast.", "Ministry",
         "Shipments rose 12 pct over\nthe\nMinistry's forecast."),
    ],
)
def test_hard_line_wraps_do_not_end_sentences(text: str, inside: str, whole: str) -> None:
    from figcheck.extraction.text import TextIndex

    sentence = TextIndex.build(text).sentence_at(text.index(inside))
    assert text[sentence.start : sentence.end] == whole


def test_a_date_in_a_first_line_sentence_is_a_claim_not_the_page_date() -> None:
    from figcheck.corpus import document_from_text

    text = "Talks resumed on June 15, 2000\n\nThe report said the two sides met for three hours."
    document = document_from_text(text, "first-line")
    claims = extract_claims(document)
    assert [c.text for c in claims if c.kind == "date"] == ["June 15, 2000"]
    # A line that is nothing but the page's date still is one.
    stamp = document_from_text("All Headlines June 15, 2000\n\nThe two sides met on Monday for talks.", "stamp")
    assert not [c for c in extract_claims(stamp) if c.text == "June 15, 2000"]


def test_a_run_of_thousands_of_digits_is_no_figure_and_no_error() -> None:
    """Past 30 digits a run of digits is read as no number (a float cannot hold it, and Python's
    int() refuses one of over 4,300 digits): the figures around it are still read."""
    from figcheck.extraction.numbers import MAX_DIGITS, parse_number

    assert parse_number("9" * MAX_DIGITS) == float("9" * MAX_DIGITS)
    assert parse_number("9" * (MAX_DIGITS + 1)) is None
    assert parse_number("1," + "000," * 12 + "000.5 million") is None
    for run in ("7" * 5000, "1," * 5000 + "1"):
        text = f"The page listed {run} visitors, and the ministry hired 1,204 nurses."
        claims = extract_claims(Document(doc_id="digits", text=text, meta=DocumentMeta(published="2021-10-26")))
        assert [(c.text, c.subject) for c in claims if c.kind == "count"] == [("1,204", "nurses")]
