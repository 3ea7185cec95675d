"""`figcheck facts suggest` on a small corpus written here: what it lists, and that the command it
prints is accepted by `figcheck facts add` and then dates the event."""

from __future__ import annotations

import gzip
import json
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from figcheck.cli import app
from figcheck.reference import ReferenceTable

SEEDED = Path(__file__).resolve().parents[1] / "reference_data"

# (file stem, publisher, published, text): four papers date the guild's founding to 1950, one
# to 1946; the armistice is in the table already; the observatory has only two sources.
ARTICLES = [
    ("star-1", "Daily Star", "2011-03-07",
     "Delegates met on Monday to mark the 61st anniversary of the founding of the Ruritanian Potters' Guild.\n\n"
     "Veterans met on Monday to mark the 58th anniversary of the Korean War armistice."),
    ("post-1", "Evening Post", "2011-03-08",
     "A reception was given on Tuesday for the 61st anniversary of the founding of the Ruritanian Potters' Guild.\n\n"
     "The Vell Observatory marked on Tuesday the 30th anniversary of the opening of the Vell Observatory."),
    ("herald-1", "Morning Herald", "2011-03-09",
     "Exhibitions opened on Wednesday on the 61st anniversary of the founding of the Ruritanian Potters' Guild.\n\n"
     "Veterans met on Wednesday to mark the 58th anniversary of the Korean War armistice."),
    ("lens-1", "Weekly Lens", "2011-03-10",
     "Potters in Vell gathered on Thursday for the 61st anniversary of the founding of the Ruritanian Potters' Guild.\n\n"
     "Astronomers gathered on Thursday for the 30th anniversary of the opening of the Vell Observatory."),
    ("voice-1", "Village Voice", "2011-03-11",
     "Veterans recalled on Friday the 65th anniversary of the founding of the Ruritanian Potters' Guild.\n\n"
     "Veterans met on Friday to mark the 58th anniversary of the Korean War armistice."),
]


def _write_folder(folder: Path) -> Path:
    folder.mkdir()
    for stem, publisher, published, text in ARTICLES:
        (folder / f"{stem}.txt").write_text(text + "\n", encoding="utf-8")
        (folder / f"{stem}.meta.yaml").write_text(
            f"title: {stem}\npublisher: {publisher}\npublished: {published}\n", encoding="utf-8")
    return folder


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    copy = tmp_path / "reference_data"
    shutil.copytree(SEEDED, copy)
    return copy


def _suggest(corpus: Path, reference: Path, *options: str):
    return CliRunner().invoke(app, ["facts", "suggest", "--corpus", str(corpus), "--reference", str(reference),
                                    *options])


def test_lists_the_consensus_fact_the_table_lacks_with_its_command(tmp_path: Path, reference: Path) -> None:
    result = _suggest(_write_folder(tmp_path / "corpus"), reference)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "the founding of the Ruritanian Potters' Guild: 1950, 4 of 5 independent sources" in out
    assert "armistice" not in out  # the table dates it
    assert "Observatory" not in out  # two sources are not a consensus
    quoted = [line.split(":")[0].strip() for line in out.splitlines() if line.startswith("  ") and "“" in line]
    assert len(quoted) == 2 and set(quoted) <= {"star-1", "post-1", "herald-1", "lens-1"}
    commands = [line.strip() for line in out.splitlines() if line.strip().startswith("figcheck facts add")]
    assert len(commands) == 1
    words = shlex.split(commands[0])
    assert words[words.index("--value") + 1] == "1950"
    assert words[words.index("--subject") + 1] == "Ruritanian Potters' Guild"
    assert "--source-url" not in words  # no address is invented
    stated_in = words[words.index("--source-stated-in") + 1]
    assert all(doc in stated_in for doc in quoted)


def test_the_printed_command_adds_the_fact_and_then_the_table_dates_the_event(tmp_path: Path, reference: Path) -> None:
    corpus = _write_folder(tmp_path / "corpus")
    listed = _suggest(corpus, reference, "--json")
    assert listed.exit_code == 0, listed.output
    [suggestion] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (suggestion["value"], suggestion["sources"], suggestion["all_sources"]) == ("1950", 4, 5)
    assert len(suggestion["quotes"]) == 2
    argv = shlex.split(suggestion["command"])
    assert argv[:3] == ["figcheck", "facts", "add"]
    added = CliRunner().invoke(app, argv[1:])
    assert added.exit_code == 0, added.output
    fact = ReferenceTable.load(reference).get(argv[argv.index("--id") + 1])
    assert fact is not None and str(fact.value) == "1950"
    again = _suggest(corpus, reference, "--json")
    assert again.exit_code == 0 and again.stdout.strip() == ""


def test_min_sources_and_a_jsonl_corpus_with_a_broken_line(tmp_path: Path, reference: Path) -> None:
    corpus = tmp_path / "articles.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as out:
        for stem, publisher, published, text in ARTICLES:
            out.write(json.dumps({"id": stem, "source": publisher, "published": published, "text": text}) + "\n")
        out.write("{not json\n")
    result = _suggest(corpus, reference, "--json", "--min-sources", "2")
    assert result.exit_code == 0, result.output
    events = {json.loads(line)["event"] for line in result.stdout.splitlines()}
    assert events == {"the founding of the Ruritanian Potters' Guild", "the opening of the Vell Observatory"}
    assert "line 6: not valid JSON" in result.stderr
    assert "5 articles read (1 unreadable)" in result.stderr


def test_a_missing_corpus_is_a_clear_error(tmp_path: Path, reference: Path) -> None:
    result = _suggest(tmp_path / "nowhere", reference)
    assert result.exit_code == 2
    assert "nowhere: no such corpus folder or file" in result.stderr


def test_an_event_the_table_dates_under_the_same_name_is_not_suggested(tmp_path: Path, reference: Path) -> None:
    # "The 63rd anniversary of the DPRK" names no founding, so it matches no fact of the table;
    # but the table dates the DPRK (an alias of its subject) to 1948 already.
    folder = tmp_path / "corpus"
    folder.mkdir()
    for number, (paper, day, weekday) in enumerate([("Daily Star", "2011-09-05", "Monday"),
                                                     ("Evening Post", "2011-09-06", "Tuesday"),
                                                     ("Morning Herald", "2011-09-07", "Wednesday")]):
        (folder / f"a{number}.txt").write_text(
            f"Delegates met on {weekday} to mark the 63rd anniversary of the DPRK.\n\n"
            f"Potters met on {weekday} to mark the 61st anniversary of the founding of the Ruritanian Potters' Guild.\n",
            encoding="utf-8")
        (folder / f"a{number}.meta.yaml").write_text(f"publisher: {paper}\npublished: {day}\n", encoding="utf-8")
    result = _suggest(folder, reference, "--json")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["subject"] for line in result.stdout.splitlines()] == ["Ruritanian Potters' Guild"]
