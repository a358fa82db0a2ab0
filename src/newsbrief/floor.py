"""The no-model floor: a Brief made by fixed rules, with zero LLM calls.

It is the yardstick every model and prompt must beat. A summary that states fewer facts than
the article's own first sentences, or pledges found less often than by "the nearest name before
'will'", is not worth its tokens. The rules are deliberately plain and fixed (``FLOOR_VERSION``
changes when they do), so the floor measures the articles, not our tuning:

- summary: the first ``LEAD_SENTENCES`` sentences of the body (the title line left out);
- pledges: every future act its actor binds itself to, read from the parse and the article's
  attributions (:mod:`newsbrief.claims`): "will"/"shall", the complement of "vowed to", "plans
  to", "agreed to", a "would" the actor reports of itself; the actor resolved (a "we" in a
  quotation is its speaker); forecasts about others and things left out;
- positions: each attribution whose source can hold a view, with the content as the statement
  and the stance of the cue ("backed", "condemned") or of the content's evaluative words;
- experts: people introduced next to a speech verb ("NAME, ROLE at ORG, said", "said NAME, ROLE
  at ORG", "ORG scholar NAME said", "NAME of ORG said") whose role reads like an independent
  specialist, with the quotes the article attributes to them (the focused strategy's rule).

Everything is a span of the cleaned article, so evidence and quotes are verbatim; the brief then
goes through the same grounding as a model's.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import base, budget, extract
from .clean import CleanArticle
from .grounding import drop_ungrounded
from .schemas import Brief, QuotedExpert

if TYPE_CHECKING:
    from .attribution import Analysis

# The version is base.STRATEGY_VERSIONS["floor"] (said once, there). 3: experts found as the
# focused strategy finds them; the quote reader knows interviews, titles after "said" and ", he
# noted"; a position's statement is the article's clause. 4: pledges and positions from the
# attribution layer and the parse (newsbrief.claims).
NAME = "floor"
FLOOR_VERSION = base.strategy_version(NAME)
REF = f"{NAME}@{FLOOR_VERSION}"
LEAD_SENTENCES = 3
MAX_ITEMS = 10  # per list: enough for long articles, few enough to stay a brief


def body_sentences(cleaned: CleanArticle) -> list[str]:
    """Sentences of the article's body: the title line and one-line fragments left out."""
    paragraphs = [p for p in cleaned.text.split("\n\n") if p.strip()]
    if paragraphs and cleaned.title and paragraphs[0].strip() == cleaned.title.strip():
        paragraphs = paragraphs[1:]
    sentences = extract.split_sentences("\n\n".join(paragraphs))
    return [s for s in sentences if len(s.split()) >= 3 and s.endswith((".", "!", "?", "”", '"'))]


def lead_summary(cleaned: CleanArticle, count: int = LEAD_SENTENCES) -> str:
    """The first ``count`` sentences of the body."""
    return " ".join(body_sentences(cleaned)[:count])


def expert_candidates(
    text: str, people: list[extract.Introduced] | None = None, analysis: Analysis | None = None
) -> list[QuotedExpert]:
    """The specialists the article introduces next to what they said, with their quotes
    (:func:`newsbrief.extract.specialists`, or ``people`` when already found): the same rule the
    focused strategy keeps experts by, so the floor shows what a model adds beyond it. With the
    article's ``analysis``, each expert's quotes also take what its attributions give them and
    the quote reader missed (:func:`newsbrief.claims.attributed_quotes`)."""
    people = extract.specialists(text) if people is None else people
    experts = [e for e in (extract.as_expert(person, text) for person in people) if e]
    if analysis is not None:
        from .claims import attributed_quotes

        for expert in experts:
            extra = attributed_quotes(analysis, expert.name, [q.text for q in expert.quotes])
            expert.quotes.extend(extra)
    return experts[:MAX_ITEMS]


@cache
def floor_sha256() -> str:
    """Identifies the floor's rules: this module and the text helpers it uses."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for name in ("extract.py", "attribution.py", "claims.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def floor_brief(cleaned: CleanArticle) -> tuple[Brief, list[dict[str, str]]]:
    """The floor's brief of ``cleaned`` and what grounding dropped from it (normally nothing:
    every field is a span of the article)."""
    from . import attribution, claims

    people = extract.specialists(cleaned.text)
    budget.check()  # between stages: a batch article's time budget (newsbrief.budget)
    analysis = attribution.analyse(cleaned.text)
    pledged = list(claims.pledge_candidates(analysis))
    budget.check()
    positions = list(claims.position_candidates(analysis, pledged))
    budget.check()
    brief = Brief(
        summary=lead_summary(cleaned),
        pledges=[f.item for f in pledged][:MAX_ITEMS],
        positions=[f.item for f in positions][:MAX_ITEMS],
        quoted_experts=expert_candidates(cleaned.text, people, analysis),
    )
    kept, dropped = drop_ungrounded(brief, cleaned.text)
    return kept, [
        {"part": d["path"].split("[", 1)[0], "text": d["text"], "reason": d["reason"]}
        for d in dropped
    ]
