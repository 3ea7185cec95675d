"""The ClaimReview export: one publishable review per figure found wrong, as schema.org and Google describe it."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from test_report import CLAIMS, FINDINGS, HARBOUR, NORTHERN, make_finding, sample_report
from typer.testing import CliRunner

from figcheck.cli import export  # noqa: F401  (registers `export`)
from figcheck.cli.app import app
from figcheck.records import ClaimRef
from figcheck.report import write_report
from figcheck.report.claimreview import (
    ClaimReviewError,
    Organisation,
    claim_clause,
    claimreview,
    dumps,
    review_page,
)

AUTHOR = Organisation(name="Checkers United", url="https://checkers.example/")
REPORT = "https://checkers.example/figcheck/report.html"

# Google's fact check documentation lists these as required (R) or recommended (r) for
# ClaimReview, its Claim and its Rating; schema.org adds reviewBody and datePublished from
# Review. ``firstAppearance`` (recommended) is left out on purpose: a run sees where a claim
# appears, never where it first appeared, and a guess would be a false statement.
CLAIMREVIEW_PROPERTIES = {"claimReviewed": "R", "reviewRating": "R", "url": "R", "author": "r",
                          "datePublished": "r", "itemReviewed": "r", "reviewBody": "r"}
CLAIM_PROPERTIES = {"appearance": "r", "author": "r", "datePublished": "r"}
RATING_PROPERTIES = {"alternateName": "R", "bestRating": "r", "name": "r", "ratingValue": "r", "worstRating": "r"}
AUTHOR_PROPERTIES = {"name": "r", "url": "r"}


@pytest.fixture
def sample():
    return sample_report()


def reviews_of(findings, run, **options):
    return claimreview(findings, run, AUTHOR, **({"report_url": REPORT} | options))


def test_every_required_and_recommended_property_is_present(sample):
    run, findings, _ = sample
    for review in reviews_of(findings, run):
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        for properties, node in (
            (CLAIMREVIEW_PROPERTIES, review),
            (CLAIM_PROPERTIES, review["itemReviewed"]),
            (RATING_PROPERTIES, review["reviewRating"]),
            (AUTHOR_PROPERTIES, review["author"]),
        ):
            missing = [name for name in properties if node.get(name) in (None, "", {}, [])]
            assert not missing, f"{review['identifier']}: {missing}"
        assert review["itemReviewed"]["@type"] == "Claim"
        assert review["itemReviewed"]["appearance"]["url"].startswith("https://")
        assert review["itemReviewed"]["author"]["name"] in ("Harbour Times", "Northern Wire")
        assert review["itemReviewed"]["datePublished"] == "2023-07-27"
        rating = review["reviewRating"]
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert review["author"] == {"@type": "Organization", "name": AUTHOR.name, "url": AUTHOR.url}
        assert review["datePublished"] == "2024-03-02"
        assert len(review["claimReviewed"]) <= 77


def test_one_review_per_wrong_figure(sample):
    run, findings, _ = sample
    reviews = reviews_of(findings, run)
    discrepancies = [f for f in findings if f.verdict == "discrepancy"]
    assert len(reviews) == len(discrepancies) == 6
    # Two sources disagree on the guests: only the one that differs from the others is reviewed.
    guests = [r for r in reviews if r["identifier"] == FINDINGS["guests_differ"].id]
    assert [r["itemReviewed"]["appearance"]["url"] for r in guests] == [HARBOUR.meta.url]
    # A second finding about the same figure joins its review instead of adding one.
    again = make_finding("elapsed_time", "discrepancy", "warning", "A second reason.", "h_armistice", "n_armistice")
    merged = reviews_of([*findings, again], run)
    assert len(merged) == 6
    armistice = next(r for r in merged if r["identifier"] == FINDINGS["armistice_wrong"].id)
    assert "A second reason." in armistice["reviewBody"]
    assert armistice["reviewRating"]["alternateName"] == "Incorrect", "the worst rating speaks for the figure"


def test_a_figure_verified_against_a_preferred_fact_is_never_rated_down(sample):
    run, findings, _ = sample
    # Harbour Times' "June 25, 1950" agrees with the reference; another source saying
    # something else does not make it wrong.
    disputed = make_finding(
        "cross_source", "discrepancy", "warning", "On the war's start, Harbour Times says June 25, 1950, while X says 1951.",
        "h_war_began", "n_war_began",
    )
    reviews = reviews_of([*findings, disputed], run, include_consistent=True)
    about = [r for r in reviews if r["claimReviewed"].find("June 25, 1950") >= 0]
    assert [r["reviewRating"]["alternateName"] for r in about] == ["Correct"]


def test_ratings_and_urls(sample):
    run, findings, _ = sample
    reviews = reviews_of(findings, run, include_consistent=True)
    names = {r["identifier"]: r["reviewRating"]["alternateName"] for r in reviews}
    assert names[FINDINGS["armistice_wrong"].id] == "Incorrect"
    assert names[FINDINGS["guests_differ"].id] == "Disputed"
    assert names[FINDINGS["armistice_right"].id] == "Correct"
    assert FINDINGS["conference_future"].id not in names, "an unverifiable claim has no rating"
    assert all(r["url"] == f"{REPORT}#{r['identifier']}" for r in reviews)
    assert len({r["url"] for r in reviews}) == len(reviews)
    assert reviews == reviews_of(findings, run, include_consistent=True), "urls and ids are stable"
    pages = reviews_of(findings, run, report_url=None, pages_url="https://checkers.example/reviews/")
    assert all(r["url"] == f"https://checkers.example/reviews/{r['identifier']}.html" for r in pages)


def test_options_that_cannot_make_a_publishable_review_are_refused(sample):
    run, findings, _ = sample
    with pytest.raises(ClaimReviewError, match="needs a url"):
        claimreview(findings, run, AUTHOR)
    with pytest.raises(ClaimReviewError, match="not a web address"):
        claimreview(findings, run, Organisation(name="X", url="javascript:alert(1)"), report_url=REPORT)


def test_claim_reviewed_is_the_figures_clause_not_the_sentence():
    armistice = ClaimRef.of(CLAIMS["h_armistice"])
    assert claim_clause(armistice) == "The armistice was signed on 27 July 1952 at Panmunjom"
    sentence = (
        "In a long address that reviewed the achievements of the past decade in agriculture, industry, science, "
        "culture and the building of the nation in every field of endeavour the speaker noted that no fewer than "
        "1,200 new factories had been opened across the provinces in the years since the plan was first adopted by "
        "the assembly and its committees after long deliberation"
    )
    start = sentence.index("1,200")
    long = ClaimRef(claim_id="c", doc_id="d", start=start, end=start + 5, text="1,200", sentence=sentence,
                    sentence_start=0)
    clause = claim_clause(long)
    assert "1,200" in clause and len(clause) <= 77 and clause.startswith("…") and clause.endswith("…")


class Scripts(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._open: dict | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def test_article_text_cannot_break_out_of_the_json_ld_script(sample):
    run, findings, _ = sample
    hostile = "Breaking</script><script>alert(1)</script> & <!-- news"
    documents = [run.documents[0].model_copy(update={"title": hostile}), *run.documents[1:]]
    run = run.model_copy(update={"documents": documents})
    reviews = reviews_of(findings, run)
    text = dumps(reviews)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == reviews
    for review in reviews:
        page = Scripts(review_page(review))
        assert len(page.scripts) == 1, "the article's text must not open a script of its own"
        attrs, body = page.scripts[0]
        assert attrs == {"type": "application/ld+json"}
        assert json.loads(body) == review


def test_export_command(sample, tmp_path):
    run, findings, claims = sample
    paths = write_report(tmp_path, run, findings, claims)
    runner = CliRunner()
    base = ["export", "claimreview", "--findings", str(paths.findings_json)]
    author = ["--author-name", AUTHOR.name, "--author-url", AUTHOR.url]
    result = runner.invoke(app, base + ["--report-url", REPORT])
    assert result.exit_code == 2 and "--author-name" in result.output
    result = runner.invoke(app, base + author)
    assert result.exit_code == 2 and "needs a url" in result.stderr
    result = runner.invoke(app, base + author + ["--report-url", REPORT])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 6
    pages = tmp_path / "pages"
    result = runner.invoke(
        app, base + author + ["--pages", str(pages), "--pages-url", "https://checkers.example/reviews"]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in pages.iterdir())
    assert written == sorted(f"{r['identifier']}.html" for r in json.loads(result.stdout))
    result = runner.invoke(app, base + author + ["--pages", str(pages)])
    assert result.exit_code == 2 and "--pages-url" in result.stderr


def test_export_fails_clearly_on_a_bad_findings_file(tmp_path):
    runner = CliRunner()
    author = ["--author-name", AUTHOR.name, "--author-url", AUTHOR.url, "--report-url", REPORT]
    result = runner.invoke(app, ["export", "claimreview", "--findings", str(tmp_path / "missing.json"), *author])
    assert result.exit_code == 2
    assert "missing.json: no such file" in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2", encoding="utf-8")
    result = runner.invoke(app, ["export", "claimreview", "--findings", str(bad), *author])
    assert result.exit_code == 2
    assert "bad.json: not valid JSON" in result.stderr


def test_reviews_name_the_publisher_when_known(sample):
    run, findings, _ = sample
    reviews = reviews_of(findings, run)
    assert {r["itemReviewed"]["author"]["name"] for r in reviews} == {HARBOUR.meta.publisher}
    assert NORTHERN.meta.publisher not in {r["itemReviewed"]["author"]["name"] for r in reviews}
