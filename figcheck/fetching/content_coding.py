"""Undoing a response's Content-Encoding (gzip, deflate, in one or more layers) within a size cap.

A few KB of gzip can inflate to gigabytes, and each further layer multiplies that again:
every layer is inflated in small pieces and its output counted as it comes, so a body is
given up as soon as any layer passes the cap, whatever the ratio and the number of layers.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

# Codings sent in Accept-Encoding and undone here ("identity" means none).
SUPPORTED = ("gzip", "deflate")
ACCEPT_ENCODING = ", ".join(SUPPORTED)
# More layers than this is no real server's doing.
MAX_LAYERS = 4
# Bytes one inflate step may produce: bounds the memory a step can take.
_PIECE = 64 * 1024


class ContentCodingError(ValueError):
    """The body cannot be decoded: an unknown coding, too many layers, or corrupt data."""


class TooLarge(ValueError):
    """A layer of the body inflated past the cap."""


def codings(header: str | None) -> list[str]:
    """The codings of a Content-Encoding header in the order to undo them (last applied first)."""
    names = [name.strip().lower() for name in (header or "").split(",")]
    names = [name for name in names if name and name != "identity"]
    for name in names:
        if name not in SUPPORTED and name != "x-gzip":
            raise ContentCodingError(f"unsupported content encoding {name!r} (supported: {ACCEPT_ENCODING})")
    if len(names) > MAX_LAYERS:
        raise ContentCodingError(f"more than {MAX_LAYERS} content encodings stacked: {header!r}")
    return ["gzip" if name == "x-gzip" else name for name in reversed(names)]


class _Inflater:
    """One layer: gzip, or deflate (zlib-wrapped as the standard says, or raw as some servers send)."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._wbits = 16 + zlib.MAX_WBITS if coding == "gzip" else zlib.MAX_WBITS
        self._inflate = zlib.decompressobj(self._wbits)
        self._started = False
        self.produced = 0

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """Yield the output for ``data`` in pieces of at most 64 KB."""
        while data or not self._inflate.eof:
            if self._inflate.eof:
                return  # anything after the end of the stream is ignored, as browsers do
            try:
                piece = self._inflate.decompress(data, _PIECE)
            except zlib.error as exc:
                if self.coding == "deflate" and not self._started:
                    # Raw deflate without the zlib wrapper: start again reading it so.
                    self._wbits, self._started = -zlib.MAX_WBITS, True
                    self._inflate = zlib.decompressobj(self._wbits)
                    continue
                raise ContentCodingError(f"the body is not valid {self.coding} data ({exc})") from None
            self._started = True
            data = self._inflate.unconsumed_tail
            if piece:
                self.produced += len(piece)
                yield piece
            if not data and len(piece) < _PIECE:
                return  # all input used and nothing held back: wait for more


class BodyDecoder:
    """Feed it the raw body in chunks; it keeps the decoded body, refusing past ``limit`` bytes.

    Every layer's output is counted against ``limit``, the innermost layer's being the body.
    """

    def __init__(self, header: str | None, limit: int) -> None:
        self.limit = limit
        self._layers = [_Inflater(name) for name in codings(header)]
        self._body: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> None:
        self._push(0, chunk)

    def body(self) -> bytes:
        return b"".join(self._body)

    def _push(self, level: int, data: bytes) -> None:
        if level == len(self._layers):
            self._size += len(data)
            if self._size > self.limit:
                raise TooLarge(f"more than the cap of {self.limit} bytes once decoded")
            self._body.append(data)
            return
        layer = self._layers[level]
        for piece in layer.pieces(data):
            if layer.produced > self.limit:
                raise TooLarge(
                    f"more than the cap of {self.limit} bytes once decoded "
                    f"(layer {level + 1} of {len(self._layers)}, {layer.coding})"
                )
            self._push(level + 1, piece)
