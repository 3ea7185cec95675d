"""Which network addresses a fetch may connect to (no requests into the local network).

A feed item, a redirect or a child sitemap can point anywhere, including at this machine
(``127.0.0.1``, ``localhost``), the local network (``10.0.0.0/8``...) or a cloud metadata
service (``169.254.169.254``). Such addresses are connected to only for hosts named in
``sources.yaml``: whoever wrote that file chose them. The check is made on the addresses a
name resolves to, at the moment of connecting, and the connection is made to the address
that was checked, so neither a DNS name pointing at loopback nor a second lookup giving a
different answer gets through.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}

# RFC 6598 shared address space (carrier-grade NAT) is not "private" to the ipaddress module
# but is no more public than 10.0.0.0/8.
_SHARED = ipaddress.ip_network("100.64.0.0/10")


def private_kind(address: str) -> str | None:
    """What kind of non-public address ``address`` is, or None for a public one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_private or (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED):
        return "private"
    if ip.is_reserved or not ip.is_global:
        return "reserved"
    return None


class TrustedHosts:
    """The hosts (and ports) named in sources.yaml, which may resolve to private addresses.

    A URL with an explicit port trusts that port only; one without trusts the web's two
    default ports, so ``http://intranet/`` also covers its ``https://`` twin.
    """

    def __init__(self, urls: Iterable[str] = ()) -> None:
        self._named: set[tuple[str, int | None]] = set()
        for url in urls:
            parts = urlsplit(url)
            if parts.hostname:
                self._named.add((parts.hostname.lower().rstrip("."), parts.port))

    def __contains__(self, host_port: tuple[str, int]) -> bool:
        host, port = host_port
        host = host.lower().strip("[]").rstrip(".")
        return (host, port) in self._named or (port in _DEFAULT_PORTS.values() and (host, None) in self._named)
