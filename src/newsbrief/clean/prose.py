"""Prose or chrome: whether a line reads as a sentence of the article. The footer, chrome and
HTML passes protect such lines; a rule needs strong evidence to remove one."""

from __future__ import annotations

from .options import DEFAULT, CleanOptions
from .words import FUNCTION_WORDS, TOKEN

_CLOSING = frozenset("\"'”’)]")


def ends_sentence(line: str) -> bool:
    """Whether ``line`` ends as a sentence does: a final ".", "!", "?" or "…", then any closing
    quotes or brackets, each after at most one space; read from the end (a regex search tried
    every position of a long paragraph)."""
    i = len(line)
    while i and line[i - 1] in _CLOSING:
        i -= 1
        if i and line[i - 1].isspace():
            i -= 1
    return bool(i) and line[i - 1] in ".!?…"


def _function_words(words: list[str], enough: int) -> bool:
    """Whether at least ``enough`` of ``words`` are function words in lower case."""
    found = 0
    for w in words:
        if w[0].islower() and w.strip(",;:()\"'“”") in FUNCTION_WORDS:
            found += 1
            if found >= enough:
                return True
    return False


def is_sentence(line: str, options: CleanOptions = DEFAULT) -> bool:
    """Whether ``line`` reads like prose: at least ``sentence_min_words`` words, a sentence's
    final punctuation, and at least two function words in lower case. Such a line is article
    text unless a rule has strong evidence against it."""
    words = line.split()
    if len(words) < options.sentence_min_words or not ends_sentence(line):
        return False
    return _function_words(words, 2)


def is_prose(line: str, options: CleanOptions = DEFAULT) -> bool:
    """A sentence, or a short one ("Polls show the two parties almost level."): at least four
    words, a final full stop and a function word in lower case; or, its function words lost to
    noise ("Operators must delete thestored records within 90 days."), at least six words, a
    final full stop and mostly words in lower case (``prose_min_lower``)."""
    if is_sentence(line, options):
        return True
    words = line.split()
    if len(words) < 4 or not ends_sentence(line):
        return False
    if _function_words(words, 1):
        return True
    lower = sum(1 for w in words if w[0].islower())
    return len(words) >= 6 and lower >= options.prose_min_lower * len(words)


def _content_words(line: str) -> set[str]:
    return {
        w.lower() for w in TOKEN.findall(line) if len(w) >= 4 and w.lower() not in FUNCTION_WORDS
    }


def is_blurb(line: str, above: str, options: CleanOptions = DEFAULT) -> bool:
    """A sentence that summarizes the headline right above it: it repeats at least
    ``blurb_min_shared`` of the headline's content words (a teaser of another article, not the
    article's last paragraph)."""
    if not above or is_sentence(above, options) or not is_sentence(line, options):
        return False
    headline = _content_words(above)
    shared = len(headline & _content_words(line))
    return len(headline) >= 2 and shared >= options.blurb_min_shared * len(headline)
