"""WARC(.gz) web archives, read with FastWARC: each ``response`` record that holds an HTTP 200
HTML page becomes an article; other records are skipped.

The library walks the records and parses their WARC and HTTP headers and chunked bodies. This
module keeps the rules it has no opinion on, each one failed record, never a short article:
a record over the size cap, a bad ``Content-Length``, a record cut short or marked
``WARC-Truncated``, an HTTP body shorter than it says or in a coding that ends early. The library
stops at the first header it cannot parse; the reader then goes on at the next line that starts
a record (``WARC/``), so junk between records or one damaged header never loses the rest.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ..errors import InputError
from .article import MAX_ARTICLE_BYTES, Item, Unreadable, article_or_unreadable
from .coding import BodyDecoder

if TYPE_CHECKING:
    from fastwarc.warc import HeaderMap, WarcRecord

_BLOCK_CAP = MAX_ARTICLE_BYTES + 65536  # one article and its HTTP head
_KEEP = _BLOCK_CAP + (1 << 20)  # bytes the window keeps behind its reading position
_HEADER_CAP = 1 << 20  # a WARC header block longer than this is a failed record
_READ = 1 << 16
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_LENGTH = re.compile(r"[0-9]{1,15}")
_RECORD_START = b"\nWARC/"
# What the library raises on bytes it cannot parse (its Rust errors arrive as OSError).
LIBRARY_ERRORS = (OSError, ValueError)


class Window:
    """The bytes of a WARC file (its gzip members inflated here) as the stream the library reads.

    It keeps the last bytes read (up to one record over the size cap), so that after a header
    the library cannot parse, :func:`read_warc` can look for the next record start among them
    and hand the library the stream again from there. A gzip stream that ends early or is
    damaged ends the bytes; :attr:`damage` says why. Inflating is capped per read, so a gzip
    bomb never inflates further than the reader asks."""

    def __init__(self, raw: BinaryIO, gzipped: bool) -> None:
        self.raw = raw
        self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
        self.unread = b""  # compressed bytes read from the file and not yet inflated
        self.in_member = False  # inside a gzip member (its end not yet seen)
        self.kept = bytearray()
        self.base = 0  # where ``kept`` starts in the inflated stream
        self.position = 0
        self.ended = False
        self.damage = ""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def close(self) -> None:
        """Nothing to do: :func:`read_warc` closes the file it opened."""

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move within the kept bytes or forward (never before what is kept)."""
        target = {io.SEEK_SET: 0, io.SEEK_CUR: self.position}.get(whence)
        if target is None:
            raise OSError("a WARC window cannot seek from its end")
        self.position = max(self.base, target + offset)
        return self.position

    def read(self, size: int = -1) -> bytes:
        size = size if size >= 0 else _READ
        while self.position + size > self.base + len(self.kept) and self._pull():
            pass
        start = self.position - self.base
        with memoryview(self.kept) as view:  # one copy, not two
            data = bytes(view[start : start + size])
        self.position += len(data)
        return data

    @property
    def end(self) -> int:
        """Where the kept bytes end in the inflated stream."""
        return self.base + len(self.kept)

    def find(self, needle: bytes, start: int, end: int) -> int:
        """Where ``needle`` is among the kept bytes in ``[start, end)`` (-1: not there)."""
        found = self.kept.find(needle, max(start - self.base, 0), max(end - self.base, 0))
        return found + self.base if found >= 0 else -1

    def end_of(self, pattern: re.Pattern[bytes], start: int, end: int) -> int:
        """Where the first match of ``pattern`` among the kept bytes in ``[start, end)`` ends
        (-1: none)."""
        found = pattern.search(self.kept, max(start - self.base, 0), max(end - self.base, 0))
        return found.end() + self.base if found else -1

    def _pull(self) -> bool:
        """Append the next bytes of the file to the kept ones; False at the end."""
        if self.ended:
            return False
        chunk = self.unread or self.raw.read(_READ)
        if not chunk:
            self.ended = True
            if self.in_member:  # what the inflater holds of the cut member still counts
                assert self.inflater is not None
                self.kept += self.inflater.flush()
                self.damage = "the gzip stream ends before its end marker"
            return False
        self.kept += chunk if self.inflater is None else self._inflate(chunk)
        drop = min(len(self.kept) - _KEEP, self.position - self.base)
        if drop > 0:
            del self.kept[:drop]
            self.base += drop
        return True

    def _inflate(self, chunk: bytes) -> bytes:
        assert self.inflater is not None
        self.in_member = True
        try:
            data = self.inflater.decompress(chunk, _READ * 16)
        except zlib.error as exc:
            self.ended, self.damage, self.unread = True, f"its gzip data is damaged ({exc})", b""
            return b""
        self.unread = self.inflater.unconsumed_tail
        if self.inflater.eof:  # crawlers write one gzip member per record
            self.in_member = False
            self.unread = self.inflater.unused_data
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return data


def read_warc(path: Path) -> Iterator[Item]:
    """The articles of a WARC(.gz) file, one failed record per damaged response record, and one
    more for the file when its gzip stream is cut or damaged where no record reported it."""
    from fastwarc.warc import ArchiveIterator  # only WARC inputs load the library

    with path.open("rb") as raw:
        window = Window(raw, gzipped=path.suffix.lower() == ".gz")
        start: int | None = 0
        reported = False
        while start is not None and not reported:
            window.seek(start)
            records = ArchiveIterator(
                window, parse_http=False, strict_mode=False, max_header_len=_HEADER_CAP
            )
            start, reported = yield from _records(records, window, path)
        if window.damage and not reported:
            error = InputError(f"{path} is damaged: {window.damage}", "fetch the archive again")
            yield Unreadable(str(path), str(path), error)


_Records = Generator[Item, None, tuple[int | None, bool]]


def _records(records: Iterator[WarcRecord], window: Window, path: Path) -> _Records:
    """Items until the library stops. Returns where to hand it the stream again (None: the
    end) and whether a record the file's end cuts short was reported."""
    start, last = window.position, None
    try:
        for last in records:
            item = _item(last, path)
            if item is not None:
                yield item
            if window.ended and _block_end(window, last) > window.end:
                if item is None:  # the file ends inside this record: it says so once
                    yield _cut_short(last, path, window.damage or "the file ends inside it")
                return None, True
            if last.content_length == 0 and not _LENGTH.fullmatch(
                last.headers.get("Content-Length") or "0"
            ):  # the library reads a bad length as 0: the record has no known end
                return _next_start(window, _block_end(window, last)), False
    except LIBRARY_ERRORS as exc:  # a header it cannot parse
        if last is not None:  # look past the last good record
            return _next_start(window, _block_end(window, last)), False
        if window.find(b"WARC/", start, start + 5) == start:  # a record, not junk
            source = f"{path}#byte {start}"
            error = InputError(f"{source}: a record whose header cannot be read ({exc})",
                               "the record is skipped; fix or drop it")  # fmt: skip
            yield Unreadable(source, source, error)
        return _next_start(window, start + 1), False
    return None, False


def _block_end(window: Window, record: WarcRecord) -> int:
    """Where ``record`` ends: its header block (a blank line ends it), then its content."""
    head_end = window.end_of(_BLANK_LINE, record.stream_pos, record.stream_pos + _HEADER_CAP)
    if head_end < 0:  # its header runs past what is kept: the file ends inside it
        head_end = window.end + 1
    return head_end + record.content_length


def _cut_short(record: WarcRecord, path: Path, why: str) -> Unreadable:
    uri = record.headers.get("WARC-Target-URI") or ""
    source = f"{path}#{uri or record.headers.get('WARC-Record-ID') or f'byte {record.stream_pos}'}"
    error = InputError(f"{source} is cut short ({why})", "fetch the archive again")
    return Unreadable(uri or source, source, error)


def _next_start(window: Window, after: int) -> int | None:
    """The next line at or after ``after`` that starts a record, or None at the end."""
    window.seek(after - 1)
    looked = window.position
    tail = b""
    while chunk := window.read(_READ):
        at = (tail + chunk).find(_RECORD_START)
        if at >= 0:
            return looked - len(tail) + at + 1
        looked, tail = window.position, chunk[-len(_RECORD_START) :]
    return None


def _headers(fields: HeaderMap) -> dict[str, str]:
    """Header fields by lower-case name (one call into the library, not one per field)."""
    return {name.lower(): value for name, value in fields.to_dict().items()}


def _item(record: WarcRecord, path: Path) -> Item | None:
    """The item of one record; None for a record that holds no article."""
    if str(record.record_type) != "response":
        return None
    headers = _headers(record.headers)
    if "application/http" not in headers.get("content-type", "application/http"):
        return None
    uri = headers.get("warc-target-uri", "")
    source = f"{path}#{uri or headers.get('warc-record-id', '?')}"

    def failed(message: str, hint: str) -> Unreadable:
        return Unreadable(uri or source, source, InputError(f"{source} {message}", hint))

    declared = headers.get("content-length", "0")
    if not _LENGTH.fullmatch(declared):
        return failed(f"has a bad Content-Length {declared[:40]!r}",
                      "the record is skipped; fix or drop it")  # fmt: skip
    if int(declared) > _BLOCK_CAP:
        return failed("is over 5 MB", "is it an article?")
    block = record.reader.read()
    if len(block) < int(declared):
        return failed(f"is truncated: {len(block)} of {declared} bytes",
                      "the archive is cut short; fetch it again")  # fmt: skip
    if truncated := headers.get("warc-truncated"):
        return failed(f"was truncated by the crawler ({truncated})", "crawl the page again")
    try:
        status, content_type, body = _http_message(block, source)
    except (PayloadError, InputError, *LIBRARY_ERRORS) as exc:
        return failed(f"has a bad HTTP payload: {exc}", "the record is skipped")
    if status != 200 or "html" not in content_type.lower():
        return None
    charset = re.search(r"charset=([\w-]+)", content_type)
    return article_or_unreadable(
        body,
        source=uri or source,
        article_id=uri or hashlib.sha256(body).hexdigest()[:16],
        declared=charset.group(1) if charset else None,
    )


class PayloadError(ValueError):
    """A WARC record's HTTP payload is malformed or cut short."""


def _http_message(block: bytes, source: str) -> tuple[int | None, str, bytes]:
    """Status, content type and decoded body of the HTTP response in a record; raises
    :class:`PayloadError` when the body is malformed or shorter than it says."""
    from fastwarc.stream_io import ChunkedReader
    from fastwarc.warc import HeaderMap

    fields = HeaderMap()
    body = block[fields.parse(io.BytesIO(block)) :]
    http = _headers(fields)
    if "chunked" in http.get("transfer-encoding", "").lower():
        try:
            body = ChunkedReader(io.BytesIO(body)).read()
        except LIBRARY_ERRORS as exc:
            cut = "end of file" in str(exc)
            why = "truncated: a chunk cut short" if cut else f"bad chunk size ({exc})"
            raise PayloadError(why) from exc
    else:
        declared = http.get("content-length", "")
        if _LENGTH.fullmatch(declared) and len(body) < int(declared):
            raise PayloadError(f"truncated: {len(body)} of {declared} bytes of its body")
    decoder = BodyDecoder.for_header(http.get("content-encoding"), source)
    body = decoder.feed(body, MAX_ARTICLE_BYTES + 1)
    if len(body) <= MAX_ARTICLE_BYTES and not decoder.complete:
        raise PayloadError(f"truncated: its {decoder.coding} body ends before its end")
    return fields.status_code, http.get("content-type", ""), body
