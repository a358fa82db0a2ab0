"""The ``floor`` strategy: a Brief made by fixed rules, with zero LLM calls.

It is the yardstick every model and prompt must beat. A summary that states fewer facts than
the article's own first sentences, or pledges found less often than by "the nearest name before
'will'", is not worth its tokens. The rules are deliberately plain and fixed (``SPEC.version``
changes when they do), so the floor measures the articles, not our tuning:

- summary: the first ``LEAD_SENTENCES`` sentences of the body (the title line left out);
- pledges: every future act its actor binds itself to, read from the parse and the article's
  attributions (:mod:`newsbrief.brief.rules.claims`): "will"/"shall", the complement of "vowed
  to", "plans to", "agreed to", a "would" the actor reports of itself; the actor resolved (a
  "we" in a quotation is its speaker); forecasts about others and things left out;
- positions: each attribution whose source can hold a view, with the content as the statement
  and the stance of the cue ("backed", "condemned") or of the content's evaluative words;
- experts: people introduced next to a speech verb ("NAME, ROLE at ORG, said", "said NAME, ROLE
  at ORG", "ORG scholar NAME said", "NAME of ORG said") whose role reads like an independent
  specialist, with the quotes the article attributes to them (the focused strategy's rule).

Everything is a span of the cleaned article, so evidence and quotes are verbatim; the brief then
goes through the same grounding as a model's. The floor needs no prompt and no LLM, so choosing
it never makes a model; its briefs say ``"model": "none"`` and carry the floor's own reference
and rule hash as their prompt.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ... import budget
from ...base import StrategySpec
from ...clean import CleanArticle
from ..grounding import drop_ungrounded
from ..prompts import Prompt
from ..rules import attribution, claims, experts, sentences
from ..schemas import Brief, QuotedExpert
from .common import Declared, LogSink, Outcome, Progress, Run

if TYPE_CHECKING:
    from ..llm import LLM
    from ..rules.attribution import Analysis

# 3: experts found as the focused strategy finds them; the quote reader knows interviews, titles
# after "said" and ", he noted"; a position's statement is the article's clause. 4: pledges and
# positions from the attribution layer and the parse (rules.claims).
SPEC = StrategySpec(name="floor", version=5)
REF = f"{SPEC.name}@{SPEC.version}"
LEAD_SENTENCES = sentences.LEAD_SENTENCES
MAX_ITEMS = 10  # per list: enough for long articles, few enough to stay a brief


def expert_candidates(
    text: str, people: list[experts.Introduced] | None = None, analysis: Analysis | None = None
) -> list[QuotedExpert]:
    """The specialists the article introduces next to what they said, with their quotes
    (:func:`rules.experts.specialists`, or ``people`` when already found): the same rule the
    focused strategy keeps experts by, so the floor shows what a model adds beyond it. With the
    article's ``analysis``, each expert's quotes also take what its attributions give them and
    the quote reader missed (:func:`rules.claims.attributed_quotes`)."""
    people = experts.specialists(text) if people is None else people
    found = [e for e in (experts.as_expert(person, text) for person in people) if e]
    if analysis is not None:
        for expert in found:
            extra = claims.attributed_quotes(analysis, expert.name, [q.text for q in expert.quotes])
            expert.quotes.extend(extra)
    return found[:MAX_ITEMS]


@cache
def floor_sha256() -> str:
    """Identifies the floor's rules, its "prompt": this module and every rule module."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(Path(sentences.__file__ or "").parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def floor_brief(cleaned: CleanArticle) -> tuple[Brief, list[dict[str, str]]]:
    """The floor's brief of ``cleaned`` and what grounding dropped from it (normally nothing:
    every field is a span of the article)."""
    people = experts.specialists(cleaned.text)
    budget.check()  # between stages: a batch article's time budget (newsbrief.budget)
    analysis = attribution.analyse(cleaned.text)
    pledged = list(claims.pledge_candidates(analysis))
    budget.check()
    positions = list(claims.position_candidates(analysis, pledged))
    budget.check()
    brief = Brief(
        summary=sentences.lead_summary(cleaned),
        pledges=[f.item for f in pledged][:MAX_ITEMS],
        positions=[f.item for f in positions][:MAX_ITEMS],
        quoted_experts=expert_candidates(cleaned.text, people, analysis),
    )
    kept, dropped = drop_ungrounded(brief, cleaned.text)
    return kept, [
        {"part": d["path"].split("[", 1)[0], "text": d["text"], "reason": d["reason"]}
        for d in dropped
    ]


class Floor(Declared):
    spec = SPEC
    needs_llm = False

    def check_prompt(self, prompt: Prompt) -> None:
        """Any prompt will do: the floor reads none."""

    def run(
        self,
        cleaned: CleanArticle,
        *,
        prompt: Prompt | None = None,
        llm: LLM | None = None,
        log: LogSink | None = None,
        progress: Progress | None = None,
    ) -> Outcome:
        """The floor asks nothing, so it tells ``progress`` nothing: it takes milliseconds."""
        brief, dropped = floor_brief(cleaned)
        return Outcome(brief, Run(dropped=dropped), prompt=REF, prompt_sha256=floor_sha256())


STRATEGY = Floor()
