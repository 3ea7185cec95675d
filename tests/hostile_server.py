"""A hostile web server on 127.0.0.1 for the fetch tests: bombs, odd charsets, trickles, traps.

It listens on 127.0.0.1 only, answers each request on its own daemon thread with a socket
timeout, never sends more than ``max_body`` bytes, and shuts itself down after ``lifetime``
seconds even if a test forgets to.

Routes (``{page}`` is the article page the server was given):

- ``/page/<name>``: ``{page}``, plainly;
- ``/encoded/<codings>``: ``{page}`` compressed by each coding of ``<codings>`` in turn
  (``gzip,deflate`` means gzip applied first), ``Content-Encoding`` saying so;
- ``/bomb/<codings>``: ``bomb_size`` bytes of HTML inflated from a few KB in the same way;
- ``/coding/<value>``: ``{page}`` uncompressed, sent with ``Content-Encoding: <value>``;
- ``/corrupt-gzip``: ``Content-Encoding: gzip`` over bytes that are not gzip;
- ``/charset/<name>`` and ``/meta-charset/<name>``: ``{page}`` declared as ``<name>`` in the
  Content-Type header, or in a ``<meta charset>`` with no header charset;
- ``/slow-headers``: one header line every ``header_interval`` seconds, ``header_lines``
  of them, then ``{page}``;
- ``/slow-body``: ``{page}`` in ``header_lines`` parts, one every ``header_interval`` seconds;
- ``/huge``: ``max_body`` bytes with no Content-Length;
- ``/redirect?to=<url>``: a 302 to ``<url>``;
- ``/feed?item=<url>&item=<url>``: an RSS feed listing the given URLs;
- ``/sitemap-index?child=<url>``: a sitemap index listing the given child sitemaps;
- ``/robots.txt``: ``robots`` (with status ``robots_status``) when set, else 404.
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections import Counter, defaultdict
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit


def compress(body: bytes, codings: list[str]) -> bytes:
    for coding in codings:
        body = gzip.compress(body, mtime=0) if coding == "gzip" else zlib.compress(body)
    return body


def bomb(size: int, codings: list[str]) -> bytes:
    """``size`` bytes of an HTML page, compressed by ``codings`` in turn, built in pieces."""
    head, tail = b"<!DOCTYPE html><html><body><p>", b"</p></body></html>"
    first = codings[0]
    packer = zlib.compressobj(9, zlib.DEFLATED, 31 if first == "gzip" else 15)
    parts = [packer.compress(head)]
    block = b" " * (1 << 20)
    for _ in range(size // len(block)):
        parts.append(packer.compress(block))
    parts += [packer.compress(tail), packer.flush()]
    return compress(b"".join(parts), codings[1:])


class HostileServer:
    def __init__(
        self,
        page: bytes,
        *,
        lifetime: float = 300.0,
        bomb_size: int = 200 << 20,
        max_body: int = 2_000_000,
        header_interval: float = 0.5,
        header_lines: int = 20,
    ) -> None:
        self.page = page
        self.bomb_size = bomb_size
        self.max_body = max_body
        self.header_interval = header_interval
        self.header_lines = header_lines
        self.robots: bytes | None = None
        self.robots_status = 200
        self.hits: Counter[str] = Counter()
        # When each request arrived, by path (time.monotonic()).
        self.hit_times: dict[str, list[float]] = defaultdict(list)
        self._bombs: dict[str, bytes] = {}
        self._bomb_lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        host, self.port = self.server.server_address[:2]
        assert host == "127.0.0.1"
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True

    def __enter__(self) -> HostileServer:
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._timer.cancel()
        if self._thread.is_alive():
            self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def bomb_body(self, codings: list[str]) -> bytes:
        key = ",".join(codings)
        with self._bomb_lock:
            if key not in self._bombs:
                self._bombs[key] = bomb(self.bomb_size, codings)
            return self._bombs[key]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10  # a client that stalls cannot hold a thread for long

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                path = parts.path
                site.hits[path] += 1
                site.hit_times[path].append(time.monotonic())
                try:
                    self._route(path, query)
                except (BrokenPipeError, ConnectionResetError, TimeoutError):
                    pass  # the client gave up (size cap, timeout, refusal): as intended

            def _route(self, path: str, query: dict[str, list[str]]) -> None:
                html = "text/html; charset=utf-8"
                if path.startswith("/page/"):
                    return self._send(200, {"Content-Type": html}, site.page)
                if path.startswith("/encoded/"):
                    codings = path.removeprefix("/encoded/").split(",")
                    return self._send(200, {"Content-Type": html, "Content-Encoding": ", ".join(codings)},
                                      compress(site.page, codings))
                if path.startswith("/bomb/"):
                    codings = path.removeprefix("/bomb/").split(",")
                    return self._send(200, {"Content-Type": html, "Content-Encoding": ", ".join(codings)},
                                      site.bomb_body(codings))
                if path.startswith("/coding/"):
                    coding = unquote(path.removeprefix("/coding/"))
                    return self._send(200, {"Content-Type": html, "Content-Encoding": coding}, site.page)
                if path == "/corrupt-gzip":
                    return self._send(200, {"Content-Type": html, "Content-Encoding": "gzip"},
                                      b"\x1f\x8b\x08\x00 this is not a gzip stream at all " * 20)
                if path.startswith("/charset/"):
                    name = path.removeprefix("/charset/")
                    return self._send(200, {"Content-Type": f"text/html; charset={name}"}, site.page)
                if path.startswith("/meta-charset/"):
                    name = path.removeprefix("/meta-charset/").encode("ascii")
                    body = site.page.replace(b'<meta charset="utf-8">', b'<meta charset="' + name + b'">')
                    return self._send(200, {"Content-Type": "text/html"}, body)
                if path == "/slow-headers":
                    return self._slow_headers()
                if path == "/slow-body":
                    return self._slow_body()
                if path == "/huge":
                    return self._huge()
                if path == "/redirect":
                    return self._send(302, {"Location": query["to"][0]}, b"")
                if path == "/feed":
                    items = "".join(f"<item><title>Item {n}</title><link>{escape(url)}</link></item>"
                                    for n, url in enumerate(query.get("item", [])))
                    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
                    return self._send(200, {"Content-Type": "application/rss+xml"}, body.encode())
                if path == "/sitemap-index":
                    children = "".join(f"<sitemap><loc>{escape(url)}</loc></sitemap>" for url in query.get("child", []))
                    body = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                            f"{children}</sitemapindex>")
                    return self._send(200, {"Content-Type": "application/xml"}, body.encode())
                if path == "/robots.txt" and site.robots is not None:
                    return self._send(site.robots_status, {"Content-Type": "text/plain"}, site.robots)
                return self._send(404, {"Content-Type": html}, b"<h1>Not Found</h1>")

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: site.max_body])

            def _slow_headers(self) -> None:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n")
                self.wfile.flush()
                for number in range(site.header_lines):
                    time.sleep(site.header_interval)
                    self.wfile.write(f"X-Trickle-{number}: {'x' * 10}\r\n".encode())
                    self.wfile.flush()
                self.wfile.write(f"Content-Length: {len(site.page)}\r\nConnection: close\r\n\r\n".encode())
                self.wfile.write(site.page)
                self.close_connection = True

            def _slow_body(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(site.page)))
                self.end_headers()
                step = -(-len(site.page) // site.header_lines)
                for start in range(0, len(site.page), step):
                    self.wfile.write(site.page[start:start + step])
                    self.wfile.flush()
                    time.sleep(site.header_interval)

            def _huge(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                block = b"<p>" + b"x" * 65_000 + b"</p>"
                sent = 0
                while sent < site.max_body:
                    self.wfile.write(block)
                    sent += len(block)
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        return Handler
