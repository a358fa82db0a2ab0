"""The no-model floor: a Brief made by fixed rules, with zero LLM calls.

It is the yardstick every model and prompt must beat. A summary that states fewer facts than
the article's own first sentences, or pledges found less often than by "the nearest name before
'will'", is not worth its tokens. The rules are deliberately plain and fixed (``FLOOR_VERSION``
changes when they do), so the floor measures the articles, not our tuning:

- summary: the first ``LEAD_SENTENCES`` sentences of the body (the title line left out);
- pledges: every sentence with a commitment cue ("will", "pledged", "agreed to", ...) that is no
  question, counterfactual or analyst's forecast (``extract.not_a_commitment``), the actor
  the nearest name before the cue, the commitment the clause after it, the condition an
  "if/unless/provided that" clause of the sentence;
- positions: each view of a sentence with stance cues ("supports", "condemned", ...; several
  views, several positions), the same actor rule before each view, the stance the cue's
  polarity, the topic the words after the cue, the statement the article's clause;
- experts: people introduced next to a speech verb ("NAME, ROLE at ORG, said", "said NAME, ROLE
  at ORG", "ORG scholar NAME said", "NAME of ORG said") whose role reads like an independent
  specialist, with the quotes the article attributes to them (the focused strategy's rule).

Everything is a span of the cleaned article, so evidence and quotes are verbatim; the brief then
goes through the same grounding as a model's.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from functools import cache, partial
from pathlib import Path

from . import extract
from .clean import CleanArticle
from .grounding import drop_ungrounded
from .schemas import Brief, Pledge, Position, QuotedExpert

# 3: experts found as the focused strategy finds them; the quote reader knows interviews,
# titles after "said" and ", he noted"; a position's statement is the article's clause.
FLOOR_VERSION = 3
NAME = "floor"
REF = f"{NAME}@{FLOOR_VERSION}"
LEAD_SENTENCES = 3
MAX_ITEMS = 10  # per list: enough for long articles, few enough to stay a brief

PLEDGE_CUES = (
    "will", "would", "shall", "aims to", "aim to", "pledge", "pledged", "pledges", "commit",
    "commits", "committed", "agreed", "agree", "agrees", "vow", "vowed", "vows", "promise",
    "promised", "promises", "stands ready", "ready to", "plans to", "plan to", "intends to",
    "willing to",
)  # fmt: skip
STANCE_CUES = {
    "supports": (
        "support", "supports", "supported", "welcome", "welcomes", "welcomed", "backs", "backed",
        "endorse", "endorses", "endorsed", "favour", "favor", "favours", "favors", "praised",
        "praises", "urged", "urges", "called for", "calls for",
    ),
    "opposes": (
        "oppose", "opposes", "opposed", "condemn", "condemns", "condemned", "reject", "rejects",
        "rejected", "criticize", "criticizes", "criticized", "criticised", "denounced",
        "denounces", "warned against",
    ),
}  # fmt: skip


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


def _cued(
    sentences: list[str], cues: re.Pattern[str], exclude: Callable[[str], object]
) -> Iterator[tuple[str, str]]:
    """(sentence, actor) for each sentence of six words or more with a cue and an actor (the
    nearest name or group before the first cue), unless ``exclude`` says it states nothing."""
    for sentence in sentences:
        cue = cues.search(sentence)
        if cue is None or len(sentence.split()) < 6 or exclude(sentence):
            continue
        actors = extract.actor_candidates(sentence, cue.start())
        if actors:
            yield sentence, actors[0]


def _pledges(sentences: list[str], experts: list[str]) -> list[Pledge]:
    cues = extract.cue_pattern(PLEDGE_CUES)
    found: list[Pledge] = []
    exclude = partial(extract.not_a_commitment, cues=cues, specialists=experts)
    for sentence, actor in _cued(sentences, cues, exclude):
        options = extract.commitment_options(sentence, cues)
        if options:
            found.append(
                Pledge(actor=actor, commitment=options[0],
                       condition=extract.condition_of(sentence), evidence=sentence)
            )  # fmt: skip
    return found[:MAX_ITEMS]


def _positions(sentences: list[str]) -> list[Position]:
    polarity = {w: stance for stance, words in STANCE_CUES.items() for w in words}
    cues = extract.cue_pattern(polarity)
    found: list[Position] = []
    for sentence, _ in _cued(sentences, cues, extract.is_question):
        views = extract.stance_options(sentence, cues)
        found += extract.rule_positions(sentence, views, polarity, cues)
    return found[:MAX_ITEMS]


def expert_candidates(
    text: str, people: list[extract.Introduced] | None = None
) -> list[QuotedExpert]:
    """The specialists the article introduces next to what they said, with their quotes
    (:func:`newsbrief.extract.specialists`, or ``people`` when already found): the same rule the
    focused strategy keeps experts by, so the floor shows what a model adds beyond it."""
    people = extract.specialists(text) if people is None else people
    experts = (extract.as_expert(person, text) for person in people)
    return [expert for expert in experts if expert is not None][:MAX_ITEMS]


@cache
def floor_sha256() -> str:
    """Identifies the floor's rules: this module and the text helpers it uses."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(Path(extract.__file__).read_bytes())
    return digest.hexdigest()


def floor_brief(cleaned: CleanArticle) -> tuple[Brief, list[dict[str, str]]]:
    """The floor's brief of ``cleaned`` and what grounding dropped from it (normally nothing:
    every field is a span of the article)."""
    sentences = body_sentences(cleaned)
    people = extract.specialists(cleaned.text)  # once: the pledges' forecasters, the experts
    brief = Brief(
        summary=lead_summary(cleaned),
        pledges=_pledges(sentences, [p.name for p in people]),
        positions=_positions(sentences),
        quoted_experts=expert_candidates(cleaned.text, people),
    )
    kept, dropped = drop_ungrounded(brief, cleaned.text)
    return kept, [
        {"part": d["path"].split("[", 1)[0], "text": d["text"], "reason": d["reason"]}
        for d in dropped
    ]
