"""Benchmark: newsbrief's `local` summarize vs the raw llama-cpp-python calls, side by side.

The raw side replays, on the same in-process Llama, exactly the requests newsbrief sent in its
first run (same messages, grammar, sampling and token limits), so both sides generate the same
tokens; the difference is newsbrief's own work (reading, cleaning, rendering, instructor,
validation, sentence selection, grounding). Every measurement starts from an empty KV cache and
the order alternates between rounds, so neither side profits from going second.

This machine is shared: wall times of the two sides drift by +-15% between rounds, more than
the overhead being measured. So the script also times newsbrief's own work directly (its wall
time minus the time spent inside llama calls), which that noise barely touches.

    python bench/summarize_local.py [--rounds 3] [--article seeds/000_ec47db115828c336.txt]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from newsbrief import api
from newsbrief.config import resolve_settings
from newsbrief.llm import LLM, LocalProvider, build_provider

ROOT = Path(__file__).resolve().parents[1]


class Recording:
    """Wraps the provider's llama call: keeps every request and the time spent inside llama."""

    def __init__(self, provider: LocalProvider) -> None:
        self.requests: list[dict[str, Any]] = []
        self.inside_s = 0.0
        self._create = provider.llama.create_chat_completion_openai_v1
        provider.llama.create_chat_completion_openai_v1 = self._record

    def _record(self, **kwargs: Any) -> Any:
        self.requests.append(dict(kwargs))
        started = time.perf_counter()
        try:
            return self._create(**kwargs)
        finally:
            self.inside_s += time.perf_counter() - started


def raw_calls(llama: Any, requests: list[dict[str, Any]]) -> tuple[float, int, int]:
    """Send ``requests`` straight to llama-cpp-python; returns (seconds, in, out tokens)."""
    prompt_tokens = completion_tokens = 0
    started = time.perf_counter()
    for request in requests:
        reply = llama.create_chat_completion(**request)
        prompt_tokens += reply["usage"]["prompt_tokens"]
        completion_tokens += reply["usage"]["completion_tokens"]
    return time.perf_counter() - started, prompt_tokens, completion_tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--article", default=str(ROOT / "seeds" / "000_ec47db115828c336.txt"))
    args = parser.parse_args()

    started = time.perf_counter()
    provider = build_provider(resolve_settings(model="local"))
    assert isinstance(provider, LocalProvider)
    llama = provider.llama
    load_s = time.perf_counter() - started
    llm = LLM(provider)

    # A first, cold run: records the exact requests for the raw side.
    recording = Recording(provider)
    t0 = time.perf_counter()
    first = api.summarize(args.article, llm=llm)
    cold_s = time.perf_counter() - t0
    requests = list(recording.requests)

    ours: list[float] = []
    own: list[float] = []  # newsbrief's own time: its wall time minus the time inside llama
    raw: list[float] = []
    tokens: dict[str, tuple[int, int]] = {}
    for round_no in range(args.rounds):
        order = ["raw", "newsbrief"] if round_no % 2 == 0 else ["newsbrief", "raw"]
        for side in order:
            llama.reset()  # empty KV cache: every measurement pays for reading the article
            if side == "raw":
                seconds, p_tok, c_tok = raw_calls(llama, requests)
                raw.append(seconds)
                tokens["raw"] = (p_tok, c_tok)
            else:
                recording.inside_s = 0.0
                t0 = time.perf_counter()
                result = api.summarize(args.article, llm=llm)
                ours.append(time.perf_counter() - t0)
                own.append(ours[-1] - recording.inside_s)
                usage = result.meta["usage"]
                tokens["newsbrief"] = (usage["prompt_tokens"], usage["completion_tokens"])

    ours_s, raw_s = statistics.median(ours), statistics.median(raw)
    words = len(Path(args.article).read_text(encoding="utf-8").split())
    grounding = first.meta["grounding"]
    print(f"article: {args.article} ({words} words), {len(requests)} LLM calls per summarize")
    print(f"model load: {load_s:.2f} s; first (cold) summarize: {cold_s:.2f} s")
    print(f"tokens (prompt, completion): raw {tokens['raw']}  newsbrief {tokens['newsbrief']}")
    print(f"raw llama-cpp-python: median {raw_s:.2f} s  runs {[round(x, 2) for x in raw]}")
    print(f"newsbrief summarize:  median {ours_s:.2f} s  runs {[round(x, 2) for x in ours]}")
    print(
        f"overhead ratio newsbrief/raw: median {ours_s / raw_s:.3f}, "
        f"best-of {min(ours) / min(raw):.3f}  (target <= 1.10)"
    )
    own_s = statistics.median(own)
    print(
        f"newsbrief's own work (outside llama): median {own_s * 1000:.0f} ms per summarize = "
        f"{own_s / raw_s:.2%} of the raw llama time (noise-free overhead; target <= 10%)"
    )
    print(f"whole summarize incl. model load: {load_s + cold_s:.2f} s  (target < 60 s)")
    print(f"grounded excerpts and names: {grounding['grounded']}/{grounding['checked']}")


if __name__ == "__main__":
    main()
