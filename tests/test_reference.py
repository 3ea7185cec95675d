"""The reference table: validation of hand-written facts, the seeded table, matching claims, adding facts."""

from __future__ import annotations

import io
import os
import shutil
import time
from datetime import date
from pathlib import Path

import pytest

import figcheck.reference.editing as editing
from figcheck.extraction import extract_claims
from figcheck.records import Document
from figcheck.records import (
    Anchor,
    AnniversaryValue,
    Claim,
    CountValue,
    DateValue,
    DurationValue,
    FactRef,
)
from figcheck.reference import (
    FactRejected,
    ReferenceFact,
    ReferenceTable,
    ReferenceTableError,
    TableBusy,
    TableWriteFailed,
    add_fact,
    check_folder,
    fact_ref,
    render_value,
    table_files,
    timex_bounds,
    values_agree,
)
from figcheck.linking.words import words
from figcheck.reference.table import _yaml

SEEDED = Path(__file__).resolve().parents[1] / "reference_data"


@pytest.fixture(scope="module")
def seeded() -> ReferenceTable:
    return ReferenceTable.load(SEEDED)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "reference_data"
    shutil.copytree(SEEDED, copy)
    return copy


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in the folder, hidden ones too: a leftover temp or lock file shows up."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def fact(**fields: object) -> ReferenceFact:
    data: dict[str, object] = {
        "id": "test-fact",
        "subject": "Test subject",
        "property": "test property",
        "kind": "count",
        "value": 10,
        "references": [{"stated_in": "Test source"}],
    }
    data.update(fields)
    return ReferenceFact.model_validate(data)


def claim(kind: str, value: object, sentence: str, *, subject: str | None = None, context: str | None = None) -> Claim:
    return Claim(
        id=Claim.make_id("doc", kind, 0, 1),
        doc_id="doc",
        kind=kind,  # type: ignore[arg-type]
        text=sentence[:1],
        start=0,
        end=1,
        sentence=sentence,
        sentence_start=0,
        value=value,  # type: ignore[arg-type]
        subject=subject,
        context=context,
        confidence=0.9,
    )


def extracted(sentence: str, kind: str) -> Claim:
    """The first claim of ``kind`` the extractor finds in ``sentence``: subject and context as real."""
    document = Document(doc_id="doc", text=sentence)
    return next(c for c in extract_claims(document) if c.kind == kind)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_ENTRY = """\
- id: good-fact
  subject: Korean War
  property: started
  kind: date
  value: "1950-06-25"
  rank: preferred
  references:
  - stated_in: A history
"""


# --- the seeded table ----------------------------------------------------------------------


def test_seeded_table_loads_without_problems(seeded: ReferenceTable) -> None:
    assert check_folder(SEEDED) == []
    assert len(seeded) >= 20
    assert {path.name for path in table_files(SEEDED)} >= {
        "korean_war.yaml",
        "dprk_china_relations.yaml",
        "calendars.yaml",
    }


def test_every_seeded_fact_is_sourced(seeded: ReferenceTable) -> None:
    for seeded_fact in seeded:
        assert seeded_fact.references, seeded_fact.id
        assert any(source.url or source.stated_in.strip() for source in seeded_fact.references), seeded_fact.id
        for source in seeded_fact.references:
            if source.url:
                assert source.url.startswith(("http://", "https://")), seeded_fact.id
                assert source.retrieved is not None, f"{seeded_fact.id}: a url needs its retrieved date"
        assert seeded_fact.keywords or seeded_fact.aliases, f"{seeded_fact.id} cannot be matched to any claim"


@pytest.mark.parametrize(
    ("fact_id", "expected"),
    [
        ("korean-war-started", "1950-06-25"),
        ("korean-war-armistice-signed", "1953-07-27"),
        ("korean-war-duration", "P3Y"),
        ("cpv-crossed-the-yalu", "1950-10-19"),
        ("cpv-first-battle-and-commemoration", "1950-10-25"),
        ("dprk-founded", "1948-09-09"),
        ("korea-liberated-from-japan", "1945-08-15"),
        ("kpa-founded-as-regular-army", "1948-02-08"),
        ("prc-dprk-diplomatic-relations-established", "1949-10-06"),
        ("prc-founded", "1949-10-01"),
        ("juche-calendar-year-one", "1912"),
        ("cpv-awarded-dprk-orders-and-medals", 661736),
        ("cpv-heroes-of-the-republic", 12),
        ("cpv-order-of-the-national-flag-first-class", 226),
        ("dprk-heroes-of-the-war", 533),
        ("dprk-twice-heroes-of-the-war", 5),
        ("dprk-labour-heroes-of-the-war", 16),
        ("dprk-volunteers-by-1950-07-01", 81858),
    ],
)
def test_seeded_fact_values(seeded: ReferenceTable, fact_id: str, expected: object) -> None:
    seeded_fact = seeded.get(fact_id)
    assert seeded_fact is not None, fact_id
    assert seeded_fact.value == expected


def test_seeded_withdrawal_and_as_of(seeded: ReferenceTable) -> None:
    withdrawal = seeded.get("cpv-withdrawal-completed")
    assert withdrawal is not None and withdrawal.value.startswith("1958")
    assert seeded.get("dprk-volunteers-by-1950-07-01").as_of == "1950-07-01"


def test_both_entry_dates_of_the_volunteers_are_kept_preferred(seeded: ReferenceTable) -> None:
    crossed, first_battle = seeded.get("cpv-crossed-the-yalu"), seeded.get("cpv-first-battle-and-commemoration")
    assert crossed.subject == first_battle.subject
    assert crossed.property != first_battle.property
    assert crossed.rank == first_battle.rank == "preferred"


def test_seeded_files_round_trip_byte_for_byte() -> None:
    # What `facts add` relies on to change nothing but the end of a file.
    for path in table_files(SEEDED):
        yaml = _yaml()
        out = io.StringIO()
        yaml.dump(yaml.load(path.read_text(encoding="utf-8")), out)
        assert out.getvalue() == path.read_text(encoding="utf-8"), path.name


# --- validation ----------------------------------------------------------------------------


def test_every_problem_names_file_fact_and_field(tmp_path: Path) -> None:
    write(
        tmp_path,
        "bad.yaml",
        """\
# a comment
- id: count-with-text
  subject: Chinese People's Volunteers
  property: awarded DPRK orders and medals
  kind: count
  value: many
  references:
  - stated_in: KCNA
- id: no-sources
  subject: Korean War
  property: started
  kind: date
  value: "1950-13-01"
  references: []
- subject: no id here
  property: p
  kind: weight
  value: 3
  colour: red
  references:
  - stated_in: S
    page: 4
""",
    )
    with pytest.raises(ReferenceTableError) as raised:
        ReferenceTable.load(tmp_path)
    problems = raised.value.problems
    rendered = [str(problem) for problem in problems]
    assert all("bad.yaml" in line for line in rendered)

    def about(fact_id: str | None, field: str) -> str:
        found = [p for p in problems if p.fact_id == fact_id and p.field == field]
        assert found, f"no problem reported for {fact_id} / {field}: {rendered}"
        return str(found[0])

    assert "count-with-text" in about("count-with-text", "value")
    assert "a count must be a number" in about("count-with-text", "value")
    assert "no month 13" in about("no-sources", "value")
    assert "references" in about("no-sources", "references")
    assert "is required" in about(None, "id")
    assert "entry 3" in about(None, "id")
    assert "weight" in about(None, "kind") or "count" in about(None, "kind")
    assert "not a known field" in about(None, "colour")
    assert "not a known field" in about(None, "references[0].page")
    # A wrong kind is reported once, not again as a wrong value.
    assert not [p for p in problems if p.fact_id is None and p.field == "value"]
    # Line numbers point at the field in the file.
    assert about("count-with-text", "value").startswith(f"{tmp_path / 'bad.yaml'}:6:")
    assert str(raised.value).count("\n") == len(problems)


def test_check_folder_lists_the_same_problems_load_raises(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD_ENTRY.replace('"1950-06-25"', '"25 June 1950"'))
    problems = check_folder(tmp_path)
    assert len(problems) == 1
    assert problems[0].field == "value" and problems[0].fact_id == "good-fact"


def test_duplicate_ids_across_files_name_both(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD_ENTRY)
    write(tmp_path, "b.yaml", "# another topic\n" + GOOD_ENTRY)
    problems = check_folder(tmp_path)
    assert len(problems) == 1
    assert problems[0].field == "id" and problems[0].fact_id == "good-fact"
    assert "b.yaml" in str(problems[0]) and "a.yaml" in str(problems[0])


def test_two_contradicting_preferred_facts_are_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD_ENTRY + GOOD_ENTRY.replace("good-fact", "other-fact").replace("06-25", "06-26"))
    problems = check_folder(tmp_path)
    assert [(p.fact_id, p.field) for p in problems] == [("other-fact", "rank")]
    assert "good-fact" in problems[0].message


def test_agreeing_preferred_facts_at_different_precision_are_fine(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD_ENTRY + GOOD_ENTRY.replace("good-fact", "other-fact").replace("1950-06-25", "1950-06"))
    assert check_folder(tmp_path) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- id: [unclosed\n", "not valid YAML"),
        ("id: a-mapping-not-a-list\n", "must be a list of facts"),
        ("- just a string\n", "must be a mapping"),
    ],
)
def test_malformed_files_are_reported(tmp_path: Path, text: str, expected: str) -> None:
    write(tmp_path, "broken.yaml", text)
    problems = check_folder(tmp_path)
    assert len(problems) == 1 and expected in str(problems[0]) and "broken.yaml" in str(problems[0])


def test_missing_folder_is_a_problem(tmp_path: Path) -> None:
    problems = check_folder(tmp_path / "nowhere")
    assert len(problems) == 1 and "no such folder" in str(problems[0])


def test_version_follows_the_contents(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD_ENTRY)
    first = ReferenceTable.load(tmp_path).version
    assert ReferenceTable.load(tmp_path).version == first
    write(tmp_path, "a.yaml", GOOD_ENTRY.replace("A history", "Another history"))
    assert ReferenceTable.load(tmp_path).version != first


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "date", "value": "June 1950"}, "value", "YYYY"),
        ({"kind": "date", "value": "1950-02-30"}, "value", "no such day"),
        ({"kind": "duration", "value": "3 years"}, "value", "ISO 8601"),
        ({"kind": "date_range", "value": "1953/1950"}, "value", "ends (1950) before it starts"),
        ({"kind": "date_range", "value": "1950-06-25"}, "value", "START/END"),
        ({"kind": "count", "value": True}, "value", "number"),
        ({"kind": "count", "value": 10, "low": 11}, "low", "above the value"),
        ({"kind": "count", "value": 10, "high": 9}, "high", "below the value"),
        ({"kind": "date", "value": "1950", "low": "1949"}, "low", "only count and duration"),
        ({"kind": "date", "value": "1950", "tolerance": 1}, "tolerance", "count facts only"),
        ({"kind": "count", "value": 1, "tolerance": -1}, "tolerance", "greater than or equal"),
        ({"id": "Korean War"}, "id", "lower-case words"),
        ({"rank": "best"}, "rank", "preferred"),
        ({"references": []}, "references", "at least 1"),
        ({"as_of": "July 1950"}, "as_of", "YYYY"),
        ({"keywords": ["--"]}, "keywords", "no word"),
    ],
)
def test_model_rejects_values_that_do_not_fit(fields: dict[str, object], field: str, message: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as raised:
        fact(**fields)
    errors = raised.value.errors()
    assert [error["loc"][0] for error in errors] == [field]
    assert message in errors[0]["msg"]


def test_model_normalises_values_by_kind() -> None:
    assert fact(kind="count", value="661,736").value == 661736
    assert fact(kind="count", value="2.9e6").value == 2900000
    assert fact(kind="date", value=1950).value == "1950"
    assert fact(kind="date", value=date(1953, 7, 27)).value == "1953-07-27"
    span = fact(kind="date_range", value="1950-06-25/1953-07-27").value
    assert (span.start, span.end) == ("1950-06-25", "1953-07-27")
    assert fact(kind="date_range", value={"start": 1950, "end": "1953"}).value.start == "1950"
    assert fact(kind="duration", value="P3Y", low="P3Y", high="P3Y1M2D").high == "P3Y1M2D"


def test_timex_bounds_follow_the_precision() -> None:
    assert timex_bounds("1950") == (date(1950, 1, 1), date(1950, 12, 31))
    assert timex_bounds("1952-02") == (date(1952, 2, 1), date(1952, 2, 29))
    assert timex_bounds("1950-06-25") == (date(1950, 6, 25), date(1950, 6, 25))


def test_values_agree() -> None:
    assert values_agree(fact(kind="date", value="1950"), fact(kind="date", value="1950-06-25"))
    assert not values_agree(fact(kind="date", value="1950-10-19"), fact(kind="date", value="1950-10-25"))
    assert values_agree(fact(value=2900000, tolerance=50000), fact(value=2950000))
    assert not values_agree(fact(value=2900000, tolerance=50000), fact(value=3000000))
    assert values_agree(fact(value=100, low=90, high=110), fact(value=95))
    assert values_agree(fact(kind="duration", value="P3Y"), fact(kind="duration", value="P36M"))
    assert not values_agree(fact(kind="duration", value="P3Y"), fact(kind="duration", value="P4Y"))
    assert values_agree(
        fact(kind="duration", value="P3Y", low="P3Y", high="P3Y1M2D"), fact(kind="duration", value="P3Y1M")
    )
    assert not values_agree(fact(kind="date", value="1950"), fact(kind="count", value=1950))


def test_render_value_and_fact_ref(seeded: ReferenceTable) -> None:
    assert render_value(seeded.get("cpv-awarded-dprk-orders-and-medals")) == "661,736"
    assert render_value(seeded.get("korean-war-period")) == "1950-06-25/1953-07-27"
    assert render_value(fact(value=2900000, tolerance=50000)) == "2,900,000 (±50,000)"
    assert render_value(fact(value=12.5, unit="percent")) == "12.5 percent"
    armistice = seeded.get("korean-war-armistice-signed")
    cited = fact_ref(armistice)
    assert isinstance(cited, FactRef)
    assert (cited.fact_id, cited.value, cited.rank) == ("korean-war-armistice-signed", "1953-07-27", "preferred")
    assert cited.sources == armistice.references


# --- matching claims to facts --------------------------------------------------------------


def ids(facts: list[ReferenceFact]) -> list[str]:
    return [matched.id for matched in facts]


def test_words_fold_case_articles_and_plurals() -> None:
    assert words("Hero of the Republic") == words("heroes of Republic")


@pytest.mark.parametrize(("text", "name"), [("Kim Jong Un's visit", "Kim Jong Un"), ("Kim Jong Il’s works", "Kim Jong Il"),
                                            ("the Party's founding", "Party")])
def test_a_possessive_names_its_owner(text: str, name: str) -> None:
    assert words(name) == words(text)[: len(words(name))]
    assert words("People’s Volunteers") == words("people's volunteer")
    assert words("three-year-long war") == ("three", "year", "long", "war")


def test_count_matches_what_is_counted(seeded: ReferenceTable) -> None:
    volunteers = claim(
        "count",
        CountValue(value=661736),
        "The DPRK Government ... awarded DPRK orders and medals to 661,736 volunteers.",
        subject="volunteers",
        context="awarded DPRK orders and medals",
    )
    assert ids(seeded.match(volunteers))[0] == "cpv-awarded-dprk-orders-and-medals"

    nurses = claim(
        "count",
        CountValue(value=1200),
        "The volunteers' field hospitals awarded DPRK orders and medals to 1,200 nurses.",
        subject="nurses",
        context="awarded DPRK orders and medals",
    )
    assert seeded.match(nurses) == []


def test_count_without_subject_falls_back_to_the_sentence(seeded: ReferenceTable) -> None:
    unnamed = claim("count", CountValue(value=661736), "Orders and medals were awarded to 661,736 Chinese volunteers.")
    assert "cpv-awarded-dprk-orders-and-medals" in ids(seeded.match(unnamed))


def test_korean_volunteers_are_not_the_chinese_volunteers(seeded: ReferenceTable) -> None:
    korean = claim(
        "count",
        CountValue(value=80000, qualifier="more_than"),
        "In a matter of three to four days after the outbreak of the war, more than 80,000 young and working "
        "people across the country volunteered to fight in the front.",
        subject="young and working people",
        context="volunteered to fight in the front",
    )
    assert ids(seeded.match(korean)) == ["dprk-volunteers-by-1950-07-01"]


def test_armistice_date_matches(seeded: ReferenceTable) -> None:
    armistice = claim(
        "date",
        DateValue(timex="1953-07-27"),
        "The armistice agreement that ended the fighting was signed at Panmunjom on July 27, 1953.",
        context="armistice agreement signed",
    )
    matched = ids(seeded.match(armistice))
    assert matched[0] == "korean-war-armistice-signed"
    assert "korean-war-started" not in matched


@pytest.mark.parametrize(
    "sentence",
    [
        "On June 25, 1950, the imperialists unleashed an armed invasion against the DPRK.",
        "The Korean War broke out on June 25, 1950.",
        "It was the day of the outbreak of the war, June 25, 1950.",
    ],
)
def test_start_of_the_war_matches(seeded: ReferenceTable, sentence: str) -> None:
    start = extracted(sentence, "date")
    matched = ids(seeded.match(start))
    assert matched[0] == "korean-war-started"
    assert "korean-war-armistice-signed" not in matched


def test_anniversary_matches_the_event_date(seeded: ReferenceTable) -> None:
    anniversary = claim(
        "anniversary",
        AnniversaryValue(ordinal=70, event="the armistice agreement that ended the 1950-53 Korean War"),
        "China, North Korea and Russia commemorated the 70th anniversary of the armistice agreement that "
        "ended the 1950-53 Korean War on Thursday.",
    )
    matched = ids(seeded.match(anniversary))
    assert matched[0] == "korean-war-armistice-signed"
    assert all(seeded.get(fact_id).kind == "date" for fact_id in matched)
    assert "korean-war-started" not in matched


def test_date_range_and_duration_match_their_kinds(seeded: ReferenceTable) -> None:
    period = extracted(
        "During the three-year-long Fatherland Liberation War (June 25, 1950-July 27, 1953), 533 DPRK Heroes "
        "were produced.",
        "date_range",
    )
    assert ids(seeded.match(period)) == ["korean-war-period"]
    length = claim(
        "duration",
        DurationValue(timex="P3Y"),
        "Kim sent a wreath on the occasion of the anniversary of China's dispatching of troops to the "
        "three-year war.",
    )
    assert ids(seeded.match(length)) == ["korean-war-duration"]
    gap = claim(
        "duration",
        DurationValue(timex="P3D", anchor=Anchor(relation="after", text="the outbreak of the war")),
        "In a matter of three to four days after the outbreak of the war, more than 80,000 volunteered.",
    )
    assert seeded.match(gap) == []


def test_claim_kind_limits_the_facts(seeded: ReferenceTable) -> None:
    count_in_armistice_sentence = claim(
        "count",
        CountValue(value=3),
        "Three delegations attended the anniversary of the armistice agreement.",
        subject="delegations",
    )
    assert seeded.match(count_in_armistice_sentence) == []


def test_preferred_facts_come_first_among_equals(tmp_path: Path) -> None:
    table = ReferenceTable(
        [
            fact(id="old-figure", subject="Widgets", property="made", value=90, rank="deprecated", keywords=["made"]),
            fact(id="new-figure", subject="Widgets", property="made", value=100, rank="preferred", keywords=["made"]),
        ]
    )
    made = claim("count", CountValue(value=100), "100 widgets were made.", subject="widgets", context="were made")
    assert ids(table.match(made)) == ["new-figure", "old-figure"]


def test_match_is_fast_enough_for_a_large_corpus(seeded: ReferenceTable) -> None:
    sentences = [
        f"In {1950 + n % 10} the Chinese People's Volunteers and {n} others were awarded orders and medals "
        "after the outbreak of the war, before the armistice was signed."
        for n in range(300)
    ]
    claims = [
        claim("count", CountValue(value=n), sentences[n % 300], subject="volunteers", context="awarded")
        for n in range(20000)
    ]
    started = time.perf_counter()
    for each in claims:
        seeded.match(each)
    assert time.perf_counter() - started < 10


# --- adding facts --------------------------------------------------------------------------


def test_add_appends_and_keeps_comments_and_order(folder: Path) -> None:
    before = snapshot(folder)
    new = fact(
        id="un-command-established",
        subject="Korean War",
        property="United Nations Command established",
        kind="date",
        value="1950-07-24",
        keywords=["United Nations Command", "established"],
        references=[{"stated_in": "A history: of the war", "url": "https://example.org/unc", "retrieved": "2026-01-02"}],
    )
    written = add_fact(folder, new)
    assert written == folder / "korean_war.yaml"
    after = snapshot(folder)
    assert set(after) == set(before)
    old, text = before["korean_war.yaml"].decode(), after["korean_war.yaml"].decode()
    assert text.startswith(old)
    assert text[len(old) :] == (
        "\n"
        "- id: un-command-established\n"
        "  subject: Korean War\n"
        "  property: United Nations Command established\n"
        "  kind: date\n"
        '  value: "1950-07-24"\n'
        "  keywords: [United Nations Command, established]\n"
        "  rank: normal\n"
        "  references:\n"
        '  - stated_in: "A history: of the war"\n'
        "    url: https://example.org/unc\n"
        "    retrieved: 2026-01-02\n"
    )
    assert {name: data for name, data in after.items() if name != "korean_war.yaml"} == {
        name: data for name, data in before.items() if name != "korean_war.yaml"
    }
    reloaded = ReferenceTable.load(folder)
    assert reloaded.get("un-command-established") == new


def test_add_to_a_new_topic_file(folder: Path) -> None:
    written = add_fact(folder, fact(id="panmunjom-population", subject="Panmunjom"))
    assert written.name == "panmunjom.yaml"
    assert ReferenceTable.load(folder).get("panmunjom-population").subject == "Panmunjom"


@pytest.mark.parametrize(
    ("new", "options", "message"),
    [
        (fact(id="korean-war-started"), {}, "already exists"),
        (
            fact(id="wrong-armistice", subject="Korean War", property="armistice signed", kind="date", value="1953-07-28"),
            {},
            "contradicts preferred fact 'korean-war-armistice-signed'",
        ),
        (
            fact(
                id="wrong-armistice",
                subject="korean war",
                property="Armistice  signed",
                kind="date",
                value="1953-07-28",
                rank="preferred",
            ),
            {"keep_both": True},
            "cannot also be preferred",
        ),
        (fact(id="elsewhere"), {"file_name": "../outside.yaml"}, "not a path"),
    ],
)
def test_refused_add_changes_nothing(folder: Path, new: ReferenceFact, options: dict, message: str) -> None:
    before = snapshot(folder)
    with pytest.raises(FactRejected, match=message):
        add_fact(folder, new, **options)
    assert snapshot(folder) == before


def test_keep_both_keeps_a_contradicting_fact_below_the_preferred_one(folder: Path) -> None:
    disputed = fact(
        id="armistice-misdated",
        subject="Korean War",
        property="armistice signed",
        kind="date",
        value="1953-07-28",
        rank="deprecated",
    )
    add_fact(folder, disputed, keep_both=True)
    table = ReferenceTable.load(folder)
    assert table.get("armistice-misdated").rank == "deprecated"
    assert table.get("korean-war-armistice-signed").rank == "preferred"


def test_add_to_a_broken_table_is_refused(folder: Path) -> None:
    write(folder, "broken.yaml", "- id: [unclosed\n")
    before = snapshot(folder)
    with pytest.raises(FactRejected, match="broken.yaml"):
        add_fact(folder, fact(id="anything"))
    assert snapshot(folder) == before


def test_locked_table_is_left_alone(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(editing, "LOCK_WAIT_SECONDS", 0.2)
    (folder / ".lock").write_text("otherhost pid 1\n")
    before = snapshot(folder)
    with pytest.raises(TableBusy, match="locked.*otherhost pid 1"):
        add_fact(folder, fact(id="anything"))
    assert snapshot(folder) == before


def test_failed_replace_leaves_the_file_and_no_debris(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(folder)

    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(TableWriteFailed, match="Permission denied.*unchanged"):
        add_fact(folder, fact(id="anything", subject="Korean War"))
    assert snapshot(folder) == before


def test_interrupted_write_leaves_the_file_and_no_debris(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(folder)

    def interrupted(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        add_fact(folder, fact(id="anything", subject="Korean War"))
    assert snapshot(folder) == before


def test_add_keeps_the_file_mode(folder: Path) -> None:
    path = folder / "korean_war.yaml"
    path.chmod(0o640)
    add_fact(folder, fact(id="anything", subject="Korean War"))
    assert path.stat().st_mode & 0o777 == 0o640


# --- hostile files and fields ---------------------------------------------------------------


BILLION_LAUGHS = """\
- id: laughs
  subject: Korean War
  property: started
  kind: date
  value: "1950-06-25"
  notes: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  keywords: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  aliases: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  unit: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  as_of: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  added_by: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  rank: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  low: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  high: [*h, *h, *h, *h, *h, *h, *h, *h, *h]
  references:
  - stated_in: A history
"""


def test_aliases_are_refused_naming_file_and_line(folder: Path) -> None:
    write(folder, "laughs.yaml", BILLION_LAUGHS)
    problems = check_folder(folder)
    assert [(Path(p.path).name, p.line) for p in problems] == [("laughs.yaml", 7)]
    assert "alias (*a) is not allowed" in problems[0].message
    with pytest.raises(ReferenceTableError, match="laughs.yaml:7"):
        ReferenceTable.load(folder)
    before = snapshot(folder)
    with pytest.raises(FactRejected, match="laughs.yaml:7"):
        add_fact(folder, fact(id="anything", subject="Korean War"))
    assert snapshot(folder) == before


def test_an_alias_in_a_new_fields_text_is_written_as_text(folder: Path) -> None:
    hostile = "&a [*a, *a]"
    add_fact(folder, fact(id="anything", subject="Korean War", notes=hostile))
    assert ReferenceTable.load(folder).get("anything").notes == hostile


def test_deep_nesting_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, "deep.yaml", "- id: deep\n  notes: " + "[" * 100_000 + "]" * 100_000 + "\n")
    problems = check_folder(tmp_path)
    assert len(problems) == 1 and "deep.yaml:2" in str(problems[0]) and "depth" in problems[0].message


def test_an_impossible_unquoted_date_names_its_line(tmp_path: Path) -> None:
    write(tmp_path, "dates.yaml", GOOD_ENTRY.replace('value: "1950-06-25"', "value: 1950-02-30"))
    problems = check_folder(tmp_path)
    assert len(problems) == 1
    assert (Path(problems[0].path).name, problems[0].line) == ("dates.yaml", 5)
    assert "1950-02-30" in problems[0].message and "not a date" in problems[0].message


def test_a_fact_no_claim_could_match_is_refused(folder: Path) -> None:
    write(folder, "lower.yaml", GOOD_ENTRY.replace("subject: Korean War", "subject: the war"))
    problems = check_folder(folder)
    assert len(problems) == 1
    assert (Path(problems[0].path).name, problems[0].line, problems[0].field) == ("lower.yaml", 2, "subject")
    assert "capitalised" in problems[0].message and "no claim would ever be matched" in problems[0].message
    (folder / "lower.yaml").unlink()
    before = snapshot(folder)
    with pytest.raises(FactRejected, match="capitalised"):
        add_fact(folder, fact(id="lower-case", subject="the war", aliases=["the fighting"]))
    assert snapshot(folder) == before
    # One capitalised alias is enough: the lower-case names then count where it is named.
    add_fact(folder, fact(id="lower-case", subject="the war", aliases=["Fatherland War"]))


SMUGGLED = """x
- id: smuggled-fact
  subject: Korean War
  property: smuggled
  kind: count
  value: 1
  references:
  - stated_in: nowhere"""


@pytest.mark.parametrize("field", ["subject", "property", "notes", "unit", "added_by"])
def test_a_line_break_in_a_field_cannot_smuggle_a_fact(folder: Path, field: str) -> None:
    before = snapshot(folder)
    fields = {"subject": "Korean War", field: ("Korean War " if field == "subject" else "") + SMUGGLED}
    with pytest.raises(FactRejected, match=rf"field '{field}' contains a line break \(U\+000A\)"):
        add_fact(folder, fact(id="anything", **fields))
    assert snapshot(folder) == before


def test_a_line_break_in_a_source_or_phrase_is_refused(folder: Path) -> None:
    before = snapshot(folder)
    hostile = fact(
        id="anything",
        subject="Korean War",
        keywords=["fine", "bad\u2028word"],
        references=[{"stated_in": "A book", "quote": "one\rtwo"}],
    )
    with pytest.raises(FactRejected) as refused:
        add_fact(folder, hostile)
    assert "field 'keywords[1]' contains a line break (U+2028)" in str(refused.value)
    assert "field 'references[0].quote' contains a line break (U+000D)" in str(refused.value)
    assert snapshot(folder) == before
    with pytest.raises(FactRejected, match="--file"):
        add_fact(folder, fact(id="anything", subject="Korean War"), file_name="a\nb.yaml")
    assert snapshot(folder) == before


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Text as hostile as it comes: YAML's indicators, quotes, comment and document markers,
# every kind of line break and control character, surrogates, and ordinary words.
_hostile_text = st.lists(
    st.one_of(
        st.sampled_from(list("-:#&*!|>'\"%@`{}[],?\n\r\t\x00\x1b\x85\u2028\u2029\ufeff \\")),
        st.sampled_from(["\n- id: smuggled\n", "\n---\n", "\n...\n", "Korean War", "...", "---", "- ", "*a", "&a "]),
        st.characters(),
    ),
    max_size=20,
).map("".join)


_writable_text = _hostile_text.filter(lambda text: editing.unwritable_character(text) is None)
_FIELDS = ("subject", "property", "alias", "keyword", "quote", "stated_in", "notes", "unit")


def _fact_with(field: str, text: str) -> ReferenceFact | None:
    from pydantic import ValidationError

    fields: dict[str, object] = {"id": "hostile-fact", "subject": "Korean War", "property": "p"}
    source: dict[str, object] = {"stated_in": "A source"}
    if field == "subject":
        fields["subject"] = "Korean War " + text
    elif field in ("alias", "keyword"):
        fields[f"{field}s"] = [text]
    elif field in ("quote", "stated_in"):
        source[field] = text
    else:
        fields[field] = text
    try:
        return fact(**fields, references=[source])
    except ValidationError:
        return None


def _add_to_a_copy(new: ReferenceFact) -> None:
    """Adds ``new`` to a copy of the seeded table: either refused, leaving every byte as it
    was, or the table read back is the old one plus exactly ``new``."""
    import tempfile

    with tempfile.TemporaryDirectory() as temporary:
        copy = Path(temporary) / "reference_data"
        shutil.copytree(SEEDED, copy)
        before = snapshot(copy)
        expected = {f.id: f for f in ReferenceTable.load(copy)}
        try:
            add_fact(copy, new, wait=0)
        except FactRejected:
            assert snapshot(copy) == before
            raise
        after = {f.id: f for f in ReferenceTable.load(copy)}
        assert after == {**expected, new.id: new}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(_FIELDS), text=_hostile_text)
def test_no_field_can_write_anything_but_its_own_fact(field: str, text: str) -> None:
    new = _fact_with(field, text)
    if new is None:
        return
    try:
        _add_to_a_copy(new)
    except FactRejected as refused:
        # Refused only for a character no file may hold, named with its field.
        assert editing.unwritable_fields(new) and "field '" in str(refused)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(_FIELDS), text=_writable_text)
def test_any_writable_text_is_written_and_read_back_as_given(field: str, text: str) -> None:
    new = _fact_with(field, text)
    if new is not None:
        _add_to_a_copy(new)


# --- the lock ------------------------------------------------------------------------------

import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
_HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from figcheck.reference import TableLock
TableLock(Path(sys.argv[1])).__enter__()
print("locked", flush=True)
time.sleep(60)
"""
_ADD_ONE = """
import sys
from pathlib import Path
from figcheck.reference import ReferenceFact, add_fact
number = sys.argv[2]
fact = ReferenceFact.model_validate({
    "id": f"concurrent-{number}", "subject": f"Writer {number}", "property": "count",
    "kind": "count", "value": int(number), "references": [{"stated_in": "A test"}],
})
add_fact(Path(sys.argv[1]), fact, file_name="concurrent.yaml")
"""


def _python(code: str, *arguments: str, **options: object) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *arguments], env=environment, **options)  # type: ignore[call-overload]


def test_a_lock_left_by_a_killed_writer_is_taken_over(folder: Path) -> None:
    holder = _python(_HOLD_THE_LOCK, str(folder), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert (folder / ".lock").read_text() == f"{socket.gethostname()} pid {holder.pid}\n"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        holder.stdout.close()
    notices: list[str] = []
    add_fact(folder, fact(id="after-the-kill", subject="Korean War"), wait=0, notice=notices.append)
    assert ReferenceTable.load(folder).get("after-the-kill") is not None
    assert len(notices) == 1 and "took over" in notices[0] and f"process {holder.pid}, which no longer runs" in notices[0]
    assert not (folder / ".lock").exists()
    assert not [path.name for path in folder.iterdir() if path.name.startswith(".lock")]


def test_an_old_empty_lock_is_taken_over_and_a_new_one_is_not(folder: Path) -> None:
    lock = folder / ".lock"
    lock.write_text("")
    with pytest.raises(TableBusy, match="locked"):
        add_fact(folder, fact(id="too-soon", subject="Korean War"), wait=0.3)
    assert lock.exists()
    an_hour_ago = time.time() - 3600
    os.utime(lock, (an_hour_ago, an_hour_ago))
    notices: list[str] = []
    add_fact(folder, fact(id="later", subject="Korean War"), wait=0, notice=notices.append)
    assert len(notices) == 1 and "an empty lock file" in notices[0]
    assert not lock.exists()


def test_a_lock_of_another_host_or_a_live_process_is_never_taken_over(folder: Path) -> None:
    lock = folder / ".lock"
    for holder in ("otherhost pid 1", f"{socket.gethostname()} pid {os.getpid()}"):
        lock.write_text(holder + "\n")
        with pytest.raises(TableBusy, match=f"locked.*{holder}"):
            add_fact(folder, fact(id="refused", subject="Korean War"), wait=0.2)
        assert lock.read_text() == holder + "\n"


def test_a_writer_waits_for_the_lock_to_be_released(folder: Path) -> None:
    held = editing.TableLock(folder)
    held.__enter__()
    release = threading.Timer(0.5, held.__exit__, args=(None, None, None))
    release.start()
    try:
        add_fact(folder, fact(id="waited", subject="Korean War"), wait=10)
    finally:
        release.join()
    assert ReferenceTable.load(folder).get("waited") is not None


def test_concurrent_adds_all_land(folder: Path) -> None:
    writers = [_python(_ADD_ONE, str(folder), str(number), stderr=subprocess.PIPE, text=True) for number in range(1, 7)]
    errors = [writer.communicate(timeout=120)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0] * 6, errors
    table = ReferenceTable.load(folder)
    assert sorted(f.id for f in table if f.id.startswith("concurrent-")) == [f"concurrent-{n}" for n in range(1, 7)]
    assert not (folder / ".lock").exists()


def test_a_keyword_that_yaml_reads_as_a_key_in_a_flow_list_is_quoted(tmp_path: Path) -> None:
    # "[?Korean War]" is a list holding the mapping {"Korean War": null}: the keyword must be quoted.
    folder = tmp_path / "reference_data"
    shutil.copytree(SEEDED, folder)
    fact = ReferenceFact.model_validate({
        "id": "quoted-keyword-test", "subject": "Korean War", "property": "a test property", "kind": "date",
        "value": "1951-07-10", "keywords": ["?Korean War"], "references": [{"stated_in": "a test"}],
    })
    add_fact(folder, fact)
    table = ReferenceTable.load(folder)
    assert table.get("quoted-keyword-test").keywords == ["?Korean War"]
