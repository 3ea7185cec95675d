"""Taking an article's main text and metadata out of its HTML page (with trafilatura)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import trafilatura

_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*", re.IGNORECASE)
_BLANK_RUNS = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class ArticleText:
    """The main text of a page (title line, blank line, paragraphs separated by blank lines)."""

    text: str
    title: str | None
    author: str | None
    sitename: str | None
    published: date | None
    canonical_url: str | None
    language: str | None


def extract_article(html: str, url: str) -> ArticleText | None:
    """The article in ``html`` without menus, footers and comments; None if there is none."""
    # extensive_search off: a date is taken from the page's metadata (and URL), never
    # guessed from some number in the body, which would then be checked against itself.
    result = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if result is None or not (result.text or "").strip():
        return None
    title = _clean(result.title)
    paragraphs = [line.strip() for line in _BLANK_RUNS.sub("\n", result.text).split("\n") if line.strip()]
    if title and paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return None
    text = "\n\n".join(([title] if title else []) + paragraphs) + "\n"
    language = _HTML_LANG.search(html[:4096])
    return ArticleText(
        text=text,
        title=title,
        author=_clean(result.author),
        sitename=_clean(result.sitename),
        published=_date(result.date),
        canonical_url=result.url if result.url and result.url != url else None,
        language=language[1].lower() if language else None,
    )


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
