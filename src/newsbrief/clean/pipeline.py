"""The pipeline: every pass in order over one article (:func:`clean_text`, and
:func:`clean_article` for either content type), its title, and the cleaner's version."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from functools import cache

from .. import budget
from ..errors import TOO_LONG_HINT, InputError
from .chrome import MONTH, TEASER, WEEKDAY, is_chrome_line, remove_chrome
from .footer import cut_footer
from .glued import split_glued
from .mojibake import fix_mojibake
from .options import DEFAULT, CleanOptions
from .page import extract_html
from .records import CleanArticle, Removal
from .watermark import remove_watermarks
from .whitespace import normalize
from .words import looks_english

_DATELINE = re.compile(rf"^(?:{WEEKDAY}\s+)?{MONTH}\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}$", re.I)


def guess_title(text: str, options: CleanOptions = DEFAULT) -> str | None:
    """The first line that reads like a headline: several words, no final full stop."""
    for line in text.splitlines()[:8]:
        words = line.split()
        if (
            4 <= len(words) <= 25
            and not line.endswith((".", "?", "!", ":"))
            and not _DATELINE.match(line)
            and not is_chrome_line(line, options)
            and not TEASER.match(line)
            and sum(c.isalpha() for c in line) > 0.6 * len(line)
        ):
            return line
    return None


@cache
def cleaner_version() -> str:
    """Identifies this cleaner: its source (every module of this package) and the word lists
    and extractors it relies on.

    A stored cleaning result is reused only under the same version, so changing a pass, a
    threshold (the defaults of :class:`CleanOptions`), or upgrading wordfreq, ftfy or
    trafilatura invalidates it without anyone remembering to.
    """
    import hashlib
    from importlib import metadata
    from pathlib import Path

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for package in ("wordfreq", "ftfy", "trafilatura"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()[:16]


def clean_article(
    raw: str,
    content_type: str = "text/plain",
    *,
    max_text: int | None = None,
    options: CleanOptions = DEFAULT,
) -> CleanArticle:
    """Clean an article of either content type: HTML is extracted first, then cleaned as text.
    Text longer than ``max_text`` (plain text as given, or what a page's HTML holds) is an
    input error raised before the text passes run: the size budget of a batch article."""
    if content_type != "text/html":
        _check_size(len(raw), max_text, "")
        return clean_text(raw, options=options)
    with budget.time_budget(options.time_budget), budget.started():
        text, metadata = extract_html(raw, options)
        _check_size(len(text), max_text, " in its HTML")
        budget.check()
        cleaned = clean_text(text, title=metadata.pop("title", None), options=options)
    stats = {"html_chars": len(raw), "extracted_chars": len(text), **cleaned.stats}
    return replace(cleaned, stats=stats, metadata=metadata)


def _check_size(size: int, limit: int | None, where: str) -> None:
    if limit is not None and size > limit:
        raise InputError(
            f"the article holds {size:,} characters of text{where} before cleaning, over the "
            f"limit of {limit:,}",
            TOO_LONG_HINT,
        )


def clean_text(
    raw: str, *, title: str | None = None, options: CleanOptions = DEFAULT
) -> CleanArticle:
    """Run every cleaning pass over ``raw``; ``title`` when the source gave one (HTML)."""
    with budget.time_budget(options.time_budget), budget.started():
        return _clean_text(raw, title, options)


def _repaired(raw: str) -> tuple[str, list[Removal]]:
    """Passes 1 and 2, repeated: repairing mojibake can expose more of it; stop at a fixed
    point (or after three rounds)."""
    removed: list[Removal] = []
    text = raw
    settled: set[str] = set()  # lines the mojibake repair left as they were
    for rounds in range(3):
        before = text
        text, found = fix_mojibake(text, settled)
        removed += found
        budget.check()
        if rounds and text == before:
            break  # normalized text the repair leaves alone normalizes to itself
        text, found = normalize(text)
        removed += found
        budget.check()
        if text == before:
            break
    return text, removed


def _clean_text(raw: str, title: str | None, options: CleanOptions) -> CleanArticle:
    text, removed = _repaired(raw)
    text, found = cut_footer(text, options)
    removed += found
    title = title or guess_title(text, options)
    text, found = remove_chrome(text, title, options)
    removed += found
    if looks_english(text, options):  # the word passes judge words by an English list
        for step in (remove_watermarks, split_glued):
            budget.check()
            text, found = step(text, options)
            removed += found
    title = title or guess_title(text, options)
    kinds = Counter(r.kind for r in removed)
    stats = {
        "raw_chars": len(raw),
        "clean_chars": len(text),
        "paragraphs": text.count("\n\n") + 1 if text else 0,
        "words": len(text.split()),
        "removed": len(removed),
        **{f"removed_{kind}": n for kind, n in sorted(kinds.items())},
    }
    return CleanArticle(title=title, text=text, removed=removed, stats=stats)
