"""Honouring robots.txt: may figcheck fetch this URL? (RFC 9309, read by the standard library.)

Each host's robots.txt is fetched once per run, through the run's own ``PageFetcher`` (same
limits, same refusal of private addresses), and read with ``urllib.robotparser`` for the
user agent ``figcheck``. What its answer means follows the standard:

- 2xx: the rules it states;
- 4xx (no robots.txt, or not for us to see): everything allowed;
- 5xx, 429, or a body that cannot be had (too large, cut off): everything disallowed;
- a host that cannot be reached at all: no verdict; fetching the page itself then fails
  with the real reason (``dns``, ``connection``...), which says more than "robots".

A ``Crawl-delay`` (or ``Request-rate``) in the rules that apply to figcheck spaces the
requests to that host further apart, up to ``max_crawl_delay`` seconds (sources.yaml's
settings), so that one host cannot stall a scheduled run.

A source with ``robots: ignore`` in sources.yaml skips all of this.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from figcheck.fetching.client import Download, FetchProblem, PageFetcher

ROBOTS_AGENT = "figcheck"
# RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt.
MAX_ROBOTS_BYTES = 512 * 1024
# No verdict from robots.txt: the page's own fetch will fail and say why.
_UNREACHABLE = {"dns", "connection", "timeout", "invalid_url", "private_address"}


class _Verdict:
    """One host's robots.txt, read: rules, everything allowed, or everything disallowed."""

    def __init__(self, parser: RobotFileParser | None = None, refuse_all: str | None = None) -> None:
        self.parser = parser
        self.refuse_all = refuse_all

    def refusal(self, url: str) -> str | None:
        if self.refuse_all is not None:
            return self.refuse_all
        if self.parser is not None and not self.parser.can_fetch(ROBOTS_AGENT, url):
            return "disallowed by robots.txt"
        return None


class RobotsRules:
    """The robots.txt of every host met in one run, each fetched once (thread-safe)."""

    def __init__(self, fetcher: PageFetcher) -> None:
        self._fetcher = fetcher
        self._verdicts: dict[str, _Verdict] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def refusal(self, url: str, source: str | None = None) -> FetchProblem | None:
        """A ``robots_disallowed`` problem when robots.txt forbids ``url``, else None."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None  # the fetch itself reports the bad URL
        origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        why = self._verdict(origin).refusal(url)
        if why is None:
            return None
        return FetchProblem(url=url, reason="robots_disallowed", source=source,
                            message=f"{why} ({origin}/robots.txt); `robots: ignore` in sources.yaml overrides it")

    def _verdict(self, origin: str) -> _Verdict:
        with self._lock:
            host_lock = self._locks.setdefault(origin, threading.Lock())
        # One download per host even when several threads ask at once.
        with host_lock:
            if origin not in self._verdicts:
                self._verdicts[origin] = self._read(origin)
            return self._verdicts[origin]

    def _read(self, origin: str) -> _Verdict:
        url = f"{origin}/robots.txt"
        answer = self._fetcher.get(url, max_bytes=MAX_ROBOTS_BYTES, accept="text/plain,*/*;q=0.5")
        if isinstance(answer, Download):
            parser = RobotFileParser(url)
            parser.parse(answer.body.decode("utf-8", errors="replace").splitlines())
            self._honour_delay(origin, parser)
            return _Verdict(parser)
        if not isinstance(answer, FetchProblem):  # 304 cannot come: no validators were sent
            return _Verdict()
        if answer.reason in ("http_404", "http_4xx") and answer.status != 429:
            return _Verdict()
        if answer.reason in _UNREACHABLE:
            return _Verdict()
        return _Verdict(refuse_all=f"robots.txt could not be read ({answer.reason}: {answer.message}), "
                                   "which the robots standard says means everything is disallowed")

    def _honour_delay(self, origin: str, parser: RobotFileParser) -> None:
        """Take the host's Crawl-delay / Request-rate for figcheck into the fetcher's rate limit."""
        wanted = 0.0
        try:
            delay = parser.crawl_delay(ROBOTS_AGENT)
            rate = parser.request_rate(ROBOTS_AGENT)
            if delay is not None:
                wanted = max(wanted, float(delay))
            if rate is not None and rate.requests > 0:
                wanted = max(wanted, rate.seconds / rate.requests)
        except (TypeError, ValueError):  # a malformed value is ignored, as the parser does
            return
        host = urlsplit(origin).hostname
        if wanted > 0 and host:
            ceiling = self._fetcher.settings.max_crawl_delay
            self._fetcher.rate_limit.slow_down(host, min(wanted, ceiling))
