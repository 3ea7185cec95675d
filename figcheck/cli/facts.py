"""`figcheck facts`: list, show, check and add the curated reference facts (reference_data/*.yaml)."""

from __future__ import annotations

import difflib
import getpass
import re
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
from figcheck.reference.editing import unwritable_fields
from figcheck.reference.values import unwritable_character

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
    rank: Annotated[
        str | None, typer.Option(help=f"One of {', '.join(RANKS)} (default: normal).", show_default=False)
    ] = None,
    source_stated_in: Annotated[
        str | None, typer.Option("--source-stated-in", help="Where it is stated: publication and title.")
    ] = None,
    source_url: Annotated[str | None, typer.Option("--source-url", help="Address of the source.")] = None,
    source_quote: Annotated[str | None, typer.Option("--source-quote", help="A short quote stating the fact.")] = None,
    retrieved: Annotated[
        str | None, typer.Option(help="When the source was read (YYYY-MM-DD; at a terminal the default is today).")
    ] = None,
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
    optional: dict[str, Any] = {
        "url": source_url,
        "quote": source_quote,
        "retrieved": retrieved,
        "rank": rank,
        "aliases": alias or None,
        "keywords": keyword or None,
    }
    if missing:
        if not stdin_is_terminal():
            flags = ", ".join(_FLAGS[name] for name in missing)
            fail(f"missing or blank: {flags} (standard input is not a terminal, so they cannot be asked for)")
        # Everything a fact needs is asked for, each question again until its answer is
        # valid, so one mistyped answer never costs the others.
        taken = {known.id for known in _load(reference)}
        answers = {**given, **optional}
        for name in [*missing, *(name for name, entered in optional.items() if entered is None)]:
            answers[name] = _ask(name, answers, taken)
        given = {name: answers[name] for name in given}
        optional = {name: answers[name] for name in optional}
    source = {
        "stated_in": given["stated_in"],
        "url": optional["url"],
        "retrieved": optional["retrieved"],
        "quote": optional["quote"],
    }
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
        "aliases": list(optional["aliases"] or []),
        "keywords": list(optional["keywords"] or []),
        "rank": optional["rank"] or "normal",
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
    unwritable = unwritable_fields(fact)
    if unwritable:
        reasons = "\n".join(f"  {_flag_of(_loc(field))}: {reason}" for field, reason in unwritable)
        fail(f"the fact is not valid; nothing was written:\n{reasons}")
    try:
        path = add_fact(reference, fact, file_name=file, keep_both=keep_both)
    except FactRejected as error:
        fail(f"{error}; nothing was written")
    except (TableBusy, TableWriteFailed) as error:
        fail(str(error), code=1)
    typer.echo(f"added {fact.id} to {_relative(path)}")


# The questions `facts add` asks at a terminal, in the order asked.
_QUESTIONS: Mapping[str, str] = {
    "id": "Id (e.g. korean-war-armistice-signed)",
    "subject": "Subject (as a proper name, e.g. Korean War)",
    "property": "Property (e.g. armistice signed)",
    "kind": f"Kind ({', '.join(FACT_KINDS)})",
    "value": "Value",
    "stated_in": "Stated in (publication and title)",
    "url": "Source URL (blank if none)",
    "quote": "Quote from the source stating the fact (blank if none)",
    "retrieved": "Retrieved on (YYYY-MM-DD)",
    "rank": f"Rank ({', '.join(RANKS)})",
    "aliases": "Other names of the subject (comma-separated, blank for none)",
    "keywords": "Words claims use for this property (comma-separated, blank for none)",
}
_VALUE_FORMS: Mapping[str, str] = {
    "count": "Value (a number, e.g. 661736)",
    "date": "Value (a date: 1950, 1950-06 or 1950-06-25)",
    "date_range": "Value (START/END, e.g. 1950-06-25/1953-07-27)",
    "duration": "Value (ISO 8601, e.g. P3Y or P1Y6M)",
}
_DEFAULTS: Mapping[str, Any] = {"rank": "normal"}
_LISTS = ("aliases", "keywords")


def _ask(name: str, answers: Mapping[str, Any], taken: set[str]) -> Any:
    """Asks for one field until the answer is valid; a blank answer to an optional
    question means none."""
    question = _VALUE_FORMS.get(answers.get("kind") or "", _QUESTIONS[name]) if name == "value" else _QUESTIONS[name]
    default = date.today().isoformat() if name == "retrieved" else _DEFAULTS.get(name, "")
    while True:
        answer = typer.prompt(question, default=default, show_default=bool(default)).strip()
        parsed: Any = [part.strip() for part in answer.split(",") if part.strip()] if name in _LISTS else answer
        problem = _answer_problem(name, parsed, answers, taken)
        if problem is None:
            if name not in _REQUIRED and not parsed:
                return None
            return parsed
        typer.echo(f"  {problem}; try again")


_REQUIRED = ("id", "subject", "property", "kind", "value", "stated_in")


def _answer_problem(name: str, answer: Any, answers: Mapping[str, Any], taken: set[str]) -> str | None:
    """Why an answer to one question cannot be used, or None."""
    if name in _REQUIRED and not answer:
        return "this one is needed"
    for text in answer if isinstance(answer, list) else [answer]:
        character = unwritable_character(text)
        if character:
            return f"it contains {character}"
    if name == "id" and answer in taken:
        return f"a fact with id {answer!r} already exists"
    if name == "kind" and answer not in FACT_KINDS:
        return f"the kind must be one of {', '.join(FACT_KINDS)}"
    if name == "rank" and answer not in RANKS:
        return f"the rank must be one of {', '.join(RANKS)}"
    if name == "url" and answer and not answer.startswith(("https://", "http://")):
        return "the URL must start with https:// or http://"
    if name == "retrieved":
        try:
            date.fromisoformat(answer)
        except ValueError:
            return f"{answer!r} is not a date written YYYY-MM-DD"
    trial: dict[str, Any] = {
        "id": "a",
        "subject": "Subject",
        "property": "property",
        "kind": answers.get("kind") or "count",
        "value": answers.get("value") or 1,
        "references": [{"stated_in": "a source"}],
    }
    if name in ("id", "subject", "property", "kind", "value", "aliases", "keywords"):
        trial[name] = answer
        if name == "kind":
            trial.pop("value")
    if name == "aliases" and not any(
        character.isupper() for phrase in [answers.get("subject") or "", *answer] for character in phrase
    ):
        return (
            "no name of the subject is capitalised, so no claim would ever be matched to this fact: "
            "give a capitalised alias (a proper name)"
        )
    try:
        ReferenceFact.model_validate(trial)
    except ValidationError as error:
        details = [detail for detail in error.errors() if detail["loc"] and detail["loc"][0] == name]
        if details:
            return _reason(details[0])
    return None


def _login_name() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _loc(field: str) -> tuple[Any, ...]:
    # "references[0].quote" -> ("references", 0, "quote")
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"[.\[\]]+", field) if part)


def _flag_of(loc: tuple[Any, ...]) -> str:
    names = [part for part in loc if isinstance(part, str)]
    return _FLAGS.get(names[-1] if names else "", names[0] if names else "the fact")


def _reason(detail: Mapping[str, Any]) -> str:
    if detail.get("type") == "missing":
        return "is required"
    return str(detail.get("msg", "is not valid")).removeprefix("Value error, ")


from figcheck.cli import suggest  # noqa: E402,F401  (registers `facts suggest`)
