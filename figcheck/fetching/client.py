"""Downloading one URL politely and safely: retries, per-host rate limit, size cap, charset.

Every download ends as a ``Download``, a ``NotModified`` (the server answered 304 to our
ETag / Last-Modified) or a ``FetchProblem`` naming why it failed; nothing here raises for a
page that cannot be had.

What a hostile server cannot do: keep a request going past ``total_timeout`` (the deadline
covers connecting, the headers and the body: every socket operation gets only the time that
is left), make the body take more than ``max_bytes`` (counted after each layer of
Content-Encoding), or make figcheck connect to a private address that sources.yaml does not
name (checked on the resolved address of every connection, see ``addresses``).
"""

from __future__ import annotations

import codecs
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import httpcore
import httpx
from pydantic import BaseModel, ConfigDict

import figcheck
from figcheck.fetching.addresses import TrustedHosts, private_kind
from figcheck.fetching.content_coding import ACCEPT_ENCODING, BodyDecoder, ContentCodingError, TooLarge
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
    "bad_content_encoding",
    "bad_listing",
    "no_text",
    "private_address",
    "robots_disallowed",
    "unexpected_error",
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


class _NextHop(Exception):
    """A redirect to follow (the next request to send)."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__(str(request.url))
        self.request = request


class _Refused(Exception):
    """A download stopped on purpose (size cap, slow trickle): not worth retrying."""

    def __init__(self, reason: ProblemReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


# The moment the current request must be over by (per thread), set by PageFetcher around
# each exchange and read by every socket operation of it.
_DEADLINE: ContextVar[float | None] = ContextVar("figcheck_fetch_deadline", default=None)


def _time_left(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` shortened to the time left before the deadline; ``expired`` once it has passed."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the total timeout has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the deadline of the request using it."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(ssl_context, server_hostname, _time_left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


def _resolve(host: str, port: int) -> list[tuple]:
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def _look_up(host: str, port: int, timeout: float | None) -> list[tuple]:
    """The host's addresses, or ConnectTimeout once ``timeout`` has passed.

    ``getaddrinfo`` has no timeout of its own and cannot be interrupted, so it runs in a
    daemon thread that is left behind when the answer comes too late.
    """
    outcome: list[Any] = []
    done = threading.Event()

    def work() -> None:
        try:
            outcome.append(_resolve(host, port))
        except BaseException as exc:  # noqa: BLE001 (handed to the waiting thread)
            outcome.append(exc)
        finally:
            done.set()

    threading.Thread(target=work, name=f"figcheck-dns-{host}", daemon=True).start()
    if not done.wait(timeout):
        raise httpcore.ConnectTimeout(f"looking up {host} took longer than {timeout:g} s")
    (result,) = outcome
    if not isinstance(result, BaseException):
        return result
    # Raised again here so that the lookup error stays the context of what httpcore re-raises.
    try:
        raise result
    except socket.gaierror as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc


class _GuardedBackend(httpcore.NetworkBackend):
    """Opens connections only to addresses allowed for the host, within the request's deadline."""

    def __init__(self, trusted: TrustedHosts) -> None:
        self._trusted = trusted
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        found = _look_up(host, port, _time_left(timeout, httpcore.ConnectTimeout))
        addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        if (host, port) not in self._trusted:
            for address in addresses:
                kind = private_kind(address)
                if kind is not None:
                    shown = f"{host}:{port}" + ("" if host == address else f" (which resolves to {address})")
                    raise _Refused(
                        "private_address",
                        f"refused to connect to {shown}: a {kind} address, fetched only from hosts "
                        f"named in sources.yaml",
                    )
        # Connect to the address just checked, never to a name looked up again.
        error: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                stream = self._backend.connect_tcp(
                    address, port, _time_left(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                error = exc
                continue
            return _DeadlineStream(stream)
        raise error or httpcore.ConnectError(f"no address found for {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("figcheck does not fetch over unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, trusted: TrustedHosts) -> None:
        super().__init__(trust_env=False)
        # httpx has no public way to choose the network backend: replace the pool it built
        # with the same pool over the guarded backend.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(trusted),
        )


class HostRateLimit:
    """Spaces requests to each host at least ``min_interval`` seconds apart, across threads.

    A host may ask for more (robots.txt's Crawl-delay): ``slow_down`` raises its own interval.
    """

    def __init__(self, min_interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.min_interval = min_interval
        self._clock = clock
        self._next: dict[str, float] = {}
        self._intervals: dict[str, float] = {}
        self._lock = threading.Lock()

    def interval(self, host: str) -> float:
        return self._intervals.get(host, self.min_interval)

    def slow_down(self, host: str, seconds: float) -> None:
        """Space requests to ``host`` at least ``seconds`` apart (never less than ``min_interval``)."""
        with self._lock:
            self._intervals[host] = max(self.min_interval, seconds, self._intervals.get(host, 0.0))

    def wait(self, host: str) -> None:
        interval = self.interval(host)
        if interval <= 0:
            return
        # Reserve a slot under the lock, sleep outside it so other hosts are not held up.
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + interval
        if slot > now:
            time.sleep(slot - now)


def user_agent(settings: FetchSettings) -> str:
    return f"figcheck/{figcheck.__version__} (+{settings.contact})"


class PageFetcher:
    """One HTTP client shared by all downloads of a run (thread-safe); use as a context manager.

    ``trusted_urls`` are the URLs of sources.yaml: their hosts may be on private addresses
    (see ``addresses``). No proxy is used, whatever the environment says: a proxy would
    resolve names itself, out of reach of that check.
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        trusted_urls: Iterable[str] = (),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or FetchSettings()
        self.rate_limit = HostRateLimit(self.settings.min_interval)
        self._sleep = sleep
        self._client = httpx.Client(
            transport=_GuardedTransport(TrustedHosts(trusted_urls)),
            timeout=httpx.Timeout(
                connect=self.settings.connect_timeout,
                read=self.settings.read_timeout,
                write=self.settings.read_timeout,
                pool=self.settings.connect_timeout,
            ),
            # Redirects are followed by hand, to apply the rate limit to every hop and to
            # tell a loop from a merely long chain.
            follow_redirects=False,
            headers={"User-Agent": user_agent(self.settings), "Accept-Encoding": ACCEPT_ENCODING},
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
        may_follow: Callable[[str], FetchProblem | None] | None = None,
    ) -> Outcome:
        """Download ``url``, conditionally when a validator is given; retry only what may pass.

        ``may_follow`` is asked about every redirect target before it is requested (robots.txt);
        a problem it returns ends the download.
        """
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
                return self._get_once(url, headers, limit, may_follow)
            except httpx.InvalidURL as exc:
                return FetchProblem(url=url, reason="invalid_url", message=f"not a usable URL: {exc}")
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

    def _get_once(
        self, url: str, headers: dict[str, str], limit: int, may_follow: Callable[[str], FetchProblem | None] | None
    ) -> Download | NotModified | FetchProblem:
        seen = [url]
        request = self._client.build_request("GET", url, headers=headers)
        while True:
            self.rate_limit.wait(request.url.host)
            # The deadline starts after our own politeness wait, once per hop.
            deadline = time.monotonic() + self.settings.total_timeout
            token = _DEADLINE.set(deadline)
            try:
                return self._exchange(url, request, seen, limit, may_follow)
            except _NextHop as hop:
                request = hop.request
            except httpx.TimeoutException:
                if time.monotonic() >= deadline - 0.05:
                    raise _Refused(
                        "timeout",
                        f"no complete answer within the total timeout of {self.settings.total_timeout:g} s "
                        "(connecting, headers and body together)",
                    ) from None
                raise
            finally:
                _DEADLINE.reset(token)

    def _exchange(
        self,
        url: str,
        request: httpx.Request,
        seen: list[str],
        limit: int,
        may_follow: Callable[[str], FetchProblem | None] | None,
    ) -> Download | NotModified | FetchProblem:
        """One request and its answer; a redirect to follow raises ``_NextHop``."""
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
                if may_follow is not None and (refused := may_follow(target)) is not None:
                    return refused.model_copy(update={"url": url, "status": response.status_code,
                                                      "message": f"redirected to {target}: {refused.message}"})
                seen.append(target)
                raise _NextHop(next_request)
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
        try:
            decoder = BodyDecoder(response.headers.get("Content-Encoding"), limit)
            size = 0
            # Raw bytes, decoded here layer by layer: httpx would inflate a whole chunk at once.
            for chunk in response.iter_raw():
                size += len(chunk)
                if size > limit:
                    raise _Refused("too_large", f"more than the cap of {limit} bytes")
                decoder.feed(chunk)
        except TooLarge as exc:
            raise _Refused("too_large", str(exc)) from None
        except ContentCodingError as exc:
            raise _Refused("bad_content_encoding", str(exc)) from None
        content_type = response.headers.get("Content-Type", "")
        return Download(
            url=url,
            final_url=str(response.url),
            status=status,
            body=decoder.body(),
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
    # rot13, base64, hex, zlib... are codecs too, but they turn bytes into bytes or text into
    # text: none of them is a character set a page can be written in.
    if not getattr(codec, "_is_text_encoding", True):
        raise EncodingProblem(f"charset {charset!r} ({origin}) is not a text encoding") from None
    try:
        return body.decode(codec.name), codec.name
    except LookupError:
        raise EncodingProblem(f"charset {charset!r} ({origin}) is not a text encoding") from None
    except UnicodeDecodeError as exc:
        raise EncodingProblem(
            f"bytes {exc.start}-{exc.end} are not valid {codec.name} ({origin} {charset!r}): {exc.reason}"
        ) from None
