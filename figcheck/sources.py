"""The list of sources figcheck fetches articles from (corpus/sources.yaml), validated.

The file is a mapping with a ``sources`` list; each entry is an article page, an RSS/Atom
feed or a sitemap::

    defaults:            # optional; applies to every source that does not say otherwise
      max_items: 20      # newest items taken from a feed or sitemap
      every: 6h          # fetch a source at most this often (30m, 6h, 1d, 2w; or seconds)
    settings:            # optional; how politely and how far to download
      min_interval: 1.0  # seconds between two requests to the same host
      max_crawl_delay: 30  # robots.txt's Crawl-delay is honoured up to this many seconds
    sources:
      - url: https://news.example.org/rss.xml
        kind: feed       # article | feed | sitemap | auto (default: decided by the response)
        publisher: Example News
        language: en
        max_items: 10
        every: 1d
        robots: ignore   # fetch even what robots.txt disallows (default: obey robots.txt)

Private, loopback and link-local addresses are fetched only from the hosts listed here (a
feed item or a redirect elsewhere that leads into the local network is refused).

An error names the file, the line, the entry (its index and URL) and the field.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SourceKind = Literal["auto", "article", "feed", "sitemap"]
RobotsPolicy = Literal["obey", "ignore"]

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_INTERVAL_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class SourcesError(ValueError):
    """sources.yaml cannot be used; the message names the file, line, entry and field."""


def parse_interval(value: object) -> timedelta | None:
    """``"6h"``, ``"30m"``, ``"1d"``, ``"2w"``, a number of seconds, or None."""
    if value is None or isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError(f"not an interval: {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and (match := _INTERVAL.match(value)):
        seconds = timedelta(**{_INTERVAL_UNITS[match[2]]: float(match[1])}).total_seconds()
    else:
        raise ValueError(f"not an interval: {value!r} (expected e.g. 30m, 6h, 1d, 2w, or seconds)")
    if seconds <= 0:
        raise ValueError(f"an interval must be positive, got {value!r}")
    return timedelta(seconds=seconds)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceDefaults(_Strict):
    max_items: int = Field(default=20, gt=0)
    every: timedelta | None = None

    @field_validator("every", mode="before")
    @classmethod
    def _parse_every(cls, value: object) -> timedelta | None:
        return parse_interval(value)


class FetchSettings(_Strict):
    """How figcheck downloads: limits, politeness and retries (all overridable for tests)."""

    # Seconds to wait between two requests to the same host.
    min_interval: float = Field(default=1.0, ge=0)
    # A host's robots.txt may ask for a longer wait (Crawl-delay, Request-rate); it is
    # honoured up to this many seconds, so one host cannot stall a scheduled run.
    max_crawl_delay: float = Field(default=30.0, ge=0)
    connect_timeout: float = Field(default=10.0, gt=0)
    read_timeout: float = Field(default=20.0, gt=0)
    # A page that trickles in slower than this in total is abandoned.
    total_timeout: float = Field(default=60.0, gt=0)
    max_bytes: int = Field(default=5_000_000, gt=0)
    # Sitemaps are allowed to be large (the protocol allows 50 MB).
    max_listing_bytes: int = Field(default=50_000_000, gt=0)
    max_redirects: int = Field(default=5, ge=0)
    # Retries after the first attempt, on 5xx, connection errors and timeouts only.
    retries: int = Field(default=3, ge=0)
    backoff: float = Field(default=1.0, ge=0)
    max_backoff: float = Field(default=30.0, ge=0)
    # Pages downloaded at once (across hosts; one host still gets min_interval).
    workers: int = Field(default=4, gt=0)
    # Child sitemaps read from a sitemap index.
    max_child_sitemaps: int = Field(default=10, ge=0)
    contact: str = "https://github.com/figcheck/figcheck"


class Source(_Strict):
    url: str
    kind: SourceKind = "auto"
    publisher: str | None = None
    language: str | None = None
    max_items: int | None = Field(default=None, gt=0)
    every: timedelta | None = None
    # "ignore": fetch this source and its items even where robots.txt disallows it.
    robots: RobotsPolicy = "obey"

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value.strip()

    @field_validator("language")
    @classmethod
    def _check_language(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
            raise ValueError(f"not a language tag: {value!r} (expected e.g. en, ko, en-GB)")
        return value

    @field_validator("every", mode="before")
    @classmethod
    def _parse_every(cls, value: object) -> timedelta | None:
        return parse_interval(value)


class SourceList(_Strict):
    defaults: SourceDefaults = Field(default_factory=SourceDefaults)
    settings: FetchSettings = Field(default_factory=FetchSettings)
    sources: list[Source] = Field(default_factory=list)

    def max_items(self, source: Source) -> int:
        return source.max_items or self.defaults.max_items

    def every(self, source: Source) -> timedelta | None:
        return source.every or self.defaults.every

    def urls(self) -> list[str]:
        """Every source's URL: their hosts are the ones trusted with private addresses."""
        return [source.url for source in self.sources]


def load_sources(path: str | Path) -> SourceList:
    """Read and validate a sources file; raise SourcesError naming file, line, entry and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: cannot read: {exc}") from None
    try:
        data = yaml.safe_load(text)
        tree = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise SourcesError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return SourceList()
    if isinstance(data, list):
        raise SourcesError(f"{path}: expected a mapping with a `sources:` list at the top, found a bare list")
    if not isinstance(data, dict):
        raise SourcesError(f"{path}: expected a mapping with a `sources:` list, found {type(data).__name__}")
    try:
        return SourceList.model_validate(data)
    except ValidationError as exc:
        raise SourcesError(_describe(path, data, tree, exc)) from None


def _describe(path: Path, data: dict[str, Any], tree: yaml.Node | None, exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        loc = error["loc"]
        line = _line_of(tree, loc)
        where = f"{path}" + (f", line {line}" if line else "")
        if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
            entry = data["sources"][loc[1]]
            url = entry.get("url") if isinstance(entry, dict) else None
            subject = f"sources[{loc[1]}]" + (f" ({url})" if url else "")
            field = ".".join(map(str, loc[2:]))
        else:
            subject, field = "", ".".join(map(str, loc))
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        lines.append(f"{where}: {subject}{': ' if subject else ''}{field or 'entry'}: {message}")
    return "\n".join(lines)


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc``, or of its nearest parent that exists."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((value for name, value in node.value if name.value == key), None)
            if node is None:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line
