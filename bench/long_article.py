"""Benchmark: a 15,000-word article on the embedded model (context window 8,192 tokens).

The article is built from the seed and the corpus articles written for this project, repeated
until it reaches the length. It does not fit the window, so the summary and the experts' names
are asked per piece and merged. Prints the time, the pieces, the calls and the grounding.

    python bench/long_article.py [--words 15000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(words: int) -> str:
    seed = (ROOT / "seeds" / "000_ec47db115828c336.clean.txt").read_text(encoding="utf-8")
    bodies = [seed] + [
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "bench/corpus").glob("*.txt"))
    ]
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < words:
        parts.append(bodies[len(parts) % len(bodies)].split("\n\n", 1)[1])
    return "Regional roundup: a long day of diplomacy, markets and courts\n\n" + "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--words", type=int, default=15000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["NEWSBRIEF_HOME"] = home
        from newsbrief import api
        from newsbrief.store import Store

        path = Path(home) / "long.txt"
        path.write_text(build(args.words), encoding="utf-8")
        started = time.perf_counter()
        result = api.summarize(str(path), model="local", cache=False)
        seconds = time.perf_counter() - started
        store = Store()
        tasks = Counter(call["task"] for call in store.calls(1000))
        store.close()
    grounding = result.meta["grounding"]
    print(f"article: {len(result.clean.text.split())} words after cleaning")
    print(f"time: {seconds:.1f} s, {result.meta['attempts']} LLM calls, "
          f"{result.meta['usage']['prompt_tokens']} prompt tokens")  # fmt: skip
    print(f"pieces: summary asked {tasks['summary']} times (pieces + 1 merge), "
          f"names {tasks['quoted_experts']} times")  # fmt: skip
    print(f"brief: {len(result.brief.pledges)} pledges, {len(result.brief.positions)} positions, "
          f"{len(result.brief.quoted_experts)} experts")  # fmt: skip
    print(
        f"grounded {grounding['grounded']}/{grounding['checked']}, "
        f"ungrounded {len(grounding['ungrounded'])}, dropped {len(grounding['dropped'])}"
    )
    print("summary:", result.brief.summary)


if __name__ == "__main__":
    main()
