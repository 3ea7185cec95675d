"""Page furniture: what must be marked, what must never be, on made-up pages and the bundled corpus."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from shared_data import SHARED, require_shared
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from figcheck.furniture import FurnitureLexicon, find_furniture, lexicon, read_page
from figcheck.records import Span

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
KCNA = SHARED / "corpora" / "kcna-2011-2012.jsonl.gz"

BODY = (
    "The ministry said on Tuesday that 1,200 people had been evacuated from the valley. "
    "Rescue teams were still searching for 14 missing villagers late in the evening.\n\n"
    "Officials expect the river to fall below the warning level by Friday, the agency said."
)


def covered(spans: list[Span], start: int, end: int) -> bool:
    return any(span.start <= start and end <= span.end for span in spans)


def touched(spans: list[Span], start: int, end: int) -> bool:
    return any(span.start < end and start < span.end for span in spans)


def assert_furniture(text: str, piece: str, occurrence: int = 0) -> None:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(piece, start + 1)
    spans = find_furniture(text)
    assert covered(spans, start, start + len(piece)), f"{piece!r} is not furniture in {spans}"


def assert_not_furniture(text: str, piece: str) -> None:
    start = text.index(piece)
    spans = find_furniture(text)
    hit = [text[s.start:s.end] for s in spans if s.start < start + len(piece) and start < s.end]
    assert not hit, f"{piece!r} overlaps furniture {hit}"


# (page, the furniture in it)
FURNITURE_CASES = [
    ("Home\nWorld\nBusiness\nSport\nCulture\nOpinion\n\nFloods Hit the Valley\n\n" + BODY, "Business\nSport"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nNews\nPolitics\nEconomy\nScience & Tech\nTravel\n", "Science & Tech"),
    ("Floods Hit the Valley\nPublished: March 3, 2019 10:15 AM\n\n" + BODY, "Published: March 3, 2019 10:15 AM"),
    ("Floods Hit the Valley\nUpdated: 2020-01-05 14:00\n\n" + BODY, "Updated: 2020-01-05 14:00"),
    ("Floods Hit the Valley\n\nPosted on March 3, 2019\n\n" + BODY, "Posted on March 3, 2019"),
    ("Floods Hit the Valley\n\nNews 10:02 March 3, 2019\n\n" + BODY, "News 10:02 March 3, 2019"),
    ("Floods Hit the Valley\n\nBy Jane Roe\n\n" + BODY, "By Jane Roe"),
    ("Floods Hit the Valley\n\nBy Jane Roe, Staff Reporter\n\n" + BODY, "By Jane Roe, Staff Reporter"),
    ("Skip to main content\n\nFloods Hit the Valley\n\n" + BODY, "Skip to main content"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nCopyright © 2020 Example Media. All rights reserved.", "Copyright © 2020"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\n© 2020 Example Media\nTel : +1-202-555-0143\nFax: +1-202-555-0199\n"
     "Address: 12 Main Street, Springfield\nAbout Us", "+1-202-555-0143"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nAll Rights Reserved.\nAddress: 12 Main Street, Springfield", "12 Main Street"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nShare this:\n\nTwitter\n\nFacebook\n\nLeave a Reply\n\n"
     "Your email address will not be published. Required fields are marked *\n\nComment\n\nName\n\nWebsite",
     "Your email address will not be published."),
    ("Floods Hit the Valley\n\n" + BODY + "\n\n3 Comments\n\nJohn says: Great article, I counted 12 boats myself.",
     "I counted 12 boats myself."),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nCategories: Weather", "Categories: Weather"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nSubscribe to our newsletter", "Subscribe to our newsletter"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nJoin the Example.org mailing list", "Join the Example.org mailing list"),
    ("Relief Fund - Make a charitable donation to the flood victims!\n\nFloods Hit the Valley\n\n" + BODY,
     "Relief Fund - Make a charitable donation to the flood victims!"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nSend Feedback\nHow can we improve?\nThanks for your feedback!",
     "How can we improve?"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nMOST POPULAR\n\nLATEST NEWS", "MOST POPULAR"),
    ("Floods Hit the Valley\n(AP Photo/Jane Roe)\n\n" + BODY, "(AP Photo/Jane Roe)"),
    ("Floods Hit the Valley\n\nRescuers carry a boat through the flooded main street of the village on Tuesday. "
     "Photo: Xinhua\n\n" + BODY, "Photo: Xinhua"),
    ("Floods Hit the Valley\n\nRescuers carry a boat through the flooded main street of the village on Tuesday. "
     "Photo/Xinhua\n\n" + BODY, "Photo/Xinhua"),
    ("Floods Hit the Valley\nUpdated: 1998-11-11 10:15\n\n" + BODY, "Updated: 1998-11-11 10:15"),
    ("Floods Hit the Valley\n\nNews 10:03 March 3, 1999\n\n" + BODY, "News 10:03 March 3, 1999"),
    ("\t  Skip to main content\n\nFloods Hit the Valley\n\n" + BODY, "Skip to main content"),
    ("Floods Hit the Valley\n\nLONDON, March 3 (Reuters) - " + BODY, "LONDON, March 3 (Reuters) -"),
    ("Floods Hit the Valley\n\nWASHINGTON (AP) — " + BODY, "WASHINGTON (AP) —"),
    ("Floods Hit the Valley\n\nPyongyang, October 21 (KCNA) -- " + BODY, "Pyongyang, October 21 (KCNA) --"),
    ("Floods Hit the Valley\n\nLONDON, March 3, 2019\t- " + BODY, "LONDON, March 3, 2019\t-"),
    ("Floods Hit the Valley\n\nNational Flood Bureau via Example News Service\n\n" + BODY,
     "National Flood Bureau via Example News Service"),
    ("Floods Hit the Valley\n\nNATIONAL FLOOD BUREAU VIA EXAMPLE NEWS SERVICE\n\n" + BODY,
     "NATIONAL FLOOD BUREAU VIA EXAMPLE NEWS SERVICE"),
]


@pytest.mark.parametrize(("page", "piece"), FURNITURE_CASES, ids=[piece[:30] for _, piece in FURNITURE_CASES])
def test_furniture_is_found(page: str, piece: str) -> None:
    assert_furniture(page, piece)


def test_a_repeated_caption_is_furniture_only_the_second_time() -> None:
    caption = "Rescuers carry a boat through the flooded main street of the village on Tuesday, officials said."
    page = f"Floods Hit the Valley\n\n{caption}\n\n{caption}\n\n{BODY}"
    assert_furniture(page, caption, occurrence=1)
    assert_not_furniture(page, caption)


@pytest.mark.parametrize("line", ["SIGN UP FOR OUR NEWSLETTER", "\u017f\u0131gn up for our newsletter", "TEL: 555-0143"])
def test_a_phrase_opening_a_line_is_matched_whatever_the_case_of_its_letters(line: str) -> None:
    # Case is ignored as the standard library's patterns ignore it, which takes "ſ" for an "s"
    # and "ı" for an "i": the cheap test of a line's first letters must not be stricter.
    assert_furniture("Floods Hit the Valley\n\n" + BODY + "\n\n" + line, line)


def test_a_repeat_is_found_whatever_its_case_and_spacing() -> None:
    caption = "Rescuers carry a boat through the flooded main street of the village on Tuesday, officials said."
    for again in (caption.upper(), caption.replace(" ", "  "), caption.replace(" ", "\t", 3)):
        page = f"Floods Hit the Valley\n\n{caption}\n\n{again}\n\n{BODY}"
        assert_furniture(page, again)
        assert_not_furniture(page, caption)


def test_a_menu_needs_four_items_not_marked_already() -> None:
    # "Advertisement" is furniture on its own: it may join a menu, not make one.
    for page in ("World\nBusiness\nSport\nAdvertisement\n\nFloods Hit the Valley\n\n" + BODY,
                 "Advertisement\nWorld\nBusiness\nSport\n\nFloods Hit the Valley\n\n" + BODY):
        assert_not_furniture(page, "Business")
    assert_furniture("World\nBusiness\nSport\nCulture\nAdvertisement\n\nFloods Hit the Valley\n\n" + BODY, "Business")


@pytest.mark.parametrize(
    ("line", "ends"),
    [
        ("Ties were sealed in blood in the war, the paper said. (Yonhap)", True),
        ("Delegation of the Ssangyong Motor Co., Ltd. Launched Its New Model", False),
        ("Ties between the two countries were discussed with S. Korea", False),
        ("Ties between the two countries were discussed with\tMr. Kim", False),
        ("Ties between the two countries were discussed with\tMr Kim. Then", True),
    ],
)
def test_a_sentence_ends_in_a_line_unless_its_full_stop_closes_an_abbreviation(line: str, ends: bool) -> None:
    from figcheck.furniture import _ends_sentence, _patterns

    assert _ends_sentence(line, _patterns().abbreviations) is ends


def test_a_dateline_prefix_is_furniture_but_the_sentence_after_it_is_not() -> None:
    page = "Floods Hit the Valley\n\nSEOUL, Nov. 23 (Yonhap) -- " + BODY
    spans = find_furniture(page)
    dash_end = page.index("-- ") + 2
    assert covered(spans, page.index("SEOUL"), dash_end)
    assert not touched(spans, dash_end, len(page))


def test_a_dateline_opening_copy_wrapped_at_a_narrow_width_is_read_under_the_headline() -> None:
    page = ("Festival Draws Crowds\n\n    LISBON, June 3 - Hundreds of thousands of people\nfilled the "
            "narrow streets of the old quarters\nfor the city's festival of Saint Anthony.")
    dateline = read_page(page).dateline
    assert dateline is not None and (dateline.place, dateline.month, dateline.day) == ("Lisbon", 6, 3)
    assert read_page("Festival Draws Crowds\n\n    Hundreds of thousands of people\nfilled the narrow "
                     "streets of the old quarters\nfor the city's festival.").dateline is None


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("SEOUL, Nov. 23 (Yonhap) -- Talks were held.", ("Seoul", "Yonhap", 11, 23, None)),
        ("LONDON, March 3, 2019\t- Talks were held.", ("London", None, 3, 3, 2019)),
        ("WASHINGTON (AP) \u2014 Talks were held.", ("Washington", "AP", None, None, None)),
        ("Pyongyang, October 21 \u2013 Talks were held.", ("Pyongyang", None, 10, 21, None)),
        ("SEOUL, Nov. \uff13 - Talks were held.", ("Seoul", None, 11, 3, None)),  # a full-width digit
        ("Kim Jong-un - the leader - spoke on 5 topics.", None),
        ("pyongyang, October 21 (KCNA) -- Talks were held.", None),
    ],
)
def test_a_dateline_needs_a_capital_and_a_day_or_agency_before_its_dash(
    line: str, read: tuple[object, ...] | None
) -> None:
    dateline = read_page(f"Festival Draws Crowds\n\n{line} " + BODY).dateline
    found = None if dateline is None else (dateline.place, dateline.agency, dateline.month, dateline.day, dateline.year)
    assert found == read


# (page, a part of its article that must not be furniture)
BODY_CASES = [
    ("Floods Hit the Valley\n\n" + BODY, "Floods Hit the Valley"),
    ("Floods Hit the Valley\n\n" + BODY, "1,200 people had been evacuated"),
    ("Floods Hit the Valley\n\nWhat the critics say\n\n" + BODY, "What the critics say"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nBy the end of the war, 300 villages had been rebuilt.", "300 villages"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nPublished reports put the toll at 40 dead and 12 missing.", "toll at 40"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nTel Aviv reported 3 injuries, the spokesman said.", "3 injuries"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nCopyright law was changed in 2019 to cover software, he said.", "in 2019"),
    ("Casualties by Province\n\nPyongyang 10\nWonsan 12\nHamhung 8\nKaesong 7\nSinuiju 5\n\n" + BODY, "Wonsan 12"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nThe minister said: \"Go all out!\"\n\nThey cheered.", "Go all out!"),
    ("Floods Hit the Valley\n\nKim Jong-un - the leader - said 5,000 homes were lost, reporters were told on Monday.",
     "Kim Jong-un - the leader"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nLong live the heroes!\n\nLong live the heroes!", "Long live the heroes!"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nThe report was updated on 2020-01-05 after 3 more bodies were found.",
     "3 more bodies"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nHe recalled the leave a reply campaign of 1998, which drew 40 letters.",
     "40 letters"),
    ("Floods Hit the Valley\n\n" + BODY + "\n\nThe photo: a boat among 30 flooded houses, taken from the air.",
     "30 flooded houses"),
]


@pytest.mark.parametrize(("page", "piece"), BODY_CASES, ids=[piece[:30] for _, piece in BODY_CASES])
def test_article_text_is_not_furniture(page: str, piece: str) -> None:
    assert_not_furniture(page, piece)


# --- the bundled corpus --------------------------------------------------------------------


def corpus_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


HERALD = "koreaherald-2021-10-26-nk-china-ties-sealed-in-blood.txt"
KCNA_2010 = "kcna-2010-10-21-friendship-forged-in-blood.txt"
YONHAP = "yonhap-2009-11-23-military-alliance-sealed-in-blood.txt"
BLOG = "blog-all-koreans-fought-to-defend-their-country.txt"
GLOBAL_TIMES = "globaltimes-2023-07-27-korean-war-armistice-70th-anniversary.txt"

BUNDLED_FURNITURE = [
    (HERALD, "+82-2-727-0114"),
    (HERALD, "2015.04.28"),
    (HERALD, "Huam-ro 4-gil 10"),
    (HERALD, "Diplomatic Circuit\nEducation\nBusiness"),
    (HERALD, "MOST POPULAR\nLATEST NEWS"),
    (HERALD, "Published : Oct 26, 2021 - 09:18"),
    (HERALD, "By Yonhap"),
    (HERALD, "(Korean Central News Agency)\n(Korean Central News Agency)"),
    (HERALD, "Juvenile Protection Manager: Kim Young-won"),
    (KCNA_2010, "UNITED24 - Make a charitable donation in support of Ukraine!"),
    (KCNA_2010, "Join the GlobalSecurity.org mailing list"),
    (KCNA_2010, "Pyongyang, October 21 (KCNA) --"),
    (YONHAP, "Go to Contents Go to Navigation"),
    (YONHAP, "All Headlines 08:43 November 23, 2009"),
    (YONHAP, "SEOUL, Nov. 23 (Yonhap) --"),
    (YONHAP, "Send Feedback\nHow can we improve?\nThanks for your feedback!"),
    (BLOG, "Categories: History"),
    (BLOG, "Leave a Reply"),
    (BLOG, "Fill in your details below or click an icon to log in:"),
    (BLOG, "You are commenting using your Facebook account."),
    (BLOG, "Connecting to %s"),
    (GLOBAL_TIMES, "Published: Jul 27, 2023 10:25 PM"),
    (GLOBAL_TIMES, "Photo: VCG"),
]


@pytest.mark.parametrize(("name", "piece"), BUNDLED_FURNITURE, ids=[p[:30] for _, p in BUNDLED_FURNITURE])
def test_bundled_furniture_is_found(name: str, piece: str) -> None:
    assert_furniture(corpus_text(name), piece)


def test_every_menu_line_of_the_bundled_herald_page_is_furniture() -> None:
    text = corpus_text(HERALD)
    spans = find_furniture(text)
    for item in ("National", "Social Affairs", "Food & Beverage", "K-pop", "PR Newswire", "Global Insight"):
        start = -1
        while (start := text.find(f"\n{item}\n", start + 1)) >= 0:
            assert covered(spans, start + 1, start + 1 + len(item)), item


def test_the_bundled_caption_is_furniture_only_where_it_is_repeated() -> None:
    text = corpus_text(GLOBAL_TIMES)
    caption = "This undated picture released by North Korea's official Korean Central News Agency"
    first, second = text.index(caption), text.index(caption, text.index(caption) + 1)
    spans = find_furniture(text)
    assert covered(spans, second, text.index("Photo: VCG", second) + len("Photo: VCG"))
    assert not touched(spans, first, text.index("Photo: VCG", first))


BUNDLED_BODY = [
    (KCNA_2010, "Friendship Forged in Blood in Anti-US War"),
    (KCNA_2010, "Sixty years has elapsed since the armies and peoples of Korea and China"),
    (KCNA_2010, "awarded DPRK orders and medals to 661,736 volunteers"),
    (KCNA_2010, "226 with Order of the National Flag 1st Class"),
    (HERALD, "Kim says NK-China ties are 'sealed in blood,' will strengthen for generations"),
    (HERALD, "on the occasion of the 71st anniversary of China's dispatching of troops"),
    (HERALD, "Pyongyang and Beijing have increasingly emphasized their close relations"),
    (YONHAP, "Top military officials of North Korea and China pledged"),
    (YONHAP, "more than 50 years ago"),
    (YONHAP, "will visit Pyongyang on Dec. 8 to try to bring the communist country back"),
    (BLOG, "All Koreans Fought to Defend Their Country"),
    (BLOG, "more than 80,000 young and working people across the country"),
    (BLOG, "533 DPRK Heroes (5 twice Heroes) and 16 Labour Heroes were produced."),
    (BLOG, "Go All Out for Victory in the War!"),
    (GLOBAL_TIMES, "China, North Korea and Russia commemorated the 70th anniversary of the armistice agreement"),
    (GLOBAL_TIMES, "Friendship of comrades"),
    (GLOBAL_TIMES, "so the US attempt to form a US-Japan-South Korea military alliance won't work."),
]


@pytest.mark.parametrize(("name", "piece"), BUNDLED_BODY, ids=[p[:30] for _, p in BUNDLED_BODY])
def test_bundled_article_text_is_not_furniture(name: str, piece: str) -> None:
    assert_not_furniture(corpus_text(name), piece)


def test_bundled_datelines_and_stamps_are_read() -> None:
    yonhap = read_page(corpus_text(YONHAP))
    assert yonhap.dateline is not None
    assert (yonhap.dateline.place, yonhap.dateline.agency, yonhap.dateline.month, yonhap.dateline.day) == (
        "Seoul", "Yonhap", 11, 23,
    )
    assert yonhap.dateline.year is None
    assert read_page(corpus_text(GLOBAL_TIMES)).dateline is None


# --- what holds for any text ---------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("ab Z1.:-()©\n\t'\"") + ["\n\n", "Leave a Reply", "By Jo", "Home\n", "Photo: X", "©"]),
        max_size=80,
    ).map("".join)
)
def test_spans_are_sorted_disjoint_and_inside_the_text(text: str) -> None:
    spans = find_furniture(text)
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
    for left, right in zip(spans, spans[1:]):
        assert left.end < right.start


def test_blank_text_has_no_furniture() -> None:
    assert find_furniture("") == []
    assert find_furniture("\n\n  \n") == []


# --- the lexicon ---------------------------------------------------------------------------


def test_the_shipped_lexicon_loads() -> None:
    assert lexicon().months["sept"] == 9
    assert "leave a reply" in lexicon().trailer_openings


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"months": {**lexicon().months, "smarch": 13}}, "1 to 12"),
        ({"whole_lines": ["menu", "Menu"]}, "listed twice"),
        ({"time_zones": {"kst": "+9"}}, "+09:00"),
        ({"whole_lines": ["  "]}, "empty phrase"),
        ({"colour": ["red"]}, "colour"),
    ],
)
def test_a_bad_lexicon_is_rejected(change: dict[str, object], complaint: str) -> None:
    data = {**lexicon().model_dump(), **change}
    with pytest.raises(ValidationError, match=complaint.replace("+", r"\+")):
        FurnitureLexicon.model_validate(data)


# --- a real corpus -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kcna_texts() -> list[str]:
    require_shared(KCNA)
    with gzip.open(KCNA, "rt", encoding="utf-8") as lines:
        return [json.loads(line)["text"] for _, line in zip(range(3000), lines)]


def test_kcna_articles_are_almost_all_article(kcna_texts: list[str]) -> None:
    # KCNA's own texts carry no menus or footers: whatever is marked there is a false alarm
    # (or a paragraph the scraper stored twice).
    total = sum(map(len, kcna_texts))
    marked = sum(span.end - span.start for text in kcna_texts for span in find_furniture(text))
    assert marked / total < 0.002
    first_lines = [text.split("\n", 1)[0] for text in kcna_texts]
    assert not any(
        covered(find_furniture(text), 0, len(first)) for text, first in zip(kcna_texts, first_lines)
    )


def test_every_phrase_found_in_a_line_passes_the_cheap_first_test() -> None:
    # A line is searched for these phrases only if it holds one of their literal openings
    # (lower-cased, single-spaced): whatever its case and spacing, a phrase's line must.
    from figcheck.furniture import _line_furniture, _normalised, _openings_held, _opens_with_stamp, _patterns, lexicon

    lex = lexicon()
    for phrases, kind in ((lex.line_contains, "line"), (lex.footer_markers, "footer")):
        for phrase in phrases:
            words = ["2024" if word == "#" else "our weekly" if word == "*" else word for word in phrase.split(" ")]
            line = "Site  " + " \t ".join(words).upper() + " here"
            spaced, stamped = _normalised(line), _opens_with_stamp(line, _patterns())
            openings = _openings_held(["some other line", spaced, None], _patterns())
            assert _line_furniture(line, spaced, False, stamped, openings, _patterns()) == kind, phrase
