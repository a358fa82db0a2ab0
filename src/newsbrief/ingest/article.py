"""One article: its bytes decoded (UTF-8, a declared charset or a detected one), HTML
recognized by content, and the failed item a reader yields in its place."""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..outside import lossless

# One article is at most a few hundred kilobytes of HTML; more is an archive or a wrong file.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAGS = re.compile(
    rb"<(?:p|div|span|a|br|article|section|h[1-6]|li|meta|script)\b[^>]*>", re.IGNORECASE
)


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


def article_or_unreadable(
    data: bytes, *, source: str, article_id: str, declared: str | None = None
) -> Item:
    """The article of ``data``, or the failed item saying why it is not one."""
    try:
        return article_from_bytes(data, source=source, article_id=article_id, declared=declared)
    except InputError as exc:
        return Unreadable(article_id, source, exc)


def read_capped(read: Callable[[int], bytes], source: str, article_id: str) -> Unreadable | bytes:
    """Read at most one article's worth; more (a bomb, an archive) is reported, not read."""
    data = read(MAX_ARTICLE_BYTES + 1)
    return too_big(source, article_id) if len(data) > MAX_ARTICLE_BYTES else data


def too_big(source: str, article_id: str) -> Unreadable:
    limit = MAX_ARTICLE_BYTES // (1024 * 1024)
    error = InputError(f"{source} is over {limit} MB uncompressed", "is it an article?")
    return Unreadable(article_id, source, error)


def article_id_of(name: str) -> str:
    """The id of a file or member named ``name``: the name without an article suffix."""
    stem, dot, suffix = name.rpartition(".")
    return stem if dot and f".{suffix.lower()}" in ARTICLE_SUFFIXES else name


def open_maybe_gzip(path: Path) -> BinaryIO:
    """``path`` opened for reading, inflated as it is read when it ends in ``.gz``."""
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")
