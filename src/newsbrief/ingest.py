"""Input: every source becomes an :class:`Article`; the only module that reads input files."""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

MAX_INPUT_BYTES = 50 * 1024 * 1024
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    id: str
    source: str
    raw: str
    content_type: str  # "text/plain" or "text/html"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw.encode("utf-8")).hexdigest()


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(
            f"{source} looks like a binary file, not an article",
            "pass a plain-text article (UTF-8)",
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{source} is not UTF-8 text", "convert it with `iconv -t UTF-8` and retry")


def article_from_bytes(data: bytes, *, source: str, article_id: str | None = None) -> Article:
    """Decode and check raw input; raises :class:`InputError` with a fix for bad input."""
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(
            f"{source} is {len(data) // (1024 * 1024)} MB; articles over "
            f"{MAX_INPUT_BYTES // (1024 * 1024)} MB are refused",
            "split the file into single articles",
        )
    text = _decode(data, source)
    if not text.strip():
        raise InputError(f"{source} is empty", "pass a file or stdin that holds the article text")
    content_type = "text/html" if _HTML_START.match(data[:2048]) else "text/plain"
    if content_type == "text/html":
        raise InputError(
            f"{source} is HTML; this version of newsbrief reads plain text only",
            "save the article as text (e.g. `lynx -dump page.html > article.txt`) and pass that",
        )
    digest = hashlib.sha256(data).hexdigest()[:16]
    return Article(id=article_id or digest, source=source, raw=text, content_type=content_type)


def read_source(source: str, stdin: BinaryIO | None = None) -> Article:
    """Read one article from a file path or ``-`` (standard input)."""
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(MAX_INPUT_BYTES + 1)
        return article_from_bytes(data, source="<stdin>")
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
        raise InputError(
            f"{source} is a URL; this version of newsbrief reads files and stdin only",
            "download the article to a text file and pass its path",
        )
    path = Path(source)
    if not path.exists():
        raise InputError(f"file not found: {source}", "check the path, or pass - to read stdin")
    if path.is_dir():
        raise InputError(f"{source} is a directory", "pass one article file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror}", "check its permissions") from exc
    return article_from_bytes(data, source=str(path), article_id=path.stem)
