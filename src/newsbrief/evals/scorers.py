"""Scorers: pure functions from (gold labels, one output) to a :class:`Score` that explains itself.

Each public scorer is a small factory returning a typed callable, so thresholds are fixed once
per run and recorded with it. List fields (pledges, positions, experts) are matched one-to-one
by optimal assignment (scipy's ``linear_sum_assignment``) over a similarity matrix, keeping pairs
at or above a threshold; the matched pairs give true positives, the rest false positives and
false negatives, which aggregate micro over fixtures.

Similarities:
- names and actors: rapidfuzz ``token_sort_ratio`` against the gold name and each alias (word
  order free, but "China" is not "China and Belarus": a subset is not a match);
- commitments: token F1;
- topics: the better of token F1 with the predicted topic and the share of the gold topic's
  words found in the predicted topic and statement (a model often states the topic inside its
  statement).
A pledge or position whose actor does not match scores 0, whatever its text: the right
commitment under the wrong actor is a wrong pledge.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..brief.grounding import is_grounded, normalize
from ..brief.schemas import verbatim_excerpts
from .dataset import GoldExpert, GoldPledge, GoldPosition, Labels

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
# Function words carry no content: "the two sides" and "two sides" are the same actor.
_STOP = frozenset(
    "a an the of to in on for and or but with by at from as is are was were be been will would "
    "that this these those it its their his her they he she we our us".split()
)


@functools.lru_cache(maxsize=65536)
def _tokens(text: str, content_only: bool) -> tuple[str, ...]:
    words = _WORD.findall(text.lower())
    return tuple(w for w in words if w not in _STOP) if content_only else tuple(words)


def tokens(text: str, *, content_only: bool = False) -> tuple[str, ...]:
    """Lowercase word tokens (cached: gold texts are compared with every predicted item)."""
    return _tokens(text, content_only)


@functools.lru_cache(maxsize=65536)
def _bag(text: str) -> Counter[str]:
    return Counter(_tokens(text, False))


def token_f1(predicted: str, gold: str) -> float:
    """Bag-of-words F1 between two texts (1.0 when both are empty)."""
    a, b = _bag(predicted), _bag(gold)
    if not a and not b:
        return 1.0
    common = sum((a & b).values())
    if common == 0:
        return 0.0
    precision, recall = common / a.total(), common / b.total()
    return 2 * precision * recall / (precision + recall)


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Porter stem (nltk's, which rouge-score uses too): "dredged" and "dredge" are one word."""
    from nltk.stem.porter import PorterStemmer

    return str(_porter(PorterStemmer).stem(word))


@functools.cache
def _porter(cls: Any) -> Any:
    return cls()


def coverage(gold: str, predicted: str) -> float:
    """Share of ``gold``'s content words (stemmed) that appear in ``predicted``."""
    wanted = {stem(w) for w in tokens(gold, content_only=True)}
    if not wanted:
        return 1.0
    return len(wanted & {stem(w) for w in tokens(predicted, content_only=True)}) / len(wanted)


def name_similarity(predicted: str, names: Sequence[str]) -> float:
    """Best rapidfuzz token_sort_ratio (0-1) of ``predicted`` against a name and its aliases."""
    from rapidfuzz import fuzz

    cleaned = _name_key(predicted)
    return max(fuzz.token_sort_ratio(cleaned, _name_key(n)) / 100 for n in names)


@functools.lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    return " ".join(tokens(name, content_only=True))


def assign(matrix: list[list[float]], threshold: float) -> list[tuple[int, int, float]]:
    """Optimal one-to-one pairs (gold index, predicted index, similarity) at or above
    ``threshold``, maximizing the total similarity."""
    if not matrix or not matrix[0]:
        return []
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(matrix, maximize=True)
    return [
        (int(r), int(c), matrix[r][c])
        for r, c in zip(rows, cols, strict=True)
        if matrix[r][c] >= threshold
    ]


@dataclass(frozen=True)
class Score:
    """One scorer's verdict on one output. ``value`` is None when the scorer does not apply
    (e.g. stance accuracy with no matched position). ``tp/fp/fn`` let list scores aggregate
    micro over fixtures."""

    name: str
    value: float | None
    explanation: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Output:
    """What a run produced for one fixture: the brief (None when no schema-valid brief came
    back), the cleaned text it was checked against, and the run's meta."""

    brief: dict[str, Any] | None
    source: str
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


Scorer = Callable[[Labels, Output], Score]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1; an empty gold list with an empty prediction is a perfect 1.0."""
    if tp + fp + fn == 0:
        return 1.0, 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _list_score(
    name: str,
    gold: Sequence[Any],
    predicted: Sequence[dict[str, Any]],
    similarity: Callable[[Any, dict[str, Any]], float],
    threshold: float,
    describe: Callable[[Any], str],
) -> tuple[Score, list[tuple[int, int, float]]]:
    matrix = [[similarity(g, p) for p in predicted] for g in gold]
    pairs = assign(matrix, threshold)
    tp = len(pairs)
    fp, fn = len(predicted) - tp, len(gold) - tp
    _, _, f1 = prf(tp, fp, fn)
    matched = {g for g, _, _ in pairs}
    missed = [describe(gold[i]) for i in range(len(gold)) if i not in matched]
    found = {p for _, p, _ in pairs}
    extra = [predicted[j].get("actor") or predicted[j].get("name") for j in range(len(predicted))
             if j not in found]  # fmt: skip
    explanation = (
        f"{tp} of {len(gold)} gold matched, {fp} extra"
        + (f"; missed: {'; '.join(missed)}" if missed else "")
        + (f"; extra: {'; '.join(map(str, extra))}" if extra else "")
    )
    details = {"pairs": [(g, p, round(s, 3)) for g, p, s in pairs]}
    return Score(name, f1, explanation, tp, fp, fn, details), pairs


def _brief_list(output: Output, part: str) -> list[dict[str, Any]]:
    return list((output.brief or {}).get(part) or [])


def _pledge_similarity(actor_threshold: float) -> Callable[[GoldPledge, dict[str, Any]], float]:
    def similarity(gold: GoldPledge, predicted: dict[str, Any]) -> float:
        names = [gold.actor, *gold.aliases]
        if name_similarity(str(predicted.get("actor", "")), names) < actor_threshold:
            return 0.0
        return token_f1(str(predicted.get("commitment", "")), gold.commitment)

    return similarity


def pledges_f1(*, actor_threshold: float = 0.9, threshold: float = 0.5) -> Scorer:
    """Pledges matched on actor (gate) and commitment (token F1 >= ``threshold``)."""
    similarity = _pledge_similarity(actor_threshold)

    def score(labels: Labels, output: Output) -> Score:
        return _list_score(
            "pledges", labels.pledges, _brief_list(output, "pledges"), similarity, threshold,
            lambda g: f"{g.actor}: {g.commitment}",
        )[0]  # fmt: skip

    return score


def _position_similarity(actor_threshold: float) -> Callable[[GoldPosition, dict[str, Any]], float]:
    def similarity(gold: GoldPosition, predicted: dict[str, Any]) -> float:
        names = [gold.actor, *gold.aliases]
        if name_similarity(str(predicted.get("actor", "")), names) < actor_threshold:
            return 0.0
        topic = str(predicted.get("topic", ""))
        stated = f"{topic} {predicted.get('statement', '')}"
        return max(token_f1(topic, gold.topic), coverage(gold.topic, stated))

    return similarity


def positions_f1(*, actor_threshold: float = 0.9, threshold: float = 0.5) -> Scorer:
    """Positions matched on actor (gate) and topic."""
    similarity = _position_similarity(actor_threshold)

    def score(labels: Labels, output: Output) -> Score:
        return _list_score(
            "positions", labels.positions, _brief_list(output, "positions"), similarity,
            threshold, lambda g: f"{g.actor} on {g.topic}",
        )[0]  # fmt: skip

    return score


def stance_accuracy(*, actor_threshold: float = 0.9, threshold: float = 0.5) -> Scorer:
    """Of the positions matched as in :func:`positions_f1`, the share with the gold stance."""
    similarity = _position_similarity(actor_threshold)

    def score(labels: Labels, output: Output) -> Score:
        predicted = _brief_list(output, "positions")
        _, pairs = _list_score("positions", labels.positions, predicted, similarity, threshold,
                               lambda g: g.topic)  # fmt: skip
        if not pairs:
            return Score("stance", None, "no matched position to judge")
        wrong = [
            f"{labels.positions[g].actor} on {labels.positions[g].topic}: "
            f"{predicted[p].get('stance')} (gold {labels.positions[g].stance})"
            for g, p, _ in pairs
            if predicted[p].get("stance") != labels.positions[g].stance
        ]
        right = len(pairs) - len(wrong)
        return Score("stance", right / len(pairs), f"{right} of {len(pairs)} stances right"
                     + (f"; wrong: {'; '.join(wrong)}" if wrong else ""), tp=right,
                     fp=len(wrong))  # fmt: skip

    return score


def conditions_captured(
    *, actor_threshold: float = 0.9, threshold: float = 0.5, condition_threshold: float = 0.5
) -> Scorer:
    """Of the pledges matched as in :func:`pledges_f1` whose gold pledge has a condition, the
    share whose own condition states it (token F1, or the share of the gold condition's content
    words it holds, at least ``condition_threshold``). A pledge the brief missed is not judged
    here: pledges F1 counts it."""
    similarity = _pledge_similarity(actor_threshold)

    def score(labels: Labels, output: Output) -> Score:
        predicted = _brief_list(output, "pledges")
        _, pairs = _list_score("pledges", labels.pledges, predicted, similarity, threshold,
                               lambda g: g.commitment)  # fmt: skip
        judged = [(labels.pledges[g], predicted[p]) for g, p, _ in pairs
                  if labels.pledges[g].condition]  # fmt: skip
        if not judged:
            return Score("conditions", None, "no matched pledge with a condition to judge")
        missed = []
        for gold, given in judged:
            condition = str(given.get("condition") or "")
            assert gold.condition is not None
            found = max(token_f1(condition, gold.condition), coverage(gold.condition, condition))
            if not condition or found < condition_threshold:
                missed.append(f"{gold.actor}: {gold.condition} (got {condition or 'none'})")
        right = len(judged) - len(missed)
        return Score("conditions", right / len(judged),
                     f"{right} of {len(judged)} conditions captured"
                     + (f"; missed: {'; '.join(missed)}" if missed else ""),
                     tp=right, fn=len(missed))  # fmt: skip

    return score


def _expert_pairs(
    labels: Labels, output: Output, threshold: float
) -> tuple[Score, list[tuple[int, int, float]]]:
    def similarity(gold: GoldExpert, predicted: dict[str, Any]) -> float:
        return name_similarity(str(predicted.get("name", "")), [gold.name, *gold.aliases])

    return _list_score(
        "experts", labels.quoted_experts, _brief_list(output, "quoted_experts"), similarity,
        threshold, lambda g: g.name,
    )  # fmt: skip


def experts_f1(*, threshold: float = 0.85) -> Scorer:
    """Quoted experts matched by name (with aliases)."""

    def score(labels: Labels, output: Output) -> Score:
        return _expert_pairs(labels, output, threshold)[0]

    return score


def quote_similarity(given: str, gold: str) -> float:
    """1.0 when the gold quote is a locator inside the given one (labels of real articles quote
    the first words of a long quote only), else their token F1."""
    gold_n = normalize(gold)
    if len(gold_n.split()) >= 5 and gold_n in normalize(given):
        return 1.0
    return token_f1(given, gold)


def quote_match(*, name_threshold: float = 0.85, threshold: float = 0.6) -> Scorer:
    """Share of gold quotes found (:func:`quote_similarity` >= ``threshold``) among the quotes
    given for the matching expert; the quotes of an expert the brief missed count as missed."""

    def score(labels: Labels, output: Output) -> Score:
        total = sum(len(e.quotes) for e in labels.quoted_experts)
        if total == 0:
            return Score("quote_match", None, "no gold quotes")
        _, pairs = _expert_pairs(labels, output, name_threshold)
        experts = _brief_list(output, "quoted_experts")
        found = 0
        for g, p, _ in pairs:
            given = [str(q.get("text", "")) for q in experts[p].get("quotes") or []]
            gold_quotes = [q.text for q in labels.quoted_experts[g].quotes]
            matrix = [[quote_similarity(text, quote) for text in given] for quote in gold_quotes]
            found += len(assign(matrix, threshold))
        return Score("quote_match", found / total, f"{found} of {total} gold quotes found",
                     tp=found, fn=total - found)  # fmt: skip

    return score


def grounding_rate() -> Scorer:
    """Share of the brief's direct quotes and evidence excerpts found verbatim in the source
    (after normalizing whitespace, quote marks and dashes)."""

    def score(labels: Labels, output: Output) -> Score:
        excerpts = [text for _, text in verbatim_excerpts(output.brief or {})]
        excerpts = [e for e in excerpts if e.strip()]  # a blank excerpt quotes nothing
        if not excerpts:
            return Score("grounding", None, "no quote or evidence to check")
        source = normalize(output.source)
        ungrounded = [e for e in excerpts if not is_grounded(e, source)]
        grounded = len(excerpts) - len(ungrounded)
        return Score(
            "grounding", grounded / len(excerpts), f"{grounded} of {len(excerpts)} verbatim"
            + (f"; not in the source: {'; '.join(u[:60] for u in ungrounded)}" if ungrounded
               else ""), tp=grounded, fp=len(ungrounded),
            details={"ungrounded": ungrounded},
        )  # fmt: skip

    return score


class _RougeTokenizer:
    """rouge-score's own tokenization with its Porter stemmer, through :func:`stem`'s cache:
    rouge-score stems every token of every text again, most of the scoring time."""

    def stem(self, word: str) -> str:
        return stem(word)

    def tokenize(self, text: str) -> list[str]:
        from rouge_score import tokenize

        return list(tokenize.tokenize(text, self))


def rouge_l(reference: str, summary: str) -> float:
    """ROUGE-L F-measure as rouge-score computes it (its tokenizer, Porter stemming, F1 of the
    longest common subsequence), with the LCS from rapidfuzz's C++ instead of rouge-score's
    Python table: 2 ms per pair was most of the time of scoring a run."""
    from rapidfuzz.distance import LCSseq

    target, prediction = _ROUGE.tokenize(reference), _ROUGE.tokenize(summary)
    if not target or not prediction:
        return 0.0
    common = LCSseq.similarity(target, prediction)
    precision, recall = common / len(prediction), common / len(target)
    return 2 * precision * recall / (precision + recall) if common else 0.0


_ROUGE = _RougeTokenizer()


def summary_rouge_l() -> Scorer:
    """ROUGE-L F-measure (rouge-score, Porter stemming) of the summary against the reference."""

    def score(labels: Labels, output: Output) -> Score:
        summary = str((output.brief or {}).get("summary") or "")
        if not summary:
            return Score("rouge_l", 0.0, "no summary")
        value = rouge_l(labels.summary, summary)
        return Score("rouge_l", value, f"ROUGE-L F {value:.3f} against the reference summary")

    return score


def key_fact_coverage(*, threshold: float = 0.6) -> Scorer:
    """Share of the key facts the summary states: a fact counts when ``threshold`` of its
    content words appear in the summary (lexical; ``--judge`` asks a model instead)."""

    def score(labels: Labels, output: Output) -> Score:
        summary = str((output.brief or {}).get("summary") or "")
        covered = [f for f in labels.key_facts if coverage(f, summary) >= threshold]
        missed = [f for f in labels.key_facts if f not in covered]
        total = len(labels.key_facts)
        return Score("key_facts", len(covered) / total, f"{len(covered)} of {total} key facts"
                     + (f"; missing: {'; '.join(missed)}" if missed else ""),
                     tp=len(covered), fn=len(missed))  # fmt: skip

    return score


def key_fact_judge(ask: Callable[[str, str], bool]) -> Scorer:
    """Share of the key facts a judge model says the summary states; ``ask(fact, summary)`` is
    the judge (see :mod:`newsbrief.evals.judge`: cached, temperature 0)."""

    def score(labels: Labels, output: Output) -> Score:
        summary = str((output.brief or {}).get("summary") or "")
        if not summary:
            return Score("key_facts_judge", 0.0, "no summary", fn=len(labels.key_facts))
        missed = [fact for fact in labels.key_facts if not ask(fact, summary)]
        found, total = len(labels.key_facts) - len(missed), len(labels.key_facts)
        return Score("key_facts_judge", found / total, f"judge: {found} of {total} key facts"
                     + (f"; missing: {'; '.join(missed)}" if missed else ""),
                     tp=found, fn=len(missed))  # fmt: skip

    return score


def leak_check() -> Scorer:
    """1.0 when no name or phrase from removed chrome (the labels' ``leaks``) is in the brief."""

    def score(labels: Labels, output: Output) -> Score:
        if output.brief is None:
            return Score("no_leak", None, "no brief")
        text = " ".join(_strings(output.brief)).lower()
        leaked = [leak for leak in labels.leaks if leak.lower() in text]
        if leaked:
            return Score("no_leak", 0.0, f"leaked: {', '.join(leaked)}", fp=len(leaked))
        return Score("no_leak", 1.0, f"none of {len(labels.leaks)} chrome names in the brief")

    return score


def schema_valid() -> Scorer:
    """1.0 when the output is a brief that validates against the Brief schema."""

    def score(labels: Labels, output: Output) -> Score:
        from pydantic import ValidationError

        from ..brief.schemas import Brief

        if output.brief is None:
            return Score("schema_valid", 0.0, f"no brief: {output.error or 'run failed'}")
        try:
            Brief.model_validate(output.brief)
        except ValidationError as exc:
            return Score("schema_valid", 0.0, f"invalid: {str(exc).splitlines()[0]}")
        return Score("schema_valid", 1.0, "valid")

    return score


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@dataclass(frozen=True)
class ScoreSpec:
    """What the rest of the eval machinery needs to know of a score, said once.

    ``aggregate``: ``"mean"`` over fixtures, or ``"micro"`` (its tp/fp/fn pooled into micro
    precision, recall and F1 as well as the mean). ``gated``: ``eval compare --gate`` fails when
    it is worse beyond the tolerance; otherwise it is compared and reported only (its hard
    gate, if any, is :mod:`newsbrief.evals.compare`'s). ``part``: for a list score, the brief's
    field and the title the report gives it."""

    name: str
    aggregate: str = "mean"
    gated: bool = True
    part: tuple[str, str] | None = None  # (title, brief field) of a list score


# Every score an eval run may hold, in report order: runner (aggregation), compare (what is
# compared and gated), report (the list parts) and the CLI's captions read this table.
SCORES = (
    ScoreSpec("schema_valid", gated=False),
    ScoreSpec("rouge_l"),
    ScoreSpec("key_facts"),
    ScoreSpec("key_facts_judge"),
    ScoreSpec("pledges", "micro", part=("Pledges", "pledges")),
    ScoreSpec("conditions"),
    ScoreSpec("positions", "micro", part=("Positions", "positions")),
    ScoreSpec("stance"),
    ScoreSpec("experts", "micro", part=("Experts", "quoted_experts")),
    ScoreSpec("quote_match"),
    ScoreSpec("grounding", gated=False),
    ScoreSpec("no_leak", gated=False),
)
SCORE_SPECS = {spec.name: spec for spec in SCORES}


def default_scorers(judge: Callable[[str, str], bool] | None = None) -> list[Scorer]:
    """The scorers every eval run applies, in report order (with a judge: one more)."""
    extra = [key_fact_judge(judge)] if judge is not None else []
    return [
        *extra,
        schema_valid(),
        summary_rouge_l(),
        key_fact_coverage(),
        pledges_f1(),
        conditions_captured(),
        positions_f1(),
        stance_accuracy(),
        experts_f1(),
        quote_match(),
        grounding_rate(),
        leak_check(),
    ]


def score_output(labels: Labels, output: Output, scorers: Sequence[Scorer]) -> list[Score]:
    return [scorer(labels, output) for scorer in scorers]
