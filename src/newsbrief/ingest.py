"""Input: every source becomes an :class:`Article`; the only module that reads input files.

Batch inputs (:func:`iter_articles`) are streamed: directories, globs, JSONL(.gz), CSV, zip and
tar archives (members read in memory, never extracted, their names never used as paths) and
WARC(.gz) web archives. An item that cannot be read becomes an :class:`Unreadable` carrying
the reason, so one bad article never stops a run.

A source is a file path, ``-`` for standard input, or an http(s) URL (fetched with a per-read
timeout, a total deadline, a size limit and a redirect policy). Bytes are decoded as UTF-8, else
in the encoding a detector finds (Western single-byte encodings win its ties); HTML is
recognized by its content, whatever the file is called.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import glob
import gzip
import hashlib
import http.client
import io
import ipaddress
import json
import os
import re
import socket
import stat
import sys
import tarfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from . import __version__
from .errors import InputError
from .outside import lossless

# One article is at most a few hundred kilobytes of HTML; more is an archive or a wrong file.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = 20.0  # seconds one read of a URL may wait
FETCH_DEADLINE = 60.0  # seconds a whole fetch may take, redirects included
MAX_REDIRECTS = 5
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAGS = re.compile(
    rb"<(?:p|div|span|a|br|article|section|h[1-6]|li|meta|script)\b[^>]*>", re.IGNORECASE
)
_URL = re.compile(r"^https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    id: str
    source: str
    raw: str
    content_type: str  # "text/plain" or "text/html"
    data_sha256: str = ""  # of the bytes read, before decoding ("" when built from text)
    final_url: str = ""  # a fetched URL after its redirects ("" when not fetched)

    def __post_init__(self) -> None:
        # Names and text from outside may hold lone surrogates (a file name that is not UTF-8,
        # an escape in a JSON record), which no results file can hold: kept as escapes.
        for name in ("id", "source", "raw"):
            object.__setattr__(self, name, lossless(getattr(self, name)))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw.encode("utf-8")).hexdigest()


def looks_like_html(data: bytes) -> bool:
    """HTML by content: a document start, or many tags in the first 4 KB."""
    head = data[:4096]
    return bool(_HTML_START.match(head)) or len(_HTML_TAGS.findall(head)) >= 5


def decode(data: bytes, source: str, declared: str | None = None) -> str:
    """Text from ``data``: UTF-8, the declared charset, or the encoding a detector finds."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            f"{source} looks like a binary file, not an article",
            "pass a text or HTML article",
        )
    for encoding in ("utf-8-sig", declared):
        if encoding:
            try:
                return data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    for encoding in detect_encodings(data[: 1024 * 1024]):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError(
        f"{source} is not text in any encoding newsbrief can detect",
        "convert it to UTF-8 (e.g. `iconv -f <encoding> -t UTF-8`) and retry",
    )


# Western single-byte encodings: on Spanish, Portuguese or short French text the detector's
# scores for cp1250 (Central European) and cp1252 tie, and taking cp1250 turned "año" into
# "ańo". A tie is settled by which decoding spells more known words.
WESTERN_ENCODINGS = ("cp1252", "latin_1", "iso8859_15")
_TIE_LANGUAGES = ("fr", "es", "de", "pt", "it", "nl", "cs", "pl", "hu", "sk", "ro")
_NON_ASCII_WORD = re.compile(r"\w*[^\x00-\x7f\W]\w*")


def _known_words(text: str) -> int:
    """How many distinct words with a non-ASCII letter ``text`` spells as some language does."""
    from wordfreq import zipf_frequency

    words = set(_NON_ASCII_WORD.findall(text[:200_000]))
    return sum(
        any(
            zipf_frequency(w.lower(), language, wordlist="small") > 0 for language in _TIE_LANGUAGES
        )
        for w in list(words)[:300]
    )


def detect_encodings(data: bytes) -> list[str]:
    """Encodings to try for ``data``, most likely first: charset-normalizer's ranking, except
    that a Western encoding scored as likely as its first choice goes first when its decoding
    spells at least as many known words."""
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return []
    ranked = [m.encoding for m in matches if m.encoding]
    if any(e in best.could_be_from_charset for e in WESTERN_ENCODINGS):
        return ranked
    for match in matches:
        if match.chaos <= best.chaos and match.coherence >= best.coherence - 0.001:
            western = [e for e in WESTERN_ENCODINGS if e in match.could_be_from_charset]
            if western and _known_words(str(match)) >= _known_words(str(best)):
                return [western[0], *ranked]
    return ranked


def article_from_bytes(
    data: bytes, *, source: str, article_id: str | None = None, declared: str | None = None
) -> Article:
    """Decode and check raw input; raises :class:`InputError` with a fix for bad input."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(
            f"{source} is over {MAX_ARTICLE_BYTES // (1024 * 1024)} MB, too big for one article",
            "pass a single article (archives of many articles are for batch runs)",
        )
    text = decode(data, source, declared)
    if not text.strip():
        raise InputError(f"{source} is empty", "pass a file, URL or stdin that holds the article")
    content_type = "text/html" if looks_like_html(data) else "text/plain"
    digest = hashlib.sha256(data).hexdigest()
    return Article(
        id=article_id or digest[:16],
        source=source,
        raw=text,
        content_type=content_type,
        data_sha256=digest,
    )


class _Deadline:
    """Shuts every socket of one fetch down when its total time is up: a server that drips a
    byte now and then never trips the per-read timeout, but it cannot outlast this."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


class _Pins:
    """The addresses each host name resolved to during one fetch, looked up once: the redirect
    policy checks them and the connection goes to exactly them. A resolver that answers a public
    address to the check and 127.0.0.1 to the connection (DNS rebinding) cannot swap one for the
    other. The Host header and TLS server name stay the host's name."""

    def __init__(self) -> None:
        self._found: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def addresses(self, host: str) -> list[str]:
        with self._lock:
            if host not in self._found:
                self._found[host] = _addresses(host)
            return self._found[host]


def _watched(base: type[http.client.HTTPConnection], deadline: _Deadline, pins: _Pins) -> Any:
    """``base`` that connects to the pinned addresses of its host (:class:`_Pins`) and hands
    its sockets to ``deadline`` as soon as they connect (before TLS)."""

    class Watched(base):  # type: ignore[valid-type, misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            create: Callable[..., socket.socket] = getattr(self, "_create_connection")  # noqa: B009

            def create_pinned(address: tuple[str, int], *a: Any, **k: Any) -> socket.socket:
                host, port = address[0], address[1]
                found = pins.addresses(host)
                if not found:
                    raise OSError(f"cannot resolve {host}")
                error: OSError | None = None
                for ip in found:  # each address the check saw, in the resolver's order
                    try:
                        sock = create((ip, port), *a, **k)
                    except OSError as exc:
                        error = exc
                        continue
                    deadline.watch(sock)
                    return sock
                assert error is not None
                raise error

            self._create_connection = create_pinned

    return Watched


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline, pins: _Pins) -> None:
        super().__init__()
        self.deadline = deadline
        self.pins = pins

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(_watched(http_class, self.deadline, self.pins), req, **kwargs)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline, pins: _Pins) -> None:
        super().__init__()
        self.deadline = deadline
        self.pins = pins

    def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
        return super().do_open(_watched(http_class, self.deadline, self.pins), req, **kwargs)


class RedirectRefused(Exception):
    """A redirect the fetch policy does not follow."""


def _addresses(host: str) -> list[str]:
    """The addresses ``host`` resolves to, each once, in the resolver's order."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _is_public(host: str, resolve: Callable[[str], list[str]]) -> bool:
    """Every address of ``host`` is a global one (not private, loopback, link-local, ...).
    A host that does not resolve counts as public: fetching it fails anyway."""
    for text in resolve(host):
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            continue
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            return False
    return True


def redirect_refusal(
    source: str, target: str, resolve: Callable[[str], list[str]] | None = None
) -> str | None:
    """Why a redirect from ``source`` to ``target`` is not followed, or None when it may be.

    Only http and https are followed; a public host may not send the fetch to a private,
    loopback or link-local address (the URL the user typed is trusted whatever its host, so a
    local server may redirect within the local network).
    """
    scheme = urllib.parse.urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        return f"to a {scheme or 'relative'} URL (only http and https redirects are followed)"
    resolve = resolve or _addresses
    source_host = urllib.parse.urlsplit(source).hostname or ""
    target_host = urllib.parse.urlsplit(target).hostname or ""
    if _is_public(source_host, resolve) and not _is_public(target_host, resolve):
        return "from a public host to a private, loopback or link-local address"
    return None


class _RedirectPolicy(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, pins: _Pins) -> None:
        super().__init__()
        self.pins = pins

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        why = redirect_refusal(req.full_url, newurl, self.pins.addresses)
        if why is not None:
            fp.close()
            raise RedirectRefused(f"{req.full_url} redirects {why}: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


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


def fetch(url: str, *, timeout: float = FETCH_TIMEOUT, deadline: float | None = None) -> Article:
    """Download one article page (at most ``MAX_ARTICLE_BYTES``) within ``deadline`` seconds
    in all (``FETCH_DEADLINE`` by default), each read waiting at most ``timeout``. Redirects
    follow :func:`redirect_refusal`; the article's ``final_url`` is where they led."""
    limit = FETCH_DEADLINE if deadline is None else deadline
    request = urllib.request.Request(
        url,
        headers={"User-Agent": f"newsbrief/{__version__}", "Accept-Encoding": "gzip, deflate"},
    )
    with _Deadline(limit) as watch:
        pins = _Pins()  # one look-up per host name for the whole fetch, redirects included
        opener = urllib.request.build_opener(
            _HTTPHandler(watch, pins), _HTTPSHandler(watch, pins), _RedirectPolicy(pins)
        )
        try:
            with opener.open(request, timeout=min(timeout, limit)) as response:
                final = str(response.geturl())
                declared = response.headers.get_content_charset()
                body = BodyDecoder.for_header(response.headers.get("Content-Encoding"), url)
                data = bytearray()
                while len(data) <= MAX_ARTICLE_BYTES and not watch.expired:
                    chunk = response.read1(65536)
                    if not chunk:
                        break
                    data += body.feed(chunk, MAX_ARTICLE_BYTES + 1 - len(data))
        except RedirectRefused as exc:
            raise InputError(
                f"not following a redirect: {exc}",
                "pass the final URL yourself if you trust it",
            ) from exc
        except urllib.error.HTTPError as exc:
            if 300 <= exc.code < 400:  # urllib refused the scheme (file:, data:, ...)
                raise InputError(
                    f"not following a redirect of {url}: {exc.reason}",
                    "pass the final URL yourself if you trust it",
                ) from exc
            raise InputError(f"{url} answered {exc.code} {exc.reason}", "check the URL") from exc
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            if watch.expired:
                data, final, declared = bytearray(), url, None
            else:
                reason = getattr(exc, "reason", exc)
                raise InputError(
                    f"cannot fetch {url}: {reason}",
                    "check the URL and your connection, or save the page and pass the file",
                ) from exc
    if watch.expired:
        raise InputError(
            f"{url} did not finish loading within {limit:g} s",
            "the server is too slow: try again later, or save the page and pass the file",
        )
    slug = re.sub(r"[^A-Za-z0-9]+", "-", url.split("://", 1)[1]).strip("-")[-60:]
    article = article_from_bytes(
        bytes(data), source=url, article_id=slug or None, declared=declared
    )
    return replace(article, final_url=final)


def read_source(source: str, stdin: BinaryIO | None = None) -> Article:
    """Read one article from a file path, ``-`` (standard input) or an http(s) URL."""
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return article_from_bytes(stream.read(MAX_ARTICLE_BYTES + 1), source="<stdin>")
    if _URL.match(source):
        return fetch(source)
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
        raise InputError(f"{source}: only http and https URLs are supported", "pass a file or URL")
    path = Path(source)
    if not path.exists():
        raise InputError(f"file not found: {source}", "check the path, or pass - to read stdin")
    if path.is_dir():
        raise InputError(f"{source} is a directory", "pass one article file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ARTICLE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror}", "check its permissions") from exc
    return article_from_bytes(data, source=str(path), article_id=path.stem)


# --- many articles: directories, globs, JSONL, CSV, zip, tar and WARC archives -----------------

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class Unreadable:
    """An input item that could not become an article; the batch records it and goes on."""

    id: str
    source: str
    error: InputError

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", lossless(self.id))
        object.__setattr__(self, "source", lossless(self.source))


Item = Article | Unreadable


def _suffixes(path: Path) -> str:
    return "".join(path.suffixes[-2:]).lower() if len(path.suffixes) > 1 else path.suffix.lower()


def _article_or_unreadable(
    data: bytes, *, source: str, article_id: str, declared: str | None = None
) -> Item:
    try:
        return article_from_bytes(data, source=source, article_id=article_id, declared=declared)
    except InputError as exc:
        return Unreadable(article_id, source, exc)


def _capped(read: Callable[[int], bytes], source: str, article_id: str) -> Unreadable | bytes:
    """Read at most one article's worth; more (a bomb, an archive) is reported, not read."""
    data = read(MAX_ARTICLE_BYTES + 1)
    return _too_big(source, article_id) if len(data) > MAX_ARTICLE_BYTES else data


def _too_big(source: str, article_id: str) -> Unreadable:
    limit = MAX_ARTICLE_BYTES // (1024 * 1024)
    error = InputError(f"{source} is over {limit} MB uncompressed", "is it an article?")
    return Unreadable(article_id, source, error)


def _file_item(path: Path, article_id: str) -> Item:
    """One article file. It is opened without waiting (a FIFO or a device swapped in after the
    folder was listed cannot hang the run) and read only if what was opened is a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return _special(path, article_id, os.fstat(fd).st_mode)
            data = _capped(handle.read, str(path), article_id)
    except OSError as exc:
        error = InputError(f"cannot read {path}: {exc.strerror}", "check its permissions")
        return Unreadable(article_id, str(path), error)
    if isinstance(data, Unreadable):
        return data
    return _article_or_unreadable(data, source=str(path), article_id=article_id)


_SPECIAL_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device",
                  stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}  # fmt: skip


def _special(path: Path, article_id: str, mode: int) -> Unreadable:
    what = _SPECIAL_KINDS.get(stat.S_IFMT(mode), "not a regular file")
    error = InputError(f"{path} is {what}, which is not read", "pass regular files only")
    return Unreadable(article_id, str(path), error)


def _member_id(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return stem if dot and f".{suffix.lower()}" in ARTICLE_SUFFIXES else name


def _walk(root: Path) -> Iterator[Item]:
    """Every article file under ``root``, in name order. The links policy: a symbolic link is
    followed only when it resolves to a regular file inside ``root`` (links to directories are
    not followed); one that leads outside, dangles or loops is a failed record, as a link in an
    archive is. FIFOs, devices and sockets are failed records, never opened for reading."""
    inside = root.resolve()
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.suffix.lower() in ARTICLE_SUFFIXES:
                yield _folder_item(path, inside, _member_id(path.relative_to(root).as_posix()))


def _folder_item(path: Path, inside: Path, article_id: str) -> Item:
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            target = path.resolve(strict=True)
            if not target.is_relative_to(inside):
                error = InputError(f"{path} is a symbolic link to {target}, outside the input "
                                   "folder, which is not followed",
                                   "copy the article into the folder")  # fmt: skip
                return Unreadable(article_id, str(path), error)
            mode = target.stat().st_mode
    except (OSError, RuntimeError) as exc:  # dangling, a loop, or gone since it was listed
        why = getattr(exc, "strerror", None) or str(exc)
        error = InputError(f"cannot read {path}: {why}", "check the link or the file")
        return Unreadable(article_id, str(path), error)
    if not stat.S_ISREG(mode):
        return _special(path, article_id, mode)
    return _file_item(path, article_id)


def _record_item(record: object, source: str, *, text_field: str, id_field: str) -> Item:
    """One JSONL object or CSV row: text (or html), optional id, url."""
    if not isinstance(record, dict):
        error = InputError(f"{source} is not a JSON object", "write one object per line")
        return Unreadable(source, source, error)
    given = record.get(id_field)
    if not isinstance(given, str | int | float | None):
        error = InputError(f"{source}: its {id_field!r} is not a string or a number", "fix it")
        return Unreadable(source, source, error)
    text, html = record.get(text_field), record.get("html")
    content = text if isinstance(text, str) and text.strip() else html
    if not isinstance(content, str):
        article_id = str(given) if given not in (None, "") else source
        error = InputError(
            f"{source} has no {text_field!r} or 'html' text",
            f"name the text field with --text-field (fields: {', '.join(map(str, record))})",
        )
        return Unreadable(article_id, source, error)
    data = content.encode("utf-8")
    article_id = str(given) if given not in (None, "") else hashlib.sha256(data).hexdigest()[:16]
    url = record.get("url")
    return _article_or_unreadable(
        data, source=str(url) if isinstance(url, str) and url else source, article_id=article_id
    )


def _open_maybe_gzip(path: Path) -> BinaryIO:
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


# Byte order marks, longest first (UTF-32 LE's starts as UTF-16 LE's does): the codec that
# reads the mark and the text after it.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF8, "utf-8-sig"),
)


def bom_encoding(raw: BinaryIO) -> str:
    """The encoding of a CSV or JSONL stream by its byte order mark, read without consuming it:
    UTF-32 or UTF-16 (either byte order) or UTF-8 (marked or not, the default)."""
    head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    return next((codec for bom, codec in _BOMS if head.startswith(bom)), "utf-8-sig")


class _Utf8Lines:
    """Lines of a text stream in another encoding, as UTF-8 bytes: the JSONL reader's view of
    a UTF-16 or UTF-32 file, decoded as it is read (``limit`` counts characters)."""

    def __init__(self, text: TextIO) -> None:
        self.text = text

    def readline(self, limit: int) -> bytes:
        return self.text.readline(limit).encode("utf-8")


def _jsonl(path: Path, *, text_field: str, id_field: str) -> Iterator[Item]:
    with _open_maybe_gzip(path) as raw:
        encoding = bom_encoding(raw)
        handle: Any = raw  # UTF-8 (json.loads reads a UTF-8 mark itself)
        if encoding != "utf-8-sig":
            handle = _Utf8Lines(io.TextIOWrapper(raw, encoding, errors="replace", newline="\n"))
        number = 0
        while True:
            line = handle.readline(MAX_ARTICLE_BYTES + 1)
            if not line:
                return
            number += 1
            source = f"{path}:{number}"
            if len(line) > MAX_ARTICLE_BYTES and not line.endswith(b"\n"):
                while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass  # skip the rest of an oversized line without holding it
                error = InputError(f"line {number} of {path} is over 5 MB", "is it an article?")
                yield Unreadable(source, source, error)
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (ValueError, RecursionError) as exc:  # bad JSON or UTF-8, nested too deep
                why = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
                error = InputError(f"line {number} of {path} is not JSON ({why})", "fix the line")
                yield Unreadable(source, source, error)
                continue
            yield _record_item(record, source, text_field=text_field, id_field=id_field)


_CSV_SPECIAL = re.compile(r'[",\n]')
_START, _FIELD, _QUOTED, _QUOTE_IN_QUOTED = range(4)


def csv_records(text: TextIO, limit: int = MAX_ARTICLE_BYTES) -> Iterator[str | None]:
    """The records of CSV ``text`` (a quoted field may span lines), or None for a record of
    more than ``limit`` characters, skipped without holding it. The boundaries follow the csv
    module's default dialect, so one oversized or malformed record never shifts the next."""
    state, size, over = _START, 0, False
    pieces: list[str] = []
    while chunk := text.read(1 << 20):
        start, last = 0, -1
        for match in _CSV_SPECIAL.finditer(chunk):
            at = match.start()
            if at > last + 1 and state in (_START, _QUOTE_IN_QUOTED):
                state = _FIELD  # ordinary characters came in between
            last = at
            char = chunk[at]
            if state == _QUOTED:
                state = _QUOTE_IN_QUOTED if char == '"' else _QUOTED
            elif char == '"':
                state = _FIELD if state == _FIELD else _QUOTED  # a quote inside a field is text
            elif char == ",":
                state = _START
            else:  # a newline outside quotes ends the record
                piece = chunk[start : at + 1]
                over = over or size + len(piece) > limit
                yield None if over else "".join([*pieces, piece])
                state, pieces, size, over, start = _START, [], 0, False, at + 1
        if len(chunk) > last + 1 and state in (_START, _QUOTE_IN_QUOTED):
            state = _FIELD
        rest = chunk[start:]
        size += len(rest)
        over = over or size > limit
        pieces = [] if over else [*pieces, rest]
    if over:
        yield None
    elif "".join(pieces):
        yield "".join(pieces)  # the last record, without a final newline


def _csv(path: Path, *, text_field: str, id_field: str) -> Iterator[Item]:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_ARTICLE_BYTES + 1))
    header: list[str] | None = None
    with _open_maybe_gzip(path) as raw:
        text = io.TextIOWrapper(raw, bom_encoding(raw), errors="replace", newline="")
        for number, record in enumerate(csv_records(text), start=1):
            source = f"{path}:{number}"
            if record is None:
                what = "the header" if header is None else f"record {number}"
                error = InputError(f"{what} of {path} is over 5 MB", "is it an article?")
                yield Unreadable(source, source, error)
                if header is None:
                    return
                continue
            try:
                row = next(csv.reader([record]), [])
            except csv.Error as exc:
                yield Unreadable(source, source, InputError(f"{source}: {exc}", "fix the CSV"))
                continue
            if not row:
                continue  # a blank line
            if header is None:
                header = row
                continue
            yield _record_item(
                dict(zip(header, row, strict=False)), source, text_field=text_field,
                id_field=id_field,
            )  # fmt: skip


def _member(archive: Path, name: str, size: int, read: Callable[[int], bytes]) -> Item:
    """One archive member, read in memory; its declared size is checked before reading, and
    the read is capped too (a declared size can lie: zip bombs)."""
    source, article_id = f"{archive}!{name}", _member_id(name)
    if size > MAX_ARTICLE_BYTES:
        return _too_big(source, article_id)
    try:
        data = _capped(read, source, article_id)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, RuntimeError, zlib.error) as exc:
        return Unreadable(article_id, source, InputError(f"{source}: {exc}", "skip it"))
    if isinstance(data, Unreadable):
        return data
    return _article_or_unreadable(data, source=source, article_id=article_id)


def _is_article_name(name: str) -> bool:
    return Path(name).suffix.lower() in ARTICLE_SUFFIXES


# Members that hold other articles: never opened inside an archive (no archive within an
# archive within an archive), each reported as one failed record instead.
NESTED_SUFFIXES = (
    ".zip", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".jsonl", ".ndjson", ".csv", ".warc", ".7z",
)  # fmt: skip


def _is_nested_name(name: str) -> bool:
    return name.lower().endswith(NESTED_SUFFIXES)


def _not_read(archive: Path, name: str, what: str, hint: str) -> Unreadable:
    source = f"{archive}!{name}"
    return Unreadable(_member_id(name), source, InputError(f"{source} is {what}", hint))


def _nested(archive: Path, name: str) -> Unreadable:
    return _not_read(
        archive, name, "an archive inside the archive, which is not opened",
        "extract it and pass it as an input of its own",
    )  # fmt: skip


def _zip(path: Path) -> Iterator[Item]:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir() or not (
                _is_article_name(info.filename) or _is_nested_name(info.filename)
            ):
                continue
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                yield _not_read(path, info.filename, "a symbolic link, which is not followed",
                                "store the article itself in the archive")  # fmt: skip
            elif not _is_article_name(info.filename):
                yield _nested(path, info.filename)
            else:

                def read(limit: int, info: zipfile.ZipInfo = info) -> bytes:
                    with archive.open(info) as member:
                        return member.read(limit)

                yield _member(path, info.filename, info.file_size, read)


def _tar(path: Path) -> Iterator[Item]:
    with tarfile.open(path, "r|*") as archive:  # a stream: members are read in order, once
        for entry in archive:
            if not (_is_article_name(entry.name) or _is_nested_name(entry.name)):
                continue
            if entry.islnk() or entry.issym():
                kind = "a hard link" if entry.islnk() else "a symbolic link"
                yield _not_read(path, entry.name, f"{kind} to {entry.linkname!r}, which is not "
                                "followed", "store the article itself in the archive")  # fmt: skip
            elif not entry.isfile():
                continue  # devices, fifos: nothing to read
            elif not _is_article_name(entry.name):
                yield _nested(path, entry.name)
            else:
                handle = archive.extractfile(entry)
                read = handle.read if handle is not None else (lambda _: b"")
                yield _member(path, entry.name, entry.size, read)


class PayloadError(ValueError):
    """A WARC record's HTTP payload is malformed or cut short."""


def _http_body(payload: bytes) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of an HTTP response; raises :class:`PayloadError` when the
    body is malformed or shorter than it says."""
    head, _, body = payload.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    else:
        declared = headers.get("content-length", "")
        if re.fullmatch(r"[0-9]{1,15}", declared) and len(body) < int(declared):
            raise PayloadError(f"truncated: {len(body)} of {declared} bytes of its body")
    if headers.get("content-encoding", "").lower() == "gzip":
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            body = decompressor.decompress(body, MAX_ARTICLE_BYTES + 1)
        except zlib.error as exc:
            raise PayloadError(f"its gzip body is damaged ({exc})") from exc
        if not decompressor.eof and len(body) <= MAX_ARTICLE_BYTES:
            raise PayloadError("truncated: its gzip body ends before the end of the stream")
    return status, headers, body


def _dechunk(body: bytes) -> bytes:
    """The body of a chunked transfer; raises :class:`PayloadError` on a malformed size or a
    chunk cut short."""
    out, position = bytearray(), 0
    while position < len(body):
        end = body.find(b"\r\n", position)
        if end < 0:
            raise PayloadError("truncated: a chunk size line without its end")
        text = body[position:end].split(b";")[0].strip()
        if not re.fullmatch(rb"[0-9A-Fa-f]{1,15}", text):
            raise PayloadError(f"bad chunk size {text[:20]!r}")
        size = int(text, 16)
        if size == 0:
            break
        if end + 2 + size > len(body):
            raise PayloadError(f"truncated: a chunk of {size} bytes has {len(body) - end - 2}")
        out += body[end + 2 : end + 2 + size]
        position = end + 2 + size + 2
    return bytes(out)


def _warc(path: Path) -> Iterator[Item]:
    """Response records with an HTML payload; other records are skipped. A record that is
    malformed (bad Content-Length, bad chunking) or cut short is one failed record; the
    reader then goes on at the next ``WARC/`` line."""
    with _open_maybe_gzip(path) as handle:
        while True:
            line = handle.readline(1 << 16)
            if not line:
                return
            if not line.startswith(b"WARC/"):
                continue  # the blank lines between records, or what a bad record left
            headers: dict[str, str] = {}
            try:
                while (header := handle.readline(1 << 16)) not in (b"\r\n", b"\n", b""):
                    name, _, value = header.decode("utf-8", "replace").partition(":")
                    headers[name.strip().lower()] = value.strip()
            except (EOFError, OSError, zlib.error) as exc:
                uri = headers.get("warc-target-uri", "")
                source = f"{path}#{uri or 'the last record'}"
                error = InputError(f"{source} is cut short ({exc})", "fetch the archive again")
                yield Unreadable(uri or source, source, error)
                return
            uri = headers.get("warc-target-uri", "")
            source = f"{path}#{uri or headers.get('warc-record-id', '?')}"
            record_id = uri or source
            wanted = headers.get("warc-type") == "response" and "application/http" in headers.get(
                "content-type", "application/http"
            )

            def failed(message: str, hint: str, source: str = source, record_id: str = record_id
                       ) -> Unreadable:  # fmt: skip
                return Unreadable(record_id, source, InputError(f"{source} {message}", hint))

            declared = headers.get("content-length", "0") or "0"
            if not re.fullmatch(r"[0-9]{1,15}", declared):
                if wanted:
                    yield failed(f"has a bad Content-Length {declared[:40]!r}",
                                 "the record is skipped; fix or drop it")  # fmt: skip
                continue  # the loop looks for the next record's WARC/ line
            length = int(declared)
            if not wanted or length > MAX_ARTICLE_BYTES + 65536:
                while length > 0 and (chunk := handle.read(min(length, 1 << 20))):
                    length -= len(chunk)  # skipped without holding it
                if wanted:
                    yield failed("is over 5 MB", "is it an article?")
                continue
            try:
                payload = handle.read(length)
            except (EOFError, OSError, zlib.error) as exc:
                yield failed(f"is cut short ({exc})", "the archive is truncated; fetch it again")
                return
            if len(payload) < length:
                yield failed(f"is truncated: {len(payload)} of {length} bytes",
                             "the archive is cut short; fetch it again")  # fmt: skip
                return
            if headers.get("warc-truncated"):
                yield failed(f"was truncated by the crawler ({headers['warc-truncated']})",
                             "crawl the page again")  # fmt: skip
                continue
            try:
                status, http_headers, body = _http_body(payload)
            except PayloadError as exc:
                yield failed(f"has a bad HTTP payload: {exc}", "the record is skipped")
                continue
            content_type = http_headers.get("content-type", "")
            if status != 200 or "html" not in content_type.lower():
                continue
            charset = re.search(r"charset=([\w-]+)", content_type)
            yield _article_or_unreadable(
                body,
                source=uri or source,
                article_id=uri or hashlib.sha256(body).hexdigest()[:16],
                declared=charset.group(1) if charset else None,
            )


Reader = Callable[[Path, str, str], Iterator[Item]]  # (path, text field, id field) -> items


def _records_reader(read: Callable[..., Iterator[Item]]) -> Reader:
    return lambda path, text_field, id_field: read(path, text_field=text_field, id_field=id_field)


def _archive_reader(read: Callable[[Path], Iterator[Item]]) -> Reader:
    return lambda path, _text, _id: read(path)


# Which reader reads a file, by its last two suffixes (``.jsonl.gz``) or its last one (``.zip``);
# anything else is one article file. A new input format is a reader and a row here.
READERS: dict[str, Reader] = {
    **dict.fromkeys((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"), _records_reader(_jsonl)),
    **dict.fromkeys((".csv", ".csv.gz"), _records_reader(_csv)),
    ".zip": _archive_reader(_zip),
    **dict.fromkeys((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"), _archive_reader(_tar)),
    **dict.fromkeys((".warc", ".warc.gz"), _archive_reader(_warc)),
}


def reader_for(path: Path) -> Reader | None:
    """The reader of ``path`` by its suffixes (None: an article file)."""
    return READERS.get(_suffixes(path)) or READERS.get(path.suffix.lower())


def _one_input(path: Path, *, text_field: str, id_field: str) -> Iterator[Item]:
    read = reader_for(path)
    try:
        if read is None:
            yield _file_item(path, path.stem)
        else:
            yield from read(path, text_field, id_field)
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, zlib.error) as exc:
        # A corrupt or truncated archive: what was read before the damage stands.
        source = str(path)
        yield Unreadable(source, source, InputError(f"{path} is damaged: {exc}", "check the file"))
    except (ValueError, RecursionError, MemoryError, csv.Error) as exc:
        # A reader met bytes it has no rule for: the file's earlier records stand, and the run
        # goes on with the next input.
        source = str(path)
        why = f"{type(exc).__name__}: {str(exc)[:200]}"
        error = InputError(f"{path} could not be read past this point ({why})", "check the file")
        yield Unreadable(source, source, error)


def check_inputs(inputs: Iterable[str]) -> None:
    """Refuse, before a run starts, an input path that does not exist or a glob that matches
    nothing: a typo is a usage error, not a failed record."""
    for given in inputs:
        if Path(given).exists():
            continue
        if _GLOB_CHARS.search(given):
            if not glob.glob(given, recursive=True):
                raise InputError(f"{given} matches no file", "check the pattern")
            continue
        raise InputError(f"input {given}: no such file or directory", "check the path")


def iter_articles(
    inputs: Iterable[str], *, text_field: str = "text", id_field: str = "id"
) -> Iterator[Item]:
    """Every article in ``inputs`` (files, directories, globs, JSONL/CSV, zip/tar/WARC
    archives), read as a stream: one article in memory at a time."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield from _one_input(path, text_field=text_field, id_field=id_field)
        elif _GLOB_CHARS.search(given):
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                error = InputError(f"{given} matches no file", "check the pattern")
                yield Unreadable(given, given, error)
            for match in matches:
                if Path(match).is_file():
                    yield from _one_input(Path(match), text_field=text_field, id_field=id_field)
        else:
            error = InputError(f"{given}: no such file or directory", "check the path")
            yield Unreadable(given, given, error)
