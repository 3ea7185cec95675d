"""The `figcheck` command: one Typer application that every sub-command registers on."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

app = typer.Typer(
    name="figcheck",
    help="Extract the figures in news articles and check them against each other and a reference table.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help texts are paragraphs: a single line break inside one is a space, as in Markdown.
    rich_markup_mode="markdown",
)


def fail(message: str, code: int = 2) -> NoReturn:
    """Stop with a one-line error on stderr (exit 2: bad input, as for usage errors)."""
    typer.echo(f"figcheck: error: {message}", err=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    typer.echo(f"figcheck: warning: {message}", err=True)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
