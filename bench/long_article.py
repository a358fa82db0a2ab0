"""Benchmark: a 15,000-word article on the embedded model (context window 8,192 tokens).

The article is built from the seed and the corpus articles written for this project, repeated
until it reaches the length. It does not fit the window, so the summary and the experts' names
are asked per piece and merged. Prints the time, the pieces, the calls and the grounding. It
runs brief@2, whose summary and names questions read the whole article: the default, brief@4,
asks only about chosen sentences and spans, so a long article is never cut for it.

Before printing it checks that the article really was cut (more than one piece, the summary
asked per piece and once more to merge, the names per piece), that the result was not served
from the cache, and that the run log holds the calls and tokens the result reports; otherwise
it exits with status 3 (see bench/_valid.py).

    python bench/long_article.py [--words 15000]
    python bench/long_article.py --tiny    # 700 words of the corpus in a 1,024-token window
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _valid import Checks

ROOT = Path(__file__).resolve().parents[1]


def build(words: int, *, seed: bool = True) -> str:
    bodies = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "bench/corpus").glob("*.txt"))]
    if seed:
        bodies.insert(0, (ROOT / "seeds" / "000_ec47db115828c336.clean.txt").read_text("utf-8"))
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < words:
        parts.append(bodies[len(parts) % len(bodies)].split("\n\n", 1)[1])
    return "Regional roundup: a long day of diplomacy, markets and courts\n\n" + "\n\n".join(parts)


def check_result(meta: dict[str, Any], calls: list[dict[str, Any]]) -> None:
    """Exit with status 3 unless ``meta`` is an uncached run that cut the article into pieces,
    and the logged ``calls`` are that run's (the same attempts and tokens)."""
    checks = Checks()
    tasks = Counter(call["task"] for call in calls)
    checks.that(not meta["cached"], "the result was served from the cache")
    checks.that(meta["pieces"] > 1, f"the article fit the window: {meta['pieces']} piece")
    checks.that(tasks["summary"] >= 3, f"summary asked {tasks['summary']} times, not per piece "
                "and once more to merge")  # fmt: skip
    checks.that(tasks["quoted_experts"] >= 2, f"names asked {tasks['quoted_experts']} times")
    checks.that(meta["usage"]["prompt_tokens"] > 0, "no prompt token was used")
    checks.equal(sum(call["attempts"] for call in calls), meta["attempts"],
                 "attempts in the run log vs the result's")  # fmt: skip
    checks.equal(sum(call["prompt_tokens"] for call in calls), meta["usage"]["prompt_tokens"],
                 "prompt tokens in the run log vs the result's")  # fmt: skip
    checks.verify()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--words", type=int, default=15000)
    parser.add_argument("--tiny", action="store_true",
                        help="700 words in a 1,024-token window (two pieces)")  # fmt: skip
    args = parser.parse_args()
    if args.tiny:
        args.words = 700
    with tempfile.TemporaryDirectory() as home:
        os.environ["NEWSBRIEF_HOME"] = home
        if args.tiny:  # a window small enough that a short article needs two pieces
            (Path(home) / "config.toml").write_text("n_ctx = 1024\n", encoding="utf-8")
        from newsbrief import api
        from newsbrief.store import Store

        path = Path(home) / "long.txt"
        path.write_text(build(args.words, seed=not args.tiny), encoding="utf-8")
        started = time.perf_counter()
        result = api.summarize(str(path), model="local", prompt="brief@2", cache=False)
        seconds = time.perf_counter() - started
        store = Store()
        calls = store.calls(1_000_000)
        store.close()
    check_result(result.meta, calls)
    tasks = Counter(call["task"] for call in calls)
    grounding = result.meta["grounding"]
    print(f"article: {len(result.clean.text.split())} words after cleaning")
    print(f"time: {seconds:.1f} s, {result.meta['attempts']} LLM calls, "
          f"{result.meta['usage']['prompt_tokens']} prompt tokens")  # fmt: skip
    print(f"pieces: {result.meta['pieces']}; summary asked {tasks['summary']} times "
          f"(pieces + 1 merge), names {tasks['quoted_experts']} times")  # fmt: skip
    print(f"brief: {len(result.brief.pledges)} pledges, {len(result.brief.positions)} positions, "
          f"{len(result.brief.quoted_experts)} experts")  # fmt: skip
    print(
        f"grounded {grounding['grounded']}/{grounding['checked']}, "
        f"ungrounded {len(grounding['ungrounded'])}, dropped {len(grounding['dropped'])}"
    )
    print("summary:", result.brief.summary)


if __name__ == "__main__":
    main()
