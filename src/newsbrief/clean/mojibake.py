"""1. Mojibake: text decoded with the wrong codec is repaired (ftfy; quotes are left alone)."""

from __future__ import annotations

from .. import budget
from .records import Removal


def fix_mojibake(text: str, settled: set[str] | None = None) -> tuple[str, list[Removal]]:
    """Repair text that went through the wrong codec ("doesnâ€™t" -> "doesn’t"), line by line.

    ``settled`` holds lines already found to need no repair (a repeated pass over the same
    text only looks at the lines normalizing changed); lines found so are added to it."""
    import ftfy

    config = ftfy.TextFixerConfig(
        uncurl_quotes=False,
        fix_character_width=False,
        fix_latin_ligatures=False,
        remove_control_chars=False,
        unescape_html=False,
        normalization=None,
        explain=False,
    )
    out: list[str] = []
    removed: list[Removal] = []
    offset = 0
    for line in text.split("\n"):
        budget.tick()
        if line.isascii() or (settled is not None and line in settled):
            fixed = line
        else:
            fixed = ftfy.fix_text(line, config)
        if fixed != line:
            removed.append(Removal("mojibake", line, offset, fixed))
        elif settled is not None:
            settled.add(line)
        out.append(fixed)
        offset += len(line) + 1
    return "\n".join(out), removed
