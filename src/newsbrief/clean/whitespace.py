"""2. Characters and whitespace: zero-width and control characters go (``invisible`` and
``control`` removals); whitespace is normalized, lines are kept and blank lines separate
paragraphs."""

from __future__ import annotations

import re
import unicodedata

from .records import Removal

# Characters that render as nothing: zero-width space/joiners, word joiner, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# C0/C1 control characters other than tab, newline and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Horizontal whitespace, including no-break and typographic spaces.
_HSPACE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def _record(pattern: re.Pattern[str], kind: str, raw: str) -> list[Removal]:
    return [Removal(kind, m.group(), m.start()) for m in pattern.finditer(raw)]


def normalize(raw: str) -> tuple[str, list[Removal]]:
    """Unicode NFC, no invisible or control characters, one space between words.

    Lines are kept (chrome such as a dateline is often a line of its own); blank lines separate
    paragraphs and several blank lines become one.
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
