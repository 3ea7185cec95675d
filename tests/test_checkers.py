"""Every checker against its own examples, the bundled corpus as it is, and edited copies of it."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from checkers import ALL_CHECKS, CheckRun, merge_findings, rule_of
from checkers.base import Example
from figcheck.corpus import document_from_text, load_corpus
from figcheck.extraction import extract_claims
from figcheck.records import DocumentMeta, Finding
from figcheck.reference import ReferenceTable

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def table() -> ReferenceTable:
    return ReferenceTable.load(ROOT / "reference_data")


def _run(documents, table: ReferenceTable, only: set[str] | None = None) -> list[Finding]:
    run = CheckRun(table, only)
    findings = []
    for document in documents:
        findings.extend(run.add_document(document, extract_claims(document)))
    return merge_findings(findings + run.finish())


CASES = [
    pytest.param(check, ex, id=f"{check.NAME}-{i}")
    for check in ALL_CHECKS
    for i, ex in enumerate(check.EXAMPLES)
]


@pytest.mark.parametrize(("check", "ex"), CASES)
def test_checker_example(check, ex: Example, table: ReferenceTable) -> None:
    documents = [
        document_from_text(text, f"example-{i}", DocumentMeta(published=published, title=f"Example {i}"))
        for i, (text, published) in enumerate(zip(ex.texts, ex.published))
    ]
    findings = _run(documents, table, only={check.NAME})
    assert all(f.check == check.NAME for f in findings)
    got = Counter((f.verdict, f.severity) for f in findings)
    assert got == Counter(ex.expect), [f.message for f in findings]
    if ex.spans:
        discrepancy = next(f for f in findings if f.verdict == "discrepancy")
        assert set(ex.spans) <= {c.text for c in discrepancy.claims}


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.NAME)
def test_every_checker_has_a_rule_and_both_kinds_of_example(check) -> None:
    assert check.NAME == check.__name__.rsplit(".", 1)[1]
    assert len(rule_of(check)) > 40
    verdicts = {verdict for ex in check.EXAMPLES for verdict, _ in ex.expect}
    assert "discrepancy" in verdicts
    assert verdicts & {"consistent", "unverifiable"} or any(not ex.expect for ex in check.EXAMPLES)


def test_the_unedited_corpus_has_no_error(table: ReferenceTable) -> None:
    findings = _run(load_corpus(CORPUS).documents, table)
    errors = [f.message for f in findings if f.verdict == "discrepancy" and f.severity == "error"]
    assert errors == []
    # It is checked, not skipped: every kind of check that applies finds something verified.
    verified = {f.check for f in findings if f.verdict == "consistent"}
    assert {"reference", "anniversary", "part_exceeds_whole", "duration_vs_range", "elapsed_time",
            "calendar_conversion", "qualifier_bounds", "cross_source"} <= verified


def test_finding_ids_are_stable(table: ReferenceTable) -> None:
    documents = load_corpus(CORPUS).documents
    first = sorted(f.id for f in _run(documents, table))
    second = sorted(f.id for f in _run(documents, table))
    assert first == second and len(set(first)) == len(first)


# (article, text as published, one figure changed, the check that must catch it)
EDITS = [
    ("kcna-2010-10-21-friendship-forged-in-blood", "226 with Order", "662,000 with Order", "part_exceeds_whole"),
    ("kcna-2010-10-21-friendship-forged-in-blood", "Juche 39 (1950)", "Juche 39 (1951)", "calendar_conversion"),
    ("kcna-2010-10-21-friendship-forged-in-blood", "to 661,736 volunteers", "to 561,736 volunteers", "reference"),
    ("blog-all-koreans-fought-to-defend-their-country", "three-year-long", "five-year-long", "duration_vs_range"),
    ("blog-all-koreans-fought-to-defend-their-country", "amounted 81,858", "amounted 78,858", "qualifier_bounds"),
    ("blog-all-koreans-fought-to-defend-their-country", "On June 25, 1950,", "On June 27, 1950,", "reference"),
    ("blog-all-koreans-fought-to-defend-their-country", "less than five years after", "less than four years after",
     "elapsed_time"),
    ("blog-all-koreans-fought-to-defend-their-country", "July 27, 1953)", "July 27, 1949)", "date_order"),
    ("koreaherald-2021-10-26-nk-china-ties-sealed-in-blood", "71st anniversary", "72nd anniversary", "anniversary"),
    ("koreaherald-2021-10-26-nk-china-ties-sealed-in-blood", "1950-53 Korean War", "1950-55 Korean War", "cross_source"),
    ("globaltimes-2023-07-27-korean-war-armistice-70th-anniversary", "70th anniversary of the armistice",
     "60th anniversary of the armistice", "anniversary"),
    ("globaltimes-2023-07-27-korean-war-armistice-70th-anniversary", "on July 26, 2023 shows",
     "on July 29, 2023 shows", "future_reference"),
]


@pytest.mark.parametrize(("stem", "before", "after", "check"), EDITS, ids=[f"{e[3]}:{e[2]}" for e in EDITS])
def test_an_edited_figure_is_caught(tmp_path: Path, table: ReferenceTable, stem: str, before: str, after: str, check: str) -> None:
    edited = tmp_path / "corpus"
    shutil.copytree(CORPUS, edited, ignore=shutil.ignore_patterns("raw", "sources.yaml", ".*"))
    path = edited / f"{stem}.txt"
    text = path.read_text(encoding="utf-8")
    assert text.count(before) >= 1
    at = text.index(before)
    path.write_text(text.replace(before, after, 1), encoding="utf-8")
    changed = range(at, at + len(after))

    findings = _run(load_corpus(edited).documents, table)

    caught = [
        f for f in findings
        if check in {f.check, *(m.check for m in f.merged)} and f.verdict == "discrepancy"
        and any(c.doc_id == stem and c.start < changed.stop and changed.start < c.end for c in f.claims)
    ]
    assert caught, [f"{f.check}: {f.message}" for f in findings if f.verdict == "discrepancy"]


def test_one_discrepancy_per_wrong_figure(tmp_path: Path, table: ReferenceTable) -> None:
    """Every edit at once in one copy: no figure is reported by two discrepancies."""
    edited = tmp_path / "corpus"
    shutil.copytree(CORPUS, edited, ignore=shutil.ignore_patterns("raw", "sources.yaml", ".*"))
    for stem, before, after, _ in EDITS:
        path = edited / f"{stem}.txt"
        path.write_text(path.read_text(encoding="utf-8").replace(before, after, 1), encoding="utf-8")
    findings = [f for f in _run(load_corpus(edited).documents, table) if f.verdict == "discrepancy"]
    firsts = Counter(f.claims[0].claim_id for f in findings)
    assert all(n == 1 for n in firsts.values()), [f.message for f in findings]
    assert len({e[2] for e in EDITS}) <= len(findings)


def test_merged_findings_keep_every_check_and_reason() -> None:
    from figcheck.records import ClaimRef

    ref = ClaimRef(claim_id="c-1", doc_id="d", start=0, end=4, text="1950")
    other = ClaimRef(claim_id="c-2", doc_id="d", start=9, end=13, text="1953")
    first = Finding(id="f-1", check="reference", verdict="discrepancy", severity="warning", message="off by a year",
                    claims=[ref])
    second = Finding(id="f-2", check="anniversary", verdict="discrepancy", severity="error", message="wrong ordinal",
                     claims=[ref, other])
    apart = Finding(id="f-3", check="weekday", verdict="discrepancy", severity="error", message="not a Monday",
                    claims=[other])
    merged = merge_findings([first, second, apart])
    assert [f.id for f in merged] == ["f-2", "f-3"]
    assert merged[0].check == "anniversary" and merged[0].severity == "error"
    assert [(m.check, m.message) for m in merged[0].merged] == [("reference", "off by a year")]
    # The other check's reason is kept once, in ``merged`` (the report lists it under the message).
    assert merged[0].message == "wrong ordinal" and {c.claim_id for c in merged[0].claims} == {"c-1", "c-2"}


def test_an_articles_links_are_made_once_for_its_checks_and_its_cross_article_entries(
    table: ReferenceTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks of an article and its cross-article entries ask the same linking questions:
    the answers (ArticleLinks, which memoises them) are made once, not once for each."""
    import checkers.base
    from checkers import article_of

    made = []

    class Counted(checkers.base.ArticleLinks):
        def __post_init__(self) -> None:
            made.append(self)
            super().__post_init__()

    monkeypatch.setattr(checkers.base, "ArticleLinks", Counted)
    run = CheckRun(table)
    for number, text in enumerate(("The Korean War broke out on June 25, 1950 and lasted three years.",
                                   "The DPRK was founded on September 9, 1948.")):
        document = document_from_text(text, f"doc-{number}", DocumentMeta(published="2011-06-25"))
        article = article_of(document, extract_claims(document), table)
        run.add_article(article)
        assert run.cross_entries(article)  # both dates are filed under a fact of the table
        assert len(made) == number + 1
