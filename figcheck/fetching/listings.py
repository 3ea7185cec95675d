"""Reading the article links out of RSS, Atom and sitemap files.

Feeds are read with feedparser, which copes with what is found in the wild (tags left
open, HTML entities, unreadable dates, a wrong encoding declaration); sitemaps, a strict
XML format, with lxml.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree

ListingKind = Literal["rss", "atom", "sitemap", "sitemap_index"]

_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class ListingError(ValueError):
    pass


@dataclass(frozen=True)
class ListedItem:
    url: str
    # Publication date where the listing states one (RSS pubDate, Atom published, news sitemap).
    published: datetime | None = None
    # Any date the listing gives, for taking the newest items first (includes sitemap lastmod).
    sort_date: datetime | None = None


@dataclass(frozen=True)
class Listing:
    kind: ListingKind
    items: list[ListedItem]

    def newest(self, count: int) -> list[ListedItem]:
        """The ``count`` newest items; undated items keep their order, after the dated ones."""
        floor = datetime.min.replace(tzinfo=UTC)
        ranked = sorted(
            enumerate(self.items),
            key=lambda pair: (pair[1].sort_date is None, -(pair[1].sort_date or floor).timestamp(), pair[0]),
        )
        return [item for _, item in ranked[:count]]


_LISTING_ROOTS = ("rss", "RDF", "feed", "urlset", "sitemapindex")
# The first element of a feed or sitemap that does not parse as XML.
_ROOT_ELEMENT = re.compile(rb"^(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:[A-Za-z0-9_-]+:)?([A-Za-z]+)[\s>/]", re.S)


def looks_like_listing(body: bytes) -> bool:
    """True when the document's root element is a feed or a sitemap (rather than a web page)."""
    try:
        return _root_name(_parse(body)) in _LISTING_ROOTS
    except ListingError:
        match = _ROOT_ELEMENT.match(body[:4096])
        return bool(match) and match[1].decode("ascii") in _LISTING_ROOTS


def read_listing(body: bytes, base_url: str, content_type: str | None = None) -> Listing:
    """The items of an RSS 2.0 / RSS 1.0 / Atom feed, a sitemap or a sitemap index.

    ``content_type`` is the HTTP Content-Type, whose charset outranks the document's own
    declaration.
    """
    try:
        root: etree._Element | None = _parse(body)
    except ListingError:
        root = None
    name = _root_name(root) if root is not None else None
    if root is not None and name == "urlset":
        items = [_sitemap_url(url, base_url) for url in root if _local(url.tag) == "url"]
        kind: ListingKind = "sitemap"
    elif root is not None and name == "sitemapindex":
        items = [_sitemap_url(entry, base_url) for entry in root if _local(entry.tag) == "sitemap"]
        kind = "sitemap_index"
    else:
        kind, items = _read_feed(body, base_url, content_type)
    unique: dict[str, ListedItem] = {}
    for item in items:
        if item is not None and item.url not in unique:
            unique[item.url] = item
    return Listing(kind=kind, items=list(unique.values()))


def _parse(body: bytes) -> etree._Element:
    # No entities, no network, no DTD: a feed is data from a stranger.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ListingError(f"not well-formed XML: {exc}") from None
    if root is None:
        raise ListingError("empty XML document")
    return root


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _root_name(root: etree._Element) -> str:
    return _local(root.tag)


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def _absolute(link: str | None, base_url: str) -> str | None:
    if not link:
        return None
    url = urljoin(base_url, link.strip())
    return url if urlsplit(url).scheme in ("http", "https") else None


def _read_feed(body: bytes, base_url: str, content_type: str | None) -> tuple[ListingKind, list[ListedItem | None]]:
    feed = _feedparser(body, base_url, content_type)
    if not (feed.version or feed.entries):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            # A declaration naming an encoding the bytes are not in (UTF-16 over UTF-8 text):
            # read the bytes as what they are.
            feed = _feedparser(body, base_url, "application/xml; charset=utf-8")
    if not (feed.version or feed.entries):
        why = feed.get("bozo_exception")
        raise ListingError("not an RSS, Atom or sitemap document" + (f" ({why})" if why else ""))
    kind: ListingKind = "atom" if str(feed.version).startswith("atom") else "rss"
    return kind, [_feed_entry(entry, base_url) for entry in feed.entries]


def _feedparser(body: bytes, base_url: str, content_type: str | None) -> feedparser.FeedParserDict:
    # A file object, never the bytes themselves: feedparser would take a string that looks
    # like a URL or a path for one and open it.
    headers = {"content-location": base_url, "content-type": content_type or "application/xml"}
    return feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False,
                            resolve_relative_uris=False)


def _feed_entry(entry: feedparser.FeedParserDict, base_url: str) -> ListedItem | None:
    # feedparser gives an RSS guid marked as a permalink as the link when there is no <link>.
    url = _absolute(entry.get("link"), base_url)
    if url is None:
        return None
    # Plain dict look-ups: FeedParserDict answers a missing "updated" with "published".
    published = _moment(dict.get(entry, "published_parsed"))
    updated = _moment(dict.get(entry, "updated_parsed"))
    return ListedItem(url=url, published=published, sort_date=published or updated)


def _moment(value: time.struct_time | None) -> datetime | None:
    # feedparser gives dates as struct_time in UTC, or nothing when it cannot read them.
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _sitemap_url(entry: etree._Element, base_url: str) -> ListedItem | None:
    url = _absolute(_child_text(entry, "loc"), base_url)
    if url is None:
        return None
    news = entry.find(f"{_NEWS}news")
    published = _iso(news.findtext(f"{_NEWS}publication_date")) if news is not None else None
    return ListedItem(url=url, published=published, sort_date=published or _iso(_child_text(entry, "lastmod")))


def _iso(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
