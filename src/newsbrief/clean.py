"""Cleaning passes: pure functions from raw text to :class:`CleanArticle`, no I/O.

This first version normalizes unicode and whitespace, keeps lines and paragraphs, and cuts the
site footer (with the teasers of other articles that follow it). Every removal is recorded in
``removed`` so nothing is lost silently. Chrome, watermark and glued-word passes extend
:func:`clean_text`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

# Characters that render as nothing: zero-width space/joiners, word joiner, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# C0/C1 control characters other than tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Horizontal whitespace, including no-break and typographic spaces.
_HSPACE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_DATELINE = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+\w+\.?\s+\d{1,2}(st|nd|rd|th)?,?\s+\d{4}$",
    re.IGNORECASE,
)


# Lines that start a site's footer: what follows them is not the article (teasers of other
# articles, comment forms, syndication notes). Matched at the start of a line, any case.
_FOOTER = re.compile(
    r"^(?:related(?:\s+(?:posts?|articles?|stories|news|reading|content|suggestions?|links?))?\s*:?"
    r"|leave a (?:reply|comment)|(?:\d+\s+)?comments?\s*:?|post a comment|add a comment"
    r"|your email address will not be published"
    r"|content comes from\b|(?:this article|this story) (?:was|is|first) (?:originally )?"
    r"(?:published|appeared)\b"
    r"|read (?:more|next|also)\b|more (?:from|on|stories)\b|you (?:may|might) also (?:like|enjoy)\b"
    r"|recommended(?: for you)?\s*:?$|also read\b|see also\b|trending(?: now)?\s*:?$"
    r"|share (?:this|on)\b|follow us\b|subscribe (?:to|now)\b|sign up for\b"
    r"|tags?\s*:|filed under\b)",
    re.IGNORECASE,
)
# A footer marker only counts after this share of the text, so an article that merely mentions
# "related stories" early on is not cut.
FOOTER_MIN_SHARE = 0.3


@dataclass(frozen=True)
class Removal:
    kind: str  # what pass removed it: "invisible", "control", "footer"
    text: str  # the removed text, verbatim
    position: int  # offset in the raw input


@dataclass(frozen=True)
class CleanArticle:
    title: str | None
    text: str
    removed: list[Removal] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "text": self.text,
            "removed": [asdict(r) for r in self.removed],
            "stats": dict(self.stats),
        }


def _record(pattern: re.Pattern[str], kind: str, raw: str) -> list[Removal]:
    return [Removal(kind, m.group(), m.start()) for m in pattern.finditer(raw)]


def normalize(raw: str) -> tuple[str, list[Removal]]:
    """Unicode NFC, no invisible or control characters, one space between words.

    Lines are kept (chrome such as a dateline is often a line of its own); blank lines separate
    paragraphs and several blank lines become one.

    Returns the text and the removals (positions refer to ``raw``).
    """
    removed = _record(_INVISIBLE, "invisible", raw) + _record(_CONTROL, "control", raw)
    removed.sort(key=lambda r: r.position)
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    lines = [_HSPACE.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs), removed


def cut_footer(text: str) -> tuple[str, Removal | None]:
    """Drop everything from the first footer line on (after ``FOOTER_MIN_SHARE`` of the text).

    The removal's position is an offset in ``text`` (the normalized text).
    """
    offset = 0
    for line in text.split("\n"):
        if offset >= FOOTER_MIN_SHARE * len(text) and _FOOTER.match(line):
            kept = text[:offset].rstrip()
            return kept, Removal("footer", text[offset:], offset)
        offset += len(line) + 1
    return text, None


def guess_title(text: str) -> str | None:
    """The first line that reads like a headline: several words, no final full stop."""
    for paragraph in text.splitlines()[:8]:
        words = paragraph.split()
        if (
            4 <= len(words) <= 25
            and not paragraph.endswith((".", "?", "!", ":"))
            and not _DATELINE.match(paragraph)
            and sum(c.isalpha() for c in paragraph) > 0.6 * len(paragraph)
        ):
            return paragraph
    return None


def clean_text(raw: str) -> CleanArticle:
    """Run every cleaning pass over ``raw``."""
    text, removed = normalize(raw)
    text, footer = cut_footer(text)
    if footer:
        removed.append(footer)
    stats = {
        "raw_chars": len(raw),
        "clean_chars": len(text),
        "paragraphs": text.count("\n\n") + 1 if text else 0,
        "words": len(text.split()),
        "removed": len(removed),
    }
    return CleanArticle(title=guess_title(text), text=text, removed=removed, stats=stats)
