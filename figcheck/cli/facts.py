"""`figcheck facts`: list, show, check and add the curated reference facts (reference_data/*.yaml)."""

from __future__ import annotations

import difflib
import getpass
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from figcheck.cli.app import app, fail, stdout_is_terminal
from figcheck.reference import (
    DEFAULT_FOLDER,
    FACT_KINDS,
    RANKS,
    FactRejected,
    ReferenceFact,
    ReferenceTable,
    ReferenceTableError,
    TableBusy,
    TableWriteFailed,
    add_fact,
    check_folder,
    render_value,
    table_files,
)

facts_app = typer.Typer(
    name="facts",
    help="List, show, check and add the reference facts claims are checked against.",
    no_args_is_help=True,
)
app.add_typer(facts_app, name="facts")

ReferenceFolder = Annotated[
    Path,
    typer.Option("--reference", help="The folder of reference facts (one YAML file per topic).", file_okay=False),
]

# The option that sets each field, so an error names what the person typed.
_FLAGS: Mapping[str, str] = {
    "id": "--id",
    "subject": "--subject",
    "property": "--property",
    "kind": "--kind",
    "value": "--value",
    "low": "--low",
    "high": "--high",
    "tolerance": "--tolerance",
    "unit": "--unit",
    "as_of": "--as-of",
    "aliases": "--alias",
    "keywords": "--keyword",
    "rank": "--rank",
    "references": "--source-stated-in",
    "stated_in": "--source-stated-in",
    "url": "--source-url",
    "retrieved": "--retrieved",
    "quote": "--source-quote",
    "notes": "--notes",
    "added_by": "--added-by",
    "added_at": "--added-at",
}


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _load(folder: Path) -> ReferenceTable:
    try:
        return ReferenceTable.load(folder)
    except ReferenceTableError as error:
        _fail_with_problems(error)


def _fail_with_problems(error: ReferenceTableError) -> NoReturn:
    typer.echo(f"figcheck: error: {error}", err=True)
    typer.echo("figcheck: run `figcheck facts check` after fixing them", err=True)
    raise typer.Exit(1)


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@facts_app.command("list")
def list_facts(
    reference: ReferenceFolder = DEFAULT_FOLDER,
    subject: Annotated[
        str | None, typer.Option(help="Only facts whose subject or an alias contains this text (any case).")
    ] = None,
    kind: Annotated[str | None, typer.Option(help=f"Only facts of this kind: {', '.join(FACT_KINDS)}.")] = None,
) -> None:
    """List the reference facts as a table."""
    if kind is not None and kind not in FACT_KINDS:
        fail(f"--kind must be one of {', '.join(FACT_KINDS)}, not {kind!r}")
    table = _load(reference)
    wanted = subject.casefold() if subject else None
    rows = [
        fact
        for fact in table
        if (kind is None or fact.kind == kind)
        and (wanted is None or any(wanted in name.casefold() for name in fact.names()))
    ]
    listing = Table(title=f"{len(rows)} of {len(table)} reference facts in {reference}", title_justify="left")
    listing.add_column("id", no_wrap=True, style="bold")
    listing.add_column("subject")
    listing.add_column("property")
    listing.add_column("kind", no_wrap=True)
    listing.add_column("value", no_wrap=True)
    listing.add_column("rank", no_wrap=True)
    listing.add_column("file", no_wrap=True)
    for fact in rows:
        location = table.location(fact.id)
        listing.add_row(
            fact.id,
            fact.subject,
            fact.property,
            fact.kind,
            render_value(fact),
            fact.rank,
            f"{location.path.name}:{location.line}" if location else "",
        )
    # Piped output is read by scripts and people alike: no colour, and no clipped ids.
    console = Console(width=None if stdout_is_terminal() else 240, no_color=not stdout_is_terminal())
    console.print(listing, markup=False, highlight=False)


@facts_app.command("show")
def show_fact(
    fact_id: Annotated[str, typer.Argument(metavar="ID", help="The fact's id, e.g. korean-war-armistice-signed.")],
    reference: ReferenceFolder = DEFAULT_FOLDER,
) -> None:
    """Show one fact with its sources."""
    table = _load(reference)
    fact = table.get(fact_id)
    if fact is None:
        close = difflib.get_close_matches(fact_id, [known.id for known in table], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `figcheck facts list` shows every id"
        fail(f"no fact with id {fact_id!r} in {reference}{hint}")
    location = table.location(fact.id)
    lines = [f"{fact.id}" + (f"  ({_relative(location.path)}:{location.line})" if location else "")]
    fields: list[tuple[str, Any]] = [
        ("subject", fact.subject),
        ("property", fact.property),
        ("kind", fact.kind),
        ("value", render_value(fact)),
        ("as of", fact.as_of),
        ("rank", fact.rank),
        ("aliases", ", ".join(fact.aliases) or None),
        ("keywords", ", ".join(fact.keywords) or None),
        ("notes", fact.notes),
        ("added", " by ".join(str(part) for part in (fact.added_at, fact.added_by) if part) or None),
    ]
    lines += [f"  {label + ':':<10} {value}" for label, value in fields if value is not None]
    lines.append("  sources:")
    for number, source in enumerate(fact.references, start=1):
        lines.append(f"    {number}. {source.stated_in}")
        if source.url:
            lines.append(f"       {source.url}")
        if source.retrieved:
            lines.append(f"       retrieved {source.retrieved.isoformat()}")
        if source.quote:
            lines.append(f"       “{source.quote}”")
    typer.echo("\n".join(lines))


@facts_app.command("check")
def check_facts(reference: ReferenceFolder = DEFAULT_FOLDER) -> None:
    """Validate every fact file; list every problem (exit 1) or print a one-line summary."""
    problems = check_folder(reference)
    if problems:
        for problem in problems:
            typer.echo(str(problem))
        count = len(problems)
        typer.echo(f"figcheck: {count} problem{'s' if count != 1 else ''} in {reference}", err=True)
        raise typer.Exit(1)
    table = _load(reference)
    files = len(table_files(reference))
    typer.echo(
        f"{reference}: {len(table)} facts in {files} file{'s' if files != 1 else ''}, "
        f"all valid (version {table.version})"
    )


@facts_app.command("add")
def add(
    reference: ReferenceFolder = DEFAULT_FOLDER,
    fact_id: Annotated[
        str | None, typer.Option("--id", help="Stable readable id, e.g. korean-war-armistice-signed.")
    ] = None,
    subject: Annotated[
        str | None, typer.Option(help="What the fact is about, e.g. \"Chinese People's Volunteers\".")
    ] = None,
    property_: Annotated[
        str | None, typer.Option("--property", help='Which property of it, e.g. "awarded DPRK orders and medals".')
    ] = None,
    kind: Annotated[str | None, typer.Option(help=f"One of {', '.join(FACT_KINDS)}.")] = None,
    value: Annotated[
        str | None,
        typer.Option(help="count: 661736; date: 1950, 1950-06 or 1950-06-25; date_range: START/END; duration: P3Y."),
    ] = None,
    low: Annotated[str | None, typer.Option(help="Lower bound of a count or duration.")] = None,
    high: Annotated[str | None, typer.Option(help="Upper bound of a count or duration.")] = None,
    tolerance: Annotated[float | None, typer.Option(help="How far a count may be off and still agree.")] = None,
    unit: Annotated[str | None, typer.Option(help='Unit of a measured count ("km", "percent").')] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The date the figure describes, e.g. 1950-07-01.")
    ] = None,
    alias: Annotated[list[str] | None, typer.Option(help="Another name of the subject (repeatable).")] = None,
    keyword: Annotated[
        list[str] | None, typer.Option(help="A word of the property that claims use (repeatable).")
    ] = None,
    rank: Annotated[str, typer.Option(help=f"One of {', '.join(RANKS)}.")] = "normal",
    source_stated_in: Annotated[
        str | None, typer.Option("--source-stated-in", help="Where it is stated: publication and title.")
    ] = None,
    source_url: Annotated[str | None, typer.Option("--source-url", help="Address of the source.")] = None,
    source_quote: Annotated[str | None, typer.Option("--source-quote", help="A short quote stating the fact.")] = None,
    retrieved: Annotated[str | None, typer.Option(help="When the source was read (YYYY-MM-DD).")] = None,
    notes: Annotated[str | None, typer.Option(help="Anything a checker or reader should know.")] = None,
    added_by: Annotated[str | None, typer.Option("--added-by", help="Who adds it (default: the login name).")] = None,
    file: Annotated[
        str | None,
        typer.Option(
            help="Topic file in the folder (default: the file with most facts on this subject, else a new one)."
        ),
    ] = None,
    keep_both: Annotated[
        bool,
        typer.Option(
            "--keep-both",
            help="Keep a fact that contradicts a preferred one on the same subject and property; "
            "the new fact must then be ranked normal or deprecated, and the preferred one stays preferred.",
        ),
    ] = False,
) -> None:
    """Add one fact to the reference table (asks for what is missing when run in a terminal)."""
    given: dict[str, Any] = {
        "id": fact_id,
        "subject": subject,
        "property": property_,
        "kind": kind,
        "value": value,
        "stated_in": source_stated_in,
    }
    missing = [name for name, entered in given.items() if entered is None or not str(entered).strip()]
    aliases, keywords = list(alias or []), list(keyword or [])
    if missing:
        if not stdin_is_terminal():
            flags = ", ".join(_FLAGS[name] for name in missing)
            fail(f"missing or blank: {flags} (standard input is not a terminal, so they cannot be asked for)")
        given.update(_ask(missing))
        if not aliases:
            aliases = _ask_list("Other names of the subject (comma-separated, blank for none)")
        if not keywords:
            keywords = _ask_list("Words claims use for this property (comma-separated, blank for none)")
    source = {"stated_in": given["stated_in"], "url": source_url, "retrieved": retrieved, "quote": source_quote}
    entered: dict[str, Any] = {
        "id": given["id"],
        "subject": given["subject"],
        "property": given["property"],
        "kind": given["kind"],
        "value": given["value"],
        "low": low,
        "high": high,
        "tolerance": tolerance,
        "unit": unit,
        "as_of": as_of,
        "aliases": aliases,
        "keywords": keywords,
        "rank": rank,
        "references": [{key: part for key, part in source.items() if part is not None}],
        "notes": notes,
        "added_by": added_by or _login_name(),
        "added_at": date.today(),
    }
    try:
        fact = ReferenceFact.model_validate({key: part for key, part in entered.items() if part is not None})
    except ValidationError as error:
        reasons = "\n".join(f"  {_flag_of(detail['loc'])}: {_reason(detail)}" for detail in error.errors())
        fail(f"the fact is not valid; nothing was written:\n{reasons}")
    try:
        path = add_fact(reference, fact, file_name=file, keep_both=keep_both)
    except FactRejected as error:
        fail(f"{error}; nothing was written")
    except (TableBusy, TableWriteFailed) as error:
        fail(str(error), code=1)
    typer.echo(f"added {fact.id} to {_relative(path)}")


def _ask(missing: list[str]) -> dict[str, str]:
    prompts = {
        "id": "Id (e.g. korean-war-armistice-signed)",
        "subject": "Subject",
        "property": "Property",
        "kind": f"Kind ({', '.join(FACT_KINDS)})",
        "value": "Value",
        "stated_in": "Stated in (publication and title)",
    }
    answers: dict[str, str] = {}
    for name in missing:
        answer = typer.prompt(prompts[name]).strip()
        while name == "kind" and answer not in FACT_KINDS:
            answer = typer.prompt(f"Kind must be one of {', '.join(FACT_KINDS)}").strip()
        answers[name] = answer
    return answers


def _ask_list(question: str) -> list[str]:
    answer = typer.prompt(question, default="", show_default=False)
    return [part.strip() for part in answer.split(",") if part.strip()]


def _login_name() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _flag_of(loc: tuple[Any, ...]) -> str:
    names = [part for part in loc if isinstance(part, str)]
    return _FLAGS.get(names[-1] if names else "", names[0] if names else "the fact")


def _reason(detail: Mapping[str, Any]) -> str:
    if detail.get("type") == "missing":
        return "is required"
    return str(detail.get("msg", "is not valid")).removeprefix("Value error, ")


from figcheck.cli import suggest  # noqa: E402,F401  (registers `facts suggest`)
