"""`figcheck extract`: print the claims of articles as JSON lines."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Iterator

import typer
from pydantic import ValidationError

from figcheck.cli.app import app, fail, warn
from figcheck.corpus import DocumentError, document_from_text, iter_corpus, load_document
from figcheck.extraction import extract_claims
from figcheck.records import Document, DocumentMeta, LoadProblem


def _parse_published(value: str | None) -> date | datetime | None:
    if value is None:
        return None
    try:
        return DocumentMeta(published=value).published
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise typer.BadParameter(reason, param_hint="--published") from None


@app.command()
def extract(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Article files (.txt; metadata from a .meta.yaml beside each), corpus folders, or - for standard input.",
            show_default=False,
        ),
    ],
    published: Annotated[
        str | None,
        typer.Option(
            help="Publication date (ISO, e.g. 2021-10-26) used to resolve 'on Monday', 'last week', "
            "'the 71st anniversary'; overrides the metadata.",
        ),
    ] = None,
) -> None:
    """Extract every quantitative claim (counts, dates, date ranges, durations, anniversaries).

    Prints one claim per line as JSON, with its exact character offsets into the article file.
    A folder is read as a corpus: a broken article is reported on stderr and the others go on.
    Exit code 2 when an input cannot be read at all.
    """
    when = _parse_published(published)
    failed = False
    out = sys.stdout
    for item in _documents(paths, when):
        if isinstance(item, LoadProblem):
            warn(f"{item.path}: {item.message}")
            failed = True
            continue
        for claim in extract_claims(item):
            out.write(claim.model_dump_json())
            out.write("\n")
    out.flush()
    if failed:
        raise typer.Exit(2)


def _documents(paths: list[str], published: date | datetime | None) -> Iterator[Document | LoadProblem]:
    for raw in paths:
        if raw == "-":
            text = sys.stdin.read()
            if not text.strip():
                fail("standard input is empty")
            yield document_from_text(text, "stdin", DocumentMeta(published=published) if published else None)
            continue
        path = Path(raw)
        if not path.exists():
            fail(f"{raw}: no such file or folder")
        if path.is_dir():
            try:
                for item in iter_corpus(path):
                    if published is not None and isinstance(item, Document):
                        item.meta.published = published
                    yield item
            except DocumentError as exc:
                fail(str(exc))
            continue
        try:
            yield load_document(path, published=published)
        except DocumentError as exc:
            fail(str(exc))
