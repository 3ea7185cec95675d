"""Every case of linking's example corpora (figcheck/linking/examples/*.yaml): what a figure is
tied to, when its sentence speaks, one quantity, and the verdict the checks then give."""

from __future__ import annotations

from pathlib import Path

import pytest

from checkers import CheckRun
from checkers.base import Article
from figcheck.corpus import document_from_text
from figcheck.extraction import extract_claims
from figcheck.linking import ArticleLinks
from figcheck.linking.examples import LinkingCase, iter_linking_cases
from figcheck.records import DocumentMeta
from figcheck.reference import ReferenceTable

ROOT = Path(__file__).resolve().parents[1]
CASES = list(iter_linking_cases())


@pytest.fixture(scope="module")
def table() -> ReferenceTable:
    return ReferenceTable.load(ROOT / "reference_data")


def _claim(claims, text):
    found = [c for c in claims if c.text == text]
    assert found, f"no claim {text!r} among {[c.text for c in claims]}"
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_linking_example(case: LinkingCase, table: ReferenceTable) -> None:
    document = document_from_text(case.text, "example", DocumentMeta(published=case.published, title="Example"))
    claims = extract_claims(document)
    claim = _claim(claims, case.claim)
    named = table.named_in(document.text)
    links = ArticleLinks(claims, published=case.published, reference=table, named_facts=named)
    expect = case.expect
    if expect.facts is not None:
        whole = links.whole(claim) if claim.part_of else None
        assert [f.id for f in links.facts(claim, whole) if f.kind == claim.kind or claim.kind == "anniversary"] == expect.facts
    if expect.event_facts is not None:
        anchor = claim.value.anchor
        assert anchor is not None and anchor.text, f"{claim.text!r} is counted from no event"
        assert [f.id for f in links.event_facts(anchor.text, claim)] == expect.event_facts
    if expect.offset_days is not None:
        offset = links.date_about(claim).offset
        assert offset is not None and offset.days == pytest.approx(expect.offset_days)
    if expect.frame is not None:
        frame = links.frame(claim)
        assert frame.kind == expect.frame.kind, frame.reason
        if expect.frame.years is not None:
            assert list(frame.years) == expect.frame.years, frame.reason
    if expect.same_quantity is not None:
        other = _claim(claims, str(expect.same_quantity["with"]))
        link = links.same_quantity(claim, other)
        assert link.same is expect.same_quantity["same"], link.reason
    if expect.whole != "__unset__":
        whole = links.whole(claim)
        assert (whole.text if whole is not None else None) == expect.whole
    if expect.check is not None or expect.discrepancies is not None:
        run = CheckRun(table, {expect.check} if expect.check else None)
        findings = run.add(Article(doc_id="example", claims=claims, published=case.published, named_facts=named))
        findings += run.finish()
        mine = [f for f in findings if any(c.claim_id == claim.id for c in f.claims)]
        if expect.discrepancies is not None:
            assert len([f for f in mine if f.verdict == "discrepancy"]) == expect.discrepancies, [f.message for f in mine]
        if expect.verdict == "none":
            assert not [f for f in mine if f.verdict == "discrepancy"], [f.message for f in mine]
        elif expect.verdict is not None:
            verdicts = [(f.verdict, f.severity) for f in mine if f.check == expect.check]
            assert any(v == expect.verdict and (expect.severity is None or s == expect.severity) for v, s in verdicts), \
                [f.message for f in mine]


def _linking_seconds(n: int, table: ReferenceTable) -> float:
    import time

    text = "Delegates marked " + ", ".join(
        f"the {k % 90 + 10}th anniversary of the founding of the DPRK on March {k % 28 + 1}, 2011 for {k % 9 + 2} years"
        for k in range(n)
    ) + "."
    document = document_from_text(text, "dense", DocumentMeta(published="2011-06-01", title="Dense"))
    claims = extract_claims(document)
    article = Article(doc_id="dense", claims=claims, published=document.meta.published_date,
                      named_facts=table.named_in(text))
    start = time.perf_counter()
    CheckRun(table).add_article(article)
    return time.perf_counter() - start


def test_linking_time_grows_linearly_with_the_claims_of_a_sentence(table: ReferenceTable) -> None:
    """Four times the figures in one sentence may take about four times as long, not sixteen
    (a bounded ratio, not a timing: the machine's speed cancels out)."""
    _linking_seconds(20, table)  # warm caches and imports
    small = min(_linking_seconds(60, table) for _ in range(2))
    large = min(_linking_seconds(240, table) for _ in range(2))
    assert large / small < 9, (small, large)
