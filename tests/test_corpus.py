"""Loading articles: the bundled corpus, metadata files, inference from the text, bad input."""

from __future__ import annotations

import gzip
import json
import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from shared_data import SHARED, require_shared

from figcheck.corpus import (
    DocumentError,
    content_hash,
    corpus_version,
    document_from_text,
    document_hash,
    iter_corpus,
    iter_jsonl_documents,
    load_corpus,
    load_document,
)
from figcheck.records import Document, DocumentMeta, LoadProblem

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEEDS = SHARED / "seeds"
KST = timezone(timedelta(hours=9))
BEIJING = timezone(timedelta(hours=8))

BODY = (
    "The ministry said on Tuesday that 1,200 people had been evacuated from the valley. "
    "Rescue teams were still searching for 14 missing villagers late in the evening.\n\n"
    "Officials expect the river to fall below the warning level by Friday, the agency said.\n"
)

# stem -> (seed file, title, publisher, published, dateline)
BUNDLED = {
    "kcna-2010-10-21-friendship-forged-in-blood": (
        "000_e3fa593f39fc4a32.txt",
        "Friendship Forged in Blood in Anti-US War",
        "Korean Central News Agency (KCNA)",
        date(2010, 10, 21),
        "Pyongyang",
    ),
    "koreaherald-2021-10-26-nk-china-ties-sealed-in-blood": (
        "001_68b61c9b4ee0d075.txt",
        "Kim says NK-China ties are 'sealed in blood,' will strengthen for generations",
        "The Korea Herald",
        datetime(2021, 10, 26, 9, 18, tzinfo=KST),
        None,
    ),
    "yonhap-2009-11-23-military-alliance-sealed-in-blood": (
        "002_93a18633a1bf3e6d.txt",
        "North Korea, China vow to further military alliance 'sealed in blood'",
        "Yonhap News Agency",
        datetime(2009, 11, 23, 8, 43, tzinfo=KST),
        "Seoul",
    ),
    "blog-all-koreans-fought-to-defend-their-country": (
        "003_a13b8018694351fc.txt",
        "All Koreans Fought to Defend Their Country",
        None,
        None,
        None,
    ),
    "globaltimes-2023-07-27-korean-war-armistice-70th-anniversary": (
        "004_534ea45071e58fbd.txt",
        "China, N.Korea, Russia commemorate 70th anniversary of Korean War armistice",
        "Global Times",
        datetime(2023, 7, 27, 22, 25, tzinfo=BEIJING),
        None,
    ),
}


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- the bundled corpus --------------------------------------------------------------------


@pytest.mark.parametrize("stem", sorted(BUNDLED))
def test_bundled_article_loads_verbatim_with_its_metadata(stem: str) -> None:
    seed, title, publisher, published, dateline = BUNDLED[stem]
    document = load_document(CORPUS / f"{stem}.txt")
    assert document.doc_id == stem
    require_shared(SEEDS)
    expected_bytes = (SEEDS / seed).read_bytes()
    assert document.text.encode("utf-8") == expected_bytes
    assert document.text == (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")
    assert document.meta.title == title
    assert document.meta.publisher == publisher
    assert document.meta.published == published
    assert type(document.meta.published) is type(published)
    assert document.meta.dateline == dateline
    assert document.meta.language == "en"
    # Everything the bundled files need is written in their metadata.
    assert document.meta.inferred == []
    assert document.furniture


def test_the_bundled_corpus_loads_whole() -> None:
    loaded = load_corpus(CORPUS)
    assert loaded.problems == []
    assert [d.doc_id for d in loaded.documents] == sorted(BUNDLED)


# --- inference from the text ---------------------------------------------------------------

HEADER_STYLES = [
    ("Published : Oct 26, 2021 - 09:18     Updated : Oct 26, 2021 - 09:18", datetime(2021, 10, 26, 9, 18)),
    ("All Headlines 08:43 November 23, 2009", datetime(2009, 11, 23, 8, 43)),
    (" date 2021-10-26  Back To Top", date(2021, 10, 26)),
    ("Published: Jul 27, 2023 10:25 PM", datetime(2023, 7, 27, 22, 25)),
    ("Posted on March 3, 2019", date(2019, 3, 3)),
    ("Updated: 2020-01-05 14:00", datetime(2020, 1, 5, 14, 0)),
    ("Published: 5 June 2018 09:00 KST", datetime(2018, 6, 5, 9, 0, tzinfo=KST)),
    ("Last updated: 2017/04/09", date(2017, 4, 9)),
]


@pytest.mark.parametrize(("header", "published"), HEADER_STYLES, ids=[h.strip()[:25] for h, _ in HEADER_STYLES])
def test_title_and_date_are_inferred_from_the_header(header: str, published: date) -> None:
    for text in (f"Floods Hit the Valley\n{header}\n\n{BODY}", f"{header}\n\nFloods Hit the Valley\n\n{BODY}"):
        document = document_from_text(text, "floods")
        assert document.meta.title == "Floods Hit the Valley"
        assert document.meta.published == published
        assert type(document.meta.published) is type(published)
        assert document.meta.inferred == ["title", "published"]


def test_a_timed_stamp_is_preferred_to_a_bare_date_of_the_same_day() -> None:
    text = f" date 2021-10-26  Back To Top\n\nFloods\n\nPublished : Oct 26, 2021 - 09:18\n\n{BODY}"
    assert document_from_text(text, "x").meta.published == datetime(2021, 10, 26, 9, 18)


@pytest.mark.parametrize(
    ("opening", "place"),
    [
        ("SEOUL, Nov. 23 (Yonhap) -- ", "Seoul"),
        ("Pyongyang, October 21 (KCNA) -- ", "Pyongyang"),
        ("WASHINGTON (AP) — ", "Washington"),
        ("NEW YORK, March 3 (Reuters) - ", "New York"),
    ],
)
def test_the_dateline_gives_the_place_but_no_date_without_a_year(opening: str, place: str) -> None:
    document = document_from_text(f"Floods Hit the Valley\n\n{opening}{BODY}", "floods")
    assert document.meta.dateline == place
    assert document.meta.published is None
    assert document.meta.inferred == ["title", "dateline"]


def test_a_dateline_date_counts_when_the_year_is_known() -> None:
    with_year = document_from_text(f"Floods\n\nSEOUL, Nov. 23, 2009 (Yonhap) -- {BODY}", "a")
    assert with_year.meta.published == date(2009, 11, 23)
    meta = DocumentMeta(url="https://example.org/news/2009/11/23/floods.html")
    from_address = document_from_text(f"Floods\n\nSEOUL, Nov. 23 (Yonhap) -- {BODY}", "b", meta)
    assert from_address.meta.published == date(2009, 11, 23)
    assert from_address.meta.inferred == ["title", "published", "dateline"]


@pytest.mark.parametrize(
    "text",
    [
        "All Koreans Fought to Defend Their Country\n\n\nOn June 25, 1950, the imperialists unleashed an armed "
        "invasion.\n\nThe dispatch dated July 1, 1950 said more than 80,000 volunteered.\n",
        f"Floods Hit the Valley\n\n{BODY}\nThe report was updated on 2020-01-05 after more bodies were found.\n",
        f"Floods Hit the Valley\n\n{BODY}\nPublished reports on March 3, 2019 put the toll at 40.\n",
        f"Floods Hit the Valley\n\nPublished: in the spring\n\n{BODY}",
        f"Floods Hit the Valley\n\nPosted on February 30, 2019\n\n{BODY}",
    ],
)
def test_no_date_is_invented(text: str) -> None:
    document = document_from_text(text, "undated")
    assert document.meta.published is None
    assert "published" not in document.meta.inferred


def test_the_bundled_blog_post_has_no_date_even_without_its_metadata() -> None:
    text = (CORPUS / "blog-all-koreans-fought-to-defend-their-country.txt").read_text(encoding="utf-8")
    document = document_from_text(text, "blog")
    assert document.meta.published is None
    assert document.meta.title == "All Koreans Fought to Defend Their Country"


@pytest.mark.parametrize("stem", sorted(BUNDLED))
def test_bundled_articles_without_metadata_infer_what_their_text_states(stem: str) -> None:
    _, title, _, published, dateline = BUNDLED[stem]
    document = document_from_text((CORPUS / f"{stem}.txt").read_text(encoding="utf-8"), stem)
    assert document.meta.title == title
    assert document.meta.dateline == dateline
    if isinstance(published, datetime):
        # The page states the local time, not its zone.
        assert document.meta.published == published.replace(tzinfo=None)
    else:
        # KCNA's "October 21" has no year; the blog has no date at all.
        assert document.meta.published is None


def test_metadata_wins_over_the_text_and_only_gaps_are_inferred(tmp_path: Path) -> None:
    article = write(tmp_path / "floods.txt", f"Floods Hit the Valley\nPublished: March 3, 2019\n\n{BODY}")
    write(tmp_path / "floods.meta.yaml", "title: Valley floods\npublished: 2019-03-04\n")
    document = load_document(article)
    assert document.meta.title == "Valley floods"
    assert document.meta.published == date(2019, 3, 4)
    assert document.meta.inferred == []


def test_the_published_argument_overrides(tmp_path: Path) -> None:
    article = write(tmp_path / "floods.txt", f"Floods Hit the Valley\nPublished: March 3, 2019\n\n{BODY}")
    write(tmp_path / "floods.meta.yaml", "published: 2019-03-04\n")
    assert load_document(article, published=date(2020, 1, 1)).meta.published == date(2020, 1, 1)
    write(tmp_path / "floods.meta.yaml", "title: Floods\n")
    document = load_document(article, published=date(2020, 1, 1))
    assert document.meta.published == date(2020, 1, 1)
    assert "published" not in document.meta.inferred


def test_text_is_what_read_text_gives_even_with_windows_line_ends(tmp_path: Path) -> None:
    article = write(tmp_path / "crlf.txt", b"\xef\xbb\xbfFloods\r\n\r\nRescuers said 12 people died.\r\nOld Mac line\rend\n")
    assert load_document(article).text == article.read_text(encoding="utf-8")


# --- bad input -----------------------------------------------------------------------------


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    os.symlink(tmp_path / "nowhere.txt", missing)
    with pytest.raises(DocumentError, match="gone.txt: cannot read") as caught:
        load_document(missing)
    assert caught.value.path == str(missing)
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(DocumentError, match="folder.txt: cannot read"):
        load_document(folder)


def test_non_utf8_names_the_byte(tmp_path: Path) -> None:
    article = write(tmp_path / "latin1.txt", "Floods\n\nCaf\u00e9 owners said 12 died.\n".encode("latin-1"))
    with pytest.raises(DocumentError, match=r"latin1.txt: not valid UTF-8 at byte offset 11 \(line 3\)"):
        load_document(article)


@pytest.mark.parametrize("content", ["", "   \n\n\t \n"])
def test_an_empty_article_is_refused(tmp_path: Path, content: str) -> None:
    article = write(tmp_path / "empty.txt", content)
    with pytest.raises(DocumentError, match="empty.txt: the article is empty"):
        load_document(article)


def test_empty_text_in_hand_is_refused() -> None:
    with pytest.raises(DocumentError, match="<stdin>: the article is empty"):
        document_from_text("\n", "stdin", path="<stdin>")


@pytest.mark.parametrize(
    ("meta", "complaint"),
    [
        ("title: Floods\npublished: [2019\n", r"floods.meta.yaml: line 3: not valid YAML"),
        ("title: Floods\npublished: yesterday\n", r"floods.meta.yaml: line 2: field 'published': not an ISO date"),
        ("published: 2021\n", r"floods.meta.yaml: line 1: field 'published': not an ISO date: 2021"),
        ("title: Floods\ncolour: red\n", r"floods.meta.yaml: line 2: field 'colour': unknown field \(known fields: "),
        ("inferred: [title]\n", r"field 'inferred': unknown field"),
        ("title: Floods\ntitle: Flood\n", r"line 2: field 'title' is given twice \(first on line 1\)"),
        ("title: [Floods]\n", r"line 1: field 'title': Input should be a valid string"),
        ("- Floods\n", r"floods.meta.yaml: a metadata file must be a mapping"),
    ],
)
def test_bad_metadata_names_file_line_and_field(tmp_path: Path, meta: str, complaint: str) -> None:
    article = write(tmp_path / "floods.txt", f"Floods\n\n{BODY}")
    write(tmp_path / "floods.meta.yaml", meta)
    with pytest.raises(DocumentError, match=complaint) as caught:
        load_document(article)
    assert caught.value.path.endswith("floods.meta.yaml")


def test_an_empty_metadata_file_means_nothing_known(tmp_path: Path) -> None:
    article = write(tmp_path / "floods.txt", f"Floods Hit the Valley\n\n{BODY}")
    write(tmp_path / "floods.meta.yaml", "# nothing known yet\n")
    assert load_document(article).meta.title == "Floods Hit the Valley"


# --- folders -------------------------------------------------------------------------------


def test_one_bad_article_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", f"Alpha\n\n{BODY}")
    write(tmp_path / "b.txt", b"Beta\n\n\xff\xfe broken\n")
    write(tmp_path / "c.txt", f"Gamma\n\n{BODY}")
    write(tmp_path / "c.meta.yaml", "published: 2019-03-04\n")
    write(tmp_path / "d.txt", f"Delta\n\n{BODY}")
    write(tmp_path / "d.meta.yaml", "published: yesterday\n")
    loaded = load_corpus(tmp_path)
    assert [d.doc_id for d in loaded.documents] == ["a", "c"]
    assert [Path(p.path).name for p in loaded.problems] == ["b.txt", "d.meta.yaml"]
    assert "not valid UTF-8" in loaded.problems[0].message
    assert "b.txt" in loaded.problems[0].message
    assert "field 'published'" in loaded.problems[1].message


def test_iter_corpus_streams_top_level_articles_in_name_order(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", ".hidden.txt"):
        write(tmp_path / name, f"{name}\n\n{BODY}")
    (tmp_path / "raw").mkdir()
    write(tmp_path / "raw" / "c.txt", f"C\n\n{BODY}")
    write(tmp_path / "notes.md", "not an article")
    write(tmp_path / "orphan.meta.yaml", "title: Orphan\n")
    items = list(iter_corpus(tmp_path))
    assert [i.doc_id for i in items if isinstance(i, Document)] == ["a", "b"]
    problems = [i for i in items if isinstance(i, LoadProblem)]
    assert [Path(p.path).name for p in problems] == ["orphan.meta.yaml"]


def test_a_missing_or_empty_corpus_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="nowhere: no such corpus folder"):
        load_corpus(tmp_path / "nowhere")
    with pytest.raises(DocumentError, match=r"no articles \(\*\.txt files\) in this folder"):
        load_corpus(tmp_path)


# --- JSON-lines collections ----------------------------------------------------------------

RECORDS = [
    {"id": "x-1", "title": "Floods Hit the Valley", "source": "Example News", "published": "2011-01-01",
     "url": "http://example.org/1", "text": f"Floods Hit the Valley\n\n{BODY}"},
    {"id": "x-2", "title": None, "source": "Example News", "published": "2011-01-02", "url": None, "text": BODY},
]


@pytest.mark.parametrize("name", ["articles.jsonl", "articles.jsonl.gz"])
def test_jsonl_articles_load(tmp_path: Path, name: str) -> None:
    payload = "".join(json.dumps(r) + "\n" for r in RECORDS).encode("utf-8")
    path = write(tmp_path / name, gzip.compress(payload) if name.endswith(".gz") else payload)
    first, second = iter_jsonl_documents(path)
    assert (first.doc_id, first.meta.title, first.meta.publisher) == ("x-1", "Floods Hit the Valley", "Example News")
    assert first.meta.published == date(2011, 1, 1)
    assert first.meta.url == "http://example.org/1"
    assert first.text == RECORDS[0]["text"]
    # No title given and the text opens with its first paragraph: none is made up.
    assert (second.meta.title, second.meta.published) == (None, date(2011, 1, 2))
    assert [d.doc_id for d in iter_jsonl_documents(path, limit=1)] == ["x-1"]


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("{not json", r"line 2: not valid JSON"),
        (json.dumps({"id": "y", "text": ""}), r"line 2: field 'text': missing or empty"),
        (json.dumps({"id": "y", "text": BODY, "published": "soon"}), r"line 2: field 'published': not an ISO date"),
        (json.dumps({"id": "x-1", "text": BODY}), r"line 2: id 'x-1' is already used on line 1"),
    ],
)
def test_a_bad_jsonl_line_is_named(tmp_path: Path, line: str, complaint: str) -> None:
    path = write(tmp_path / "articles.jsonl", json.dumps(RECORDS[0]) + "\n" + line + "\n")
    with pytest.raises(DocumentError, match=complaint):
        list(iter_jsonl_documents(path))


# --- identity ------------------------------------------------------------------------------


def test_corpus_version_follows_content_not_order() -> None:
    a = document_from_text(f"Alpha\n\n{BODY}", "a")
    b = document_from_text(f"Beta\n\n{BODY}", "b")
    assert corpus_version([a, b]) == corpus_version([b, a])
    edited = document_from_text(f"Beta\n\n{BODY} ", "b")
    redated = b.model_copy(update={"meta": b.meta.model_copy(update={"published": date(2020, 1, 1)})})
    versions = {corpus_version([a, b]), corpus_version([a, edited]), corpus_version([a, redated]), corpus_version([a])}
    assert len(versions) == 4
    assert document_hash(a) == document_hash(document_from_text(f"Alpha\n\n{BODY}", "a"))
    assert document_hash(a) != document_hash(document_from_text(f"Alpha\n\n{BODY}", "a2"))
    assert content_hash("abc") == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
