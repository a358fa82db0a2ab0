"""Names and text that come from outside (file names, archive members, ids in records, article
text), treated as data.

Two rules, each one function:

- :func:`lossless`: a name is kept as valid Unicode without losing what it was. A file name
  that is not UTF-8 reaches Python with its undecodable bytes as lone surrogates (PEP 383),
  which no UTF-8 file, JSON line or SQLite row can hold; each such byte becomes the text
  ``\\xNN`` (and any other lone surrogate ``\\uNNNN``), so ``caf\\xe9.txt`` names the same file
  in every run and resume finds it again.
- :func:`printable`: what is printed to a terminal cannot drive it. Control characters (escape
  sequences that clear, recolour or retitle a terminal, carriage returns that overwrite a line)
  and the bidirectional overrides that reorder what is shown are printed as ``\\xNN`` or
  ``\\uNNNN`` instead.

Standard library only: the CLI's fast path imports this.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls and DEL, C1 controls, and the bidirectional embeddings, overrides and isolates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped_surrogate(match: re.Match[str]) -> str:
    point = ord(match.group())
    if 0xDC80 <= point <= 0xDCFF:  # an undecodable byte, as os.fsdecode and tarfile keep it
        return f"\\x{point - 0xDC00:02x}"
    return f"\\u{point:04x}"


def lossless(name: str) -> str:
    """``name`` with every lone surrogate written out as an escape (see the module)."""
    if name.isascii():
        return name
    return _SURROGATE.sub(_escaped_surrogate, name)


def _escaped(match: re.Match[str]) -> str:
    point = ord(match.group())
    return f"\\x{point:02x}" if point <= 0xFF else f"\\u{point:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` safe to print on a terminal: control characters (newlines too, unless
    ``keep_newlines``) and bidirectional overrides as escapes; lone surrogates as by
    :func:`lossless`."""
    text = lossless(text)
    if keep_newlines:
        return "\n".join(_UNPRINTABLE.sub(_escaped, line) for line in text.split("\n"))
    return _UNPRINTABLE.sub(_escaped, text)
