"""Downloading one URL politely and safely: retries, per-host rate limit, size cap, charset.

Every download ends as a ``Download``, a ``NotModified`` (the server answered 304 to our
ETag / Last-Modified) or a ``FetchProblem`` naming why it failed; nothing here raises for a
page that cannot be had.
"""

from __future__ import annotations

import codecs
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict

import figcheck
from figcheck.sources import FetchSettings

ProblemReason = Literal[
    "invalid_url",
    "dns",
    "connection",
    "timeout",
    "http_404",
    "http_4xx",
    "http_5xx",
    "http_other",
    "redirect_loop",
    "too_many_redirects",
    "not_html",
    "too_large",
    "bad_encoding",
    "bad_listing",
    "no_text",
]


class FetchProblem(BaseModel):
    """A URL that could not be fetched or used, and why (``reason`` is a fixed category)."""

    model_config = ConfigDict(extra="forbid")

    url: str
    reason: ProblemReason
    message: str
    status: int | None = None
    # The source (sources.yaml entry) this URL was reached from.
    source: str | None = None
    attempts: int = 1


@dataclass(frozen=True)
class Download:
    url: str
    final_url: str
    status: int
    body: bytes
    content_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None
    redirects: tuple[str, ...] = ()

    @property
    def media_type(self) -> str:
        return self.content_type.split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class NotModified:
    url: str
    etag: str | None = None
    last_modified: str | None = None


Outcome = Download | NotModified | FetchProblem


class _RetryableStatus(Exception):
    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(status)
        self.status = status
        self.retry_after = retry_after


class _Refused(Exception):
    """A download stopped on purpose (size cap, slow trickle): not worth retrying."""

    def __init__(self, reason: ProblemReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class HostRateLimit:
    """Spaces requests to each host at least ``min_interval`` seconds apart, across threads."""

    def __init__(self, min_interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.min_interval = min_interval
        self._clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        if self.min_interval <= 0:
            return
        # Reserve a slot under the lock, sleep outside it so other hosts are not held up.
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self.min_interval
        if slot > now:
            time.sleep(slot - now)


def user_agent(settings: FetchSettings) -> str:
    return f"figcheck/{figcheck.__version__} (+{settings.contact})"


class PageFetcher:
    """One HTTP client shared by all downloads of a run (thread-safe); use as a context manager."""

    def __init__(self, settings: FetchSettings | None = None, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings or FetchSettings()
        self.rate_limit = HostRateLimit(self.settings.min_interval)
        self._sleep = sleep
        self._client = httpx.Client(
            timeout=httpx.Timeout(
                connect=self.settings.connect_timeout,
                read=self.settings.read_timeout,
                write=self.settings.read_timeout,
                pool=self.settings.connect_timeout,
            ),
            # Redirects are followed by hand, to apply the rate limit to every hop and to
            # tell a loop from a merely long chain.
            follow_redirects=False,
            headers={"User-Agent": user_agent(self.settings)},
        )

    def __enter__(self) -> PageFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        accept: str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    ) -> Outcome:
        """Download ``url``, conditionally when a validator is given; retry only what may pass."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return FetchProblem(url=url, reason="invalid_url", message=f"not an http(s) URL: {url!r}")
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        limit = max_bytes or self.settings.max_bytes
        attempts = self.settings.retries + 1
        for attempt in range(1, attempts + 1):
            delay = min(self.settings.backoff * 2 ** (attempt - 1), self.settings.max_backoff)
            try:
                return self._get_once(url, headers, limit)
            except _RetryableStatus as exc:
                if attempt == attempts:
                    return FetchProblem(
                        url=url,
                        reason="http_5xx",
                        status=exc.status,
                        message=f"HTTP {exc.status} after {attempts} attempt(s)",
                        attempts=attempts,
                    )
                if exc.retry_after is not None:
                    delay = min(max(delay, exc.retry_after), self.settings.max_backoff)
            except _Refused as exc:
                return FetchProblem(url=url, reason=exc.reason, message=exc.message, attempts=attempt)
            except httpx.TimeoutException as exc:
                if attempt == attempts:
                    return FetchProblem(
                        url=url,
                        reason="timeout",
                        message=f"timed out ({type(exc).__name__}) after {attempts} attempt(s)",
                        attempts=attempts,
                    )
            except httpx.TransportError as exc:
                lookup = _lookup_failure(exc)
                if lookup is not None and lookup.errno != socket.EAI_AGAIN:
                    # The name does not exist: asking again will not make it exist.
                    return FetchProblem(url=url, reason="dns", message=f"cannot resolve {parts.hostname}: {lookup}")
                if attempt == attempts:
                    reason: ProblemReason = "dns" if lookup is not None else "connection"
                    return FetchProblem(
                        url=url,
                        reason=reason,
                        message=f"{exc or type(exc).__name__} after {attempts} attempt(s)",
                        attempts=attempts,
                    )
            self._sleep(delay)
        raise AssertionError("unreachable")

    def _get_once(self, url: str, headers: dict[str, str], limit: int) -> Download | NotModified | FetchProblem:
        seen = [url]
        request = self._client.build_request("GET", url, headers=headers)
        while True:
            self.rate_limit.wait(request.url.host)
            response = self._client.send(request, stream=True)
            try:
                # httpx counts 304 among redirects; for us it is the answer to our validators.
                if response.is_redirect and response.status_code != 304:
                    next_request = response.next_request
                    if next_request is None:
                        return FetchProblem(url=url, reason="http_4xx", status=response.status_code,
                                            message=f"HTTP {response.status_code} redirect without a Location")
                    target = str(next_request.url)
                    if next_request.url.scheme not in ("http", "https"):
                        return FetchProblem(url=url, reason="invalid_url", status=response.status_code,
                                            message=f"redirected to a non-web address: {target}")
                    if target in seen:
                        chain = " -> ".join([*seen, target])
                        return FetchProblem(url=url, reason="redirect_loop", status=response.status_code,
                                            message=f"redirect loop: {chain}")
                    if len(seen) > self.settings.max_redirects:
                        return FetchProblem(url=url, reason="too_many_redirects", status=response.status_code,
                                            message=f"more than {self.settings.max_redirects} redirects")
                    seen.append(target)
                    request = next_request
                    continue
                return self._read(url, response, limit, tuple(seen[1:]))
            finally:
                response.close()

    def _read(
        self, url: str, response: httpx.Response, limit: int, redirects: tuple[str, ...]
    ) -> Download | NotModified | FetchProblem:
        status = response.status_code
        if status == 304:
            return NotModified(url=url, etag=response.headers.get("ETag"),
                               last_modified=response.headers.get("Last-Modified"))
        if status >= 500:
            raise _RetryableStatus(status, _retry_after(response.headers.get("Retry-After")))
        if status == 404 or status == 410:
            return FetchProblem(url=url, reason="http_404", status=status, message=f"HTTP {status} (no such page)")
        if not 200 <= status < 300:
            return FetchProblem(url=url, reason="http_4xx" if status >= 400 else "http_other", status=status,
                                message=f"HTTP {status} {response.reason_phrase}".rstrip())
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise _Refused("too_large", f"{int(declared)} bytes declared, more than the cap of {limit}")
        deadline = time.monotonic() + self.settings.total_timeout
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise _Refused("too_large", f"more than the cap of {limit} bytes")
            if time.monotonic() > deadline:
                raise _Refused("timeout", f"still downloading after {self.settings.total_timeout:g} s")
            chunks.append(chunk)
        content_type = response.headers.get("Content-Type", "")
        return Download(
            url=url,
            final_url=str(response.url),
            status=status,
            body=b"".join(chunks),
            content_type=content_type,
            charset=response.charset_encoding,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            redirects=redirects,
        )


def _lookup_failure(exc: BaseException) -> socket.gaierror | None:
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, socket.gaierror):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


# --- text ----------------------------------------------------------------------------------

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


class EncodingProblem(ValueError):
    pass


def decode_html(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """The page's text and the charset used: BOM, then HTTP header, then <meta>, else UTF-8.

    Bytes that do not decode in the declared charset are an error rather than replacement
    characters: a figure with a mangled digit is worse than no figure.
    """
    charset, origin = None, ""
    for bom, name in _BOMS:
        if body.startswith(bom):
            charset, origin, body = name, "byte-order mark", body[len(bom):]
            break
    if charset is None and header_charset:
        charset, origin = header_charset.strip().strip("\"'"), "Content-Type header"
    if charset is None and (match := _META_CHARSET.search(body[:4096])):
        charset, origin = match[1].decode("ascii"), "<meta charset>"
    if charset is None:
        charset, origin = "utf-8", "no charset declared; assumed"
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        raise EncodingProblem(f"unknown charset {charset!r} ({origin})") from None
    try:
        return body.decode(codec.name), codec.name
    except UnicodeDecodeError as exc:
        raise EncodingProblem(
            f"bytes {exc.start}-{exc.end} are not valid {codec.name} ({origin} {charset!r}): {exc.reason}"
        ) from None
