"""`figcheck extract`: print the claims of articles as JSON lines."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Iterator

import typer
from pydantic import ValidationError

from figcheck.cli.app import app, fail, warn
from figcheck.corpus import (
    DocumentError,
    corpus_form,
    decode_article,
    document_from_text,
    iter_corpus,
    load_document,
)
from figcheck.extraction import extract_claims
from figcheck.records import Document, DocumentMeta, LoadProblem, failure_message


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
            help="Article files (.txt; metadata from a .meta.yaml beside each), corpus folders, JSON-lines "
            "files (.jsonl or .jsonl.gz: one article a line, with id, text and metadata fields; offsets index "
            "into the line's text field), or - for standard input.",
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
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks", help="Read symbolic links in a corpus folder that lead outside it (refused by default)."
        ),
    ] = False,
) -> None:
    """Extract every quantitative claim (counts, dates, date ranges, durations, anniversaries).

    Prints one claim per line as JSON, with its exact character offsets into the article file.
    A folder or a JSON-lines file is read as a corpus: a broken article (or line) is reported on
    stderr and the others go on.
    Exit code 2 when an input cannot be read at all.
    """
    when = _parse_published(published)
    failed = False
    out = sys.stdout
    for item in _documents(paths, when, follow_symlinks=follow_symlinks):
        if isinstance(item, LoadProblem):
            warn(item.message)
            failed = True
            continue
        try:
            claims = extract_claims(item)
        except Exception as error:  # noqa: BLE001 - figcheck's own failure on one article: the others go on
            warn(failure_message(item.path or item.doc_id, error))
            failed = True
            continue
        for claim in claims:
            out.write(claim.model_dump_json())
            out.write("\n")
    out.flush()
    if failed:
        raise typer.Exit(2)


def _documents(
    paths: list[str], published: date | datetime | None, *, follow_symlinks: bool = False
) -> Iterator[Document | LoadProblem]:
    for raw in paths:
        if raw == "-":
            try:
                text = decode_article(sys.stdin.buffer.read(), "standard input")
            except DocumentError as exc:
                fail(str(exc))
            if not text.strip():
                fail("standard input is empty")
            yield document_from_text(text, "stdin", DocumentMeta(published=published) if published else None)
            continue
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            fail(f"{raw}: no such file or folder")
        if corpus_form(path) == "article":
            # A file named on its own is not a corpus: a file that cannot be read ends the run.
            try:
                yield load_document(path, published=published)
            except DocumentError as exc:
                fail(str(exc))
            continue
        try:
            for item in iter_corpus(path, follow_symlinks=follow_symlinks):
                if published is not None and isinstance(item, Document):
                    item.meta.published = published
                yield item
        except DocumentError as exc:
            fail(str(exc))
