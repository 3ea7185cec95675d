"""Fetching sources into the corpus, against a real HTTP server on 127.0.0.1 started here."""

from __future__ import annotations

import json
import logging
import shutil
import socket
import subprocess
import threading
import time
import tracemalloc
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.robotparser import RobotFileParser
from urllib.parse import quote

import pytest
import yaml
from typer.testing import CliRunner

from figcheck.corpus import load_corpus
from figcheck.fetching.client import EncodingProblem, HostRateLimit, PageFetcher, decode_html
from figcheck.fetching.listings import read_listing
from figcheck.fetching.revisions import revision_findings
from figcheck.fetching.run import update_corpus, write_fetch_report
from figcheck.fetching.store import STATE_FILE, FetchState, normalize_url
from figcheck.records import Claim, CountValue, DateValue, DocumentMeta
from figcheck.sources import FetchSettings, SourceList, SourcesError, load_sources
from hostile_server import HostileServer

FIXTURES = Path(__file__).parent / "fetch_fixtures"


# --- the local site ------------------------------------------------------------------------


class FixtureSite:
    """A small news site with pages, feeds, a sitemap and routes that fail in every way."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.reset()

    def reset(self) -> None:
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[float, str, dict[str, str]]] = []
        self.changing_version = 1

    def fixture(self, name: str) -> bytes:
        return (FIXTURES / name).read_bytes().replace(b"{base}", self.base.encode())

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path in ("/news/harbour-bridge-reopens", "/amp/harbour-bridge"):
            if headers.get("If-None-Match") == '"bridge-1"':
                return 304, {"ETag": '"bridge-1"'}, b""
            return 200, {**html, "ETag": '"bridge-1"'}, self.fixture("article.html")
        if path == "/news/council-trees":
            return 200, {**html, "Last-Modified": "Wed, 20 Mar 2024 14:05:00 GMT"}, self.fixture("article2.html")
        if path == "/feed.rss":
            if headers.get("If-None-Match") == '"feed-1"':
                return 304, {"ETag": '"feed-1"'}, b""
            return 200, {"Content-Type": "application/rss+xml", "ETag": '"feed-1"'}, self.fixture("feed.rss")
        if path == "/feed.atom":
            return 200, {"Content-Type": "application/atom+xml"}, self.fixture("feed.atom")
        if path == "/sitemap.xml":
            return 200, {"Content-Type": "application/xml"}, self.fixture("sitemap.xml")
        if path == "/flaky":
            if self.hits[path] <= 2:
                return 500, html, b"<h1>Internal Server Error</h1>"
            return 200, html, self.fixture("article2.html")
        if path == "/down":
            return 503, html, b"<h1>Service Unavailable</h1>"
        if path == "/slow":
            time.sleep(1.0)
            return 200, html, self.fixture("article2.html")
        if path == "/huge":
            return 200, {"Content-Type": "text/html"}, b"<p>" + b"x" * 1_000_000 + b"</p>"
        if path == "/report.pdf":
            return 200, {"Content-Type": "application/pdf"}, b"%PDF-1.7\n" + b"\0" * 200
        if path == "/latin1":
            return 200, {"Content-Type": "text/html; charset=ISO-8859-1"}, self.fixture("article_latin1.html")
        if path == "/bad-utf8":
            body = self.fixture("article2.html").replace(b"5,000 trees", b"5,000 \xff\xfe trees")
            return 200, html, body
        if path == "/loop-a":
            return 302, {"Location": "/loop-b"}, b""
        if path == "/loop-b":
            return 302, {"Location": "/loop-a"}, b""
        if path == "/moved":
            return 301, {"Location": "/news/council-trees"}, b""
        if path == "/changing":
            etag = f'"changing-{self.changing_version}"'
            if headers.get("If-None-Match") == etag:
                return 304, {"ETag": etag}, b""
            body = self.fixture("article.html")
            if self.changing_version == 2:
                body = body.replace(b"cost the city 38 million euros", b"cost the city 41 million euros")
            return 200, {**html, "ETag": etag}, body
        return 404, html, b"<h1>Not Found</h1>"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = self.path.split("?", 1)[0]
                site.hits[path] += 1
                site.requests.append((time.monotonic(), path, dict(self.headers)))
                status, headers, body = site.route(path, dict(self.headers))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                # /huge does not say how big it is: the cap must hold while streaming.
                if path != "/huge":
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (size cap, timeout): as intended

            def log_message(self, *args: object) -> None:
                pass

        return Handler


@pytest.fixture(scope="module")
def site_server():
    site = FixtureSite()
    site.thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture
def site(site_server: FixtureSite, monkeypatch: pytest.MonkeyPatch) -> FixtureSite:
    # No proxy may reroute a test request away from 127.0.0.1.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    site_server.reset()
    return site_server


FAST = FetchSettings(
    min_interval=0,
    retries=2,
    backoff=0.01,
    connect_timeout=1,
    read_timeout=0.3,
    total_timeout=5,
    max_bytes=200_000,
    workers=3,
)


def sources(site: FixtureSite, *entries: dict, **settings: object) -> SourceList:
    return SourceList.model_validate(
        {
            "settings": FAST.model_copy(update=settings).model_dump(),
            "sources": [{**entry, "url": site.url(entry["url"])} for entry in entries],
        }
    )


def corpus_texts(corpus: Path) -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(corpus.glob("*.txt"))}


def state(corpus: Path) -> FetchState:
    return FetchState.load(corpus / STATE_FILE)


# --- the sources file ----------------------------------------------------------------------


def test_sources_file_with_every_kind_of_entry_loads(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "defaults:\n  max_items: 5\n  every: 6h\n"
        "sources:\n"
        "  - url: https://news.example.org/rss.xml\n    kind: feed\n    publisher: Example News\n    every: 1d\n"
        "  - url: https://news.example.org/sitemap.xml\n    kind: sitemap\n    max_items: 50\n"
        "  - url: https://news.example.org/2024/03/story.html\n    language: en-GB\n",
        encoding="utf-8",
    )
    loaded = load_sources(path)
    feed, sitemap, article = loaded.sources
    assert (feed.kind, loaded.max_items(feed), loaded.every(feed)) == ("feed", 5, timedelta(days=1))
    assert (loaded.max_items(sitemap), loaded.every(sitemap)) == (50, timedelta(hours=6))
    assert (article.kind, article.language) == ("auto", "en-GB")


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("sources:\n  - url: https://a.example/\n  - url: ftp://b.example/x\n",
         ["line 3", "sources[1] (ftp://b.example/x)", "url", "not an http(s) URL"]),
        ("sources:\n  - url: https://a.example/\n    max_items: 0\n",
         ["line 3", "sources[0] (https://a.example/)", "max_items", "greater than 0"]),
        ("sources:\n  - url: https://a.example/\n    evrey: 1d\n",
         ["line 3", "sources[0]", "evrey", "unknown field"]),
        ("sources:\n  - url: https://a.example/\n    every: sometimes\n",
         ["sources[0]", "every", "not an interval"]),
        ("sources:\n  - url: https://a.example/\n    kind: podcast\n",
         ["sources[0]", "kind", "'article', 'feed' or 'sitemap'"]),
        ("sources:\n  - publisher: Nobody\n", ["line 2", "sources[0]", "url", "Field required"]),
        ("- url: https://a.example/\n", ["bare list"]),
        ("sources: [\n", ["not valid YAML"]),
    ],
)
def test_invalid_sources_file_names_file_line_entry_and_field(tmp_path: Path, yaml_text: str, expected: list[str]) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(SourcesError) as error:
        load_sources(path)
    for part in [str(path), *expected]:
        assert part in str(error.value)


def test_shipped_sources_file_is_valid_and_fetches_nothing() -> None:
    shipped = load_sources(Path(__file__).parents[1] / "corpus" / "sources.yaml")
    assert shipped.sources == []


# --- downloading: every failure has its reason --------------------------------------------


@pytest.mark.parametrize(
    ("path", "reason", "hits"),
    [
        ("/nowhere", "http_404", 1),  # 4xx is never retried
        ("/down", "http_5xx", 3),  # first attempt + 2 retries
        ("/slow", "timeout", 3),
        ("/huge", "too_large", 1),
        ("/report.pdf", "not_html", 1),
        ("/bad-utf8", "bad_encoding", 1),
        ("/loop-a", "redirect_loop", 1),
    ],
)
def test_each_failing_route_gives_its_reason_and_the_other_sources_still_fetch(
    site: FixtureSite, tmp_path: Path, path: str, reason: str, hits: int
) -> None:
    listed = sources(site, {"url": path}, {"url": "/news/council-trees"})
    report = update_corpus(listed, tmp_path)
    failed, fetched = report.sources
    assert failed.status == "failed"
    assert [(p.url, p.reason) for p in failed.problems] == [(site.url(path), reason)]
    assert failed.problems[0].message
    assert site.hits[path] == hits
    assert fetched.status == "fetched" and len(fetched.new) == 1
    assert list(corpus_texts(tmp_path)) == fetched.new
    assert report.load_problems()[0].path == site.url(path)
    assert reason in report.load_problems()[0].message


def test_server_error_then_success_is_retried_with_backoff(site: FixtureSite) -> None:
    delays: list[float] = []
    with PageFetcher(FAST.model_copy(update={"backoff": 0.5}), sleep=delays.append, trusted_urls=[site.base]) as fetcher:
        answer = fetcher.get(site.url("/flaky"))
    assert answer.status == 200 and b"5,000 trees" in answer.body
    assert site.hits["/flaky"] == 3
    assert delays == [0.5, 1.0]


def test_retry_after_is_honoured_up_to_the_maximum_backoff(site: FixtureSite, monkeypatch: pytest.MonkeyPatch) -> None:
    original = site.route

    def busy(path: str, headers: dict[str, str]):
        if path == "/busy":
            return 503, {"Retry-After": "120"}, b""
        return original(path, headers)

    monkeypatch.setattr(site, "route", busy)
    delays: list[float] = []
    with PageFetcher(FAST.model_copy(update={"retries": 1, "max_backoff": 7}), sleep=delays.append, trusted_urls=[site.base]) as fetcher:
        answer = fetcher.get(site.url("/busy"))
    assert answer.reason == "http_5xx" and answer.status == 503 and answer.attempts == 2
    assert delays == [7]


def test_unresolvable_host_is_a_dns_problem_and_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: list[str] = []

    def no_such_name(host, *args, **kwargs):
        looked_up.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    # The lookup fails before any packet is sent: no address but 127.0.0.1 is ever touched.
    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    with PageFetcher(FAST) as fetcher:
        answer = fetcher.get("http://no-such-host.invalid/news")
    assert answer.reason == "dns"
    assert "no-such-host.invalid" in answer.message
    assert looked_up == ["no-such-host.invalid"]


def test_refused_connection_is_retried_then_reported(site: FixtureSite) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    delays: list[float] = []
    with PageFetcher(FAST, trusted_urls=[f"http://127.0.0.1:{port}/"], sleep=delays.append) as fetcher:
        answer = fetcher.get(f"http://127.0.0.1:{port}/")
    assert answer.reason == "connection" and answer.attempts == 3
    assert len(delays) == 2


def test_declared_and_streamed_sizes_are_both_capped(site: FixtureSite) -> None:
    with PageFetcher(FAST, trusted_urls=[site.base]) as fetcher:
        small = fetcher.get(site.url("/news/council-trees"), max_bytes=100)
        streamed = fetcher.get(site.url("/huge"), max_bytes=50_000)
    assert small.reason == "too_large" and "declared" in small.message
    assert streamed.reason == "too_large" and "50000" in streamed.message


def test_redirects_are_followed_within_the_limit(site: FixtureSite) -> None:
    with PageFetcher(FAST, trusted_urls=[site.base]) as fetcher:
        moved = fetcher.get(site.url("/moved"))
    with PageFetcher(FAST.model_copy(update={"max_redirects": 0}), trusted_urls=[site.base]) as fetcher:
        refused = fetcher.get(site.url("/moved"))
    assert moved.status == 200 and moved.final_url == site.url("/news/council-trees")
    assert moved.redirects == (site.url("/news/council-trees"),)
    assert refused.reason == "too_many_redirects"


def test_requests_carry_a_user_agent_naming_figcheck_and_a_contact(site: FixtureSite) -> None:
    with PageFetcher(FAST.model_copy(update={"contact": "mailto:desk@example.org"}), trusted_urls=[site.base]) as fetcher:
        fetcher.get(site.url("/news/council-trees"))
    user_agent = site.requests[-1][2]["User-Agent"]
    assert user_agent.startswith("figcheck/") and user_agent.endswith("(+mailto:desk@example.org)")


def test_requests_to_one_host_are_spaced_by_the_rate_limit(site: FixtureSite) -> None:
    # A slow machine can only delay a request, never send it before its slot: the third of three
    # requests reaches the server at least two intervals after the first was asked for. (The gaps
    # between arrivals are no measure: a first request delayed on its way shortens the next gap.)
    with PageFetcher(FAST.model_copy(update={"min_interval": 0.15}), trusted_urls=[site.base]) as fetcher:
        asked = time.monotonic()
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(lambda _: fetcher.get(site.url("/news/council-trees")), range(3)))
    times = sorted(moment for moment, path, _ in site.requests)
    assert len(times) == 3 and times[-1] - asked >= 0.3 - 0.005


def test_rate_limit_holds_back_one_host_only(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    monkeypatch.setattr("figcheck.fetching.client.time.sleep", sleep)
    limit = HostRateLimit(0.2, clock=lambda: now[0])
    limit.wait("a.example")
    limit.wait("b.example")
    assert slept == []  # another host is not held up
    now[0] += 0.05
    limit.wait("a.example")
    assert slept == [pytest.approx(0.15)]  # the same host waits out the rest of its interval


def test_charset_from_header_decodes_non_utf8_pages(site: FixtureSite, tmp_path: Path) -> None:
    report = update_corpus(sources(site, {"url": "/latin1", "language": "fr"}), tmp_path)
    (doc_id,) = report.sources[0].new
    text = (tmp_path / f"{doc_id}.txt").read_text(encoding="utf-8")
    assert text.startswith("Le pont du port rouvre apr\u00e8s 14 mois de travaux\n\n")
    assert "co\u00fbt\u00e9 38 millions d'euros" in text
    assert "\ufffd" not in text
    # The raw page is kept byte for byte, in its own charset, for re-extraction.
    assert (tmp_path / "raw" / f"{doc_id}.html").read_bytes() == site.fixture("article_latin1.html")


@pytest.mark.parametrize(
    ("body", "header", "expected"),
    [
        ("caf\u00e9".encode("utf-8"), None, "utf-8"),
        ("caf\u00e9".encode("cp1252"), "windows-1252", "cp1252"),
        (b'<meta charset="iso-8859-1"><p>caf\xe9', None, "iso8859-1"),
        (b"\xef\xbb\xbfcaf\xc3\xa9", "iso-8859-1", "utf-8"),  # a byte-order mark outranks the header
    ],
)
def test_charset_is_taken_from_bom_header_meta_or_utf8(body: bytes, header: str | None, expected: str) -> None:
    text, charset = decode_html(body, header)
    assert charset == expected and "caf\u00e9" in text


@pytest.mark.parametrize(
    ("body", "header", "message"),
    [(b"caf\xe9", None, "not valid utf-8"), (b"cafe", "x-klingon", "unknown charset 'x-klingon'")],
)
def test_undecodable_pages_are_an_error_not_replacement_characters(body: bytes, header: str | None, message: str) -> None:
    with pytest.raises(EncodingProblem, match=message):
        decode_html(body, header)


# --- storing articles ----------------------------------------------------------------------


def test_article_is_stored_as_main_text_with_metadata_and_raw_html(site: FixtureSite, tmp_path: Path) -> None:
    clock = lambda: datetime(2024, 3, 21, 8, 0, tzinfo=UTC)  # noqa: E731
    report = update_corpus(
        sources(site, {"url": "/news/harbour-bridge-reopens", "publisher": "Riverside Gazette"}), tmp_path, clock=clock
    )
    assert report.sources[0].new == ["127-0-0-1-2024-03-18-harbour-bridge-reopens-after-14-months-of-repairs"]
    doc_id = report.sources[0].new[0]
    text = (tmp_path / f"{doc_id}.txt").read_text(encoding="utf-8")
    assert text.startswith("Harbour bridge reopens after 14 months of repairs\n\nThe harbour bridge reopened")
    assert "About 42,000 vehicles crossed the bridge" in text
    assert "60th anniversary" in text
    # Menus, banners, comments, related links and the footer are not the article.
    for furniture in ("Politics", "50% off", "riverfan88", "500 days", "Most read", "900 million",
                      "Registered in England", "+44 20"):
        assert furniture not in text
    meta = DocumentMeta.model_validate(yaml.safe_load((tmp_path / f"{doc_id}.meta.yaml").read_text()))
    assert meta.url == site.url("/news/harbour-bridge-reopens")
    assert meta.title == "Harbour bridge reopens after 14 months of repairs"
    assert meta.publisher == "Riverside Gazette" and meta.author == "Maria Keller"
    assert meta.published == datetime(2024, 3, 18).date() and meta.language == "en"
    assert meta.retrieved == clock()
    assert meta.content_hash.startswith("sha256:")
    assert (tmp_path / "raw" / f"{doc_id}.html").read_bytes() == site.fixture("article.html")
    # Only documents (and dotfiles) at the top level, nothing half-written left behind.
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == sorted(
        [f"{doc_id}.txt", f"{doc_id}.meta.yaml", "raw"]
    )


def test_unchanged_page_is_not_downloaded_again(site: FixtureSite, tmp_path: Path) -> None:
    listed = sources(site, {"url": "/news/harbour-bridge-reopens"}, {"url": "/news/council-trees"})
    first = update_corpus(listed, tmp_path)
    documents = lambda: {p: p.stat().st_mtime_ns for p in tmp_path.glob("**/*.*") if p.name != STATE_FILE}  # noqa: E731
    before = documents()
    second = update_corpus(listed, tmp_path)
    assert [s.new for s in second.sources] == [[], []]
    assert [s.unchanged for s in second.sources] == [s.new for s in first.sources]
    etag_request, date_request = [headers for _, _, headers in site.requests[-2:]]
    assert etag_request["If-None-Match"] == '"bridge-1"'
    assert date_request["If-Modified-Since"] == "Wed, 20 Mar 2024 14:05:00 GMT"
    assert documents() == before


def test_deleted_document_is_fetched_again_in_full(site: FixtureSite, tmp_path: Path) -> None:
    listed = sources(site, {"url": "/news/harbour-bridge-reopens"})
    (doc_id,) = update_corpus(listed, tmp_path).sources[0].new
    (tmp_path / f"{doc_id}.txt").unlink()
    update_corpus(listed, tmp_path)
    assert "If-None-Match" not in site.requests[-1][2]


def test_changed_page_is_stored_beside_the_old_version(site: FixtureSite, tmp_path: Path) -> None:
    listed = sources(site, {"url": "/changing"})
    (first_id,) = update_corpus(listed, tmp_path).sources[0].new
    first_text = (tmp_path / f"{first_id}.txt").read_bytes()
    site.changing_version = 2
    report = update_corpus(listed, tmp_path)
    (second_id,) = report.sources[0].new_versions
    assert second_id == f"{first_id}--v2"
    assert (tmp_path / f"{first_id}.txt").read_bytes() == first_text
    assert "41 million euros" in (tmp_path / f"{second_id}.txt").read_text()
    assert (tmp_path / "raw" / f"{second_id}.html").exists()
    assert [(r.old_doc_id, r.new_doc_id) for r in report.revisions] == [(first_id, second_id)]
    assert [v.doc_id for v in state(tmp_path).docs[first_id].versions] == [first_id, second_id]
    # The figures of both versions, as claim extraction reads them, are compared.
    assert report.revisions_unchecked is None
    (finding,) = report.findings
    assert finding.check == "article_revision"
    assert "38" in finding.expected and "41" in finding.observed
    # Both versions load as ordinary documents; raw/ and the state file are not articles.
    loaded = load_corpus(tmp_path)
    assert sorted(doc.doc_id for doc in loaded.documents) == sorted([first_id, second_id]) and not loaded.problems
    # A third run sees the same second version: nothing new.
    assert update_corpus(listed, tmp_path).sources[0].unchanged == [second_id]


def test_same_article_under_two_urls_is_stored_once(site: FixtureSite, tmp_path: Path) -> None:
    listed = sources(
        site,
        {"url": "/news/harbour-bridge-reopens"},
        {"url": "/amp/harbour-bridge"},
        {"url": "/news/harbour-bridge-reopens?utm_source=newsletter#comments"},
    )
    report = update_corpus(listed, tmp_path)
    (doc_id,) = report.sources[0].new
    assert report.sources[1].same_article == [doc_id]
    assert report.sources[2].unchanged == [doc_id]
    assert list(corpus_texts(tmp_path)) == [doc_id]
    assert state(tmp_path).docs[doc_id].urls == [
        normalize_url(site.url("/news/harbour-bridge-reopens")),
        normalize_url(site.url("/amp/harbour-bridge")),
    ]


def test_two_articles_with_the_same_id_are_kept_apart(site: FixtureSite, tmp_path: Path) -> None:
    (tmp_path / "127-0-0-1-2024-03-20-council-votes-to-plant-5-000-trees-by-2026.txt").write_text("by hand\n")
    report = update_corpus(sources(site, {"url": "/news/council-trees"}), tmp_path)
    (doc_id,) = report.sources[0].new
    assert doc_id.startswith("127-0-0-1-2024-03-20-council-votes-to-plant-5-000-trees-by-2026-")
    assert (tmp_path / "127-0-0-1-2024-03-20-council-votes-to-plant-5-000-trees-by-2026.txt").read_text() == "by hand\n"


# --- feeds and sitemaps --------------------------------------------------------------------


@pytest.mark.parametrize(("path", "kind"), [("/feed.rss", "feed"), ("/feed.atom", "feed"), ("/sitemap.xml", "sitemap")])
def test_feed_or_sitemap_items_are_fetched_newest_first(site: FixtureSite, tmp_path: Path, path: str, kind: str) -> None:
    report = update_corpus(sources(site, {"url": path, "max_items": 2}), tmp_path)
    (source,) = report.sources
    assert source.kind == kind and source.status == "fetched"
    assert sorted(source.new) == [
        "127-0-0-1-2024-03-18-harbour-bridge-reopens-after-14-months-of-repairs",
        "127-0-0-1-2024-03-20-council-votes-to-plant-5-000-trees-by-2026",
    ]
    assert source.problems == []


def test_failing_feed_item_is_reported_and_the_rest_stored(site: FixtureSite, tmp_path: Path) -> None:
    report = update_corpus(sources(site, {"url": "/feed.rss", "kind": "feed"}), tmp_path)
    (source,) = report.sources
    assert len(source.new) == 2
    assert [(p.url, p.reason, p.source) for p in source.problems] == [
        (site.url("/news/withdrawn"), "http_404", site.url("/feed.rss"))
    ]


def test_unchanged_feed_still_has_its_items_checked(site: FixtureSite, tmp_path: Path) -> None:
    listed = sources(site, {"url": "/feed.rss", "max_items": 2})
    first = update_corpus(listed, tmp_path)
    site.reset()
    (source,) = update_corpus(listed, tmp_path).sources
    feed_request = next(headers for _, path, headers in site.requests if path == "/feed.rss")
    assert feed_request["If-None-Match"] == '"feed-1"'
    assert (source.kind, sorted(source.unchanged)) == ("feed", sorted(first.sources[0].new))
    assert site.hits["/news/council-trees"] == 1 and site.hits["/news/harbour-bridge-reopens"] == 1


def test_listings_give_absolute_links_and_dates() -> None:
    base = "http://news.example.org"
    atom = read_listing((FIXTURES / "feed.atom").read_bytes(), f"{base}/feed.atom")
    assert atom.kind == "atom"
    assert [item.url for item in atom.items] == [f"{base}/news/harbour-bridge-reopens", f"{base}/news/council-trees"]
    rss = read_listing((FIXTURES / "feed.rss").read_bytes().replace(b"{base}", base.encode()), base)
    assert rss.items[0].published == datetime(2024, 3, 20, 14, 5, tzinfo=UTC)
    assert [item.url for item in rss.newest(1)] == [f"{base}/news/council-trees"]


def test_a_web_page_listed_as_a_feed_is_a_bad_listing(site: FixtureSite, tmp_path: Path) -> None:
    report = update_corpus(sources(site, {"url": "/news/council-trees", "kind": "feed"}), tmp_path)
    assert [p.reason for p in report.problems] == ["bad_listing"]


def test_source_fetched_recently_waits_for_its_interval(site: FixtureSite, tmp_path: Path) -> None:
    listed = sources(site, {"url": "/news/council-trees", "every": "1d"})
    update_corpus(listed, tmp_path)
    hits = site.hits["/news/council-trees"]
    assert update_corpus(listed, tmp_path).sources[0].status == "not_due"
    assert site.hits["/news/council-trees"] == hits
    assert update_corpus(listed, tmp_path, force=True).sources[0].status == "fetched"


def test_failed_source_is_tried_again_on_the_next_run(site: FixtureSite, tmp_path: Path) -> None:
    listed = sources(site, {"url": "/nowhere", "every": "1d"})
    update_corpus(listed, tmp_path)
    assert update_corpus(listed, tmp_path).sources[0].status == "failed"
    assert site.hits["/nowhere"] == 2


# --- revisions -----------------------------------------------------------------------------


def claim(doc_id: str, sentence: str, figure: str, kind: str = "count", *, value=None, **fields) -> Claim:
    start = sentence.index(figure)
    number = float(figure.replace(",", "")) if kind == "count" else None
    return Claim(
        id=Claim.make_id(doc_id, kind, start, start + len(figure)),
        doc_id=doc_id,
        kind=kind,
        text=figure,
        start=start,
        end=start + len(figure),
        sentence=sentence,
        sentence_start=0,
        value=value or CountValue(value=number),
        confidence=0.9,
        **fields,
    )


def test_changed_figure_in_the_same_sentence_is_a_revision_finding() -> None:
    old = [
        claim("a", "Officials said 12 people died and 30 were injured.", "12"),
        claim("a", "Officials said 12 people died and 30 were injured.", "30"),
    ]
    new = [
        claim("a--v2", "Officials said 15 people died and 30 were injured.", "15"),
        claim("a--v2", "Officials said 15 people died and 30 were injured.", "30"),
    ]
    (finding,) = revision_findings(old, new)
    assert (finding.check, finding.verdict, finding.severity) == ("article_revision", "discrepancy", "warning")
    assert (finding.expected, finding.observed) == ("12", "15")
    assert [ref.doc_id for ref in finding.claims] == ["a", "a--v2"]
    assert "Officials said 12 people died" in finding.message and "Officials said 15 people died" in finding.message


def test_reworded_sentence_is_matched_by_subject_and_context() -> None:
    old = [claim("a", "The repairs cost 38 million euros.", "38", subject="euros", context="repairs cost")]
    new = [claim("b", "According to the city, the repairs cost 41 million euros.", "41",
                 subject="euros", context="repairs cost")]
    (finding,) = revision_findings(old, new)
    assert (finding.expected, finding.observed) == ("38", "41")


def test_unchanged_moved_and_unmatched_figures_are_not_revisions() -> None:
    old = [
        claim("a", "It opened in 1964.", "1964", "date", value=DateValue(timex="1964")),
        claim("a", "About 200 trees were planted.", "200", subject="trees"),
        claim("a", "The mayor spoke for 10 minutes.", "10"),
    ]
    new = [
        claim("b", "Built decades ago, it opened in 1964.", "1964", "date", value=DateValue(timex="1964")),
        claim("b", "Some 200 trees went in.", "200", subject="trees"),
        claim("b", "Another 300 trees will follow.", "300", subject="trees"),
        claim("b", "A new figure: 7 lanes.", "7"),
    ]
    assert revision_findings(old, new) == []


def test_changed_date_is_a_revision_finding() -> None:
    sentence = "The bridge closed on {} after inspectors found corrosion."
    old = [claim("a", sentence.format("January 9, 2023"), "January 9, 2023", "date",
                 value=DateValue(timex="2023-01-09"))]
    new = [claim("b", sentence.format("January 19, 2023"), "January 19, 2023", "date",
                 value=DateValue(timex="2023-01-19"))]
    (finding,) = revision_findings(old, new)
    assert (finding.expected, finding.observed) == ("January 9, 2023", "January 19, 2023")


# --- report and command --------------------------------------------------------------------


def test_fetch_report_is_written_as_json(site: FixtureSite, tmp_path: Path) -> None:
    report = update_corpus(sources(site, {"url": "/nowhere"}, {"url": "/news/council-trees"}), tmp_path / "corpus")
    path = write_fetch_report(report, tmp_path / "out")
    written = json.loads(path.read_text())
    assert written["sources"][0]["problems"][0]["reason"] == "http_404"
    assert report.summary()["fetched"] == 1 and report.summary()["failed"] == 1


def test_fetch_command_prints_a_summary_and_exits_0_despite_failures(site: FixtureSite, tmp_path: Path) -> None:
    from figcheck.cli.app import app
    import figcheck.cli.fetch  # noqa: F401  (registers `fetch`)

    path = tmp_path / "sources.yaml"
    listed = sources(site, {"url": "/news/council-trees"}, {"url": "/nowhere"})
    path.write_text(yaml.safe_dump(listed.model_dump(mode="json")), encoding="utf-8")
    args = ["fetch", "--sources", str(path), "--corpus", str(tmp_path / "corpus"), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "1 fetched" in result.output and "1 failed" in result.output
    assert "http_404" in result.output and site.url("/nowhere") in result.output
    assert (tmp_path / "out" / "fetch.json").exists()
    assert CliRunner().invoke(app, [*args, "--fail-on-error"]).exit_code == 1


def test_fetch_command_rejects_an_invalid_sources_file_with_exit_2(tmp_path: Path) -> None:
    from figcheck.cli.app import app
    import figcheck.cli.fetch  # noqa: F401

    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - url: https://a.example/\n    max_items: -1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["fetch", "--sources", str(path), "--corpus", str(tmp_path / "corpus")])
    assert result.exit_code == 2
    assert "sources[0] (https://a.example/): max_items" in result.output


# --- a hostile server: bombs, trickles, odd charsets, traps --------------------------------


@pytest.fixture(scope="module")
def hostile_server():
    with HostileServer((FIXTURES / "article2.html").read_bytes()) as server:
        yield server


@pytest.fixture
def hostile(hostile_server: HostileServer, monkeypatch: pytest.MonkeyPatch) -> HostileServer:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    hostile_server.hits.clear()
    hostile_server.robots, hostile_server.robots_status = None, 200
    return hostile_server


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """No test connects anywhere but 127.0.0.1, whatever the code under test would do."""
    real = socket.create_connection
    attempts: list[tuple] = []

    def guarded(address, *args, **kwargs):
        attempts.append(address)
        if address[0] != "127.0.0.1":
            raise OSError(f"the test refuses to connect to {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    return attempts


def only_source(report) -> object:
    (source,) = report.sources
    return source


@pytest.mark.parametrize("codings", ["gzip", "deflate", "gzip,gzip", "gzip,deflate,gzip"])
def test_pages_in_one_or_more_content_encodings_are_decoded_in_order(
    hostile: HostileServer, tmp_path: Path, codings: str
) -> None:
    source = only_source(update_corpus(sources(hostile, {"url": f"/encoded/{codings}"}), tmp_path))
    assert source.problems == [] and len(source.new) == 1
    assert "plant 5,000 trees" in (tmp_path / f"{source.new[0]}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("codings", ["gzip", "gzip,gzip", "gzip,gzip,gzip", "deflate,gzip"])
def test_compression_bomb_in_any_number_of_layers_stops_at_the_cap_and_the_fetch_goes_on(
    hostile: HostileServer, tmp_path: Path, codings: str
) -> None:
    hostile.bomb_body(codings.split(","))  # built before memory is measured
    tracemalloc.start()
    try:
        report = update_corpus(sources(hostile, {"url": f"/bomb/{codings}"}, {"url": "/page/fine"}), tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    bombed, fine = report.sources
    assert [(p.reason, p.url) for p in bombed.problems] == [("too_large", hostile.url(f"/bomb/{codings}"))]
    assert str(FAST.max_bytes) in bombed.problems[0].message
    assert len(fine.new) == 1
    # The page inflates to 200 MB; never more than a few times the cap may be held at once.
    assert peak < 20 * FAST.max_bytes, f"peak {peak / 1e6:.0f} MB"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/corrupt-gzip", ["gzip", "not valid"]),
        ("/coding/x-squash", ["unsupported content encoding", "x-squash"]),
        ("/coding/gzip,gzip,gzip,gzip,gzip,gzip", ["more than"]),
    ],
)
def test_undecodable_content_encoding_is_reported_and_the_fetch_goes_on(
    hostile: HostileServer, tmp_path: Path, path: str, words: list[str]
) -> None:
    report = update_corpus(sources(hostile, {"url": path}, {"url": "/page/fine"}), tmp_path)
    broken, fine = report.sources
    (problem,) = broken.problems
    assert problem.reason == "bad_content_encoding"
    for word in words:
        assert word in problem.message
    assert len(fine.new) == 1


def test_slow_headers_are_cut_off_by_the_total_timeout(hostile: HostileServer, tmp_path: Path) -> None:
    # Each header line comes well within the read timeout; the whole answer takes 10 s.
    listed = sources(hostile, {"url": "/slow-headers"}, {"url": "/page/fine"},
                     read_timeout=2, total_timeout=1.5)
    report = update_corpus(listed, tmp_path)
    slow, fine = report.sources
    assert [p.reason for p in slow.problems] == ["timeout"]
    assert "1.5 s" in slow.problems[0].message
    assert hostile.hits["/slow-headers"] == 1  # stopped on purpose: not retried
    assert len(fine.new) == 1


def test_trickling_body_is_cut_off_by_the_total_timeout(hostile: HostileServer, tmp_path: Path) -> None:
    listed = sources(hostile, {"url": "/slow-body"}, read_timeout=2, total_timeout=1.5)
    (problem,) = only_source(update_corpus(listed, tmp_path)).problems
    assert problem.reason == "timeout" and hostile.hits["/slow-body"] == 1


def test_huge_page_without_a_length_stops_at_the_cap(hostile: HostileServer, tmp_path: Path) -> None:
    (problem,) = only_source(update_corpus(sources(hostile, {"url": "/huge"}), tmp_path)).problems
    assert problem.reason == "too_large" and str(FAST.max_bytes) in problem.message


@pytest.mark.parametrize(
    "path",
    [
        "/charset/rot13", "/charset/base64", "/charset/hex", "/charset/zlib", "/charset/x-klingon",
        "/meta-charset/rot13", "/meta-charset/base64", "/meta-charset/hex", "/meta-charset/zlib",
    ],
)
def test_unknown_or_non_text_charset_is_reported_recorded_and_the_fetch_goes_on(
    hostile: HostileServer, tmp_path: Path, path: str
) -> None:
    charset = path.rsplit("/", 1)[1]
    listed = sources(hostile, {"url": path}, {"url": "/page/fine"})
    report = update_corpus(listed, tmp_path / "corpus")
    odd, fine = report.sources
    (problem,) = odd.problems
    assert problem.reason == "bad_encoding" and repr(charset) in problem.message
    assert len(fine.new) == 1
    # Recorded: in the state file and in fetch.json, and the next run goes the same way.
    assert state(tmp_path / "corpus").urls[normalize_url(hostile.url(path))].status == "bad_encoding"
    written = json.loads(write_fetch_report(report, tmp_path / "out").read_text())
    assert written["sources"][0]["problems"][0]["reason"] == "bad_encoding"
    again = update_corpus(listed, tmp_path / "corpus", force=True)
    assert [p.reason for p in again.problems] == ["bad_encoding"]


@pytest.mark.parametrize("charset", ["rot13", "base64", "hex", "zlib", "uu", "bz2"])
def test_non_text_codecs_are_not_charsets(charset: str) -> None:
    with pytest.raises(EncodingProblem, match=f"'{charset}'"):
        decode_html(b"<p>cafe</p>", charset)
    with pytest.raises(EncodingProblem, match=f"'{charset}'"):
        decode_html(f'<meta charset="{charset}"><p>cafe</p>'.encode(), None)


# --- private addresses (SSRF) --------------------------------------------------------------


def test_redirect_to_a_loopback_name_or_port_not_in_the_sources_is_refused(
    hostile: HostileServer, site: FixtureSite, tmp_path: Path, loopback_only: list[tuple]
) -> None:
    to_localhost = f"/redirect?to=http://localhost:{hostile.port}/page/secret"
    to_other_port = f"/redirect?to={site.url('/news/council-trees')}"
    report = update_corpus(sources(hostile, {"url": to_localhost}, {"url": to_other_port}), tmp_path)
    for source in report.sources:
        (problem,) = source.problems
        assert problem.reason == "private_address", problem.message
        assert "sources.yaml" in problem.message
    assert "localhost" in report.sources[0].problems[0].message
    assert hostile.hits["/page/secret"] == 0 and site.hits["/news/council-trees"] == 0
    assert list(tmp_path.glob("*.txt")) == []


def test_redirect_within_a_host_named_in_the_sources_is_followed(hostile: HostileServer, tmp_path: Path) -> None:
    path = f"/redirect?to={hostile.url('/page/moved')}"
    source = only_source(update_corpus(sources(hostile, {"url": path}), tmp_path))
    assert source.problems == [] and len(source.new) == 1


def test_a_name_that_resolves_to_loopback_is_loopback(
    hostile: HostileServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loopback_only: list[tuple]
) -> None:
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        return real("127.0.0.1" if host == "intranet.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    secret = f"http://intranet.example:{hostile.port}/page/secret"
    refused = only_source(update_corpus(sources(hostile, {"url": f"/redirect?to={secret}"}), tmp_path / "a"))
    assert [p.reason for p in refused.problems] == ["private_address"]
    assert "127.0.0.1" in refused.problems[0].message
    assert hostile.hits["/page/secret"] == 0
    # Named in the sources, the same name is fetched (at the address that was checked).
    named = SourceList.model_validate({"settings": FAST.model_dump(), "sources": [{"url": secret}]})
    assert len(only_source(update_corpus(named, tmp_path / "b")).new) == 1
    assert hostile.hits["/page/secret"] == 1
    assert loopback_only[-1][0] == "127.0.0.1"


def test_feed_items_on_private_addresses_are_refused(
    hostile: HostileServer, tmp_path: Path, loopback_only: list[tuple]
) -> None:
    trapped = [
        f"http://localhost:{hostile.port}/page/a",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/admin",
        f"http://[::1]:{hostile.port}/page/b",
        "http://0.0.0.0/",
    ]
    allowed = hostile.url("/page/ok")
    query = "&".join(f"item={quote(url, safe='')}" for url in [*trapped, allowed])
    source = only_source(update_corpus(sources(hostile, {"url": f"/feed?{query}", "max_items": 10}), tmp_path))
    assert sorted((p.url, p.reason) for p in source.problems) == sorted((url, "private_address") for url in trapped)
    assert len(source.new) == 1
    assert hostile.hits["/page/a"] == hostile.hits["/page/b"] == 0
    assert {address[0] for address in loopback_only} == {"127.0.0.1"}


def test_child_sitemap_on_a_private_address_is_refused_and_reported(
    hostile: HostileServer, tmp_path: Path, loopback_only: list[tuple]
) -> None:
    child = f"http://localhost:{hostile.port}/sitemap-secret.xml"
    source = only_source(
        update_corpus(sources(hostile, {"url": f"/sitemap-index?child={quote(child, safe='')}"}), tmp_path)
    )
    assert [(p.url, p.reason) for p in source.problems] == [(child, "private_address")]
    assert hostile.hits["/sitemap-secret.xml"] == 0


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"), ("10.0.0.1", "private"), ("172.16.5.4", "private"),
        ("192.168.1.1", "private"), ("fd00::1", "private"), ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"), ("0.0.0.0", "unspecified"), ("100.64.0.1", "private"),
        ("224.0.0.1", "multicast"), ("93.184.215.14", None), ("2606:4700::1111", None),
    ],
)
def test_addresses_are_told_apart_public_from_private(address: str, kind: str | None) -> None:
    from figcheck.fetching.addresses import private_kind

    assert private_kind(address) == kind


def test_a_name_lookup_that_hangs_ends_within_the_total_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    from figcheck.fetching import client
    from figcheck.sources import FetchSettings

    def slow_resolver(host: str, port: int) -> list[tuple]:
        time.sleep(3)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(client, "_resolve", slow_resolver)
    settings = FetchSettings(min_interval=0, retries=0, connect_timeout=10, total_timeout=0.5)
    with client.PageFetcher(settings) as fetcher:
        problem = fetcher.get("http://slow-dns.example/page")
    assert isinstance(problem, client.FetchProblem)
    assert problem.reason == "timeout"  # not "dns", which only comes after the 3 s lookup


# --- robots.txt ----------------------------------------------------------------------------

ROBOTS = b"User-agent: *\nDisallow: /page/private\n"


def test_page_disallowed_by_robots_txt_is_reported_and_never_requested(hostile: HostileServer, tmp_path: Path) -> None:
    hostile.robots = ROBOTS
    listed = sources(hostile, {"url": "/page/private"}, {"url": "/page/private/2"}, {"url": "/page/public"})
    private, deeper, public = update_corpus(listed, tmp_path).sources
    for source in (private, deeper):
        (problem,) = source.problems
        assert problem.reason == "robots_disallowed" and "robots.txt" in problem.message
    assert len(public.new) == 1
    assert hostile.hits["/page/private"] == hostile.hits["/page/private/2"] == 0
    assert hostile.hits["/robots.txt"] == 1  # once per host per run
    assert state(tmp_path).urls[normalize_url(hostile.url("/page/private"))].status == "robots_disallowed"


def test_redirect_to_a_page_disallowed_by_robots_txt_is_not_followed(hostile: HostileServer, tmp_path: Path) -> None:
    hostile.robots = ROBOTS
    path = f"/redirect?to={hostile.url('/page/private')}"
    (problem,) = only_source(update_corpus(sources(hostile, {"url": path}), tmp_path)).problems
    assert (problem.url, problem.reason) == (hostile.url(path), "robots_disallowed")
    assert hostile.url("/page/private") in problem.message and hostile.hits["/page/private"] == 0


def test_robots_txt_group_for_figcheck_is_the_one_obeyed(hostile: HostileServer, tmp_path: Path) -> None:
    hostile.robots = b"User-agent: figcheck\nDisallow: /page/not-for-figcheck\n\nUser-agent: *\nDisallow: /\n"
    named, public = update_corpus(sources(hostile, {"url": "/page/not-for-figcheck"}, {"url": "/page/public"}),
                                  tmp_path).sources
    assert [p.reason for p in named.problems] == ["robots_disallowed"]
    assert len(public.new) == 1 and hostile.hits["/page/not-for-figcheck"] == 0


def test_feed_items_disallowed_by_robots_txt_are_reported(hostile: HostileServer, tmp_path: Path) -> None:
    hostile.robots = ROBOTS
    items = [hostile.url("/page/private"), hostile.url("/page/public")]
    query = "&".join(f"item={quote(url, safe='')}" for url in items)
    source = only_source(update_corpus(sources(hostile, {"url": f"/feed?{query}"}), tmp_path))
    assert [(p.url, p.reason) for p in source.problems] == [(items[0], "robots_disallowed")]
    assert len(source.new) == 1 and hostile.hits["/page/private"] == 0


def test_robots_ignore_in_the_sources_file_overrides_robots_txt(hostile: HostileServer, tmp_path: Path) -> None:
    hostile.robots = ROBOTS
    source = only_source(update_corpus(sources(hostile, {"url": "/page/private", "robots": "ignore"}), tmp_path))
    assert source.problems == [] and len(source.new) == 1
    assert hostile.hits["/robots.txt"] == 0


@pytest.mark.parametrize(
    ("robots", "status", "allowed"),
    [
        (None, 404, True),  # no robots.txt: everything allowed
        (b"", 200, True),
        (b"User-agent: *\nDisallow: /\n", 200, False),
        (b"oops", 503, False),  # a server error: assume everything disallowed (RFC 9309)
        (b"nope", 403, True),  # unavailable (4xx): everything allowed (RFC 9309)
    ],
)
def test_robots_txt_answers_are_read_as_the_robots_standard_says(
    hostile: HostileServer, tmp_path: Path, robots: bytes | None, status: int, allowed: bool
) -> None:
    hostile.robots, hostile.robots_status = robots, status
    source = only_source(update_corpus(sources(hostile, {"url": "/page/any"}, retries=0), tmp_path))
    assert (len(source.new) == 1) is allowed
    assert [p.reason for p in source.problems] == ([] if allowed else ["robots_disallowed"])


def test_crawl_delay_in_robots_txt_spaces_requests_to_that_host(hostile: HostileServer, tmp_path: Path) -> None:
    hostile.robots = b"User-agent: *\nCrawl-delay: 1\n"
    update_corpus(sources(hostile, {"url": "/page/one"}, {"url": "/page/two"}, min_interval=0), tmp_path)
    (first,), (second,) = hostile.hit_times["/page/one"], hostile.hit_times["/page/two"]
    assert abs(second - first) >= 0.9


def test_crawl_delay_is_honoured_only_up_to_the_configured_ceiling() -> None:
    from figcheck.fetching.client import PageFetcher
    from figcheck.fetching.robots import RobotsRules
    from figcheck.sources import FetchSettings

    with PageFetcher(FetchSettings(min_interval=0.5, max_crawl_delay=5)) as fetcher:
        rules = RobotsRules(fetcher)
        for text, host, expected in [
            ("User-agent: *\nCrawl-delay: 3\n", "a.example", 3.0),
            ("User-agent: *\nCrawl-delay: 3600\n", "b.example", 5.0),
            ("User-agent: *\nRequest-rate: 1/4\n", "c.example", 4.0),
            ("User-agent: figcheck\nCrawl-delay: 2\n\nUser-agent: *\nCrawl-delay: 9\n", "d.example", 2.0),
            ("User-agent: *\nCrawl-delay: soon\n", "e.example", 0.5),
        ]:
            parser = RobotFileParser()
            parser.parse(text.splitlines())
            rules._honour_delay(f"https://{host}", parser)
            assert fetcher.rate_limit.interval(host) == expected, text


def test_robots_field_in_the_sources_file_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - url: https://a.example/\n    robots: ignore\n", encoding="utf-8")
    assert load_sources(path).sources[0].robots == "ignore"
    path.write_text("sources:\n  - url: https://a.example/\n    robots: never\n", encoding="utf-8")
    with pytest.raises(SourcesError, match=r"line 3.*sources\[0\].*robots"):
        load_sources(path)


def test_shipped_sources_file_documents_the_robots_override() -> None:
    text = (Path(__file__).parents[1] / "corpus" / "sources.yaml").read_text(encoding="utf-8")
    assert "robots: ignore" in text


# --- broken feeds --------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["feed_broken.rss", "feed_wrong_charset.rss"])
def test_broken_feed_still_gives_its_items(fixture: str) -> None:
    base = "http://news.example.org"
    body = (FIXTURES / fixture).read_bytes().replace(b"{base}", base.encode())
    listing = read_listing(body, f"{base}/feed.rss")
    assert listing.kind == "rss"
    assert [item.url for item in listing.items] == [
        f"{base}/news/council-trees", f"{base}/news/harbour-bridge-reopens", f"{base}/news/withdrawn"
    ]
    # A date that cannot be read leaves the item undated, not dropped.
    assert [item.published for item in listing.items] == [
        datetime(2024, 3, 20, 14, 5, tzinfo=UTC), None, datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    ]


def test_broken_feed_is_fetched(site: FixtureSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = site.route

    def with_broken_feed(path: str, headers: dict[str, str]):
        if path == "/broken.rss":
            return 200, {"Content-Type": "application/rss+xml"}, site.fixture("feed_broken.rss")
        return original(path, headers)

    monkeypatch.setattr(site, "route", with_broken_feed)
    source = only_source(update_corpus(sources(site, {"url": "/broken.rss"}), tmp_path))
    assert source.kind == "feed" and len(source.new) == 2
    assert [(p.url, p.reason) for p in source.problems] == [(site.url("/news/withdrawn"), "http_404")]


# --- logging, state files, exit status -----------------------------------------------------


def test_fetch_messages_go_to_the_logger_given(site: FixtureSite, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.fetch.given")
    with caplog.at_level(logging.INFO, logger="test.fetch.given"):
        update_corpus(sources(site, {"url": "/nowhere"}, {"url": "/news/council-trees"}), tmp_path, logger=logger)
    messages = [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.name == "test.fetch.given"]
    assert any(level == logging.WARNING and "/nowhere" in text and "http_404" in text for _, level, text in messages)
    assert any(level == logging.INFO and "/news/council-trees" in text for _, level, text in messages)


def test_flow_logger_outside_a_run_is_the_module_logger() -> None:
    from flows.fetch import run_logger

    assert run_logger() is logging.getLogger("flows.fetch")


@pytest.mark.prefect
def test_fetch_flow_logs_failures_through_the_run_logger(
    prefect_harness, site: FixtureSite, tmp_path: Path
) -> None:
    from flows.fetch import fetch_sources

    path = tmp_path / "sources.yaml"
    listed = sources(site, {"url": "/nowhere"}, {"url": "/news/council-trees"})
    path.write_text(yaml.safe_dump(listed.model_dump(mode="json")), encoding="utf-8")
    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append  # type: ignore[method-assign]
    for name in ("prefect.task_runs", "prefect.flow_runs"):
        logging.getLogger(name).addHandler(handler)
    try:
        summary = fetch_sources(sources=str(path), corpus=str(tmp_path / "corpus"))
    finally:
        for name in ("prefect.task_runs", "prefect.flow_runs"):
            logging.getLogger(name).removeHandler(handler)
    assert summary["failed"] == 1
    task_lines = [r.getMessage() for r in seen if r.name == "prefect.task_runs"]
    assert any("/nowhere" in line and "http_404" in line for line in task_lines), task_lines
    assert any("/news/council-trees" in line for line in task_lines), task_lines


def test_fetch_state_files_are_ignored_by_git() -> None:
    root = Path(__file__).parents[1]
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    for name in ("corpus/.fetch-state.json", "corpus/.fetch.lock", "corpus/.fetch-state.json.tmp123",
                 "elsewhere/.fetch-state.json"):
        result = subprocess.run(["git", "check-ignore", "-q", name], cwd=root, check=False)
        assert result.returncode == 0, f"{name} is not ignored"
    assert subprocess.run(["git", "check-ignore", "-q", "corpus/sources.yaml"], cwd=root, check=False).returncode == 1


def test_fetch_command_fail_on_error_exits_0_when_nothing_failed(site: FixtureSite, tmp_path: Path) -> None:
    from figcheck.cli.app import app
    import figcheck.cli.fetch  # noqa: F401

    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(sources(site, {"url": "/news/council-trees"}).model_dump(mode="json")), encoding="utf-8")
    result = CliRunner().invoke(app, ["fetch", "--sources", str(path), "--corpus", str(tmp_path / "c"), "--fail-on-error"])
    assert result.exit_code == 0, result.output


def test_an_unexpected_error_in_one_page_fails_that_page_only(
    site: FixtureSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import figcheck.fetching.run as fetch_run

    real = fetch_run.extract_article

    def fragile(html: str, url: str):
        if "harbour" in url:
            raise RuntimeError("extractor tripped")
        return real(html, url)

    monkeypatch.setattr(fetch_run, "extract_article", fragile)
    listed = sources(site, {"url": "/news/harbour-bridge-reopens"}, {"url": "/feed.rss", "max_items": 2})
    page, feed = update_corpus(listed, tmp_path).sources
    assert [(p.reason, p.message) for p in page.problems] == [("unexpected_error", "RuntimeError: extractor tripped")]
    assert [(p.url, p.reason) for p in feed.problems] == [(site.url("/news/harbour-bridge-reopens"), "unexpected_error")]
    assert len(feed.new) == 1
