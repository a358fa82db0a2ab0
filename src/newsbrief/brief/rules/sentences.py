"""Sentences: where they end, which ones a rule or a question is about, and the lead.

Pure text helpers shared by every strategy: the floor's summary is the body's first sentences,
the focused strategy asks about the sentences a cue word marks, and the summary it chooses is
picked among candidate sentences. Everything returned is a span of the article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ...clean import CleanArticle
from .actors import CAPITALIZED, NOT_ACTORS

# A sentence ends at . ! ? or … (or an editor's "[.]" closing a trimmed quote) and up to two
# closing quotation marks or brackets, which stay with it; the space after it goes, before a
# capital, a digit or an opening mark.
_CLOSE = "[\"'”’)]"


_SENTENCE_END = re.compile(
    "(?:"
    + "|".join(
        f"(?<={end}{close})"
        for end in (r"[.!?…]", r"\[[.!?]\]")
        for close in ("", _CLOSE, _CLOSE * 2)
    )
    + ")"
    + r"\s+(?=[\"'“‘(]?[A-Z0-9])"
)


_ABBREVIATIONS = (
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Prof.",
    "St.",
    "U.S.",
    "U.N.",
    "No.",
    "Jan.",
    "Feb.",
)


_INITIAL = re.compile(r"(?:^|\s)[A-Z]\.$")


QUOTE_MARK = re.compile('[“”"]')


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` in order; each is a verbatim span of one paragraph."""
    sentences: list[str] = []
    for paragraph in text.split("\n\n"):
        paragraph = " ".join(paragraph.split("\n"))
        pieces = _SENTENCE_END.split(paragraph)
        merged: list[str] = []
        for piece in pieces:
            # "Dr." or an initial ("J. R. Smith") does not end a sentence
            if merged and (merged[-1].endswith(_ABBREVIATIONS) or _INITIAL.search(merged[-1])):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        sentences.extend(s.strip() for s in merged if s.strip())
    return sentences


def whole_sentences(text: str) -> str:
    """``text`` without a trailing unfinished sentence (kept whole if it has no full stop)."""
    text = " ".join(text.split())
    sentences = split_sentences(text)
    if len(sentences) > 1 and not sentences[-1].endswith((".", "!", "?", "”", '"', "’")):
        sentences = sentences[:-1]
    return " ".join(sentences)


def select_sentences(
    text: str,
    pattern: re.Pattern[str],
    limit: int,
    exclude: Callable[[str], object] | None = None,
) -> list[str]:
    """Up to ``limit`` sentences that ``pattern`` matches (see :func:`cue_pattern`), in order,
    leaving out those for which ``exclude`` is true (:func:`not_a_commitment`)."""
    chosen: list[str] = []
    for sentence in split_sentences(text):
        if len(sentence.split()) < 6 or (exclude is not None and exclude(sentence)):
            continue
        if pattern.search(sentence) and sentence not in chosen:
            chosen.append(sentence)
            if len(chosen) == limit:
                break
    return chosen


def cue_pattern(cues: Iterable[str]) -> re.Pattern[str]:
    """A pattern matching any of ``cues`` as whole words, in any case."""
    words = sorted((re.escape(c) for c in cues), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)


def is_question(sentence: str) -> bool:
    """The sentence asks (an interviewer's question, a rhetorical one, a quoted question
    "...?" she asked): it states nothing."""
    return (
        sentence.rstrip("\"'”’) ").endswith("?") or re.search(r"\?[\"”’']\s", sentence) is not None
    )


def pack(sizes: list[int], budget: int) -> list[tuple[int, int]]:
    """Greedy runs of consecutive items whose sizes add up to at most ``budget``.

    Returns (start, end) index ranges covering every item in order; an item larger than the
    budget gets a run of its own (the caller splits it further).
    """
    runs: list[tuple[int, int]] = []
    start, total = 0, 0
    for i, size in enumerate(sizes):
        if i > start and total + size > budget:
            runs.append((start, i))
            start, total = i, 0
        total += size
    if sizes:
        runs.append((start, len(sizes)))
    return runs


_NUMBER = re.compile(r"\d")


def summary_candidates(
    sentences: list[str], title: str | None, lead: int = 4, limit: int = 8
) -> list[str]:
    """The sentences a summary may be chosen from, in the article's order.

    The first ``lead`` sentences (news puts the main facts first), then the later sentences that
    carry the most of what a summary needs: names, numbers and the title's words.
    """
    title_words = {w.casefold() for w in re.findall(r"\w{4,}", title or "")}

    def weight(sentence: str) -> float:
        names = {m.group() for m in CAPITALIZED.finditer(sentence)} - NOT_ACTORS
        words = {w.casefold() for w in re.findall(r"\w{4,}", sentence)}
        numbers = len(_NUMBER.findall(sentence)) > 0
        return len(names) + float(numbers) + 2 * len(words & title_words) / max(1, len(title_words))

    rest = sorted(range(lead, len(sentences)), key=lambda i: -weight(sentences[i]))
    chosen = sorted([*range(min(lead, len(sentences))), *rest[: max(0, limit - lead)]])
    return [sentences[i] for i in chosen]


LEAD_SENTENCES = 3  # the floor's summary: the body's first three sentences


def body_sentences(cleaned: CleanArticle) -> list[str]:
    """Sentences of the article's body: the title line and one-line fragments left out."""
    paragraphs = [p for p in cleaned.text.split("\n\n") if p.strip()]
    if paragraphs and cleaned.title and paragraphs[0].strip() == cleaned.title.strip():
        paragraphs = paragraphs[1:]
    sentences = split_sentences("\n\n".join(paragraphs))
    return [s for s in sentences if len(s.split()) >= 3 and s.endswith((".", "!", "?", "”", '"'))]


def lead_summary(cleaned: CleanArticle, count: int = LEAD_SENTENCES) -> str:
    """The first ``count`` sentences of the body."""
    return " ".join(body_sentences(cleaned)[:count])
