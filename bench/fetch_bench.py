"""How long fetching (and checking) N generated news pages from a server on 127.0.0.1 takes.

    python bench/fetch_bench.py [--pages 200] [--min-interval 0] [--workers 4] [--gzip]

Serves N pages (with menus, footers and comments around the article; gzip-compressed with
--gzip) and a sitemap listing them, fetches them into a temporary corpus, fetches again
(every page answers 304), and checks the corpus (extraction, checkers, report) with the
library pipeline. The server has no robots.txt (404), which a fetch asks for once.
"""

from __future__ import annotations

import argparse
import gzip
import random
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from figcheck.fetching.run import update_corpus
from figcheck.pipeline import check_corpus
from figcheck.sources import FetchSettings, SourceList

ROOT = Path(__file__).resolve().parents[1]
_PLACES = ["Riverside", "Northgate", "Old Harbour", "Millbrook", "Eastfield", "Kingsbridge"]
_THINGS = ["bridge", "hospital wing", "tram line", "library", "flood barrier", "school"]


def article_page(number: int) -> bytes:
    rng = random.Random(number)
    place, thing = rng.choice(_PLACES), rng.choice(_THINGS)
    day = 1 + number % 28
    figures = [rng.randint(2, 90), rng.randint(100, 9000), rng.randint(1950, 2015), rng.randint(2, 30)]
    paragraphs = [
        f"The {place} {thing} opened on Monday after {figures[0]} months of work, officials said, "
        f"at a cost of {figures[1]:,} thousand euros.",
        f"About {figures[1] * 3:,} people are expected to use it every day. The old {thing}, built in "
        f"{figures[2]}, was closed on March {day}, 2023.",
        f"Of the {figures[3] + 20} contractors involved, {figures[3]} were local firms, the council said "
        f"in a statement on {day} April 2024.",
        f"Residents had campaigned for more than {figures[3]} years; the project marks the "
        f"{2024 - figures[2]}th anniversary of the original {thing}.",
    ] * 2
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{place} {thing} opens after {figures[0]} months (story {number})</title>
<meta property="article:published_time" content="2024-04-{day:02d}T08:00:00Z">
<meta property="og:site_name" content="Bench Gazette"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport: 4 live</a></nav>
<article><h1>{place} {thing} opens after {figures[0]} months (story {number})</h1>{body}</article>
<section class="comments"><h2>12 comments</h2><p>First! 100 years too late.</p></section>
<footer>&copy; 2024 Bench Gazette. 1 Main Street.</footer></body></html>""".encode()


def serve(pages: int, compress: bool = False) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            if self.path == "/sitemap.xml":
                urls = "".join(f"<url><loc>{base}/story/{n}</loc></url>" for n in range(pages))
                body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
                self._send(200, "application/xml", body.encode(), None)
            elif self.path.startswith("/story/"):
                number = int(self.path.rsplit("/", 1)[1])
                etag = f'"story-{number}"'
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, "text/html", b"", etag)
                else:
                    body = article_page(number)
                    if compress:
                        self._send(200, "text/html; charset=utf-8", gzip.compress(body), etag, "gzip")
                    else:
                        self._send(200, "text/html; charset=utf-8", body, etag)
            else:
                self._send(404, "text/plain", b"not found", None)

        def _send(self, status: int, content_type: str, body: bytes, etag: str | None,
                  encoding: str | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(len(body)))
            if etag:
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--min-interval", type=float, default=0.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--gzip", action="store_true", help="serve the pages gzip-compressed")
    args = parser.parse_args()

    server, base = serve(args.pages, args.gzip)
    sources = SourceList(
        settings=FetchSettings(min_interval=args.min_interval, workers=args.workers),
        sources=[{"url": f"{base}/sitemap.xml", "kind": "sitemap", "max_items": args.pages}],
    )
    with tempfile.TemporaryDirectory() as tmp:
        corpus = str(Path(tmp) / "corpus")
        started = time.perf_counter()
        first = update_corpus(sources, corpus)
        fetched = time.perf_counter() - started
        started = time.perf_counter()
        second = update_corpus(sources, corpus, force=True)
        refetched = time.perf_counter() - started
        print(f"{args.pages} pages{' (gzip)' if args.gzip else ''}, {args.workers} workers, "
              f"{args.min_interval:g} s between requests to the host")
        print(f"first fetch:  {fetched:6.2f} s  ({first.summary()['fetched']} stored, {len(first.problems)} failed)")
        print(f"second fetch: {refetched:6.2f} s  ({second.summary()['unchanged']} unchanged, answered 304)")
        started = time.perf_counter()
        summary = check_corpus(Path(corpus), ROOT / "reference_data", Path(tmp) / "reports" / "latest")
        checked = time.perf_counter() - started
        print(f"check:        {checked:6.2f} s  ({summary.articles} articles, {summary.claims} claims, "
              f"{summary.errors} errors, {summary.warnings} warnings; the library pipeline, without Prefect)")
        print(f"fetch + check: {fetched + checked:6.2f} s")
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
