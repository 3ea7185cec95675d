"""Reading the article links out of RSS, Atom and sitemap files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

from lxml import etree

ListingKind = Literal["rss", "atom", "sitemap", "sitemap_index"]

_ATOM = "{http://www.w3.org/2005/Atom}"
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


def looks_like_listing(body: bytes) -> bool:
    """True when the document's root element is a feed or a sitemap (rather than a web page)."""
    try:
        return _root_name(_parse(body)) in ("rss", "RDF", "feed", "urlset", "sitemapindex")
    except ListingError:
        return False


def read_listing(body: bytes, base_url: str) -> Listing:
    """The items of an RSS 2.0 / RSS 1.0 / Atom feed, a sitemap or a sitemap index."""
    root = _parse(body)
    name = _root_name(root)
    if name == "rss":
        items = [_rss_item(item, base_url) for item in root.iter("item")]
        kind: ListingKind = "rss"
    elif name == "RDF":
        items = [_rss_item(item, base_url) for item in root if _local(item.tag) == "item"]
        kind = "rss"
    elif name == "feed":
        items = [_atom_entry(entry, base_url) for entry in root.iter(f"{_ATOM}entry")]
        kind = "atom"
    elif name == "urlset":
        items = [_sitemap_url(url, base_url) for url in root if _local(url.tag) == "url"]
        kind = "sitemap"
    elif name == "sitemapindex":
        items = [_sitemap_url(entry, base_url) for entry in root if _local(entry.tag) == "sitemap"]
        kind = "sitemap_index"
    else:
        raise ListingError(f"root element <{name}> is not an RSS, Atom or sitemap document")
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


def _rss_item(item: etree._Element, base_url: str) -> ListedItem | None:
    link = _child_text(item, "link")
    if link is None:
        guid = next((child for child in item if _local(child.tag) == "guid"), None)
        if guid is not None and guid.get("isPermaLink", "true") == "true":
            link = (guid.text or "").strip() or None
    url = _absolute(link, base_url)
    if url is None:
        return None
    published = _rfc822(_child_text(item, "pubDate")) or _iso(_child_text(item, "date"))
    return ListedItem(url=url, published=published, sort_date=published)


def _atom_entry(entry: etree._Element, base_url: str) -> ListedItem | None:
    links = [link for link in entry.iter(f"{_ATOM}link") if link.get("href")]
    chosen = next((link for link in links if link.get("rel", "alternate") == "alternate"), None)
    url = _absolute(chosen.get("href") if chosen is not None else None, base_url)
    if url is None:
        return None
    published = _iso(_child_text(entry, "published"))
    return ListedItem(url=url, published=published, sort_date=published or _iso(_child_text(entry, "updated")))


def _sitemap_url(entry: etree._Element, base_url: str) -> ListedItem | None:
    url = _absolute(_child_text(entry, "loc"), base_url)
    if url is None:
        return None
    news = entry.find(f"{_NEWS}news")
    published = _iso(news.findtext(f"{_NEWS}publication_date")) if news is not None else None
    return ListedItem(url=url, published=published, sort_date=published or _iso(_child_text(entry, "lastmod")))


def _rfc822(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return _aware(parsedate_to_datetime(value))
    except (TypeError, ValueError):
        return _iso(value)


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
