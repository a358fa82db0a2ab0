"""Content codings (gzip, deflate, identity) decoded as the bytes arrive and never past a cap:
for fetched pages and for the HTTP responses in a WARC."""

from __future__ import annotations

import zlib
from typing import Any

from ..errors import InputError


class BodyDecoder:
    """A response body in its ``Content-Encoding`` (gzip, deflate or identity), decoded as it
    arrives and never past a cap: a gzip bomb of a few hundred kilobytes inflates only as far
    as the caller asks (``room``), not to its full size."""

    def __init__(self, coding: str, source: str) -> None:
        self.coding = coding
        self.source = source
        self.inflater: Any = None
        self.pending = b""  # the first bytes of a deflate body, until its framing is known

    @classmethod
    def for_header(cls, header: str | None, source: str) -> BodyDecoder:
        codings = [c.strip().lower() for c in (header or "").split(",")]
        codings = [c for c in codings if c not in ("", "identity")]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise InputError(
                f"{source} was sent in {', '.join(map(repr, codings))} encoding, which newsbrief "
                "cannot decode (gzip and deflate only)",
                "save the page with a browser and pass the file",
            )
        return cls(codings[0] if codings else "identity", source)

    @property
    def complete(self) -> bool:
        """Whether the bytes fed so far end where their coding says the body ends."""
        return self.coding == "identity" or bool(self.inflater is not None and self.inflater.eof)

    def feed(self, chunk: bytes, room: int) -> bytes:
        """The decoded bytes of ``chunk`` (and of what came before it), at most ``room``."""
        if self.coding == "identity":
            return chunk
        try:
            return self._inflate(chunk, room)
        except zlib.error as exc:
            raise InputError(
                f"{self.source}: cannot decode its {self.coding} body ({exc})",
                "the page was cut or damaged in transit: try again, or save it and pass the file",
            ) from exc

    def _inflate(self, chunk: bytes, room: int) -> bytes:
        if self.inflater is None:
            self.pending += chunk
            if len(self.pending) < 2:
                return b""
            chunk, self.pending = self.pending, b""
            self.inflater = zlib.decompressobj(self._wbits(chunk))
        out = bytearray()
        while chunk and len(out) < room:
            out += self.inflater.decompress(chunk, room - len(out))
            if self.inflater.unconsumed_tail:
                break  # the cap is reached: the rest is never inflated
            chunk = self.inflater.unused_data
            if chunk:  # another gzip member follows (a concatenated gzip stream)
                self.inflater = zlib.decompressobj(self._wbits(chunk))
        return bytes(out)

    def _wbits(self, head: bytes) -> int:
        if self.coding != "deflate":
            return 16 + zlib.MAX_WBITS  # gzip framing
        # deflate is meant to be zlib-wrapped (RFC 9110); some servers send it raw
        zlib_header = head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
        return zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS
