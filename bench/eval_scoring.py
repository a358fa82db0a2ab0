"""Benchmark: scoring 1,000 fixture outputs with every default scorer (target: under 2 s).

The outputs are built from the committed fixtures' own labels, then perturbed (items dropped,
actors swapped, quotes reworded, a leak added) so that every scorer has real work: matching,
fuzzy names, ROUGE-L, grounding. No model runs.

    python bench/eval_scoring.py [--outputs 1000]
    python bench/eval_scoring.py --tiny    # 20 outputs: checks the bench

Before printing it checks that the scorers' caches were empty when the timed run started (and
that it filled them anew), and that every output was scored by every default scorer without an
error; otherwise it exits with status 3 (see bench/_valid.py).
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
from typing import Any

from _valid import Checks

from newsbrief.clean import clean_article
from newsbrief.evals import scorers
from newsbrief.evals.dataset import Fixture, load_fixtures
from newsbrief.evals.runfile import Item, score_summaries
from newsbrief.evals.runner import aggregate, outside_run, replay
from newsbrief.ingest import read_source

ROOT = Path(__file__).resolve().parents[1]


def brief_from_labels(fixture: Fixture, rng: random.Random) -> dict[str, Any]:
    labels = fixture.labels
    pledges = [{"actor": p.actor, "commitment": p.commitment, "condition": p.condition,
                "evidence": p.commitment} for p in labels.pledges]  # fmt: skip
    positions = [{"actor": p.actor, "topic": p.topic, "stance": p.stance, "statement": p.topic,
                  "evidence": p.topic} for p in labels.positions]  # fmt: skip
    experts = [{"name": e.name, "role": e.role, "affiliation": e.affiliation,
                "quotes": [q.model_dump() for q in e.quotes]}
               for e in labels.quoted_experts]  # fmt: skip
    if pledges and rng.random() < 0.5:
        pledges.pop(rng.randrange(len(pledges)))
    if positions and rng.random() < 0.3:
        positions[0]["actor"] = "Someone Else"
    for expert in experts:
        for quote in expert["quotes"]:
            if rng.random() < 0.3:
                quote["text"] = quote["text"].replace("the", "a")
    summary = labels.summary if rng.random() < 0.5 else " ".join(labels.key_facts[:2])
    if labels.leaks and rng.random() < 0.1:
        summary += f" {labels.leaks[0]}."
    return {"summary": summary, "pledges": pledges, "positions": positions,
            "quoted_experts": experts}  # fmt: skip


def memo_caches() -> list[Any]:
    """The scorers' memoizing functions (lru_cache): their caches must start empty."""
    return [f for f in vars(scorers).values() if callable(getattr(f, "cache_info", None))]


def check_scored(items: list[Item], outputs: int, scorer_count: int) -> None:
    """Exit with status 3 unless ``outputs`` items were scored, each by every scorer, and no
    output was scored as an error."""
    checks = Checks()
    checks.equal(len(items), outputs, "outputs scored")
    checks.that(scorer_count > 0, "there is no default scorer")
    for number, item in enumerate(items):
        checks.equal(len(item.scores), scorer_count, f"scores of output {number}")
        checks.that(item.error is None, f"output {number} was an error: {item.error}")
    checks.verify()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--outputs", type=int, default=1000)
    parser.add_argument("--tiny", action="store_true", help="20 outputs")
    args = parser.parse_args()
    if args.tiny:
        args.outputs = 20
    fixtures = load_fixtures([ROOT / "evals" / "fixtures"])
    texts = {}
    for fixture in fixtures:
        article = read_source(str(fixture.article))
        texts[fixture.id] = clean_article(article.raw, article.content_type).text
    rng = random.Random(7)
    items = []
    for number in range(args.outputs):
        fixture = fixtures[number % len(fixtures)]
        items.append(Item(id=fixture.id, repeat=number // len(fixtures),
                          source_text=texts[fixture.id], brief=brief_from_labels(fixture, rng),
                          meta={}, error=None, scores=[]))  # fmt: skip
    run = outside_run(items, prompt="bench@1", model="labels")
    replay(run, [ROOT / "evals" / "fixtures"])  # warm the imports (scipy, nltk, rapidfuzz)...
    caches = memo_caches()
    for cached in caches:
        cached.cache_clear()  # ...but not the caches: each text is tokenized and stemmed anew
    checks = Checks()
    checks.that(len(caches) > 0, "no memoizing scorer function found to clear")
    checks.that(all(f.cache_info().currsize == 0 for f in caches), "a cache was not cleared")
    checks.verify()
    started = time.perf_counter()
    scored = replay(run, [ROOT / "evals" / "fixtures"])
    seconds = time.perf_counter() - started
    misses = sum(f.cache_info().misses for f in caches)
    checks.that(misses > 0, "the timed run computed nothing anew (no cache miss)")
    checks.verify()
    check_scored(scored.items, args.outputs, len(scorers.default_scorers()))
    summary = aggregate(scored.items)
    count = len(scored.items[0].scores)
    print(f"scored {len(items)} outputs x {count} scorers in {seconds:.2f} s "
          f"({seconds / len(items) * 1000:.2f} ms per output; target < 2 s)")  # fmt: skip
    print("means: " + ", ".join(f"{k} {v.mean:.3f}" for k, v in score_summaries(summary).items()
                                if v.mean is not None))  # fmt: skip


if __name__ == "__main__":
    main()
