"""Loading articles: the bundled corpus, metadata files, inference from the text, bad input."""

from __future__ import annotations

import gzip
import json
import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_data import SHARED, require_shared

from figcheck.corpus import (
    DocumentError,
    complete_document,
    content_hash,
    count_corpus,
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
        (json.dumps({"id": "y"}), r"line 2: field 'text': missing or empty"),
        (json.dumps({"id": "y", "text": 5}), r"line 2: field 'text': must be a string, not a number"),
        (json.dumps({"id": "y", "text": ["a", "b"]}), r"line 2: field 'text': must be a string, not an array"),
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


# --- hostile folders -----------------------------------------------------------------------


def _problems_by_name(items: list[Document | LoadProblem]) -> dict[str, str]:
    return {Path(item.path).name: item.message for item in items if isinstance(item, LoadProblem)}


def test_odd_entries_of_a_folder_are_listed_not_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus / "good.txt", BODY)
    os.symlink("loop.txt", corpus / "loop.txt")
    os.symlink("nowhere.txt", corpus / "broken.txt")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "folder.txt").mkdir()
    write(corpus / "odd.txt", BODY)
    (corpus / "odd.meta.yaml").mkdir()
    outside = write(tmp_path / "outside.txt", BODY)
    os.symlink(outside, corpus / "outside.txt")
    os.symlink("good.txt", corpus / "inside.txt")
    items = list(iter_corpus(corpus))
    assert [item.doc_id for item in items if isinstance(item, Document)] == ["good", "inside"]
    problems = _problems_by_name(items)
    assert sorted(problems) == ["broken.txt", "folder.txt", "loop.txt", "odd.meta.yaml", "outside.txt", "pipe.txt"]
    assert "symbolic link loop" in problems["loop.txt"]
    assert "broken symbolic link" in problems["broken.txt"]
    assert "FIFO" in problems["pipe.txt"]
    assert "a folder, not a file" in problems["folder.txt"] and "a folder, not a file" in problems["odd.meta.yaml"]
    assert "outside the corpus folder" in problems["outside.txt"] and "--follow-symlinks" in problems["outside.txt"]
    assert count_corpus(corpus) == len(items)
    followed = list(iter_corpus(corpus, follow_symlinks=True))
    assert [item.doc_id for item in followed if isinstance(item, Document)] == ["good", "inside", "outside"]


def test_metadata_that_cannot_be_read_is_reported_under_its_own_name(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "a.meta.yaml", b"title: caf\xe9\n")
    [problem] = list(iter_corpus(tmp_path))
    assert isinstance(problem, LoadProblem)
    assert problem.path.endswith("a.meta.yaml") and "not valid UTF-8" in problem.message
    with pytest.raises(DocumentError, match=r"a\.meta\.yaml: cannot read the metadata file: it is a FIFO"):
        (tmp_path / "a.meta.yaml").unlink()
        os.mkfifo(tmp_path / "a.meta.yaml")
        load_document(tmp_path / "a.txt")


def test_aliases_in_metadata_are_refused_with_their_line(tmp_path: Path) -> None:
    laughs = 'publisher: &a "lol"\nvia: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\ntitle: [*b, *b, *b, *b, *b, *b]\n'
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "a.meta.yaml", laughs)
    with pytest.raises(DocumentError, match=r"a\.meta\.yaml: line 2: an alias \(\*a\) is not allowed"):
        load_document(tmp_path / "a.txt")


# --- hostile JSON lines --------------------------------------------------------------------


def test_each_bad_jsonl_line_is_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    lines = [
        json.dumps(RECORDS[0]),
        "[" * 100_000 + "]" * 100_000,
        '{"id": "big", "text": "x", "count": ' + "9" * 5000 + "}",
        '{"id": "half", "text": "a \\ud800 b"}',
        '{"id": "pair", "text": "Emoji \\ud83d\\ude00 are text. The ministry hired 1,204 nurses."}',
        "{not json",
        json.dumps({"id": "x-1", "text": BODY}),
        '"just a string"',
        json.dumps(RECORDS[1]),
    ]
    path = write(tmp_path / "articles.jsonl", "\n".join(lines).encode("utf-8") + b"\n\xff\xfe\n")
    items = list(iter_corpus(path))
    assert [item.doc_id for item in items if isinstance(item, Document)] == ["x-1", "pair", "x-2"]
    problems = {item.path.rsplit(":", 1)[1]: item.message for item in items if isinstance(item, LoadProblem)}
    assert sorted(problems, key=int) == ["2", "3", "4", "6", "7", "8", "10"]
    assert "nested too deeply" in problems["2"]
    assert "line 3: not valid JSON here" in problems["3"] and "digits" in problems["3"]
    assert "field 'text': holds half a surrogate pair" in problems["4"]
    assert "line 6: not valid JSON" in problems["6"]
    assert "id 'x-1' is already used on line 1" in problems["7"]
    assert "must be a JSON object" in problems["8"]
    assert "line 10: not valid UTF-8" in problems["10"]
    assert all(message.startswith(f"{path}: line ") for message in problems.values())
    assert count_corpus(path) == len(items)


def test_a_truncated_gzip_reports_where_it_ends_and_keeps_what_came_before(tmp_path: Path) -> None:
    payload = "".join(json.dumps({**RECORDS[0], "id": f"a-{n}"}) + "\n" for n in range(200)).encode("utf-8")
    whole = gzip.compress(payload)
    path = write(tmp_path / "articles.jsonl.gz", whole[: len(whole) // 2])
    items = list(iter_corpus(path))
    documents = [item for item in items if isinstance(item, Document)]
    assert documents and [d.doc_id for d in documents] == [f"a-{n}" for n in range(len(documents))]
    [problem] = [item for item in items if isinstance(item, LoadProblem)]
    assert f"line {len(documents) + 1}: the file ends early (truncated)" in problem.message
    assert count_corpus(path) == len(items)


def test_jsonl_metadata_fields_are_those_of_a_meta_file(tmp_path: Path) -> None:
    record = {
        "id": 7, "text": BODY, "title": "Floods", "publisher": "Example News", "author": "A. Writer",
        "via": "Wire", "published": "2011-01-01T09:30:00+09:00", "url": "https://example.org/7",
        "language": "en", "dateline": "SEOUL", "unknown": "ignored",
    }  # fmt: skip
    path = write(tmp_path / "a.jsonl", json.dumps(record) + "\n")
    [document] = iter_corpus(path)
    meta = document.meta
    assert (document.doc_id, meta.title, meta.publisher, meta.author, meta.via, meta.dateline) == (
        "7", "Floods", "Example News", "A. Writer", "Wire", "SEOUL"
    )
    assert meta.published == datetime(2011, 1, 1, 9, 30, tzinfo=KST)


def test_jsonl_offsets_index_the_text_field(tmp_path: Path) -> None:
    from figcheck.extraction import extract_claims

    text = "Rescuers said\r\n1,200 people were evacuated on 25 June 1950.\r\n"
    path = write(tmp_path / "a.jsonl", json.dumps({"id": "crlf", "text": text}) + "\n")
    [document] = iter_corpus(path)
    assert document.text == text
    claims = extract_claims(document)
    assert len(claims) >= 2
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text


def test_documents_can_be_read_now_and_completed_later(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", f"Floods Hit the Valley\n\n{BODY}")
    write(tmp_path / "b.txt", BODY)
    complete = list(iter_corpus(tmp_path))
    raw = list(iter_corpus(tmp_path, read_pages=False))
    assert [d.meta.title for d in raw] == [None, None]
    assert [complete_document(d) for d in raw] == complete
    assert count_corpus(tmp_path) == 2 and count_corpus(tmp_path / "a.txt") == 1


# --- figcheck extract on corpora of every form ---------------------------------------------


def test_extract_reads_a_jsonl_file_with_its_ids(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from figcheck.cli import app

    lines = [json.dumps(RECORDS[0]), "{broken", json.dumps(RECORDS[1])]
    path = write(tmp_path / "a.jsonl.gz", gzip.compress(("\n".join(lines) + "\n").encode("utf-8")))
    result = CliRunner().invoke(app, ["extract", str(path)])
    assert result.exit_code == 2
    claims = [json.loads(line) for line in result.stdout.splitlines()]
    assert {claim["doc_id"] for claim in claims} == {"x-1", "x-2"}
    texts = {record["id"]: record["text"] for record in RECORDS}
    for claim in claims:
        assert texts[claim["doc_id"]][claim["start"] : claim["end"]] == claim["text"]
    assert f"{path}: line 2: not valid JSON" in result.stderr


def test_extract_of_latin1_on_standard_input_says_what_a_file_gets(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from figcheck.cli import app

    latin1 = "Caf\u00e9 owners said 1,200 people came.\n".encode("latin-1")
    as_file = CliRunner().invoke(app, ["extract", str(write(tmp_path / "a.txt", latin1))])
    from_stdin = CliRunner().invoke(app, ["extract", "-"], input=latin1)
    assert as_file.exit_code == from_stdin.exit_code == 2
    assert "Traceback" not in from_stdin.output and isinstance(from_stdin.exception, SystemExit)
    reason = "not valid UTF-8 at byte offset 3 (line 1): invalid continuation byte; save the article as UTF-8"
    assert f"{tmp_path / 'a.txt'}: {reason}" in as_file.stderr
    assert f"standard input: {reason}" in from_stdin.stderr


def test_extract_refuses_a_link_out_of_the_folder_unless_asked(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from figcheck.cli import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus / "a.txt", BODY)
    os.symlink(write(tmp_path / "secret.txt", "The vault holds 1,200 bars.\n"), corpus / "b.txt")
    refused = CliRunner().invoke(app, ["extract", str(corpus)])
    assert refused.exit_code == 2 and "outside the corpus folder" in refused.stderr
    assert {json.loads(line)["doc_id"] for line in refused.stdout.splitlines()} == {"a"}
    followed = CliRunner().invoke(app, ["extract", "--follow-symlinks", str(corpus)])
    assert followed.exit_code == 0
    assert {json.loads(line)["doc_id"] for line in followed.stdout.splitlines()} == {"a", "b"}


ARCHIVE = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "kcna-2011-2012.jsonl.gz"


@pytest.mark.skipif(not ARCHIVE.exists(), reason=f"the shared archive is not here ({ARCHIVE})")
def test_the_archive_reads_with_its_own_ids() -> None:
    from itertools import islice

    with gzip.open(ARCHIVE, "rt", encoding="utf-8") as lines:
        expected = [json.loads(line)["id"] for line in islice(lines, 300)]
    documents = list(islice(iter_corpus(ARCHIVE), 300))
    assert [document.doc_id for document in documents] == [str(doc_id) for doc_id in expected]
    assert all(isinstance(document, Document) and document.meta.publisher for document in documents)


@pytest.mark.parametrize(
    "value", ["[" * 50_000 + "]" * 50_000, "{a: " * 50_000 + "b" + "}" * 50_000, "\n" + "- " * 50_000 + "x"]
)
def test_deeply_nested_metadata_is_refused_not_a_crash(tmp_path: Path, value: str) -> None:
    # libyaml's composer recurses once per level: built, this would end the process.
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "a.meta.yaml", f"title: {value}\n")
    with pytest.raises(DocumentError, match=r"a\.meta\.yaml: line [12]: nested too deeply for a metadata file"):
        load_document(tmp_path / "a.txt")


def test_extract_names_each_problem_once(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from figcheck.cli import app

    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.meta.yaml", "title: Orphan\n")
    result = CliRunner().invoke(app, ["extract", str(tmp_path)])
    assert result.exit_code == 2
    meta = str(tmp_path / "b.meta.yaml")
    assert result.stderr.count(meta) == 1 and "metadata without an article" in result.stderr


# --- articles read in one place and parsed in another --------------------------------------


def test_an_article_read_as_bytes_gives_the_document_load_document_gives() -> None:
    from figcheck.corpus import read_article_files

    for path in sorted(CORPUS.glob("*.txt")):
        assert read_article_files(path).document() == load_document(path)


@pytest.mark.parametrize(("article", "meta", "said"), [
    (b"Text of 1950.\n", b"published: [unclosed\n", "not valid YAML"),
    (b"Text of 1950.\n", b"colour: red\n", "unknown field"),
    (b"\xff Text of 1950.\n", b"title: T\n", "not valid UTF-8 at byte offset 0"),
    (b"  \n", None, "the article is empty"),
])
def test_an_article_read_as_bytes_fails_as_load_document_fails(tmp_path: Path, article: bytes, meta: bytes | None, said: str) -> None:
    from figcheck.corpus import read_article_files

    path = tmp_path / "a.txt"
    path.write_bytes(article)
    if meta is not None:
        (tmp_path / "a.meta.yaml").write_bytes(meta)
    with pytest.raises(DocumentError) as expected:
        load_document(path)
    with pytest.raises(DocumentError) as got:
        read_article_files(path).document()
    assert said in str(got.value) and (got.value.path, str(got.value)) == (expected.value.path, str(expected.value))


# --- metadata read without the YAML library ---------------------------------------------------

_META_VALUES = [
    "KCNA", "KCNA (Korean Central News Agency), via kcna.co.jp", "2011-01-01", "'2011-01-01'", "null", "Null",
    "NULL", "nUll", "~", "yes", "No", "on", "OFF", "true", "False", "y", "1984", "0x1F", "1_000", ".inf", "-", "- x",
    "a: b", "a:", "a #c", "#c", "C#", "*x", "&a x", "!x", "|", ">", "'it''s'", "'a'b", "''", "' padded '", '"q"',
    "[a]", "{a: 1}", "a, b", "https://x.y/z?a=1", "Kim's", "x  y", "x ", "é", "\t", "%x", "@x", "`x`", "?x", "? x",
    ":x", "a\\b", "2021-10-26T09:18:00+09:00", "en", "", "300,000 Rest", "15th Festival", "2011-01-01 10:00:00", "1 2",
    "0x1F", "1e3", "1.5", "12:30", "190:20:30", "1_000 x", "0o17",
]
_META_KEYS = ["title", "publisher", "published", "url", "language", "retrieved", "via", "colour", "inferred", "Title",
              "yes", "content_hash"]
_META_EXTRA_LINES = ["", "# a comment", "---", "...", "  url: x", "%YAML 1.1", "  ", "title", "? title"]


def _meta_outcome(read, raw: bytes) -> tuple[str, object]:
    try:
        return "meta", read(raw, Path("x.meta.yaml")).model_dump()
    except DocumentError as error:
        return "error", str(error)


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.sampled_from(_META_KEYS), st.sampled_from([": ", ":", ":  ", " : "]),
                      st.lists(st.sampled_from(_META_VALUES), min_size=1, max_size=3).map(" ".join)).map("".join),
            st.sampled_from(_META_EXTRA_LINES),
        ),
        max_size=6,
    ),
    st.sampled_from(["\n", "\r\n"]),
)
def test_metadata_read_without_the_yaml_library_is_read_as_the_library_reads_it(lines: list[str], end: str) -> None:
    from figcheck.corpus import parse_meta, parse_meta_yaml

    raw = end.join(lines).encode("utf-8") + b"\n"
    assert _meta_outcome(parse_meta, raw) == _meta_outcome(parse_meta_yaml, raw)


def test_metadata_files_of_the_flat_form_are_read_without_the_yaml_library() -> None:
    import yaml

    from figcheck.corpus import _flat_meta

    written = yaml.safe_dump({"language": "en", "published": "2011-01-01", "title": None, "url": "https://x.y/z",
                              "publisher": "KCNA (Korean Central News Agency), via kcna.co.jp"})
    assert _flat_meta(written) is not None
    assert _flat_meta("title: a: b\n") is None
    assert _flat_meta("title: yes\n") is None
    assert _flat_meta("title: 300,000 Rest at Health Resorts\n") is not None
    assert _flat_meta("title: 1984\n") is None
