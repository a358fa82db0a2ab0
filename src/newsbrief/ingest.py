"""Input: every source becomes an :class:`Article`; the only module that reads input files.

A source is a file path, ``-`` for standard input, or an http(s) URL (fetched with a timeout and
a size limit). Bytes are decoded as UTF-8, else in the encoding a detector finds; HTML is
recognized by its content, whatever the file is called.
"""

from __future__ import annotations

import hashlib
import re
import sys
import urllib.error
import urllib.request
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
