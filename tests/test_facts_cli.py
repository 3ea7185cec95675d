"""`figcheck facts`: list, show, check and add, run through Typer's test runner on a copy of the table."""

from __future__ import annotations

import os
from datetime import date
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import figcheck.cli.facts as facts_cli
import figcheck.reference.editing as editing
from figcheck.cli import app
from figcheck.reference import ReferenceTable

SEEDED = Path(__file__).resolve().parents[1] / "reference_data"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "reference_data"
    shutil.copytree(SEEDED, copy)
    return copy


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in the folder, hidden ones too: a leftover temp or lock file shows up."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def facts(runner: CliRunner, folder: Path, *arguments: str, **options: object):
    return runner.invoke(app, ["facts", *arguments, "--reference", str(folder)], **options)


GOOD = [
    "--id", "un-command-established",
    "--subject", "Korean War",
    "--property", "United Nations Command established",
    "--kind", "date",
    "--value", "1950-07-24",
    "--source-stated-in", "A history of the war",
    "--source-url", "https://example.org/unc",
    "--source-quote", "The command was set up on 24 July 1950",
    "--retrieved", "2026-01-02",
    "--keyword", "United Nations Command",
    "--keyword", "established",
    "--alias", "UNC",
    "--added-by", "tester",
]  # fmt: skip


def without(arguments: list[str], flag: str) -> list[str]:
    position = arguments.index(flag)
    return arguments[:position] + arguments[position + 2 :]


def replaced(arguments: list[str], flag: str, value: str) -> list[str]:
    position = arguments.index(flag)
    return [*arguments[: position + 1], value, *arguments[position + 2 :]]


# --- check ---------------------------------------------------------------------------------


def test_check_passes_on_the_seeded_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["facts", "check", "--reference", str(SEEDED)])
    assert result.exit_code == 0, result.output
    count = len(ReferenceTable.load(SEEDED))
    files = len(list(SEEDED.glob("*.yaml")))
    assert result.stdout.count("\n") == 1
    assert f"{count} facts in {files} files, all valid" in result.stdout


def test_check_lists_every_problem(runner: CliRunner, folder: Path) -> None:
    path = folder / "korean_war.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('value: "1953-07-27"', 'value: "27 July 1953"')
    text = text.replace("  value: 533\n", "  value: lots\n")
    path.write_text(text, encoding="utf-8")
    (folder / "extra.yaml").write_text(
        "- id: korean-war-started\n  subject: S\n  property: p\n  kind: count\n  value: 1\n"
        "  references:\n  - stated_in: x\n",
        encoding="utf-8",
    )
    result = facts(runner, folder, "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert any("korean_war.yaml" in line and "'korean-war-armistice-signed'" in line and "'value'" in line for line in lines)
    assert any("korean_war.yaml" in line and "'dprk-heroes-of-the-war'" in line and "'value'" in line for line in lines)
    assert any("extra.yaml" in line and "'korean-war-started'" in line and "duplicate id" in line for line in lines)
    assert "3 problems" in result.stderr


# --- list and show -------------------------------------------------------------------------


def test_list_shows_every_fact(runner: CliRunner) -> None:
    result = runner.invoke(app, ["facts", "list", "--reference", str(SEEDED)])
    assert result.exit_code == 0, result.output
    table = ReferenceTable.load(SEEDED)
    for listed in table:
        assert listed.id in result.stdout
    assert f"{len(table)} of {len(table)} reference facts" in result.stdout
    assert "661,736" in result.stdout and "1953-07-27" in result.stdout


def test_list_filters_by_kind_and_subject(runner: CliRunner) -> None:
    counts = runner.invoke(app, ["facts", "list", "--kind", "count", "--reference", str(SEEDED)])
    assert counts.exit_code == 0
    assert "cpv-awarded-dprk-orders-and-medals" in counts.stdout
    assert "korean-war-armistice-signed" not in counts.stdout

    volunteers = runner.invoke(app, ["facts", "list", "--subject", "VOLUNTEER", "--reference", str(SEEDED)])
    assert volunteers.exit_code == 0
    assert "cpv-crossed-the-yalu" in volunteers.stdout
    assert "juche-calendar-year-one" not in volunteers.stdout

    wrong = runner.invoke(app, ["facts", "list", "--kind", "weight", "--reference", str(SEEDED)])
    assert wrong.exit_code == 2
    assert "--kind must be one of" in wrong.stderr


def test_show_gives_the_fact_and_its_sources(runner: CliRunner) -> None:
    result = runner.invoke(app, ["facts", "show", "korean-war-armistice-signed", "--reference", str(SEEDED)])
    assert result.exit_code == 0, result.output
    output = result.stdout
    assert output.splitlines()[0].startswith("korean-war-armistice-signed")
    assert "korean_war.yaml:" in output.splitlines()[0]
    for expected in (
        "subject:   Korean War",
        "value:     1953-07-27",
        "rank:      preferred",
        "https://en.wikipedia.org/wiki/Korean_Armistice_Agreement",
        "retrieved 2026-11-21",
        "The armistice was signed on 27 July 1953",
    ):
        assert expected in output


def test_show_unknown_id_suggests_close_ones(runner: CliRunner) -> None:
    result = runner.invoke(app, ["facts", "show", "korean-war-armistice", "--reference", str(SEEDED)])
    assert result.exit_code == 2
    assert "no fact with id 'korean-war-armistice'" in result.stderr
    assert "korean-war-armistice-signed" in result.stderr


def test_list_on_a_broken_table_reports_the_problems(runner: CliRunner, folder: Path) -> None:
    (folder / "broken.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    result = facts(runner, folder, "list")
    assert result.exit_code == 1
    assert "broken.yaml" in result.stderr and "not valid YAML" in result.stderr


# --- add -----------------------------------------------------------------------------------


def test_add_appends_and_keeps_comments_and_order(runner: CliRunner, folder: Path) -> None:
    before = snapshot(folder)
    result = facts(runner, folder, "add", *GOOD)
    assert result.exit_code == 0, result.output
    assert "added un-command-established to" in result.stdout and "korean_war.yaml" in result.stdout
    after = snapshot(folder)
    assert set(after) == set(before)
    old, new = before["korean_war.yaml"].decode(), after["korean_war.yaml"].decode()
    assert new.startswith(old)
    appended = new[len(old) :]
    assert appended.startswith("\n- id: un-command-established\n  subject: Korean War\n")
    assert '  value: "1950-07-24"\n' in appended
    assert "  aliases: [UNC]\n  keywords: [United Nations Command, established]\n" in appended
    assert "  added_by: tester\n" in appended
    for name in before:
        if name != "korean_war.yaml":
            assert after[name] == before[name]
    added = ReferenceTable.load(folder).get("un-command-established")
    assert added.references[0].quote == "The command was set up on 24 July 1950"
    assert added.rank == "normal"


def test_add_to_a_named_file(runner: CliRunner, folder: Path) -> None:
    result = facts(runner, folder, "add", *GOOD, "--file", "un_command")
    assert result.exit_code == 0, result.output
    assert (folder / "un_command.yaml").exists()
    assert ReferenceTable.load(folder).location("un-command-established").path.name == "un_command.yaml"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (without(GOOD, "--source-stated-in"), "--source-stated-in"),
        (replaced(GOOD, "--kind", "weight"), "--kind"),
        (replaced(GOOD, "--value", "July 1950"), "--value: not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
        (replaced(replaced(GOOD, "--kind", "count"), "--value", "many"), "--value: a count must be a number"),
        (replaced(GOOD, "--retrieved", "yesterday"), "--retrieved"),
        (replaced(GOOD, "--id", "Not An Id"), "--id"),
        (replaced(GOOD, "--id", "korean-war-started"), "already exists"),
        (
            replaced(replaced(GOOD, "--property", "armistice signed"), "--value", "1953-07-28"),
            "contradicts preferred fact 'korean-war-armistice-signed'",
        ),
        (
            [
                *replaced(replaced(GOOD, "--property", "armistice signed"), "--value", "1953-07-28"),
                *("--keep-both", "--rank", "preferred"),
            ],
            "cannot also be preferred",
        ),
        ([*GOOD, "--file", "../elsewhere.yaml"], "not a path"),
    ],
)
def test_bad_add_changes_nothing(runner: CliRunner, folder: Path, arguments: list[str], message: str) -> None:
    before = snapshot(folder)
    result = facts(runner, folder, "add", *arguments)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.startswith("figcheck: error: ")
    assert snapshot(folder) == before


def test_keep_both_adds_a_contradicting_fact_below_the_preferred_one(runner: CliRunner, folder: Path) -> None:
    arguments = replaced(replaced(GOOD, "--property", "armistice signed"), "--value", "1953-07-28")
    result = facts(runner, folder, "add", *arguments, "--keep-both", "--rank", "deprecated")
    assert result.exit_code == 0, result.output
    table = ReferenceTable.load(folder)
    assert table.get("un-command-established").rank == "deprecated"
    assert table.get("korean-war-armistice-signed").rank == "preferred"


def test_missing_fields_without_a_terminal_are_named(runner: CliRunner, folder: Path) -> None:
    before = snapshot(folder)
    result = facts(runner, folder, "add", "--subject", "Korean War")
    assert result.exit_code == 2
    for flag in ("--id", "--property", "--kind", "--value", "--source-stated-in"):
        assert flag in result.stderr
    assert "--subject" not in result.stderr.split("(")[0]
    assert "not a terminal" in result.stderr
    assert snapshot(folder) == before


def test_interactive_add_asks_for_everything_a_fact_needs(
    runner: CliRunner, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facts_cli, "stdin_is_terminal", lambda: True)
    answers = [
        "war-length-stated",  # id
        "Test war",  # subject
        "length",  # property
        "duration",  # kind
        "P2Y",  # value
        "A history",  # stated in
        "https://example.org/history",  # source URL
        "The war lasted two years",  # quote
        "2026-01-02",  # retrieved
        "preferred",  # rank
        "the war, fighting",  # aliases
        "",  # keywords: none
    ]
    result = facts(runner, folder, "add", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    for question in ("Source URL", "Quote from the source", "Retrieved on", "Rank"):
        assert question in result.output
    added = ReferenceTable.load(folder).get("war-length-stated")
    assert (added.kind, added.value, added.aliases, added.keywords, added.rank) == (
        "duration", "P2Y", ["the war", "fighting"], [], "preferred"
    )
    source = added.references[0]
    assert (source.stated_in, source.url, source.quote, source.retrieved.isoformat()) == (
        "A history", "https://example.org/history", "The war lasted two years", "2026-01-02"
    )
    assert (folder / "test_war.yaml").exists()


def test_a_bad_answer_is_asked_again_and_keeps_the_others(
    runner: CliRunner, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facts_cli, "stdin_is_terminal", lambda: True)
    answers = [
        "korean-war-armistice-signed",  # id: taken, asked again
        "Not An Id",  # refused again
        "truce-talks-began",
        "truce talks",  # subject in lower case: fine until the aliases
        "began",  # property
        "weeks",  # kind: refused
        "date",
        "1951-02-30",  # value: no such day
        "July 1951",  # not a date of the form asked
        "1951-07-10",
        "A history",  # stated in
        "example.org/truce",  # URL without a scheme: refused
        "https://example.org/truce",
        "",  # quote: none
        "10 July 1951",  # retrieved: refused
        "",  # retrieved: today
        "top",  # rank: refused
        "",  # rank: normal
        "the talks",  # aliases: still no capitalised name, asked again
        "Kaesong talks, the talks",
        "began, opened",  # keywords
    ]
    result = facts(runner, folder, "add", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    for complaint in (
        "a fact with id 'korean-war-armistice-signed' already exists; try again",
        "is not a fact id",
        "the kind must be one of",
        "no such day",
        "must start with https://",
        "is not a date written YYYY-MM-DD",
        "the rank must be one of",
        "no name of the subject is capitalised",
    ):
        assert complaint in result.output
    added = ReferenceTable.load(folder).get("truce-talks-began")
    assert (added.subject, added.kind, added.value, added.rank) == ("truce talks", "date", "1951-07-10", "normal")
    assert (added.aliases, added.keywords) == (["Kaesong talks", "the talks"], ["began", "opened"])
    source = added.references[0]
    assert (source.url, source.quote, source.retrieved) == ("https://example.org/truce", None, date.today())


@pytest.mark.parametrize(
    ("flag", "value", "complaint"),
    [
        ("--subject", "Korean War\n- id: smuggled", "--subject: contains a line break (U+000A)"),
        ("--source-quote", "a\x1bquote", "--source-quote: contains a control character (U+001B)"),
        ("--alias", "UN\u2028C", "--alias: contains a line break (U+2028)"),
    ],
)
def test_a_control_character_in_a_flag_is_named(
    runner: CliRunner, folder: Path, flag: str, value: str, complaint: str
) -> None:
    before = snapshot(folder)
    result = facts(runner, folder, "add", *replaced(GOOD, flag, value))
    assert result.exit_code == 2
    assert complaint in result.stderr and "nothing was written" in result.stderr
    assert snapshot(folder) == before


def test_a_fact_no_claim_could_match_is_refused_with_the_reason(runner: CliRunner, folder: Path) -> None:
    before = snapshot(folder)
    arguments = replaced(without(GOOD, "--alias"), "--subject", "the united nations command")
    result = facts(runner, folder, "add", *arguments)
    assert result.exit_code == 2
    assert "no name of the subject is capitalised" in result.stderr
    assert snapshot(folder) == before


def test_locked_table_is_refused(runner: CliRunner, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(editing, "LOCK_WAIT_SECONDS", 0.2)
    (folder / ".lock").write_text("otherhost pid 42\n", encoding="utf-8")
    before = snapshot(folder)
    result = facts(runner, folder, "add", *GOOD)
    assert result.exit_code == 1
    assert "locked" in result.stderr and "otherhost pid 42" in result.stderr
    assert snapshot(folder) == before


def test_unwritable_file_is_left_as_it_was(runner: CliRunner, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = folder / "korean_war.yaml"
    path.chmod(0o444)
    before = snapshot(folder)

    # Tests run as root, whom chmod does not stop: refuse the rename as the kernel would.
    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = facts(runner, folder, "add", *GOOD)
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "korean_war.yaml" in result.stderr
    assert "Permission denied" in result.stderr
    assert snapshot(folder) == before
    assert path.stat().st_mode & 0o777 == 0o444


def test_unwritable_folder_is_left_as_it_was(runner: CliRunner, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    before = snapshot(folder)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = facts(runner, folder, "add", *GOOD)
    assert result.exit_code == 1
    assert "Permission denied" in result.stderr
    assert snapshot(folder) == before


def test_a_lock_of_a_dead_writer_is_taken_over_and_said_so(runner: CliRunner, folder: Path) -> None:
    import socket
    import subprocess
    import sys

    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(finished.stdout)
    (folder / ".lock").write_text(f"{socket.gethostname()} pid {dead}\n", encoding="utf-8")
    result = facts(runner, folder, "add", *GOOD)
    assert result.exit_code == 0, result.output
    assert f"took over the reference table's lock {folder / '.lock'}: left by process {dead}" in result.stderr
    assert not (folder / ".lock").exists()
    assert ReferenceTable.load(folder).get("un-command-established") is not None
