"""The name tree that finds what an article names (``NameIndex.named_in``) finds exactly what a
plain search of every name at every word finds; the fast folding of an ASCII text gives the
words the general folding gives."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from figcheck.reference import ReferenceTable  # before linking.names, which it imports
from figcheck.linking import words as matching
from figcheck.linking.names import _NAME, NameIndex, _phrases_in
from figcheck.records import AnniversaryValue, Claim
from figcheck.reference.facts import ReferenceFact

ROOT = Path(__file__).resolve().parents[1]


def _fact(fact_id: str, subject: str, aliases: list[str], kind: str = "date", value: object = "1950-06-25") -> ReferenceFact:
    return ReferenceFact(id=fact_id, subject=subject, property="began", kind=kind, value=value, aliases=aliases,
                         keywords=["outbreak"], references=[{"stated_in": "a test"}])


# Names inside longer names, names sharing first words, plurals, hyphen compounds, case,
# apostrophes, one word and several, a common word that names nothing on its own.
_FACTS = [
    _fact("korean-war", "Korean War", ["Fatherland Liberation War", "war"]),
    _fact("korean-war-armistice", "Korean War Armistice Agreement", ["armistice"]),
    _fact("dprk-founding", "DPRK", ["Democratic People's Republic of Korea", "North Korea"]),
    _fact("sino-dprk-treaty", "Sino-DPRK Treaty", ["Treaty of Friendship"]),
    _fact("cpv-heroes", "Heroes of the Republic", ["CPV Hero", "Hero"], kind="count", value=12),
    _fact("liberation-day", "Liberation Day", ["Day of Liberation", "August 15"]),
    _fact("chosen-soren", "Chōsen Sōren", ["Chongryon"]),
]

_TEXTS = [
    "",
    "The Korean War broke out.",
    "The Korean War Armistice Agreement was signed; the Korean Wars of old.",
    "korean war, KOREAN WAR and Korean-War and Korean  War and Korean\nWar",
    "the war ended and the armistice held",
    "Democratic People's Republic of Korea, Democratic Peoples Republic of Korea, DPRK's army",
    "the Sino-DPRK Treaty, sino dprk treaties, Treaty of the Friendship, Treaties of Friendships",
    "twelve Heroes of Republic; a CPV heroes' meeting; heroes; Hero of the Republic.",
    "Day of the Liberation, days of liberation, Liberation Days, Liberation-Day",
    "the Chōsen Sōren and Chosen Soren and CHONGRYON",
    "the the the Korean the War",
    "North Korea’s leader, North-Korea, northkorea",
    "August 15, Augusts 15, august 15th",
    "Korean",
    "War Korean",
]


def _plain(index: NameIndex, text: str) -> frozenset[str]:
    """Every specific name searched for at every word, kind by kind, as the index was once read."""
    folded = matching.words(text)
    return frozenset(
        index.facts[phrase.fact].id
        for by_first_word in index._index.values()
        for phrase in _phrases_in(by_first_word, folded)
        if phrase.role == _NAME and phrase.specific
    )


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(_FACTS)


@pytest.mark.parametrize("text", _TEXTS)
def test_named_in_finds_what_the_plain_search_finds(index: NameIndex, text: str) -> None:
    assert index.named_in(text) == _plain(index, text)


def test_named_in_finds_names_inside_longer_names_and_not_common_words(index: NameIndex) -> None:
    assert index.named_in("The Korean War Armistice Agreement was signed.") == {"korean-war", "korean-war-armistice"}
    assert index.named_in("the war ended and the armistice held") == frozenset()
    assert index.named_in("sino dprk treaties") == {"sino-dprk-treaty", "dprk-founding"}


_WORDS = st.sampled_from(
    ["Korean", "korean", "War", "wars", "Armistice", "Agreement", "the", "a", "of", "Republic", "Heroes", "hero",
     "CPV", "DPRK", "DPRK's", "Sino", "Treaty", "treaties", "Friendship", "Day", "days", "Liberation", "Chōsen",
     "Sōren", "North", "Korea", "Democratic", "People's", "August", "15", "war-time"]
)
_GAPS = st.sampled_from([" ", "  ", "-", ", ", ". ", "\n", "'", "’", "(", ""])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORDS, _GAPS), max_size=20))
def test_named_in_agrees_with_the_plain_search_on_any_text(index: NameIndex, pieces: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in pieces)
    assert index.named_in(text) == _plain(index, text)


def test_the_reference_table_names_agree_with_the_plain_search() -> None:
    table = ReferenceTable.load(ROOT / "reference_data")
    index = table._names
    names = [name for fact in table for name in fact.names()]
    text = ". ".join(names) + " " + " and ".join(n.lower() + "s" for n in names)
    assert index.named_in(text) == _plain(index, text)
    assert len(index.named_in(text)) > 10


# --- read when asked ----------------------------------------------------------------------


@pytest.mark.parametrize("text", _TEXTS)
def test_named_facts_are_what_named_in_finds(index: NameIndex, text: str) -> None:
    named = index.named_facts(text)
    expected = index.named_in(text)
    assert named == expected and expected == named
    assert set(named) == expected and len(named) == len(expected)
    assert all(fact_id in named for fact_id in expected)
    assert "no-such-fact" not in named


def test_named_facts_read_the_text_only_when_asked_and_once(monkeypatch: pytest.MonkeyPatch) -> None:
    index = NameIndex(_FACTS)
    calls: list[str] = []
    read = NameIndex.named_in

    def counted(self: NameIndex, text: str) -> frozenset[str]:
        calls.append(text)
        return read(self, text)

    monkeypatch.setattr(NameIndex, "named_in", counted)
    named = index.named_facts("The Korean War broke out.")
    assert calls == []
    assert "korean-war" in named and "korean-war-armistice" not in named
    assert calls == ["The Korean War broke out."]


def test_named_facts_travel_to_another_process_as_a_plain_set(index: NameIndex) -> None:
    import pickle

    named = index.named_facts("The Korean War Armistice Agreement was signed.")
    copied = pickle.loads(pickle.dumps(named))
    assert type(copied) is frozenset and copied == {"korean-war", "korean-war-armistice"}


def test_article_of_leaves_the_names_unread_until_a_claim_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    from checkers import article_of
    from figcheck.records import Document, DocumentMeta

    table = ReferenceTable(_FACTS)
    calls: list[str] = []
    read = NameIndex.named_in
    monkeypatch.setattr(NameIndex, "named_in", lambda self, text: calls.append(text) or read(self, text))
    document = Document(doc_id="a", text="The Korean War broke out.", meta=DocumentMeta())
    article = article_of(document, [], table)
    assert calls == []
    assert article.named_facts == {"korean-war"}
    assert len(calls) == 1


# --- a date's words matched once a run ----------------------------------------------------


def _anniversary(event: str, doc_id: str) -> Claim:
    return Claim(id=Claim.make_id(doc_id, "anniversary", 0, 16), doc_id=doc_id, kind="anniversary",
                 text="60th anniversary", start=0, end=16, sentence=f"60th anniversary of {event}", sentence_start=0,
                 value=AnniversaryValue(ordinal=60, event=event), subject=event, context=event, confidence=0.9)


def test_a_date_matched_again_follows_what_each_article_names() -> None:
    index = NameIndex(_FACTS)
    # "the war" names the Korean War only in an article that names the Korean War properly.
    claim = _anniversary("the outbreak of the war", "a")
    assert [f.id for f in index.match(claim, named_in_article=frozenset({"korean-war"}))] == ["korean-war"]
    again = _anniversary("the outbreak of the war", "b")
    assert index.match(again, named_in_article=frozenset()) == []
    assert index.match(again, named_in_article=frozenset({"dprk-founding"})) == []
    assert [f.id for f in index.match(claim, named_in_article=None)] == ["korean-war"]
    assert [f.id for f in index.match(claim, named_in_article=frozenset({"korean-war"}))] == ["korean-war"]


def test_a_date_matched_again_is_matched_on_its_own_words() -> None:
    index = NameIndex(_FACTS)
    assert [f.id for f in index.match(_anniversary("the outbreak of the Korean War", "a"))] == ["korean-war"]
    assert index.match(_anniversary("the opening of a school", "c")) == []
    assert [f.id for f in index.match(_anniversary("the outbreak of the Korean War", "d"))] == ["korean-war"]


def test_an_index_sent_to_a_worker_leaves_what_it_matched_behind() -> None:
    import pickle

    index = NameIndex(_FACTS)
    claims = [_anniversary(f"the outbreak of the Korean War {n}", "a") for n in range(50)]
    for claim in claims:
        index.match(claim)
    sent = pickle.dumps(index)
    assert len(sent) < len(pickle.dumps(NameIndex(_FACTS))) + 100
    copied = pickle.loads(sent)
    assert [[f.id for f in copied.match(c)] for c in claims] == [[f.id for f in index.match(c)] for c in claims]


# --- folding ------------------------------------------------------------------------------


def _general_folding(text: str) -> list[str]:
    folded = matching._POSSESSIVE.sub("", unicodedata.normalize("NFKC", text).casefold())
    folded = folded.translate(matching._APOSTROPHES)
    return [w for w in matching._NOT_WORD.split(folded) if w and w not in matching._ARTICLES]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60) | st.text(max_size=30))
def test_the_fast_folding_gives_the_general_words(text: str) -> None:
    assert matching.folded_words(text) == _general_folding(text)


@pytest.mark.parametrize("text", ["A_b c'd e`f", "x's's _'s 's 9`s a'sb", "The a AN an", "x\x1cy\x1fz", "Seoul's 1,204 U.S.-made", "ﬁve Ⅻ ２０"])
def test_folding_of_underscores_apostrophes_articles_and_compatibility_forms(text: str) -> None:
    assert matching.folded_words(text) == _general_folding(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abcehiorsuxyz", min_size=1, max_size=8))
def test_plurals_and_self_are_every_word_made_singular_into_a_word(word: str) -> None:
    assert word in matching.plurals_and_self(matching.singular(word))
    assert all(matching.singular(form) == word for form in matching.plurals_and_self(word))
