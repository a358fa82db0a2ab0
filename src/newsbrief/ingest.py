"""Input: every source becomes an :class:`Article`; the only module that reads input files.

Batch inputs (:func:`iter_articles`) are streamed: directories, globs, JSONL(.gz), CSV, zip and
tar archives (members read in memory, never extracted, their names never used as paths) and
WARC(.gz) web archives. An item that cannot be read becomes an :class:`Unreadable` carrying
the reason, so one bad article never stops a run.

A source is a file path, ``-`` for standard input, or an http(s) URL (fetched with a timeout and
a size limit). Bytes are decoded as UTF-8, else in the encoding a detector finds; HTML is
recognized by its content, whatever the file is called.
"""

from __future__ import annotations

import csv
import glob
import gzip
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from . import __version__
from .errors import InputError

# One article is at most a few hundred kilobytes of HTML; more is an archive or a wrong file.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = 20.0
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
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1024 * 1024]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    raise InputError(
        f"{source} is not text in any encoding newsbrief can detect",
        "convert it to UTF-8 (e.g. `iconv -f <encoding> -t UTF-8`) and retry",
    )


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


def fetch(url: str, *, timeout: float = FETCH_TIMEOUT) -> Article:
    """Download one article page (at most ``MAX_ARTICLE_BYTES``)."""
    request = urllib.request.Request(url, headers={"User-Agent": f"newsbrief/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_ARTICLE_BYTES + 1)
            declared = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        raise InputError(f"{url} answered {exc.code} {exc.reason}", "check the URL") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(
            f"cannot fetch {url}: {reason}",
            "check the URL and your connection, or save the page and pass the file",
        ) from exc
    slug = re.sub(r"[^A-Za-z0-9]+", "-", url.split("://", 1)[1]).strip("-")[-60:]
    return article_from_bytes(data, source=url, article_id=slug or None, declared=declared)


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
    try:
        with path.open("rb") as handle:
            data = _capped(handle.read, str(path), article_id)
    except OSError as exc:
        error = InputError(f"cannot read {path}: {exc.strerror}", "check its permissions")
        return Unreadable(article_id, str(path), error)
    if isinstance(data, Unreadable):
        return data
    return _article_or_unreadable(data, source=str(path), article_id=article_id)


def _member_id(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return stem if dot and f".{suffix.lower()}" in ARTICLE_SUFFIXES else name


def _walk(root: Path) -> Iterator[Item]:
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.suffix.lower() in ARTICLE_SUFFIXES:
                yield _file_item(path, _member_id(path.relative_to(root).as_posix()))


def _record_item(record: object, source: str, *, text_field: str, id_field: str) -> Item:
    """One JSONL object or CSV row: text (or html), optional id, url."""
    if not isinstance(record, dict):
        error = InputError(f"{source} is not a JSON object", "write one object per line")
        return Unreadable(source, source, error)
    given = record.get(id_field)
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


def _jsonl(path: Path, *, text_field: str, id_field: str) -> Iterator[Item]:
    with _open_maybe_gzip(path) as handle:
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
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                error = InputError(f"line {number} of {path} is not JSON ({exc})", "fix the line")
                yield Unreadable(source, source, error)
                continue
            yield _record_item(record, source, text_field=text_field, id_field=id_field)


def _csv(path: Path, *, text_field: str, id_field: str) -> Iterator[Item]:
    csv.field_size_limit(MAX_ARTICLE_BYTES)
    with _open_maybe_gzip(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        try:
            for number, row in enumerate(csv.DictReader(text), start=2):
                yield _record_item(
                    row, f"{path}:{number}", text_field=text_field, id_field=id_field
                )
        except csv.Error as exc:
            source = f"{path}"
            yield Unreadable(source, source, InputError(f"{path}: {exc}", "fix the CSV"))


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


def _zip(path: Path) -> Iterator[Item]:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.is_dir() and _is_article_name(info.filename):

                def read(limit: int, info: zipfile.ZipInfo = info) -> bytes:
                    with archive.open(info) as member:
                        return member.read(limit)

                yield _member(path, info.filename, info.file_size, read)


def _tar(path: Path) -> Iterator[Item]:
    with tarfile.open(path, "r|*") as archive:  # a stream: members are read in order, once
        for entry in archive:
            if entry.isfile() and _is_article_name(entry.name):
                handle = archive.extractfile(entry)
                read = handle.read if handle is not None else (lambda _: b"")
                yield _member(path, entry.name, entry.size, read)


def _http_body(payload: bytes) -> tuple[int, dict[str, str], bytes]:
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
    if headers.get("content-encoding", "").lower() == "gzip":
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        body = decompressor.decompress(body, MAX_ARTICLE_BYTES + 1)
    return status, headers, body


def _dechunk(body: bytes) -> bytes:
    out, position = bytearray(), 0
    while position < len(body):
        end = body.find(b"\r\n", position)
        if end < 0:
            break
        size = int(body[position:end].split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += body[end + 2 : end + 2 + size]
        position = end + 2 + size + 2
    return bytes(out)


def _warc(path: Path) -> Iterator[Item]:
    """Response records with an HTML payload; other records are skipped."""
    with _open_maybe_gzip(path) as handle:
        while True:
            line = handle.readline(1 << 16)
            if not line:
                return
            if not line.startswith(b"WARC/"):
                continue  # the blank lines between records
            headers: dict[str, str] = {}
            while (header := handle.readline(1 << 16)) not in (b"\r\n", b"\n", b""):
                name, _, value = header.decode("utf-8", "replace").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            uri = headers.get("warc-target-uri", "")
            source = f"{path}#{uri or headers.get('warc-record-id', '?')}"
            wanted = headers.get("warc-type") == "response" and "application/http" in headers.get(
                "content-type", "application/http"
            )
            if not wanted or length > MAX_ARTICLE_BYTES + 65536:
                while length > 0 and (chunk := handle.read(min(length, 1 << 20))):
                    length -= len(chunk)  # skipped without holding it
                if wanted:
                    error = InputError(f"{source} is over 5 MB", "is it an article?")
                    yield Unreadable(uri or source, source, error)
                continue
            status, http_headers, body = _http_body(handle.read(length))
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


def _one_input(path: Path, *, text_field: str, id_field: str) -> Iterator[Item]:
    kind = _suffixes(path)
    try:
        if kind in (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"):
            yield from _jsonl(path, text_field=text_field, id_field=id_field)
        elif kind in (".csv", ".csv.gz"):
            yield from _csv(path, text_field=text_field, id_field=id_field)
        elif path.suffix.lower() == ".zip":
            yield from _zip(path)
        elif kind in (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz") or path.suffix == ".tgz":
            yield from _tar(path)
        elif kind in (".warc", ".warc.gz"):
            yield from _warc(path)
        else:
            yield _file_item(path, path.stem)
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, zlib.error) as exc:
        # A corrupt or truncated archive: what was read before the damage stands.
        source = str(path)
        yield Unreadable(source, source, InputError(f"{path} is damaged: {exc}", "check the file"))


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
