"""Pure checks of a brief's quotes and evidence against the cleaned article text.

A direct quote or an ``evidence`` excerpt is *grounded* when it appears verbatim in the article
after both sides are normalized the same way: unicode NFKC, curly quotes and apostrophes made
straight, dashes made hyphens, whitespace collapsed, case folded, and surrounding quotation marks
and final punctuation of the excerpt ignored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .schemas import Brief, verbatim_excerpts

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
    }
)  # fmt: skip
_SPACE = re.compile(r"\s+")
_EDGE = " \"'.,;:!?"


def normalize(text: str) -> str:
    """The form in which excerpts and article are compared."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip().casefold()


def is_grounded(excerpt: str, normalized_source: str) -> bool:
    """True when ``excerpt`` occurs in the source (already passed through :func:`normalize`)."""
    needle = normalize(excerpt).strip(_EDGE)
    return bool(needle) and needle in normalized_source


_QUOTE_CHARS = "\"'\u2018\u2019\u201c\u201d\u00ab\u00bb"
_QUOTE_CLASS = f"[{_QUOTE_CHARS}]"


def locate(excerpt: str, text: str) -> tuple[int, int, str] | None:
    """Where ``excerpt`` is in ``text``, at word boundaries: ``(start, end, "exact")`` when it
    is there verbatim
    (its surrounding quotation marks and final punctuation aside), else ``(start, end, "fuzzy")``
    when it is there with other runs of spaces, other quotation marks or other case (the way
    grounding compares them); None when it is not there."""
    excerpt = excerpt.strip().strip(_QUOTE_CHARS).rstrip(".,;:!?").strip()
    if not excerpt:
        return None
    edges = (r"(?<!\w)" if excerpt[0].isalnum() else "", r"(?!\w)" if excerpt[-1].isalnum() else "")
    exact = re.search(edges[0] + re.escape(excerpt) + edges[1], text)
    if exact:
        return exact.start(), exact.end(), "exact"
    parts = [
        "".join(_QUOTE_CLASS if c in _QUOTE_CHARS else re.escape(c) for c in word)
        for word in excerpt.split()
    ]
    found = re.search(edges[0] + r"\s+".join(parts) + edges[1], text, re.IGNORECASE)
    return (found.start(), found.end(), "fuzzy") if found else None


@dataclass
class GroundingReport:
    checked: int = 0
    grounded: int = 0
    ungrounded: list[dict[str, str]] = field(default_factory=list)
    # where each grounded excerpt is: {"path", "start", "end", "alignment": exact|fuzzy}
    spans: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "grounded": self.grounded,
            "ungrounded": list(self.ungrounded),
            "spans": list(self.spans),
        }


def excerpts(brief: Brief) -> list[tuple[str, str]]:
    """Every (path, text) in the brief that must be a verbatim excerpt of the article (the
    schema's ``VERBATIM`` fields: :func:`newsbrief.brief.schemas.verbatim_excerpts`)."""
    return verbatim_excerpts(brief)


def names(brief: Brief) -> list[tuple[str, str]]:
    """Every (path, name) that must be written in the article."""
    return [(f"quoted_experts[{i}].name", e.name) for i, e in enumerate(brief.quoted_experts)]


def check_brief(brief: Brief, source_text: str) -> GroundingReport:
    """Check every excerpt and expert name of ``brief`` against ``source_text``."""
    source = normalize(source_text)
    report = GroundingReport()
    spans = dict(excerpts(brief))
    for path, text in excerpts(brief) + names(brief):
        report.checked += 1
        if is_grounded(text, source):
            report.grounded += 1
            where = locate(text, source_text) if path in spans else None
            if where is not None:
                start, end, alignment = where
                report.spans.append(
                    {"path": path, "start": start, "end": end, "alignment": alignment}
                )
        else:
            report.ungrounded.append({"path": path, "text": text, "reason": "not in the article"})
    return report


def drop_ungrounded(brief: Brief, source_text: str) -> tuple[Brief, list[dict[str, str]]]:
    """``brief`` without what is not in the source, and what was dropped (path, text, reason).

    A pledge or position goes with its evidence; a direct quote on its own; an expert when the
    name is not in the article or no quote is left.
    """
    source = normalize(source_text)
    dropped: list[dict[str, str]] = []

    def keep(path: str, text: str) -> bool:
        if is_grounded(text, source):
            return True
        dropped.append({"path": path, "text": text, "reason": "not in the article"})
        return False

    pledges = [p for i, p in enumerate(brief.pledges) if keep(f"pledges[{i}].evidence", p.evidence)]
    positions = [
        p for i, p in enumerate(brief.positions) if keep(f"positions[{i}].evidence", p.evidence)
    ]
    experts = []
    for i, expert in enumerate(brief.quoted_experts):
        if not keep(f"quoted_experts[{i}].name", expert.name):
            continue
        quotes = [
            q
            for j, q in enumerate(expert.quotes)
            if q.kind != "direct" or keep(f"quoted_experts[{i}].quotes[{j}].text", q.text)
        ]
        if quotes:
            experts.append(expert.model_copy(update={"quotes": quotes}))
        else:
            dropped.append(
                {"path": f"quoted_experts[{i}]", "text": expert.name, "reason": "no quote left"}
            )
    kept = brief.model_copy(
        update={"pledges": pledges, "positions": positions, "quoted_experts": experts}
    )
    return kept, dropped


# --- summary support ------------------------------------------------------------------------------
# A summary is written, not quoted, so it cannot be checked verbatim. A sentence of it is
# *supported* when what a reader would take as fact is found in the article: every number, every
# name (a capitalised word not at the start of the sentence), and most of its content words.

_STOPWORDS = frozenset(
    "a an the and or but if of in on at to for from by with as is are was were be been being has"
    " have had do does did will would shall should can could may might must not no it its this"
    " that these those there their they them he she his her we our you your i which who whom"
    " whose what when where while also than then so such into over after before about between"
    " against during under up down out more most other some any each both all many much very"
    " said says say told".split()
)
_WORD = re.compile(r"[^\W\d_](?:[\w'-]*\w)?")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
SUPPORT_SHARE = 0.75  # content words of a summary sentence that must be in the article


def _stem(word: str) -> str:
    """A crude stem: enough to match "pledged" with "pledge" and "countries" with "country".

    nltk's Porter stemmer would do it better, but importing it takes 1.5 s here (measured with
    ``python -X importtime``), for a check that only needs inflections to meet."""
    word = word.casefold().removesuffix("'s")
    for suffix in ("ies", "ied", "ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    # "approve"/"approved" and "city"/"cities" meet at "approv" and "cit".
    return word[:-1] if len(word) > 4 and word[-1] in "ey" else word


@dataclass(frozen=True)
class ArticleVocabulary:
    """The article's words, stems and numbers, computed once per article."""

    words: frozenset[str]
    stems: frozenset[str]
    numbers: frozenset[str]

    @classmethod
    def of(cls, text: str) -> ArticleVocabulary:
        source = normalize(text)
        words = frozenset(_WORD.findall(source))
        numbers = frozenset(n.replace(",", "") for n in _NUMBER.findall(source))
        return cls(words, frozenset(_stem(w) for w in words), numbers)


def unsupported_reason(sentence: str, vocabulary: ArticleVocabulary) -> str | None:
    """Why ``sentence`` is not supported by the article, or None when it is."""
    text = unicodedata.normalize("NFKC", sentence).translate(_QUOTES)
    for number in _NUMBER.findall(text):
        if number.replace(",", "") not in vocabulary.numbers:
            return f"the number {number} is not in the article"
    tokens = list(_WORD.finditer(text))
    for i, match in enumerate(tokens):
        word = match.group()
        mid_sentence = i > 0 and not re.search(r"[.!?:]\s*$", text[: match.start()])
        known = word.casefold() in vocabulary.words or _stem(word) in vocabulary.stems
        if mid_sentence and word[0].isupper() and not known:
            return f"the name {word!r} is not in the article"
    content = [m.group() for m in tokens if m.group().casefold() not in _STOPWORDS]
    if content:
        found = sum(
            1 for w in content if w.casefold() in vocabulary.words or _stem(w) in vocabulary.stems
        )
        if found / len(content) < SUPPORT_SHARE:
            missing = [w for w in content if _stem(w) not in vocabulary.stems][:4]
            return f"words not in the article: {', '.join(missing)}"
    return None


def summary_support(
    sentences: list[str], source_text: str
) -> tuple[list[str], list[tuple[str, str]]]:
    """The summary ``sentences`` the article supports, and the others with the reason."""
    vocabulary = ArticleVocabulary.of(source_text)
    kept: list[str] = []
    unsupported: list[tuple[str, str]] = []
    for sentence in sentences:
        reason = unsupported_reason(sentence, vocabulary)
        if reason is None:
            kept.append(sentence)
        else:
            unsupported.append((sentence, reason))
    return kept, unsupported
