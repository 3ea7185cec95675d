"""Corpus consensus: which phrases name one event everywhere, which articles are independent,
when agreement is clear, and the check over articles of several publishers."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from checkers import CheckRun, article_of
from checkers.cross_source import Entry, Source
from figcheck.corpus import document_from_text
from figcheck.extraction import extract_claims
from figcheck.linking.consensus import Witness, consensus, event_key, independent_groups
from figcheck.records import DocumentMeta, Finding
from figcheck.reference import ReferenceTable

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def table() -> ReferenceTable:
    return ReferenceTable.load(ROOT / "reference_data")


# --- event keys --------------------------------------------------------------------------


@pytest.mark.parametrize("phrase", [
    "the founding of the Ruritanian Potters' Guild",
    "Korea's liberation",
    "the October 4 declaration",
    "the Korean Children's Union",
    "the DPRK",
    "the birth of Kim Il Sung",
    "the September 11 attacks",
    "the Great Hanshin earthquake",
])
def test_a_proper_name_with_an_event_noun_or_a_name_alone_gives_a_key(phrase: str) -> None:
    assert event_key(phrase)


@pytest.mark.parametrize("phrase", [
    "the war", "its founding", "his birth", "the victory", "the Korean people's victory",
    "the founding of the Party", "the school's opening", "Kim Il Sung's work", "",
    "the Academy of Koryo Medicine was founded in the DPRK", "the Vell wall built by the city",
])
def test_a_phrase_that_names_no_one_event_gives_no_key(phrase: str) -> None:
    assert event_key(phrase) is None


def test_word_order_and_articles_do_not_split_an_event() -> None:
    assert event_key("the birth of Kim Il Sung") == event_key("Kim Il Sung's birth")
    assert event_key("the founding of the WPK") == event_key("WPK founding")


def test_different_titles_or_parties_stay_apart() -> None:
    assert event_key("General Secretary Kim Jong Il's election") != event_key("Kim Jong Il's election")
    assert event_key("the establishment of DPRK-Germany diplomatic ties") != event_key(
        "the establishment of DPRK-Sweden diplomatic ties")


def test_a_phrase_the_sentence_goes_on_naming_gives_no_key() -> None:
    assert event_key("Kim Jong Il's election") is not None
    assert event_key("Kim Jong Il's election", " as chairman of the commission.") is None
    assert event_key("Kim Jong Il's election", ", which was celebrated.") is not None


# --- independent sources -----------------------------------------------------------------


def _witness(doc: str, publisher: str | None, day: str, fingerprint: frozenset[int] = frozenset()) -> Witness:
    return Witness(doc, publisher, day, fingerprint)


def test_one_publisher_on_one_day_is_one_source_but_not_on_two_days() -> None:
    groups = independent_groups([
        _witness("a", "Daily Star", "2011-03-07"),
        _witness("b", "The Daily-Star", "2011-03-07"),
        _witness("c", "Daily Star", "2011-03-08"),
        _witness("d", "Evening Post", "2011-03-07"),
    ])
    assert groups[0] == groups[1]
    assert len(set(groups)) == 3


def test_a_near_copy_is_one_source_whoever_published_it_and_joins_transitively() -> None:
    shared = frozenset(range(100))
    groups = independent_groups([
        _witness("a", "Daily Star", "2011-03-07", shared),
        _witness("b", "Evening Post", "2011-05-01", shared | frozenset(range(1000, 1040))),
        _witness("c", "Evening Post", "2011-05-01"),  # same desk as b, so with a too
        _witness("d", "Morning Herald", "2011-05-01", frozenset(range(500, 600))),
    ])
    assert groups[0] == groups[1] == groups[2]
    assert groups[3] != groups[0]


# --- agreement ---------------------------------------------------------------------------


def test_four_of_five_is_a_consensus_three_of_four_is_not() -> None:
    agreed = consensus([[1945]] * 4 + [[1946]])
    assert agreed is not None and (agreed.year, agreed.agreeing, agreed.sources) == (1945, 4, 5)
    assert consensus([[1945]] * 3 + [[1946]]) is None


def test_fewer_than_three_sources_or_a_tie_give_no_consensus() -> None:
    assert consensus([[1945]] * 2) is None
    assert consensus([[1945]] * 3, min_sources=4) is None
    assert consensus([[1945], [1945], [1945], [1946], [1946], [1946]], min_share=0.5) is None


def test_a_source_that_contradicts_itself_counts_once() -> None:
    agreed = consensus([[1945], [1945], [1945], [1945, 1950]])
    assert agreed is not None and agreed.sources == 4 and agreed.agreeing == 4


# --- the check over articles -------------------------------------------------------------

GUILD = "the founding of the Ruritanian Potters' Guild"
AGREEING = [
    ("2011-03-07", "Daily Star", f"Delegates met on Monday to mark the 61st anniversary of {GUILD}."),
    ("2011-03-08", "Evening Post", f"A reception was given on Tuesday for the 61st anniversary of {GUILD}."),
    ("2011-03-09", "Morning Herald", f"Exhibitions opened on Wednesday on the 61st anniversary of {GUILD}."),
    ("2011-03-10", "Weekly Lens", f"Potters in Vell gathered on Thursday for the 61st anniversary of {GUILD}."),
]


def _findings(articles: list[tuple[str, str | None, str]], table: ReferenceTable) -> list[Finding]:
    run = CheckRun(table, {"consensus"})
    for number, (published, publisher, text) in enumerate(articles):
        document = document_from_text(text, f"doc-{number}", DocumentMeta(published=published, publisher=publisher))
        run.add_document(document, extract_claims(document))
    return run.finish()


def _verdicts(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.verdict, f.severity) for f in findings)


def test_the_outlier_is_a_warning_quoting_the_consensus(table: ReferenceTable) -> None:
    outlier = ("2011-03-11", "Village Voice", f"Veterans recalled on Friday the 65th anniversary of {GUILD}.")
    findings = _findings(AGREEING + [outlier], table)
    assert _verdicts(findings) == [("consistent", "info")] * 4 + [("discrepancy", "warning")]
    warning = next(f for f in findings if f.verdict == "discrepancy")
    assert [c.text for c in warning.claims] == ["65th anniversary"]
    assert warning.claims[0].doc_id == "doc-4"
    assert warning.expected == "1950" and warning.observed == "1946"
    assert "4 of 4 other independent sources give 1950" in warning.message
    assert warning.message.count("(doc-") == 2  # two example quotes, each with its article id


def test_one_publishers_articles_of_one_day_do_not_make_a_consensus(table: ReferenceTable) -> None:
    same_desk = [("2011-03-07", "Daily Star", text) for _, _, text in AGREEING]
    outlier = ("2011-03-11", "Village Voice", f"Veterans recalled on Friday the 65th anniversary of {GUILD}.")
    assert _findings(same_desk + [outlier], table) == []


def test_a_narrated_earlier_celebration_is_unverifiable_not_a_warning(table: ReferenceTable) -> None:
    # Read in 2015, the 61st anniversary fell in 2011: a later implied year, and no date says
    # when the sentence speaks.
    narrated = ("2015-06-01", "Village Voice", f"Photos showed the parade celebrating the 61st anniversary of {GUILD}.")
    findings = _findings(AGREEING + [narrated], table)
    assert _verdicts(findings) == [("consistent", "info")] * 4 + [("unverifiable", "info")]
    assert "unverifiable, because the sentence does not say when it speaks" in findings[-1].message


def test_an_implied_year_no_earlier_celebration_explains_is_a_warning(table: ReferenceTable) -> None:
    # 1946 is earlier than 1950: no celebration before publication gives it.
    early = ("2011-06-01", "Village Voice", f"Photos showed the parade celebrating the 65th anniversary of {GUILD}.")
    findings = _findings(AGREEING + [early], table)
    assert _verdicts(findings) == [("consistent", "info")] * 4 + [("discrepancy", "warning")]


def test_a_celebration_next_year_is_consistent(table: ReferenceTable) -> None:
    ahead = ("2011-11-20", "Village Voice", f"Potters are preparing to celebrate the 62nd anniversary of {GUILD}.")
    assert _verdicts(_findings(AGREEING + [ahead], table)) == [("consistent", "info")] * 5


def test_years_since_an_event_the_corpus_dates(table: ReferenceTable) -> None:
    right = ("2011-06-01", "Village Voice", f"Sixty-one years have passed since {GUILD}, the speaker said.")
    wrong = ("2011-06-02", "Town Crier", f"Forty years have passed since {GUILD}, the speaker said.")
    told = ("2011-06-03", "Gazette", f"By then ten years had passed since {GUILD}, the speaker said.")
    findings = _findings(AGREEING + [right, wrong, told], table)
    assert _verdicts(findings) == [("consistent", "info")] * 5 + [("discrepancy", "warning")]
    assert next(f for f in findings if f.verdict == "discrepancy").claims[0].text == "Forty years"


def test_an_event_the_table_dates_is_left_to_the_table(table: ReferenceTable) -> None:
    war = "the Korean War armistice"
    articles = [(day, paper, f"Veterans met on {weekday} to mark the 58th anniversary of {war}.")
                for (day, paper, _), weekday in zip(AGREEING, ("Monday", "Tuesday", "Wednesday", "Thursday"))]
    articles.append(("2011-03-11", "Village Voice", f"Veterans recalled on Friday the 50th anniversary of {war}."))
    assert _findings(articles, table) == []


def test_entries_travel_as_the_pipeline_caches_them(table: ReferenceTable) -> None:
    """Entries are computed where an article is checked and merged elsewhere: pickled, or
    stored as JSON (key as a list, the claim by position) and rebuilt."""
    outlier = ("2011-03-11", "Village Voice", f"Veterans recalled on Friday the 65th anniversary of {GUILD}.")
    direct = _findings(AGREEING + [outlier], table)
    worker = CheckRun(table, {"consensus"})
    merger = CheckRun(table, {"consensus"})
    for number, (published, publisher, text) in enumerate(AGREEING + [outlier]):
        document = document_from_text(text, f"doc-{number}", DocumentMeta(published=published, publisher=publisher))
        claims = extract_claims(document)
        article = article_of(document, claims, table)
        found = pickle.loads(pickle.dumps(worker.cross_entries(article)))
        position = {c.id: i for i, c in enumerate(claims)}
        stored = json.loads(json.dumps([(list(e.key), e.fact_id, position[e.claim.id]) for e in found]))
        rebuilt = [Entry(tuple(key), fact_id, claims[index]) for key, fact_id, index in stored]
        merger.collect_entries(Source(article.doc_id, article.fingerprint, article.publisher, article.title), rebuilt)
    assert sorted(f.id for f in merger.finish()) == sorted(f.id for f in direct)


def test_years_since_an_event_the_table_dates_is_measured_once_by_elapsed_time(table: ReferenceTable) -> None:
    right = ("2011-07-27", "Daily Star", "It has been 58 years since the signing of the Korean War armistice.")
    wrong = ("2011-07-28", "Evening Post", "It has been 50 years since the signing of the Korean War armistice.")
    assert _findings([right, wrong], table) == []  # the table dates the event: not the corpus's question
    run = CheckRun(table, {"consensus", "elapsed_time"})
    findings = []
    for number, (published, publisher, text) in enumerate([right, wrong]):
        document = document_from_text(text, f"doc-{number}", DocumentMeta(published=published, publisher=publisher))
        findings += run.add_document(document, extract_claims(document))
    findings += run.finish()
    assert sorted((f.check, f.verdict, f.severity) for f in findings) == [
        ("elapsed_time", "consistent", "info"), ("elapsed_time", "discrepancy", "warning")]
    warning = next(f for f in findings if f.verdict == "discrepancy")
    assert warning.claims[0].text == "50 years"
    assert warning.reference is not None and warning.reference.fact_id == "korean-war-armistice-signed"


def test_an_anniversary_one_too_many_on_the_day_is_a_warning_not_next_years(table: ReferenceTable) -> None:
    wrong = ("2011-03-11", "Village Voice", f"Veterans met on Friday to mark the 62nd anniversary of {GUILD}.")
    findings = _findings(AGREEING + [wrong], table)
    assert _verdicts(findings) == [("consistent", "info")] * 4 + [("discrepancy", "warning")]


def test_next_years_anniversary_prepared_for_late_in_the_year(table: ReferenceTable) -> None:
    ahead = ("2012-03-05", "Village Voice",
             f"A seminar took place on December 24 last year to commemorate the 62nd anniversary of {GUILD}.")
    review = ("2012-01-18", "Town Crier",
              f"The meeting reviewed last year's work and the plans to mark the 62nd anniversary of {GUILD}.")
    assert _verdicts(_findings(AGREEING + [ahead, review], table)) == [("consistent", "info")] * 6


# --- what the corpus-wide groups keep ----------------------------------------------------


def _collect(articles: list[tuple[str, str | None, str]], table: ReferenceTable, checks: set[str]):
    run = CheckRun(table, checks)
    claims = {}
    for number, (published, publisher, text) in enumerate(articles):
        document = document_from_text(text, f"doc-{number}", DocumentMeta(published=published, publisher=publisher))
        found = extract_claims(document)
        claims.update((c.id, c) for c in found)
        run.add_document(document, found)
    return run, claims


def test_a_group_member_keeps_what_its_findings_name_not_the_claim(table: ReferenceTable) -> None:
    from checkers.cross_source import Held, Quoted
    from figcheck.records import Claim, ClaimRef

    outlier = ("2011-03-11", "Village Voice", f"Veterans recalled on Friday the 65th anniversary of {GUILD}.")
    run, claims = _collect(AGREEING + [outlier], table, {"consensus"})
    members = [m for group in run.consensus.events.values() for m in group]
    assert len(members) == 5
    for member in members:
        assert isinstance(member.claim, Quoted) and not isinstance(member.claim, Claim)
        assert isinstance(member.held, Held) and isinstance(member.held.packed, bytes)
        assert not any(isinstance(part, (Claim, frozenset)) for part in member)
    findings = run.finish()
    # Each finding names its claims as it would from the whole claim: the report reads these.
    for f in findings:
        for ref in f.claims:
            assert ref == ClaimRef.of(claims[ref.claim_id])


def test_a_source_is_kept_once_however_many_of_its_claims_are_grouped(table: ReferenceTable) -> None:
    text = f"On Monday delegates marked the 61st anniversary of {GUILD}; the Korean War (June 25, 1950-July 27, 1953) was recalled."
    run, _ = _collect([("2011-03-07", "Daily Star", text)], table, {"consensus", "cross_source"})
    held = {id(m.held) for group in run.consensus.events.values() for m in group}
    held |= {id(m.held) for group in run.cross.groups.values() for m in group}
    assert len(held) == 1
    assert sum(len(g) for g in run.consensus.events.values()) == 1 and sum(len(g) for g in run.cross.groups.values()) == 1


def test_a_packed_fingerprint_unpacks_to_the_same_set() -> None:
    from checkers.base import fingerprint
    from checkers.cross_source import Held

    print_ = fingerprint(" ".join(f"word{i} and more of it" for i in range(200)))
    assert len(print_) > 64
    held = Held.of(Source("doc-1", print_, "Daily Star", None))
    assert held.fingerprint == print_ and len(held.packed) == 8 * len(print_)
    assert Held.of(Source("doc-2", frozenset(), None, None)).fingerprint == frozenset()


def test_readings_past_the_cap_do_not_vote_and_a_claim_without_a_year_counts_towards_it(
        table: ReferenceTable, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cap counts claims collected for an event, whether or not they give it a year: the
    same claims vote however the groups store them."""
    import checkers.consensus as module

    monkeypatch.setattr(module, "_MAX_PER_EVENT", 4)
    no_year = ("2011-03-06", "Town Crier", f"Seven hundred months have passed since {GUILD}, the speaker said.")
    outlier = ("2011-03-11", "Village Voice", f"Veterans recalled on Friday the 65th anniversary of {GUILD}.")
    run, _ = _collect([no_year] + AGREEING + [outlier], table, {"consensus"})
    (key,) = run.consensus.events
    assert run.consensus.collected[key] == 6
    assert [m.held.doc_id for m in run.consensus.events[key]] == ["doc-1", "doc-2", "doc-3"]
    assert [m.claim.doc_id for m in run.consensus.judged[key]] == ["doc-4", "doc-5"]


def test_a_reading_past_the_cap_is_judged_against_the_voters(table: ReferenceTable, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the cap a wrong anniversary is still a discrepancy (it used to go unchecked, in an
    event more than 400 articles date), and a right one consistent; neither changes the vote."""
    import checkers.consensus as module

    monkeypatch.setattr(module, "_MAX_PER_EVENT", 3)
    outlier = ("2011-03-11", "Village Voice", f"Veterans recalled on Friday the 65th anniversary of {GUILD}.")
    findings = [f for f in _findings(AGREEING + [outlier], table) if f.check == "consensus"]
    by_doc = {f.claims[0].doc_id: f.verdict for f in findings}
    assert by_doc == {"doc-0": "consistent", "doc-1": "consistent", "doc-2": "consistent",
                      "doc-3": "consistent", "doc-4": "discrepancy"}
    [wrong] = [f for f in findings if f.verdict == "discrepancy"]
    assert wrong.expected == "1950" and "65th anniversary" in wrong.claims[0].text


def test_a_reading_past_the_cap_from_a_voter_s_desk_is_not_backed_by_that_desk(
        table: ReferenceTable, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same paper's article of the same day is one source with a voter: it is judged by the
    # other sources only, as a voter is ("its own source left out").
    import checkers.consensus as module

    monkeypatch.setattr(module, "_MAX_PER_EVENT", 4)
    same_desk = ("2011-03-10", "Weekly Lens", f"Potters in Tull gathered on Thursday for the 61st anniversary of {GUILD}.")
    run, _ = _collect(AGREEING + [same_desk], table, {"consensus"})
    (key,) = run.consensus.events
    [event] = run.consensus.dated_events()
    [group] = list(run.consensus._voter_groups(event))
    assert group == event.groups[3]


def test_a_publisher_that_fills_a_group_does_not_keep_out_the_sources_after_it(table: ReferenceTable) -> None:
    """A group kept its first 200 claims: 250 articles of one paper filled it, and another
    paper's figure after them was never compared. One publisher is one source; only its
    first few claims are kept, so the later source is compared and its slip found."""
    from checkers.cross_source import _MAX_PER_GROUP

    war = "The Ruritanian Border War (March 3, 1911-May 9, 1913) ended in a truce."
    slip = "The Ruritanian Border War (March 3, 1911-May 9, 1914) ended in a truce."
    articles = [("2012-03-03", "Daily Star", war)] * (_MAX_PER_GROUP + 50) + [("2012-03-04", "Evening Post", slip)]
    run = CheckRun(table, {"cross_source"})
    for number, (published, publisher, text) in enumerate(articles):
        document = document_from_text(text, f"doc-{number}", DocumentMeta(published=published, publisher=publisher))
        run.add_document(document, extract_claims(document))
    findings = [f for f in run.finish() if f.check == "cross_source"]
    assert [(f.verdict, f.claims[0].doc_id) for f in findings] == [("discrepancy", f"doc-{_MAX_PER_GROUP + 50}")]
    (members,) = run.cross.groups.values()
    assert len(members) <= 4  # the paper's first three and the other paper's one


def test_claims_without_a_publisher_are_still_kept_up_to_the_group_bound(table: ReferenceTable) -> None:
    from checkers.cross_source import _MAX_PER_GROUP

    war = "The Ruritanian Border War (March 3, 1911-May 9, 1913) ended in a truce."
    run = CheckRun(table, {"cross_source"})
    for number in range(_MAX_PER_GROUP + 5):
        document = document_from_text(war, f"doc-{number}", DocumentMeta(published="2012-03-03", title=f"Story {number}"))
        run.add_document(document, extract_claims(document))
    (members,) = run.cross.groups.values()
    assert len(members) == _MAX_PER_GROUP
