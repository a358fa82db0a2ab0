"""Benchmark: can the embedded model tell the floor's good candidates from its bad ones?

The floor turns attributions into pledge and position candidates by rule. A model earns
its time only if it can choose among them better than the rule does. This bench asks the
embedded SmolLM2-135M the closed question a 135M model can answer, once per candidate:

    pledges:   Does <actor> commit to doing this: "<commitment>"? (Yes or No)
    positions: Does <actor> state an opinion here: "<statement>"? (Yes or No)

scored from the next-token log-probabilities of "Yes" and "No" (no sampling), and reports, per
part, how well P(yes) separates the candidates that match a gold item (the eval's own matcher
each candidate on its own) from those that match none: the ROC AUC with a bootstrap 95%
interval over candidates (0.5 is chance), beside the same AUC for the floor's own rule score
(kept by the floor's filters = 1, else 0), and the F1 of keeping the candidates with P(yes) >
P(no) against the floor's list.

    python bench/model_choice.py                                # in-repo fixtures
    python bench/model_choice.py --fixtures evals/external/real # real articles (fetched first)
    python bench/model_choice.py --tiny                         # three fixtures: the plumbing

Validity (exit 3): every fixture read, every candidate asked exactly once (no cache), some
positive and some negative candidates per part, and the two answer tokens are distinct.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path
from typing import Any

from _valid import Checks, fixtures_for

from newsbrief import api
from newsbrief.brief.llm import _load_llama, embedded_model_path
from newsbrief.brief.rules import attribution, claims
from newsbrief.brief.strategies import floor
from newsbrief.evals.scorers import Output, pledges_f1, positions_f1, prf

ROOT = Path(__file__).resolve().parents[1]
TINY_IDS = ("000_seed_china_belarus", "07_election_promises", "10_farm_subsidies")
SYSTEM = "You answer questions about a news article with Yes or No."
QUESTIONS = {
    "pledges": 'Sentence: "{evidence}"\nDoes {actor} commit to doing this: "{commitment}"? '
    "Answer Yes or No.",
    "positions": 'Sentence: "{evidence}"\nDoes {actor} state an opinion here: "{statement}"? '
    "Answer Yes or No.",
}


def chatml(system: str, user: str) -> str:
    return (f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n"
            "<|im_start|>assistant\n")  # fmt: skip


class YesNo:
    """P(yes) from the next-token logits of the embedded model."""

    def __init__(self) -> None:
        self.llama = _load_llama(str(embedded_model_path()), 2048, None)
        self.yes = self.llama.tokenize(b"Yes", add_bos=False)[0]
        self.no = self.llama.tokenize(b"No", add_bos=False)[0]
        self.asked = 0

    def p_yes(self, prompt: str) -> float:
        tokens = self.llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        self.llama.reset()
        self.llama.eval(tokens[-1900:])
        # the last position's logits straight from the context (the wrapper's copy stays zero
        # with the plain CPU buffers this machine needs)
        import llama_cpp

        logits = llama_cpp.llama_get_logits_ith(self.llama._ctx.ctx, -1)
        yes, no = float(logits[self.yes]), float(logits[self.no])
        self.asked += 1
        return 1.0 / (1.0 + math.exp(no - yes))


def auc(scores: list[float], labels: list[bool]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def bootstrap(scores: list[float], labels: list[bool], rounds: int = 1000) -> tuple[float, float]:
    rng = random.Random(7)
    values = []
    n = len(scores)
    for _ in range(rounds):
        pick = [rng.randrange(n) for _ in range(n)]
        value = auc([scores[i] for i in pick], [labels[i] for i in pick])
        if not math.isnan(value):
            values.append(value)
    values.sort()
    return values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]


def candidates(text: str) -> dict[str, list[tuple[dict[str, Any], bool]]]:
    """Each part's uncapped candidate pool, each with whether the floor's own rule keeps it."""
    analysis = attribution.analyse(text)
    pledged = list(claims.pledge_candidates(analysis))
    kept = {id(f.attribution) for f in claims.position_candidates(analysis, pledged)}
    every = list(claims.position_candidates(analysis, pledged, views_only=False))
    return {
        "pledges": [(f.item.model_dump(), True) for f in pledged],
        "positions": [(f.item.model_dump(), id(f.attribution) in kept) for f in every],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=ROOT / "evals" / "fixtures")
    parser.add_argument("--articles-from", type=Path, default=None)
    parser.add_argument("--tiny", action="store_true")
    args = parser.parse_args()
    fixtures, expected = fixtures_for(
        args.fixtures, args.articles_from, TINY_IDS if args.tiny else None
    )
    checks = Checks()
    checks.equal(len(fixtures), expected, "fixtures read")
    model = YesNo()
    checks.that(model.yes != model.no, "the Yes and No answer tokens are the same token")
    checks.verify()
    scorers = {"pledges": pledges_f1(), "positions": positions_f1()}
    rows: dict[str, dict[str, list[Any]]] = {
        p: {"model": [], "rule": [], "gold": [], "tp": [0, 0], "n": [0, 0, 0]} for p in scorers
    }
    started = time.perf_counter()
    total = 0
    for fixture in fixtures:
        _, cleaned = api.clean(str(fixture.article))
        text = cleaned.text
        pools = candidates(text)
        for part, scorer in scorers.items():
            pool = pools[part]
            items = [item for item, _ in pool]
            gold_n = len(getattr(fixture.labels, part))
            matched = _matched(scorer, fixture.labels, part, items, text)
            answers = [model.p_yes(chatml(SYSTEM, QUESTIONS[part].format(**item)))
                       for item in items]  # fmt: skip
            total += len(items)
            row = rows[part]
            row["model"] += answers
            row["rule"] += [1.0 if keep else 0.0 for _, keep in pool]
            row["gold"] += [i in matched for i in range(len(items))]
            chosen = [item for item, p in zip(items, answers, strict=True) if p > 0.5]
            ruled = [item for item, keep in pool if keep][: floor.MAX_ITEMS]
            for k, picked in enumerate((chosen, ruled)):
                row["tp"][k] += scorer(fixture.labels, Output(brief={part: picked}, source=text)).tp
                row["n"][k] += len(picked)
            row["n"][2] += gold_n
    checks.equal(model.asked, total, "questions asked (one per candidate, no cache)")
    for part, row in rows.items():
        checks.that(any(row["gold"]) and not all(row["gold"]),
                    f"{part}: need both matched and unmatched candidates")  # fmt: skip
    checks.verify()
    print(f"{len(fixtures)} fixtures ({args.fixtures}), {total} candidates asked, "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    for part, row in rows.items():
        m_auc, r_auc = auc(row["model"], row["gold"]), auc(row["rule"], row["gold"])
        low, high = bootstrap(row["model"], row["gold"])
        gold = row["n"][2]
        f1s = [prf(tp, n - tp, gold - tp)[2] for tp, n in zip(row["tp"], row["n"][:2],
                                                                 strict=True)]  # fmt: skip
        print(
            f"{part}: {sum(row['gold'])} of {len(row['gold'])} candidates match gold; "
            f"model AUC {m_auc:.3f} [{low:.3f}, {high:.3f}], rule AUC {r_auc:.3f}; "
            f"F1 keeping P(yes)>0.5 {f1s[0]:.3f} vs the floor's {f1s[1]:.3f}"
        )
    return 0


def _matched(
    scorer: Any, labels: Any, part: str, items: list[dict[str, Any]], text: str
) -> set[int]:
    """Indexes of the pool's items that match some gold item on their own (the eval's matcher
    with that item alone): the candidates a perfect chooser would want to keep."""
    return {
        index
        for index, item in enumerate(items)
        if scorer(labels, Output(brief={part: [item]}, source=text)).tp
    }


if __name__ == "__main__":
    sys.exit(main())
