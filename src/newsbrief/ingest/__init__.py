"""Input: every source becomes an :class:`Article`; the only package that reads input files.

Batch inputs (:func:`iter_articles`) are streamed: directories, globs, JSONL(.gz), CSV, zip and
tar archives (members read in memory, never extracted, their names never used as paths) and
WARC(.gz) web archives. An item that cannot be read becomes an :class:`Unreadable` carrying
the reason, so one bad article never stops a run.

A source is a file path, ``-`` for standard input, or an http(s) URL (fetched with a per-read
timeout, a total deadline, a size limit and a redirect policy). Bytes are decoded as UTF-8, else
in the encoding a detector finds (Western single-byte encodings win its ties); HTML is
recognized by its content, whatever the file is called.

Modules: ``article`` (decoding, :class:`Article`, :class:`Unreadable`), ``fetching`` (URLs),
``coding`` (gzip/deflate bodies), ``files`` (one source, folders), ``records`` (JSONL, CSV),
``archives`` (zip, tar), ``warc`` (WARC, with FastWARC) and ``readers`` (the suffix-to-reader
table :data:`READERS` and :func:`iter_articles`).
"""

from __future__ import annotations

from .article import (
    ARTICLE_SUFFIXES,
    MAX_ARTICLE_BYTES,
    WESTERN_ENCODINGS,
    Article,
    Item,
    Unreadable,
    article_from_bytes,
    decode,
    detect_encodings,
    looks_like_html,
)
from .coding import BodyDecoder
from .fetching import (
    FETCH_DEADLINE,
    FETCH_TIMEOUT,
    MAX_REDIRECTS,
    RedirectRefused,
    fetch,
    redirect_refusal,
)
from .files import read_source
from .readers import NESTED_SUFFIXES, READERS, Reader, check_inputs, iter_articles, reader_for
from .records import bom_encoding, csv_records
from .warc import PayloadError

__all__ = [
    "ARTICLE_SUFFIXES",
    "FETCH_DEADLINE",
    "FETCH_TIMEOUT",
    "MAX_ARTICLE_BYTES",
    "MAX_REDIRECTS",
    "NESTED_SUFFIXES",
    "READERS",
    "WESTERN_ENCODINGS",
    "Article",
    "BodyDecoder",
    "Item",
    "PayloadError",
    "Reader",
    "RedirectRefused",
    "Unreadable",
    "article_from_bytes",
    "bom_encoding",
    "check_inputs",
    "csv_records",
    "decode",
    "detect_encodings",
    "fetch",
    "iter_articles",
    "looks_like_html",
    "read_source",
    "reader_for",
    "redirect_refusal",
]
