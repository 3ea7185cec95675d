"""`figcheck facts suggest`: events a corpus dates by consensus that the reference table does not
date yet, each with the one `figcheck facts add` command that would accept it."""

from __future__ import annotations

import json
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from checkers import article_of
from checkers.base import CheckContext, date_bounds
from checkers.consensus import CorpusConsensus, EventConsensus, entries
from checkers.cross_source import Source
from figcheck.cli.app import fail, warn
from figcheck.cli.facts import ReferenceFolder, _load, facts_app
from figcheck.corpus import DocumentError, iter_corpus
from figcheck.extraction import extract_claims
from figcheck.linking.consensus import EVENT_NOUNS
from figcheck.linking.words import words
from figcheck.records import Document, LoadProblem
from figcheck.reference import DEFAULT_FOLDER

_PROGRESS_EVERY = 1000
_NOT_ID = re.compile(r"[^a-z0-9]+")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """A fact the corpus agrees on and the table lacks, ready to be added."""

    event: str
    subject: str
    property: str
    keyword: str | None
    year: int
    agreeing: int
    sources: int
    years: list[tuple[int, int]]
    quotes: list[tuple[str, str]]  # (article id, quote)
    publishers: list[str]

    @property
    def fact_id(self) -> str:
        return _NOT_ID.sub("-", f"{self.subject} {self.property}".casefold()).strip("-")

    def command(self, reference: Path) -> list[str]:
        ids = ", ".join(doc for doc, _ in self.quotes)
        stated_in = (f"{' and '.join(self.publishers) or 'Corpus'} articles {ids} "
                     f"({self.agreeing} of {self.sources} independent sources give {self.year})")
        line = ["figcheck", "facts", "add"]
        if reference != DEFAULT_FOLDER:
            line += ["--reference", str(reference)]
        line += ["--id", self.fact_id, "--subject", self.subject, "--property", self.property,
                 "--kind", "date", "--value", str(self.year)]
        if self.keyword:
            line += ["--keyword", self.keyword]
        line += ["--rank", "normal", "--source-stated-in", stated_in, "--source-quote", self.quotes[0][1],
                 "--notes", f"dated by the agreement of {self.agreeing} of {self.sources} independent sources "
                            f"in a corpus (years given: {', '.join(f'{y} ({n})' for y, n in self.years)})"]
        return line

    def as_json(self, reference: Path) -> dict:
        return {
            "event": self.event, "subject": self.subject, "property": self.property, "value": str(self.year),
            "sources": self.agreeing, "all_sources": self.sources,
            "years": [{"year": y, "sources": n} for y, n in self.years],
            "quotes": [{"doc_id": doc, "quote": text} for doc, text in self.quotes],
            "command": shlex.join(self.command(reference)),
        }


def candidate(event: EventConsensus) -> Candidate | None:
    agreed = event.consensus
    if agreed is None or event.fact_ids:
        return None
    quotes = event.quotes()
    if not quotes:
        return None
    subject, prop, keyword = subject_and_property(event.phrase)
    publishers = sorted({m.witness.publisher for m in event.members
                         if m.witness.publisher and m.witness.doc_id in {doc for doc, _ in quotes}})
    return Candidate(event.phrase, subject, prop, keyword, agreed.year, agreed.agreeing, agreed.sources,
                     list(agreed.years), quotes, publishers)


def subject_and_property(phrase: str) -> tuple[str, str, str | None]:
    """ "the founding of the Workers' Party of Korea" → ("Workers' Party of Korea", "founding",
    "founding"); "Korea's liberation" → ("Korea", "liberation", "liberation"); a name alone ("the
    Korean Children's Union") → (the name, "founding", None): its anniversaries count from it."""
    tokens = phrase.split()
    noun_at = next((i for i, token in enumerate(tokens) if words(token)[:1] and words(token)[0] in EVENT_NOUNS), None)
    if noun_at is None:
        return _LEADING_ARTICLE.sub("", phrase), "founding", None
    noun = words(tokens[noun_at])[0]
    before, after = tokens[:noun_at], tokens[noun_at + 1 :]
    if before and before[-1].endswith(("'s", "’s")):
        owner = " ".join(before[:-1] + [before[-1][:-2]])
        return _LEADING_ARTICLE.sub("", owner), " ".join(tokens[noun_at:]), noun
    if after and after[0].casefold() in ("of", "in") and len(after) > 1:
        described = _LEADING_ARTICLE.sub("", " ".join(tokens[: noun_at + 1]))
        return _LEADING_ARTICLE.sub("", " ".join(after[1:])), described, noun
    return _LEADING_ARTICLE.sub("", phrase), noun, noun


def not_in_table(found: list[Candidate], table) -> list[Candidate]:
    """The candidates the table does not date already under the same name (its subject or an
    alias) in the same year, one per subject and year (the best backed), best backed first.
    The entries of a dated event carry the fact; this catches the anniversary of a name ("the
    63rd anniversary of the DPRK") that the table's fact on the founding does not match."""
    dated: set[tuple[tuple[str, ...], int]] = set()
    for fact in table:
        if fact.kind not in ("date", "date_range"):
            continue
        bounds = date_bounds(str(fact.value.start) if fact.kind == "date_range" else str(fact.value))
        if bounds is not None:
            dated.update((words(name), bounds[0].year) for name in fact.names())
    best: dict[tuple[tuple[str, ...], int], Candidate] = {}
    for item in found:
        key = (words(item.subject), item.year)
        if key in dated:
            continue
        if key not in best or (item.agreeing, -len(item.event)) > (best[key].agreeing, -len(best[key].event)):
            best[key] = item
    return sorted(best.values(), key=lambda c: (-c.agreeing, c.event))


def _documents(corpus: Path) -> Iterator[Document | LoadProblem]:
    """A corpus folder's articles, or a ``.jsonl[.gz]`` file's, one bad article reported and
    skipped."""
    try:
        yield from iter_corpus(corpus)
    except DocumentError as error:
        yield LoadProblem(path=str(error.path), message=str(error))


def suggest(
    corpus: Annotated[Path, typer.Option(help="A corpus folder, or a .jsonl / .jsonl.gz file of articles.")],
    reference: ReferenceFolder = DEFAULT_FOLDER,
    min_sources: Annotated[
        int, typer.Option("--min-sources", min=2, help="Independent sources that must agree on the year.")
    ] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line instead of text.")] = False,
) -> None:
    """List the facts a corpus dates by consensus that the table lacks, each with its `facts add` command."""
    if not corpus.exists():
        fail(f"{corpus}: no such corpus folder or file")
    table = _load(reference)
    collected = CorpusConsensus(min_sources=min_sources)
    context = CheckContext(reference=table)
    read = problems = 0
    for item in _documents(corpus):
        if isinstance(item, LoadProblem):
            problems += 1
            warn(item.message)
            continue
        article = article_of(item, extract_claims(item), table)
        context.article = article
        collected.add_entries(Source(article.doc_id, article.fingerprint, article.publisher, article.title),
                              entries(article, context))
        context.forget()
        read += 1
        if read % _PROGRESS_EVERY == 0:
            print(f"figcheck: read {read} articles", file=sys.stderr, flush=True)
    found = [c for c in (candidate(event) for event in collected.dated_events()) if c is not None]
    found = not_in_table(found, table)
    print(f"figcheck: {read} articles read ({problems} unreadable); {len(found)} candidate facts", file=sys.stderr)
    for item in found:
        if as_json:
            typer.echo(json.dumps(item.as_json(reference), ensure_ascii=False))
            continue
        spread = ", ".join(f"{y} ({n})" for y, n in item.years)
        lines = [f"{item.event}: {item.year}, {item.agreeing} of {item.sources} independent sources (years given: {spread})"]
        lines += [f"  {doc}: “{text}”" for doc, text in item.quotes]
        lines.append("  " + shlex.join(item.command(reference)))
        typer.echo("\n".join(lines) + "\n")


facts_app.command("suggest")(suggest)
