"""Records: JSONL (one object a line) and CSV (a header row, then one row an article), plain
or gzipped, in UTF-8, UTF-16 or UTF-32; one bad line or row is one failed record."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from ..errors import InputError
from .article import MAX_ARTICLE_BYTES, Item, Unreadable, article_or_unreadable, open_maybe_gzip


def record_item(record: object, source: str, *, text_field: str, id_field: str) -> Item:
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
    return article_or_unreadable(
        data, source=str(url) if isinstance(url, str) and url else source, article_id=article_id
    )


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


def read_jsonl(path: Path, *, text_field: str, id_field: str) -> Iterator[Item]:
    with open_maybe_gzip(path) as raw:
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
            yield record_item(record, source, text_field=text_field, id_field=id_field)


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


def read_csv(path: Path, *, text_field: str, id_field: str) -> Iterator[Item]:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_ARTICLE_BYTES + 1))
    header: list[str] | None = None
    with open_maybe_gzip(path) as raw:
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
            yield record_item(
                dict(zip(header, row, strict=False)), source, text_field=text_field,
                id_field=id_field,
            )  # fmt: skip
