"""Benchmark: scoring 1,000 fixture outputs with every default scorer (target: under 2 s).

The outputs are built from the committed fixtures' own labels, then perturbed (items dropped,
actors swapped, quotes reworded, a leak added) so that every scorer has real work: matching,
fuzzy names, ROUGE-L, grounding. No model runs.

    python bench/eval_scoring.py [--outputs 1000]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
from typing import Any

from newsbrief.clean import clean_article
from newsbrief.evals import scorers
from newsbrief.evals.dataset import Fixture, load_fixtures
from newsbrief.evals.runner import aggregate, replay
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


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--outputs", type=int, default=1000)
    args = parser.parse_args()
    fixtures = load_fixtures([ROOT / "evals" / "fixtures"])
    texts = {}
    for fixture in fixtures:
        article = read_source(str(fixture.article))
        texts[fixture.id] = clean_article(article.raw, article.content_type).text
    rng = random.Random(7)
    items = []
    for number in range(args.outputs):
        fixture = fixtures[number % len(fixtures)]
        items.append({"id": fixture.id, "repeat": number // len(fixtures),
                      "source_text": texts[fixture.id], "brief": brief_from_labels(fixture, rng),
                      "meta": {}, "error": None, "scores": []})  # fmt: skip
    run = {"version": 1, "prompt": "bench@1", "model": "labels", "items": items}
    replay(run, [ROOT / "evals" / "fixtures"])  # warm the imports (scipy, nltk, rapidfuzz)...
    for cached in (scorers._tokens, scorers._bag, scorers._name_key, scorers.stem):
        cached.cache_clear()  # ...but not the caches: each text is tokenized and stemmed anew
    started = time.perf_counter()
    scored = replay(run, [ROOT / "evals" / "fixtures"])
    seconds = time.perf_counter() - started
    summary = aggregate(scored["items"])
    count = len(scored["items"][0]["scores"])
    print(f"scored {len(items)} outputs x {count} scorers in {seconds:.2f} s "
          f"({seconds / len(items) * 1000:.2f} ms per output; target < 2 s)")  # fmt: skip
    print("means: " + ", ".join(f"{k} {v['mean']:.3f}" for k, v in summary.items()
                                if k != "cost" and v["mean"] is not None))  # fmt: skip


if __name__ == "__main__":
    main()
