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

from .schemas import Brief

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


@dataclass
class GroundingReport:
    checked: int = 0
    grounded: int = 0
    ungrounded: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "grounded": self.grounded,
            "ungrounded": list(self.ungrounded),
        }


def excerpts(brief: Brief) -> list[tuple[str, str]]:
    """Every (path, text) in the brief that must be a verbatim excerpt of the article."""
    found: list[tuple[str, str]] = []
    for i, pledge in enumerate(brief.pledges):
        found.append((f"pledges[{i}].evidence", pledge.evidence))
    for i, position in enumerate(brief.positions):
        found.append((f"positions[{i}].evidence", position.evidence))
    for i, expert in enumerate(brief.quoted_experts):
        for j, quote in enumerate(expert.quotes):
            if quote.kind == "direct":
                found.append((f"quoted_experts[{i}].quotes[{j}].text", quote.text))
    return found


def names(brief: Brief) -> list[tuple[str, str]]:
    """Every (path, name) that must be written in the article."""
    return [(f"quoted_experts[{i}].name", e.name) for i, e in enumerate(brief.quoted_experts)]


def check_brief(brief: Brief, source_text: str) -> GroundingReport:
    """Check every excerpt and expert name of ``brief`` against ``source_text``."""
    source = normalize(source_text)
    report = GroundingReport()
    for path, text in excerpts(brief) + names(brief):
        report.checked += 1
        if is_grounded(text, source):
            report.grounded += 1
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
