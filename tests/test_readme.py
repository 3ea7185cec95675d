"""Every `figcheck ...` command in the README's examples works as written on a fresh clone.

The commands of the README's shell blocks run in order, through the CLI in-process, in a
temporary folder holding a copy of the project's `corpus/` and `reference_data/` (so an
example that adds a fact meets the table a fresh clone has). Commands that need the network
or a long-running server (`fetch`, `serve`), and synopses with placeholders (`PATH`, `HOST`),
are checked for parsing only: their subcommand's `--help` must know every option shown.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from figcheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# Subcommands that reach the network or run until stopped.
_PARSE_ONLY = {"fetch", "serve"}
# A placeholder stands for something the reader fills in: "PATH...", "HOST", "DIR".
_PLACEHOLDER = re.compile(r"\b[A-Z]{3,}\b")


def readme_commands(text: str) -> list[list[str]]:
    """The `figcheck` command lines of the README's shell blocks, in order, each split as
    the shell would (continuation lines joined, comments dropped), without `figcheck`."""
    commands: list[list[str]] = []
    for block in re.findall(r"^```(?:sh|bash|console|shell)\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL):
        joined = re.sub(r"\\\n", " ", block)
        for line in joined.splitlines():
            words = shlex.split(line.strip().removeprefix("$ "), comments=True)
            if words and words[0] == "figcheck":
                commands.append(words[1:])
    return commands


def _subcommand(words: list[str]) -> list[str]:
    """The subcommand path of a command line: ["facts", "add"] of "facts add --id ..."."""
    path: list[str] = []
    for word in words:
        if word.startswith("-"):
            break
        path.append(word)
        if word not in ("facts", "export", "runs"):
            break
    return path


def _parse_only(words: list[str]) -> bool:
    return bool(set(_subcommand(words)) & _PARSE_ONLY) or any(_PLACEHOLDER.fullmatch(word) for word in words)


def test_the_readme_has_commands_to_check() -> None:
    commands = readme_commands(README.read_text(encoding="utf-8"))
    assert ["facts", "check"] in commands
    assert any(command[:2] == ["facts", "add"] for command in commands)


def test_readme_commands_are_read_as_the_shell_reads_them() -> None:
    text = "```sh\nfigcheck facts add --id x \\\n  --subject \"Korean War\"  # a comment\nls\n```\n"
    assert readme_commands(text) == [["facts", "add", "--id", "x", "--subject", "Korean War"]]


@pytest.mark.prefect
@pytest.mark.usefixtures("prefect_harness")
def test_every_readme_command_works_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for folder in ("corpus", "reference_data"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("raw", ".*"))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    commands = readme_commands(README.read_text(encoding="utf-8"))
    for words in commands:
        shown = " ".join(["figcheck", *words])
        if _parse_only(words):
            result = runner.invoke(app, [*_subcommand(words), "--help"])
            assert result.exit_code == 0, f"{shown}: --help failed\n{result.output}"
            for option in (word.split("=")[0] for word in words if word.startswith("--")):
                assert option in result.output, f"{shown}: {option} is not an option of the command"
            continue
        result = runner.invoke(app, words)
        assert result.exit_code == 0, f"{shown}\nexit {result.exit_code}\n{result.output}"
